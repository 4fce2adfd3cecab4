"""The training loop: per-sample, mini-batch and full batch; seeds; History; callbacks."""

import numpy as np
import pytest

from nnmath import Network
from nnmath.article import network_b
from nnmath.backprop import loss_pass
from nnmath.errors import ConfigError

from oracles.bounds import assert_within, forward_bound, mean_bound, reference_forward


def data(seed=0, n=10):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    T = (X[:, :1] + X[:, 1:] > 0).astype(float)
    return X, T


def manual_epoch(net, X, T, batch_size, learning_rate, order=None):
    """Gradient descent written out by hand from the engine's gradients (an oracle for the loop)."""
    order = np.arange(len(X)) if order is None else order
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        _, grads = net.gradients(X[rows], T[rows], loss="ssr")
        for name, p in net.params().items():
            p -= learning_rate * grads[name]


@pytest.mark.parametrize("batch_size", [1, 3, None])
def test_batching_matches_a_hand_written_loop(batch_size):
    X, T = data()
    net = Network.random([2, 3, 1], seed=1)
    reference = net.copy()
    # the readable engine: the very operations of net.gradients, so the same bits on any
    # CPU (the fast engines equal it to rounding: tests/test_fastpath.py)
    history = net.fit(X, T, loss="ssr", learning_rate=0.3, epochs=4, batch_size=batch_size,
                      engine="readable")
    for _ in range(4):
        manual_epoch(reference, X, T, batch_size or len(X), 0.3)
    for name, p in net.params().items():
        np.testing.assert_array_equal(p, reference.params()[name])
    assert history.loss[-1] == reference.loss(X, T, "ssr")


def test_shuffling_is_seeded_and_reproducible():
    X, T = data()
    runs = []
    for _ in range(2):
        net = Network.random([2, 3, 1], seed=1)
        h = net.fit(X, T, learning_rate=0.3, epochs=5, shuffle=True, seed=42)
        runs.append((h.loss, {k: v.copy() for k, v in net.params().items()}))
    assert runs[0][0] == runs[1][0]
    for name in runs[0][1]:
        assert runs[0][1][name].tobytes() == runs[1][1][name].tobytes()
    other = Network.random([2, 3, 1], seed=1)
    assert other.fit(X, T, learning_rate=0.3, epochs=5, shuffle=True, seed=7).loss != runs[0][0]


def test_shuffled_epoch_uses_the_seeded_permutation():
    X, T = data()
    net = Network.random([2, 2, 1], seed=3)
    reference = net.copy()
    net.fit(X, T, learning_rate=0.2, epochs=2, batch_size=4, shuffle=True, seed=5)
    rng = np.random.default_rng(5)
    for _ in range(2):
        manual_epoch(reference, X, T, 4, 0.2, order=rng.permutation(len(X)))
    for name, p in net.params().items():
        np.testing.assert_array_equal(p, reference.params()[name])


def test_random_initialisation_is_seeded():
    a = Network.random([3, 4, 2], activation="relu", seed=11).params()
    b = Network.random([3, 4, 2], activation="relu", seed=11).params()
    c = Network.random([3, 4, 2], activation="relu", seed=12).params()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["W1"], c["W1"])


def test_history_and_callbacks():
    X, T = data()
    seen = []
    net = Network.random([2, 1], seed=0)
    h = net.fit(X, T, epochs=6, callbacks=[lambda e, hist: seen.append((e, hist.loss[-1]))])
    assert [e for e, _ in seen] == list(range(1, 7)) and h.epochs == 6
    assert [v for _, v in seen] == h.loss
    assert h.initial_loss == loss_pass(Network.random([2, 1], seed=0).layers, X, T,
                                       "ssr").loss
    stop = net.fit(X, T, epochs=50, callbacks=[lambda e, hist: e == 3])
    assert stop.epochs == 3 and stop.stop_reason == "callback"


def test_tol_stops_when_the_loss_stops_improving():
    net = network_b()
    h = net.fit([[2.0]], [[0.0]], learning_rate=0.1, epochs=100_000, tol=1e-6, patience=3)
    assert h.stop_reason == "converged" and h.epochs < 100_000
    assert all(a - b < 1e-6 for a, b in zip(h.loss[-4:-1], h.loss[-3:]))


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(epochs=0), "epochs must be"),
    (dict(batch_size=0), "batch_size must be"),
    (dict(learning_rate=0), "learning_rate must be a positive number"),
    (dict(optimizer="rmsprop"), "optimizer must be one of"),
])
def test_bad_settings(kwargs, fragment):
    X, T = data()
    with pytest.raises(ConfigError, match=fragment):
        Network.random([2, 1], seed=0).fit(X, T, **kwargs)


