"""Sessions: one browser tab's data, network, settings and training history.

A :class:`SessionStore` keeps at most ``max_sessions``; a new session evicts the one idle
the longest (one that is busy is never evicted). It also keeps the bytes of all its
sessions' arrays (:func:`~nnmath.web.memory.held_bytes`) under ``max_total_bytes``,
ending the sessions idle the longest first; a request on an ended session gets a 404
that says why. A session serves one request at a time: :meth:`SessionStore.use`
refuses a second with :class:`BusyError` (HTTP 409) instead of queueing it.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np

from ..datasets import Dataset
from ..errors import ConfigError, NnmathError, must_be
from ..inference import scaling_of
from ..network import Network
from ..optimizers import SGD, get_optimizer
from ..trace import Trace
from .heldout import HELD_KEYS, held_out_loss, objective
from .limits import LIMITS, MAX_HISTORY, LimitError
from .memory import held_bytes
from .quiz import Question
from .schemas import recorded_settings
from .setup import DEFAULTS, UPLOADED, first_sample, fit_model, head_of, rebuilt, targets

__all__ = ["Session", "SessionStore", "UnknownError", "BusyError", "MAX_QUIZZES",
           "ENDED_KEPT"]

MAX_QUIZZES = 16
ENDED_KEPT = 4096
"""Ids of ended sessions remembered, to tell their tab why (the newest ones)."""


class UnknownError(NnmathError):
    """An unknown session, parameter or quiz (HTTP 404)."""


class BusyError(NnmathError):
    """The session is serving another request (HTTP 409)."""


class Session:
    """One tab's state. ``net`` is trained in place; ``history`` holds ``(epoch, loss)``.

    Every attribute is made here; :meth:`_adopt` alone changes the configuration, the data
    and the network together (and what follows from them: the sample, the history)."""

    def __init__(self, sid: str, config: dict, model: Network | None = None,
                 data: Dataset | None = None):
        self.sid = sid
        self.lock = threading.Lock()
        self.uploaded = data          # the Dataset of an uploaded CSV file
        self.quizzes: OrderedDict[str, tuple[Question, Trace]] = OrderedDict()
        self.quiz_count = itertools.count()
        # (settings, parameters, optimizer) as the last train request left them
        self._kept: tuple[tuple[str, float], dict[str, np.ndarray], SGD] | None = None
        self.epoch = 0
        self.history: list[tuple[int, float]] = []
        self.data_version = 0         # counts the data this session has held (GET .../data)
        self.test_history: list[tuple[int, float]] = []   # the held-out rows' loss
        self.stepped: Trace | None = None    # the step the last Update applied
        if model is None:
            start = {"dataset": UPLOADED, **head_of(DEFAULTS, data), **config} \
                if data is not None else config
            self.config, self.data, self.net = rebuilt(DEFAULTS, start, uploaded=data)
        else:
            fitted, self.data = fit_model(model, dict(DEFAULTS), uploaded=data)
            self.config, self.net = {**fitted, **recorded_settings(model.info)}, model
        self.sample = first_sample(self.config)
        self.restart()
        if model is not None and config:
            self.configure(config)

    # -- what the session holds -------------------------------------------------------
    def _adopt(self, config: dict, data: Dataset, net: Network) -> None:
        """Hold ``config``, ``data`` and ``net``: new data selects its first sample, a new
        network starts again at epoch 0."""
        new_data, new_net = data is not self.data, net is not self.net
        self.config, self.data, self.net = config, data, net
        if new_data:
            self.sample = first_sample(config)
            self.data_version += 1
        if new_net:
            self.restart()

    def configure(self, changes: dict) -> None:
        """Apply a (partial) configuration: new data and/or network when their keys
        change, else only the training settings; the loss must fit the network."""
        before = {key: self.config.get(key) for key in HELD_KEYS}
        self._adopt(*rebuilt(self.config, changes, self.data, self.net, self.uploaded))
        if any(self.config.get(key) != value for key, value in before.items()):
            self.restart()    # the loss is measured on other rows, or with another penalty

    def use_data(self, data: Dataset) -> None:
        """An uploaded CSV file's data, with a new network that fits it: the hidden layers
        kept, the output layer and the loss chosen for the task as ``nnmath train``
        chooses them (:func:`~nnmath.web.setup.head_of`), the inputs standardised."""
        config, data, net = rebuilt(self.config, {"dataset": UPLOADED,
                                                  **head_of(self.config, data)},
                                    uploaded=data)
        self.uploaded = data
        self._adopt(config, data, net)

    def use_model(self, net: Network) -> None:
        """A model file's network, on data it fits (:func:`~nnmath.web.setup.fit_model`),
        with the training settings its file records."""
        config, data = fit_model(net, self.config, self.data, self.uploaded)
        self._adopt({**config, **recorded_settings(net.info)}, data, net)

    def restart(self) -> None:
        """Epoch 0: the history starts again from the loss of the current network."""
        self.epoch = 0
        self.history = [(0, self.loss())]
        test = held_out_loss(self)
        self.test_history = [] if test is None else [(0, test)]
        self.stepped = None
        self.quizzes.clear()

    @property
    def T(self) -> np.ndarray:
        return targets(self.net, self.data)

    def inputs(self, X: np.ndarray) -> np.ndarray:
        """The network's inputs for raw rows ``X``: scaled as the model file says, if it
        stores a scaling (``nnmath train`` does), as ``nnmath predict`` scales them."""
        scaling = scaling_of(self.net)
        return X if scaling is None else scaling.apply(X)

    def loss(self) -> float:
        """The mean loss of the network on the training rows (all rows unless some are
        held out), plus the L2 penalty: :func:`~nnmath.web.heldout.objective`."""
        return objective(self)

    def select(self, index: int) -> None:
        n = len(self.data)
        if not 0 <= index < n:
            raise ConfigError(must_be("the sample", f"a row from 0 to {n - 1}", index))
        self.sample = index

    def add_quiz(self, question: Question, trace: Trace) -> None:
        """Keep a question (and the step it is about) for its answer; the newest
        :data:`MAX_QUIZZES`."""
        self.quizzes[question.qid] = (question, trace)
        while len(self.quizzes) > MAX_QUIZZES:
            self.quizzes.popitem(last=False)

    def quiz(self, qid: str) -> tuple[Question, Trace]:
        if qid not in self.quizzes:
            raise UnknownError(must_be("the quiz", f"one of the last {MAX_QUIZZES} asked in "
                                       "this session", qid, "Ask a new question."))
        return self.quizzes[qid]

    def optimizer(self) -> SGD:
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

    def keep_optimizer(self, optimizer: SGD) -> None:
        """After a train request: the optimizer and the parameters it left."""
        params = {name: p.copy() for name, p in self.net.params().items()}
        self._kept = ((self.config["optimizer"], self.config["learning_rate"]), params,
                      optimizer)

    def add_history(self, losses: Iterable[float], test_losses: Iterable[float] = ()
                    ) -> None:
        """The epochs of a train request: each one's loss (and held-out loss, if any)."""
        first = self.epoch
        for loss in losses:
            self.epoch += 1
            self.history.append((self.epoch, float(loss)))
        self.test_history += [(first + k, float(loss)) for k, loss in
                              enumerate(test_losses, start=1)]
        self.history, self.test_history = _thinned(self.history), _thinned(self.test_history)


