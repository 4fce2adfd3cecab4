"""The JSON model file ``nnmath.network/1``: save, load, validate, write atomically.

::

    {"format": "nnmath.network/1",
     "layers": [{"activation": "sigmoid", "W": [[0.5]], "b": [0.0]},
                {"activation": "sigmoid", "W": [[-1.0]], "b": [0.0]}]}

``W[i][j]`` is the weight from input ``i`` to neuron ``j``. Floats are written
with Python's shortest round-trip ``repr``, so ``load(save(net))`` gives back
bit-identical parameters. Optional keys (``loss``, ``class_names``,
``feature_names``, ``scaling``, ``training``, ...) are kept as they are in
``Network.info`` on load, and those nnmath reads are checked against the network
(:func:`check_info`)::

    task           "classification" or "regression"
    loss           a loss name that fits the output layer ("bce" needs sigmoid, ...)
    feature_names  a list of n_inputs distinct strings
    class_names    a list of distinct names: n_outputs of them (2 for one output)
    positive_class two classes: the name of class 1 (the second class name), the class
                   that sensitivity, precision and the ROC curve are about
    target_name    a string
    target_names   several target columns (multi-output regression): n_outputs strings
    preprocessing  the raw columns and how they become inputs (one-hot categories, fill
                   values, missing-value texts, decimal mark, ID columns):
                   :mod:`nnmath.datasets.preprocess`; its columns make n_inputs inputs
    scaling        {"method": "standard", "mean": [...], "std": [...]}, n_inputs each
    target_scaling regression: {"mean": [...], "std": [...]}, n_outputs each; the
                   network's outputs are standardised targets (y = y_hat * std + mean)
    threshold      two classes: the decision threshold training chose (P(class 1) >= it)
    class_weight   classes: the weight of each class in the training loss, one number >= 0
                   per class in the order of ``class_names`` (``--class-weight``;
                   :mod:`nnmath.losses`); evaluate's and explain's loss carry it
    data           an object: the training file's name, its columns and rows (free-form)
    training       an object (the settings training ran with; free-form)
    history        the loss (and metrics) after each epoch, as ``nnmath train`` records
                   it (:meth:`nnmath.history.History.record`; checked by ``History.from_dict``)
"""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn, Protocol

import numpy as np

from ._typing import StrPath
from .activations import ACTIVATIONS
from .checks import is_json_number
from .datasets.scaling import Scaling
from .errors import ModelFileError, NnmathError, got, json_shown, must_be, shown
from .history import History
from .inputfile import InputFile, read_input
from .layers import MAX_PARAMS, Dense
from .losses import LOSSES, check_pair
from .network import MAX_LAYERS, Network
from .safefile import write_atomic

__all__ = ["FORMAT", "KNOWN_KEYS", "save", "load", "to_dict", "from_dict", "check_info",
           "read_scaling"]

FORMAT = "nnmath.network/1"
_MAX_BYTES = 64 * 1024 * 1024


def to_dict(net: Network, **extra: Any) -> dict[str, Any]:
    """The model file's content as a dict (``extra`` keys are added at the top level)."""
    layers = [{"activation": layer.activation, "W": layer.W.tolist(), "b": layer.b.tolist()}
              for layer in net.layers]
    for layer in layers:
        if not all(math.isfinite(v) for row in layer["W"] for v in row) or \
                not all(math.isfinite(v) for v in layer["b"]):
            raise ModelFileError(must_be("parameters", "finite to be saved", "NaN or inf",
                                         "Retrain with a smaller learning rate."))
    data: dict[str, Any] = {"format": FORMAT, "layers": layers}
    data.update({k: v for k, v in {**getattr(net, "info", {}), **extra}.items()
                 if k not in data})
    return data


