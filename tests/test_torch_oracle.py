"""The engine against PyTorch autograd and PyTorch's optimizers, in float64.

PyTorch shares no code with nnmath, so agreement to 1e-10 (relative) checks
the forward pass, the losses and their reduction, backpropagation (including
the sigmoid+bce and softmax+cross_entropy shortcuts) and the update rules.
torch is a hard dependency of the test suite (the ``dev`` extra pins it and CI
always installs it), hence a plain import rather than ``importorskip``.

Inputs keep relu pre-activations away from the kink at 0 (``oracles.cases``), so
that two libraries rounding ``z`` differently cannot pick different slopes.
"""

import numpy as np
import pytest
import torch

import nnmath

from oracles.cases import ARCHITECTURES, HIDDEN_ACTIVATIONS, VALID_PAIRS, make_case
from oracles.torch_net import TorchNet

RTOL, ATOL = 1e-10, 1e-12
PAIR_IDS = [f"{o}-{ell}" for o, ell in VALID_PAIRS]
# Training runs on the shallowest and the deepest architecture only (the gradient
# tests cover every architecture, and an update only combines those gradients).
TRAINING_ARCHITECTURES = ([1, 1, 1], [3, 4, 4, 2])


def _ids(value):
    return "x".join(map(str, value)) if isinstance(value, list) else str(value)


def assert_same(nnmath_value, torch_value, what):
    np.testing.assert_allclose(
        nnmath_value, torch_value, rtol=RTOL, atol=ATOL,
        err_msg=f"nnmath vs torch: {what} (actual = nnmath, desired = torch)")


def assert_same_params(nnmath_params, torch_params, what):
    assert list(nnmath_params) == list(torch_params)
    for name in nnmath_params:
        assert_same(nnmath_params[name], torch_params[name], f"{name} {what}")


def test_torch_computes_in_float64():
    net, X, T = make_case([2, 3, 2], "tanh", "softmax", "cross_entropy", n=3, seed=0)
    oracle = TorchNet(net)
    assert all(p.dtype == torch.float64 for p in oracle.params.values())
    assert oracle.forward(X)[1].dtype == torch.float64
    assert all(g.dtype == np.float64 for g in oracle.gradients(X, T, "cross_entropy")[1].values())


# -- loss and gradients ----------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 7])
@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=_ids)
@pytest.mark.parametrize("output,loss", VALID_PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_loss_and_gradients_match_torch(hidden, output, loss, sizes, n):
    net, X, T = make_case(sizes, hidden, output, loss, n=n, seed=2000 + 10 * n + sum(sizes))
    oracle = TorchNet(net)
    assert_same(net.forward(X), oracle.forward(X)[1].detach().numpy(), "y_hat")

    value, grads = net.gradients(X, T, loss=loss)
    torch_value, torch_grads = oracle.gradients(X, T, loss)
    assert_same(value, torch_value, f"{loss} loss")
    assert_same(net.loss(X, T, loss=loss), torch_value, f"{loss} loss (Network.loss)")
    assert_same_params(grads, torch_grads, "gradient")


@pytest.mark.parametrize("n", [1, 7])
@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=_ids)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_bce_matches_torch_bce_with_logits(hidden, sizes, n):
    # The other PyTorch form of bce, computed from z like the engine's shortcut.
    net, X, T = make_case(sizes, hidden, "sigmoid", "bce", n=n, seed=3000 + n + sum(sizes))
    value, grads = net.gradients(X, T, loss="bce")
    torch_value, torch_grads = TorchNet(net).gradients(X, T, "bce", bce_from_logits=True)
    assert_same(value, torch_value, "bce loss")
    assert_same_params(grads, torch_grads, "gradient")


@pytest.mark.parametrize("hard", [False, True], ids=["soft-labels", "hard-labels"])
def test_bce_with_several_outputs_sums_over_outputs(hard):
    # Per sample bce sums over outputs: BCELoss(reduction="sum") / n, not BCELoss().
    net, X, T = make_case([3, 4, 3], "relu", "sigmoid", "bce", n=6, seed=4)
    if hard:
        T = (T > 0.5).astype(float)
    value, grads = net.gradients(X, T, loss="bce")
    torch_value, torch_grads = TorchNet(net).gradients(X, T, "bce")
    assert_same(value, torch_value, "bce loss")
    assert_same_params(grads, torch_grads, "gradient")


