"""nnmath ↔ PyTorch: the same network as a ``torch.nn.Sequential``, and back.

A dense layer ``a = g(a_prev @ W + b)`` is ``torch.nn.Linear`` followed by the
activation's module. The weights are stored transposed: nnmath's ``W`` is
``(n_in, n_out)`` (``W[i, j]`` from input ``i`` to neuron ``j``), torch's
``Linear.weight`` is ``(out_features, in_features)``::

    Linear.weight = W.T        Linear.bias = b

A model with stored scaling (``nnmath train``) exports with the scaling as its
first step, :class:`Standardize` (``(x - mean) / std``, the same operations as
``nnmath predict``), so raw inputs give ``predict``'s outputs. A model with a stored
preprocessing starts with :class:`Prepare` (fill values, one-hot categories: its input
is the raw columns, a categorical column given as the index of its category in the
model file's ``categories``, NaN for a missing cell), and a regression model with a
target scaling ends with :class:`Unstandardize` (``y_hat * std + mean``): the whole
pipeline is in the graph.

Files: PyTorch's own exported-program format (``torch.export``, a ``.pt2`` file)
holds the graph and the weights together and runs without nnmath
(``torch.export.load(path).module()(x)``); :func:`save_exported` writes one and
:func:`load_exported` reads one back (``nnmath export --to torch``, ``nnmath import``).
Reading is not loading: ``torch.export.load`` may unpickle parts of a file, which can
run any code, so :func:`load_exported` never calls it; :mod:`nnmath.interop.pt2` reads
the archive as data (JSON graph, raw numbers) and refuses pickles and zip bombs.
(TorchScript, the older format, is deprecated in PyTorch 2.13.)

>>> from nnmath.article import network_b
>>> model = to_torch(network_b())
>>> model
Sequential(
  (0): Linear(in_features=1, out_features=1, bias=True)
  (1): Sigmoid()
  (2): Linear(in_features=1, out_features=1, bias=True)
  (3): Sigmoid()
)
>>> round(model(torch.tensor([[2.0]], dtype=torch.float64)).detach().item(), 6)
0.324962
>>> from_torch(model).params()["W2"]
array([[-1.]])
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError, ModelFileError, must_be, shown
from ..inputfile import InputFile, read_input
from ..optional import require
from .pt2 import COMPLEX_FIX, SUPPORTED, read_program

if TYPE_CHECKING:   # mypy reads torch's own types; at run time a missing torch is one line
    import torch
else:
    torch = require("torch", "the PyTorch interop (nnmath.interop.torch)")
nn = torch.nn

__all__ = ["to_torch", "from_torch", "Standardize", "Unstandardize", "Prepare",
           "save_exported", "load_exported", "ACTIVATION_MODULES", "EXPORTED_FILE",
           "category_codes"]

ACTIVATION_MODULES: dict[str, Callable[[], nn.Module]] = {
    "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "identity": nn.Identity,
    "softmax": lambda: nn.Softmax(dim=-1)}
"""The torch module of each nnmath activation (softmax over the outputs of a sample)."""


class Standardize(nn.Module):
    """``(x - mean) / std``, feature by feature: the model file's ``"scaling"``.

    mean, std : tensors of shape (n_features,).
    """

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean))
        self.register_buffer("std", torch.as_tensor(std))

    def forward(self, x):
        return (x - self.mean) / self.std


class Unstandardize(nn.Module):
    """``y * std + mean``, output by output: the model file's ``"target_scaling"`` (a
    regression network's outputs back in the target's units)."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean))
        self.register_buffer("std", torch.as_tensor(std))

    def forward(self, y):
        return y * self.std + self.mean


