"""The JSON API under ``/api``: each route finds its session, calls the engine, answers.

The session is held for the whole request (:meth:`SessionStore.use`): a second request
on it meanwhile gets 409. Routes are plain functions (FastAPI runs them in its thread
pool), so a long one never blocks the others' sessions.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ..activations import ACTIVATIONS
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from ..training import train
from .heldout import class_weight_of, held_out_rows, training_rows
from .limits import LIMITS, check_limit, steps_per_epoch
from .schemas import (
    CONFIG_KEYS,
    ConfigIn,
    Empty,
    Error,
    NewSession,
    Options,
    ParamIn,
    Rows,
    SampleIn,
    State,
    Step,
    TrainIn,
)
from .sessions import SessionStore, UnknownError
from .setup import (
    DATASET_KEYS,
    DATASET_LABELS,
    DATASETS,
    DEFAULTS,
    HIDDEN_ACTIVATIONS,
    UPLOADED,
)
from .views import rows, state, step, trace_of

__all__ = ["router", "ERRORS", "store_of"]

router = APIRouter(prefix="/api")

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Error, "description": text} for status, text in (
        (400, "a bad value: the CLI's message"),
        (403, "a request that changes state from another site (no same-origin proof)"),
        (404, "unknown session or parameter"),
        (409, "the session is busy with another request"),
        (413, "a limit of the server (the message names it)"),
        (503, "the server is stopping"))}


def store_of(request: Request) -> SessionStore:
    return request.app.state.store


@router.get("/options", response_model=Options)
def options() -> dict[str, Any]:
    """What the page offers, from the engine's registries (activations, losses, optimizers)
    and the server's limits and configuration: the page keeps no copy of any of them."""
    return {"datasets": list(DATASETS), "dataset_keys": DATASET_KEYS,
            "dataset_labels": DATASET_LABELS, "uploaded_dataset": UPLOADED,
            "activations": list(ACTIVATIONS), "hidden_activations": HIDDEN_ACTIVATIONS,
            "losses": list(LOSSES), "optimizers": list(OPTIMIZERS),
            "config_keys": CONFIG_KEYS, "limits": LIMITS.model_dump(), "defaults": DEFAULTS}


@router.post("/sessions", status_code=201, response_model=State, responses=ERRORS)
def new_session(request: Request, body: NewSession | None = None):
    """A new session (one per page load); without a config, the article's network B."""
    config = body.config.model_dump(exclude_none=True) if body and body.config else {}
    store = store_of(request)
    session = store.create(config)
    with store.use(session.sid) as s:
        return state(s)


@router.get("/sessions/{sid}", response_model=State, responses=ERRORS)
def get_session(request: Request, sid: str):
    with store_of(request).use(sid) as s:
        return state(s)


@router.get("/sessions/{sid}/data", response_model=Rows, responses=ERRORS)
def get_data(request: Request, sid: str):
    """The data's first rows (State.data.n_shown of them): a State never carries them, so
    the page asks once for each data a session holds (when State.data.version changes)."""
    with store_of(request).use(sid) as s:
        return rows(s)


@router.delete("/sessions/{sid}", status_code=204, response_class=Response, responses=ERRORS)
def delete_session(request: Request, sid: str):
    store_of(request).delete(sid)
    return Response(status_code=204)


@router.put("/sessions/{sid}/config", response_model=State, responses=ERRORS)
def put_config(request: Request, sid: str, body: ConfigIn):
    """Change the configuration: new data and/or network (epoch 0) when their keys change,
    else the training settings only."""
    with store_of(request).use(sid) as s:
        s.configure(body.model_dump(exclude_none=True))
        s.quizzes.clear()
        return state(s)


