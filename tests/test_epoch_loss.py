"""The epoch's loss: exact (the cost over all rows) or the running mean of the batch losses.

``train(..., epoch_loss=...)`` chooses what ``History.loss`` records; ``History.loss_kind``
says which. The running mean is checked against a hand computation: the steps redone one
batch at a time, each batch's loss computed with NumPy from the network's outputs before
that batch's update (the readable engine's ``backprop`` trace gives only the gradients),
then the mean over the epoch's batches.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnmath import Dense, Network
from nnmath.backprop import backprop
from nnmath.errors import ConfigError, ModelFileError
from nnmath.history import History
from nnmath.training import EXACT_LOSS_MAX_WORK, epoch_loss_kind

ENGINES = ["readable", "numpy", "python", "numba"]


def _net():
    rng = np.random.default_rng(4)
    return Network([Dense(3, 4, "tanh", rng=rng), Dense(4, 2, "sigmoid", rng=rng)])


def _data():
    rng = np.random.default_rng(9)
    return rng.normal(size=(7, 3)), rng.uniform(0, 1, size=(7, 2))


def _by_hand(net, X, T, epochs, batch_size, learning_rate, alpha):
    """Plain SGD on ½SSR with the L2 penalty, batch after batch in order: each epoch's
    mean of the batch losses, every batch loss taken before its own update."""
    net = net.copy()
    means = []
    for _ in range(epochs):
        batch_losses = []
        for start in range(0, X.shape[0], batch_size):
            Xb, Tb = X[start:start + batch_size], T[start:start + batch_size]
            m = Xb.shape[0]
            y_hat = net.forward(Xb)
            weights = sum(float(np.sum(layer.W ** 2)) for layer in net.layers)
            batch_losses.append(float(np.mean(0.5 * np.sum((y_hat - Tb) ** 2, axis=1)))
                                + alpha / (2 * m) * weights)
            gradients = backprop(net.layers, Xb, Tb, "ssr").gradients()
            for ell, layer in enumerate(net.layers, start=1):
                layer.W -= learning_rate * (gradients[f"W{ell}"] + alpha / m * layer.W)
                layer.b -= learning_rate * gradients[f"b{ell}"]
        means.append(sum(batch_losses) / len(batch_losses))
    return means, net


@pytest.mark.parametrize("engine", ENGINES)
def test_the_running_mean_is_the_mean_of_the_batch_losses(engine):
    X, T = _data()
    means, expected = _by_hand(_net(), X, T, epochs=5, batch_size=3, learning_rate=0.3,
                               alpha=0.05)
    net = _net()
    history = net.fit(X, T, loss="ssr", learning_rate=0.3, epochs=5, batch_size=3, alpha=0.05,
                      engine=engine, epoch_loss="running")
    assert history.loss_kind == "running mean"
    # 3 batches of at most 3 rows, 4-term sums: a few ulps of numbers near 1
    np.testing.assert_allclose(history.loss, means, rtol=0, atol=1e-13)
    for name, p in expected.params().items():
        np.testing.assert_allclose(net.params()[name], p, rtol=0, atol=1e-13)
    # the exact loss before training, in either kind
    exact = _net().fit(X, T, loss="ssr", epochs=1, alpha=0.05, epoch_loss="exact",
                       engine=engine)
    assert exact.loss_kind == "exact"
    assert history.initial_loss == pytest.approx(exact.initial_loss, abs=1e-15)


def test_the_exact_loss_is_the_cost_over_all_rows_after_the_epoch():
    X, T = _data()
    _, after_one = _by_hand(_net(), X, T, epochs=1, batch_size=3, learning_rate=0.3, alpha=0.0)
    history = _net().fit(X, T, loss="ssr", learning_rate=0.3, epochs=1, batch_size=3,
                         epoch_loss="exact")
    cost = float(np.mean(0.5 * np.sum((after_one.forward(X) - T) ** 2, axis=1)))
    assert history.loss[0] == pytest.approx(cost, abs=1e-14)


def test_auto_keeps_the_exact_loss_for_small_data_only():
    assert epoch_loss_kind("auto", 14, 7) == "exact"
    assert epoch_loss_kind("auto", EXACT_LOSS_MAX_WORK, 1) == "exact"
    assert epoch_loss_kind("auto", EXACT_LOSS_MAX_WORK + 1, 1) == "running mean"
    assert epoch_loss_kind("exact", 10 ** 9, 10 ** 3) == "exact"
    X, T = _data()
    assert _net().fit(X, T, epochs=1).loss_kind == "exact"


@pytest.mark.parametrize("wrong", ["mean", "", None, True])
def test_a_wrong_epoch_loss_is_a_clear_error(wrong):
    X, T = _data()
    with pytest.raises(ConfigError, match="epoch_loss must be one of 'auto', 'exact', "
                                          "'running'"):
        _net().fit(X, T, epochs=1, epoch_loss=wrong)


def test_the_kind_is_recorded_shown_and_read_back(tmp_path):
    X, T = _data()
    net = _net()
    history = net.fit(X, T, epochs=2, epoch_loss="running")
    assert "loss_kind='running mean'" in repr(history)
    assert "running mean of the epoch&#x27;s batch losses" in history._repr_html_() or \
        "running mean of the epoch's batch losses" in history._repr_html_()
    record = json.loads(json.dumps(history.record()))
    assert record["loss_kind"] == "running mean"
    assert History.from_dict(record).loss_kind == "running mean"
    assert history.to_dict()["loss_kind"] == "running mean"
    # a model file written before loss_kind existed: exact
    del record["loss_kind"]
    assert History.from_dict(record).loss_kind == "exact"
    record["loss_kind"] = "sometimes"
    with pytest.raises(ModelFileError, match='"history.loss_kind" must be one of'):
        History.from_dict(record)
    exact = _net().fit(X, T, epochs=2)
    assert "loss_kind" not in repr(exact) and "loss_kind" not in exact.record()
    assert History.from_dict(exact.record()).loss_kind == "exact"


def test_the_command_says_which_loss_it_recorded(tmp_path, cli):
    rows = ["x1,x2,y"] + [f"{i % 7},{(i * 3) % 5},{i % 2}" for i in range(40)]
    data = tmp_path / "d.csv"
    data.write_text("\n".join(rows) + "\n")
    model = tmp_path / "m.json"
    ran = cli("train", str(data), "--target", "y", "--epochs", "3", "--epoch-loss", "running",
              "--save", str(model))
    assert ran.returncode == 0, ran.stderr
    assert "the loss after each epoch is the running mean of its batch losses" in ran.stdout
    assert json.loads(model.read_text())["history"]["loss_kind"] == "running mean"
    as_json = cli("train", str(data), "--target", "y", "--epochs", "3", "--json")
    assert json.loads(as_json.stdout)["history"]["loss_kind"] == "exact"
    plain = cli("train", str(data), "--target", "y", "--epochs", "3")
    assert "running mean" not in plain.stdout
