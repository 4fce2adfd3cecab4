"""Numerical stability: no overflow, no warning, no inf/NaN at extreme inputs.

pytest turns every warning into an error (pyproject.toml), so a NumPy
overflow warning anywhere here fails the test. Inside ``RAISE`` even an
overflow that NumPy would only warn about is an exception. Underflow (e^-1e4
rounding to 0) is the correctly rounded result and stays allowed.
"""

import numpy as np
import pytest

from nnmath import Dense, Network
from nnmath.activations import ACTIVATIONS
from nnmath.losses import LOSSES

RAISE = dict(over="raise", divide="raise", invalid="raise")
EXTREME = np.array([[-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_at_extreme_z(name):
    act = ACTIVATIONS[name]
    with np.errstate(**RAISE):
        a = act.forward(EXTREME)
        if act.elementwise:
            assert np.all(np.isfinite(act.derivative(EXTREME, a)))
        else:
            assert np.all(np.isfinite(act.jacobian(a)))
        assert np.all(np.isfinite(act.backward(EXTREME, a, np.ones_like(a))))
    assert np.all(np.isfinite(a))


def test_sigmoid_values_at_extremes():
    a = ACTIVATIONS["sigmoid"].forward(EXTREME)[0]
    assert a[0] == 0.0 and a[-1] == 1.0 and a[3] == 0.5
    assert a[2] == pytest.approx(9.357622968839299e-14, rel=1e-12)  # e^-30 / (1 + e^-30)


def test_softmax_at_extremes_sums_to_one():
    a = ACTIVATIONS["softmax"].forward(EXTREME)
    assert a.sum() == pytest.approx(1.0) and a[0, -1] == 1.0


@pytest.mark.parametrize("name", ["bce", "cross_entropy", "ssr", "mse"])
@pytest.mark.parametrize("p", [0.0, 1.0])
def test_losses_at_probabilities_of_exactly_0_and_1(name, p):
    y_hat = np.array([[p, 1.0 - p]])
    T = np.array([[1.0, 0.0]]) if name != "cross_entropy" else np.array([[1.0, 0.0]])
    loss = LOSSES[name]
    with np.errstate(**RAISE):
        value = loss.value(y_hat, T)
        grad = loss.gradient(y_hat, T)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


@pytest.mark.parametrize("output, loss", [("sigmoid", "bce"), ("softmax", "cross_entropy")])
def test_saturated_networks_have_finite_loss_and_gradients(output, loss):
    # z = +-1e4 at the output: y_hat rounds to exactly 0 and 1.
    net = Network([Dense(W=[[1e4, -1e4]], b=[0.0, 0.0], activation=output)])
    T = np.array([[0.0, 1.0]])
    value, grads = net.gradients([[1.0]], T, loss=loss)
    assert np.isfinite(value) and value == pytest.approx(2e4 if output == "softmax" else 2e4)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


def test_diverging_training_stops_with_the_last_finite_parameters():
    from nnmath.errors import TrainingError

    net = Network([Dense(W=[[1.0]], b=[0.0], activation="identity")])
    X, T = np.array([[1e3], [-1e3]]), np.array([[1.0], [-1.0]])
    with pytest.raises(TrainingError, match="epoch") as info:
        net.fit(X, T, loss="ssr", learning_rate=10.0, epochs=1000)
    assert "smaller learning rate" in str(info.value)
    assert all(np.all(np.isfinite(p)) for p in net.params().values())