def save(net: Network, path: StrPath, **extra: Any) -> None:
    """Write ``net`` to ``path`` atomically (a complete old file or a complete new one).

    What ``save`` writes, ``load`` reads: the text is first read back through the
    loader's own checks (:func:`from_dict`), so a model that ``load`` would refuse
    (two classes of one name, NaN in ``info``, an object JSON cannot hold) is an
    error here and no file is written or replaced.
    """
    text = _text(to_dict(net, **extra))
    from_dict(_parse(text, "the model to save"), source=f"the model to save to {str(path)!r}")
    write_atomic(path, text)


def _text(data: dict[str, Any]) -> str:
    """The file's JSON text, or a ModelFileError naming the key JSON cannot hold."""
    try:
        return json.dumps(data, indent=1, allow_nan=False) + "\n"
    except (TypeError, ValueError, RecursionError):
        pass
    for key, value in data.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            reason = ("NaN or infinity" if "Out of range" in str(exc) else
                      "nested too deeply" if isinstance(exc, RecursionError) else
                      "a circular reference" if "Circular" in str(exc) else
                      str(exc).replace("Object of type", "an object of type"))
            raise ModelFileError(must_be(f"the model's {key!r}", "JSON data to be saved "
                                         "(objects, lists, strings, finite numbers, true, "
                                         "false, null)", reason, "Convert it (e.g. a NumPy "
                                         "array with .tolist()) or drop it.")) from None
    raise ModelFileError("the model cannot be written as JSON. Check its info.")


MODEL_FILE = InputFile(
    name="model file", path_name="the model path", kind="a file", noun="a model file",
    limit=_MAX_BYTES, error=ModelFileError, missing_fix="Check the path (nnmath writes one "
    "with --save).", limit_fix="Is it a model file? nnmath writes far smaller ones.")
"""How :func:`load` reads a model file (:func:`nnmath.safefile.read_input`)."""


def load(path: StrPath) -> Network:
    """Read and validate a model file; return a :class:`~nnmath.network.Network`."""
    raw = read_input(path, MODEL_FILE)   # a file or a pipe of at most 64 MB, never a device
    try:
        text = raw.decode("utf-8-sig")   # a BOM from a Windows editor is fine
    except UnicodeDecodeError:
        raise ModelFileError(f"model file {shown(str(path))} is not UTF-8 text. "
                             "Give a JSON file written by nnmath.") from None
    del raw
    _check_structure(text, str(path))   # bounded before json.loads builds anything
    data = _parse(text, f"model file {shown(str(path))}")
    del text
    return _build(data, str(path), consume=True)


MAX_DEPTH_SHOWN = 900
"""About how deep Python's JSON reader nests lists and objects (its recursion limit);
a model file is 4 levels deep."""


def _parse(text: str, what: str) -> Any:
    """The JSON value of ``text`` (what ``json.loads`` builds), or a ModelFileError."""
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except RecursionError:
        raise ModelFileError(must_be(what, f"JSON nested at most about {MAX_DEPTH_SHOWN} "
                                     "levels deep (a model file is 4: {\"layers\": [{\"W\": "
                                     "[[...]]}]})", "deeper nesting", "It is not a model "
                                     "file: give one written by nnmath.")) from None
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{what} is not valid JSON at line {exc.lineno} column "
                             f"{exc.colno}. Check that it is complete (a model file starts "
                             'with {"format": "nnmath.network/1").') from None


# What json.loads builds for a model file is bounded by the network's limits. A layer is
# one object; a list per row of W (a row holds at least one parameter), plus W and b; an
# item per parameter, per row, per input (scaling mean and std, feature names: at most
# one per parameter of W1 each) and 3 per layer. The other keys have a few objects and
# lists, and at most MAX_RECORDED_EPOCHS values per list of the history.
_MAX_OBJECTS = MAX_LAYERS + 1_000
_MAX_LISTS = MAX_PARAMS + 2 * MAX_LAYERS + 1_000
_MAX_ITEMS = 4 * MAX_PARAMS + 3 * MAX_LAYERS + 100_000


