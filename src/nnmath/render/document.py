"""The one document model: what the explanation, the article and the reports are written
in, before any layout. One writer per format lays it out: the terminal
(:mod:`nnmath.render.text`), Markdown (:mod:`nnmath.render.markdown`) and HTML
(:mod:`nnmath.render.html`).

A document is a list of :class:`Section`; a section holds blocks:

- :class:`Para` (a paragraph), :class:`Eqs` (equations), :class:`Table`, :class:`Note`
  (a warning or a remark), :class:`Code` (preformatted lines), :class:`Figure` (an image
  file beside a page) and :class:`Banner` (a headline, boxed in the terminal);
- :class:`Worked`: a Trace's explanation set into another document; the HTML keeps its
  look (``.nnmath-trace``);
- :class:`Only`: blocks for one medium, ``"page"`` (Markdown and HTML) or
  ``"terminal"``; the other leaves them out (:func:`shown`).

Table cells and equation lines are either plain strings or equations (tuples
of :mod:`nnmath.render.mathexpr` tokens). An equation line that starts with
``Op("=")`` continues the line above it.

>>> doc = [Section("Data", (Para("Two rows."), Only("terminal", (Banner("2 rows"),))))]
>>> [type(b).__name__ for b in shown(doc[0].blocks, "page")]
['Para']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mathexpr import num

__all__ = ["Section", "Para", "Eqs", "Table", "Note", "Code", "Figure", "Banner", "Worked",
           "Only", "Block", "MEDIA", "shown", "written", "array_text", "is_math"]

MEDIA = ("page", "terminal")


@dataclass(frozen=True)
class Section:
    """A titled part of a document.

    ``title`` heads it on a page. In the terminal a rule carries ``terminal_title``
    instead when one is given: "" for no rule (the article's own sections, which open
    with a banner), or the explanation's own title where the page renames a section.
    """

    title: str
    blocks: tuple
    terminal_title: str | None = None

    @property
    def terminal_heading(self) -> str:
        """The text of the terminal's rule above the section ("" for none)."""
        return self.title if self.terminal_title is None else self.terminal_title


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text: a ``<p>`` on a page, a line of text in the terminal
    (bold when it heads a layer: "Layer 1 …", "Output layer …")."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table.

    ``columns`` are the headings, ``rows`` tuples of cells (strings or equations),
    ``title`` an optional caption above it.
    """

    columns: tuple
    rows: tuple
    title: str = ""


@dataclass(frozen=True)
class Eqs:
    """Equations, one line each (a tuple of math tokens): a LaTeX ``aligned`` block in
    Markdown, MathML on a page, plain text in the terminal, aligned at their "="."""

    lines: tuple


@dataclass(frozen=True)
class Note:
    """A warning a teacher would want (``level`` "warning") or a remark ("info"),
    set apart under its :attr:`label`."""

    text: str
    level: str = "warning"

    @property
    def label(self) -> str:
        return "Warning" if self.level == "warning" else "Note"


@dataclass(frozen=True)
class Code:
    """Preformatted lines, e.g. the article's parameter listing: ``<pre>`` on a page,
    a fenced block in Markdown."""

    text: str


@dataclass(frozen=True)
class Figure:
    """An image file beside the page.

    ``src`` is its path relative to the page, ``caption`` is shown under it and
    ``alt`` (default: the caption) stands in for it.
    """

    src: str
    caption: str
    alt: str = ""


@dataclass(frozen=True)
class Banner:
    """A headline: boxed and bold in the terminal (``nnmath demo``'s network banners),
    a bold line on a page."""

    text: str


@dataclass(frozen=True)
class Only:
    """``blocks`` for one ``medium`` of :data:`MEDIA` only.

    The other medium leaves them out (see :func:`shown`): the article's prose and
    figures are for the page, its summary tables and banners for the terminal.
    """

    medium: str
    blocks: tuple

    def __post_init__(self):
        if self.medium not in MEDIA:
            raise ValueError(f"medium must be one of {MEDIA}. Got {self.medium!r}.")


@dataclass(frozen=True)
class Worked:
    """A Trace's explanation (its blocks) set into another document: the HTML wraps
    them in ``<div class="nnmath-trace">`` to keep the explanation's look."""

    blocks: tuple


Block = Para | Eqs | Table | Note | Code | Figure | Banner | Only | Worked
"""Any block a :class:`Section` holds (the type the document's builders collect)."""


def shown(blocks, medium: str) -> list:
    """``blocks`` as ``medium`` shows them: an :class:`Only` for it opened in place,
    one for the other medium left out."""
    out = []
    for block in blocks:
        if not isinstance(block, Only):
            out.append(block)
        elif block.medium == medium:
            out += shown(block.blocks, medium)
    return out


def written(blocks, writers: dict, medium: str) -> list:
    """Each block ``medium`` shows (:func:`shown`), in one format: ``writers`` maps a
    block's type to the function that writes it."""
    out = []
    for block in shown(blocks, medium):
        if type(block) not in writers:
            raise TypeError(f"not a document block: {block!r}")
        out.append(writers[type(block)](block))
    return out


def is_math(cell) -> bool:
    return isinstance(cell, tuple)


def array_text(a) -> str:
    """An array with 6 significant digits, a scalar without brackets.

    >>> array_text([[0.5]]), array_text([[1.0, -0.25], [0.0, 2.0]])
    ('0.5', '[[1, -0.25],\\n [0, 2]]')
    """
    a = np.asarray(a, dtype=float)
    if a.size == 1:
        return num(a.ravel()[0])
    return np.array2string(a, formatter={"float_kind": num}, separator=", ")
