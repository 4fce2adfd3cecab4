"""Sessions: one browser tab's data, network, settings and training history.

A :class:`SessionStore` keeps at most :data:`~nnmath.web.limits.MAX_SESSIONS`; a new
session evicts the one idle the longest (one that is busy is never evicted). A session
serves one request at a time: :meth:`SessionStore.use` refuses a second with
:class:`BusyError` (HTTP 409) instead of queueing it.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np

from ..errors import ConfigError, NnmathError, must_be
from ..inference import scaling_of
from ..losses import loss_for
from ..network import Network
from ..optimizers import get_optimizer
from .limits import MAX_HISTORY, MAX_SESSIONS, LimitError
from .setup import (
    DATA_KEYS,
    DEFAULT_SAMPLE,
    DEFAULTS,
    NETWORK_KEYS,
    check_fits,
    config_of_network,
    head_of,
    make_data,
    make_network,
    merged,
    targets,
)

__all__ = ["Session", "SessionStore", "UnknownError", "BusyError", "MAX_QUIZZES"]

MAX_QUIZZES = 16


class UnknownError(NnmathError):
    """An unknown session, parameter or quiz (HTTP 404)."""


class BusyError(NnmathError):
    """The session is serving another request (HTTP 409)."""


class Session:
    """One tab's state. ``net`` is trained in place; ``history`` holds ``(epoch, loss)``."""

    def __init__(self, sid: str, config: dict, model: Network | None = None, data=None):
        self.sid = sid
        self.lock = threading.Lock()
        self.uploaded = data          # the Dataset of an uploaded CSV file
        self.quizzes: OrderedDict = OrderedDict()   # id -> (Question, Trace)
        self.quiz_count = itertools.count()
        self.config = dict(DEFAULTS)
        self._kept = None   # (settings, parameters, optimizer) as the last train left them
        if model is None:
            self.configure({"dataset": "csv", **head_of(self.config, data), **config}
                           if data is not None else config)
        else:
            self.use_model(model)
            if config:
                self.configure(config)

    # -- what the session holds -------------------------------------------------------
    def configure(self, changes: dict) -> None:
        """Apply a (partial) configuration: new data and/or network when their keys
        change, else only the training settings; the loss must fit the network."""
        config = merged(self.config, changes)
        new_data = not hasattr(self, "data") or any(config[k] != self.config[k]
                                                    for k in DATA_KEYS)
        data = make_data(config, self.uploaded) if new_data else self.data
        new_net = new_data or any(config[k] != self.config[k] for k in NETWORK_KEYS)
        net = make_network(config, data) if new_net else self.net
        check_fits(net, data, config["loss"])
        self.config, self.data, self.net = config, data, net
        if new_data:
            self.sample = DEFAULT_SAMPLE if config["dataset"] == "psa" else 0
        if new_net:
            self.restart()

    def use_data(self, data) -> None:
        """An uploaded CSV file's data, with a new network that fits it: the hidden layers
        kept, the output layer and the loss chosen for the task as ``nnmath train``
        chooses them (:func:`~nnmath.web.setup.head_of`), the inputs standardised."""
        old = (self.uploaded, self.config)
        self.uploaded = data
        try:
            self.config = {**self.config, "dataset": "psa"}   # the data key changes
            self.configure({"dataset": "csv", **head_of(self.config, data)})
        except NnmathError:
            self.uploaded, self.config = old
            raise

    def use_model(self, net: Network) -> None:
        """A model file's network, on data it fits: the current data, else the uploaded
        CSV file's, else PSA (one input) or a toy set (two inputs); with the model's loss, else ``ssr`` (as ``nnmath explain
        --model`` takes it), else the one that fits its output layer."""
        current = getattr(self, "data", None)
        options = [] if current is None else [(self.config, current)]
        names = ("csv", "psa", "circle") if self.uploaded is not None else ("psa", "circle")
        options += [({**self.config, "dataset": name}, None) for name in names]
        losses = [net.info["loss"]] if net.info.get("loss") else \
            [DEFAULTS["loss"], loss_for(net.layers[-1].activation)]   # nnmath explain's
        first_error = None
        for (config, data), loss in itertools.product(options, losses):
            try:
                data = data if data is not None else make_data(config, self.uploaded)
                check_fits(net, data, loss)
            except LimitError:
                raise
            except NnmathError as exc:
                first_error = first_error or exc
                continue
            self.config = config_of_network({**config, "loss": loss}, net)
            if data is not current:
                self.sample = DEFAULT_SAMPLE if config["dataset"] == "psa" else 0
            self.data, self.net = data, net
            self.restart()
            return
        raise first_error

    def restart(self) -> None:
        """Epoch 0: the history starts again from the loss of the current network."""
        self.epoch = 0
        self.history = [(0, self.loss())]
        self.quizzes.clear()

    @property
    def T(self) -> np.ndarray:
        return targets(self.net, self.data)

    def inputs(self, X) -> np.ndarray:
        """The network's inputs for raw rows ``X``: scaled as the model file says, if it
        stores a scaling (``nnmath train`` does), as ``nnmath predict`` scales them."""
        scaling = scaling_of(self.net)
        return X if scaling is None else scaling.apply(X)

    def loss(self) -> float:
        """The mean loss of the network on all rows of the data (the configured loss)."""
        with np.errstate(all="ignore"):
            return float(self.net.loss(self.inputs(self.data.X), self.T,
                                       loss=self.config["loss"]))

    def select(self, index: int) -> None:
        n = len(self.data)
        if not 0 <= index < n:
            raise ConfigError(must_be("the sample", f"a row from 0 to {n - 1}", index))
        self.sample = index

    def add_quiz(self, question, trace) -> None:
        """Keep a question (and the step it is about) for its answer; the newest
        :data:`MAX_QUIZZES`."""
        self.quizzes[question.qid] = (question, trace)
        while len(self.quizzes) > MAX_QUIZZES:
            self.quizzes.popitem(last=False)

    def quiz(self, qid: str):
        if qid not in self.quizzes:
            raise UnknownError(must_be("the quiz", f"one of the last {MAX_QUIZZES} asked in "
                                       "this session", qid, "Ask a new question."))
        return self.quizzes[qid]

    def optimizer(self):
        """The optimizer a train request goes on with: a copy of the one the last request
        left (its momentum velocity or Adam moments and step count kept), while the
        network's parameters and the optimizer's settings are as that request left them,
        so that many requests of a few epochs train as one run does; else a fresh one
        (after an edited weight, an update, a new network or new settings)."""
        settings = (self.config["optimizer"], self.config["learning_rate"])
        if self._kept is not None and self._kept[0] == settings and all(
                np.array_equal(p, self._kept[1][name]) for name, p in self.net.params().items()):
            return copy.deepcopy(self._kept[2])
        return get_optimizer(*settings)

    def keep_optimizer(self, optimizer) -> None:
        """After a train request: the optimizer and the parameters it left."""
        params = {name: p.copy() for name, p in self.net.params().items()}
        self._kept = ((self.config["optimizer"], self.config["learning_rate"]), params,
                      optimizer)

    def add_history(self, losses) -> None:
        for loss in losses:
            self.epoch += 1
            self.history.append((self.epoch, float(loss)))
        while len(self.history) > MAX_HISTORY:   # keep the first and the last points
            self.history = self.history[:1] + self.history[2::2] + (
                [self.history[-1]] if len(self.history) % 2 == 0 else [])