def _check_structure(text: str, source: str) -> None:
    """Refuse a text that would parse into more objects, lists or values than a network
    of at most MAX_LAYERS layers and MAX_PARAMS parameters has, before json.loads builds
    any: a ``[0],`` is 4 bytes of text but about 100 bytes of Python objects. The counts
    (of ``{``, ``[`` and ``,``, also inside strings: an upper bound) run at C speed."""
    for char, limit, what in (("{", _MAX_OBJECTS, f"at most {MAX_LAYERS:,} layers (MAX_LAYERS)"),
                              ("[", _MAX_LISTS, f"at most {MAX_PARAMS:,} parameters "
                               "(MAX_PARAMS)"),
                              (",", _MAX_ITEMS, f"at most {MAX_PARAMS:,} parameters "
                               "(MAX_PARAMS)")):
        count = text.count(char)
        if count > limit:
            kind = {"{": "objects", "[": "lists", ",": "values"}[char]
            raise ModelFileError(must_be(f"model file {source!r}", f"a network of {what}",
                                         f"{count:,} JSON {kind} (at most {limit:,} fit)",
                                         "A file this large is not a model nnmath can use."))


def _parse_int(digits: str) -> int | float:
    # Python refuses int("9" * 5000); a number that long is out of range anyway.
    return int(digits) if len(digits) <= 400 else float(digits)


def _reject_constant(name: str) -> NoReturn:
    raise ModelFileError(must_be("every number in a model file", "finite", name,
                                 "Replace NaN/Infinity by a number."))


def from_dict(data: Any, source: str = "model") -> Network:
    """Validate a model dict and build the network.

    >>> net = from_dict({"format": "nnmath.network/1", "layers": [
    ...     {"activation": "softmax", "W": [[1.0, -1.0]], "b": [0.0, 0.0]}]})
    >>> net
    Network([Dense(1, 2, activation='softmax')])
    >>> from_dict({"format": "nnmath.network/2", "layers": []})
    Traceback (most recent call last):
    ...
    nnmath.errors.ModelFileError: model: "format" must be 'nnmath.network/1'. Got 'nnmath.network/2'. Write the model with this version of nnmath.
    """
    return _build(data, source, consume=False)


def _build(data: Any, source: str, consume: bool) -> Network:
    """:func:`from_dict`; with ``consume`` (a dict :func:`load` parsed, no one else's) each
    layer's lists are dropped as soon as its arrays are made, so the lists of all layers
    and the arrays of all layers are never in memory at once."""
    where = f"{source}: "
    if not isinstance(data, dict):
        raise ModelFileError(where + must_be("the model file", "a JSON object",
                                             _json_type(data)))
    if data.get("format") != FORMAT:
        raise ModelFileError(where + must_be('"format"', repr(FORMAT), got(data.get("format")),
                                             "Write the model with this version of nnmath."))
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        raise ModelFileError(where + must_be('"layers"', "a non-empty list", got(layers)))
    built = []
    for ell, spec in enumerate(layers, start=1):
        at = f"{where}layer {ell}: "
        if not isinstance(spec, dict):
            raise ModelFileError(at + must_be("a layer", "a JSON object", got(spec)))
        act = spec.get("activation")
        if not isinstance(act, str) or act not in ACTIVATIONS:
            raise ModelFileError(at + must_be('"activation"', "one of " + ", ".join(
                repr(a) for a in sorted(ACTIVATIONS)), got(act)))
        W, b = spec.get("W"), spec.get("b")
        if not (isinstance(W, list) and W and all(isinstance(r, list) and r for r in W)
                and len({len(r) for r in W}) == 1 and all(is_json_number(v) for r in W for v in r)):
            fix = "For example [[0.5, -1.0]]."
            if "W" not in spec:
                fix = f'The layer has the keys {sorted(map(str, spec))}; "W" is a capital W.'
            raise ModelFileError(at + must_be('"W"', "a rectangular list of rows of finite numbers",
                                              json_shown(W), fix))
        if not (isinstance(b, list) and all(is_json_number(v) for v in b)):
            raise ModelFileError(at + must_be('"b"', "a list of finite numbers", json_shown(b)))
        try:
            built.append(Dense(W=W, b=b, activation=act))
        except NnmathError as exc:
            raise ModelFileError(at + str(exc)) from None
        if consume:
            layers[ell - 1] = spec = W = b = None
    try:
        net = Network(built)
    except NnmathError as exc:
        raise ModelFileError(where + str(exc)) from None
    info = {k: v for k, v in data.items() if k not in ("format", "layers")}
    check_info(info, net, where)
    net.info = info
    return net


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# -- the optional keys, checked when the file is read -----------------------------------
# ``nnmath.network/1`` allows further top-level keys beside ``format`` and ``layers``.
# Those nnmath itself reads are checked here, against the network they describe, so that
# a hand-edited file fails at once with a message that names the key (instead of deep
# inside ``predict``). Any other key is kept as it is.

