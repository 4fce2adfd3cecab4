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


# -- every activation on a dense grid up to |z| = 1e4 -----------------------------------

GRID = np.concatenate([-np.logspace(-320, 4, 200), [-0.0, 0.0, 5e-324, 1.0], np.logspace(-320, 4, 200)])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_on_a_dense_grid_are_finite_bounded_and_monotone(name):
    act = ACTIVATIONS[name]
    z = np.sort(GRID)[None, :] if name != "softmax" else np.sort(GRID).reshape(-1, 2)
    with np.errstate(**RAISE):
        a = act.forward(z)
        slope = act.derivative(z, a) if act.elementwise else act.jacobian(a)
        delta = act.backward(z, a, np.ones_like(a))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(slope)) and np.all(np.isfinite(delta))
    if name in ("sigmoid", "softmax"):
        assert np.all((a >= 0) & (a <= 1))
    if name == "softmax":
        np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    elif name == "tanh":
        assert np.all(np.abs(a) <= 1)
    if act.elementwise:
        assert np.all(np.diff(a[0]) >= 0)          # all of them are non-decreasing
        assert np.all(slope >= 0)


@pytest.mark.parametrize("z, t, expected", [
    # softplus identities, written out by hand: bce(z, t) = max(z,0) - z t + log(1 + e^-|z|)
    (1e4, 0.0, 1e4), (-1e4, 1.0, 1e4), (1e4, 1.0, 0.0), (-1e4, 0.0, 0.0),
    (0.0, 1.0, np.log(2.0)), (30.0, 0.0, 30.0 + np.log1p(np.exp(-30.0))),
])
def test_bce_from_logits_at_extremes_equals_the_closed_form(z, t, expected):
    from nnmath.losses import BCE

    with np.errstate(**RAISE):
        value = BCE.per_sample_from_logits(np.array([[z]]), np.array([[t]]))[0]
    assert value == pytest.approx(expected, rel=1e-15, abs=1e-300)


def test_cross_entropy_from_logits_at_extremes():
    from nnmath.losses import CrossEntropy

    z = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]])
    T = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    with np.errstate(**RAISE):
        values = CrossEntropy.per_sample_from_logits(z, T)
    # -log softmax: row 0, class 1: z_max - z_1 + log(1 + e^-1e4 + e^-2e4) = 2e4; row 1: log 3
    assert values[0] == 2e4 and values[1] == pytest.approx(np.log(3.0), rel=1e-15)


VALID = [("sigmoid", "ssr"), ("sigmoid", "mse"), ("sigmoid", "bce"), ("tanh", "ssr"),
         ("relu", "mse"), ("identity", "ssr"), ("softmax", "mse"), ("softmax", "cross_entropy")]


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "identity"])
@pytest.mark.parametrize("output, loss", VALID)
def test_networks_saturated_at_1e4_have_finite_loss_and_gradients(hidden, output, loss):
    # |z| = 1e4 in both layers (identity/relu hidden: z2 up to 1e4 * 1e4 / 1e4)
    W1 = np.array([[1e4, -1e4]])
    W2 = np.array([[1.0, -1.0], [-1.0, 1.0]]) * (1e4 if hidden in ("sigmoid", "tanh") else 1.0)
    n_out = 1 if output != "softmax" else 2
    net = Network([Dense(W=W1, b=[0.0, 0.0], activation=hidden),
                   Dense(W=W2[:, :n_out], b=np.zeros(n_out), activation=output)])
    X = np.array([[1.0], [-1.0]])
    T = np.eye(2)[:, :n_out] if n_out == 2 else np.array([[1.0], [0.0]])
    with np.errstate(**RAISE):
        value, grads = net.gradients(X, T, loss=loss)
    assert np.isfinite(value) and all(np.all(np.isfinite(g)) for g in grads.values())


# -- standardisation: constant columns and extreme magnitudes ------------------------------

def _exact_mean_std(column):
    """Mean and population std in exact rational arithmetic, rounded once (the oracle)."""
    from decimal import Decimal, localcontext
    from fractions import Fraction

    values = [Fraction(float(v)) for v in column]
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    with localcontext() as ctx:
        ctx.prec = 40
        std = (Decimal(var.numerator) / Decimal(var.denominator)).sqrt()
    return float(mean), float(std)


@pytest.mark.parametrize("value", [0.1, 0.3, 1 / 3, 2.2, -7.7e-5, 1.7e308, 5e-324])
def test_a_constant_column_becomes_exactly_zero(value):
    # The float std of [0.1] * 37 is 1.4e-17, not 0: it used to send 0.1 to -1 and a new
    # sample of 0.2 to 7e15. A column of equal values must become 0, and stay sane.
    from nnmath.datasets.scaling import standardize

    X = np.c_[np.full(37, value), np.linspace(-1.0, 1.0, 37)]
    with np.errstate(**RAISE):
        s = standardize(X)
        Z = s.apply(X)
    assert s.mean[0] == value and s.std[0] == 1.0
    assert np.all(Z[:, 0] == 0.0)
    assert s.apply([[value + 1.0, 0.0]])[0, 0] == pytest.approx((value + 1.0) - value)


@pytest.mark.parametrize("scale", [1e300, 1e-300, 1.0, 3.7e150])
def test_standardisation_at_extreme_magnitudes_matches_exact_arithmetic(scale):
    from nnmath.datasets.scaling import standardize

    column = np.random.default_rng(3).normal(0.5, 0.2, 40) * scale
    with np.errstate(**RAISE):
        s = standardize(column[:, None])
    mean, std = _exact_mean_std(column)
    assert s.mean[0] == pytest.approx(mean, rel=1e-13)
    assert s.std[0] == pytest.approx(std, rel=1e-13)
