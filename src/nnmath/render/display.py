"""What Jupyter shows for a History, an evaluation and a Dataset: small HTML, no script.

The loss curve of a :class:`~nnmath.history.History` is an inline SVG drawn here from
the recorded numbers (no matplotlib, no file, no network access), so a notebook shows it
the moment a cell returns a History. Every number is one the engine recorded; this module
only lays them out (``%.6g``, as every other view writes them).

>>> from nnmath.history import History
>>> html = history_html(History(loss=[0.5, 0.25, 0.125], initial_loss=1.0))
>>> html.count("<polyline"), "all 3 epochs ran" in html, "<script" in html
(1, True, False)
"""

from __future__ import annotations

import math
from html import escape

__all__ = ["history_html", "evaluation_html", "dataset_html", "loss_svg", "DISPLAY_CSS"]

DISPLAY_CSS = (
    ".nnmath-display{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "color:#1b1f24;line-height:1.4}"
    ".nnmath-display table{border-collapse:collapse;margin:.4rem 0}"
    ".nnmath-display th,.nnmath-display td{border:1px solid #d0d7de;padding:.2rem .55rem;"
    "text-align:left}"
    ".nnmath-display th{background:#f3f5f7}"
    ".nnmath-display td.num{font-family:ui-monospace,monospace;text-align:right}"
    ".nnmath-display caption{font-weight:600;text-align:left}"
)
ROWS_SHOWN = 5          # a Dataset's first rows in its display
COLUMNS_SHOWN = 10     # and its first features (a wide table says how many it leaves out)
WIDTH, HEIGHT, PAD = 420, 220, 44


def _num(value) -> str:
    """``%.6g``, as the CLI and the explanations write numbers (None: a dash)."""
    if value is None:
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.6g}"
    return escape(str(value))


def _box(kind: str, title: str, *parts: str) -> str:
    return (f'<div class="nnmath-display nnmath-{kind}"><style>{DISPLAY_CSS}</style>'
            f"<strong>{escape(title)}</strong>" + "".join(parts) + "</div>")


def _table(columns, rows, caption: str = "") -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{_num(c)}</td>' if isinstance(c, (int, float)) and not
        isinstance(c, bool) else f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def loss_svg(epochs, series, label: str = "loss") -> str:
    """An inline SVG line chart: ``series`` is ``[(name, values, colour), ...]`` against
    ``epochs`` (the epoch of each value); non-finite values are left out.

    >>> svg = loss_svg([1, 2, 3], [("loss", [3.0, 2.0, 1.0], "#2f6fb5")])
    >>> svg.startswith("<svg") and 'points="' in svg
    True
    """
    finite = [v for _, values, _ in series for v in values if math.isfinite(v)]
    if not epochs or not finite:
        return ""
    lo, hi = min(finite), max(finite)
    hi = hi if hi > lo else lo + 1.0
    first, last = epochs[0], epochs[-1]
    span = (last - first) or 1

    def x(e):
        return PAD + (WIDTH - PAD - 10) * (e - first) / span

    def y(v):
        return HEIGHT - PAD + 14 - (HEIGHT - PAD - 4) * (v - lo) / (hi - lo)

    lines = []
    for name, values, colour in series:
        points = " ".join(f"{x(e):.1f},{y(v):.1f}" for e, v in zip(epochs, values)
                          if math.isfinite(v))
        lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{points}"><title>{escape(name)}</title></polyline>')
    bottom = HEIGHT - PAD + 14
    axes = (f'<line x1="{PAD}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="#57606a"/>'
            f'<line x1="{PAD}" y1="10" x2="{PAD}" y2="{bottom}" stroke="#57606a"/>'
            f'<text x="{PAD - 4}" y="{y(hi) + 4:.1f}" text-anchor="end">{_num(hi)}</text>'
            f'<text x="{PAD - 4}" y="{bottom}" text-anchor="end">{_num(lo)}</text>'
            f'<text x="{PAD}" y="{HEIGHT - 12}" text-anchor="middle">{first}</text>'
            f'<text x="{WIDTH - 10}" y="{HEIGHT - 12}" text-anchor="end">{last}</text>'
            f'<text x="{(PAD + WIDTH) / 2:.0f}" y="{HEIGHT - 12}" text-anchor="middle">'
            f"epoch</text>")
    legend = "".join(f'<text x="{WIDTH - 14}" y="{22 + 14 * k}" text-anchor="end" '
                     f'fill="{colour}">{escape(name)}</text>'
                     for k, (name, _, colour) in enumerate(series))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)} per epoch" '
            f'font-size="11" font-family="system-ui, sans-serif">{axes}{"".join(lines)}'
            f"{legend}</svg>")


