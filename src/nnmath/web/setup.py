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

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import datasets
from ..activations import ACTIVATIONS
from ..article import B_LEARNING_RATE, network_b
from ..datasets import Dataset
from ..errors import ConfigError, NnmathError, must_be
from ..layers import Dense, count_params
from ..losses import check_loss, head_for, loss_for
from ..network import Network
from ..workflow import model_info
from .limits import LimitError, check_limit

__all__ = ["DEFAULTS", "DEFAULT_SAMPLE", "DATASETS", "HIDDEN_ACTIVATIONS", "ARTICLE_DATA", "UPLOADED", "DATASET_KEYS",
           "DATASET_LABELS", "DATA_KEYS", "NETWORK_KEYS", "merged", "rebuilt", "make_data",
           "make_network", "fit_model", "first_sample", "targets", "check_fits", "task_of",
           "head_of"]

ARTICLE_DATA = "psa"
"""The article's data set (:func:`nnmath.datasets.psa`)."""
UPLOADED = "csv"
"""The data set of an uploaded CSV file."""
_TOY: dict[str, Callable[..., Dataset]] = {
    "circle": datasets.circle, "xor": datasets.xor, "blobs": datasets.blobs,
    "spiral": datasets.spiral}
_CLASSES = ("blobs", "spiral")     # the toy sets that take n_classes
DATASETS = (ARTICLE_DATA, *_TOY, UPLOADED)
"""The data sets a configuration names."""
DATASET_KEYS = {name: [] if name not in _TOY else
                ["n_samples", "noise", "seed"] + (["n_classes"] if name in _CLASSES else [])
                for name in DATASETS}
"""The configuration keys each data set reads."""
DATASET_LABELS = {ARTICLE_DATA: "PSA (the article)", UPLOADED: "CSV (upload below)"}
"""How the page names a data set where its name alone would not say enough."""

HIDDEN_ACTIVATIONS = [name for name, g in ACTIVATIONS.items() if g.elementwise]
"""The activations a hidden layer may have: the elementwise ones (softmax's outputs depend
on each other: :class:`~nnmath.network.Network` takes it on the output layer only)."""

_NETWORK_B = network_b()   # read only: its sizes and activations are the default network
DEFAULTS: dict[str, Any] = {"dataset": ARTICLE_DATA, "n_samples": 200, "noise": 0.1, "n_classes": 2, "seed": 0,
            "hidden": _NETWORK_B.sizes[1:-1],
            "activations": [layer.activation for layer in _NETWORK_B.layers], "loss": "ssr",
            "optimizer": "sgd", "learning_rate": B_LEARNING_RATE, "batch_size": 1,
            "shuffle": False, "test_share": 0.0, "alpha": 0.0}
DEFAULT_SAMPLE = 8
"""PSA row 8 (counting from 0): x = 2.0, Healthy, target 0 -- the article's sample."""

DATA_KEYS = ("dataset", "n_samples", "noise", "n_classes", "seed")
"""Changing one of these makes new data (and a new network)."""
NETWORK_KEYS = ("hidden", "activations", "seed")
"""Changing one of these makes a new network; the other keys are training settings."""


def merged(config: dict, changes: dict) -> dict:
    """``config`` with the keys ``changes`` gives (None: unchanged).

    ``hidden`` without ``activations`` keeps the output activation and uses the first
    hidden activation (the default network's if none) for every hidden layer. Which
    activation a layer may have is the network's to say (:class:`~nnmath.network.Network`:
    softmax on the output layer only).
    """
    out = {**config, **{k: v for k, v in changes.items() if v is not None}}
    if changes.get("hidden") is not None and changes.get("activations") is None:
        old = config["activations"]
        hidden = old[0] if len(old) > 1 else DEFAULTS["activations"][0]
        out["activations"] = [hidden] * len(out["hidden"]) + [old[-1]]
    if len(out["activations"]) != len(out["hidden"]) + 1:
        raise ConfigError(must_be("activations", f"one per layer: {len(out['hidden']) + 1} "
                                  f"names for {len(out['hidden'])} hidden layer(s) and the "
                                  "output layer", out["activations"],
                                  "The output layer's activation comes last."))
    return out


def rebuilt(config: dict, changes: dict, data: Dataset | None = None,
            net: Network | None = None, uploaded: Dataset | None = None
            ) -> tuple[dict, Dataset, Network]:
    """The configuration that ``changes`` makes of ``config``, with its data and network:
    new data when a data key changes (or without ``data``), a new network when a network
    key changes (or without ``net``), else the ones given; the loss must fit both."""
    new = merged(config, changes)
    if data is None or any(new[k] != config[k] for k in DATA_KEYS):
        data, net = make_data(new, uploaded), None
    if net is None or any(new[k] != config[k] for k in NETWORK_KEYS):
        net = make_network(new, data)
    check_fits(net, data, new["loss"])
    return new, data, net


def make_data(config: dict, uploaded: Dataset | None = None) -> Dataset:
    """The data ``config`` names: PSA, a toy set, or the CSV file ``uploaded``."""
    name = config["dataset"]
    if name == ARTICLE_DATA:
        return datasets.psa()
    if name == UPLOADED:
        if uploaded is None:
            raise ConfigError(must_be("the dataset", f"a CSV file uploaded first to be "
                                      f"{UPLOADED!r}", "no file",
                                      f"Upload a CSV file (POST .../{UPLOADED})."))
        return uploaded
    return _TOY[name](**{key: config[key] for key in DATASET_KEYS[name]})


