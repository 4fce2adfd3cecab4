"""The training loop: epochs of batches of gradient-descent steps.

Words, as used everywhere in nnmath:

- a **step** is one forward pass, one backward pass and one update, on one batch;
- a **batch** is ``batch_size`` consecutive rows (after shuffling, if asked);
  its loss is the mean of its per-sample losses;
- an **epoch** is one pass over all rows, batch after batch;
- ``History.loss[e]`` is the loss over *all* training rows computed with the
  parameters at the *end* of epoch ``e`` (after its updates): the article's "cost over
  all samples", an extra pass over the rows after each epoch. On large data
  (``rows x parameters`` over :data:`EXACT_LOSS_MAX_WORK`, or ``epoch_loss="running"``)
  it is instead the *running mean* of the epoch's batch losses, each from the step's
  own forward pass before its update: no extra pass (``History.loss_kind`` says which).
  ``History.initial_loss`` is the exact loss before any update. With ``alpha > 0``
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

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._typing import ArrayLike, FloatArray, IntArray, Params
from .backprop import backprop, loss_and_output, mean_loss, outputs
from .checks import check_bool, check_callbacks, check_int, check_number, check_seed
from .errors import ConfigError, DataError, TrainingError, must_be
from .fastpath import BatchLoop, KernelRun, choose_engine
from .finite import too_large
from .history import MAX_KEPT_EPOCHS, History
from .losses import Loss, check_loss, class_weights, get_loss
from .metrics import METRICS, check_metrics
from .optimizers import SGD, get_optimizer
from .regularization import check_alpha, l2_gradients, l2_penalty
from .stopping import StoppingRule, copy_params, validation_split

if TYPE_CHECKING:
    from .network import Network

__all__ = ["History", "train", "EpochCallback", "BatchCallback", "EPOCH_LOSSES",
           "EXACT_LOSS_MAX_WORK", "epoch_loss_kind"]

EpochCallback = Callable[[int, History], object]
"""``callback(epoch, history)`` after every epoch; a true value stops training."""
BatchCallback = Callable[[int, int, int, float], object]
"""``callback(epoch, batch, n_batches, batch_loss)`` after every step."""

HUGE_LOSS = 1e100   # a starting loss this large comes from the data's size, not the step

EPOCH_LOSSES = ("auto", "exact", "running")
"""The choices of ``train(..., epoch_loss=...)``."""
EXACT_LOSS_MAX_WORK = 10_000_000
"""``epoch_loss="auto"`` records the exact loss after each epoch up to this many training
``rows x parameters`` (the multiply-adds of the extra forward pass, about a third of an
epoch's work, a few milliseconds here); beyond it, the running mean of the batch losses."""


def epoch_loss_kind(epoch_loss: str, n_rows: int, n_params: int) -> str:
    """What ``History.loss`` will hold: ``"exact"`` or ``"running mean"``.

    >>> epoch_loss_kind("auto", 14, 7), epoch_loss_kind("auto", 60_000, 101_770)
    ('exact', 'running mean')
    >>> epoch_loss_kind("running", 14, 7)
    'running mean'
    """
    if not isinstance(epoch_loss, str) or epoch_loss not in EPOCH_LOSSES:
        raise ConfigError(must_be("epoch_loss", "one of " + ", ".join(map(repr, EPOCH_LOSSES)),
                                  epoch_loss, 'For example epoch_loss="exact" for the cost over '
                                  "all rows after each epoch."))
    if epoch_loss == "auto":
        epoch_loss = "exact" if n_rows * n_params <= EXACT_LOSS_MAX_WORK else "running"
    return "exact" if epoch_loss == "exact" else "running mean"


def train(net: Network, X: ArrayLike, T: ArrayLike, loss: str = "ssr",
          learning_rate: float = 0.1, epochs: int = 1, batch_size: int | None = 1,
          shuffle: bool = False, seed: int | None = None, optimizer: str | SGD = "sgd",
          tol: float | None = None, patience: int = 10,
          callbacks: EpochCallback | Iterable[EpochCallback] = (), *, alpha: float = 0.0,
          validation_data: tuple[ArrayLike, ArrayLike] | None = None,
          validation_fraction: float | None = None, early_stopping: bool = False,
          metrics: Iterable[str] = (),
          batch_callbacks: BatchCallback | Iterable[BatchCallback] = (),
          progress: bool = False, engine: str = "auto", epoch_loss: str = "auto",
          class_weight: object = None) -> History:
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
        Names from :data:`nnmath.metrics.METRICS` (``accuracy``, ``mse``,
        ``r2``) to record after every epoch in ``History.metrics`` (and
        ``History.val_metrics``).
    batch_callbacks : sequence of callables, or one callable
        Each is called as ``callback(epoch, batch, n_batches, batch_loss)``
        after every step (``batch`` counts from 1). Only the readable engine computes
        each batch's loss, so a batch callback makes ``engine="auto"`` choose it: for
        progress, an epoch callback (``callbacks``) keeps the fast engines.
    progress : bool, default False
        Show a progress bar (epochs, loss, time left) on stderr
        (:mod:`nnmath.progress`, in a terminal or in Jupyter), moved after each epoch
        (an epoch callback: the engine is the one ``fit`` takes without it).
    engine : {"auto", "readable", "numpy", "numba", "python"}, default "auto"
        Which code runs the steps (:mod:`nnmath.fastpath`): the same numbers from
        each. ``"readable"`` forces the engine as written (:mod:`nnmath.backprop`);
        ``"auto"`` reads the environment variable ``NNMATH_ENGINE``, else chooses by
        the amount of work. A fast path runs only a job whose every part (activations,
        loss, optimizer, dtype) it implements; any other job, forced or not, falls back
        to the next path that does, at last to the readable engine, which runs any
        registered part.
    epoch_loss : {"auto", "exact", "running"}, default "auto"
        What ``History.loss`` records after each epoch (``History.loss_kind``):
        ``"exact"``, the loss over all training rows with the epoch's final parameters
        (one extra forward pass over the rows per epoch); ``"running"``, the mean of the
        epoch's batch losses, each computed by the step's own forward pass before its
        update (no extra pass; the usual PyTorch loop's number). ``"auto"``: exact up to
        :data:`EXACT_LOSS_MAX_WORK` training ``rows x parameters``, else running. Either
        way ``initial_loss`` is exact, and every engine records the same numbers.
        ``metrics`` on the training rows still need their own pass.
    class_weight : None, "balanced", dict or sequence, default None
        A weight per class in the loss (:func:`nnmath.losses.class_weights`): each
        sample's loss and its gradient are multiplied by its class's weight, and the batch
        loss stays the mean over the samples (:mod:`nnmath.losses`). ``"balanced"`` is
        scikit-learn's ``n_samples / (n_classes * count_c)``, counted on the rows of ``T``
        given here (validation rows included); a dict maps a class number (a column of
        ``T``; 0 and 1 for one sigmoid output) to its weight, others weigh 1. The weights
        used are in ``History.settings["class_weight"]``. A weighted loss always runs on
        the readable engine.

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
    if check_bool(progress, "progress"):
        from .progress import training_progress

        # the bar moves once per epoch (an epoch callback): a per-batch one would take
        # every batch's loss, which only the readable engine computes
        with training_progress(epochs if isinstance(epochs, int) else 0,
                               always=True) as (on_epoch, _):
            return train(net, X, T, loss, learning_rate, epochs, batch_size, shuffle, seed,
                         optimizer, tol, patience, (*callbacks, on_epoch), alpha=alpha,
                         validation_data=validation_data,
                         validation_fraction=validation_fraction,
                         early_stopping=early_stopping, metrics=metrics,
                         batch_callbacks=batch_callbacks, engine=engine,
                         epoch_loss=epoch_loss, class_weight=class_weight)
    run = _settings(net, X, T, loss, learning_rate, epochs, batch_size, shuffle, seed, optimizer,
                    tol, patience, alpha, validation_data, validation_fraction, early_stopping,
                    metrics, callbacks, batch_callbacks, epoch_loss, class_weight)
    history = _new_history(net, run)
    stopping = StoppingRule(run, history)
    _epochs(net, run, history, stopping, engine)
    if stopping.best_params is not None:
        net.set_params(stopping.best_params)
    return history


class _Shuffler:
    """``np.random.default_rng(seed)``, made at the first shuffle: a job that never
    shuffles never imports ``numpy.random`` (about 15 ms of a fresh process's first fit)."""

    def __init__(self, seed: int | None) -> None:
        self.seed = seed
        self.rng: np.random.Generator | None = None

    def permutation(self, n: int) -> IntArray:
        if self.rng is None:
            self.rng = np.random.default_rng(self.seed)
        return self.rng.permutation(n)


@dataclass
class _Run:
    """The checked settings of one training run, and the rows it trains on."""

    X: FloatArray
    T: FloatArray
    X_val: FloatArray | None
    T_val: FloatArray | None
    loss: str
    epochs: int
    batch_size: int
    shuffle: bool
    seed: int | None
    opt: SGD
    tol: float | None
    patience: int
    alpha: float
    early_stopping: bool
    validation_fraction: float | None
    metrics: tuple[str, ...]
    callbacks: tuple[EpochCallback, ...]
    batch_callbacks: tuple[BatchCallback, ...]
    params: Params
    rng: _Shuffler
    loss_fn: Loss   # the loss with its class weights, if any (the engine's passes take it)
    loss_kind: str = "exact"

    @property
    def running(self) -> bool:
        """Whether the epoch's loss is the running mean of its batch losses."""
        return self.loss_kind == "running mean"

    @property
    def n_batches(self) -> int:
        n_rows: int = self.X.shape[0]
        return -(-n_rows // self.batch_size)


def _settings(net: Network, X: ArrayLike, T: ArrayLike, loss: str, learning_rate: float,
              epochs: int, batch_size: int | None, shuffle: bool, seed: int | None,
              optimizer: str | SGD, tol: float | None, patience: int, alpha: float,
              validation_data: tuple[ArrayLike, ArrayLike] | None,
              validation_fraction: float | None, early_stopping: bool, metrics: Iterable[str],
              callbacks: tuple[EpochCallback, ...],
              batch_callbacks: tuple[BatchCallback, ...], epoch_loss: str = "auto",
              class_weight: object = None) -> _Run:
    """Every argument checked, in the order the messages are documented; the rows split."""
    X = net.check_X(X)
    T = net.check_T(T, X.shape[0])
    loss = check_loss(net.layers[-1].activation, loss, T)
    loss_fn = get_loss(loss).weighted(class_weights(class_weight, T))
    check_int(epochs, "epochs", minimum=1)
    check_int(patience, "patience", minimum=1)
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
    rows: tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None] = \
        validation_split(net, X, T, loss, validation_data, validation_fraction, seed)
    X, T, X_val, T_val = rows
    if batch_size is None:
        batch_size = X.shape[0]
    check_int(batch_size, "batch_size", minimum=1,
              constraint="a whole number of at least 1 (or None for full batch)")
    opt = get_optimizer(optimizer, learning_rate)
    kind = epoch_loss_kind(epoch_loss, X.shape[0], net.n_params())
    return _Run(X, T, X_val, T_val, loss, epochs, min(int(batch_size), X.shape[0]), shuffle,
                seed, opt, tol, patience, alpha, early_stopping, validation_fraction, metrics,
                callbacks, batch_callbacks, net.params(), _Shuffler(seed), loss_fn,
                kind)


def _new_history(net: Network, run: _Run) -> History:
    """The History of the run: its settings, and the loss before any update."""
    history = History(settings=dict(
        loss=run.loss, learning_rate=run.opt.learning_rate, epochs=run.epochs,
        batch_size=run.batch_size, shuffle=run.shuffle, seed=run.seed, optimizer=run.opt.name,
        tol=run.tol, patience=run.patience, alpha=run.alpha,
        validation_fraction=run.validation_fraction, early_stopping=run.early_stopping,
        validation_rows=0 if run.X_val is None else int(run.X_val.shape[0])),
        loss_kind=run.loss_kind)
    if run.loss_fn.class_weight is not None:
        history.settings["class_weight"] = run.loss_fn.class_weight.tolist()
    history.metrics = {name: [] for name in run.metrics}
    history.val_metrics = {name: [] for name in run.metrics} if run.X_val is not None else {}
    with np.errstate(over="ignore", invalid="ignore"):   # too large: an error just below
        history.initial_loss = _objective(net, run.X, run.T, run.loss_fn, run.alpha,
                                          False)[0]
    if not np.isfinite(history.initial_loss):
        raise DataError(f"the loss before training must be a finite number. Got "
                        f"{history.initial_loss}. {too_large(net, run.X, run.T)}")
    return history


def _epochs(net: Network, run: _Run, history: History, stopping: StoppingRule,
            engine: str) -> None:
    """Epoch after epoch until the last or the stopping rule: the steps on the engine
    :func:`nnmath.fastpath.choose_engine` picks, then the epoch's end (:func:`_end_of_epoch`)."""
    if run.loss_fn.class_weight is not None:
        # The fast paths (fastpath.py, kernels.py) know the unweighted losses only: a
        # class-weighted loss runs on the readable engine, never silently unweighted.
        engine = "readable"
    engine = choose_engine(net, run.loss, run.opt, run.X.shape[0], run.batch_size, run.epochs,
                           run.batch_callbacks, engine)
    n = run.X.shape[0]
    if engine in ("kernel", "numba", "python"):
        kernel = KernelRun(net, run.X, run.T, run.loss, run.opt, run.batch_size, run.alpha,
                           mode=engine)
        if not (run.metrics or run.X_val is not None or run.early_stopping):
            return _kernel_epochs(net, run, history, stopping, kernel)

        def steps(epoch: int) -> float | None:
            losses, _ = kernel.epochs(1, run.rng.permutation(n) if run.shuffle else
                                      np.arange(n), RUNNING if run.running else NO_LOSS)
            return losses[0] if run.running else None
    elif engine == "numpy":
        loop = BatchLoop(net, run.X, run.T, run.loss, run.opt, run.batch_size, run.alpha)

        def steps(epoch: int) -> float | None:
            return loop.epoch(run.rng.permutation(n) if run.shuffle else None, run.running)
    else:
        def steps(epoch: int) -> float | None:
            return _batches(net, run, epoch)
    for epoch in range(1, run.epochs + 1):
        snapshot = copy_params(run.params)
        with np.errstate(over="ignore", invalid="ignore"):   # caught after the epoch, by name
            running = steps(epoch)
        current, val_loss = _end_of_epoch(net, run, history, epoch, snapshot, running)
        if any(cb(epoch, history) for cb in run.callbacks):
            history.stop_reason = "callback"
            return
        if stopping.stops(epoch, current, val_loss):
            return


KERNEL_CHUNK_WORK = 1_000_000   # rows x parameters per kernel call: Ctrl-C is seen between
NO_LOSS, EXACT, RUNNING = 0, 1, 2   # the kernel's epoch loss: none, exact, running mean


def _kernel_epochs(net: Network, run: _Run, history: History, stopping: StoppingRule,
                   kernel: KernelRun) -> None:
    """Whole epochs in the kernel (no metric or validation needs the epoch's end in Python):
    the kernel computes each epoch's loss and applies ``tol``; the History, the callbacks
    (one epoch per call then) and the stopping rule are given the same losses, epoch by
    epoch, as the loop gives them."""
    n, epoch = run.X.shape[0], 0
    chunk = 1 if run.callbacks else max(1, min(run.epochs,
                                               KERNEL_CHUNK_WORK // (n * kernel.n_params)))
    tol = -1.0 if run.tol is None else run.tol
    while epoch < run.epochs:
        count = min(chunk, run.epochs - epoch)
        orders = (np.concatenate([run.rng.permutation(n) for _ in range(count)])
                  if run.shuffle else np.arange(n))
        losses, _ = kernel.epochs(count, orders, RUNNING if run.running else EXACT,
                                  (tol, run.patience, stopping.stalled, stopping.previous))
        if not run.callbacks and _record_all(history, stopping, run, losses):
            epoch += len(losses)
            continue
        for current in losses:
            epoch += 1
            if not math.isfinite(current):          # the kernel put the parameters back
                raise _diverged(net, run, history, epoch, current)
            history.add_epoch(epoch, current, metrics={}, val_loss=None, val_metrics=None)
            if any(cb(epoch, history) for cb in run.callbacks):
                history.stop_reason = "callback"
                return
            if stopping.stops(epoch, current, None):
                return


def _record_all(history: History, stopping: StoppingRule, run: _Run,
                losses: list[float]) -> bool:
    """The losses of epochs that ran to the end, recorded at once when nothing depends on
    each one but the list (no ``tol``, no thinning): what ``add_epoch`` and ``stops``
    would leave, one epoch at a time. False (nothing done) otherwise."""
    if (run.tol is not None or history.recorded_epochs or not losses
            or len(history.loss) + len(losses) >= MAX_KEPT_EPOCHS
            or not all(map(math.isfinite, losses))):
        return False
    history.loss.extend(losses)
    stopping.previous = losses[-1]
    return True


def _batches(net: Network, run: _Run, epoch: int) -> float | None:
    """One epoch: a gradient-descent step on each batch of rows, in order (or shuffled);
    the mean of the batch losses when ``run.running`` (else None)."""
    n, size, params = run.X.shape[0], run.batch_size, run.params
    order = run.rng.permutation(n) if run.shuffle else None
    wanted = bool(run.batch_callbacks) or run.running
    total = 0.0
    # A diverging run overflows on its way to inf; it is caught after the epoch, by name.
    with np.errstate(over="ignore", invalid="ignore"):
        for batch, start in enumerate(range(0, n, size), start=1):
            rows = slice(start, start + size) if order is None else order[start:start + size]
            # the batch loss is computed only when a batch callback or the running mean
            # asks for it
            step = backprop(net.layers, run.X[rows], run.T[rows], run.loss_fn, record=wanted)
            n_rows = step.X.shape[0]
            if wanted:
                batch_loss = step.loss + l2_penalty(params, run.alpha, n_rows)  # before update
                total += batch_loss
            run.opt.step(params, l2_gradients(step.gradients(), params, run.alpha, n_rows))
            for cb in run.batch_callbacks:
                cb(epoch, batch, run.n_batches, batch_loss)
    return total / run.n_batches if run.running else None


def _end_of_epoch(net: Network, run: _Run, history: History, epoch: int,
                  snapshot: Params, running: float | None = None) -> tuple[float, float | None]:
    """The epoch's loss (and validation loss), recorded; a TrainingError, with the
    parameters of the epoch before put back, if either is not finite. ``running``: the
    mean of the epoch's batch losses, the epoch's loss with ``run.running`` (no pass over
    the rows then, but for the metrics' outputs)."""
    val_loss = y_hat_val = None
    with np.errstate(over="ignore", invalid="ignore"):
        if running is None:
            current, y_hat = _objective(net, run.X, run.T, run.loss_fn, run.alpha,
                                        bool(run.metrics))
        else:   # the batch losses came before the updates: the parameters must be finite too
            current = running if _finite(run.params) else math.nan
            y_hat = outputs(net.layers, run.X) if run.metrics else None
        if run.X_val is not None and run.T_val is not None:
            val_loss, y_hat_val = _objective(net, run.X_val, run.T_val, run.loss_fn, 0.0,
                                             bool(run.metrics))
    if not np.isfinite(current) or (val_loss is not None and not np.isfinite(val_loss)):
        net.set_params(snapshot)
        raise _diverged(net, run, history, epoch, current)
    history.add_epoch(   # at most MAX_KEPT_EPOCHS kept in memory: an endless run is bounded
        epoch, current, metrics={name: METRICS[name](run.T, y_hat) for name in run.metrics},
        val_loss=val_loss,
        val_metrics=None if val_loss is None else {name: METRICS[name](run.T_val, y_hat_val)
                                                   for name in run.metrics})
    return current, val_loss


def _finite(params: Params) -> bool:
    """Whether every parameter is a finite number."""
    return all(bool(np.isfinite(p).all()) for p in params.values())


def _diverged(net: Network, run: _Run, history: History, epoch: int,
              current: float) -> TrainingError:
    """The error of a run whose loss became non-finite in ``epoch`` (parameters put back)."""
    return TrainingError(
        f"the loss became non-finite ({current}) in epoch {epoch}. "
        f"The parameters after epoch {epoch - 1} were kept. "
        + (f"The loss before training was already {history.initial_loss:.3g}. "
           f"{too_large(net, run.X, run.T)}"
           if history.initial_loss > HUGE_LOSS else
           f"Try a smaller learning rate than {run.opt.learning_rate}."))


def _objective(net: Network, X: FloatArray, T: FloatArray, loss: str | Loss, alpha: float,
               with_output: bool = True) -> tuple[float, FloatArray | None]:
    """The mean loss (plus the L2 penalty) over all of ``X``, and ``y_hat`` (None
    without ``with_output``: the loss alone, the same number, is a cheaper pass)."""
    if with_output:   # in blocks of rows: bounded memory
        value, y_hat = loss_and_output(net.layers, X, T, loss)
    else:
        value, y_hat = mean_loss(net.layers, X, T, loss), None
    return value + l2_penalty(net.params(), alpha, X.shape[0]), y_hat
