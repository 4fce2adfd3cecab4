"""Backpropagation against central finite differences of the engine's own loss.

The finite-difference oracle (``tests/oracles/finite_diff.py``) only ever calls
``Network.loss`` (the forward pass), so it shares no derivative code with the
engine: every analytic gradient is checked for every hidden activation, every
(output activation, valid loss) pair and several architectures, then for random
configurations with hypothesis. A negative test proves the checker catches a
wrong derivative, and the chain-rule tables of ``explain`` are checked against
the gradients.

Inputs keep every relu pre-activation at least ``RELU_MARGIN = 1e-3`` away
from its kink at 0 (see ``oracles.cases``): finite differences straddling the
kink would measure the average of the two one-sided slopes, not either of them.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnmath
import nnmath.activations
from nnmath.errors import ConfigError

from oracles.cases import ARCHITECTURES, HIDDEN_ACTIVATIONS, INVALID_PAIRS, VALID_PAIRS, make_case
from oracles.finite_diff import assert_gradients_match, gradient_errors, numeric_gradients


def _ids(value):
    return "x".join(map(str, value)) if isinstance(value, list) else str(value)


# -- the full grid ----------------------------------------------------------------

@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=_ids)
@pytest.mark.parametrize("output,loss", VALID_PAIRS, ids=[f"{o}-{ell}" for o, ell in VALID_PAIRS])
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("n", [1, 5])
def test_backprop_matches_finite_differences(hidden, output, loss, sizes, n):
    net, X, T = make_case(sizes, hidden, output, loss, n=n, seed=1000 * n + sum(sizes))
    value, analytic = net.gradients(X, T, loss=loss)
    assert value == net.loss(X, T, loss=loss)
    assert_gradients_match(analytic, numeric_gradients(net, X, T, loss),
                           context=f"[{hidden} hidden, {output} output, {loss}, {sizes}, n={n}] ")


def test_checker_does_not_touch_the_network():
    net, X, T = make_case([2, 3, 2], "tanh", "softmax", "cross_entropy", n=3, seed=1)
    before = {name: p.copy() for name, p in net.params().items()}
    live = net.params()
    numeric_gradients(net, X, T, "cross_entropy")
    for name, p in net.params().items():
        assert p is live[name]
        np.testing.assert_array_equal(p, before[name])


@pytest.mark.parametrize("output,loss", INVALID_PAIRS, ids=[f"{o}-{ell}" for o, ell in INVALID_PAIRS])
def test_invalid_pairs_are_refused(output, loss):
    net, X, _ = make_case([2, 3, 2], "tanh", output, "ssr", n=2, seed=0)
    T = np.full((2, 2), 0.5)
    with pytest.raises(ConfigError):
        net.gradients(X, T, loss=loss)
    with pytest.raises(ConfigError):
        net.loss(X, T, loss=loss)


# -- random configurations ------------------------------------------------------------

@st.composite
def configurations(draw):
    n_hidden = draw(st.integers(0, 3))
    sizes = [draw(st.integers(1, 4))] + [draw(st.integers(1, 5)) for _ in range(n_hidden)] \
        + [draw(st.integers(1, 4))]
    hidden = [draw(st.sampled_from(HIDDEN_ACTIVATIONS)) for _ in range(n_hidden)]
    output, loss = draw(st.sampled_from(VALID_PAIRS))
    n = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    return sizes, hidden, output, loss, n, seed


# derandomize: the examples come from a fixed seed, so every run checks the same ones.
@settings(max_examples=40, deadline=None, derandomize=True)
@given(configurations())
def test_backprop_matches_finite_differences_for_random_networks(config):
    sizes, hidden, output, loss, n, seed = config
    net, X, T = make_case(sizes, hidden, output, loss, n=n, seed=seed)
    _, analytic = net.gradients(X, T, loss=loss)
    assert_gradients_match(analytic, numeric_gradients(net, X, T, loss), context=f"{config} ")


# -- the checker fails on a wrong derivative --------------------------------------------

SABOTAGE = {
    # class name: (wrong method name, wrong implementation, where it is used)
    "Sigmoid": ("derivative", lambda self, z, a: a, ("sigmoid", "identity", "ssr")),
    "Tanh": ("derivative", lambda self, z, a: 1.0 - a, ("tanh", "identity", "ssr")),
    "Relu": ("derivative", lambda self, z, a: np.ones_like(z), ("relu", "identity", "mse")),
    "Softmax": ("backward", lambda self, z, a, dL_da: a * dL_da, ("tanh", "softmax", "ssr")),
}


@pytest.mark.parametrize("cls", sorted(SABOTAGE))
def test_checker_catches_a_wrong_derivative(cls, monkeypatch):
    method, wrong, (hidden, output, loss) = SABOTAGE[cls]
    net, X, T = make_case([3, 4, 2], hidden, output, loss, n=5, seed=7)
    numeric = numeric_gradients(net, X, T, loss)   # forward passes only: unaffected
    _, right = net.gradients(X, T, loss=loss)
    assert max(gradient_errors(right, numeric).values()) <= 1.0

    monkeypatch.setattr(getattr(nnmath.activations, cls), method, wrong)
    _, analytic = net.gradients(X, T, loss=loss)
    errors = gradient_errors(analytic, numeric)
    # Far outside the tolerance (error ratio 1 = at the tolerance), not a near miss.
    assert max(errors.values()) > 1e4, errors
    with pytest.raises(AssertionError, match="backprop vs finite differences"):
        assert_gradients_match(analytic, numeric)


# -- explain: chain-rule products for one-neuron layers -----------------------------------

# one neuron per layer: every output activation but softmax (over one output it is
# always 1, and Dense refuses it)
ONE_OUTPUT_PAIRS = [(o, loss) for o, loss in VALID_PAIRS if o != "softmax"]


@pytest.mark.parametrize("depth", [2, 3, 4])
@pytest.mark.parametrize("output,loss", ONE_OUTPUT_PAIRS,
                         ids=[f"{o}-{ell}" for o, ell in ONE_OUTPUT_PAIRS])
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_chain_products_equal_the_gradients(hidden, output, loss, depth):
    net, X, T = make_case([1] * (depth + 1), hidden, output, loss, n=1, seed=depth)
    trace = nnmath.explain(net, X[0], T[0], loss=loss, learning_rate=0.1)
    _, grads = net.gradients(X, T, loss=loss)
    assert list(trace.chains) == list(grads) == [f"{k}{ell}" for ell in range(1, depth + 1)
                                                 for k in "Wb"]
    for name, chain in trace.chains.items():
        layer = int(name[1:])
        # dL/dy_hat, dy_hat/dz_L, two factors per layer crossed, the local dz_l/dparam
        assert len(chain.factors) == 2 + 2 * (depth - layer) + 1, name
        assert chain.product == pytest.approx(np.prod([f.value for f in chain.factors]),
                                              rel=1e-15, abs=0.0)
        assert chain.gradient == grads[name].item()
        # With the shortcut pairs the gradient is (y_hat - t) times the tail while the
        # product goes through dL/dy_hat * g'(z): equal up to rounding, hence rel 1e-12.
        assert chain.product == pytest.approx(chain.gradient, rel=1e-12, abs=1e-15), name
    assert_gradients_match(trace.gradients, numeric_gradients(net, X, T, loss))


def test_chains_only_for_one_neuron_layers():
    net, X, T = make_case([1, 2, 1], "sigmoid", "sigmoid", "ssr", n=1, seed=0)
    assert nnmath.explain(net, X[0], T[0], loss="ssr").chains == {}


# -- targets outside a loss's domain: refused, never a silently wrong gradient ------------

# The shortcuts assume the targets fit the loss: delta_L = (y_hat - T) / n is the
# gradient of cross_entropy only when each target row sums to 1 (in general it is
# (y_hat * sum_j t_j - T) / n). At commit cb34baf the engine accepted any targets and
# returned a gradient that disagreed with its own loss for rows like [1, 1, 0].
# Either answer is fine here: a ConfigError, or a gradient that matches the loss.
ODD_TARGETS = {
    "cross_entropy-sum-2": ("softmax", "cross_entropy", [[1.0, 1.0, 0.0]]),
    "cross_entropy-sum-0.9": ("softmax", "cross_entropy", [[0.5, 0.2, 0.2]]),
    "cross_entropy-negative": ("softmax", "cross_entropy", [[1.2, -0.2, 0.0]]),
    "bce-above-1": ("sigmoid", "bce", [[1.7, 0.5, 0.0]]),
    "bce-below-0": ("sigmoid", "bce", [[-0.3, 0.5, 1.0]]),
}


@pytest.mark.parametrize("case", sorted(ODD_TARGETS))
def test_odd_targets_are_refused_or_differentiated_correctly(case):
    output, loss, T = ODD_TARGETS[case]
    net, X, _ = make_case([2, 3], "tanh", output, loss, n=1, seed=0)
    try:
        _, analytic = net.gradients(X, T, loss=loss)
    except ConfigError:
        return   # refused: fine
    assert_gradients_match(analytic, numeric_gradients(net, X, T, loss), context=f"{case} ")
