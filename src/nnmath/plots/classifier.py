"""How well a classifier does: the confusion matrix and the ROC curve.

The numbers come from :mod:`nnmath.metrics`; these functions only draw them.
"""

from __future__ import annotations

import numpy as np

from .. import metrics
from ..errors import ConfigError, must_be
from ..render.mathexpr import num
from .figure import CLASS_COLORS, Drawing, as_label, as_labels, new_axes

__all__ = ["confusion_plot", "roc_plot", "MAX_CLASSES"]

MAX_CLASSES = 50          # a confusion matrix of more classes is refused (unreadable)
MAX_COUNTS_SHOWN = 20     # counts are written in the cells up to this many classes
MAX_SIDE = 11.0           # inches: the largest figure side


def confusion_plot(y_true, y_pred, class_names=None, ax=None, title: str | None = None,
                   n_classes: int | None = None) -> Drawing:
    """``C[i, j]`` = rows of class ``i`` predicted as ``j``, as a grid of counts.

    Bounded for many classes: the figure is at most :data:`MAX_SIDE` inches
    wide, the counts are written only up to :data:`MAX_COUNTS_SHOWN` classes
    (the colours still show them), and more than :data:`MAX_CLASSES` classes
    is an error (a grid that large cannot be read; ``nnmath evaluate --json``
    lists the counts).

    Returns
    -------
    Drawing with ``artists``: ``matrix`` (the counts, from
    :func:`nnmath.metrics.confusion_matrix`), ``image``, ``counts`` ({(i, j): Text},
    empty when not written).
    """
    if class_names is not None and n_classes is None:
        n_classes = len(class_names)
    k = n_classes or _n_labels(y_true, y_pred)
    if k > MAX_CLASSES:   # before the matrix is made: bounded time and memory
        raise ConfigError(must_be("the classes of a confusion matrix", f"at most {MAX_CLASSES} "
                                  "to be drawn", f"{k} classes", "Use 'nnmath evaluate --json' "
                                  "for the counts."))
    C = metrics.confusion_matrix(y_true, y_pred, n_classes=n_classes)
    k = C.shape[0]
    names = as_labels(class_names) if class_names is not None else [str(c) for c in range(k)]
    side = min(MAX_SIDE, 1.3 * k + 2.4)
    fig, ax = new_axes(ax, figsize=(side, min(MAX_SIDE, 1.2 * k + 1.6)))
    image = ax.imshow(C, cmap="Blues", vmin=0, vmax=max(int(C.max()), 1))
    counts = {}
    if k <= MAX_COUNTS_SHOWN:
        size = 13 if k <= 6 else max(6, 13 - 0.5 * (k - 6))
        for i in range(k):
            for j in range(k):
                dark = C[i, j] > 0.6 * max(int(C.max()), 1)
                counts[(i, j)] = ax.text(j, i, str(int(C[i, j])), ha="center", va="center",
                                         fontsize=size, color="white" if dark else "#222222")
    tick = 10 if k <= 10 else max(5, 10 - (k - 10) / 6)
    ax.set_xticks(range(k), names, fontsize=tick, rotation=90 if k > 10 else 0)
    ax.set_yticks(range(k), names, fontsize=tick)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    acc = metrics.accuracy(y_true, y_pred)
    note = "" if counts else " (counts: the colour scale)"
    ax.set_title(title or f"Confusion matrix (accuracy {num(acc, 4)}){note}", fontsize=10)
    if not counts:
        fig.colorbar(image, ax=ax, label="rows")
    return Drawing(fig, ax, {"matrix": C, "image": image, "counts": counts})


def _n_labels(y_true, y_pred) -> int:
    top = max(np.max(np.asarray(y_true, dtype=float), initial=0),
              np.max(np.asarray(y_pred, dtype=float), initial=0))
    return int(top) + 1 if np.isfinite(top) else MAX_CLASSES + 1


def pr_plot(y_true, score, ax=None, label: str = "network", title: str | None = None,
            threshold: float | None = 0.5) -> Drawing:
    """The precision–recall curve of scores ``score`` = P(class 1), with its average
    precision (the area under the steps), the share of positive rows (what a model that
    guesses reaches) and the point of ``threshold``.

    Returns
    -------
    Drawing with ``artists``: ``curve``, ``average_precision``, ``baseline``, ``point``,
    ``precision``, ``recall``.
    """
    precision, recall, _ = metrics.precision_recall_curve(y_true, score)
    ap = metrics.average_precision(y_true, score)
    base = float(np.mean(np.asarray(y_true) == 1))
    fig, ax = new_axes(ax, figsize=(4.6, 4.4))
    baseline = ax.axhline(base, color="#aaaaaa", lw=1, ls=":",
                          label=f"share of positives ({num(base, 3)})")
    curve, = ax.step(np.r_[0.0, recall], np.r_[precision[0], precision], where="pre",
                     color=CLASS_COLORS[2], lw=2,
                     label=f"{label} (average precision = {num(ap, 4)})")
    point = None
    if threshold is not None:
        y_pred = metrics.predict_binary(score, threshold)
        point = ax.scatter([metrics.recall(y_true, y_pred)], [metrics.precision(y_true, y_pred)],
                           color=CLASS_COLORS[1], zorder=3, label=f"threshold {num(threshold)}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("recall (sensitivity)")
    ax.set_ylabel("precision")
    ax.set_title(title or "Precision–recall curve", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    return Drawing(fig, ax, {"curve": curve, "average_precision": ap, "baseline": baseline,
                             "point": point, "precision": precision, "recall": recall})


def roc_plot(y_true, score, ax=None, label: str = "network", title: str | None = None,
             threshold: float | None = 0.5) -> Drawing:
    """The ROC curve of scores ``score`` = P(class 1), with its area (AUC).

    The point of ``threshold`` (default 0.5, the usual decision) is marked.

    Returns
    -------
    Drawing with ``artists``: ``curve`` (Line2D through (fpr, tpr) of
    :func:`nnmath.metrics.roc_curve`), ``auc``, ``chance``, ``point``.
    """
    fpr, tpr, _ = metrics.roc_curve(y_true, score)
    auc = metrics.roc_auc(y_true, score)
    fig, ax = new_axes(ax, figsize=(4.6, 4.4))
    chance, = ax.plot([0, 1], [0, 1], color="#aaaaaa", lw=1, ls=":", label="chance")
    curve, = ax.plot(fpr, tpr, color=CLASS_COLORS[2], lw=2, drawstyle="default",
                     label=f"{as_label(label)} (AUC = {num(auc, 4)})")
    point = None
    if threshold is not None:
        y_pred = metrics.predict_binary(score, threshold)
        x = 1 - metrics.specificity(y_true, y_pred)
        point = ax.scatter([x], [metrics.sensitivity(y_true, y_pred)], color=CLASS_COLORS[1],
                           zorder=3, label=f"threshold {num(threshold)}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("false-positive rate (1 − specificity)")
    ax.set_ylabel("true-positive rate (sensitivity)")
    ax.set_title(title or "ROC curve", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return Drawing(fig, ax, {"curve": curve, "auc": auc, "chance": chance, "point": point,
                             "fpr": np.asarray(fpr), "tpr": np.asarray(tpr)})
