r"""Standardisation: each feature shifted to mean 0 and scaled to standard deviation 1.

.. math:: x' = (x - \mu) / \sigma

``mean`` and ``std`` come from the *training* rows only and are stored in the
model file under ``"scaling"`` so that ``predict`` and ``evaluate`` apply the
same transformation to new data::

    "scaling": {"method": "standard", "mean": [...], "std": [...]}

A constant column has ``sigma = 0``; its stored ``std`` is 1 and its
``mean`` the value itself (the column becomes exactly 0 everywhere instead of
a division by zero, or by the rounding noise 1e-17 of a float std).

>>> s = standardize([[1.0, 5.0], [3.0, 5.0]])
>>> s.mean.tolist(), s.std.tolist()
([2.0, 5.0], [1.0, 1.0])
>>> s.apply([[3.0, 5.0]]).tolist()
[[1.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, ShapeError, must_be

__all__ = ["Scaling", "standardize"]


@dataclass(frozen=True)
class Scaling:
    """``x' = (x - mean) / std``, feature by feature.

    mean, std : ndarray of shape (n_features,); ``std > 0``.
    """

    mean: np.ndarray
    std: np.ndarray

    def apply(self, X) -> np.ndarray:
        """Scale ``X`` of shape (n_samples, n_features)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.mean.shape[0]:
            raise ShapeError(must_be("X", f"of shape (n_samples, {self.mean.shape[0]}) for "
                                     "this scaling", f"shape {X.shape}"))
        return (X - self.mean) / self.std

    def to_dict(self) -> dict:
        return {"method": "standard", "mean": self.mean.tolist(), "std": self.std.tolist()}


def standardize(X) -> Scaling:
    """The :class:`Scaling` that standardises the columns of ``X`` (n_samples, n_features)."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise DataError(must_be("X", "a 2-D array of numbers", X)) from None
    if X.ndim != 2 or X.shape[0] == 0:
        raise DataError(must_be("X", "a non-empty 2-D array", f"shape {X.shape}"))
    # Computed on X / 2^k per column (2^k <= max|x|), then scaled back: dividing by a
    # power of two is exact, so these are the plain mean and std, but the sums and
    # squares inside cannot overflow, even for features as large as 1e308.
    size = np.max(np.abs(X), axis=0)
    size = np.exp2(np.floor(np.log2(np.where(size > 0, size, 1.0))))
    mean = (X / size).mean(axis=0) * size
    std = (X / size).std(axis=0) * size
    # A constant column (every value equal) has std 0, but the floating-point std of
    # [0.1, 0.1, 0.1] is 1.4e-17, which would send 0.1 to -1 and 0.2 to 7e15: test
    # for equal values, not for std == 0. It becomes 0 everywhere (divided by 1, not 0).
    constant = np.all(X == X[0], axis=0)
    mean = np.where(constant, X[0], mean)
    std = np.where(constant | (std == 0), 1.0, std)
    return Scaling(mean=mean, std=std)
