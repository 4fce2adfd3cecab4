r"""The Markdown writer of :mod:`nnmath.render.document`: LaTeX math (``$…$``, ``$$…$$``)
that renders on GitHub and in Jupyter.

:func:`page_markdown` writes a whole document (the report's ``report.md``, a Trace's
``--format markdown``); :func:`document_markdown` its sections only (a notebook's
view of a Trace). Nothing here computes.

>>> from nnmath import explain
>>> from nnmath.article import network_b
>>> md = render_markdown(explain(network_b(), [2.0], [0.0]))
>>> md.splitlines()[0]
'# One training step, number by number'
>>> r"\frac{\partial L}{\partial w_{1}}" in md and "-0.0280307" in md
True
"""

from __future__ import annotations

from ..textsafe import for_markdown, visible
from .document import Banner, Code, Eqs, Figure, Note, Para, Table, Worked, is_math, written
from .explanation import TITLE, explanation, network_table, worked_sections
from .mathexpr import Op, to_latex

__all__ = ["render_markdown", "trace_markdown", "network_markdown", "document_markdown",
           "page_markdown", "blocks_markdown", "TITLE"]


def _cell(cell) -> str:
    if is_math(cell):
        return f"${to_latex(cell)}$"
    return for_markdown(str(cell).replace("\n", " "))   # plain text, shown as written


def _equations(block: Eqs) -> str:
    """One aligned display block; a line starting with "=" continues the one above."""
    rows = []
    for line in block.lines:
        if line and line[0] == Op("="):
            rows.append("&" + to_latex(line))
        else:
            latex = to_latex(line)
            head, sep, tail = latex.partition(" = ")
            rows.append(f"{head} &= {tail}" if sep else latex)
    body = " \\\\\n".join(rows)
    return f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$"


def _table(block: Table) -> str:
    lines = [f"**{for_markdown(block.title)}**", ""] if block.title else []
    lines += ["| " + " | ".join(_cell(c) for c in block.columns) + " |",
              "|" + "---|" * len(block.columns)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
    return "\n".join(lines)


# Every text a block holds is plain text (a user's names among it): for_markdown shows it
# as written, never as HTML, emphasis, a link or math.
_WRITERS = {
    Para: lambda block: for_markdown(block.text),
    Eqs: _equations,
    Note: lambda block: f"> **{block.label}:** {for_markdown(block.text)}",
    Table: _table,
    Code: lambda block: "```\n" + visible(block.text, keep="\n").replace("```", "` ` `")
    + "\n```",
    Figure: lambda block: (f"![{for_markdown(block.alt or block.caption)}]({block.src})\n\n"
                           f"*{for_markdown(block.caption)}*"),
    Banner: lambda block: f"**{for_markdown(block.text)}**",
    Worked: lambda block: "\n\n".join(blocks_markdown(block.blocks)),
}


def blocks_markdown(blocks) -> list:
    """Markdown of each block (of :mod:`nnmath.render.document`) a page shows."""
    return written(blocks, _WRITERS, "page")


def _parts(sections, level: int) -> list:
    return [part for section in sections
            for part in (f"{'#' * level} {for_markdown(section.title)}",
                         *blocks_markdown(section.blocks))]


def document_markdown(sections, level: int = 2) -> str:
    """Markdown for a list of :class:`~nnmath.render.document.Section`."""
    return "\n\n".join(_parts(sections, level)) + "\n"


def page_markdown(title: str, sections, subtitle: str = "") -> str:
    """A whole document: ``# title``, the subtitle in italics, then the sections
    (images linked by their paths relative to the page).

    >>> from nnmath.render.document import Para, Section, Table
    >>> doc = [Section("Data", (Para("Two rows."), Table(("x", "y"), (("1", "0"), ("2", "1")))))]
    >>> print(page_markdown("T", doc))
    # T
    <BLANKLINE>
    ## Data
    <BLANKLINE>
    Two rows.
    <BLANKLINE>
    | x | y |
    |---|---|
    | 1 | 0 |
    | 2 | 1 |
    <BLANKLINE>
    """
    head = [f"# {for_markdown(title)}"] + ([f"*{for_markdown(subtitle)}*"] if subtitle else [])
    return "\n\n".join(head + _parts(sections, 2)) + "\n"


def trace_markdown(trace) -> str:
    """The explanation as Markdown sections (``##`` headings), without a page title."""
    return document_markdown(explanation(trace))


def render_markdown(trace) -> str:
    """A whole Markdown document of the explanation, under a title."""
    return page_markdown(TITLE, worked_sections(trace))


def network_markdown(network) -> str:
    """A network's layers and parameters as a Markdown table (for notebooks)."""
    sizes = "-".join(map(str, network.sizes))
    return (f"**Network {sizes}** ({network.n_params()} parameters)\n\n"
            + blocks_markdown([network_table(network)])[0] + "\n")