def first_sample(config: dict) -> int:
    """The row selected on new data: the article's on PSA, else the first."""
    return DEFAULT_SAMPLE if config["dataset"] == ARTICLE_DATA else 0


def task_of(data: Dataset) -> str:
    """binary, multiclass or regression."""
    if data.task == "regression":
        return "regression"
    return "binary" if data.n_classes == 2 else "multiclass"


def _n_targets(data: Dataset) -> int:
    if data.task == "regression":
        return 1 if np.ndim(data.y) == 1 else int(data.y.shape[1])
    return int(data.n_classes)


def make_network(config: dict, data: Dataset) -> Network:
    """The network of ``config`` for ``data``: network B for the default network (and seed)
    on PSA, else weights drawn from ``seed`` (as ``Network.random`` draws them), biases 0.
    The training settings (loss, optimizer, learning rate, batch size) do not change it."""
    acts = config["activations"]
    n_out = head_for(data.task, _n_targets(data), acts[-1], config["loss"])[0]
    sizes = [data.X.shape[1], *config["hidden"], n_out]
    check_limit(count_params(sizes), "max_params", "the network's parameters",
                f"Use fewer neurons (sizes {'-'.join(map(str, sizes))}).")
    if config["dataset"] == ARTICLE_DATA and sizes == _NETWORK_B.sizes \
            and acts == DEFAULTS["activations"] and config["seed"] == DEFAULTS["seed"]:
        return network_b()
    rng = np.random.default_rng(config["seed"])
    net = Network([Dense(n_in, n, act, rng=rng)
                   for n_in, n, act in zip(sizes[:-1], sizes[1:], acts)])
    if config["dataset"] == UPLOADED:   # as nnmath train: standardised inputs, names kept
        net.info = model_info(data, config["loss"], _scaling(data))
    return net


def _scaling(data: Dataset) -> datasets.Scaling:
    """The inputs' standardisation, as ``nnmath train`` learns it: a one-hot input of an
    uploaded table's categories keeps its 0 and 1 (mean 0, std 1)."""
    from .uploads import upload_preprocessing

    scaling = datasets.standardize(data.X)
    pre, _ = upload_preprocessing(data)
    if pre is None or not pre.categorical:
        return scaling
    return datasets.Scaling(mean=np.where(pre.onehot, 0.0, scaling.mean),
                            std=np.where(pre.onehot, 1.0, scaling.std))


def fit_model(net: Network, config: dict, data: Dataset | None = None,
              uploaded: Dataset | None = None) -> tuple[dict, Dataset]:
    """The configuration and data for a model file's network: on ``data`` (the current
    data) if it fits, else the uploaded CSV file's, else PSA (one input) or a toy set (two
    inputs); with the model's loss, else ``ssr`` (as ``nnmath explain --model`` takes it),
    else the one that fits its output layer. The configuration takes the network's hidden
    sizes and activations; the first error if nothing fits."""
    names = (UPLOADED, ARTICLE_DATA, "circle") if uploaded is not None else \
        (ARTICLE_DATA, "circle")
    options: list[tuple[dict, Dataset | None]] = [] if data is None else [(config, data)]
    options += [({**config, "dataset": name}, None) for name in names]
    losses: list[str] = [net.info["loss"]] if net.info.get("loss") else \
        [DEFAULTS["loss"], loss_for(net.layers[-1].activation)]   # nnmath explain's
    errors: list[NnmathError] = []
    for (option, known), loss in ((o, loss) for o in options for loss in losses):
        try:
            fitting = known if known is not None else make_data(option, uploaded)
            check_fits(net, fitting, loss)
        except LimitError:
            raise
        except NnmathError as exc:
            errors.append(exc)
            continue
        return {**option, "loss": loss, "hidden": net.sizes[1:-1],
                "activations": [layer.activation for layer in net.layers]}, fitting
    raise errors[0]   # there is always an option, and each one failed


def head_of(config: dict, data: Dataset) -> dict:
    """The output activation and loss that fit ``data``'s task, as ``nnmath train``
    chooses them (:func:`nnmath.losses.head_for`; two classes: one sigmoid output, P(class
    1)): a change to ``config`` for newly uploaded data.

    >>> head_of(DEFAULTS, datasets.psa())
    {'activations': ['sigmoid', 'sigmoid'], 'loss': 'bce'}
    """
    _, activation, loss = head_for(data.task, _n_targets(data), two_classes="sigmoid")
    return {"activations": [*config["activations"][:-1], activation], "loss": loss}


def targets(net: Network, data: Dataset) -> np.ndarray:
    """``T`` for ``net``: 0/1 for one sigmoid output, one-hot rows for several outputs."""
    return data.targets(net.n_outputs)


def check_fits(net: Network, data: Dataset, loss: str) -> None:
    """The network takes the data's inputs and gives its targets, and the loss fits both."""
    check_limit(net.n_params(), "max_params", "the network's parameters",
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