class Prepare(nn.Module):
    """The model file's ``"preprocessing"``: raw columns in, the network's inputs (before
    scaling) out.

    The input ``x`` (n_samples, n_columns) holds, per column: a numeric column's value;
    a categorical column's category as its index in the column's ``categories``; NaN for
    a missing cell, which takes the column's fill value (a column without one stays NaN).
    Any other number, e.g. -1, is a category not seen in training: all zeros when the model
    was trained with ``unknown="ignore"`` (as ``nnmath predict``); with ``"error"``, where
    ``predict`` refuses the row, a graph cannot raise, so the row's one-hot block is NaN
    (``onehot / max(onehot)`` = 0/0) and so are its outputs, never a silent prediction. A
    missing cell of a column without a fill value (``predict`` refuses it too) gives NaN
    outputs whatever ``unknown``.
    :func:`category_codes` turns text into these indices.
    """

    def __init__(self, preprocessing, dtype):
        super().__init__()
        self.kinds = [c.kind for c in preprocessing.columns]
        self.unseen_nan = preprocessing.unknown != "ignore"
        self.widths = [c.width for c in preprocessing.columns]
        fills = []
        for c in preprocessing.columns:
            if c.fill is None:
                fills.append(float("nan"))
            elif c.kind == "categorical":
                fills.append(float(c.categories.index(c.fill)))
            else:
                fills.append(float(c.fill))
        self.register_buffer("fill", torch.tensor(fills, dtype=dtype))

    def forward(self, x):
        missing = torch.isnan(x)
        x = torch.where(missing, self.fill, x)
        blocks = []
        for c, (kind, width) in enumerate(zip(self.kinds, self.widths)):
            column = x[:, c:c + 1]
            if kind == "numeric":
                blocks.append(column)
            else:
                levels = torch.arange(width, dtype=x.dtype)
                onehot = (column == levels).to(x.dtype)
                if self.unseen_nan:   # an unseen category: 0/0, NaN outputs (predict refuses)
                    onehot = onehot / onehot.amax(dim=1, keepdim=True)
                else:   # a missing cell without a fill value: NaN (predict refuses it)
                    onehot = torch.where(torch.isnan(column), torch.nan, onehot)
                blocks.append(onehot)
        return torch.cat(blocks, dim=1)


def category_codes(network, rows) -> np.ndarray:
    """The input of an exported model with a preprocessing (:class:`Prepare`) for rows of
    raw cells (numbers, category texts, None or a missing-value text): an array of shape
    (n_samples, n_columns), categories as their index, -1 for one not seen in training,
    NaN for a missing cell."""
    from ..inference import preprocessing_of

    pre = preprocessing_of(network)
    if pre is None:
        return np.asarray(rows, dtype=np.float64)
    X, texts = pre.frame(rows)
    out = X.copy()
    for c, column in enumerate(pre.columns):
        if column.kind == "categorical":
            index = {k: j for j, k in enumerate(column.categories)}
            lookup = np.array([index.get(t, -1) for t in texts[c]], dtype=np.float64)
            present = ~np.isnan(X[:, c])
            out[present, c] = lookup[X[present, c].astype(np.intp)]
    return out


def to_torch(network, dtype=None) -> "nn.Sequential":
    """``network`` as a ``torch.nn.Sequential`` with the same weights.

    Parameters
    ----------
    network : Network
    dtype : torch.float64 or torch.float32, optional
        Default: the network's own (float64 unless it was made float32).

    Returns
    -------
    torch.nn.Sequential
        ``Prepare`` and ``Standardize`` when the model file records them, then
        ``Linear`` and the activation's module for each layer, then ``Unstandardize``
        for a standardised regression target.
    """
    from ..inference import preprocessing_of

    dtype = _torch_dtype(network, dtype)
    modules: list[nn.Module] = []
    pre = preprocessing_of(network)
    if pre is not None:
        modules.append(Prepare(pre, dtype))
    scaling = network.info.get("scaling")
    if scaling:
        modules.append(Standardize(torch.tensor(scaling["mean"], dtype=dtype),
                                   torch.tensor(scaling["std"], dtype=dtype)))
    for layer in network.layers:
        linear = nn.Linear(layer.n_in, layer.n_out, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(layer.W.T)))
            linear.bias.copy_(torch.from_numpy(layer.b))
        modules += [linear, ACTIVATION_MODULES[layer.activation]()]
    target = network.info.get("target_scaling")
    if target:
        modules.append(Unstandardize(torch.tensor(target["mean"], dtype=dtype),
                                     torch.tensor(target["std"], dtype=dtype)))
    return nn.Sequential(*modules)


