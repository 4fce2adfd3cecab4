"""The article's worked example, every number, against recomputed float64 values.

The article rounds (it prints y_hat = 0.3248, loss 0.0519); the values here are
the exact float64 results, recomputed by hand below from the formulas, so each
is an independent check of the engine:

    z1 = 0.5 * 2.0 + 0 = 1                      a1 = sigmoid(1)   = 0.7310585786
    z2 = -1 * a1 + 0   = -0.7310585786          y_hat = sigmoid(z2) = 0.3249624726
    L  = 1/2 (y_hat - 0)^2 = 0.0528003043
"""

import math

import numpy as np
import pytest

import nnmath
from nnmath.article import network_b, run_article

S = lambda z: 1.0 / (1.0 + math.exp(-z))  # noqa: E731  (the hand computation)

# Hand computation, independent of the engine.
Z1 = 0.5 * 2.0
A1 = S(Z1)
Z2 = -1.0 * A1
Y_HAT = S(Z2)
LOSS = 0.5 * Y_HAT**2
F = {"dL/dy_hat": Y_HAT, "dy_hat/dz2": Y_HAT * (1 - Y_HAT), "dz2/dw2": A1,
     "dz2/da1": -1.0, "da1/dz1": A1 * (1 - A1), "dz1/dw1": 2.0}
GRAD = {
    "W2": F["dL/dy_hat"] * F["dy_hat/dz2"] * F["dz2/dw2"],
    "b2": F["dL/dy_hat"] * F["dy_hat/dz2"],
    "W1": F["dL/dy_hat"] * F["dy_hat/dz2"] * F["dz2/da1"] * F["da1/dz1"] * F["dz1/dw1"],
    "b1": F["dL/dy_hat"] * F["dy_hat/dz2"] * F["dz2/da1"] * F["da1/dz1"],
}


@pytest.fixture(scope="module")
def step():
    return nnmath.explain(network_b(), [2.0], [0.0], loss="ssr", learning_rate=0.1)


def test_hand_computation_matches_the_issue_s_rounded_values():
    # The numbers the issue lists (6 significant digits), against the hand computation.
    assert A1 == pytest.approx(0.731059, abs=1e-6)
    assert Y_HAT == pytest.approx(0.324962, abs=1e-6)
    assert LOSS == pytest.approx(0.052800, abs=1e-6)
    assert GRAD["W2"] == pytest.approx(0.0521131, abs=1e-7)
    assert GRAD["b2"] == pytest.approx(0.0712844, abs=1e-7)
    assert GRAD["W1"] == pytest.approx(-0.0280307, abs=1e-7)
    assert GRAD["b1"] == pytest.approx(-0.0140154, abs=1e-7)


def test_forward_pass(step):
    hidden, out = step.layers
    assert hidden.z[0, 0] == pytest.approx(1.0, abs=1e-12)
    assert hidden.a[0, 0] == pytest.approx(0.731059, abs=1e-6)
    assert out.z[0, 0] == pytest.approx(-0.731059, abs=1e-6)
    assert step.y_hat[0, 0] == pytest.approx(0.324962, abs=1e-6)
    assert step.y_hat[0, 0] == pytest.approx(Y_HAT, abs=1e-15)


def test_loss_has_the_half(step):
    assert step.loss == pytest.approx(0.052800, abs=1e-6)
    assert step.loss == pytest.approx(LOSS, abs=1e-15)


@pytest.mark.parametrize("name, value", [
    ("dL/dy_hat", 0.324962), ("dy_hat/dz2", 0.219362), ("dz2/dw2", 0.731059),
    ("dz2/da1", -1.0), ("da1/dz1", 0.196612), ("dz1/dw1", 2.0)])
def test_the_six_chain_rule_factors(step, name, value):
    factors = {f.name: f.value for chain in step.chains.values() for f in chain.factors}
    assert factors[name] == pytest.approx(value, abs=1e-6)
    assert factors[name] == pytest.approx(F[name], abs=1e-15)


@pytest.mark.parametrize("name, value", [
    ("W2", 0.0521131), ("b2", 0.0712844), ("W1", -0.0280307), ("b1", -0.0140154)])
def test_gradients(step, name, value):
    assert step.gradients[name].item() == pytest.approx(value, abs=1e-7)
    assert step.gradients[name].item() == pytest.approx(GRAD[name], abs=1e-15)
    chain = step.chains[name]
    assert chain.product == pytest.approx(chain.gradient, rel=1e-14)


def test_chains_use_the_article_s_factors(step):
    names = {p: [f.name for f in c.factors] for p, c in step.chains.items()}
    assert names["W2"] == ["dL/dy_hat", "dy_hat/dz2", "dz2/dw2"]
    assert names["W1"] == ["dL/dy_hat", "dy_hat/dz2", "dz2/da1", "da1/dz1", "dz1/dw1"]
    assert names["b1"][-1] == "dz1/db1" and names["b2"][-1] == "dz2/db2"


