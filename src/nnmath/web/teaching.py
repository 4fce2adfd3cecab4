"""The API's teaching routes: one parameter's derivation, and questions about it.

Both read the trace of one step on the selected sample (:func:`nnmath.web.views.trace_of`)
and the derivation renderer (:mod:`nnmath.render.derivation`); nothing here computes.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request

from ..jsonsafe import json_safe
from ..render.derivation import derivation, derivation_html
from .api import ERRORS, store_of
from .quiz import ask, check
from .schemas import AnswerIn, Derivation, Empty, Quiz, QuizResult
from .sessions import UnknownError
from .views import trace_of

__all__ = ["router"]

router = APIRouter(prefix="/api")


@router.get("/sessions/{sid}/derivation", response_model=Derivation, responses=ERRORS)
def get_derivation(request: Request, sid: str,
                   param: str = Query(pattern=r"^[Wb][1-9][0-9]?$", examples=["W1"]),
                   i: int = Query(0, ge=0, description="the input (row of W); not for b"),
                   j: int = Query(0, ge=0, description="the neuron (column of W, entry of b)"),
                   at: Literal["current", "step"] = Query(
                       "current", description="current: the step the current weights would "
                       "take; step: the step the last Update applied (the weights before it)")):
    """dL/d``param``[i, j] (a bias: [j]) as the chain rule with the trace's numbers."""
    with store_of(request).use(sid) as s:
        if at == "step" and s.stepped is None:
            raise UnknownError("no step was applied to these weights: the derivation of the "
                               "step just taken (at=step) exists after Update, until the "
                               "network changes otherwise. Ask at=current.")
        trace = s.stepped if at == "step" else trace_of(s)
        _check_entry(trace, param, i, j)
        d = derivation(trace, param, (i, j) if param[0] == "W" else (j,))
        return json_safe({"param": d.param, "index": list(d.index), "symbol": d.symbol,
                       "value": d.value, "html": derivation_html(d),
                       "factors": [{"name": f.name, "value": f.value, "meaning": f.meaning}
                                   for f in d.factors]})


def _check_entry(trace, param: str, i: int, j: int) -> None:
    if param not in trace.gradients:
        raise UnknownError(f"the parameter must be one of {', '.join(trace.gradients)}. "
                           f"Got {param!r}.")
    shape = trace.gradients[param].shape
    index = (i, j) if param[0] == "W" else (j,)
    if any(k >= n for k, n in zip(index, shape)):
        raise UnknownError(f"the entry of {param} must be within its shape {list(shape)}. "
                           f"Got {list(index)}.")


@router.post("/sessions/{sid}/quiz", response_model=Quiz, responses=ERRORS)
def post_quiz(request: Request, sid: str, body: Empty | None = None):
    """A question: one factor or gradient of a derivation hidden ("?") in its HTML."""
    with store_of(request).use(sid) as s:
        trace = trace_of(s)
        question, html = ask(trace, s.config["seed"], next(s.quiz_count))
        s.add_quiz(question, trace)
        return {"quiz": question.qid, "question": question.text,
                "asks": "gradient" if question.hide == "gradient" else "factor",
                "param": question.param, "index": list(question.index),
                "factor": None if question.hide == "gradient" else question.hide,
                "html": html}


@router.post("/sessions/{sid}/quiz/{qid}", response_model=QuizResult, responses=ERRORS)
def post_answer(request: Request, sid: str, qid: str, body: AnswerIn):
    """Check an answer within the tolerance; the full derivation after."""
    with store_of(request).use(sid) as s:
        question, trace = s.quiz(qid)
        return json_safe(check(question, trace, body.answer))
