"""A session's configuration, and the data and network it makes.

A configuration is a plain dict (``Config`` in the API); :data:`DEFAULTS` is the
article's: network B (1-1-1 sigmoid, w1 = 0.5, b1 = 0, w2 = -1, b2 = 0) on the PSA data,
trained per sample with the ``ssr`` loss and learning rate 0.1. Any other network is
``Network.random``'s way of drawing weights, from ``seed``, with one activation per layer.
A network for an uploaded CSV file standardises its inputs and records the data's names,
as ``nnmath train`` does (its model file works with ``nnmath predict``).

>>> data = make_data(DEFAULTS)
>>> net = make_network(DEFAULTS, data)
>>> data.X[DEFAULT_SAMPLE].tolist(), [p.tolist() for p in net.params().values()]
([2.0], [[[0.5]], [0.0], [[-1.0]], [0.0]])
"""

from __future__ import annotations

import numpy as np

from .. import datasets
from ..article import network_b
from ..errors import ConfigError, must_be
from ..layers import Dense
from ..losses import check_loss, head_for
from ..network import Network
from ..workflow import model_info
from .limits import MAX_PARAMS, MAX_ROWS, check_limit

__all__ = ["DEFAULTS", "DEFAULT_SAMPLE", "DATASETS", "ACTIVATIONS", "LOSSES", "OPTIMIZERS",
           "DATA_KEYS", "NETWORK_KEYS", "merged", "make_data", "make_network", "targets",
           "check_fits", "config_of_network", "task_of", "head_of"]

DATASETS = ("psa", "circle", "xor", "blobs", "spiral", "csv")
ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity", "softmax")
LOSSES = ("ssr", "mse", "bce", "cross_entropy")
OPTIMIZERS = ("sgd", "momentum", "adam")

DEFAULTS = {"dataset": "psa", "n_samples": 200, "noise": 0.1, "n_classes": 2, "seed": 0,
            "hidden": [1],
            "activations": ["sigmoid", "sigmoid"], "loss": "ssr", "optimizer": "sgd",
            "learning_rate": 0.1, "batch_size": 1, "shuffle": False}
DEFAULT_SAMPLE = 8
"""PSA row 8 (counting from 0): x = 2.0, Healthy, target 0 -- the article's sample."""

DATA_KEYS = ("dataset", "n_samples", "noise", "n_classes", "seed")
"""Changing one of these makes new data (and a new network)."""
NETWORK_KEYS = ("hidden", "activations", "seed")
"""Changing one of these makes a new network; the other keys are training settings."""

_TOY = {"circle": datasets.circle, "xor": datasets.xor, "blobs": datasets.blobs,
        "spiral": datasets.spiral}


def merged(config: dict, changes: dict) -> dict:
    """``config`` with the keys ``changes`` gives (None: unchanged).

    ``hidden`` without ``activations`` keeps the output activation and uses the first
    hidden activation (sigmoid if none) for every hidden layer.
    """
    out = {**config, **{k: v for k, v in changes.items() if v is not None}}
    if changes.get("hidden") is not None and changes.get("activations") is None:
        old = config["activations"]
        hidden = old[0] if len(old) > 1 else "sigmoid"
        out["activations"] = [hidden] * len(out["hidden"]) + [old[-1]]
    if len(out["activations"]) != len(out["hidden"]) + 1:
        raise ConfigError(must_be("activations", f"one per layer: {len(out['hidden']) + 1} "
                                  f"names for {len(out['hidden'])} hidden layer(s) and the "
                                  "output layer", out["activations"],
                                  "The output layer's activation comes last."))
    if "softmax" in out["activations"][:-1]:
        raise ConfigError(must_be("softmax", "used on the output layer only",
                                  "softmax on a hidden layer",
                                  "Use sigmoid, tanh or relu for hidden layers."))
    return out


def make_data(config: dict, uploaded=None) -> datasets.Dataset:
    """The data ``config`` names: PSA, a toy set, or the CSV file ``uploaded``."""
    name = config["dataset"]
    if name == "psa":
        return datasets.psa()
    if name == "csv":
        if uploaded is None:
            raise ConfigError(must_be("the dataset", "a CSV file uploaded first to be 'csv'",
                                      "no file", "Upload a CSV file (POST .../csv)."))
        return uploaded
    classes = {"n_classes": config["n_classes"]} if name in ("blobs", "spiral") else {}
    return _TOY[name](n_samples=config["n_samples"], noise=config["noise"],
                      seed=config["seed"], **classes)


