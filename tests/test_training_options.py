"""L2 regularisation, validation, early stopping, metrics and batch callbacks of the loop.

Oracles: central finite differences of the regularised objective; PyTorch's
``weight_decay`` (float64); training loops written out by hand from the engine's
gradients; scikit-learn's accuracy.
"""

import math

import numpy as np
import pytest

from nnmath import Network
from nnmath.backprop import loss_pass
from nnmath.errors import ConfigError, TrainingError
from nnmath.regularization import l2_penalty, objective

from oracles.bounds import forward_bound, gamma, mean_bound


def data(seed=0, n=24, k=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    labels = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
    T = labels[:, None].astype(float) if k == 1 else np.eye(k)[labels]
    return X, T


@pytest.mark.parametrize("loss, out", [("bce", "sigmoid"), ("ssr", "tanh"),
                                       ("cross_entropy", "softmax"), ("mse", "identity")])
def test_l2_gradient_matches_finite_differences(loss, out):
    X, T = data(k=2 if out == "softmax" else 1)
    net = Network.random([3, 4, T.shape[1]], activation="tanh", output_activation=out, seed=2)
    alpha, h = 0.7, 1e-6
    _, grads = objective(net, X, T, loss, alpha)
    for name, p in net.params().items():
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            keep = p[i]
            p[i] = keep + h
            up = objective(net, X, T, loss, alpha)[0]
            p[i] = keep - h
            down = objective(net, X, T, loss, alpha)[0]
            p[i] = keep
            numeric[i] = (up - down) / (2 * h)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-8,
                                   err_msg=f"{name}: mine vs finite differences")


def test_l2_penalty_is_stated_convention():
    net = Network.random([3, 4, 1], seed=0)
    W1, W2 = net.params()["W1"], net.params()["W2"]
    expected = 0.5 / (2 * 8) * (math.fsum(W1.ravel() ** 2) + math.fsum(W2.ravel() ** 2))
    # biases excluded; a sum of 16 squares, then two products: gamma(16 + 4) of the value
    assert l2_penalty(net.params(), 0.5, 8) == pytest.approx(expected, rel=gamma(20), abs=0)
    X, T = data(n=8)
    y_hat, bound = net.forward(X), forward_bound(net.layers, X)
    # the loss: 1/2 mean (y_hat - t)^2 moves by at most mean |y_hat - t| |dy_hat| (twice:
    # either computation), plus the rounding of the sum and of adding the penalty
    loss = net.loss(X, T, "ssr")
    tol = 2 * mean_bound(0.5 * (y_hat - T) ** 2, np.abs(y_hat - T) * bound) + gamma(2) * (
        loss + expected)
    assert abs(objective(net, X, T, "ssr", 0.5)[0] - (loss + expected)) <= tol


def test_l2_training_matches_pytorch_weight_decay():
    torch = pytest.importorskip("torch")
    X, T = data(n=16)
    alpha, lr, n = 0.3, 0.2, 16
    net = Network.random([3, 5, 1], activation="tanh", output_activation="sigmoid", seed=4)
    start = {k: v.copy() for k, v in net.params().items()}
    history = net.fit(X, T, loss="bce", learning_rate=lr, epochs=5, batch_size=None, alpha=alpha)
    # PyTorch: SGD full batch; weight_decay alpha/n on the weights only (our convention)
    Ws = [torch.tensor(start[k], requires_grad=True) for k in ("W1", "W2")]
    bs = [torch.tensor(start[k], requires_grad=True) for k in ("b1", "b2")]
    opt = torch.optim.SGD([{"params": Ws, "weight_decay": alpha / n},
                           {"params": bs, "weight_decay": 0.0}], lr=lr)
    Xt, Tt = torch.tensor(X), torch.tensor(T)
    for _ in range(5):
        opt.zero_grad()
        y_hat = torch.sigmoid(torch.tanh(Xt @ Ws[0] + bs[0]) @ Ws[1] + bs[1])
        torch.nn.functional.binary_cross_entropy(y_hat, Tt).backward()
        opt.step()
    for name, t in zip(("W1", "W2", "b1", "b2"), Ws + bs):
        np.testing.assert_allclose(net.params()[name], t.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)
    with torch.no_grad():
        y_hat = torch.sigmoid(torch.tanh(Xt @ Ws[0] + bs[0]) @ Ws[1] + bs[1])
        J = torch.nn.functional.binary_cross_entropy(y_hat, Tt) + alpha / (2 * n) * sum(
            (W ** 2).sum() for W in Ws)
    assert history.loss[-1] == pytest.approx(float(J), rel=1e-12)


def test_batch_callbacks_report_each_step_before_its_update():
    X, T = data(n=10)
    net = Network.random([3, 2, 1], seed=1)
    replay = net.copy()
    seen = []
    net.fit(X, T, loss="ssr", learning_rate=0.1, epochs=2, batch_size=4, alpha=0.2,
            batch_callbacks=[lambda *a: seen.append(a)])
    assert [(e, b, nb) for e, b, nb, _ in seen] == [(1, 1, 3), (1, 2, 3), (1, 3, 3),
                                                     (2, 1, 3), (2, 2, 3), (2, 3, 3)]
    for (_, batch, _, batch_loss), start in zip(seen, [0, 4, 8] * 2):   # hand-written loop
        rows = slice(start, start + 4)

        J, grads = objective(replay, X[rows], T[rows], "ssr", 0.2)
        assert batch_loss == J
        for name, p in replay.params().items():
            p -= 0.1 * grads[name]
    for name, p in net.params().items():
        np.testing.assert_array_equal(p, replay.params()[name])


