"""What training recorded: :class:`History`, and its record in a model file.

``nnmath train`` (:func:`nnmath.workflow.fit_dataset`) stores the history in
the model file under ``"history"`` (:meth:`History.record`), so
``nnmath plot loss --model`` and ``nnmath report --model`` draw how the model
was really trained instead of training a copy. The record holds at most
:data:`MAX_RECORDED_EPOCHS` epochs: a longer run is thinned evenly (the first,
the last and the best epoch always kept) and the record then names the epoch
of each value in ``"recorded_epochs"``::

    "history": {"initial_loss": 1.27, "loss": [0.9, 0.61, ...], "epochs": 200,
                "stop_reason": "epochs", "val_loss": [], "metrics": {"accuracy": [...]},
                "val_metrics": {}, "best_epoch": null}

>>> h = History(loss=[0.5, 0.25, 0.125], initial_loss=1.0, metrics={"r2": [0.1, 0.5, 0.7]})
>>> h.loss += [0.0625, 0.03125]
>>> h.metrics["r2"] += [0.8, 0.9]
>>> record = h.record(max_epochs=3)
>>> record["recorded_epochs"], record["loss"], record["epochs"]
([1, 3, 5], [0.5, 0.125, 0.03125], 5)
>>> back = History.from_dict(record)
>>> back.epochs, back.epoch_numbers(), back.metrics
(5, [1, 3, 5], {'r2': [0.1, 0.7, 0.9]})
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .checks import is_json_number, is_whole
from .errors import ModelFileError, got, must_be
from .jsonsafe import json_safe

__all__ = ["History", "MAX_RECORDED_EPOCHS", "MAX_KEPT_EPOCHS", "LOSS_KINDS"]

LOSS_KINDS = {
    "exact": "the cost over all training rows after each epoch",
    "running mean": "the running mean of the epoch's batch losses",
}
"""What ``History.loss`` holds (:attr:`History.loss_kind`), in words."""

MAX_RECORDED_EPOCHS = 10_000   # a model file records at most this many epochs (thinned evenly)
MAX_KEPT_EPOCHS = 100_000
"""The most epochs a History keeps in memory while training runs (:meth:`History.add_epoch`):
a longer run keeps every 2nd epoch, then every 4th, ... (always the first, the last and
the best one), so an endless run holds at most this many values per list."""


@dataclass
class History:
    """What training recorded, epoch by epoch.

    Attributes
    ----------
    loss : list of float
        The training objective after each epoch (length = epochs run), as
        :attr:`loss_kind` says: ``"exact"``, the mean loss over all training rows
        with the parameters at the epoch's end; ``"running mean"``, the mean of the
        epoch's batch losses, each computed by the step's own forward pass before its
        update (no extra pass over the data). Either plus the L2 penalty when
        ``alpha > 0`` (see :mod:`nnmath.regularization`).
    loss_kind : {"exact", "running mean"}
        Which of the two ``loss`` holds (:data:`LOSS_KINDS`;
        ``train(..., epoch_loss=...)`` chooses).
    initial_loss : float
        The exact loss over all training rows before training (either kind).
    stop_reason : str
        ``"epochs"`` (all epochs ran), ``"converged"`` (``tol`` reached on the
        training loss), ``"early_stopping"`` (the validation loss stopped
        improving; the best epoch's parameters were put back) or ``"callback"``.
    settings : dict
        The settings training ran with.
    val_loss : list of float
        Mean loss (no penalty) over the validation rows after each epoch
        (empty without validation data).
    metrics, val_metrics : dict of str -> list of float
        Each requested metric after each epoch, on the training and the
        validation rows.
    best_epoch : int or None
        With early stopping: the epoch (from 1) whose parameters were kept.
    recorded_epochs : list of int
        Empty when ``loss[e]`` is epoch ``e + 1`` (a History from training of at
        most :data:`MAX_KEPT_EPOCHS` epochs). A History read back from a thinned
        record (:meth:`from_dict`), or of a longer run, has the epoch of each value
        here; :meth:`epoch_numbers` gives them in both cases.
    """

    loss: list = field(default_factory=list)
    initial_loss: float = float("nan")
    stop_reason: str = "epochs"
    settings: dict = field(default_factory=dict)
    val_loss: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    val_metrics: dict = field(default_factory=dict)
    best_epoch: int | None = None
    recorded_epochs: list = field(default_factory=list)
    loss_kind: str = "exact"
    _stride: int = field(default=1, init=False, repr=False, compare=False)  # kept: its multiples

    def add_epoch(self, epoch: int, loss: float, metrics: Mapping[str, float] | None = None,
                  val_loss: float | None = None,
                  val_metrics: Mapping[str, float] | None = None) -> None:
        """Append what epoch ``epoch`` (from 1, one after the other) recorded.

        At most :data:`MAX_KEPT_EPOCHS` values are kept per list: beyond them the
        History keeps the epochs that ``stride`` divides (``stride`` doubles each time
        the lists fill up), the first, the best (:attr:`best_epoch`) and always the
        latest, and :attr:`recorded_epochs` names each value's epoch. The work is
        constant per epoch on average.

        >>> import nnmath.history as history
        >>> h = History()
        >>> history.MAX_KEPT_EPOCHS, saved = 4, history.MAX_KEPT_EPOCHS
        >>> for epoch in range(1, 12):
        ...     h.add_epoch(epoch, 1 / epoch)
        >>> history.MAX_KEPT_EPOCHS = saved
        >>> h.epochs, h.recorded_epochs, h.loss[-1] == 1 / 11
        (11, [1, 4, 8, 11], True)
        """
        given = [(self.loss, loss), (self.val_loss, val_loss)]
        given += [(self.metrics.setdefault(k, []), v) for k, v in (metrics or {}).items()]
        given += [(self.val_metrics.setdefault(k, []), v)
                  for k, v in (val_metrics or {}).items()]
        values = [(kept, value) for kept, value in given if value is not None]
        thinned = bool(self.recorded_epochs) or len(self.loss) >= MAX_KEPT_EPOCHS
        if thinned and not self.recorded_epochs:
            self.recorded_epochs = list(range(1, len(self.loss) + 1))
        if thinned and len(self.recorded_epochs) > 1 and \
                not self._lasting(self.recorded_epochs[-1]):
            for kept in [self.recorded_epochs] + [kept for kept, _ in values]:
                del kept[-1]     # the latest epoch so far, not one to keep: replaced
        for kept, value in values:
            kept.append(float(value))
        if thinned:
            self.recorded_epochs.append(int(epoch))
        if len(self.loss) > MAX_KEPT_EPOCHS:
            self._stride *= 2
            last = len(self.loss) - 1
            keep = [i for i, e in enumerate(self.recorded_epochs)
                    if self._lasting(e) or i == last]
            for kept in [self.recorded_epochs] + [kept for kept, _ in values]:
                kept[:] = [kept[i] for i in keep]

    def _lasting(self, epoch: int) -> bool:
        """True for an epoch the thinned History keeps for good."""
        return epoch == 1 or epoch % self._stride == 0 or epoch == self.best_epoch

    @property
    def epochs(self) -> int:
        """The number of epochs run."""
        return int(self.recorded_epochs[-1]) if self.recorded_epochs else len(self.loss)

    def epoch_numbers(self) -> list[int]:
        """The epoch (from 1) of each value of ``loss``."""
        return list(self.recorded_epochs) or list(range(1, len(self.loss) + 1))

    @property
    def kept_epoch(self) -> int:
        """The epoch whose parameters the network has after training: ``best_epoch``
        with early stopping (the best one was put back), else the last."""
        return self.best_epoch or self.epochs

    @property
    def kept_loss(self) -> float:
        """``loss`` after :attr:`kept_epoch` (``initial_loss`` if no epoch ran)."""
        if not self.loss:
            return self.initial_loss
        if not self.recorded_epochs:
            return self.loss[self.kept_epoch - 1]
        at = bisect_left(self.recorded_epochs, self.kept_epoch)   # always kept (record())
        return self.loss[min(at, len(self.loss) - 1)]

    def describe_loss(self) -> str:
        """What ``loss`` holds, in words (:data:`LOSS_KINDS`).

        >>> History(loss_kind="running mean").describe_loss()
        "the running mean of the epoch's batch losses"
        """
        return LOSS_KINDS.get(self.loss_kind, self.loss_kind)

    def describe_stop(self) -> str:
        """Why training stopped, in words.

        >>> History(loss=[0.3, 0.2], stop_reason="epochs").describe_stop()
        'all 2 epochs ran'
        >>> History(loss=[0.3, 0.2, 0.25], stop_reason="early_stopping", best_epoch=2,
        ...         settings={"patience": 1}).describe_stop()
        'stopped after epoch 3: the validation loss had not improved for 1 epoch; epoch 2 (the lowest validation loss) was kept'
        """
        patience = self.settings.get("patience")
        reason = {
            "epochs": f"all {self.epochs} epochs ran",
            "early_stopping": f"stopped after epoch {self.epochs}: the validation loss had not "
                              f"improved for {patience} epoch{'s' * (patience != 1)}",
            "converged": f"converged after epoch {self.epochs}: the loss had improved by less "
                         f"than {self.settings.get('tol')} for {patience} epochs",
            "callback": f"stopped by a callback after epoch {self.epochs}",
        }.get(self.stop_reason, f"stopped after epoch {self.epochs} ({self.stop_reason})")
        if self.best_epoch:
            reason += f"; epoch {self.best_epoch} (the lowest validation loss) was kept"
        return reason

    def _repr_html_(self) -> str:   # Jupyter: the loss curve inline (an SVG)
        from .render import notebook

        return notebook.history_html(self)

    def __repr__(self) -> str:
        """Short: the epochs and the loss from start to end, not every value.

        >>> History(loss=[0.5, 0.25], initial_loss=1.0)
        History(epochs=2, loss 1 → 0.25, stop_reason='epochs')
        >>> History(loss=[0.5, 0.25], initial_loss=1.0, loss_kind="running mean")
        History(epochs=2, loss 1 → 0.25, loss_kind='running mean', stop_reason='epochs')
        """
        def num(value):
            return f"{value:.6g}"

        parts = [f"epochs={self.epochs}", f"loss {num(self.initial_loss)} → "
                 f"{num(self.kept_loss) if self.loss else '–'}"]
        if self.loss_kind != "exact":
            parts.append(f"loss_kind={self.loss_kind!r}")
        if self.val_loss:
            parts.append(f"val_loss → {num(self.val_loss[-1])}")
        parts.append(f"stop_reason={self.stop_reason!r}")
        if self.best_epoch:
            parts.append(f"best_epoch={self.best_epoch}")
        return f"History({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        return {"loss": list(self.loss), "initial_loss": self.initial_loss,
                "epochs": self.epochs, "stop_reason": self.stop_reason,
                "settings": dict(self.settings), "val_loss": list(self.val_loss),
                "metrics": {k: list(v) for k, v in self.metrics.items()},
                "val_metrics": {k: list(v) for k, v in self.val_metrics.items()},
                "best_epoch": self.best_epoch, **self._kind(),
                **({"recorded_epochs": list(self.recorded_epochs)}
                   if self.recorded_epochs else {})}

    def _kind(self) -> dict[str, str]:
        """``{"loss_kind": ...}`` unless exact (a record without it is exact: the files
        written before the running mean existed, and every exact run's, stay as they were)."""
        return {} if self.loss_kind == "exact" else {"loss_kind": self.loss_kind}

    def record(self, max_epochs: int = MAX_RECORDED_EPOCHS,
               upto: int | None = None) -> dict[str, Any]:
        """The model file's ``"history"``: plain numbers, at most ``max_epochs`` of them.

        Parameters
        ----------
        max_epochs : int
            A longer run is thinned evenly to at most ``max_epochs`` values: the
            first and the last epoch and the best one (early stopping) are always
            kept, and ``"recorded_epochs"`` names the epoch of each value.
        upto : int, optional
            Only the epochs up to epoch ``upto`` (a checkpoint saved during training).
        """
        numbers = self.epoch_numbers()
        n = len(numbers) if upto is None else bisect_right(numbers, int(upto))
        numbers = numbers[:n]
        keep = list(range(n))
        max_epochs = max(int(max_epochs), 3)
        if n > max_epochs:   # evenly spread, with the first, the last and the best epoch
            best = {numbers.index(self.best_epoch)} if self.best_epoch in numbers else set()
            m = max_epochs - len(best)
            keep = sorted({round(i * (n - 1) / (m - 1)) for i in range(m)} | best)

        def pick(values):
            values = list(values)[:n]
            return [float(values[i]) for i in keep] if values else []

        out = {"initial_loss": json_safe(float(self.initial_loss)), "loss": pick(self.loss),
               "epochs": numbers[-1] if numbers else 0, "stop_reason": self.stop_reason,
               "val_loss": pick(self.val_loss),
               "metrics": {k: pick(v) for k, v in self.metrics.items()},
               "val_metrics": {k: pick(v) for k, v in self.val_metrics.items()},
               "best_epoch": self.best_epoch if self.best_epoch and self.best_epoch <= (
                   numbers[-1] if numbers else 0) else None, **self._kind()}
        if len(keep) < len(numbers) or self.recorded_epochs:
            out["recorded_epochs"] = [int(numbers[i]) for i in keep]
        return out

    @classmethod
    def from_dict(cls, data: Any, settings: dict[str, Any] | None = None) -> "History":
        """A History from a model file's ``"history"`` (or :meth:`to_dict`), validated.

        Raises
        ------
        ModelFileError
            Naming the first key that is not what :meth:`record` writes.
        """
        if not isinstance(data, dict):
            _fail("history", "an object with the loss after each epoch", data)
        loss = _numbers(data, "loss", required=True)
        n = len(loss)
        if n == 0:
            _fail("history.loss", "a non-empty list of numbers (the loss after each epoch)",
                  data["loss"])
        recorded = data.get("recorded_epochs") or []
        if recorded:
            if not (isinstance(recorded, list) and all(is_whole(e) and e >= 1 for e in recorded)
                    and all(b > a for a, b in zip(recorded, recorded[1:]))):
                _fail("history.recorded_epochs", "a list of increasing epoch numbers (from 1)",
                      recorded)
            if len(recorded) != n:
                _fail("history.recorded_epochs", f"one epoch number per loss value ({n})",
                      f"{len(recorded)} numbers")
        last = int(recorded[-1]) if recorded else n
        epochs = data.get("epochs", last)
        if not is_whole(epochs) or epochs != last:
            _fail("history.epochs", f"the number of epochs recorded ({last})", epochs)
        initial = data.get("initial_loss")
        if initial is not None and not is_json_number(initial):
            _fail("history.initial_loss", "a finite number or null", initial)
        val_loss = _numbers(data, "val_loss")
        if val_loss and len(val_loss) != n:
            _fail("history.val_loss", f"empty or one value per epoch recorded ({n})",
                  f"{len(val_loss)} values")
        metrics = {key: _metric_lists(data, key, n) for key in ("metrics", "val_metrics")}
        reason = data.get("stop_reason", "epochs")
        if not isinstance(reason, str):
            _fail("history.stop_reason", "a string such as 'epochs' or 'early_stopping'",
                  reason)
        best = data.get("best_epoch")
        if best is not None and not (is_whole(best) and 1 <= best <= last):
            _fail("history.best_epoch", f"null or an epoch from 1 to {last}", best)
        kind = data.get("loss_kind", "exact")   # files written before it: exact
        if kind not in LOSS_KINDS:
            _fail("history.loss_kind", f"one of {', '.join(map(repr, LOSS_KINDS))}", kind)
        if settings is None:
            settings = data.get("settings") if isinstance(data.get("settings"), dict) else {}
        return cls(loss=loss, initial_loss=float("nan") if initial is None else float(initial),
                   stop_reason=reason, settings=dict(settings), val_loss=val_loss,
                   metrics=metrics["metrics"], val_metrics=metrics["val_metrics"],
                   best_epoch=None if best is None else int(best),
                   recorded_epochs=[int(e) for e in recorded], loss_kind=kind)


def _fail(key, constraint, value):
    raise ModelFileError(must_be(f'"{key}"', constraint, got(value)))


def _numbers(data, key, required=False, where="history") -> list:
    if key not in data and not required:
        return []
    values = data.get(key)
    if not (isinstance(values, list) and all(is_json_number(v) for v in values)):
        _fail(f"{where}.{key}", "a list of finite numbers", values)
    return [float(v) for v in values]


def _metric_lists(data, key, n) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        _fail(f"history.{key}", "an object: metric name -> one value per epoch", value)
    out = {}
    for name, values in value.items():
        out[name] = _numbers(value, name, required=True, where=f"history.{key}")
        if len(out[name]) != n:
            _fail(f"history.{key}.{name}", f"one value per epoch recorded ({n})",
                  f"{len(out[name])} values")
    return out