def task_of(data) -> str:
    """binary, multiclass or regression."""
    if data.task == "regression":
        return "regression"
    return "binary" if data.n_classes == 2 else "multiclass"


def _n_targets(data) -> int:
    if data.task == "regression":
        return 1 if np.ndim(data.y) == 1 else data.y.shape[1]
    return data.n_classes


def make_network(config: dict, data) -> Network:
    """The network of ``config`` for ``data``: network B for the default network (and seed)
    on PSA, else weights drawn from ``seed`` (as ``Network.random`` draws them), biases 0.
    The training settings (loss, optimizer, learning rate, batch size) do not change it."""
    acts = config["activations"]
    n_out = head_for(data.task, _n_targets(data), acts[-1], config["loss"])[0]
    sizes = [data.X.shape[1], *config["hidden"], n_out]
    n_params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    check_limit(n_params, MAX_PARAMS, "max_params", "the network's parameters",
                f"Use fewer neurons (sizes {'-'.join(map(str, sizes))}).")
    if config["dataset"] == "psa" and sizes == [1, 1, 1] and acts == ["sigmoid", "sigmoid"] \
            and config["seed"] == DEFAULTS["seed"]:
        return network_b()
    rng = np.random.default_rng(config["seed"])
    net = Network([Dense(n_in, n, act, rng=rng)
                   for n_in, n, act in zip(sizes[:-1], sizes[1:], acts)])
    if config["dataset"] == "csv":   # as nnmath train: standardised inputs, the names kept
        net.info = model_info(data, config["loss"], datasets.standardize(data.X))
    return net


def head_of(config: dict, data) -> dict:
    """The output activation and loss that fit ``data``'s task, as ``nnmath train``
    chooses them (:func:`nnmath.losses.head_for`; two classes: one sigmoid output, P(class
    1)): a change to ``config`` for newly uploaded data.

    >>> head_of(DEFAULTS, datasets.psa())
    {'activations': ['sigmoid', 'sigmoid'], 'loss': 'bce'}
    """
    _, activation, loss = head_for(data.task, _n_targets(data), two_classes="sigmoid")
    return {"activations": [*config["activations"][:-1], activation], "loss": loss}


def targets(net: Network, data) -> np.ndarray:
    """``T`` for ``net``: 0/1 for one sigmoid output, one-hot rows for several outputs."""
    return data.targets(net.n_outputs)


def check_fits(net: Network, data, loss: str) -> None:
    """The network takes the data's inputs and gives its targets, and the loss fits both."""
    check_limit(net.n_params(), MAX_PARAMS, "max_params", "the network's parameters",
                "Use fewer neurons.")
    if net.n_inputs != data.X.shape[1]:
        raise ConfigError(must_be("the network's inputs", f"one per feature of the data "
                                  f"({data.X.shape[1]}: {', '.join(data.feature_names)})",
                                  net.n_inputs, "Choose data with as many features."))
    n_targets = _n_targets(data)
    if data.task != "regression" and net.n_outputs not in (n_targets, 1 if n_targets == 2
                                                           else n_targets):
        raise ConfigError(must_be("the network's outputs", f"{n_targets} (one per class)"
                                  + (" or 1 (P(class 1))" if n_targets == 2 else ""),
                                  net.n_outputs, "Choose data with as many classes."))
    check_loss(net.layers[-1].activation, loss, targets(net, data))


def config_of_network(config: dict, net: Network) -> dict:
    """``config`` with the hidden sizes and activations of ``net``, and the training
    settings its model file records (``nnmath train`` writes them), where valid here."""
    recorded = net.info.get("training")
    recorded = recorded if isinstance(recorded, dict) else {}
    valid = {"optimizer": lambda v: v in OPTIMIZERS,
             "learning_rate": lambda v: _number(v) and 0 < v <= 10,
             "batch_size": lambda v: _whole(v) and 1 <= v <= MAX_ROWS,
             "shuffle": lambda v: isinstance(v, bool),
             "seed": lambda v: _whole(v) and 0 <= v < 2**32}
    settings = {k: recorded[k] for k, ok in valid.items() if k in recorded and ok(recorded[k])}
    return {**config, **settings, "hidden": net.sizes[1:-1],
            "activations": [layer.activation for layer in net.layers]}


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)


def _whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)
