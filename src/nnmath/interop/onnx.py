"""nnmath → ONNX: a standard graph that onnxruntime (or any ONNX runtime) runs.

Each dense layer is a ``Gemm`` (``Y = A @ B + C`` with ``B = W`` of shape
``(n_in, n_out)``: no transpose needed) followed by the activation's operator
(``Sigmoid``, ``Tanh``, ``Relu``, ``Softmax`` over the last axis; identity adds
none). A model with stored scaling starts with ``Sub`` and ``Div`` (``(x - mean) /
std``, as ``nnmath predict`` computes it), so raw inputs give ``predict``'s outputs.
The graph has one input ``X`` of shape ``(n_samples, n_inputs)`` and one output
``y_hat`` of shape ``(n_samples, n_outputs)``; the model is checked with
``onnx.checker`` before it is written.

The whole pipeline a model file stores is in the graph. A regression model's target
scaling ends it (``Mul``, ``Add``: ``y_hat * std + mean``). A model with a stored
preprocessing takes the raw columns: with a categorical column, one input per column,
named as the column, of shape ``(n_samples, 1)`` (a string tensor for a categorical
column, a number for a numeric one); else one input ``X`` of the raw numeric columns. A
missing number is NaN (``IsNaN``, ``Where``: the fill value); a categorical cell goes
through ``ai.onnx.ml``'s ``LabelEncoder`` (each category to its index, the model's
missing-value texts to the fill category's, any other text to -1) and ``Equal``
against the indices (one-hot). A category not seen in training (-1) gives all zeros when
the model was trained with ``unknown="ignore"``, as ``nnmath predict``; with ``"error"``,
where ``predict`` refuses the row with one line, an ONNX graph cannot raise, so the
row's one-hot block is divided by its largest entry (``ReduceMax``, ``Div``: 0/0) and
the row's outputs are NaN, never a silent prediction. A missing cell of a column without a
fill value (no ``--impute``; ``predict`` refuses it) gives NaN outputs too. Give the cells
stripped of spaces, as nnmath reads them.

>>> from nnmath.article import network_b
>>> model = to_onnx_model(network_b())
>>> [node.op_type for node in model.graph.node]
['Gemm', 'Sigmoid', 'Gemm', 'Sigmoid']
>>> import numpy as np
>>> round(float(run_onnx(model, np.array([[2.0]]))[0, 0]), 6)
0.324962
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ConfigError, must_be
from ..optional import require

onnx = require("onnx", "the ONNX export (nnmath.interop.onnx)")
from onnx import ModelProto, TensorProto, helper, numpy_helper  # noqa: E402 - after the check above

__all__ = ["to_onnx", "to_onnx_model", "run_onnx", "onnx_inputs", "check_fits", "OPSET",
           "OPERATORS"]

OPSET = 17
ML_OPSET = 2
"""The ``ai.onnx.ml`` operator set (its ``LabelEncoder`` reads strings from version 2)."""
"""The ONNX operator set the graph is written for (onnxruntime runs 7 and later)."""

OPERATORS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "softmax": "Softmax",
             "identity": None}
"""The ONNX operator of each nnmath activation (identity: none)."""

_TYPES = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE}


def to_onnx_model(network, dtype=np.float32) -> ModelProto:
    """``network`` as a checked ONNX model.

    Parameters
    ----------
    network : Network
    dtype : float32 (default, what runtimes are built for) or float64
        A weight, bias or stored mean beyond float32's range, or a stored std too small
        for it, is a :class:`~nnmath.errors.ConfigError` naming the value (float32 would
        make it inf or 0, and the graph would output only NaN): export it in float64.
    """
    from ..inference import preprocessing_of

    dtype = np.dtype(dtype)
    if dtype not in _TYPES:
        raise ConfigError(must_be("dtype", "float32 or float64", dtype))
    nodes: list = []
    weights: list = []
    current = "X"
    inputs = [helper.make_tensor_value_info("X", _TYPES[dtype],
                                            ["n_samples", network.n_inputs])]
    pre = preprocessing_of(network)
    ml = False
    if pre is not None:
        inputs, current, ml = _prepare(pre, dtype, nodes, weights)
    scaling = network.info.get("scaling")
    if scaling:
        weights += [_tensor("mean", scaling["mean"], dtype, "the stored scaling's mean"),
                    _tensor("std", scaling["std"], dtype, "the stored scaling's std",
                            divisor=True)]
        nodes += [helper.make_node("Sub", [current, "mean"], ["x_minus_mean"]),
                  helper.make_node("Div", ["x_minus_mean", "std"], ["x_scaled"])]
        current = "x_scaled"
    for ell, layer in enumerate(network.layers, start=1):
        weights += [_tensor(f"W{ell}", layer.W, dtype, f"W{ell} (layer {ell}'s weights)"),
                    _tensor(f"b{ell}", layer.b, dtype, f"b{ell} (layer {ell}'s biases)")]
        nodes.append(helper.make_node("Gemm", [current, f"W{ell}", f"b{ell}"], [f"z{ell}"]))
        current = f"z{ell}"
        operator = OPERATORS[layer.activation]
        if operator:
            # the operator's attributes (make_node's **kwargs)
            options: dict[str, Any] = {"axis": -1} if operator == "Softmax" else {}
            nodes.append(helper.make_node(operator, [current], [f"a{ell}"], **options))
            current = f"a{ell}"
    target = network.info.get("target_scaling")
    if target:
        weights += [_tensor("target_std", target["std"], dtype,
                            "the stored target scaling's std"),
                    _tensor("target_mean", target["mean"], dtype,
                            "the stored target scaling's mean")]
        nodes += [helper.make_node("Mul", [current, "target_std"], ["y_times_std"]),
                  helper.make_node("Add", ["y_times_std", "target_mean"], ["y_units"])]
    nodes[-1].output[0] = "y_hat"
    graph = helper.make_graph(
        nodes, "nnmath", inputs,
        [helper.make_tensor_value_info("y_hat", _TYPES[dtype],
                                       ["n_samples", network.n_outputs])], weights)
    opsets = [helper.make_opsetid("", OPSET)] + \
        ([helper.make_opsetid("ai.onnx.ml", ML_OPSET)] if ml else [])
    model = helper.make_model(graph, producer_name="nnmath", opset_imports=opsets)
    model.ir_version = 8   # what onnxruntime 1.15 and later read
    onnx.checker.check_model(model, full_check=True)
    return model


def _prepare(pre, dtype, nodes, weights) -> tuple:
    """The preprocessing's nodes: ``(graph inputs, the name of the prepared inputs, uses
    ai.onnx.ml)``."""
    categorical = pre.categorical
    inputs, blocks = [], []
    if not categorical:   # one input X of the raw numeric columns, NaN for missing
        inputs.append(helper.make_tensor_value_info("X", _TYPES[dtype],
                                                    ["n_samples", len(pre.columns)]))
        fill = [np.nan if c.fill is None else c.fill for c in pre.columns]
        weights.append(_tensor("fill", fill, dtype, "the stored fill values"))
        nodes += [helper.make_node("IsNaN", ["X"], ["x_missing"]),
                  helper.make_node("Where", ["x_missing", "fill", "X"], ["x_prepared"])]
        return inputs, "x_prepared", False
    for c, column in enumerate(pre.columns):
        name = f"c{c}"
        if column.kind == "numeric":
            inputs.append(helper.make_tensor_value_info(column.name, _TYPES[dtype],
                                                        ["n_samples", 1]))
            weights.append(_tensor(f"{name}_fill", [np.nan if column.fill is None
                                                    else column.fill], dtype,
                                   f"the fill value of column {column.name!r}"))
            nodes += [helper.make_node("IsNaN", [column.name], [f"{name}_missing"]),
                      helper.make_node("Where", [f"{name}_missing", f"{name}_fill",
                                                 column.name], [f"{name}_value"])]
            blocks.append(f"{name}_value")
            continue
        inputs.append(helper.make_tensor_value_info(column.name, TensorProto.STRING,
                                                    ["n_samples", 1]))
        keys = list(column.categories)
        values = list(range(len(keys)))
        missing = [t for t in sorted(set(pre.na_values) | {""}) if t not in keys]
        keys += missing   # the fill category's code; -2 without one (NaN outputs, below)
        values += [-2 if column.fill is None else column.categories.index(column.fill)] * \
            len(missing)
        nodes.append(helper.make_node("LabelEncoder", [column.name], [f"{name}_code"],
                                      domain="ai.onnx.ml", keys_strings=keys,
                                      values_int64s=values, default_int64=-1))
        weights.append(numpy_helper.from_array(np.arange(column.width, dtype=np.int64),
                                               name=f"{name}_levels"))
        nodes += [helper.make_node("Equal", [f"{name}_code", f"{name}_levels"],
                                   [f"{name}_is"]),
                  helper.make_node("Cast", [f"{name}_is"], [f"{name}_onehot"],
                                   to=_TYPES[dtype])]
        if pre.unknown != "ignore":   # an unseen category: 0/0, NaN outputs (predict refuses)
            nodes += [helper.make_node("ReduceMax", [f"{name}_onehot"], [f"{name}_seen"],
                                       axes=[1], keepdims=1),
                      helper.make_node("Div", [f"{name}_onehot", f"{name}_seen"],
                                       [f"{name}_checked"])]
            blocks.append(f"{name}_checked")
            continue
        if column.fill is None:   # a missing cell without a fill value: NaN (predict refuses)
            weights += [numpy_helper.from_array(np.array(-2, dtype=np.int64),
                                                name=f"{name}_missing_code"),
                        _tensor(f"{name}_nan", [np.nan], dtype, "NaN")]
            nodes += [helper.make_node("Equal", [f"{name}_code", f"{name}_missing_code"],
                                       [f"{name}_missing"]),
                      helper.make_node("Where", [f"{name}_missing", f"{name}_nan",
                                                 f"{name}_onehot"], [f"{name}_checked"])]
            blocks.append(f"{name}_checked")
            continue
        blocks.append(f"{name}_onehot")
    nodes.append(helper.make_node("Concat", blocks, ["x_prepared"], axis=1))
    return inputs, "x_prepared", True


def onnx_inputs(network, rows, dtype=np.float32) -> dict:
    """The inputs of an exported model with a categorical preprocessing, by name, for rows
    of raw cells (numbers, category texts, None for a missing cell); else ``{"X": rows}``."""
    from ..inference import preprocessing_of

    pre = preprocessing_of(network)
    if pre is None or not pre.categorical:
        rows = [[np.nan if v is None else v for v in row] for row in rows]
        return {"X": np.asarray(rows, dtype=dtype)}
    feed = {}
    for c, column in enumerate(pre.columns):
        cells = [row[c] for row in rows]
        if column.kind == "numeric":
            feed[column.name] = np.array([[np.nan if v is None or (isinstance(v, str) and (
                v.strip() in pre.na_values or not v.strip())) else float(v)] for v in cells],
                dtype=dtype)
        else:
            from ..datasets.csvtable import category_text

            feed[column.name] = np.array([["" if v is None else category_text(str(v))]
                                          for v in cells], dtype=object)
    return feed


def to_onnx(network, path, dtype=np.float32) -> None:
    """Write ``network`` as an ONNX file (:func:`to_onnx_model`), atomically."""
    from ..safefile import atomic_path

    model = to_onnx_model(network, dtype)
    with atomic_path(path) as tmp:
        onnx.save_model(model, tmp)


def run_onnx(model, X) -> np.ndarray:
    """``y_hat`` for the rows of ``X``, computed by onnxruntime (for checks and tests).

    ``model`` is an ONNX model or the path of one; ``X`` is cast to the graph's input type,
    or is a dict of the graph's inputs by name (:func:`onnx_inputs`).
    """
    ort = require("onnxruntime", "running an ONNX model")
    source = model.SerializeToString() if hasattr(model, "SerializeToString") else str(model)
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    if isinstance(X, dict):
        return session.run(None, X)[0]
    kind = session.get_inputs()[0].type
    X = np.asarray(X, dtype=np.float64 if kind == "tensor(double)" else np.float32)
    return session.run(None, {"X": X})[0]


def _tensor(name, values, dtype, what: str, divisor: bool = False) -> TensorProto:
    """``values`` as a tensor of ``dtype``; a ConfigError (naming the value) when a value
    does not fit: beyond the largest float32 it would be inf, and the graph would output
    only NaN; a divisor (the std) so small that it would be 0 likewise."""
    values = np.asarray(values, dtype=np.float64)
    check_fits(values, dtype, what, divisor)
    return numpy_helper.from_array(values.astype(dtype), name=name)


def check_fits(values, dtype, what: str, divisor: bool = False) -> None:
    """Raise :class:`~nnmath.errors.ConfigError` when ``values`` (float64) do not fit
    ``dtype``: a value beyond its largest finite number, or (``divisor``) a non-zero value
    below its smallest normal one.

    >>> check_fits(np.array([1e308]), np.float32, "W1")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: W1 must be within float32's range (|value| ≤ 3.40282e+38) to be exported as float32. Got 1e+308. Export in float64 instead: --dtype float64 (dtype=np.float64 in Python).
    """
    info = np.finfo(dtype)
    if dtype == np.float64 or not values.size:
        return
    size = np.abs(values)
    if size.max() > info.max:
        raise ConfigError(must_be(what, f"within {info.dtype}'s range (|value| ≤ "
                                  f"{float(info.max):.6g}) to be exported as {info.dtype}",
                                  float(values.flat[int(np.argmax(size))]), _WIDER))
    small = (size > 0) & (size < info.tiny)
    if divisor and small.any():
        raise ConfigError(must_be(what, f"at least {float(info.tiny):.6g} in size to be "
                                  f"exported as {info.dtype} (a smaller one would be 0, and "
                                  "x / 0 is not a number)", float(values[small].flat[0]),
                                  _WIDER))


_WIDER = "Export in float64 instead: --dtype float64 (dtype=np.float64 in Python)."
