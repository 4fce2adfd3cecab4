"""Terminal tables (rich) for training, evaluation, prediction and summaries.

Like :mod:`nnmath.render.text`, these only lay out numbers that the engine,
:mod:`nnmath.inference` or :mod:`nnmath.summary` computed.
"""

from __future__ import annotations

from rich import box
from rich.table import Table

from .text import num

__all__ = ["metrics_table", "positive_line", "confusion_table", "per_class_table", "summary_table",
           "predictions_table"]

_ROWS = [("loss", "loss (model's)"), ("log_loss", "log loss"), ("accuracy", "accuracy"),
         ("sensitivity", "sensitivity (recall)"), ("specificity", "specificity"),
         ("precision", "precision"), ("f1", "F1"), ("auc", "ROC AUC"), ("mse", "MSE"),
         ("r2", "R²"), ("n_samples", "samples")]


def _table(title, *columns, justify="right"):
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold",
                  show_edge=False)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else justify)
    return table


def metrics_table(reports: dict, title="metrics") -> Table:
    """One column per report (e.g. ``{"train": {...}, "test": {...}}``), one row per metric."""
    reports = {name: r for name, r in reports.items() if r is not None}
    table = _table(title, "metric", *reports)
    for key, label in _ROWS:
        if any(key in r for r in reports.values()):
            table.add_row(label, *[_cell(r.get(key)) for r in reports.values()])
    return table


def positive_line(report: dict) -> str | None:
    """What the two-class metrics are about, in words (None for other models).

    >>> positive_line({"positive_class": "Cancer", "threshold": 0.5})
    'positive class: Cancer (class 1). Sensitivity = the share of Cancer rows found; a row is predicted Cancer when P(Cancer) ≥ 0.5.'
    """
    if "threshold" not in report:
        return None
    positive = report.get("positive_class", "1")
    return (f"positive class: {positive} (class 1). Sensitivity = the share of {positive} rows "
            f"found; a row is predicted {positive} when P({positive}) ≥ "
            f"{num(report['threshold'])}.")


def _cell(value):
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else num(value, 4)


def confusion_table(report: dict, title="confusion matrix") -> Table:
    """Rows: actual class; columns: predicted class."""
    names = report["class_names"]
    table = _table(title, "actual \\ predicted", *names)
    for name, row in zip(names, report["confusion_matrix"]):
        table.add_row(name, *[str(v) for v in row])
    return table


def per_class_table(report: dict, title="per class (one against the rest)") -> Table:
    table = _table(title, "class", "sensitivity", "specificity", "precision")
    for name, m in report["per_class"].items():
        table.add_row(name, *[num(m[k], 4) for k in ("sensitivity", "specificity", "precision")])
    return table


def summary_table(summary: dict, title="network") -> Table:
    """Keras-style: layer, output shape, parameters (W and b), activation."""
    from ..summary import COLUMNS, rows, totals

    table = _table(title, *COLUMNS)
    for row in rows(summary):
        table.add_row(*row)
    table.caption = totals(summary)
    return table


def predictions_table(X, feature_names, prediction) -> Table:
    """One row per sample: inputs, probabilities (or outputs), predicted class."""
    if prediction.task == "regression":
        outs = [f"ŷ{j + 1}" if prediction.y_hat.shape[1] > 1 else "ŷ"
                for j in range(prediction.y_hat.shape[1])]
        table = _table("predictions", *feature_names, *outs)
        for x, y_hat in zip(X, prediction.y_hat):
            table.add_row(*[num(v) for v in x], *[num(v) for v in y_hat])
        return table
    table = _table("predictions", *feature_names,
                   *[f"P({name})" for name in prediction.class_names], "predicted")
    for x, p, label in zip(X, prediction.probabilities, prediction.labels):
        table.add_row(*[num(v) for v in x], *[num(v, 4) for v in p], label)
    return table
