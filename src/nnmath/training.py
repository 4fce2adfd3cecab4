"""The training loop: epochs of batches of gradient-descent steps.

Words, as used everywhere in nnmath:

- a **step** is one forward pass, one backward pass and one update, on one batch;
- a **batch** is ``batch_size`` consecutive rows (after shuffling, if asked);
  its loss is the mean of its per-sample losses;
- an **epoch** is one pass over all rows, batch after batch;
- ``History.loss[e]`` is the loss over *all* training rows computed with the
  parameters at the *end* of epoch ``e`` (after its updates);
  ``History.initial_loss`` is the same before any update. With ``alpha > 0``
  the loss is the regularised objective ``L + alpha/(2n) sum ||W||^2`` (the
  convention of :mod:`nnmath.regularization`, scikit-learn's);
- **validation rows** (``validation_data``, or ``validation_fraction`` of the
  rows held out with the seed) are never trained on; ``History.val_loss`` is
  their mean loss after each epoch, and ``early_stopping`` stops once it has
  not improved for ``patience`` epochs and puts back the best epoch's
  parameters.

The loop never prints; progress goes to ``callbacks``.

>>> import numpy as np
>>> from nnmath import Network, Dense
>>> net = Network([Dense(W=[[0.5]], b=[0.0]), Dense(W=[[-1.0]], b=[0.0])])
>>> history = net.fit([[2.0]], [[0.0]], loss="ssr", learning_rate=0.1, epochs=1)
>>> round(history.initial_loss, 6), round(history.loss[0], 6)
(0.0528, 0.051928)
"""

from __future__ import annotations

import numpy as np

from .checks import check_bool, check_callbacks, check_int, check_number, check_seed
from .errors import ConfigError, DataError, TrainingError, must_be
from .history import History
from .losses import check_loss
from .backprop import backprop, loss_and_output
from .finite import too_large
from .optimizers import get_optimizer
from .regularization import check_alpha, l2_gradients, l2_penalty
from .metrics import METRICS, check_metrics, labels_of

__all__ = ["History", "train"]

HUGE_LOSS = 1e100   # a starting loss this large comes from the data's size, not the step


