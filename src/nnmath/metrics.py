"""Metrics a clinician (or anyone) reads off a classifier or a regressor.

Binary problems: the positive class is 1 (in the PSA data, Cancer). A sample
is predicted positive when its score (``P(class 1)``) is at least
``threshold`` (default 0.5).

::

                      predicted 0   predicted 1
        actual 0          TN            FP
        actual 1          FN            TP

    sensitivity = recall = TP / (TP + FN)      specificity = TN / (TN + FP)
    precision   = TP / (TP + FP)               F1 = 2 PR / (P + R)

>>> y = [1, 1, 1, 0, 0, 0]
>>> score = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1]
>>> confusion_matrix(y, predict_binary(score))
array([[2, 1],
       [1, 2]])
>>> round(sensitivity(y, predict_binary(score)), 4), round(specificity(y, predict_binary(score)), 4)
(0.6667, 0.6667)
>>> round(roc_auc(y, score), 4)
0.8889

**By name** (what ``History`` records per epoch and ``fit(metrics=...)`` asks for):
each metric in :data:`METRICS` takes ``T`` and ``y_hat``, both of shape
(n_samples, n_outputs):

- ``accuracy``: the predicted class is ``argmax(y_hat)`` for several outputs,
  ``y_hat >= 0.5`` for one output; the true class likewise from ``T``;
- ``mse``: mean of ``(y_hat - T)^2`` over all entries;
- ``r2``: coefficient of determination, averaged over outputs.

>>> metric("accuracy", np.array([[1.0], [0.0]]), np.array([[0.7], [0.6]]))
0.5
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError, DataError, must_be

__all__ = ["predict_binary", "accuracy", "confusion_matrix", "precision", "recall",
           "sensitivity", "specificity", "f1", "roc_curve", "roc_auc", "log_loss",
           "mean_squared_error", "mean_absolute_error", "root_mean_squared_error", "r2",
           "balanced_accuracy", "precision_recall_curve", "average_precision",
           "binary_report", "METRICS", "metric", "labels_of", "check_metrics"]


def _labels(y, name="y") -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise DataError(must_be(name, "a 1-D array of labels", f"shape {y.shape}"))
    return y


def predict_binary(score, threshold: float = 0.5) -> np.ndarray:
    """1 where ``score >= threshold``, else 0."""
    return (np.asarray(score, dtype=float) >= threshold).astype(int)


def accuracy(y_true, y_pred) -> float:
    """Fraction of labels predicted exactly."""
    y_true, y_pred = _labels(y_true), _labels(y_pred, "y_pred")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """``C[i, j]`` = number of samples of class ``i`` predicted as class ``j``."""
    y_true = _labels(y_true).astype(int)
    y_pred = _labels(y_pred, "y_pred").astype(int)
    k = n_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    C = np.zeros((k, k), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def _counts(y_true, y_pred):
    (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred, n_classes=2)
    return tn, fp, fn, tp


def _ratio(a, b) -> float:
    return float(a / b) if b else 0.0


def precision(y_true, y_pred) -> float:
    """TP / (TP + FP); 0 when nothing is predicted positive."""
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return _ratio(tp, tp + fp)


def recall(y_true, y_pred) -> float:
    """TP / (TP + FN), also called sensitivity."""
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return _ratio(tp, tp + fn)


sensitivity = recall


def specificity(y_true, y_pred) -> float:
    """TN / (TN + FP)."""
    tn, fp, fn, tp = _counts(y_true, y_pred)
    return _ratio(tn, tn + fp)


def f1(y_true, y_pred) -> float:
    """Harmonic mean of precision and recall."""
    p, r = precision(y_true, y_pred), recall(y_true, y_pred)
    return _ratio(2 * p * r, p + r)


def roc_curve(y_true, score):
    """False- and true-positive rates at every distinct threshold.

    Returns
    -------
    fpr, tpr, thresholds : ndarrays of the same length
        Thresholds in decreasing order, starting at ``inf`` (nothing
        positive: fpr = tpr = 0) and ending at the lowest score (everything
        positive: fpr = tpr = 1).
    """
    y_true = _labels(y_true).astype(int)
    score = np.asarray(score, dtype=float)
    positives, negatives = int(np.sum(y_true == 1)), int(np.sum(y_true == 0))
    if positives == 0 or negatives == 0:
        raise DataError(must_be("y_true", "made of both classes for a ROC curve",
                                sorted(set(y_true.tolist())), "Evaluate on data with both."))
    order = np.argsort(-score, kind="mergesort")
    score, y_sorted = score[order], y_true[order]
    last_of_each = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]
    tp = np.cumsum(y_sorted)[last_of_each]
    fp = (last_of_each + 1) - tp
    tpr = np.r_[0.0, tp / positives]
    fpr = np.r_[0.0, fp / negatives]
    return fpr, tpr, np.r_[np.inf, score[last_of_each]]


def roc_auc(y_true, score) -> float:
    """Area under the ROC curve (trapezoids; ties count one half)."""
    fpr, tpr, _ = roc_curve(y_true, score)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def log_loss(T, y_hat) -> float:
    """Mean cross-entropy of probabilities ``y_hat`` (n, k) against one-hot ``T`` (n, k).

    For one column it is the binary log loss of ``P(class 1)``.
    """
    T, y_hat = np.atleast_2d(np.asarray(T, float)), np.atleast_2d(np.asarray(y_hat, float))
    p = np.clip(y_hat, 1e-15, 1 - 1e-15)
    if p.shape[1] == 1:
        return float(-np.mean(T * np.log(p) + (1 - T) * np.log(1 - p)))
    return float(-np.mean(np.sum(T * np.log(p), axis=1)))


def mean_squared_error(y_true, y_pred) -> float:
    """Mean over all entries of ``(y_pred - y_true)^2``."""
    return float(np.mean((np.asarray(y_pred, float) - np.asarray(y_true, float)) ** 2))


def mean_absolute_error(y_true, y_pred) -> float:
    """Mean over all entries of ``|y_pred - y_true|`` (in the target's units).

    >>> mean_absolute_error([1.0, 3.0], [2.0, 3.0])
    0.5
    """
    return float(np.mean(np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float))))


def root_mean_squared_error(y_true, y_pred) -> float:
    """``sqrt(mean squared error)``, in the target's units (all outputs together)."""
    return float(np.sqrt(mean_squared_error(y_true, y_pred)))


def balanced_accuracy(y_true, y_pred, n_classes: int | None = None) -> float:
    """The mean over the classes present in ``y_true`` of the share of their rows
    predicted right (the recall of each class): 0.5 for a model that always says the
    majority class of two, whatever the imbalance.

    >>> balanced_accuracy([0, 0, 0, 1], [0, 0, 0, 0])
    0.5
    """
    y_true, y_pred = _labels(y_true).astype(int), _labels(y_pred, "y_pred").astype(int)
    recalls = [float(np.mean(y_pred[y_true == c] == c)) for c in np.unique(y_true)]
    return float(np.mean(recalls)) if recalls else float("nan")


def precision_recall_curve(y_true, score):
    """Precision and recall at every distinct threshold of ``score`` (highest first).

    Returns
    -------
    precision, recall, thresholds : ndarrays
        ``precision[i]``, ``recall[i]`` when the rows with ``score >= thresholds[i]``
        are predicted positive; ``recall`` rises to 1.
    """
    y_true = _labels(y_true).astype(int)
    score = np.asarray(score, dtype=float)
    positives = int(np.sum(y_true == 1))
    if positives == 0:
        raise DataError(must_be("y_true", "holding the positive class for a precision-recall "
                                "curve", sorted(set(y_true.tolist())), "Evaluate on data with "
                                "positive rows."))
    order = np.argsort(-score, kind="mergesort")
    score, y_sorted = score[order], y_true[order]
    last_of_each = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]
    tp = np.cumsum(y_sorted)[last_of_each]
    predicted = last_of_each + 1
    return tp / predicted, tp / positives, score[last_of_each]