KNOWN_KEYS = ("task", "loss", "feature_names", "class_names", "positive_class", "target_name",
              "target_names", "preprocessing", "scaling", "target_scaling", "threshold",
              "class_weight", "data", "training", "history")


class _Fail(Protocol):
    """How the checks of :func:`check_info` refuse a key: a ModelFileError naming it."""

    def __call__(self, key: str, constraint: str, value: object, fix: str = "") -> NoReturn:
        ...


def check_info(info: dict[str, Any], net: Network, where: str = "") -> None:
    """Raise :class:`ModelFileError` if a known optional key does not fit ``net``."""
    def fail(key: str, constraint: str, value: object, fix: str = "") -> NoReturn:
        raise ModelFileError(where + must_be(f'"{key}"', constraint, got(value), fix))

    task = info.get("task")
    if "task" in info and task not in ("classification", "regression"):
        fail("task", "'classification' or 'regression'", task)
    if "loss" in info:
        _check_loss(info["loss"], net, fail, where)
    if "feature_names" in info:
        names = info["feature_names"]
        if not _names(names, str) or len(names) != net.n_inputs:
            fail("feature_names", f"a list of {net.n_inputs} distinct strings, one per input "
                 "of the network", names)
    if "class_names" in info and task != "regression":
        names = info["class_names"]
        n = 2 if net.n_outputs == 1 else net.n_outputs
        if not _names(names, (str, int)) or len(names) != n:
            fail("class_names", f"a list of {n} distinct names, one per output of the network"
                 + (" (one output: the classes 0 and 1)" if net.n_outputs == 1 else ""), names)
    if "positive_class" in info:
        _check_positive(info, net, fail)
    if "target_name" in info and not isinstance(info["target_name"], str):
        fail("target_name", "a string", info["target_name"])
    if "target_names" in info:
        names = info["target_names"]
        if task == "classification" or not _names(names, str) or len(names) != net.n_outputs:
            fail("target_names", f"a list of {net.n_outputs} distinct strings, one per output "
                 "of a regression network", names)
    if "scaling" in info:
        _check_scaling(info["scaling"], net, where)
    if "preprocessing" in info:
        from .datasets.preprocess import read_preprocessing

        read_preprocessing(info["preprocessing"], net.n_inputs, where)
    if "target_scaling" in info:
        _check_target_scaling(info["target_scaling"], net, fail, where)
    if "threshold" in info:
        value = info["threshold"]
        if not is_json_number(value) or not 0 <= value <= 1:
            fail("threshold", "a number from 0 to 1", value)
        if task == "regression" or net.n_outputs > 2:
            fail("threshold", "given for a model with two classes only", value,
                 "Remove the key.")
    if "class_weight" in info:
        _check_class_weight(info, net, fail)
    for key in ("data", "training"):
        if key in info and not isinstance(info[key], dict):
            fail(key, "an object", info[key])
    if "history" in info:
        try:
            History.from_dict(info["history"])
        except NnmathError as exc:
            raise ModelFileError(where + str(exc)) from None


