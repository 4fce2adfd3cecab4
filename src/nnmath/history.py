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

    def to_dict(self) -> dict:
        return {"loss": list(self.loss), "initial_loss": self.initial_loss,
                "epochs": self.epochs, "stop_reason": self.stop_reason,
                "settings": dict(self.settings), "val_loss": list(self.val_loss),
                "metrics": {k: list(v) for k, v in self.metrics.items()},
                "val_metrics": {k: list(v) for k, v in self.val_metrics.items()},
                "best_epoch": self.best_epoch}
