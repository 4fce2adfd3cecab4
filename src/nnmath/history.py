"""What training recorded: :class:`History`."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History"]


@dataclass
class History:
    """What training recorded, epoch by epoch.

    Attributes
    ----------
    loss : list of float
        The training objective over all training rows after each epoch
        (length = epochs run): the mean loss, plus the L2 penalty when
        ``alpha > 0`` (see :mod:`nnmath.regularization`).
    initial_loss : float
        The same before training.
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
    """

    loss: list = field(default_factory=list)
    initial_loss: float = float("nan")
    stop_reason: str = "epochs"
    settings: dict = field(default_factory=dict)
    val_loss: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    val_metrics: dict = field(default_factory=dict)
    best_epoch: int | None = None

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def kept_epoch(self) -> int:
        """The epoch whose parameters the network has after training: ``best_epoch``
        with early stopping (the best one was put back), else the last."""
        return self.best_epoch or self.epochs

    @property
    def kept_loss(self) -> float:
        """``loss`` after :attr:`kept_epoch` (``initial_loss`` if no epoch ran)."""
        return self.loss[self.kept_epoch - 1] if self.loss else self.initial_loss

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

    def __repr__(self) -> str:
        """Short: the epochs and the loss from start to end, not every value.

        >>> History(loss=[0.5, 0.25], initial_loss=1.0)
        History(epochs=2, loss 1 → 0.25, stop_reason='epochs')
        """
        def num(value):
            return f"{value:.6g}"

        parts = [f"epochs={self.epochs}", f"loss {num(self.initial_loss)} → "
                 f"{num(self.kept_loss) if self.loss else '–'}"]
        if self.val_loss:
            parts.append(f"val_loss → {num(self.val_loss[-1])}")
        parts.append(f"stop_reason={self.stop_reason!r}")
        if self.best_epoch:
            parts.append(f"best_epoch={self.best_epoch}")
        return f"History({', '.join(parts)})"

    def to_dict(self) -> dict:
        return {"loss": list(self.loss), "initial_loss": self.initial_loss,
                "epochs": self.epochs, "stop_reason": self.stop_reason,
                "settings": dict(self.settings), "val_loss": list(self.val_loss),
                "metrics": {k: list(v) for k, v in self.metrics.items()},
                "val_metrics": {k: list(v) for k, v in self.val_metrics.items()},
                "best_epoch": self.best_epoch}