def train(net, X, T, loss="ssr", learning_rate=0.1, epochs=1, batch_size=1, shuffle=False,
          seed=None, optimizer="sgd", tol=None, patience=10, callbacks=(), *, alpha=0.0,
          validation_data=None, validation_fraction=None, early_stopping=False, metrics=(),
          batch_callbacks=(), progress=False) -> History:
    """Train ``net`` in place; return its :class:`History`.

    Parameters
    ----------
    net : Network
    X : array-like of shape (n_samples, n_inputs)
    T : array-like of shape (n_samples, n_outputs)
    loss : {"ssr", "mse", "bce", "cross_entropy"}, default "ssr"
    learning_rate : float, default 0.1
    epochs : int, default 1
        The most epochs to run.
    batch_size : int or None, default 1
        Rows per step. 1 is per-sample gradient descent (the article), None
        (or n_samples) full-batch.
    shuffle : bool, default False
        Shuffle the rows before each epoch, with ``np.random.default_rng(seed)``.
    seed : int >= 0, optional
        Seeds the shuffling and the validation split: the same seed, data and
        network give bit-for-bit the same run (:func:`nnmath.checks.check_seed`:
        not a ``numpy.random.Generator``, which could not be recorded).
    optimizer : {"sgd", "momentum", "adam"}, default "sgd"
    tol : float, optional
        Stop early ("converged") once the epoch loss has improved by less
        than ``tol`` for ``patience`` epochs in a row. With ``early_stopping``,
        the improvement the validation loss must make (default 0).
    patience : int, default 10
    callbacks : sequence of callables, or one callable
        Each is called as ``callback(epoch, history)`` after every epoch
        (``epoch`` counts from 1); returning True stops training.
    alpha : float, default 0
        L2 penalty (:mod:`nnmath.regularization`).
    validation_data : (X_val, T_val), optional
        Rows to validate on after every epoch (never trained on).
    validation_fraction : float in (0, 1), optional
        Hold out this fraction of the rows for validation instead (seeded;
        stratified by class for ``bce`` and ``cross_entropy``).
    early_stopping : bool, default False
        Stop when the validation loss has not improved for ``patience``
        epochs; keep the best epoch's parameters. Without validation rows,
        ``validation_fraction`` defaults to 0.1.
    metrics : sequence of str
        Names from :data:`nnmath.scoring.METRICS` (``accuracy``, ``mse``,
        ``r2``) to record after every epoch in ``History.metrics`` (and
        ``History.val_metrics``).
    batch_callbacks : sequence of callables, or one callable
        Each is called as ``callback(epoch, batch, n_batches, batch_loss)``
        after every step (``batch`` counts from 1), for progress bars.
    progress : bool, default False
        Show a progress bar (epochs, loss, time left) on stderr
        (:mod:`nnmath.progress`, in a terminal or in Jupyter).

    Raises
    ------
    ConfigError
        For an argument out of its range (the message names it).
    DataError
        If the loss before training is already not finite: the inputs, targets
        or weights are too large (the message says which).
    TrainingError
        If the loss becomes non-finite. The parameters of the last epoch with a
        finite loss are put back first.
    """
    callbacks = check_callbacks(callbacks, "callbacks", "Each is called as "
                                "callback(epoch, history) after every epoch.")
    batch_callbacks = check_callbacks(batch_callbacks, "batch_callbacks", "Each is called as "
                                      "callback(epoch, batch, n_batches, batch_loss).")
    if isinstance(progress, bool) and progress:
        from .progress import training_progress

        with training_progress(epochs if isinstance(epochs, int) else 0,
                               always=True) as (on_epoch, on_batch):
            return train(net, X, T, loss, learning_rate, epochs, batch_size, shuffle, seed,
                         optimizer, tol, patience, (*callbacks, on_epoch), alpha=alpha,
                         validation_data=validation_data,
                         validation_fraction=validation_fraction,
                         early_stopping=early_stopping, metrics=metrics,
                         batch_callbacks=(*batch_callbacks, on_batch))
    if not isinstance(progress, bool):
        raise ConfigError(must_be("progress", "True or False", progress))
    X = net.check_X(X)
    T = net.check_T(T, X.shape[0])
    loss = check_loss(net.layers[-1].activation, loss, T)
    _check_count("epochs", epochs)
    _check_count("patience", patience)
    alpha = check_alpha(alpha)
    metrics = check_metrics(metrics)
    seed = check_seed(seed)
    shuffle = check_bool(shuffle, "shuffle")
    early_stopping = check_bool(early_stopping, "early_stopping")
    if tol is not None:
        tol = check_number(tol, "tol", minimum=0, constraint="None or a number >= 0",
                           fix="For example tol=1e-4.")
    if early_stopping and validation_data is None and validation_fraction is None:
        validation_fraction = 0.1
    X, T, X_val, T_val = _validation(net, X, T, loss, validation_data, validation_fraction, seed)
    n = X.shape[0]
    if batch_size is None:
        batch_size = n
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ConfigError(must_be("batch_size", "a whole number of at least 1 (or None for "
                                  "full batch)", batch_size))
    batch_size = min(int(batch_size), n)
    n_batches = -(-n // batch_size)
    opt = get_optimizer(optimizer, learning_rate)
    rng = np.random.default_rng(seed)
    params = net.params()

    history = History(settings=dict(
        loss=loss, learning_rate=opt.learning_rate, epochs=epochs, batch_size=batch_size,
        shuffle=shuffle, seed=seed, optimizer=opt.name, tol=tol, patience=patience,
        alpha=alpha, validation_fraction=validation_fraction, early_stopping=early_stopping,
        validation_rows=0 if X_val is None else int(X_val.shape[0])))
    history.metrics = {name: [] for name in metrics}
    history.val_metrics = {name: [] for name in metrics} if X_val is not None else {}
    with np.errstate(over="ignore", invalid="ignore"):   # too large: an error just below
        history.initial_loss = _objective(net, X, T, loss, alpha)[0]
    if not np.isfinite(history.initial_loss):
        raise DataError(f"the loss before training must be a finite number. Got "
                        f"{history.initial_loss}. {too_large(net, X, T)}")
    stalled = 0
    previous = history.initial_loss
    best, best_params = np.inf, None
    for epoch in range(1, epochs + 1):
        snapshot = {name: p.copy() for name, p in params.items()}
        order = rng.permutation(n) if shuffle else None
        # A diverging run overflows on its way to inf; it is caught below, by name.
        with np.errstate(over="ignore", invalid="ignore"):
            for batch, start in enumerate(range(0, n, batch_size), start=1):
                rows = slice(start, start + batch_size) if order is None \
                    else order[start:start + batch_size]
                # the batch loss is computed only when a batch callback asks for it
                step = backprop(net, X[rows], T[rows], loss, record=bool(batch_callbacks))
                n_rows = step.X.shape[0]
                if batch_callbacks:
                    batch_loss = step.loss + l2_penalty(params, alpha, n_rows)  # before update
                opt.step(params, l2_gradients(step.gradients(), params, alpha, n_rows))
                for cb in batch_callbacks:
                    cb(epoch, batch, n_batches, batch_loss)
            current, y_hat = _objective(net, X, T, loss, alpha)
            if X_val is not None:
                val_loss, y_hat_val = _objective(net, X_val, T_val, loss, 0.0)
        if not np.isfinite(current) or (X_val is not None and not np.isfinite(val_loss)):
            net.set_params(snapshot)
            raise TrainingError(
                f"the loss became non-finite ({current}) in epoch {epoch}. "
                f"The parameters after epoch {epoch - 1} were kept. "
                + (f"The loss before training was already {history.initial_loss:.3g}. "
                   f"{too_large(net, X, T)}"
                   if history.initial_loss > HUGE_LOSS else
                   f"Try a smaller learning rate than {opt.learning_rate}."))
        history.add_epoch(   # at most MAX_KEPT_EPOCHS kept in memory: an endless run is bounded
            epoch, current, metrics={name: METRICS[name](T, y_hat) for name in metrics},
            val_loss=None if X_val is None else val_loss,
            val_metrics=None if X_val is None else {name: METRICS[name](T_val, y_hat_val)
                                                    for name in metrics})
        if any(cb(epoch, history) for cb in callbacks):
            history.stop_reason = "callback"
            break
        if early_stopping:
            if val_loss < best - (tol or 0.0):
                best, best_params, stalled = val_loss, _copy(params), 0
                history.best_epoch = epoch
            else:
                stalled += 1
            if stalled >= patience:
                history.stop_reason = "early_stopping"
                break
        elif tol is not None:
            stalled = stalled + 1 if previous - current < tol else 0
            if stalled >= patience:
                history.stop_reason = "converged"
                break
        previous = current
    if early_stopping and best_params is not None:
        net.set_params(best_params)
    return history


def _objective(net, X, T, loss, alpha):
    """The mean loss (plus the L2 penalty) over all of ``X``, and ``y_hat``."""
    value, y_hat = loss_and_output(net, X, T, loss)   # in chunks of rows: bounded memory
    return value + l2_penalty(net.params(), alpha, X.shape[0]), y_hat


def _copy(params):
    return {name: p.copy() for name, p in params.items()}


def _check_count(name, value):
    check_int(value, name, minimum=1)


def _validation(net, X, T, loss, validation_data, validation_fraction, seed):
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
    from .datasets.split import split_indices

    classify = loss in ("bce", "cross_entropy")
    labels = labels_of(T) if classify else np.zeros(X.shape[0])
    keep, held = split_indices(labels, validation_fraction, seed, stratify=classify)
    return X[keep], T[keep], X[held], T[held]