def test_validation_history_and_metrics():
    sk = pytest.importorskip("sklearn.metrics")
    X, T = data(n=40, k=2)
    X_val, T_val = data(seed=9, n=12, k=2)
    net = Network.random([3, 6, 2], activation="relu", output_activation="softmax", seed=0)
    snapshots = []
    h = net.fit(X, T, loss="cross_entropy", learning_rate=0.05, epochs=6, batch_size=8,
                optimizer="adam", validation_data=(X_val, T_val), metrics=["accuracy"],
                callbacks=[lambda e, hist: snapshots.append(net.copy())])
    assert len(h.val_loss) == len(h.metrics["accuracy"]) == len(h.val_metrics["accuracy"]) == 6
    for e, snap in enumerate(snapshots):
        assert h.val_loss[e] == snap.loss(X_val, T_val, "cross_entropy")
        assert h.loss[e] == snap.loss(X, T, "cross_entropy")
        assert h.metrics["accuracy"][e] == sk.accuracy_score(
            T.argmax(1), snap.forward(X).argmax(1))
        assert h.val_metrics["accuracy"][e] == sk.accuracy_score(
            T_val.argmax(1), snap.forward(X_val).argmax(1))
    assert h.to_dict()["val_loss"] == h.val_loss


def test_validation_fraction_holds_rows_out_stratified():
    X, T = data(n=40)
    net = Network.random([3, 4, 1], seed=0)
    seen = []
    h = net.fit(X, T, loss="bce", learning_rate=0.1, epochs=2, batch_size=5,
                validation_fraction=0.25, seed=3,
                batch_callbacks=[lambda e, b, nb, loss: seen.append(nb)])
    assert h.settings["validation_rows"] == 10 and len(h.val_loss) == 2
    assert set(seen) == {6}                                    # 30 training rows / 5
    from nnmath.datasets import split_indices

    keep, held = split_indices(T[:, 0], 0.25, seed=3)
    probe = Network.random([3, 4, 1], seed=0)
    probe.fit(X[keep], T[keep], loss="bce", learning_rate=0.1, epochs=2, batch_size=5)
    assert probe.loss(X[held], T[held], "bce") == h.val_loss[-1]


def test_early_stopping_keeps_the_best_epoch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    T = rng.integers(0, 2, size=(30, 1)).astype(float)    # noise: the network overfits
    X_val = rng.normal(size=(30, 2))
    T_val = rng.integers(0, 2, size=(30, 1)).astype(float)
    net = Network.random([2, 32, 1], activation="relu", output_activation="sigmoid", seed=0)
    h = net.fit(X, T, loss="bce", learning_rate=0.05, epochs=500, batch_size=10,
                optimizer="adam", validation_data=(X_val, T_val), early_stopping=True,
                patience=5)
    assert h.stop_reason == "early_stopping" and h.epochs < 500
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert h.epochs == h.best_epoch + 5
    assert net.loss(X_val, T_val, "bce") == min(h.val_loss)


def test_seeded_runs_are_bit_for_bit_reproducible():
    X, T = data(n=50, k=3)
    runs = []
    for _ in range(2):
        net = Network.random([3, 8, 3], activation="relu", output_activation="softmax", seed=5)
        h = net.fit(X, T, loss="cross_entropy", learning_rate=0.01, epochs=15, batch_size=7,
                    shuffle=True, seed=11, optimizer="adam", alpha=1e-3,
                    validation_fraction=0.2, early_stopping=True, metrics=["accuracy"])
        runs.append((h.to_dict(), {k: v.tobytes() for k, v in net.params().items()}))
    assert runs[0] == runs[1]


def test_option_errors():
    X, T = data()
    net = Network.random([3, 1], seed=0)
    with pytest.raises(ConfigError, match="alpha must be a number >= 0"):
        net.fit(X, T, alpha=-1)
    with pytest.raises(ConfigError, match="validation_fraction must be a fraction"):
        net.fit(X, T, validation_fraction=1.5)
    with pytest.raises(ConfigError, match="a metric must be one of"):
        net.fit(X, T, metrics=["auc"])
    with pytest.raises(ConfigError, match="given one at a time"):
        net.fit(X, T, validation_data=(X, T), validation_fraction=0.1)


def test_divergence_names_the_epoch_and_keeps_the_last_finite_parameters():
    X, T = data()
    net = Network.random([3, 8, 1], activation="relu", output_activation="identity", seed=0)
    kept = [net.copy()]
    with pytest.raises(TrainingError, match=r"non-finite .* in epoch (\d+)\. The parameters "
                       r"after epoch \d+ were kept\. Try a smaller learning rate than 1"):
        net.fit(X * 100, T, loss="mse", learning_rate=1e3, epochs=50, batch_size=4,
                alpha=0.1, callbacks=[lambda e, h: kept.append(net.copy())])
    for name, p in net.params().items():
        np.testing.assert_array_equal(p, kept[-1].params()[name])
    assert np.isfinite(loss_pass(net.layers, X, T, "mse").loss)