def from_torch(module, info: dict | None = None):
    """A :class:`~nnmath.network.Network` from a torch model: a ``Sequential`` (also a
    TorchScript one) or a ``torch.export`` program (``torch.export.export(model, (x,))``:
    any module whose forward is such a sequence).

    The model is a sequence of ``Linear`` layers, each optionally followed by one of
    Sigmoid, Tanh, ReLU, Identity or Softmax (over the last dimension, last layer
    only); a leading :class:`Standardize` becomes the stored scaling; ``Dropout`` in
    eval mode and ``Flatten`` are skipped (they change nothing for a row of
    features). Anything else is a ConfigError naming the first unsupported layer.
    ``info`` adds model-file keys (``feature_names``, ``class_names``, ...).
    """
    if isinstance(module, torch.export.ExportedProgram):
        scaling, layers, target = read_program(_program_bytes(module),
                                               "the torch.export program")
    else:
        scaling, layers, target = _from_modules(_children(module))
    return _network(scaling, layers, info, target)


def _network(scaling: dict | None, layers: list, info: dict | None, target=None):
    """The checked :class:`~nnmath.network.Network` of ``(W, b, activation)`` layers."""
    from ..layers import Dense
    from ..modelfile import from_dict, to_dict
    from ..network import Network

    if not layers:
        raise ConfigError(must_be("the torch model", "a Sequential with at least one Linear "
                                  "layer", "no Linear layer"))
    net = Network([Dense(W=W, b=b, activation=act, dtype=W.dtype) for W, b, act in layers])
    net.info = {**({"scaling": scaling} if scaling else {}),
                **({"task": "regression", "target_scaling": target} if target else {}),
                **(info or {})}
    checked = from_dict(to_dict(net), source="the torch model")   # every model-file check
    return checked.astype(np.float32) if net.dtype == np.float32 else checked


def _from_modules(children) -> tuple:
    """``(scaling, [(W, b, activation), ...], target_scaling)`` of a Sequential's children."""
    scaling, layers, i, target = None, [], 0, None
    if children and _kind(children[-1][1]) == "Unstandardize":
        last = children[-1][1]
        target = {"mean": _numpy(last.mean, "the target scaling's mean").tolist(),
                  "std": _numpy(last.std, "the target scaling's std").tolist()}
        children = children[:-1]
    if children and _kind(children[0][1]) == "Standardize":
        scaling = {"method": "standard",
                   "mean": _numpy(children[0][1].mean, "the scaling's mean").tolist(),
                   "std": _numpy(children[0][1].std, "the scaling's std").tolist()}
        i = 1
    while i < len(children):
        name, child = children[i]
        kind = _kind(child)
        if _skipped(kind, child):
            i += 1
            continue
        if kind in _ACTIVATIONS:
            raise ConfigError(must_be(f"layer {name} of the torch model ({kind})", "after a "
                                      "Linear layer: nnmath's layers are Linear, then one "
                                      "activation", "an activation with no Linear before it"))
        if kind != "Linear":
            raise _unsupported(name, kind, child)
        activation, i = _activation_after(children, i + 1)
        W = _numpy(child.weight, f"the weight of layer {name}").T
        b = (_numpy(child.bias, f"the bias of layer {name}") if child.bias is not None
             else np.zeros(W.shape[1], W.dtype))
        layers.append((W, b, activation))
    return scaling, layers, target


def _program_bytes(program) -> bytes:
    """The ``.pt2`` bytes of an in-memory program (read back by :func:`read_program`: one
    reader, the same rules, for a program and for a file)."""
    buffer = io.BytesIO()
    try:
        torch.export.save(program, buffer)
    except Exception as exc:  # noqa: BLE001 - torch raises RuntimeError, TypeError, ...
        raise ConfigError(must_be("the torch.export program", "one torch.export.save can "
                                  "write", f"{type(exc).__name__}: {shown(str(exc), 60)}",
                                  "nnmath explains dense networks (MLPs) only.")) from None
    return buffer.getvalue()


