"""The worked example in the report: a Trace's explanation, laid out by nnmath.render.

Each section of :func:`nnmath.render.explanation.explanation` becomes one
section of the report, drawn by the explanation's own HTML (MathML) and
Markdown (LaTeX) renderers; nothing here lays out or computes a number.
"""

from __future__ import annotations

from ..render.document import Section
from ..render.explanation import explanation
from ..render.html import TRACE_CSS, document_html
from ..render.markdown import document_markdown
from .document import Raw

__all__ = ["trace_sections"]


def trace_sections(trace, before=None, after=None, titles=None) -> list:
    """The report's sections for ``trace``.

    ``before`` and ``after`` map an explanation section's title ("The step",
    "Forward pass after the update", ...) to extra blocks (figures) put at its
    start or end; ``titles`` renames sections (same keys).
    """
    before, after, titles = before or {}, after or {}, titles or {}
    out = []
    for section in explanation(trace):
        html = _body(document_html([section]), "<h2>")
        md = _body(document_markdown([section]), "## ")
        blocks = (*_extra(before, section.title),
                  Raw(f'<div class="nnmath-trace">\n{html}\n</div>', md, TRACE_CSS),
                  *_extra(after, section.title))
        out.append(Section(titles.get(section.title, section.title), blocks))
    return out


def _extra(blocks: dict, title: str) -> tuple:
    return tuple(blocks.get(title, ()))


def _body(text: str, heading: str) -> str:
    """The section's content without its own heading line (the report writes that)."""
    first, _, rest = text.partition("\n")
    return rest.strip() if first.startswith(heading) else text.strip()
