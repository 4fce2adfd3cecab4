"""What each neuron sees: its activation over the input range, and its formula.

``GET .../neurons`` runs the engine's forward pass (:func:`nnmath.backprop.forward_pass`,
which records every layer's ``a``) over a grid of inputs: along the one input (a curve)
or over the plane of two (a small map), raw inputs on the axes (scaled first where the
model file stores a scaling, as ``nnmath predict`` scales them). Each hidden and output
neuron gets its values and its formula with the current weights written in. More than
``max_neuron_views`` neurons: one layer at a time (``layer=``).
"""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from ..backprop import forward_pass
from ..inference import scaling_of
from ..jsonsafe import json_safe
from ..network import Network
from .api import ERRORS, store_of
from .limits import check_limit
from .sessions import UnknownError

__all__ = ["router", "Neurons", "formula", "NEURON_POINTS", "NEURON_SIDE", "MAX_TERMS"]

router = APIRouter(prefix="/api")

NEURON_POINTS = 101
"""Points along the input of a one-input network's curves."""
NEURON_SIDE = 25
"""Points a side of a two-input network's maps."""
MAX_TERMS = 8
"""Terms of a formula written out (the rest are counted)."""

Number = float | None


class NeuronOut(BaseModel):
    layer: int = Field(description="the layer, from 1 (the output layer last)")
    index: int = Field(description="the neuron in its layer, from 0")
    name: str
    activation: str
    formula: str = Field(description="a = g(Σ w·input + b) with the current weights")
    values: list[Number] | list[list[Number]] = Field(
        description="a along x (a curve), or a[r][c] at x[c], y[r] (a map)")


class Neurons(BaseModel):
    kind: str = Field(description="curve (one input), map (two) or none")
    inputs: list[str]
    x: list[float]
    y: list[float]
    layers: list[int] = Field(description="the layers drawn")
    n_layers: int
    neurons: list[NeuronOut]


def _names(net: Network, inputs: list[str], scaled: bool) -> list[list[str]]:
    """The names of each layer's inputs: the features, then a1[k], a2[k], ..."""
    scalar = all(n == 1 for n in net.sizes)
    first = [f"{name}′" if scaled else name for name in inputs]
    return [first] + [[f"a{ell}" if scalar else f"a{ell}[{k}]" for k in range(n)]
                      for ell, n in enumerate(net.sizes[1:-1], start=1)]


def _number(value: float) -> str:
    return f"{value:.6g}".replace("-", "−")


def formula(net: Network, ell: int, j: int, names: list[str]) -> str:
    """``a1[0] = sigmoid(0.5·psa + 0)``: neuron ``j`` of layer ``ell`` (from 1) with its
    weights and bias written in (at most :data:`MAX_TERMS` terms, the rest counted), a
    negative one after the first as ``− |w|``.

    >>> from nnmath.article import network_b
    >>> net = network_b()
    >>> formula(net, 1, 0, ["psa"]), formula(net, 2, 0, ["a1"])
    ('a1 = sigmoid(0.5·psa + 0)', 'ŷ = sigmoid(−1·a1 + 0)')
    >>> net.set_params({"W2": [[0.25]], "b2": [-3.5]}) and formula(net, 2, 0, ["a1"])
    'ŷ = sigmoid(0.25·a1 − 3.5)'
    """
    layer = net.layers[ell - 1]
    scalar = all(n == 1 for n in net.sizes)
    terms = [(float(layer.W[i, j]), f"·{names[i]}") for i in range(layer.W.shape[0])]
    shown = terms[:MAX_TERMS]
    text = _number(shown[0][0]) + shown[0][1] + "".join(
        (" − " if value < 0 else " + ") + _number(abs(value)) + what for value, what in shown[1:])
    if len(terms) > MAX_TERMS:
        text += f" + … ({len(terms) - MAX_TERMS} more)"
    bias = float(layer.b[j])
    text += (" − " if bias < 0 else " + ") + _number(abs(bias))
    if ell == len(net.layers):
        name = "ŷ" if net.n_outputs == 1 else f"ŷ[{j}]"
    else:
        name = f"a{ell}" if scalar else f"a{ell}[{j}]"
    return f"{name} = {layer.activation}({text})"


def _span(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


@router.get("/sessions/{sid}/neurons", response_model=Neurons, responses=ERRORS)
def get_neurons(request: Request, sid: str,
                layer: int | None = Query(None, ge=1, description="one layer, from 1 "
                                          "(default: all, up to max_neuron_views neurons)")):
    """Each hidden and output neuron's activation over the input range (forward_pass's
    record), with its formula."""
    with store_of(request).use(sid) as s:
        net, data = s.net, s.data
        n_layers = len(net.layers)
        if layer is not None and layer > n_layers:
            raise UnknownError(f"the layer must be from 1 to {n_layers}. Got {layer}.")
        layers = list(range(1, n_layers + 1)) if layer is None else [layer]
        check_limit(sum(net.sizes[ell] for ell in layers), "max_neuron_views",
                    "the neurons of one request", "Ask for one layer at a time (layer=1, "
                    "2, ...).")
        names = _names(net, list(data.feature_names), scaling_of(net) is not None)
        n_inputs = data.X.shape[1]
        x: list[float] = []
        y: list[float] = []
        shape: tuple[int, ...]
        if n_inputs == 1:
            gx = np.linspace(*_span(data.X[:, 0]), NEURON_POINTS)
            grid, kind, shape = gx[:, None], "curve", (NEURON_POINTS,)
            x = gx.tolist()
        elif n_inputs == 2:
            gx = np.linspace(*_span(data.X[:, 0]), NEURON_SIDE)
            gy = np.linspace(*_span(data.X[:, 1]), NEURON_SIDE)
            xx, yy = np.meshgrid(gx, gy)            # rows: y
            grid, kind, shape = np.c_[xx.ravel(), yy.ravel()], "map", (NEURON_SIDE,
                                                                       NEURON_SIDE)
            x, y = gx.tolist(), gy.tolist()
        else:
            return {"kind": "none", "inputs": list(data.feature_names), "x": [], "y": [],
                    "layers": layers, "n_layers": n_layers, "neurons": []}
        with np.errstate(all="ignore"):
            forwards = forward_pass(net.layers, s.inputs(grid))
        neurons = []
        for ell in layers:
            fwd, act = forwards[ell - 1], net.layers[ell - 1].activation
            for j in range(net.sizes[ell]):
                text = formula(net, ell, j, names[ell - 1])
                neurons.append({"layer": ell, "index": j, "name": text.split(" = ")[0],
                                "activation": act, "formula": text,
                                "values": fwd.a[:, j].reshape(shape).tolist()})
        return json_safe({"kind": kind, "inputs": list(data.feature_names), "x": x, "y": y,
                          "layers": layers, "n_layers": n_layers, "neurons": neurons})
