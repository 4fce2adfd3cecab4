"""How well a classifier does: the confusion matrix and the ROC curve.

The numbers come from :mod:`nnmath.metrics`; these functions only draw them.
"""

from __future__ import annotations

import numpy as np

from .. import metrics
from ._common import CLASS_COLORS, Drawing, new_axes, num

__all__ = ["confusion_plot", "roc_plot"]


def confusion_plot(y_true, y_pred, class_names=None, ax=None, title: str | None = None,
                   n_classes: int | None = None) -> Drawing:
    """``C[i, j]`` = rows of class ``i`` predicted as ``j``, as a grid of counts.

    Returns
    -------
    Drawing with ``artists``: ``matrix`` (the counts, from
    :func:`nnmath.metrics.confusion_matrix`), ``image``, ``counts`` ({(i, j): Text}).
    """
    if class_names is not None and n_classes is None:
        n_classes = len(class_names)
    C = metrics.confusion_matrix(y_true, y_pred, n_classes=n_classes)
    k = C.shape[0]
    names = list(class_names) if class_names is not None else [str(c) for c in range(k)]
    fig, ax = new_axes(ax, figsize=(1.3 * k + 2.4, 1.2 * k + 1.6))
    image = ax.imshow(C, cmap="Blues", vmin=0, vmax=max(int(C.max()), 1))
    counts = {}
    for i in range(k):
        for j in range(k):
            dark = C[i, j] > 0.6 * max(int(C.max()), 1)
            counts[(i, j)] = ax.text(j, i, str(int(C[i, j])), ha="center", va="center",
                                     fontsize=13, color="white" if dark else "#222222")
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    acc = metrics.accuracy(y_true, y_pred)
    ax.set_title(title or f"Confusion matrix (accuracy {num(acc, 4)})", fontsize=10)
    return Drawing(fig, ax, {"matrix": C, "image": image, "counts": counts})


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
                     label=f"{label} (AUC = {num(auc, 4)})")
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