def average_precision(y_true, score) -> float:
    """``Σ (R_i − R_{i−1}) P_i`` over the thresholds: the area under the precision-recall
    curve as a step function (scikit-learn's ``average_precision_score``).

    >>> round(average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]), 4)
    0.8333
    """
    precision_, recall_, _ = precision_recall_curve(y_true, score)
    return float(np.sum(np.diff(np.r_[0.0, recall_]) * precision_))


def r2(y_true, y_pred) -> float:
    """Coefficient of determination ``1 - SS_res / SS_tot`` (averaged over outputs)."""
    y_true = np.asarray(y_true, float).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, float).reshape(len(y_true), -1)
    ss_res = np.sum((y_true - y_pred) ** 2, axis=0)
    ss_tot = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0)
    scores = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1), 0.0)
    return float(np.mean(scores))


def binary_report(y_true, score, threshold: float = 0.5) -> dict:
    """Every binary metric at ``threshold``, as plain numbers."""
    y_pred = predict_binary(score, threshold)
    (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred, n_classes=2).tolist()
    report = {"threshold": threshold, "accuracy": accuracy(y_true, y_pred),
              "sensitivity": recall(y_true, y_pred), "specificity": specificity(y_true, y_pred),
              "precision": precision(y_true, y_pred), "f1": f1(y_true, y_pred),
              "confusion_matrix": [[tn, fp], [fn, tp]]}
    if len(set(np.asarray(y_true).tolist())) == 2:
        report["auc"] = roc_auc(y_true, score)
        report["average_precision"] = average_precision(y_true, score)
    return report


# -- metrics by name: outputs y_hat against targets T, both (n_samples, n_outputs) ----------

def labels_of(Y: np.ndarray) -> np.ndarray:
    """Class labels from one-hot rows (argmax) or one probability column (>= 0.5)."""
    Y = np.asarray(Y)
    return (Y[:, 0] >= 0.5).astype(int) if Y.shape[1] == 1 else np.argmax(Y, axis=1)


METRICS = {
    "accuracy": lambda T, y_hat: accuracy(labels_of(T), labels_of(y_hat)),
    "mse": mean_squared_error,
    "r2": r2,
}
"""The metrics ``History`` can record, by name: ``f(T, y_hat) -> float``."""


def check_metrics(names) -> tuple:
    """Metric names as a tuple (one name: a tuple of one), each a key of :data:`METRICS`."""
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


def metric(name: str, T, y_hat) -> float:
    """The metric ``name`` of outputs ``y_hat`` against targets ``T``."""
    return float(METRICS[check_metrics(name)[0]](T, y_hat))
