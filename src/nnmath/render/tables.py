"""The command line's tables (rich): metrics, confusion matrices, per-class scores, the
network summary and predictions, for ``nnmath train``, ``evaluate``, ``predict`` and
``summary``.

Like :mod:`nnmath.render.text` (whose :func:`~nnmath.render.text.rich_table` gives
them their look), these only lay out numbers that the engine,
:mod:`nnmath.inference` or :mod:`nnmath.summary` computed.
"""

from __future__ import annotations

import re

import numpy as np
from rich import box
from rich.table import Table

from .mathexpr import num
from .text import rich_table

__all__ = ["metrics_table", "positive_line", "confusion_table", "per_class_table", "summary_table",
           "predictions_table", "probability_text"]

_ROWS = [("loss", "loss (model's)"), ("log_loss", "log loss (p clipped to 1e-15)"),
         ("accuracy", "accuracy"), ("balanced_accuracy", "balanced accuracy"),
         ("sensitivity", "sensitivity (recall)"), ("specificity", "specificity"),
         ("precision", "precision"), ("f1", "F1"), ("auc", "ROC AUC"),
         ("average_precision", "average precision"), ("r2", "R²"), ("mae", "MAE"),
         ("rmse", "RMSE"), ("mse", "MSE"), ("n_samples", "samples")]


def metrics_table(reports: dict, title="metrics") -> Table:
    """One column per report (e.g. ``{"train": {...}, "test": {...}}``), one row per metric.

    The model's loss is its own (unclipped; on the standardised target when the model
    scales its target; weighted by its class weights when it records them); the log loss clips probabilities to [1e-15, 1 − 1e-15], as
    scikit-learn's does."""
    reports = {name: r for name, r in reports.items() if r is not None}
    table = rich_table(title, "metric", *reports, justify="right")
    scaled = any(r.get("target_scaled") for r in reports.values())
    weighted = any(r.get("class_weighted") for r in reports.values())
    for key, label in _ROWS:
        if key == "loss":
            label = "loss (model's, standardised target)" if scaled else \
                "loss (model's, class-weighted)" if weighted else \
                "loss (model's, unclipped)" if any("log_loss" in r for r in
                                                   reports.values()) else label
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
    table = rich_table(title, "actual \\ predicted", *names, justify="right")
    for name, row in zip(names, report["confusion_matrix"]):
        table.add_row(name, *[str(v) for v in row])
    return table


def per_class_table(report: dict, title="per class (one against the rest)") -> Table:
    table = rich_table(title, "class", "sensitivity", "specificity", "precision",
                       justify="right")
    for name, m in report["per_class"].items():
        table.add_row(name, *[num(m[k], 4) for k in ("sensitivity", "specificity", "precision")])
    return table


def summary_table(summary: dict, title="network") -> Table:
    """Keras-style: layer, output shape, parameters (W and b), activation."""
    from ..summary import COLUMNS, rows, totals

    table = rich_table(title, *COLUMNS, justify="right")
    for row in rows(summary):
        table.add_row(*row)
    table.caption = totals(summary)
    return table


