"""A network's layers, shapes and parameter counts, like Keras's ``model.summary()``.

>>> from nnmath.article import network_b
>>> s = summarize(network_b())
>>> [(layer["name"], layer["output_shape"], layer["params"]) for layer in s["layers"]]
[('dense_1', [None, 1], 2), ('dense_2', [None, 1], 2)]
>>> s["total_params"]
4
"""

from __future__ import annotations

__all__ = ["summarize"]

_INFO_KEYS = ("task", "loss", "target_name", "feature_names", "class_names")


def summarize(net) -> dict:
    """Plain data about ``net``: one entry per layer (name, type, activation,
    input and output shape with ``None`` for the batch, ``W`` and ``b`` shapes,
    parameter count), the totals, and what the model file records about the
    data (task, loss, feature and class names, whether inputs are scaled)."""
    layers = []
    for l, layer in enumerate(net.layers, start=1):
        layers.append({"name": f"dense_{l}", "type": "Dense", "activation": layer.activation,
                       "input_shape": [None, layer.n_in], "output_shape": [None, layer.n_out],
                       "W": [f"W{l}", list(layer.W.shape)], "b": [f"b{l}", list(layer.b.shape)],
                       "params": int(layer.W.size + layer.b.size)})
    total = sum(layer["params"] for layer in layers)
    info = {key: net.info[key] for key in _INFO_KEYS if key in net.info}
    info["scaling"] = net.info.get("scaling", {}).get("method") if isinstance(
        net.info.get("scaling"), dict) else None
    return {"sizes": net.sizes, "layers": layers, "total_params": total,
            "trainable_params": total, "non_trainable_params": 0, "info": info}
