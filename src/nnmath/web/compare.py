"""SSR beside BCE: the same start trained with both losses, and why they move differently.

``POST .../compare`` trains two copies of the current network (the same start, the
session's learning rate, optimizer, batch size, shuffling and L2) for the same epochs,
one with the article's loss (``ssr``) and one with the loss of its output layer
(:func:`nnmath.losses.loss_for`: ``bce`` for one sigmoid output), and explains one step
of each on the selected row with :func:`nnmath.explain`. The output delta is where they
differ::

    ssr:  delta = dL/dy_hat · dy_hat/dz = (y_hat − t) · y_hat (1 − y_hat)
    bce:  delta = (y_hat − t)                      (the shortcut; the full product is equal)

``y_hat (1 − y_hat)`` is at most 1/4 and nears 0 as ``y_hat`` nears 0 or 1: SSR's step
shrinks exactly where a prediction is confidently wrong. The sentences of the answer are
written from these numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ..errors import ConfigError, NnmathError
from ..jsonsafe import json_safe
from ..losses import loss_for
from ..metrics import METRICS
from ..trace import explain
from ..training import train
from .api import ERRORS, store_of
from .heldout import held_out_rows, split_rows, training_rows
from .limits import LIMITS, check_limit
from .schemas import BodyIn
from .setup import DEFAULTS

__all__ = ["router", "CompareIn", "Compare", "losses_of", "sentences"]

router = APIRouter(prefix="/api")

ARTICLE_LOSS = DEFAULTS["loss"]
"""The article's loss (SSR), the left side of the comparison."""
FORMULAS = ("(ŷ − t)·ŷ(1 − ŷ)", "ŷ − t")
"""The output delta of each side, for one sigmoid output."""

Number = float | None


class CompareIn(BodyIn):
    epochs: int = Field(100, ge=1, le=LIMITS.max_epochs_per_request,
                        description="epochs of each run (rows × parameters × epochs × 2 at "
                        "most max_work)")


class Point(BaseModel):
    epoch: int
    loss: Number


class Run(BaseModel):
    loss: str
    history: list[Point] = Field(description="the run's own loss per epoch (epoch 0: the "
                                 "start)")
    test_history: list[Point] = Field(description="its loss on the held-out rows, if any")
    accuracy: list[Number] = Field(description="the share of training rows classified "
                                   "right, per epoch (epoch 0 first)")
    stopped: str | None = Field(description="why the run stopped early, if it did")


class Delta(BaseModel):
    loss: str
    formula: str
    y_hat: Number
    target: float
    dL_dy_hat: Number = Field(description="the loss's slope at the output")
    slope: Number = Field(description="the output activation's slope ŷ(1 − ŷ)")
    delta: Number = Field(description="the output neuron's delta, as nnmath explain gives it")


class RowDeltas(BaseModel):
    row: int = Field(description="the row, from 0 (the API's index)")
    row_number: int = Field(description="the row, from 1 (as nnmath explain --row counts)")
    x: list[float]
    deltas: list[Delta]
    ratio: Number = Field(description="the second delta over the first")


class Compare(BaseModel):
    losses: list[str]
    epochs: int
    runs: list[Run]
    selected: RowDeltas = Field(description="the selected row")
    worst: RowDeltas = Field(description="the training row predicted worst at the start")
    sentences: list[str]


def losses_of(net) -> tuple[str, str]:
    """``(ssr, the output layer's own loss)``; a ConfigError where there is no pair to
    compare (several outputs, or an output whose own loss is ssr)."""
    activation = net.layers[-1].activation
    own = loss_for(activation, default=ARTICLE_LOSS)
    if net.n_outputs != 1 or own == ARTICLE_LOSS:
        raise ConfigError(f"the comparison needs one output neuron whose own loss is not "
                          f"{ARTICLE_LOSS}: one {activation} output has none. Got "
                          f"{net.n_outputs} output(s) of {activation}. Choose an output "
                          "activation with its own loss and one output (two classes).")
    return ARTICLE_LOSS, own


def _row_deltas(session, row: int, losses: tuple[str, str]) -> dict:
    """Both losses' output deltas at ``row`` (one step of each, by nnmath.explain)."""
    x, t = session.data.X[row], session.T[row]
    deltas: list[dict[str, Any]] = []
    for loss, formula in zip(losses, FORMULAS):
        trace = explain(session.net, x, t, loss=loss,
                        learning_rate=session.config["learning_rate"])
        out = trace.layers[-1]
        deltas.append({"loss": loss, "formula": formula, "y_hat": float(trace.y_hat[0, 0]),
                       "target": float(trace.T[0, 0]),
                       "dL_dy_hat": float(trace.dL_dy_hat[0, 0]),
                       "slope": None if out.g_prime is None else float(out.g_prime[0, 0]),
                       "delta": float(out.delta[0, 0])})
    first, second = float(deltas[0]["delta"]), float(deltas[1]["delta"])
    with np.errstate(all="ignore"):
        ratio = float(np.float64(second) / np.float64(first)) if first else None
    return {"row": row, "row_number": row + 1, "x": session.data.X[row].tolist(),
            "deltas": deltas, "ratio": ratio}