@pytest.mark.parametrize("name, value", [
    ("W1", 0.502803), ("b1", 0.00140154), ("W2", -1.005211), ("b2", -0.00712844)])
def test_update(step, name, value):
    assert step.updated[name].item() == pytest.approx(value, abs=1e-6)
    before = step.params[name].item()
    assert step.updated[name].item() == pytest.approx(before - 0.1 * GRAD[name], abs=1e-15)


def test_forward_pass_after_the_update(step):
    assert step.y_hat_after[0, 0] == pytest.approx(0.322266, abs=1e-6)
    assert step.loss_after == pytest.approx(0.051928, abs=1e-6)
    # The article's rounded values.
    assert round(step.y_hat_after[0, 0], 3) == 0.322
    assert round(step.loss_after, 4) == 0.0519


def test_explain_does_not_change_the_network():
    net = network_b()
    nnmath.explain(net, [2.0], [0.0])
    assert {k: v.tolist() for k, v in net.params().items()} == \
        {"W1": [[0.5]], "b1": [0.0], "W2": [[-1.0]], "b2": [0.0]}


def test_fit_one_step_equals_the_explained_update(step):
    net = network_b()
    net.fit([[2.0]], [[0.0]], loss="ssr", learning_rate=0.1, epochs=1)
    for name, value in net.params().items():
        np.testing.assert_array_equal(value, step.updated[name])


@pytest.fixture(scope="module")
def run():
    return run_article()


def test_network_a_says_43_percent_cancer_and_healthy(run):
    p_healthy, p_cancer = run.a_probabilities
    assert 0.425 <= p_cancer <= 0.445
    assert p_cancer == pytest.approx(0.4352, abs=1e-4)   # the converged value
    assert p_healthy + p_cancer == pytest.approx(1.0, abs=1e-15)
    assert run.a_class == "Healthy"
    assert run.a_history.stop_reason == "converged"
    assert run.a_history.loss[-1] < run.a_history.initial_loss


def test_network_a_is_the_logistic_regression_optimum(run):
    # An independent oracle: at the optimum of the mean cross-entropy, the
    # gradient of the equivalent logistic regression p = sigmoid(w x + c) is 0:
    # sum (p - y) = 0 and sum (p - y) x = 0.
    X, y = nnmath.datasets.psa()
    p = run.a.forward(X)[:, 1]
    assert abs(np.sum(p - y)) < 1e-4
    assert abs(np.sum((p - y) * X[:, 0])) < 1e-4


def test_network_b_trained_over_all_rows(run):
    h = run.b_history
    assert h.epochs == 2000
    assert h.initial_loss == pytest.approx(run_article_initial_cost(), abs=1e-15)
    assert h.loss[-1] < h.loss[0] < h.initial_loss
    assert run.b_cost_ssr == pytest.approx(h.loss[-1], abs=1e-15)
    X, y = nnmath.datasets.psa()
    assert run.b_accuracy == pytest.approx(np.mean((run.b.forward(X)[:, 0] >= 0.5) == y))
    assert run.b_accuracy >= 11 / 14


def run_article_initial_cost():
    # Mean over the 14 rows of 1/2 (y_hat - y)^2 for the untrained network B, by hand.
    X, y = nnmath.datasets.psa()
    costs = [0.5 * (S(-1.0 * S(0.5 * x)) - t) ** 2 for x, t in zip(X[:, 0], y)]
    return sum(costs) / len(costs)


def test_psa_dataset():
    data = nnmath.datasets.psa()
    assert data.X[:, 0].tolist() == [3.8, 3.4, 2.9, 2.8, 2.7, 2.1, 1.6,
                                     2.5, 2.0, 1.7, 1.4, 1.2, 0.9, 0.8]
    assert data.y.tolist() == [1] * 7 + [0] * 7
    assert data.class_names == ("Healthy", "Cancer")


def test_network_a_cost_over_all_samples(run):
    # The article's cost over all samples, as ssr: mean over rows of ½ Σ_j (y_hat_j - t_j)²,
    # recomputed by hand from the trained probabilities.
    X, y = nnmath.datasets.psa()
    for net, cost in zip((run.a_before, run.a), run.a_cost_ssr):
        p_cancer = net.forward(X)[:, 1]
        by_hand = np.mean([0.5 * ((1 - p - (1 - t)) ** 2 + (p - t) ** 2)
                           for p, t in zip(p_cancer, y)])
        assert cost == pytest.approx(by_hand, rel=1e-12)
    assert run.a_cost_ssr[1] < run.a_cost_ssr[0]
