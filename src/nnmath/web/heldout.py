"""Train and test rows, and the objective a session trains: a held-out share and L2.

A configuration's ``test_share`` (0 by default: every row trains) holds out that share of
the rows as a test set, drawn by :func:`nnmath.datasets.split.split_indices` with the
configuration's ``seed`` (stratified by class for classification); ``alpha`` is the L2
penalty of :mod:`nnmath.regularization`. The loss a session shows and its history are
the objective :func:`nnmath.training.train` records: the mean loss over the *training*
rows plus ``alpha / (2 n) · Σ W²``; the test loss beside it is the plain mean loss over
the test rows (as ``History.val_loss``).

>>> from nnmath import datasets
>>> data = datasets.psa()
>>> train, test = split_rows(data, {"test_share": 0.25, "seed": 0})
>>> len(train), len(test)
(10, 4)
>>> split_rows(data, {"test_share": 0.0, "seed": 0})[1].size
0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..datasets import Dataset
from ..datasets.split import split_indices
from ..regularization import l2_penalty

__all__ = ["split_rows", "training_rows", "held_out_rows", "objective", "held_out_loss",
           "extra_state", "HELD_KEYS", "class_weight_of", "session_loss"]

HELD_KEYS = ("test_share", "alpha")
"""Configuration keys that change what a loss is measured on (the history starts again)."""


def split_rows(data: Dataset, config: dict) -> tuple[np.ndarray, np.ndarray]:
    """``(train, test)`` row indices of ``data`` for ``config``'s ``test_share`` and
    ``seed`` (no test rows for a share of 0)."""
    share = float(config.get("test_share") or 0.0)
    n = len(data)
    if share <= 0:
        return np.arange(n), np.arange(0)
    return split_indices(data.y, test_size=share, seed=config["seed"],
                         stratify=data.task != "regression")


def _rows(session, which: int) -> tuple[np.ndarray, np.ndarray]:
    rows = split_rows(session.data, session.config)[which]
    return session.inputs(session.data.X[rows]), session.T[rows]


def training_rows(session) -> tuple[np.ndarray, np.ndarray]:
    """``(X, T)`` of the rows a session trains on: the network's inputs and targets."""
    return _rows(session, 0)


def held_out_rows(session) -> tuple[np.ndarray, np.ndarray] | None:
    """``(X, T)`` of the held-out rows, or None when none are held out."""
    X, T = _rows(session, 1)
    return (X, T) if len(X) else None


def class_weight_of(session) -> list | None:
    """The class weights the session's network records (a model file trained with
    ``--class-weight``), when they fit its data's classes; else None. The page trains and
    measures that weighted loss, as ``nnmath explain --model`` explains it."""
    weights = session.net.info.get("class_weight") if isinstance(session.net.info, dict) \
        else None
    data = session.data
    if weights is None or data.task == "regression" or len(weights) != data.n_classes:
        return None
    return list(weights)


def session_loss(session):
    """The configured loss, with the network's class weights (:func:`class_weight_of`)."""
    from ..losses import get_loss

    weights = class_weight_of(session)
    name = session.config["loss"]
    return name if weights is None else get_loss(name).weighted(weights)


def objective(session, net=None) -> float:
    """The mean configured loss of ``net`` (the session's by default) over the training
    rows, plus the L2 penalty: the number ``train`` records as an epoch's loss."""
    net = session.net if net is None else net
    X, T = training_rows(session)
    with np.errstate(all="ignore"):
        value = float(net.loss(X, T, loss=session_loss(session)))
    return value + l2_penalty(net.params(), float(session.config.get("alpha") or 0.0),
                              X.shape[0])


def held_out_loss(session) -> float | None:
    """The mean configured loss over the held-out rows (no penalty), or None."""
    rows = held_out_rows(session)
    if rows is None:
        return None
    with np.errstate(all="ignore"):
        return float(session.net.loss(*rows, loss=session_loss(session)))


def extra_state(session) -> dict[str, Any]:
    """The State's keys about held-out rows and the step just taken."""
    test = split_rows(session.data, session.config)[1]
    return {"test_rows": test.tolist(), "test_loss": held_out_loss(session),
            "test_history": [{"epoch": e, "loss": loss} for e, loss in session.test_history],
            "stepped": session.stepped is not None}
