"""The neutral document an explanation is written in: sections of paragraphs,
equations, tables and notes. Text, Markdown and HTML renderers lay it out.

Table cells and equation lines are either plain strings or equations (tuples
of :mod:`nnmath.render.mathexpr` tokens). An equation line that starts with
``Op("=")`` continues the line above it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mathexpr import num

__all__ = ["Section", "Para", "Eqs", "Table", "Note", "array_text", "is_math"]


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Eqs:
    lines: tuple


@dataclass(frozen=True)
class Table:
    columns: tuple
    rows: tuple
    title: str = ""


@dataclass(frozen=True)
class Note:
    """A warning a teacher would want (``level`` "warning") or a remark ("info")."""

    text: str
    level: str = "warning"


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple


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