def save_exported(network, path, dtype=None) -> None:
    """Write ``network`` as a ``torch.export`` file (``.pt2``: graph and weights, any
    number of rows), atomically. Load it with ``torch.export.load(path).module()``.

    torch writes the archive into memory; Python writes the file (a full disk is one
    :class:`~nnmath.errors.ModelFileError`, and the old file, if any, stays as it was).
    """
    from ..inference import preprocessing_of
    from ..safefile import atomic_path

    dtype = _torch_dtype(network, dtype)
    model = to_torch(network, dtype).eval()
    pre = preprocessing_of(network)
    width = network.n_inputs if pre is None else len(pre.columns)
    example = torch.zeros(2, width, dtype=dtype)
    n_samples = torch.export.Dim("n_samples", min=1)
    program = torch.export.export(model, (example,), dynamic_shapes=({0: n_samples},))
    buffer = io.BytesIO()
    torch.export.save(program, buffer)   # torch's own writer fails by aborting the process
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(buffer.getbuffer())


def load_exported(path, info: dict | None = None):
    """The :class:`~nnmath.network.Network` of a ``torch.export`` file, read as data
    (:func:`nnmath.interop.pt2.read_program`): nothing in the file is run or unpickled."""
    raw = read_input(path, EXPORTED_FILE)   # a regular file or a pipe, size-checked
    scaling, layers, target = read_program(raw, f"the torch.export file {shown(str(path))}")
    return _network(scaling, layers, info, target)


EXPORTED_FILE = InputFile(
    name="torch.export file", path_name="the torch.export path", kind="a file",
    noun="a torch.export file", limit=64 * 1024 * 1024, error=ModelFileError,
    limit_fix="nnmath imports dense networks of at most 2,000,000 parameters.")
"""How :func:`load_exported` reads a file: a regular file or a pipe, at most 64 MB."""


# -- reading a torch model ---------------------------------------------------------------
_ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "Identity": "identity",
                "Softmax": "softmax"}


def _children(module) -> list:
    if not isinstance(module, nn.Module):
        raise ConfigError(must_be("the model", "a torch.nn.Module (a Sequential)",
                                  type(module).__name__, "For example nn.Sequential("
                                  "nn.Linear(1, 2), nn.Sigmoid(), nn.Linear(2, 1))."))
    children = list(module.named_children())
    if _kind(module) == "Linear" or (not children and _kind(module) in _ACTIVATIONS):
        return [("0", module)]
    return children


def _kind(module) -> str:
    """The module's class name (a TorchScript module keeps it as ``original_name``)."""
    return getattr(module, "original_name", None) or type(module).__name__


def _skipped(kind: str, child) -> bool:
    if kind == "Flatten":
        return True
    if kind in ("Dropout", "AlphaDropout"):
        if child.training:
            raise ConfigError(must_be(f"layer {kind}", "in eval mode (model.eval()): in "
                                      "training mode it drops inputs at random", "training "
                                      "mode", "Call model.eval() before exporting."))
        return True
    return False


def _activation_after(children, i) -> tuple[str, int]:
    """The activation that follows a Linear (identity if none), and the next index."""
    while i < len(children) and _skipped(_kind(children[i][1]), children[i][1]):
        i += 1
    if i < len(children) and _kind(children[i][1]) in _ACTIVATIONS:
        name, child = children[i]
        if _kind(child) == "Softmax" and getattr(child, "dim", -1) not in (-1, 1, None):
            raise _unsupported(name, "Softmax", child, f"Softmax(dim={child.dim}): nnmath's "
                               "softmax is over the outputs of a sample (dim=-1)")
        return _ACTIVATIONS[_kind(child)], i + 1
    return "identity", i


def _unsupported(name, kind, child, why: str = "") -> ConfigError:
    return ConfigError(must_be(f"layer {name} of the torch model", f"one of {SUPPORTED}",
                               why or kind, "nnmath explains dense networks (MLPs) only."))


def _numpy(tensor, what: str) -> np.ndarray:
    """The tensor's numbers, float32 or float64 as they are (never a lossy conversion)."""
    if tensor.dtype not in (torch.float32, torch.float64):
        name = str(tensor.dtype).removeprefix("torch.")
        raise ConfigError(must_be(f"{what} of the torch model", "float32 or float64", name,
                                  COMPLEX_FIX if tensor.is_complex() else "Convert the model "
                                  "with model.double() (or model.float())."))
    return tensor.detach().cpu().numpy()


def _torch_dtype(network, dtype):
    if dtype is None:
        return torch.float32 if network.dtype == np.float32 else torch.float64
    if dtype not in (torch.float32, torch.float64):
        raise ConfigError(must_be("dtype", "torch.float32 or torch.float64", dtype))
    return dtype
