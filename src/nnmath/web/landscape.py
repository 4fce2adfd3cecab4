"""The loss landscape under two parameters, and gradient-descent paths across it.

``GET .../landscape`` evaluates the session's objective (the configured loss over the
training rows, plus the L2 penalty: :func:`nnmath.web.heldout.objective`) as
:meth:`nnmath.Network.loss` computes it (:func:`nnmath.backprop.mean_loss`, the rows
checked once) at every point of a grid over two parameters, every other parameter held
at its current value. The grid has at most ``max_landscape_side`` points
a side, and ``side² × rows × parameters`` at most ``max_landscape_work`` (a larger job
gets a coarser grid, and the answer says so).

``POST .../paths`` trains copies of the current network from the same start, one per
learning rate, with the session's settings, and records the two parameters after every
epoch: overshoot and crawl, side by side. The session is unchanged.

A parameter entry is named as the page names it: ``W1-0-0`` (``W1[0, 0]``) or ``b2-0``.
"""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from ..backprop import mean_loss
from ..errors import ConfigError, NnmathError, must_be
from ..jsonsafe import json_safe
from ..network import Network
from ..regularization import l2_penalty
from ..training import train
from .api import ERRORS, store_of
from .heldout import training_rows
from .limits import LIMITS, LimitError, check_limit
from .schemas import BodyIn
from .sessions import UnknownError

__all__ = ["router", "Landscape", "PathsIn", "Paths", "parse_key", "symbol_of", "grid_axis",
           "default_keys", "LANDSCAPE_SIDE", "MIN_SIDE"]

router = APIRouter(prefix="/api")

LANDSCAPE_SIDE = 41
"""Points a side of a landscape's grid when the page does not ask for another number."""
MIN_SIDE = 5
"""The coarsest grid worth drawing."""
HELD_SHOWN = 8
"""Held parameters listed by name (the others are counted)."""
KEY = r"^[Wb][1-9][0-9]?(-[0-9]{1,3}){1,2}$"

Number = float | None


class Axis(BaseModel):
    key: str = Field(description="the parameter entry: W1-0-0 or b2-0")
    symbol: str = Field(description="its name on the page: w1 in the article's networks, "
                        "else W1[0,0]")
    values: list[float] = Field(description="the grid's values of this parameter")
    current: float = Field(description="its current value")


class Held(BaseModel):
    symbol: str
    value: Number


class Landscape(BaseModel):
    x: Axis
    y: Axis
    loss: list[list[Number]] = Field(description="loss[r][c] at x.values[c], y.values[r]")
    current_loss: Number = Field(description="the objective at the current parameters")
    loss_name: str
    alpha: float
    rows: int = Field(description="the training rows the loss is the mean over")
    side: int = Field(description="points a side of the grid")
    coarser: str | None = Field(description="why the grid is coarser than asked, if it is")
    held: list[Held] = Field(description="the other parameters, held at their current "
                             f"values (the first {HELD_SHOWN})")
    n_held: int


class PathPoint(BaseModel):
    epoch: int
    x: Number
    y: Number
    loss: Number


class PathOut(BaseModel):
    learning_rate: float
    points: list[PathPoint]
    stopped: str | None = Field(description="why the run stopped early (the engine's "
                                "words), if it did")
    rises: int = Field(description="epochs after which the loss was higher than before")
    fell: Number = Field(description="the start's loss minus the last epoch's")
    words: str = Field(description="what the path did, in words, from these numbers")


class PathsIn(BodyIn):
    learning_rates: list[Annotated[float, Field(gt=0, le=LIMITS.max_learning_rate)]] = Field(
        min_length=1, max_length=LIMITS.max_paths, examples=[[0.01, 0.1, 10]])
    epochs: int = Field(30, ge=1, le=LIMITS.max_epochs_per_request)
    x: str | None = Field(None, pattern=KEY, examples=["W1-0-0"])
    y: str | None = Field(None, pattern=KEY, examples=["W2-0-0"])


class Paths(BaseModel):
    x: str
    y: str
    x_symbol: str
    y_symbol: str
    start: PathPoint
    paths: list[PathOut]


def parse_key(net: Network, key: str) -> tuple[str, tuple[int, ...]]:
    """``("W1", (0, 0))`` for ``"W1-0-0"``: a parameter entry of ``net`` (else a 404)."""
    name, *index = key.split("-")
    params = net.params()
    if name not in params:
        raise UnknownError(must_be("the parameter", f"one of {', '.join(params)}", name,
                                   "Name an entry as W1-0-0 or b1-0."))
    shape = params[name].shape
    entry = tuple(int(i) for i in index)
    if len(entry) != len(shape) or any(i >= n for i, n in zip(entry, shape)):
        raise UnknownError(must_be(f"the entry of {name}", f"{len(shape)} number(s) within "
                                   f"its shape {list(shape)}", key))
    return name, entry


