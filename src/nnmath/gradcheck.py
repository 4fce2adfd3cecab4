r"""Central finite differences for every parameter, beside the analytic gradients.

For each parameter entry ``p``, on a *copy* of the network::

    dL/dp  ~  (L(p + h) - L(p - h)) / ((p + h) - (p - h))

Dividing by the step actually taken (``(p + h) - (p - h)`` in floating point,
not ``2h``) removes the representation error of the step. With ``h = 1e-6``
in float64 the truncation error is about ``h^2 |L'''| / 6 ~ 1e-13`` and the
rounding error about ``2e-16 |L| / h ~ 2e-10 |L|``; a wrong derivative is off
by far more.

The relative difference of an entry is::

    |analytic - numeric| / max(|analytic|, |numeric|, 1e-8)

(the floor ``1e-8`` keeps a gradient that is truly 0 from dividing by noise).

>>> from nnmath.article import network_b
>>> check = gradient_check(network_b(), [[2.0]], [[0.0]], "ssr")
>>> {name: round(float(g.item()), 7) for name, g in check.numeric.items()}
{'W1': -0.0280307, 'b1': -0.0140154, 'W2': 0.0521131, 'b2': 0.0712844}
>>> check.max_rel_diff < 1e-8
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import check_number

__all__ = ["GradCheck", "numeric_gradients", "gradient_check", "FLOOR"]

FLOOR = 1e-8


@dataclass(frozen=True)
class GradCheck:
    """Analytic and numeric gradients side by side.

    numeric, analytic, rel_diff : dict name -> array, shapes of the parameters;
    max_rel_diff : the largest relative difference; worst : where it is ("W1[0,1]").
    """

    eps: float
    numeric: dict
    analytic: dict
    rel_diff: dict
    max_rel_diff: float
    worst: str

    def to_dict(self) -> dict:
        return {"eps": self.eps, "max_rel_diff": self.max_rel_diff, "worst": self.worst,
                "numeric": {k: v.tolist() for k, v in self.numeric.items()},
                "rel_diff": {k: v.tolist() for k, v in self.rel_diff.items()}}


def numeric_gradients(network, X, T, loss="ssr", eps=1e-6) -> dict:
    """``{name: dL/dname}`` by central differences; ``network`` itself is not touched.

    Parameters
    ----------
    network : Network
    X : array-like of shape (n_samples, n_inputs)
    T : array-like of shape (n_samples, n_outputs)
    loss : str
    eps : float > 0, default 1e-6
        The step ``h``.
    """
    eps = check_number(eps, "eps", minimum=0, open_min=True, fix="For example 1e-6.")
    probe = network.copy()
    X = probe.check_X(X)
    T = probe.check_T(T, X.shape[0])
    grads = {}
    for name, p in probe.params().items():   # the copy's live arrays
        g = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            original = p[idx]
            plus, minus = original + eps, original - eps
            p[idx] = plus
            loss_plus = probe.loss(X, T, loss)
            p[idx] = minus
            loss_minus = probe.loss(X, T, loss)
            p[idx] = original
            g[idx] = (loss_plus - loss_minus) / (plus - minus)
        grads[name] = g
    return grads


def gradient_check(network, X, T, loss="ssr", eps=1e-6, analytic=None) -> GradCheck:
    """Compare backpropagation's gradients (or ``analytic``) with central differences."""
    if analytic is None:
        analytic = network.gradients(X, T, loss=loss)[1]
    numeric = numeric_gradients(network, X, T, loss, eps)
    rel, worst, largest = {}, "", -1.0
    for name, g in analytic.items():
        n = numeric[name]
        with np.errstate(invalid="ignore"):
            r = np.abs(g - n) / np.maximum(np.maximum(np.abs(g), np.abs(n)), FLOOR)
        rel[name] = r
        idx = np.unravel_index(int(np.nanargmax(r)) if np.isfinite(r).any() else 0, r.shape)
        if not np.isfinite(r[idx]) or r[idx] > largest:
            largest = float(r[idx])
            worst = f"{name}[{','.join(str(int(i)) for i in idx)}]"
    return GradCheck(eps=float(eps), numeric=numeric, analytic=dict(analytic), rel_diff=rel,
                     max_rel_diff=largest, worst=worst)
