r"""Markdown with LaTeX math (``$…$``, ``$$…$$``) of a Trace: renders on GitHub and in Jupyter.

Built from the same document as the terminal view
(:func:`nnmath.render.explanation.explanation`); nothing here computes.

>>> from nnmath import explain
>>> from nnmath.article import network_b
>>> md = render_markdown(explain(network_b(), [2.0], [0.0]))
>>> md.splitlines()[0]
'# One training step, number by number'
>>> r"\frac{\partial L}{\partial w_{1}}" in md and "-0.0280307" in md
True
"""

from __future__ import annotations

from .document import Eqs, Note, Para, Table, is_math
from .explanation import explanation
from .mathexpr import Op, to_latex

__all__ = ["render_markdown", "trace_markdown", "network_markdown", "document_markdown"]

TITLE = "One training step, number by number"


def _cell(cell) -> str:
    if is_math(cell):
        return f"${to_latex(cell)}$"
    return str(cell).replace("|", r"\|").replace("\n", " ")


def _equations(lines) -> str:
    """One aligned display block; a line starting with "=" continues the one above."""
    rows = []
    for line in lines:
        if line and line[0] == Op("="):
            rows.append("&" + to_latex(line))
        else:
            latex = to_latex(line)
            head, sep, tail = latex.partition(" = ")
            rows.append(f"{head} &= {tail}" if sep else latex)
    body = " \\\\\n".join(rows)
    return f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$"


def block_markdown(block) -> str:
    """Markdown of one block (Para, Eqs, Note, Table) of :mod:`nnmath.render.document`."""
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Eqs):
        return _equations(block.lines)
    if isinstance(block, Note):
        label = "Warning" if block.level == "warning" else "Note"
        return f"> **{label}:** {block.text}"
    if isinstance(block, Table):
        lines = ([f"**{block.title}**", ""] if block.title else []) + [
            "| " + " | ".join(_cell(c) for c in block.columns) + " |",
            "|" + "---|" * len(block.columns)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
        return "\n".join(lines)
    raise TypeError(f"unknown block {block!r}")


def document_markdown(sections, level: int = 2) -> str:
    """Markdown for a list of :class:`~nnmath.render.document.Section`."""
    out = []
    for section in sections:
        out.append(f"{'#' * level} {section.title}")
        out += [block_markdown(block) for block in section.blocks]
    return "\n\n".join(out) + "\n"


def trace_markdown(trace) -> str:
    """The explanation as Markdown sections (``##`` headings), without a page title."""
    return document_markdown(explanation(trace))


def render_markdown(trace) -> str:
    """A whole Markdown document: a title, then :func:`trace_markdown`."""
    return f"# {TITLE}\n\n" + trace_markdown(trace)


def network_markdown(network) -> str:
    """A network's layers and parameters as a Markdown table (for notebooks)."""
    rows = ["| layer | activation | W shape | parameters |", "|---|---|---|---|"]
    for l, layer in enumerate(network.layers, start=1):
        rows.append(f"| {l} | {layer.activation} | {layer.n_in} × {layer.n_out} | "
                    f"W{l}, b{l} ({layer.W.size + layer.b.size}) |")
    sizes = "-".join(map(str, network.sizes))
    return f"**Network {sizes}** ({network.n_params()} parameters)\n\n" + "\n".join(rows) + "\n"