def predictions_table(X, feature_names, prediction, width=80, threshold=None,
                      title="predictions"):
    """The predictions as tables that fit in ``width`` columns; no number is ever cut.

    Quantities: the inputs (one per feature), then ``P(class)`` for every class and
    ``predicted`` (classification) or ``ŷ`` (regression). The first layout that fits:

    1. one row per sample, a column per quantity (few features);
    2. one row per quantity, a column per sample, in at most ``MAX_BLOCKS`` tables of
       as many samples as fit (a wide model, a few samples);
    3. one row per sample with the outputs only: the inputs are left out, and a
       line says so (a wide model and many samples);
    4. as 2, in as many tables as it takes.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        The raw inputs (as given, before the model's scaling).
    feature_names : sequence of str, length n_features
    prediction : nnmath.inference.Prediction
        For the same rows.
    width : int, default 80
        The terminal's width in characters.
    threshold : float, optional
        Two classes only: the decision threshold (default 0.5), stated below the table.
    title : str, default "predictions"

    Returns
    -------
    rich.console.Group
        Titles, tables and notes.

    Examples
    --------
    >>> from rich.console import Console
    >>> from nnmath.article import network_b
    >>> from nnmath.inference import predict
    >>> net = network_b()
    >>> net.info = {"class_names": ["Healthy", "Cancer"]}
    >>> console = Console(width=80, color_system=None)
    >>> table = predictions_table([[2.0], [0.5]], ["psa"], predict(net, [[2.0], [0.5]]))
    >>> console.print(table)   # doctest: +NORMALIZE_WHITESPACE
    predictions
     #   psa   P(Healthy)   P(Cancer)   predicted
    ──────────────────────────────────────────────
     1     2        0.675       0.325   Healthy
     2   0.5        0.637       0.363   Healthy
    predicted Cancer when P(Cancer) ≥ 0.5
    """
    from rich.console import Group
    from rich.text import Text

    from ..textsafe import visible

    rows = [list(x) for x in X] if not isinstance(X, np.ndarray) or X.dtype == object \
        else np.asarray(X, dtype=float).reshape(len(X), -1).tolist()
    inputs = [(visible(name), [_input(row[c]) for row in rows])       # widths as shown
              for c, name in enumerate(feature_names)]
    outputs = _output_cells(prediction)
    n = len(X)
    samples = [str(s + 1) for s in range(n)]
    notes = []
    if prediction.task == "classification" and len(prediction.class_names) == 2:
        positive = visible(prediction.class_names[1])
        notes.append(f"predicted {positive} when P({positive}) ≥ "
                     f"{num(0.5 if threshold is None else threshold)}")
    heading = Text(visible(title), style="bold")
    columns = [("#", samples), *inputs, *outputs]
    widths = _widths(columns, width)
    quantities = inputs + outputs
    blocks = [] if widths is not None else _blocks(quantities, samples, width)
    if widths is None and len(blocks) > MAX_BLOCKS:
        columns = [("#", samples), *outputs]
        widths = _widths(columns, width)
        if widths is not None:
            notes.append(f"The {len(inputs)} inputs of each sample do not fit in {width} "
                         "columns and are left out: --csv or --output FILE gives them too.")
    if widths is not None:
        parts = [heading, _by_sample(columns, widths)]
    else:
        parts = []
        for names_width, first, last in blocks:
            if len(blocks) > 1:
                shown = f"sample {first + 1}" if last == first + 1 else \
                    f"samples {first + 1}–{last}"
                heading = Text(f"{visible(title)}: {shown} of {n}", style="bold")
            parts += [heading, _by_quantity(quantities, len(inputs), samples, names_width,
                                            first, last)]
    return Group(*parts, *[Text(note) for note in notes])


MAX_BLOCKS = 4
"""Layout 2 (a column per sample) in at most this many tables, else the outputs only."""

_PAD = 3   # per column: one space either side, and one between columns


def _input(value) -> str:
    """An input cell as read: a number, a category's text, NA for a missing value."""
    if value is None or isinstance(value, float) and value != value:
        return "NA"
    return str(value) if isinstance(value, str) else num(value)


def probability_text(p: float) -> str:
    """A probability with 4 significant digits, never in exponent notation: 4 decimals
    below 0.001, and ``<0.0001`` or ``>0.9999`` at the ends (an overconfident model's
    4.265e-19 says no more than "almost 0").

    >>> probability_text(0.675), probability_text(4.265e-19), probability_text(1 - 1e-12)
    ('0.675', '<0.0001', '>0.9999')
    >>> probability_text(8.794e-05)
    '0.0001'
    """
    if p < 5e-5:
        return "<0.0001" if p > 0 else "0"
    if p < 1e-3:
        return f"{p:.4f}"
    if p > 1 - 5e-5:
        return ">0.9999" if p < 1 else "1"
    return num(p, 4)


