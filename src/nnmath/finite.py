"""Finite numbers: where inputs, targets or outputs are not, and which of them is too large.

Messages for values that overflow: :func:`too_large` says which of the inputs, the
weights and the targets are too large, with their size, and what to do about each.
"""

from __future__ import annotations

import numpy as np

from .errors import DataError, ShapeError, must_be

__all__ = ["check_finite", "check_outputs", "too_large", "HUGE"]


CHECK_CHUNK = 1 << 20   # values checked at a time: no mask the size of the data set


def _all_finite(values: np.ndarray) -> bool:
    """``np.all(np.isfinite(values))``, a block of rows at a time."""
    if values.ndim == 0 or values.size <= CHECK_CHUNK:
        return bool(np.all(np.isfinite(values)))
    rows = max(1, CHECK_CHUNK // max(1, values[0].size))
    return all(np.all(np.isfinite(values[start:start + rows]))
               for start in range(0, values.shape[0], rows))


def check_finite(name: str, values: np.ndarray, given) -> None:
    """A ShapeError naming the first value that is NaN, inf, or too large for the dtype."""
    if _all_finite(values):
        return
    where = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
    at = f"{'X' if name == 'X' else 'T'}[{', '.join(map(str, where))}]"
    try:   # the value as given: finite there, it is too large for float32
        with np.errstate(over="ignore"):
            original = np.asarray(given, dtype=np.float64).reshape(values.shape)[where]
    except (TypeError, ValueError, OverflowError):
        original = values[where]
    if np.isfinite(original):
        limit = np.finfo(values.dtype).max
        raise ShapeError(must_be(name, f"numbers that fit {values.dtype} (at most {limit:.3g} "
                                 "in size)", f"{original:g} at {at}",
                                 "Scale them, or use a float64 network (net.astype('float64'))."))
    fix = "Remove or replace the missing values." if np.isnan(original) else \
        "Replace the infinite values with finite numbers (at most 1.8e308 in size)."
    raise ShapeError(must_be(name, "finite numbers", f"{original} at {at}", fix))


def check_outputs(net, X: np.ndarray, y_hat: np.ndarray) -> None:
    """A DataError, with the sizes that overflowed, if an output is not finite.

    ``net`` is the :class:`~nnmath.network.Network` (its ``params()`` and ``info``
    are read), ``X`` its inputs (after any scaling), ``y_hat`` its outputs.
    """
    bad = np.flatnonzero(~np.all(np.isfinite(y_hat), axis=1))
    if not bad.size:
        return
    raise DataError(must_be("the network's outputs", "finite numbers",
                            f"{y_hat[bad[0]].tolist()} for sample {bad[0]}",
                            "The numbers overflowed. " + too_large(net, X)))


def too_large(net, X=None, T=None) -> str:
    """Which of the inputs ``X``, the weights and the targets ``T`` are too large, and
    what to do: sentences for an error message, with the largest magnitude of each.

    >>> from nnmath import Dense, Network
    >>> net = Network([Dense(W=[[1e300]], b=[0.0], activation="identity")])
    >>> too_large(net, X=[[2.0]], T=[[1e200]])
    'The weights (up to 1e+300) and the targets (up to 1e+200) are too large. Retrain, or write smaller weights; scale the targets (values in the thousands are fine, 1e300 is not).'
    """
    with np.errstate(over="ignore", invalid="ignore"):
        sizes = {"inputs": _largest(X),
                 "weights": max(_largest(p) for p in net.params().values()),
                 "targets": _largest(T)}
    huge = [name for name, size in sizes.items() if size > HUGE]
    if not huge:   # nothing huge on its own: together they overflow
        huge = [name for name, size in sizes.items() if size > 0]
    scaled = bool(net.info.get("scaling"))   # the inputs went through the model's scaling
    label = {"inputs": "inputs after the model's scaling" if scaled else "inputs",
             "weights": "weights", "targets": "targets"}
    shown = " and the ".join(f"{label[name]} (up to {sizes[name]:.3g})" for name in huge)
    advice = {"inputs": "these rows are far outside the data the model was trained on" if scaled
              else "scale the inputs (nnmath train standardises features, unless --no-scale "
                   "is given)",
              "weights": "retrain, or write smaller weights",
              "targets": "scale the targets (values in the thousands are fine, 1e300 is not)"}
    # the fix for the weights first: retraining is the fix when the weights are huge
    fixes = "; ".join(advice[name] for name in sorted(huge, key=("weights", "inputs",
                                                                "targets").index))
    return f"The {shown} are too large. {fixes[0].upper()}{fixes[1:]}."


HUGE = 1e100   # a magnitude whose square (1e200) is still finite, but not for long


def _largest(values) -> float:
    if values is None:
        return 0.0
    values = np.asarray(values, dtype=np.float64)
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0