def _check_class_weight(info: dict[str, Any], net: Network, fail: _Fail) -> None:
    weights = info["class_weight"]
    n = 2 if net.n_outputs == 1 else net.n_outputs
    if info.get("task") == "regression":
        fail("class_weight", "given for a model of classes only", weights, "Remove the key.")
    if not isinstance(weights, list) or len(weights) != n or \
            not all(is_json_number(w) and math.isfinite(w) and w >= 0 for w in weights) or \
            not any(w > 0 for w in weights):
        fail("class_weight", f"a list of {n} numbers >= 0 (one per class, at least one > 0)",
             weights)


def _check_positive(info: dict[str, Any], net: Network, fail: _Fail) -> None:
    positive = info["positive_class"]
    if info.get("task") == "regression" or net.n_outputs > 2:
        fail("positive_class", "given for a model with two classes only", positive,
             "Remove the key.")
    names = [str(n) for n in info.get("class_names") or ("0", "1")]
    if str(positive) != names[1]:
        fail("positive_class", f"the second class name {names[1]!r} (class 1 is the positive "
             "class)", positive, "List the positive class last in \"class_names\".")


def _names(names: object, kinds: type | tuple[type, ...]) -> bool:
    return (isinstance(names, list)
            and all(isinstance(n, kinds) and not isinstance(n, bool) for n in names)
            and len({str(n) for n in names}) == len(names))


def _check_loss(loss: object, net: Network, fail: _Fail, where: str) -> None:
    if not isinstance(loss, str) or loss not in LOSSES:
        fail("loss", "one of " + ", ".join(map(repr, LOSSES)), loss)
    try:
        check_pair(net.layers[-1].activation, loss)
    except NnmathError as exc:
        raise ModelFileError(f'{where}"loss": {exc}') from None


def _check_target_scaling(data: Any, net: Network, fail: _Fail, where: str) -> None:
    if not isinstance(data, dict):
        fail("target_scaling", '{"mean": [...], "std": [...]}', data)
    scaling = read_scaling({"method": "standard", "mean": data.get("mean"),
                            "std": data.get("std")}, where + '"target_scaling": ')
    if scaling.mean.shape[0] != net.n_outputs:
        fail("target_scaling", f"a mean and std for each of the {net.n_outputs} outputs",
             f"{scaling.mean.shape[0]} values")


def _check_scaling(data: Any, net: Network, where: str) -> None:
    scaling = read_scaling(data, where)
    if scaling.mean.shape[0] != net.n_inputs:
        raise ModelFileError(where + must_be(
            '"scaling"', f"a mean and std for each of the {net.n_inputs} inputs",
            f"{scaling.mean.shape[0]} values"))


def read_scaling(data: Any, where: str = "") -> Scaling:
    """The ``"scaling"`` block of a model file as a :class:`~nnmath.datasets.Scaling`::

        {"method": "standard", "mean": [...], "std": [...]}   finite mean, std > 0

    >>> read_scaling({"method": "standard", "mean": [1.0], "std": [2.0]})
    Scaling(mean=array([1.]), std=array([2.]))
    >>> read_scaling({"method": "minmax"})
    Traceback (most recent call last):
    ...
    nnmath.errors.ModelFileError: "scaling" must be {"method": "standard", "mean": [...], "std": [...]} with finite mean and positive std. Got '{"method": "minmax"}'.
    """
    ok = isinstance(data, dict) and data.get("method") == "standard"
    mean = np.asarray(data.get("mean", []) if ok else [], dtype=object)
    std = np.asarray(data.get("std", []) if ok else [], dtype=object)
    try:
        mean, std = mean.astype(np.float64), std.astype(np.float64)
    except (TypeError, ValueError, OverflowError):   # OverflowError: an int beyond 1e308
        ok = False
    if not (ok and mean.ndim == 1 and mean.shape == std.shape and mean.size
            and np.all(np.isfinite(mean)) and np.all(np.isfinite(std)) and np.all(std > 0)):
        raise ModelFileError(where + must_be('"scaling"', '{"method": "standard", "mean": '
                                             '[...], "std": [...]} with finite mean and '
                                             'positive std', got(data)))
    return Scaling(mean=mean, std=std)
