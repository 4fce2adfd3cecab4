"""Metrics of network outputs against targets, by name (for ``History`` and reports).

Each takes ``T`` and ``y_hat``, both of shape (n_samples, n_outputs):

- ``accuracy``: the predicted class is ``argmax(y_hat)`` for several outputs,
  ``y_hat >= 0.5`` for one output; the true class likewise from ``T``;
- ``mse``: mean of ``(y_hat - T)^2`` over all entries;
- ``r2``: coefficient of determination, averaged over outputs.

>>> import numpy as np
>>> score("accuracy", np.array([[1.0], [0.0]]), np.array([[0.7], [0.6]]))
0.5
"""

from __future__ import annotations

import numpy as np

from . import metrics
from .errors import ConfigError, must_be

__all__ = ["METRICS", "score", "labels_of", "check_metrics"]


def labels_of(Y: np.ndarray) -> np.ndarray:
    """Class labels from one-hot rows (argmax) or one probability column (>= 0.5)."""
    Y = np.asarray(Y)
    return (Y[:, 0] >= 0.5).astype(int) if Y.shape[1] == 1 else np.argmax(Y, axis=1)


METRICS = {
    "accuracy": lambda T, y_hat: metrics.accuracy(labels_of(T), labels_of(y_hat)),
    "mse": metrics.mean_squared_error,
    "r2": metrics.r2,
}


def check_metrics(names) -> tuple:
    if isinstance(names, str):
        names = (names,)
    elif not isinstance(names, (list, tuple)):
        raise ConfigError(must_be("metrics", "a sequence of metric names", names,
                                  "For example metrics=('accuracy',)."))
    names = tuple(names)
    for name in names:
        if name not in METRICS:
            raise ConfigError(must_be("a metric", "one of " + ", ".join(map(repr, METRICS)),
                                      name))
    return names


def score(name: str, T, y_hat) -> float:
    """The metric ``name`` of outputs ``y_hat`` against targets ``T``."""
    return float(METRICS[check_metrics(name)[0]](T, y_hat))
