"""Terminal views (rich) of a Trace and of the article's run.

These functions only *read* numbers from a :class:`~nnmath.trace.Trace` or
:class:`~nnmath.article.ArticleRun` and lay them out; they compute no
derivative and no update.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .document import Eqs, Note, Para, array_text, is_math
from .document import Table as DocTable
from .explanation import explanation
from .mathexpr import Op, num, to_text

__all__ = ["num", "trace_view", "render_text", "document_view", "article_view"]


def _arr(a) -> str:
    return array_text(a)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title or None, box=box.SIMPLE_HEAD, title_justify="left",
                  title_style="bold", show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _cell(cell) -> Text:
    return Text(to_text(cell) if is_math(cell) else str(cell))   # Text: "[j]" is not markup


def _eq_lines(lines) -> list:
    """Equations, one per line; a line starting with "=" continues the one above,
    aligned under its first "="."""
    out, indent = [], 0
    for line in lines:
        text = to_text(line)
        if line and line[0] == Op("="):
            out.append(" " * indent + text)
        else:
            indent = max(text.find(" = ") + 1, 0)
            out.append(text)
    return out


def document_view(sections) -> Group:
    """Rich renderables for a list of :class:`~nnmath.render.document.Section`."""
    parts = []
    for section in sections:
        parts.append(Text(""))
        parts.append(Rule(Text(section.title, style="bold"), align="left"))
        for block in section.blocks:
            if isinstance(block, Para):
                parts.append(Text(block.text, style="bold" if block.text.startswith(
                    ("Layer ", "Output layer")) else ""))
            elif isinstance(block, Eqs):
                parts.append(Text("\n".join("  " + line for line in _eq_lines(block.lines))))
            elif isinstance(block, Note):
                style = "bold yellow" if block.level == "warning" else "italic"
                mark = "⚠ " if block.level == "warning" else ""
                parts.append(Text(mark + block.text, style=style))
            elif isinstance(block, DocTable):
                table = _table(block.title, *block.columns)
                for row in block.rows:
                    table.add_row(*(_cell(c) for c in row))
                parts.append(table)
    return Group(*parts)


def trace_view(trace) -> Group:
    """The step as the article lays it out: forward, loss, chain rule, gradients,
    update, forward after (and warnings and the gradient check when present)."""
    return document_view(explanation(trace))


def render_text(trace, width: int = 80) -> str:
    """The explanation as plain text (no colours), ``width`` columns wide.

    >>> from nnmath import explain
    >>> from nnmath.article import network_b
    >>> text = render_text(explain(network_b(), [2.0], [0.0]))
    >>> "dL/dw1 = dL/dy_hat·dy_hat/dz2·dz2/da1·da1/dz1·dz1/dw1" in text
    True
    """
    console = Console(width=width, record=True, file=io.StringIO(), highlight=False,
                      color_system=None)
    console.print(trace_view(trace))
    return console.export_text()


def article_view(run) -> list:
    """The article, section by section, as rich renderables."""
    from ..article import A_LEARNING_RATE, A_PATIENCE, A_TOL, B_LEARNING_RATE, PSA_TEST

    out = []
    out.append(Panel.fit("The Math Behind a Neural Network — every number computed by nnmath",
                         style="bold"))
    out.append(Text("A neuron: z = w·x + b (weighted sum plus bias), a = sigmoid(z) = "
                    "1 / (1 + e^−z)."))

    data = run.dataset
    table = _table("The PSA dataset (14 patients)", "#", "status", "PSA (ng/mL)", "y")
    for i, (x, y) in enumerate(zip(data.X[:, 0], data.y), start=1):
        table.add_row(str(i), data.class_names[y], f"{x:.1f}", str(int(y)))
    out.append(table)

    a = run.a_history
    table = _table(f"Network A: 1 input → 2 softmax outputs, cross-entropy, full batch, "
                   f"η = {num(A_LEARNING_RATE)}", "quantity", "value")
    for name, value in run.a.params().items():
        table.add_row(f"trained {name}", _arr(value))
    table.add_row("epochs", f"{a.epochs} ({a.stop_reason}: loss improved by < {A_TOL:g} "
                  f"for {A_PATIENCE} epochs)")
    table.add_row("cost over all samples (cross-entropy), before", num(a.initial_loss))
    table.add_row("cost over all samples (cross-entropy), after", num(a.loss[-1]))
    table.add_row("cost over all samples (ssr), before", num(run.a_cost_ssr[0]))
    table.add_row("cost over all samples (ssr), after", num(run.a_cost_ssr[1]))
    table.add_row(f"P(Healthy | PSA {PSA_TEST:.1f})", num(run.a_probabilities[0]))
    table.add_row(f"P(Cancer | PSA {PSA_TEST:.1f})", num(run.a_probabilities[1]))
    table.add_row("classified as", run.a_class)
    out.append(table)

    out.append(Panel.fit(f"Network B: 1-1-1 sigmoid, w1 = 0.5, b1 = 0, w2 = −1, b2 = 0; "
                         f"one step at PSA {PSA_TEST:.1f}, target 0 (healthy), "
                         f"η = {num(B_LEARNING_RATE)}", style="bold"))
    out.append(trace_view(run.b_step))

    b = run.b_history
    out.append(Panel.fit(f"Scaling up: network B, per-sample gradient descent over all 14 rows, "
                         f"{b.epochs} epochs", style="bold"))
    table = _table("Training", "quantity", "value")
    table.add_row("cost before training", num(b.initial_loss))
    table.add_row("loss after epoch 1", num(b.loss[0]))
    table.add_row(f"loss after epoch {b.epochs}", num(b.loss[-1]))
    for name, value in run.b.params().items():
        table.add_row(f"trained {name}", _arr(value))
    table.add_row("accuracy (y_hat ≥ 0.5 → Cancer)",
                  f"{num(run.b_accuracy)} ({round(run.b_accuracy * len(data))}/{len(data)})")
    table.add_row("cost over all samples (ssr)", num(run.b_cost_ssr))
    out.append(table)

    table = _table("Trained network B, patient by patient", "PSA", "status", "y_hat",
                   "predicted")
    for x, y, p in zip(data.X[:, 0], data.y, run.b_predictions):
        table.add_row(num(x), data.class_names[y], num(p, 4),
                      data.class_names[int(p >= 0.5)])
    out.append(table)
    return out
