"""The training loop: epochs of batches of gradient-descent steps.

Words, as used everywhere in nnmath:

- a **step** is one forward pass, one backward pass and one update, on one batch;
- a **batch** is ``batch_size`` consecutive rows (after shuffling, if asked);
  its loss is the mean of its per-sample losses;
- an **epoch** is one pass over all rows, batch after batch;
- ``History.loss[e]`` is the loss over *all* training rows computed with the
  parameters at the *end* of epoch ``e`` (after its updates);
  ``History.initial_loss`` is the same before any update.

The loop never prints; progress goes to ``callbacks``.

>>> import numpy as np
>>> from nnmath import Network, Dense
>>> net = Network([Dense(W=[[0.5]], b=[0.0]), Dense(W=[[-1.0]], b=[0.0])])
>>> history = net.fit([[2.0]], [[0.0]], loss="ssr", learning_rate=0.1, epochs=1)
>>> round(history.initial_loss, 6), round(history.loss[0], 6)
(0.0528, 0.051928)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ConfigError, TrainingError, must_be
from .losses import check_loss
from .network import backprop
from .optimizers import get_optimizer

__all__ = ["History", "train"]


@dataclass
class History:
    """What training recorded.

    Attributes
    ----------
    loss : list of float
        Loss over all training rows after each epoch (length = epochs run).
    initial_loss : float
        Loss over all training rows before training.
    stop_reason : str
        ``"epochs"`` (all epochs ran) or ``"converged"`` (``tol`` reached).
    settings : dict
        The settings training ran with.
    """

    loss: list = field(default_factory=list)
    initial_loss: float = float("nan")
    stop_reason: str = "epochs"
    settings: dict = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def to_dict(self) -> dict:
        return {"loss": list(self.loss), "initial_loss": self.initial_loss,
                "epochs": self.epochs, "stop_reason": self.stop_reason,
                "settings": dict(self.settings)}


def train(net, X, T, loss="ssr", learning_rate=0.1, epochs=1, batch_size=1, shuffle=False,
          seed=None, optimizer="sgd", tol=None, patience=10, callbacks=()) -> History:
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
    seed : int, optional
    optimizer : {"sgd", "momentum", "adam"}, default "sgd"
    tol : float, optional
        Stop early ("converged") once the epoch loss has improved by less
        than ``tol`` for ``patience`` epochs in a row.
    patience : int, default 10
    callbacks : sequence of callables
        Each is called as ``callback(epoch, history)`` after every epoch
        (``epoch`` counts from 1); returning True stops training.

    Raises
    ------
    TrainingError
        If the loss becomes non-finite. The parameters of the last epoch with a
        finite loss are put back first.
    """
    X = net.check_X(X)
    T = net.check_T(T, X.shape[0])
    loss = check_loss(net.layers[-1].activation, loss, T)
    n = X.shape[0]
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ConfigError(must_be("epochs", "a whole number of at least 1", epochs))
    if batch_size is None:
        batch_size = n
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ConfigError(must_be("batch_size", "a whole number of at least 1 (or None for "
                                  "full batch)", batch_size))
    batch_size = min(int(batch_size), n)
    opt = get_optimizer(optimizer, learning_rate)
    rng = np.random.default_rng(seed)
    params = net.params()

    history = History(settings=dict(loss=loss, learning_rate=opt.learning_rate, epochs=epochs,
                                    batch_size=batch_size, shuffle=shuffle, seed=seed,
                                    optimizer=opt.name, tol=tol, patience=patience))
    history.initial_loss = backprop(net, X, T, loss, backward=False).loss
    stalled = 0
    previous = history.initial_loss
    for epoch in range(1, epochs + 1):
        snapshot = {name: p.copy() for name, p in params.items()}
        order = rng.permutation(n) if shuffle else None
        # A diverging run overflows on its way to inf; it is caught below, by name.
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, n, batch_size):
                rows = slice(start, start + batch_size) if order is None \
                    else order[start:start + batch_size]
                grads = backprop(net, X[rows], T[rows], loss, record=False).gradients()
                opt.step(params, grads)
            current = backprop(net, X, T, loss, backward=False).loss
        if not np.isfinite(current):
            net.set_params(snapshot)
            raise TrainingError(
                f"the loss became non-finite ({current}) in epoch {epoch}. "
                f"The parameters after epoch {epoch - 1} were kept. "
                f"Try a smaller learning rate than {opt.learning_rate}.")
        history.loss.append(current)
        if any(cb(epoch, history) for cb in callbacks):
            history.stop_reason = "callback"
            break
        if tol is not None:
            stalled = stalled + 1 if previous - current < tol else 0
            if stalled >= patience:
                history.stop_reason = "converged"
                break
        previous = current
    return history