# -- training ---------------------------------------------------------------------------

@pytest.mark.parametrize("sizes", TRAINING_ARCHITECTURES, ids=_ids)
@pytest.mark.parametrize("output,loss", VALID_PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_one_sgd_step_matches_torch(hidden, output, loss, sizes):
    net, X, T = make_case(sizes, hidden, output, loss, n=7, seed=5000 + sum(sizes))
    oracle = TorchNet(net)
    torch_losses = oracle.train(X, T, loss, "sgd", learning_rate=0.1, epochs=1, batch_size=7)
    expected = oracle.numpy_params()

    trace = nnmath.explain(net, X, T, loss=loss, learning_rate=0.1)   # leaves net alone
    assert_same_params(trace.updated, expected, "after one step (explain)")
    assert_same(trace.loss_after, torch_losses[0], "loss after one step (explain)")

    history = net.fit(X, T, loss=loss, learning_rate=0.1, epochs=1, batch_size=7)
    assert_same_params(net.params(), expected, "after one step (fit)")
    assert_same(history.loss, torch_losses, "History.loss")


@pytest.mark.parametrize("batch_size", [1, 3], ids=["per-sample", "batches-of-3"])
@pytest.mark.parametrize("sizes", TRAINING_ARCHITECTURES, ids=_ids)
@pytest.mark.parametrize("output,loss", VALID_PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_sgd_epochs_match_torch(hidden, output, loss, sizes, batch_size):
    # 7 rows in batches of 3: the last batch has 1 row and its own mean.
    net, X, T = make_case(sizes, hidden, output, loss, n=7, seed=6000 + sum(sizes))
    oracle = TorchNet(net)
    torch_losses = oracle.train(X, T, loss, "sgd", learning_rate=0.1, epochs=3,
                                batch_size=batch_size)
    history = net.fit(X, T, loss=loss, learning_rate=0.1, epochs=3, batch_size=batch_size,
                      shuffle=False)
    assert_same_params(net.params(), oracle.numpy_params(), f"after 3 epochs, batch {batch_size}")
    assert_same(history.loss, torch_losses, "History.loss")


@pytest.mark.parametrize("optimizer,learning_rate", [("momentum", 0.05), ("adam", 0.01)])
@pytest.mark.parametrize("sizes", TRAINING_ARCHITECTURES, ids=_ids)
@pytest.mark.parametrize("output,loss", VALID_PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_momentum_and_adam_match_torch(hidden, output, loss, sizes, optimizer, learning_rate):
    net, X, T = make_case(sizes, hidden, output, loss, n=7, seed=7000 + sum(sizes))
    oracle = TorchNet(net)
    torch_losses = oracle.train(X, T, loss, optimizer, learning_rate, epochs=6, batch_size=7)
    history = net.fit(X, T, loss=loss, learning_rate=learning_rate, epochs=6, batch_size=None,
                      optimizer=optimizer)
    assert_same_params(net.params(), oracle.numpy_params(), f"after 6 {optimizer} steps")
    assert_same(history.loss, torch_losses, "History.loss")


@pytest.mark.parametrize("optimizer,learning_rate", [("momentum", 0.05), ("adam", 0.01)])
def test_optimizer_state_carries_over_between_per_sample_steps(optimizer, learning_rate):
    # Per-sample steps for several epochs: the velocity / moments and Adam's step count
    # must persist across batches and epochs exactly as in PyTorch.
    net, X, T = make_case([3, 4, 4, 2], "tanh", "softmax", "cross_entropy", n=5, seed=8)
    oracle = TorchNet(net)
    torch_losses = oracle.train(X, T, "cross_entropy", optimizer, learning_rate, epochs=4,
                                batch_size=1)
    history = net.fit(X, T, loss="cross_entropy", learning_rate=learning_rate, epochs=4,
                      batch_size=1, optimizer=optimizer)
    assert_same_params(net.params(), oracle.numpy_params(), f"after 20 {optimizer} steps")
    assert_same(history.loss, torch_losses, "History.loss")