def _run(session, loss: str, epochs: int) -> dict:
    c = session.config
    net = session.net.copy()
    X, T = training_rows(session)
    stopped = None
    try:
        history = train(net, X, T, loss=loss, learning_rate=c["learning_rate"], epochs=epochs,
                        batch_size=c["batch_size"], shuffle=c["shuffle"], seed=c["seed"],
                        optimizer=c["optimizer"], alpha=c["alpha"], metrics=("accuracy",),
                        validation_data=held_out_rows(session), engine="numpy")
        losses, tests = [history.initial_loss, *history.loss], history.val_loss
        accuracy = history.metrics["accuracy"]
    except NnmathError as exc:
        stopped, losses, tests, accuracy = " ".join(str(exc).split()), [], [], []
    with np.errstate(all="ignore"):
        first_accuracy = float(METRICS["accuracy"](T, session.net.forward(X)))
    return {"loss": loss, "stopped": stopped,
            "history": [{"epoch": e, "loss": v} for e, v in enumerate(losses)],
            "test_history": [{"epoch": e, "loss": v} for e, v in enumerate(tests, start=1)],
            "accuracy": [first_accuracy, *accuracy] if losses else []}


def _worst_row(session) -> int:
    """The training row whose prediction is furthest from its target at the start."""
    X, T = training_rows(session)
    with np.errstate(all="ignore"):
        gap = np.abs(session.net.forward(X)[:, 0] - T[:, 0])
    return int(split_rows(session.data, session.config)[0][int(np.nanargmax(gap))])


def _g(value) -> str:
    return "–" if value is None else f"{value:.6g}"


def _where(session, row: dict) -> str:
    names = session.data.feature_names
    xs = ", ".join(f"{name} = {value:g}" for name, value in zip(names, row["x"]))
    return f"row {row['row_number']} ({xs}, t = {row['deltas'][0]['target']:g})"


def sentences(session, selected: dict, worst: dict, runs: list[dict], epochs: int) -> list[str]:
    """What the numbers say, in words, from the numbers themselves."""
    a, b = selected["deltas"]
    out = [f"At {_where(session, selected)} the network says ŷ = {_g(a['y_hat'])}. "
           f"With {a['loss']} the output's delta is {a['formula']} = {_g(a['dL_dy_hat'])} × "
           f"{_g(a['slope'])} = {_g(a['delta'])}; with {b['loss']} it is {b['formula']} = "
           f"{_g(b['delta'])}" + (f", {abs(selected['ratio']):.3g} times as large."
                                  if selected["ratio"] is not None else ".")]
    wa, wb = worst["deltas"]
    if worst["ratio"] is not None:
        out.append(
            f"The factor ŷ(1 − ŷ) is at most 0.25 and nears 0 as ŷ nears 0 or 1, so {a['loss']} "
            f"moves a confidently wrong prediction least. The worst prediction now is at "
            f"{_where(session, worst)}: ŷ = {_g(wa['y_hat'])}, off by "
            f"{abs(wa['y_hat'] - wa['target']):.3g}; there {wb['loss']}'s delta "
            f"({_g(wb['delta'])}) is {abs(worst['ratio']):.3g} times {wa['loss']}'s "
            f"({_g(wa['delta'])}).")
    done = [r for r in runs if r["history"] and r["history"][-1]["loss"] is not None]
    if len(done) == 2:
        parts = []
        for r in done:
            first, last = r["history"][0]["loss"], r["history"][-1]["loss"]
            share = f" ({last / first:.0%} of its start)" if first else ""
            parts.append(f"{r['loss']}'s loss went from {first:.4g} to {last:.4g}{share}, "
                         f"accuracy {r['accuracy'][0]:.0%} → {r['accuracy'][-1]:.0%}")
        out.append(f"After {epochs} epochs from the same start: " + "; ".join(parts) + ". "
                   "The two losses are on different scales: compare how far each fell, "
                   "and the accuracy.")
    for r in runs:
        if r["stopped"]:
            out.append(f"The {r['loss']} run stopped: {r['stopped']}")
    return out


@router.post("/sessions/{sid}/compare", response_model=Compare, responses=ERRORS)
def post_compare(request: Request, sid: str, body: CompareIn | None = None):
    """The same start trained with ssr and with the output's own loss, and both output
    deltas on the selected row and on the row predicted worst (the session is
    unchanged)."""
    epochs = CompareIn.model_fields["epochs"].default if body is None else body.epochs
    with store_of(request).use(sid) as s:
        losses = losses_of(s.net)
        rows = len(training_rows(s)[0])
        check_limit(rows * s.net.n_params() * epochs * 2, "max_work", "the work of one "
                    "request (rows × parameters × epochs × 2 runs)", "Ask for fewer epochs.")
        for loss in losses:   # both must fit the targets (0/1 for bce)
            s.net.loss(*training_rows(s), loss=loss)
        selected = _row_deltas(s, s.sample, losses)
        worst = _row_deltas(s, _worst_row(s), losses)
        runs = [_run(s, loss, epochs) for loss in losses]
        return json_safe({"losses": list(losses), "epochs": epochs, "runs": runs,
                          "selected": selected, "worst": worst,
                          "sentences": sentences(s, selected, worst, runs, epochs)})