def _output_cells(prediction):
    if prediction.task == "regression":
        k = prediction.y_hat.shape[1]
        return [(f"ŷ{j + 1}" if k > 1 else "ŷ", [num(v) for v in column])
                for j, column in enumerate(prediction.y_hat.T)]
    from ..textsafe import visible

    return [*[(f"P({visible(name)})", [probability_text(v) for v in column]) for name, column in
              zip(prediction.class_names, prediction.probabilities.T)],
            ("predicted", [visible(label) for label in prediction.labels])]


def _widths(columns, width):
    """Column widths for ``[(header, cells), ...]`` that fit ``width``, else None.

    A column is at least as wide as its longest cell and its header's longest word;
    spare room unwraps headers, the shortest first.
    """
    least = [max([len(c) for c in cells] + [_least(header)]) for header, cells in columns]
    spare = width + 1 - sum(w + _PAD for w in least)
    if spare < 0:
        return None
    widths = list(least)
    for j in sorted(range(len(columns)), key=lambda j: len(columns[j][0]) - least[j]):
        grow = len(columns[j][0]) - widths[j]
        if 0 < grow <= spare:
            widths[j] += grow
            spare -= grow
    return widths


def _plain_table():
    return Table(box=box.SIMPLE_HEAD, show_edge=False)


def _parts(text) -> list:
    """The words of a name, each cut after ``_``, ``/`` or ``-`` (``od280/od315_of_...``)."""
    return [re.findall(r"[^_/-]*[_/-]|[^_/-]+", word) for word in text.split()]


def _least(text) -> int:
    """The narrowest a name can be wrapped to: its longest unbreakable part."""
    return max((len(part) for word in _parts(text) for part in word), default=0)


def _wrap(text, width) -> str:
    """``text`` on lines of at most ``width`` characters (if its parts fit), breaking
    between words or after ``_``, ``/``, ``-``.

    >>> print(_wrap("od280/od315_of_diluted_wines", 12))
    od280/od315_
    of_diluted_
    wines
    >>> _wrap("mean concave points", 12).splitlines()
    ['mean concave', 'points']
    """
    lines = [""]
    for word in _parts(text):
        for k, part in enumerate(word):
            joined = lines[-1] + (" " if k == 0 and lines[-1] else "") + part
            if len(joined) <= width or not lines[-1]:
                lines[-1] = joined
            else:
                lines.append(part)
    return "\n".join(lines)


def _column(table, header, width, left=False):
    table.add_column(_wrap(header, width) or header,
                     justify="left" if left else "right", overflow="fold", min_width=width,
                     max_width=width)


def _by_sample(columns, widths):
    table = _plain_table()
    for j, ((header, _), w) in enumerate(zip(columns, widths)):
        _column(table, header, w, left=j == 0 or header == "predicted")
    for row in zip(*[cells for _, cells in columns]):
        table.add_row(*row)
    return table


def _blocks(quantities, samples, width):
    """``[(names_width, first, last), ...]``: the samples ``first:last`` of each table."""
    names = ["sample"] + [name for name, _ in quantities]
    longest = max(len(name) for name in names)
    words = max(_least(name) for name in names)
    sample_widths = [max([len(samples[s])] + [len(cells[s]) for _, cells in quantities])
                     for s in range(len(samples))]
    names_width = max(words, min(longest, width - _PAD - max(sample_widths) - _PAD + 1))
    blocks, first = [], 0
    while first < len(samples):
        used, last = names_width + _PAD - 1, first
        while last < len(samples) and (last == first or
                                       used + sample_widths[last] + _PAD <= width):
            used += sample_widths[last] + _PAD
            last += 1
        blocks.append((names_width, first, last))
        first = last
    return blocks


def _by_quantity(quantities, n_inputs, samples, names_width, first, last):
    table = _plain_table()
    _column(table, "sample", names_width, left=True)
    for s in range(first, last):
        w = max([len(samples[s])] + [len(cells[s]) for _, cells in quantities])
        _column(table, samples[s], w)
    for i, (name, cells) in enumerate(quantities):
        table.add_row(_wrap(name, names_width), *cells[first:last],
                      end_section=i == n_inputs - 1)
    return table
