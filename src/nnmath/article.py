"""The article "The Math Behind a Neural Network", computed end to end.

Three parts, in the article's order:

1. **Network A**: 1 input (PSA) -> 2 softmax outputs (Healthy, Cancer),
   trained on the 14 PSA rows with cross-entropy, full-batch gradient
   descent (learning rate 0.5) *until the loss stops improving*: training
   stops once the loss over all rows has improved by less than ``1e-12`` for
   10 epochs in a row (at most 100 000 epochs). Then P(cancer | PSA 2.0).
2. **Network B**: 1-1-1 sigmoid, w1 = 0.5, b1 = 0, w2 = -1, b2 = 0; one
   step on PSA 2.0, target 0, SSR loss, learning rate 0.1, every number
   recorded (:func:`nnmath.explain`).
3. **Scaling up**: network B trained per-sample, in row order, over all 14
   rows for ``epochs_b`` epochs (learning rate 0.1, SSR).

Nothing here prints; the CLI renders :class:`ArticleRun`.

>>> run = run_article(epochs_b=1)
>>> round(run.b_step.loss, 6), run.a_class
(0.0528, 'Healthy')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import datasets
from .layers import Dense
from .network import Network
from .trace import Trace, explain

if TYPE_CHECKING:   # only named in annotations: training loads when network A trains
    from .history import History

__all__ = ["network_a", "network_a_trained", "network_b", "run_article", "ArticleRun", "PSA_TEST"]

PSA_TEST = 2.0
A_LEARNING_RATE, A_TOL, A_PATIENCE, A_MAX_EPOCHS = 0.5, 1e-12, 10, 100_000
B_LEARNING_RATE, B_EPOCHS = 0.1, 2000


def network_a(seed: int = 0) -> Network:
    """Network A before training: 1 input -> 2 softmax outputs, weights from ``seed``."""
    return Network.random([1, 2], activation="softmax", seed=seed)


def network_a_trained(seed: int = 0) -> Network:
    """Network A trained as in the article (see the module's stopping rule)."""
    return _train_a(network_a(seed))[0]


def _train_a(net: Network):
    data = datasets.psa()
    history = net.fit(data.X, data.targets(2), loss="cross_entropy",
                      learning_rate=A_LEARNING_RATE, epochs=A_MAX_EPOCHS, batch_size=None,
                      tol=A_TOL, patience=A_PATIENCE)
    return net, history


def network_b() -> Network:
    """Network B as the article starts it: w1 = 0.5, b1 = 0, w2 = -1, b2 = 0, sigmoid."""
    return Network([Dense(W=[[0.5]], b=[0.0], activation="sigmoid"),
                    Dense(W=[[-1.0]], b=[0.0], activation="sigmoid")])


@dataclass(frozen=True)
class ArticleRun:
    """Everything the article computes, as the engine computed it."""

    dataset: datasets.Dataset
    a_before: Network
    a: Network
    a_history: History
    a_probabilities: np.ndarray      # (2,) P(Healthy), P(Cancer) at PSA 2.0
    a_class: str
    a_cost_ssr: tuple                # (before, after) mean over rows of ½ Σ_j (y_hat_j - t_j)²
    b_step: Trace
    b: Network
    b_history: History
    b_predictions: np.ndarray        # (14,) y_hat of the trained network B
    b_accuracy: float
    b_cost_ssr: float

    def to_dict(self) -> dict:
        """One JSON-ready object with every number of the article."""
        step = self.b_step.to_dict()
        return {
            "dataset": {"psa": self.dataset.X[:, 0].tolist(), "y": self.dataset.y.tolist(),
                        "class_names": list(self.dataset.class_names)},
            "network_a": {
                "params_before": _lists(self.a_before.params()),
                "params": _lists(self.a.params()),
                "loss": "cross_entropy", "learning_rate": A_LEARNING_RATE,
                "stop_rule": f"loss improved by < {A_TOL:g} for {A_PATIENCE} epochs in a row",
                "epochs": self.a_history.epochs, "stop_reason": self.a_history.stop_reason,
                "cost_before": self.a_history.initial_loss,
                "cost_after": self.a_history.loss[-1],
                "cost_ssr_before": self.a_cost_ssr[0],
                "cost_ssr_after": self.a_cost_ssr[1],
                "x": PSA_TEST,
                "p_healthy": float(self.a_probabilities[0]),
                "p_cancer": float(self.a_probabilities[1]),
                "class": self.a_class,
            },
            "network_b_step": step,
            "network_b_training": {
                "loss": "ssr", "learning_rate": B_LEARNING_RATE,
                "epochs": self.b_history.epochs, "batch_size": 1,
                "loss_first_epoch": self.b_history.loss[0],
                "loss_last_epoch": self.b_history.loss[-1],
                "cost_before": self.b_history.initial_loss,
                "loss_curve": self.b_history.loss,
                "params": _lists(self.b.params()),
                "predictions": self.b_predictions.tolist(),
                "accuracy": self.b_accuracy,
                "cost_ssr": self.b_cost_ssr,
            },
        }


def run_article(epochs_b: int = B_EPOCHS, seed: int = 0, callbacks_b=()) -> ArticleRun:
    """Compute the whole article. ``callbacks_b`` see network B's epochs (progress)."""
    data = datasets.psa()

    a_before = network_a(seed)
    a, a_history = _train_a(a_before.copy())
    probabilities = a.forward([[PSA_TEST]])[0]

    step = explain(network_b(), [PSA_TEST], [0.0], loss="ssr", learning_rate=B_LEARNING_RATE)

    b = network_b()
    T_b = data.targets(1)
    b_history = b.fit(data.X, T_b, loss="ssr", learning_rate=B_LEARNING_RATE,
                      epochs=epochs_b, batch_size=1, callbacks=callbacks_b)
    y_hat = b.forward(data.X)[:, 0]
    accuracy = float(np.mean((y_hat >= 0.5) == (data.y == 1)))
    return ArticleRun(
        dataset=data, a_before=a_before, a=a, a_history=a_history,
        a_probabilities=probabilities,
        a_class=data.class_names[int(np.argmax(probabilities))],
        a_cost_ssr=tuple(net.loss(data.X, data.targets(2), "ssr") for net in (a_before, a)),
        b_step=step, b=b, b_history=b_history, b_predictions=y_hat,
        b_accuracy=accuracy, b_cost_ssr=b.loss(data.X, T_b, "ssr"))


def _lists(params: dict) -> dict:
    return {name: value.tolist() for name, value in params.items()}
