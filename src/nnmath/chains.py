"""The article's chain-rule table: each gradient of a scalar network as a product of
named factors, every value read from the trace.

For ``L`` one-neuron layers and a parameter of layer ``l``::

    dL/dw_l = dL/dy_hat * dy_hat/dz_L * prod_{k=L..l+1} (dz_k/da_{k-1} * da_{k-1}/dz_{k-1})
              * dz_l/dw_l

:func:`chains_of` builds them for :func:`nnmath.explain` (:attr:`Trace.chains`); it
multiplies values the engine computed and never differentiates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Chain", "Factor", "chains_of", "MAX_CHAIN_LAYERS"]

MAX_CHAIN_LAYERS = 10
"""The deepest network whose chains (:attr:`Trace.chains`) are written out. The chain of a
layer-``l`` parameter holds every factor from the loss down to layer ``l``, so the chains
of ``L`` one-neuron layers hold about ``L²`` factors (a million for 1 000 layers). A
deeper network is explained by the delta recursion, a few numbers per layer, so every
view of the step stays linear in the depth; :attr:`Trace.chains_omitted` says so."""


@dataclass(frozen=True)
class Factor:
    """One factor of a chain-rule product: its name, value and meaning."""

    name: str
    value: float
    meaning: str


@dataclass(frozen=True)
class Chain:
    """``dL/d<parameter>`` as a product of named factors (one input, one-neuron layers, one
    sample)."""

    parameter: str          # "W1", "b1", ... (the names of docs/architecture.md)
    symbol: str             # "w1", "b1", ... (the article's scalar names)
    factors: tuple
    product: float          # the product of the factor values
    gradient: float         # the engine's gradient (equal to the product)


_MEANINGS = {
    "dL/dy_hat": "sensitivity of the loss to the output",
    "dy_hat/dz": "slope of the output activation ({act}) at z{ell}",
    "da/dz": "slope of the hidden activation ({act}) at z{ell}",
    "dz/da": "connection to the previous layer: the weight w{ell}",
    "dz/dw": "impact of the weight on z{ell}: the value it multiplies ({src})",
    "dz/db": "a bias adds to z{ell} one for one",
}


def chains_of(trace) -> dict:
    """The article's table: each scalar gradient as a product of named factors.

    For ``L`` one-neuron layers and a parameter of layer ``l``::

        dL/dw_l = dL/dy_hat * dy_hat/dz_L * prod_{k=L..l+1} (dz_k/da_{k-1} * da_{k-1}/dz_{k-1})
                  * dz_l/dw_l

    Every value comes from the trace: ``dL/dy_hat`` from the loss's gradient,
    ``da/dz`` from the activation's slope, ``dz_k/da_{k-1} = w_k`` and
    ``dz_l/dw_l = a_{l-1}`` from the forward pass.
    """
    L = len(trace.layers)
    last = trace.layers[-1]
    head = [Factor("dL/dy_hat", float(trace.dL_dy_hat[0, 0]), _MEANINGS["dL/dy_hat"])]
    slope = last.g_prime if last.g_prime is not None else last.jacobian[:, :, 0]
    head.append(Factor(f"dy_hat/dz{L}", float(slope[0, 0]),
                       _MEANINGS["dy_hat/dz"].format(act=last.activation, ell=L)))
    chains = {}
    path = list(head)
    for ell in range(L, 0, -1):
        lt = trace.layers[ell - 1]
        src = f"a{ell - 1}" if ell > 1 else "the input x" if trace.scaling is None else \
            "the scaled input x_scaled"
        for kind, symbol, tail in (
                ("W", f"w{ell}", Factor(f"dz{ell}/dw{ell}", float(lt.a_prev[0, 0]),
                                      _MEANINGS["dz/dw"].format(ell=ell, src=src))),
                ("b", f"b{ell}", Factor(f"dz{ell}/db{ell}", 1.0, _MEANINGS["dz/db"].format(ell=ell)))):
            factors = tuple(path + [tail])
            name = f"{kind}{ell}"
            grad = trace.gradients[name]
            chains[name] = Chain(parameter=name, symbol=symbol, factors=factors,
                                 product=float(np.prod([f.value for f in factors])),
                                 gradient=float(grad.ravel()[0]))
        if ell > 1:
            below = trace.layers[ell - 2]
            path += [Factor(f"dz{ell}/da{ell - 1}", float(lt.W[0, 0]),
                            _MEANINGS["dz/da"].format(ell=ell)),
                     Factor(f"da{ell - 1}/dz{ell - 1}", float(below.g_prime[0, 0]),
                            _MEANINGS["da/dz"].format(act=below.activation, ell=ell - 1))]
    return {name: chains[name] for name in trace.gradients}
