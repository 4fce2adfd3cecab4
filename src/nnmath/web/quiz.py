"""Teaching mode: hide one factor or gradient of a derivation, ask for it, check the answer.

The question is drawn from the session's own counter (seeded, so the same session asks
the same questions in the same order); the answer is checked against the engine's value
within :func:`tolerance`.

>>> tolerance(-0.0280307)
0.000280307
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np

from ..render.derivation import derivation, derivation_html

__all__ = ["Question", "ask", "check", "tolerance", "RELATIVE", "ABSOLUTE"]

RELATIVE = 0.01
"""An answer within 1 % of the value is right ..."""
ABSOLUTE = 1e-6
"""... or within this of it (for values near 0)."""


@dataclass(frozen=True)
class Question:
    qid: str
    param: str
    index: tuple
    hide: str           # "gradient" or a factor's name
    symbol: str
    expected: float

    @property
    def text(self) -> str:
        if self.hide == "gradient":
            return f"What is dL/d{self.symbol}?"
        return f"What is {self.hide} in the derivation of dL/d{self.symbol}?"


def tolerance(expected: float) -> float:
    return float(max(RELATIVE * abs(expected), ABSOLUTE))


def ask(trace, seed: int, number: int) -> tuple:
    """Question ``number`` of a session seeded with ``seed``: ``(Question, html)`` with the
    asked value hidden in the derivation's HTML."""
    rng = np.random.default_rng([seed, number])
    names = list(trace.gradients)
    param = names[int(rng.integers(len(names)))]
    shape = trace.gradients[param].shape
    index = tuple(int(rng.integers(n)) for n in shape)
    full = derivation(trace, param, index)
    choices = ["gradient"] + [f.name for f in full.factors]
    hide = choices[int(rng.integers(len(choices)))]
    expected = full.value if hide == "gradient" else \
        next(f.value for f in full.factors if f.name == hide)
    question = Question(secrets.token_urlsafe(8), param, index, hide, full.symbol,
                        float(expected))
    return question, derivation_html(derivation(trace, param, index, hide=hide))


def check(question: Question, trace, answer: float) -> dict:
    """Right or wrong, the value expected and the tolerance, and the full derivation."""
    tol = tolerance(question.expected)
    return {"correct": bool(abs(answer - question.expected) <= tol),
            "expected": question.expected, "tolerance": tol,
            "html": derivation_html(derivation(trace, question.param, question.index))}