class SessionStore:
    """The server's sessions, by id (a random URL-safe token)."""

    def __init__(self, max_sessions: int = MAX_SESSIONS, model: Network | None = None,
                 data=None):
        self.max_sessions = max_sessions
        self.model, self.data = model, data
        self._sessions: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self, config: dict) -> Session:
        """A new session (its network and data built first: a bad config makes none)."""
        session = Session(secrets.token_urlsafe(16), config,
                          None if self.model is None else self.model.copy(), self.data)
        with self._lock:
            while len(self._sessions) >= self.max_sessions:
                idle = next((sid for sid, s in self._sessions.items() if not s.lock.locked()),
                            None)
                if idle is None:
                    raise LimitError(must_be("the sessions", f"at most {self.max_sessions} "
                                             "(max_sessions, a limit of nnmath serve), all "
                                             "busy", len(self._sessions) + 1,
                                             "Try again when a request has finished."))
                del self._sessions[idle]
            self._sessions[session.sid] = session
        return session

    def get(self, sid: str) -> Session:
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                raise UnknownError(must_be("the session", "one this server made (sessions "
                                           "end when the server restarts or when "
                                           f"{self.max_sessions} newer ones evict them)", sid,
                                           "Reload the page for a new session."))
            self._sessions.move_to_end(sid)    # the most recently used is evicted last
            return session

    def delete(self, sid: str) -> None:
        with self.use(sid):
            with self._lock:
                self._sessions.pop(sid, None)

    @contextmanager
    def use(self, sid: str):
        """The session ``sid``, for this request only: a second request meanwhile gets
        :class:`BusyError`."""
        session = self.get(sid)
        if not session.lock.acquire(blocking=False):
            raise BusyError("this session is busy with another request (one at a time per "
                            "session). Wait for it to finish, then try again.")
        try:
            yield session
        finally:
            session.lock.release()
