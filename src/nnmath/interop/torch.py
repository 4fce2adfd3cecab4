"""nnmath ↔ PyTorch: the same network as a ``torch.nn.Sequential``, and back.

A dense layer ``a = g(a_prev @ W + b)`` is ``torch.nn.Linear`` followed by the
activation's module. The weights are stored transposed: nnmath's ``W`` is
``(n_in, n_out)`` (``W[i, j]`` from input ``i`` to neuron ``j``), torch's
``Linear.weight`` is ``(out_features, in_features)``::

    Linear.weight = W.T        Linear.bias = b

A model with stored scaling (``nnmath train``) exports with the scaling as its
first step, :class:`Standardize` (``(x - mean) / std``, the same operations as
``nnmath predict``), so raw inputs give ``predict``'s outputs.

Files: PyTorch's own exported-program format (``torch.export``, a ``.pt2`` file)
holds the graph and the weights together and runs without nnmath
(``torch.export.load(path).module()(x)``); :func:`save_exported` writes one and
:func:`load_exported` reads one back (``nnmath export --to torch``, ``nnmath import``).
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
import logging
import zipfile

import numpy as np

from ..errors import ConfigError, ModelFileError, must_be, shown
from ..inputfile import InputFile, read_input
from ..optional import require

torch = require("torch", "the PyTorch interop (nnmath.interop.torch)")
nn = torch.nn

__all__ = ["to_torch", "from_torch", "Standardize", "save_exported", "load_exported",
           "ACTIVATION_MODULES", "EXPORTED_FILE"]

ACTIVATION_MODULES = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
                      "identity": nn.Identity, "softmax": lambda: nn.Softmax(dim=-1)}
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
        [Standardize,] then Linear and the activation's module for each layer.
    """
    dtype = _torch_dtype(network, dtype)
    modules = []
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
    from ..layers import Dense
    from ..modelfile import from_dict, to_dict
    from ..network import Network

    if isinstance(module, torch.export.ExportedProgram):
        scaling, layers = _from_program(module)
    else:
        scaling, layers = _from_modules(_children(module))
    if not layers:
        raise ConfigError(must_be("the torch model", "a Sequential with at least one Linear "
                                  "layer", type(module).__name__))
    net = Network([Dense(W=W, b=b, activation=act, dtype=W.dtype) for W, b, act in layers])
    net.info = {**({"scaling": scaling} if scaling else {}), **(info or {})}
    checked = from_dict(to_dict(net), source="the torch model")   # every model-file check
    return checked.astype(np.float32) if net.dtype == np.float32 else checked


def _from_modules(children) -> tuple:
    """``(scaling, [(W, b, activation), ...])`` of a Sequential's children."""
    scaling, layers, i = None, [], 0
    if children and _kind(children[0][1]) == "Standardize":
        scaling = {"method": "standard", "mean": _numpy(children[0][1].mean).tolist(),
                   "std": _numpy(children[0][1].std).tolist()}
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
        W = _numpy(child.weight).T
        b = _numpy(child.bias) if child.bias is not None else np.zeros(W.shape[1], W.dtype)
        layers.append((W, b, activation))
    return scaling, layers


_ATEN_ACTIVATIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "softmax": "softmax",
                     "_softmax": "softmax"}


def _from_program(program) -> tuple:
    """``(scaling, [(W, b, activation), ...])`` of a ``torch.export`` program's graph: in
    order, ``sub`` and ``div`` by constants (the scaling), then ``linear`` each followed by
    at most one activation."""
    signature, values = program.graph_signature, {}
    named = {**signature.inputs_to_parameters, **signature.inputs_to_buffers}
    tensors = {**program.state_dict, **program.constants}
    scaling, layers, nodes = None, [], []
    for node in program.graph.nodes:
        if node.op == "placeholder" and node.name in named:
            values[node.name] = _numpy(tensors[named[node.name]])
        elif node.op == "call_function":
            nodes.append(node)
    op = [getattr(node.target, "__name__", str(node.target)).split(".")[0] for node in nodes]
    i = 0
    if op[:2] == ["sub", "div"] and all(str(a) in values for a in (nodes[0].args[1],
                                                                   nodes[1].args[1])):
        scaling = {"method": "standard", "mean": values[str(nodes[0].args[1])].tolist(),
                   "std": values[str(nodes[1].args[1])].tolist()}
        i = 2
    while i < len(nodes):
        if op[i] in ("flatten", "view", "dropout"):
            i += 1
            continue
        if op[i] != "linear":
            raise _unsupported(nodes[i].name, f"the operation aten.{op[i]}", None)
        W = values[str(nodes[i].args[1])].T
        b = values[str(nodes[i].args[2])] if len(nodes[i].args) > 2 and nodes[i].args[2] \
            is not None else np.zeros(W.shape[1], W.dtype)
        activation, i = "identity", i + 1
        if i < len(nodes) and op[i] in _ATEN_ACTIVATIONS:
            if op[i] in ("softmax", "_softmax") and nodes[i].args[1] not in (-1, 1):
                raise _unsupported(nodes[i].name, "softmax", None, f"softmax over dim "
                                   f"{nodes[i].args[1]}: nnmath's is over the outputs (-1)")
            activation, i = _ATEN_ACTIVATIONS[op[i]], i + 1
        layers.append((W, b, activation))
    return scaling, layers


def save_exported(network, path, dtype=None) -> None:
    """Write ``network`` as a ``torch.export`` file (``.pt2``: graph and weights, any
    number of rows), atomically. Load it with ``torch.export.load(path).module()``."""
    from ..safefile import atomic_path

    dtype = _torch_dtype(network, dtype)
    model = to_torch(network, dtype).eval()
    example = torch.zeros(2, network.n_inputs, dtype=dtype)
    n_samples = torch.export.Dim("n_samples", min=1)
    program = torch.export.export(model, (example,), dynamic_shapes=({0: n_samples},))
    with atomic_path(path) as tmp:
        torch.export.save(program, tmp)


def load_exported(path, info: dict | None = None):
    """The :class:`~nnmath.network.Network` of a ``torch.export`` file (:func:`from_torch`)."""
    raw = read_input(path, EXPORTED_FILE)   # a regular file or a pipe, size-checked
    quiet = logging.getLogger("torch.export")   # it logs a traceback before it raises
    try:
        if not zipfile.is_zipfile(io.BytesIO(raw)):   # a .pt2 file is a zip archive
            raise ValueError("not a zip archive: not a .pt2 file, or cut short")
        quiet.disabled = True
        program = torch.export.load(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - torch raises RuntimeError, ValueError, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(must_be(f"{shown(str(path))}", "a torch.export file (.pt2, "
                                     "torch.export.save)", f"a file torch cannot load "
                                     f"({shown(first, 60)})", "Save the model with torch."
                                     "export.save(torch.export.export(model, (x,)), path).")) \
            from None
    finally:
        quiet.disabled = False
    return from_torch(program, info)


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
    supported = "Linear, Sigmoid, Tanh, ReLU, Identity, Softmax(dim=-1), Dropout (eval), Flatten"
    return ConfigError(must_be(f"layer {name} of the torch model", f"one of {supported}",
                               why or kind, "nnmath explains dense networks (MLPs) only."))


def _numpy(tensor) -> np.ndarray:
    array = tensor.detach().cpu().numpy()
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    return array


def _torch_dtype(network, dtype):
    if dtype is None:
        return torch.float32 if network.dtype == np.float32 else torch.float64
    if dtype not in (torch.float32, torch.float64):
        raise ConfigError(must_be("dtype", "torch.float32 or torch.float64", dtype))
    return dtype
