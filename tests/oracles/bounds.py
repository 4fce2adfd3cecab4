r"""Rounding-error bounds for the forward pass: tolerances that follow from the arithmetic.

Two computations of the same network on the same rows may sum in different orders: BLAS
blocks a matrix product by the shapes it is given and by the CPU it runs on, so a pass
over all rows and a pass in blocks of rows differ in the last bits, and differently on
another machine. A tolerance read off one machine's differences fails on the next. These
bounds hold for *any* summation order (Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., §3.1 and §3.5): with ``u`` the unit roundoff of the dtype and
``gamma(n) = n u / (1 - n u)``, a computed inner product of length ``n`` satisfies::

    |fl(x . y) - x . y|  <=  gamma(n) |x| . |y|

so for a dense layer ``z = a_prev @ W + b`` (``n_in`` products and the bias: ``n_in + 1``
terms) whose input already carries an error ``e_prev`` (elementwise)::

    |dz|  <=  gamma(n_in + 1) (|a_prev| + e_prev) @ |W| + gamma(n_in + 1) |b|  +  e_prev @ |W|

and the activation passes ``|dz|`` on by its Lipschitz constant (identity, ReLU, tanh: 1;
sigmoid: 1/4; softmax, as a relative error: ``|dp_k| <= p_k (exp(2 max_j |dz_j|) - 1)``),
plus its own rounding: a few ulps of its value (:data:`ACTIVATION_ULPS`).

The difference of two computations is at most the sum of their bounds. The bounds are
worst cases (typically 10 to 100 times the differences seen), so a test using them cannot
be tuned to one machine, and still fails on a real error, which is off by far more.

>>> import numpy as np, nnmath
>>> net = nnmath.Network.random([2, 3, 1], seed=0)
>>> X = np.array([[1.0, -2.0], [0.5, 0.25]])
>>> bound = forward_bound(net.layers, X)
>>> bound.shape, bool(np.all(bound > 0)), bool(np.all(bound < 1e-14))
((2, 1), True, True)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ACTIVATION_ULPS", "unit_roundoff", "gamma", "forward_bound", "mean_bound",
           "reference_forward", "assert_within"]

ACTIVATION_ULPS = {"identity": 0, "relu": 0, "tanh": 2, "sigmoid": 4, "softmax": 4}
"""Rounding of the activation itself, in units of ``u`` times its value: NumPy's ``exp``
and ``tanh`` are within 1-2 ulps, then one addition and one division (sigmoid), or the
max-shift, the exp and one division (softmax; its sum of ``k`` terms adds ``gamma(k)``)."""


def unit_roundoff(dtype) -> float:
    """``u``: half the distance from 1.0 to the next float (2**-53 for float64)."""
    return float(np.finfo(dtype).eps) / 2


def gamma(n: int, dtype=np.float64) -> float:
    """``n u / (1 - n u)``: the relative error bound of a sum or inner product of ``n`` terms."""
    nu = n * unit_roundoff(dtype)
    return nu / (1 - nu)


def forward_bound(layers, X, dtype=None) -> np.ndarray:
    """Elementwise bound on ``|computed y_hat - exact y_hat|`` for any summation order.

    Parameters
    ----------
    layers : sequence of nnmath.Dense
        The network's layers (their ``W``, ``b``, ``activation``).
    X : array of shape (n_samples, n_features)
        The rows.
    dtype : numpy dtype, optional
        The dtype the pass is computed in (default: the layers' ``W.dtype``).

    Returns
    -------
    bound : ndarray of shape (n_samples, n_outputs), float64
    """
    dtype = np.dtype(dtype or layers[0].W.dtype)
    u = unit_roundoff(dtype)
    a = np.abs(np.asarray(X, dtype=np.float64))
    err = np.zeros_like(a)
    values = np.asarray(X, dtype=np.float64)
    for layer in layers:
        W, b = np.asarray(layer.W, np.float64), np.asarray(layer.b, np.float64)
        g = gamma(W.shape[0] + 1, dtype)
        absW = np.abs(W)
        dz = g * ((a + err) @ absW + np.abs(b)) + err @ absW
        z = values @ W + b
        name = layer.activation
        if name == "softmax":
            shifted = np.exp(z - z.max(axis=1, keepdims=True))
            values = shifted / shifted.sum(axis=1, keepdims=True)
            spread = np.expm1(2 * dz.max(axis=1, keepdims=True))
            own = (ACTIVATION_ULPS[name] * u + gamma(W.shape[1], dtype)) * values
            err = values * spread + own
        else:
            values = {"identity": lambda v: v, "relu": lambda v: np.maximum(v, 0),
                      "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[name](z)
            lipschitz = 0.25 if name == "sigmoid" else 1.0
            err = lipschitz * dz + ACTIVATION_ULPS[name] * u * np.abs(values)
        a = np.abs(values)
    return err


def reference_forward(layers, X) -> np.ndarray:
    """``y_hat`` in ``np.longdouble`` (NumPy's own loops, not BLAS; 64 or 113 bits of
    mantissa on x86-64 and ARM, against float64's 53): a second summation order, far more
    exact than the pass it checks, for testing that the bounds hold on this machine."""
    a = np.asarray(X, dtype=np.longdouble)
    for layer in layers:
        z = a @ np.asarray(layer.W, np.longdouble) + np.asarray(layer.b, np.longdouble)
        name = layer.activation
        if name == "softmax":
            shifted = np.exp(z - z.max(axis=1, keepdims=True))
            a = shifted / shifted.sum(axis=1, keepdims=True)
        else:
            a = {"identity": lambda v: v, "relu": lambda v: np.maximum(v, 0),
                 "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[name](z)
    return a


def mean_bound(values, errors, dtype=np.float64) -> float:
    """Bound on the error of the mean of ``values`` (each off by at most ``errors``),
    summed in any order: ``mean(errors) + gamma(n + 1) mean(|values|)``."""
    values, errors = np.abs(np.ravel(values)), np.ravel(errors)
    return float(errors.mean() + gamma(values.size + 1, dtype) * values.mean())


def assert_within(actual, expected, bound, what="") -> None:
    """``|actual - expected| <= bound`` elementwise, with the worst ratio in the message."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    bound = np.broadcast_to(np.asarray(bound, np.float64), actual.shape)
    diff = np.abs(actual - expected)
    ratio = float(np.max(diff / np.where(bound > 0, bound, math.inf), initial=0.0))
    assert np.all(diff <= bound), (
        f"{what}: differences up to {ratio:.3g} times the rounding bound "
        f"(max |diff| {float(diff.max()):.3g})")
