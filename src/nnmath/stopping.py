"""When training stops, and on which rows it is judged: the stopping rule and the
validation rows.

- **early stopping** watches the loss on validation rows (``validation_data``, or
  ``validation_fraction`` of the rows held out with the seed, stratified by class for
  ``bce`` and ``cross_entropy``) and stops once it has not improved by ``tol`` for
  ``patience`` epochs, keeping the best epoch's parameters;
- **tol** without early stopping stops ("converged") once the training loss has
  improved by less than ``tol`` for ``patience`` epochs in a row.

:mod:`nnmath.training` runs the epochs; this module only decides.
"""

from __future__ import annotations

import numpy as np

from .checks import check_number
from .datasets.split import split_indices
from .errors import ConfigError, must_be
from .losses import check_loss
from .metrics import labels_of

__all__ = ["StoppingRule", "validation_split", "copy_params"]


def copy_params(params: dict) -> dict:
    """``{name: a copy of the array}``: parameters kept aside (a snapshot, the best epoch)."""
    return {name: p.copy() for name, p in params.items()}


class StoppingRule:
    """When to stop before the last epoch: early stopping on the validation loss (keeping
    the best epoch's parameters), or ``tol`` on the training loss ("converged").

    ``run`` holds the checked settings (``early_stopping``, ``tol``, ``patience``) and the
    network's ``params``; ``history`` the run's :class:`~nnmath.history.History`, whose
    ``best_epoch`` and ``stop_reason`` the rule sets."""

    def __init__(self, run, history):
        self.run, self.history = run, history
        self.stalled, self.previous = 0, history.initial_loss
        self.best, self.best_params = np.inf, None

    def stops(self, epoch: int, current: float, val_loss: float | None) -> bool:
        run, history = self.run, self.history
        if run.early_stopping:
            if val_loss < self.best - (run.tol or 0.0):
                self.best, self.best_params, self.stalled = val_loss, copy_params(run.params), 0
                history.best_epoch = epoch
            else:
                self.stalled += 1
            if self.stalled >= run.patience:
                history.stop_reason = "early_stopping"
                return True
        elif run.tol is not None:
            self.stalled = self.stalled + 1 if self.previous - current < run.tol else 0
            if self.stalled >= run.patience:
                history.stop_reason = "converged"
                return True
        self.previous = current
        return False


def validation_split(net, X, T, loss, validation_data, validation_fraction, seed):
    """``X, T, X_val, T_val``: the training rows and the validation rows (or None)."""
    if validation_data is not None:
        if validation_fraction is not None:
            raise ConfigError(must_be("validation_data and validation_fraction",
                                      "given one at a time", "both"))
        try:
            X_val, T_val = validation_data
        except (TypeError, ValueError):
            raise ConfigError(must_be("validation_data", "a pair (X_val, T_val)",
                                      type(validation_data).__name__)) from None
        X_val = net.check_X(X_val)
        T_val = net.check_T(T_val, X_val.shape[0])
        check_loss(net.layers[-1].activation, loss, T_val)
        return X, T, X_val, T_val
    if validation_fraction is None:
        return X, T, None, None
    validation_fraction = check_number(validation_fraction, "validation_fraction", 0, 1,
                                       open_min=True, open_max=True, fix="For example 0.1.")
    classify = loss in ("bce", "cross_entropy")
    labels = labels_of(T) if classify else np.zeros(X.shape[0])
    keep, held = split_indices(labels, validation_fraction, seed, stratify=classify)
    return X[keep], T[keep], X[held], T[held]