def _thinned(points: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """At most :data:`MAX_HISTORY` points: every other one dropped, the first and the last
    kept, until they fit."""
    while len(points) > MAX_HISTORY:
        points = points[:1] + points[2::2] + ([points[-1]] if len(points) % 2 == 0 else [])
    return points


class SessionStore:
    """The server's sessions, by id (a random URL-safe token).

    ``max_total_bytes`` bounds the bytes of all sessions' arrays together: after each
    request (and each new session) the sessions idle the longest are ended, oldest first,
    until the sum is under it (a busy session, and the one just served, are kept). A tab
    whose session was ended is told why (:meth:`get`)."""

    def __init__(self, max_sessions: int = LIMITS.max_sessions, model: Network | None = None,
                 data: Dataset | None = None, max_total_bytes: int = LIMITS.max_total_bytes):
        self.max_sessions = max_sessions
        self.max_total_bytes = max_total_bytes
        self.model, self.data = model, data
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._bytes: dict[str, int] = {}          # each session's, as last measured
        self._ended: OrderedDict[str, str] = OrderedDict()   # sid -> why it was ended
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    @property
    def total_bytes(self) -> int:
        """The bytes of all sessions' arrays, as last measured (after their last request)."""
        with self._lock:
            return sum(self._bytes.values())

    def create(self, config: dict) -> Session:
        """A new session (its network and data built first: a bad config makes none)."""
        session = Session(secrets.token_urlsafe(16), config,
                          None if self.model is None else self.model.copy(), self.data)
        with self._lock:
            while len(self._sessions) >= self.max_sessions:
                idle = self._idle_oldest(keep=None)
                if idle is None:
                    raise LimitError(must_be("the sessions", f"at most {self.max_sessions} "
                                             "(max_sessions, a limit of nnmath serve), all "
                                             "busy", len(self._sessions) + 1,
                                             "Try again when a request has finished."))
                self._end(idle, f"{self.max_sessions} newer sessions were opened since it "
                                "was last used (max_sessions, a limit of nnmath serve)")
            self._sessions[session.sid] = session
            self._bytes[session.sid] = held_bytes(session)
            self._fit_budget(keep=session.sid)
        return session

    def _idle_oldest(self, keep: str | None) -> str | None:
        """The session idle the longest that no request is using (not ``keep``)."""
        return next((sid for sid, s in self._sessions.items()
                     if sid != keep and not s.lock.locked()), None)

    def _end(self, sid: str, why: str) -> None:
        self._sessions.pop(sid, None)
        self._bytes.pop(sid, None)
        self._ended[sid] = why
        while len(self._ended) > ENDED_KEPT:
            self._ended.popitem(last=False)

    def _fit_budget(self, keep: str) -> None:
        """End the sessions idle the longest until all sessions' arrays fit the budget
        (with ``self._lock`` held)."""
        while sum(self._bytes.values()) > self.max_total_bytes:
            idle = self._idle_oldest(keep)
            if idle is None:
                return
            self._end(idle, "the server keeps the arrays of all sessions under "
                      f"{self.max_total_bytes:,} bytes (max_total_bytes, a limit of nnmath "
                      "serve) and this one was idle the longest")

    def get(self, sid: str) -> Session:
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                if sid in self._ended:
                    raise UnknownError(f"this tab's session was ended: {self._ended[sid]}. "
                                       "Reload the page for a new session (the address keeps "
                                       "your configuration).")
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
                self._bytes.pop(sid, None)

    @contextmanager
    def use(self, sid: str) -> Iterator[Session]:
        """The session ``sid``, for this request only: a second request meanwhile gets
        :class:`BusyError`. Afterwards its arrays are measured again, and the budget kept."""
        session = self.get(sid)
        if not session.lock.acquire(blocking=False):
            raise BusyError("this session is busy with another request (one at a time per "
                            "session). Wait for it to finish, then try again.")
        try:
            yield session
        finally:
            size = held_bytes(session)
            session.lock.release()
            with self._lock:
                if sid in self._sessions:
                    self._bytes[sid] = size
                    self._fit_budget(keep=sid)
