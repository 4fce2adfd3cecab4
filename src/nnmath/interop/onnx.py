"""nnmath → ONNX: a standard graph that onnxruntime (or any ONNX runtime) runs.

Each dense layer is a ``Gemm`` (``Y = A @ B + C`` with ``B = W`` of shape
``(n_in, n_out)``: no transpose needed) followed by the activation's operator
(``Sigmoid``, ``Tanh``, ``Relu``, ``Softmax`` over the last axis; identity adds
none). A model with stored scaling starts with ``Sub`` and ``Div`` (``(x - mean) /
std``, as ``nnmath predict`` computes it), so raw inputs give ``predict``'s outputs.
The graph has one input ``X`` of shape ``(n_samples, n_inputs)`` and one output
``y_hat`` of shape ``(n_samples, n_outputs)``; the model is checked with
``onnx.checker`` before it is written.

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

__all__ = ["to_onnx", "to_onnx_model", "run_onnx", "OPSET", "OPERATORS"]

OPSET = 17
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
    """
    dtype = np.dtype(dtype)
    if dtype not in _TYPES:
        raise ConfigError(must_be("dtype", "float32 or float64", dtype))
    nodes, weights, current = [], [], "X"
    scaling = network.info.get("scaling")
    if scaling:
        weights += [_tensor("mean", scaling["mean"], dtype), _tensor("std", scaling["std"], dtype)]
        nodes += [helper.make_node("Sub", ["X", "mean"], ["x_minus_mean"]),
                  helper.make_node("Div", ["x_minus_mean", "std"], ["x_scaled"])]
        current = "x_scaled"
    for ell, layer in enumerate(network.layers, start=1):
        weights += [_tensor(f"W{ell}", layer.W, dtype), _tensor(f"b{ell}", layer.b, dtype)]
        nodes.append(helper.make_node("Gemm", [current, f"W{ell}", f"b{ell}"], [f"z{ell}"]))
        current = f"z{ell}"
        operator = OPERATORS[layer.activation]
        if operator:
            # the operator's attributes (make_node's **kwargs)
            options: dict[str, Any] = {"axis": -1} if operator == "Softmax" else {}
            nodes.append(helper.make_node(operator, [current], [f"a{ell}"], **options))
            current = f"a{ell}"
    nodes[-1].output[0] = "y_hat"
    graph = helper.make_graph(
        nodes, "nnmath", [helper.make_tensor_value_info("X", _TYPES[dtype],
                                                        ["n_samples", network.n_inputs])],
        [helper.make_tensor_value_info("y_hat", _TYPES[dtype],
                                       ["n_samples", network.n_outputs])], weights)
    model = helper.make_model(graph, producer_name="nnmath",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8   # what onnxruntime 1.15 and later read
    onnx.checker.check_model(model, full_check=True)
    return model


def to_onnx(network, path, dtype=np.float32) -> None:
    """Write ``network`` as an ONNX file (:func:`to_onnx_model`), atomically."""
    from ..safefile import atomic_path

    model = to_onnx_model(network, dtype)
    with atomic_path(path) as tmp:
        onnx.save_model(model, tmp)


def run_onnx(model, X) -> np.ndarray:
    """``y_hat`` for the rows of ``X``, computed by onnxruntime (for checks and tests).

    ``model`` is an ONNX model or the path of one; ``X`` is cast to the graph's input type.
    """
    ort = require("onnxruntime", "running an ONNX model")
    source = model.SerializeToString() if hasattr(model, "SerializeToString") else str(model)
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    kind = session.get_inputs()[0].type
    X = np.asarray(X, dtype=np.float64 if kind == "tensor(double)" else np.float32)
    return session.run(None, {"X": X})[0]


def _tensor(name, values, dtype) -> TensorProto:
    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name=name)
