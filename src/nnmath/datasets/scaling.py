r"""Standardisation: each feature shifted to mean 0 and scaled to standard deviation 1.

.. math:: x' = (x - \mu) / \sigma

``mean`` and ``std`` come from the *training* rows only and are stored in the
model file under ``"scaling"`` so that ``predict`` and ``evaluate`` apply the
same transformation to new data::

    "scaling": {"method": "standard", "mean": [...], "std": [...]}

A constant column has ``sigma = 0``; its stored ``std`` is 1 (the column
becomes 0 everywhere instead of a division by zero).

>>> s = standardize([[1.0, 5.0], [3.0, 5.0]])
>>> s.mean.tolist(), s.std.tolist()
([2.0, 5.0], [1.0, 1.0])
>>> s.apply([[3.0, 5.0]]).tolist()
[[1.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, ModelFileError, ShapeError, must_be

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

    @classmethod
    def from_dict(cls, data) -> "Scaling":
        """The scaling stored in a model file (validated)."""
        ok = isinstance(data, dict) and data.get("method") == "standard"
        mean = np.asarray(data.get("mean", []) if ok else [], dtype=object)
        std = np.asarray(data.get("std", []) if ok else [], dtype=object)
        try:
            mean, std = mean.astype(np.float64), std.astype(np.float64)
        except (TypeError, ValueError):
            ok = False
        if not (ok and mean.ndim == 1 and mean.shape == std.shape and mean.size
                and np.all(np.isfinite(mean)) and np.all(np.isfinite(std)) and np.all(std > 0)):
            raise ModelFileError(must_be('"scaling"', '{"method": "standard", "mean": [...], '
                                         '"std": [...]} with positive std', data))
        return cls(mean=mean, std=std)


def standardize(X) -> Scaling:
    """The :class:`Scaling` that standardises the columns of ``X`` (n_samples, n_features)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise DataError(must_be("X", "a non-empty 2-D array", f"shape {X.shape}"))
    mean, std = X.mean(axis=0), X.std(axis=0)
    std = np.where(std > 0, std, 1.0)   # a constant column: divide by 1, not 0
    return Scaling(mean=mean, std=std)