@router.put("/sessions/{sid}/param", response_model=State, responses=ERRORS)
def put_param(request: Request, sid: str, body: ParamIn):
    """Set one weight or bias (``W1`` with ``index [i, j]``, ``b1`` with ``[j]``); the
    history starts again at epoch 0."""
    with store_of(request).use(sid) as s:
        params = s.net.params()
        if body.name not in params:
            raise UnknownError(f"the parameter must be one of {', '.join(params)}. Got "
                               f"{body.name!r}.")
        p = params[body.name]
        index = tuple(body.index)
        if len(index) != p.ndim or any(i >= n for i, n in zip(index, p.shape)):
            raise UnknownError(f"the index of {body.name} must be {p.ndim} number(s) within "
                               f"its shape {list(p.shape)}. Got {list(index)}.")
        p[index] = body.value
        s.restart()
        return state(s)


@router.put("/sessions/{sid}/sample", response_model=State, responses=ERRORS)
def put_sample(request: Request, sid: str, body: SampleIn):
    """Select the sample (a row of the data, from 0; the page shows it from 1, as
    ``nnmath explain --row`` counts) that a step is taken on."""
    with store_of(request).use(sid) as s:
        s.select(body.index)
        s.quizzes.clear()
        s.stepped = None           # the step just taken was another row's
        return state(s)


@router.post("/sessions/{sid}/step", response_model=Step, responses=ERRORS)
def post_step(request: Request, sid: str, body: Empty | None = None):
    """One gradient step on the selected sample, recorded number by number, NOT applied."""
    with store_of(request).use(sid) as s:
        return step(trace_of(s))


@router.post("/sessions/{sid}/update", response_model=State, responses=ERRORS)
def post_update(request: Request, sid: str, body: Empty | None = None):
    """Apply that step: the parameters become the trace's ``updated`` (epoch unchanged)."""
    with store_of(request).use(sid) as s:
        s.stepped = trace_of(s)        # its derivation stays one click away (at=step)
        s.net.set_params(s.stepped.updated)
        s.quizzes.clear()
        return state(s)


@router.post("/sessions/{sid}/train", response_model=State, responses=ERRORS)
def post_train(request: Request, sid: str, body: TrainIn | None = None):
    """Epochs of the configured loss, optimizer and batch size over all rows
    (:func:`nnmath.training.train`). A run that fails leaves the network as it was.
    Momentum and Adam go on from the last request's state (``Session.optimizer``);
    with ``shuffle``, each request's epochs are shuffled with ``seed + epoch``.
    Bounded by counts (413 beyond): max_epochs_per_request, max_work (rows × parameters
    × epochs) and max_steps (steps × layers); the State's max_epochs_now is the most."""
    epochs = 1 if body is None else body.epochs
    with store_of(request).use(sid) as s:
        c = s.config
        check_limit(epochs, "max_epochs_per_request", "the epochs of one request",
                    "Ask again for the rest.")
        work = len(s.data) * s.net.n_params() * epochs
        check_limit(work, "max_work", "the work of one request (rows × parameters × epochs)",
                    "Ask for fewer epochs (max_epochs_now in the State).")
        steps = steps_per_epoch(len(s.data), c["batch_size"], len(s.net.layers)) * epochs
        check_limit(steps, "max_steps", "the steps of one request (epochs × ⌈rows / batch "
                    "size⌉ × layers)", "Ask for fewer epochs (max_epochs_now in the State) "
                    "or use a larger batch size.")
        net, optimizer = s.net.copy(), s.optimizer()
        history = train(net, *training_rows(s), loss=c["loss"],
                        learning_rate=c["learning_rate"], epochs=epochs,
                        batch_size=c["batch_size"], shuffle=c["shuffle"],
                        seed=c["seed"] + s.epoch, optimizer=optimizer, engine="numpy",
                        alpha=c["alpha"], validation_data=held_out_rows(s),
                        class_weight=class_weight_of(s))
        s.net = net
        s.keep_optimizer(optimizer)
        s.add_history(history.loss, history.val_loss)
        s.stepped = None
        s.quizzes.clear()
        return state(s)