def test_float32_when_asked():
    X, T = data()
    net = Network.random([2, 3, 1], seed=0).astype(np.float32)
    net.fit(X, T, epochs=2, batch_size=5)
    assert all(p.dtype == np.float32 for p in net.params().values())
    assert net.forward(X).dtype == np.float32


def test_epoch_loss_in_chunks_equals_one_pass():
    # The loss over all rows is computed chunk by chunk (bounded memory); the per-row
    # losses are the same numbers, so the mean equals one pass over all rows.
    from nnmath.backprop import loss_and_output

    rng = np.random.default_rng(4)
    X, T = rng.normal(size=(2500, 3)), np.eye(2)[rng.integers(0, 2, size=2500)]
    net = Network.random([3, 5, 2], activation="tanh", output_activation="softmax", seed=0)
    one = loss_pass(net.layers, X, T, "cross_entropy")
    value, y_hat = loss_and_output(net.layers, X, T, "cross_entropy", chunk=1000)
    # BLAS may sum each block in another order than the whole (and differently on
    # another CPU): equal within the rounding bound of either pass, never bit for bit
    bound = forward_bound(net.layers, X)
    exact = reference_forward(net.layers, X)
    for computed in (y_hat, one.y_hat):
        assert_within(computed, exact, bound, "a pass against the longdouble reference")
    assert_within(y_hat, one.y_hat, 2 * bound, "blocks against one pass")
    p_t = (exact * T).sum(axis=1)            # cross-entropy: |d(-log p)| <= |dp| / p
    loss_error = mean_bound(-np.log(p_t), (bound * T).sum(axis=1) / p_t)
    assert abs(value - one.loss) <= 2 * loss_error


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_outputs_in_blocks_equal_one_forward_pass(dtype):
    # Network.forward and the loss pass take blocks of rows (chunk_rows): the numbers of
    # one pass over all rows, without the memory of all rows' hidden layers
    from nnmath.backprop import CHUNK_VALUES, chunk_rows, loss_and_output, outputs

    rng = np.random.default_rng(6)
    net = Network.random([4, 300, 3], activation="relu", output_activation="softmax",
                         seed=1, dtype=dtype)
    rows = 2 * chunk_rows(net.layers) + 17            # three blocks, the last one short
    X = rng.normal(size=(rows, 4)).astype(dtype)
    T = np.eye(3, dtype=dtype)[rng.integers(0, 3, size=rows)]
    one = loss_pass(net.layers, X, T, "cross_entropy")
    # equal within the rounding bound of either pass (tests/oracles/bounds.py), which
    # holds for any summation order BLAS chooses on any CPU; checked here against a
    # longdouble reference, so a bound too tight for this machine fails here first
    bound = forward_bound(net.layers, X, dtype)
    exact = reference_forward(net.layers, X)
    assert_within(one.y_hat, exact, bound, "one pass against the longdouble reference")
    for y_hat in (outputs(net.layers, X), net.forward(X), loss_and_output(
            net.layers, X, T, "cross_entropy")[1], outputs(net.layers, X, chunk=rows)):
        assert y_hat.dtype == dtype and y_hat.shape == (rows, 3)
        assert_within(y_hat, exact, bound, "blocks against the longdouble reference")
        assert_within(y_hat, one.y_hat, 2 * bound, "blocks against one pass")
    value = loss_and_output(net.layers, X, T, "cross_entropy")[0]
    p_t = np.asarray((exact * T).sum(axis=1), np.float64)
    loss_error = mean_bound(-np.log(p_t), (bound * T).sum(axis=1) / p_t, dtype)
    assert abs(value - one.loss) <= 2 * loss_error
    assert chunk_rows(net.layers) == max(256, CHUNK_VALUES // 300)


@pytest.mark.parametrize("output, loss", [("softmax", "cross_entropy"), ("sigmoid", "bce"),
                                          ("sigmoid", "ssr"), ("identity", "mse")])
def test_the_loss_alone_is_the_loss_of_the_loss_pass(output, loss):
    # History's losses (mean_loss: no y_hat, no output activation beside a shortcut) are
    # the very numbers of loss_and_output, in one block or several
    from nnmath.backprop import loss_and_output, mean_loss

    rng = np.random.default_rng(8)
    k = 3 if output == "softmax" else 1
    net = Network.random([4, 6, k], activation="tanh", output_activation=output, seed=2)
    X = rng.normal(size=(700, 4))
    T = np.eye(3)[rng.integers(0, 3, size=700)] if k == 3 else \
        rng.integers(0, 2, size=(700, 1)).astype(float)
    for chunk in (None, 256, 1000):
        assert mean_loss(net.layers, X, T, loss, chunk) == \
            loss_and_output(net.layers, X, T, loss, chunk)[0]
    assert net.loss(X, T, loss) == loss_pass(net.layers, X, T, loss).loss