def symbol_of(net: Network, name: str, index: tuple[int, ...]) -> str:
    """The article's ``w1`` in a network of one neuron per layer, else ``W1[0,0]``."""
    if all(n == 1 for n in net.sizes):
        return name.lower()
    return f"{name}[{','.join(map(str, index))}]"


def default_keys(net: Network) -> tuple[str, str]:
    """The first weight of the first two layers (the article's w1 and w2); with one layer,
    its first two entries."""
    entries = [f"{name}-" + "-".join(map(str, idx)) for name, p in net.params().items()
               for idx in np.ndindex(p.shape)]
    if len(net.layers) > 1:
        return "W1-0-0", "W2-0-0"
    return entries[0], entries[1]


def grid_axis(current: float, lo: float | None, hi: float | None, side: int) -> np.ndarray:
    """``side`` values from ``lo`` to ``hi`` (default: ``current ± max(1, |current|)``);
    with the default, the middle value is ``current`` itself."""
    if lo is None or hi is None:
        radius = max(1.0, abs(current))
        half = (side - 1) // 2
        steps = np.arange(side) - half
        return current + radius * steps / max(1, half)
    return lo + (hi - lo) * np.arange(side) / (side - 1)


def _largest_side(rows: int, n_params: int) -> int:
    return math.isqrt(LIMITS.max_landscape_work // max(1, rows * n_params))


def _held(net: Network, skip: set[tuple[str, tuple[int, ...]]]) -> tuple[list[dict], int]:
    held = [(name, idx, float(p[idx])) for name, p in net.params().items()
            for idx in np.ndindex(p.shape) if (name, idx) not in skip]
    return [{"symbol": symbol_of(net, name, idx), "value": value}
            for name, idx, value in held[:HELD_SHOWN]], len(held)


def _bound(name: str):
    return Query(None, allow_inf_nan=False, ge=-LIMITS.max_weight, le=LIMITS.max_weight,
                 description=f"the grid's {name} (default: the current value ± "
                 "max(1, |value|))")


@router.get("/sessions/{sid}/landscape", response_model=Landscape, responses=ERRORS)
def get_landscape(request: Request, sid: str,
                  x: str | None = Query(None, pattern=KEY, description="the parameter "
                                        "across: W1-0-0 (default: w1)"),
                  y: str | None = Query(None, pattern=KEY, description="the parameter up: "
                                        "W2-0-0 (default: w2)"),
                  side: int = Query(LANDSCAPE_SIDE, ge=MIN_SIDE, le=LIMITS.max_landscape_side,
                                    description="points a side (fewer when rows × "
                                    "parameters make it too much work)"),
                  x_lo: float | None = _bound("left end"),
                  x_hi: float | None = _bound("right end"),
                  y_lo: float | None = _bound("bottom"),
                  y_hi: float | None = _bound("top")):
    """The objective over a grid of two parameters, the others held (``Network.loss``)."""
    with store_of(request).use(sid) as s:
        net = s.net
        kx, ky = (x, y) if x and y else default_keys(net)
        (nx, ix), (ny, iy) = parse_key(net, kx), parse_key(net, ky)
        if (nx, ix) == (ny, iy):
            raise ConfigError(must_be("the two parameters", "two different entries", kx,
                                      "Choose another one for the vertical axis."))
        for lo, hi, what in ((x_lo, x_hi, "x"), (y_lo, y_hi, "y")):
            if (lo is None) != (hi is None) or (lo is not None and hi is not None
                                                and not lo < hi):
                raise ConfigError(must_be(f"{what}_lo and {what}_hi", "both given, "
                                          f"{what}_lo < {what}_hi (or neither)",
                                          f"{lo}, {hi}"))
        X, T = training_rows(s)
        largest = _largest_side(len(X), net.n_params())
        if largest < MIN_SIDE:
            raise LimitError(must_be("the work of a loss landscape (grid points × rows × "
                                     "parameters)", f"at most {LIMITS.max_landscape_work:,} "
                                     "(max_landscape_work, a limit of nnmath serve)",
                                     f"{MIN_SIDE ** 2 * len(X) * net.n_params():,}",
                                     "Use a smaller network or fewer rows."))
        used = min(side, largest)
        coarser = None if used == side else (
            f"{used} points a side, not {side}: {len(X)} rows × {net.n_params()} parameters "
            f"allow no more within max_landscape_work ({LIMITS.max_landscape_work:,})")
        params = net.params()
        cx, cy = float(params[nx][ix]), float(params[ny][iy])
        xs, ys = grid_axis(cx, x_lo, x_hi, used), grid_axis(cy, y_lo, y_hi, used)
        loss_name, alpha = s.config["loss"], float(s.config["alpha"])
        probe = net.copy()
        p = probe.params()
        grid = np.empty((used, used))
        with np.errstate(all="ignore"):
            # Network.loss checks its rows, then returns mean_loss: checked once here
            current = net.loss(X, T, loss=loss_name) + l2_penalty(params, alpha, len(X))
            X, T = net.check_X(X), net.check_T(T, len(X))
            for r, vy in enumerate(ys):
                p[ny][iy] = vy
                for c, vx in enumerate(xs):
                    p[nx][ix] = vx
                    grid[r, c] = mean_loss(probe.layers, X, T, loss_name) + l2_penalty(
                        p, alpha, len(X))
        held, n_held = _held(net, {(nx, ix), (ny, iy)})
        return json_safe({
            "x": {"key": kx, "symbol": symbol_of(net, nx, ix), "values": xs.tolist(),
                  "current": cx},
            "y": {"key": ky, "symbol": symbol_of(net, ny, iy), "values": ys.tolist(),
                  "current": cy},
            "loss": grid.tolist(), "current_loss": current, "loss_name": loss_name,
            "alpha": alpha, "rows": len(X), "side": used, "coarser": coarser,
            "held": held, "n_held": n_held})


_EPOCH_POINT = tuple[int, float, float, float]


def _describe(paths: list[dict], first: float) -> None:
    """Each path's rises, fall and words: it overshoots (the loss rose after some epochs),
    crawls (it fell less than a quarter as far as the path that fell furthest) or
    descends steadily."""
    for p in paths:
        losses = [first] + [q["loss"] for q in p["points"]]
        p["rises"] = sum(b > a for a, b in zip(losses, losses[1:]))
        p["fell"] = first - losses[-1] if len(losses) > 1 else None
    best = max((p["fell"] for p in paths if p["fell"] is not None), default=None)
    for p in paths:
        rate, n = f"η = {p['learning_rate']:g}", len(p["points"])
        if p["stopped"]:
            p["words"] = f"{rate}: the loss left the numbers after {n} epoch(s): {p['stopped']}"
        elif p["rises"]:
            p["words"] = (f"{rate}: the loss went up in {p['rises']} of {n} epochs on its "
                          f"way from {first:.4g} to {losses_str(p)}: the steps overshoot, "
                          "jumping across the valley instead of down it.")
            if len(paths) > 1 and p["fell"] is not None and p["fell"] == best:
                p["words"] += (" Even so, it ended lower than every other rate here: big "
                               "steps can get further for a while, but not steadily.")
        elif best and p["fell"] is not None and p["fell"] < 0.25 * best:
            p["words"] = (f"{rate}: the loss fell by {p['fell']:.3g} in {n} epochs, "
                          f"{p['fell'] / best:.0%} as far as the path that fell furthest: "
                          "it crawls.")
        else:
            p["words"] = (f"{rate}: the loss fell steadily by {p['fell']:.3g} in {n} epochs "
                          f"(to {losses_str(p)}).")


def losses_str(path: dict) -> str:
    """The path's last loss, as the words write it."""
    return f"{path['points'][-1]['loss']:.4g}" if path["points"] else "–"


@router.post("/sessions/{sid}/paths", response_model=Paths, responses=ERRORS)
def post_paths(request: Request, sid: str, body: PathsIn):
    """Gradient descent from the current weights, once per learning rate, with the
    session's loss, optimizer, batch size, shuffling and L2 (the session is unchanged):
    the two parameters and the objective after every epoch."""
    with store_of(request).use(sid) as s:
        net, c = s.net, s.config
        kx, ky = (body.x, body.y) if body.x and body.y else default_keys(net)
        (nx, ix), (ny, iy) = parse_key(net, kx), parse_key(net, ky)
        X, T = training_rows(s)
        work = len(X) * net.n_params() * body.epochs * len(body.learning_rates)
        check_limit(work, "max_work", "the work of one request (rows × parameters × epochs "
                    "× learning rates)", "Ask for fewer epochs or learning rates.")
        start = net.params()
        paths = []
        for rate in body.learning_rates:
            copy = net.copy()
            points: list[_EPOCH_POINT] = []

            def record(epoch, history, copy=copy, points=points):
                p = copy.params()
                points.append((epoch, float(p[nx][ix]), float(p[ny][iy]),
                               float(history.loss[-1])))

            stopped = None
            try:
                train(copy, X, T, loss=c["loss"], learning_rate=rate, epochs=body.epochs,
                      batch_size=c["batch_size"], shuffle=c["shuffle"], seed=c["seed"],
                      optimizer=c["optimizer"], alpha=c["alpha"], callbacks=(record,),
                      engine="numpy")
            except NnmathError as exc:
                stopped = " ".join(str(exc).split())
            paths.append({"learning_rate": rate, "stopped": stopped, "points": [
                {"epoch": e, "x": px, "y": py, "loss": loss} for e, px, py, loss in points]})
        with np.errstate(all="ignore"):
            first = net.loss(X, T, loss=c["loss"]) + l2_penalty(start, c["alpha"], len(X))
        _describe(paths, float(first))
        return json_safe({
            "x": kx, "y": ky, "x_symbol": symbol_of(net, nx, ix),
            "y_symbol": symbol_of(net, ny, iy),
            "start": {"epoch": 0, "x": float(start[nx][ix]), "y": float(start[ny][iy]),
                      "loss": first},
            "paths": paths})