def history_html(history) -> str:
    """A History: why it stopped, the loss from start to end, and the loss curve."""
    epochs = history.epoch_numbers()
    series = [("loss", history.loss, "#2f6fb5")]
    if len(history.val_loss) == len(history.loss) and history.val_loss:
        series.append(("val_loss", history.val_loss, "#d9822b"))
    rows = [("initial_loss", history.initial_loss),
            ("loss after the last epoch", history.loss[-1] if history.loss else None),
            ("loss_kind", f"{history.loss_kind}: {history.describe_loss()}")]
    if history.best_epoch:
        rows.append(("best_epoch", history.best_epoch))
    if history.val_loss:
        rows.append(("val_loss after the last epoch", history.val_loss[-1]))
    for name, values in history.metrics.items():
        if values:
            rows.append((f"{name} after the last epoch", values[-1]))
    title = f"History: {history.epochs} epochs, {history.describe_stop()}"
    return _box("history", title, loss_svg(epochs, series), _table(("", "value"), rows))


def evaluation_html(report) -> str:
    """What :func:`nnmath.inference.evaluate` (``nnmath evaluate``) computed."""
    scalars = [(key, value) for key, value in report.items()
               if isinstance(value, (int, float, str)) and key != "task"]
    parts = [_table(("metric", "value"), scalars)]
    names = report.get("class_names")
    if "confusion_matrix" in report and names:
        rows = [(f"actual {name}", *row) for name, row in zip(names, report["confusion_matrix"])]
        parts.append(_table(("", *(f"predicted {n}" for n in names)), rows,
                            "confusion matrix (rows: actual, columns: predicted)"))
    if report.get("per_class"):
        rows = [(name, m["sensitivity"], m["specificity"], m["precision"])
                for name, m in report["per_class"].items()]
        parts.append(_table(("class", "sensitivity", "specificity", "precision"), rows,
                            "each class against the rest"))
    title = f"Evaluation ({report.get('task', '')}, {report.get('n_samples', '?')} rows)"
    return _box("evaluation", title, *parts)


def dataset_html(data) -> str:
    """A Dataset: its size, names and task, the classes with their counts, the first rows."""
    n, n_features = data.X.shape
    facts = [("rows", n), ("features", n_features), ("target", data.target_name),
             ("task", data.task)]
    parts = [_table(("", ""), facts)]
    if data.task == "classification" and data.class_names:
        counts = [int((data.y == c).sum()) for c in range(len(data.class_names))]
        parts.append(_table(("label", "class", "rows"),
                            [(c, name, k) for c, (name, k) in
                             enumerate(zip(data.class_names, counts))], "classes"))
    shown, wide = min(n, ROWS_SHOWN), n_features > COLUMNS_SHOWN
    kept = list(data.feature_names[:COLUMNS_SHOWN])
    columns = [*kept, *(["…"] if wide else []), data.target_name]
    rows = []
    for s in range(shown):
        target = data.y[s]
        if data.task == "classification" and data.class_names:
            target = data.class_names[int(target)]
        elif hasattr(target, "tolist"):
            target = target.tolist()
        rows.append((*(float(v) for v in data.X[s, :len(kept)]), *(["…"] if wide else []),
                     target))
    left_out = f", {n_features - len(kept)} features left out" if wide else ""
    parts.append(_table(columns, rows, f"the first {shown} of {n} rows{left_out}"))
    return _box("dataset", f"Dataset {data.target_name!r}: {n} rows × {n_features} features",
                *parts)
