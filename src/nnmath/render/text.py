"""The terminal writer (rich) of :mod:`nnmath.render.document`, and the one look of
every terminal table (:func:`rich_table`).

It lays out documents that others wrote from a :class:`~nnmath.trace.Trace` or
an :class:`~nnmath.article.ArticleRun`; it computes no derivative and no update.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console, Group, JustifyMethod, OverflowMethod, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from . import document as doc
from .explanation import explanation
from .mathexpr import Op, num, to_text

__all__ = ["num", "rich_table", "block_views", "document_view", "page_view", "trace_view",
           "render_text"]


def rich_table(title, *columns, justify: JustifyMethod = "left",
               overflow: OverflowMethod = "ellipsis") -> Table:
    """An empty table in the house style: a rule under the heads, no outer edge, the title
    bold on the left; the first column left-aligned, the others ``justify``."""
    table = Table(title=title or None, box=box.SIMPLE_HEAD, title_justify="left",
                  title_style="bold", show_edge=False)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else justify, overflow=overflow)
    return table


def _cell(cell) -> Text:
    return Text(to_text(cell) if doc.is_math(cell) else str(cell))   # Text: "[j]" is not markup


def _table(block: doc.Table) -> Table:
    table = rich_table(block.title, *block.columns, overflow="fold")
    for row in block.rows:
        table.add_row(*(_cell(c) for c in row))
    return table


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


def _note(block: doc.Note) -> Text:
    if block.level == "warning":
        return Text("⚠ " + block.text, style="bold yellow")
    return Text(block.text, style="italic")


def _para(block: doc.Para) -> Text:
    return Text(block.text, style="bold" if block.text.startswith(("Layer ", "Output layer"))
                else "")


# a block's type -> its view (each function takes blocks of its own type)
_VIEWS: dict[type, Callable[[Any], RenderableType]] = {
    doc.Para: _para,
    doc.Eqs: lambda block: Text("\n".join("  " + line for line in _eq_lines(block.lines))),
    doc.Note: _note,
    doc.Table: _table,
    doc.Code: lambda block: Text(block.text),
    doc.Figure: lambda block: Text(block.caption, style="italic"),
    doc.Banner: lambda block: Panel.fit(block.text, style="bold"),
    doc.Worked: lambda block: Group(*block_views(block.blocks)),
}


def block_views(blocks) -> list:
    """Rich renderables of the blocks the terminal shows."""
    return doc.written(blocks, _VIEWS, "terminal")


def _section_views(section) -> list:
    heading = section.terminal_heading
    rule = [Text(""), Rule(Text(heading, style="bold"), align="left")] if heading else []
    return rule + block_views(section.blocks)


def document_view(sections) -> Group:
    """Rich renderables for a list of :class:`~nnmath.render.document.Section`."""
    return Group(*(view for section in sections for view in _section_views(section)))


def page_view(title: str, sections) -> list:
    """A whole document for the terminal, as parts to print each followed by a blank line:
    the title boxed, then the sections; a run of sections headed by rules is one part.

    ``nnmath demo`` prints the article (:func:`nnmath.report.article.article_sections`)
    this way.
    """
    parts: list[RenderableType] = [Panel.fit(title, style="bold")]
    ruled: list[RenderableType] = []
    for section in sections:
        if section.terminal_heading:
            ruled += _section_views(section)
            continue
        if ruled:
            parts.append(Group(*ruled))
            ruled = []
        parts += block_views(section.blocks)
    return parts + ([Group(*ruled)] if ruled else [])


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
