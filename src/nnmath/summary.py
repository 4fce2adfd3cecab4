"""A network's layers, shapes and parameter counts, like Keras's ``model.summary()``.

>>> from nnmath.article import network_b
>>> s = summarize(network_b())
>>> [(layer["name"], layer["output_shape"], layer["params"]) for layer in s["layers"]]
[('dense_1', [None, 1], 2), ('dense_2', [None, 1], 2)]
>>> s["total_params"]
4
"""

from __future__ import annotations

from dataclasses import dataclass

from .textsafe import visible

__all__ = ["summarize", "Summary"]

_INFO_KEYS = ("task", "loss", "target_name", "feature_names", "class_names")


def summarize(net) -> dict:
    """Plain data about ``net``: one entry per layer (name, type, activation,
    input and output shape with ``None`` for the batch, ``W`` and ``b`` shapes,
    parameter count), the totals, and what the model file records about the
    data (task, loss, feature and class names, whether inputs are scaled)."""
    layers = []
    for ell, layer in enumerate(net.layers, start=1):
        layers.append({"name": f"dense_{ell}", "type": "Dense", "activation": layer.activation,
                       "input_shape": [None, layer.n_in], "output_shape": [None, layer.n_out],
                       "W": [f"W{ell}", list(layer.W.shape)], "b": [f"b{ell}", list(layer.b.shape)],
                       "params": int(layer.W.size + layer.b.size)})
    total = sum(layer["params"] for layer in layers)
    info = {key: net.info[key] for key in _INFO_KEYS if key in net.info}
    info["scaling"] = net.info.get("scaling", {}).get("method") if isinstance(
        net.info.get("scaling"), dict) else None
    return {"sizes": net.sizes, "layers": layers, "total_params": total,
            "trainable_params": total, "non_trainable_params": 0, "info": info}


COLUMNS = ("layer (type)", "output shape", "W", "b", "activation", "params")
MAX_TABLE_LAYERS = 50
"""The most layers a table shows: a deeper network shows its first 40 and last 10
layers, and one row in between says how many more there are (``to_dict()``, ``nnmath
summary --json``, has every layer)."""


def rows(summary: dict) -> list[tuple]:
    """One tuple of cells (strings, in :data:`COLUMNS` order) per layer shown: every layer
    up to :data:`MAX_TABLE_LAYERS`; else the first 40, ``… N more layers``, the last 10.

    >>> from nnmath import Network
    >>> table = rows(summarize(Network.random([1] * 1001, seed=0)))
    >>> len(table), table[40][0], table[-1][0]
    (51, '… 950 more layers', 'dense_1000 (Dense)')
    """
    layers = summary["layers"]
    if len(layers) <= MAX_TABLE_LAYERS:
        return _rows(layers)
    head, tail = MAX_TABLE_LAYERS - 10, 10
    more = len(layers) - head - tail
    return [*_rows(layers[:head]), (f"… {more:,} more layers",) + ("",) * (len(COLUMNS) - 1),
            *_rows(layers[-tail:])]


def _rows(layers) -> list[tuple]:
    out = []
    for layer in layers:
        shape = "(" + ", ".join("None" if d is None else str(d)
                                for d in layer["output_shape"]) + ")"
        (w_name, w_shape), (b_name, b_shape) = layer["W"], layer["b"]
        out.append((f"{layer['name']} ({layer['type']})", shape, f"{w_name} {tuple(w_shape)}",
                    f"{b_name} {tuple(b_shape)}", layer["activation"], f"{layer['params']:,}"))
    return out


def totals(summary: dict) -> str:
    return (f"total params: {summary['total_params']:,} · trainable: "
            f"{summary['trainable_params']:,} · non-trainable: "
            f"{summary['non_trainable_params']:,}")


@dataclass(frozen=True)
class Summary:
    """What :meth:`nnmath.Network.summary` returns: prints as a table, ``to_dict()`` for data."""

    data: dict

    @classmethod
    def of(cls, net) -> "Summary":
        return cls(summarize(net))

    def to_dict(self) -> dict:
        return self.data

    def __str__(self) -> str:
        table = [COLUMNS, *rows(self.data)]
        widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                 for row in table]
        lines.append(totals(self.data))
        info = self.data["info"]
        lines += [f"{key}: " + (", ".join(map(visible, value)) if isinstance(value, list)
                                else visible(value))
                  for key, value in info.items() if value is not None]
        return "\n".join(lines)

    __repr__ = __str__
