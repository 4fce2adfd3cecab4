"""Seeded test cases: a network, inputs ``X`` and targets ``T`` for a configuration.

Everything is drawn from ``np.random.default_rng(seed)``, so a case is fully
determined by its arguments.

>>> net, X, T = make_case([2, 3, 2], "tanh", "softmax", "cross_entropy", n=4, seed=0)
>>> X.shape, T.shape, bool(np.all(T.sum(axis=1) == 1.0)), bool(np.all(T >= 0))
((4, 2), (4, 2), True, True)
"""

from __future__ import annotations

import numpy as np

import nnmath

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
OUTPUT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity", "softmax")
LOSSES = ("ssr", "mse", "bce", "cross_entropy")

# The documented rule, written out by hand (not read from the engine): ssr and
# mse fit any output; bce needs a sigmoid output, cross_entropy a softmax output.
VALID_LOSSES = {
    "sigmoid": ("ssr", "mse", "bce"),
    "tanh": ("ssr", "mse"),
    "relu": ("ssr", "mse"),
    "identity": ("ssr", "mse"),
    "softmax": ("ssr", "mse", "cross_entropy"),
}
VALID_PAIRS = [(out, loss) for out in OUTPUT_ACTIVATIONS for loss in VALID_LOSSES[out]]
INVALID_PAIRS = [(out, loss) for out in OUTPUT_ACTIVATIONS for loss in LOSSES
                 if loss not in VALID_LOSSES[out]]

ARCHITECTURES = ([1, 1, 1], [2, 3, 2], [3, 4, 4, 2], [4, 5, 1])

# Smallest |z| allowed at a relu neuron. relu is not differentiable at z = 0;
# a sample whose pre-activation is that close to the kink could cross it when
# a finite-difference probe moves a parameter by 1e-6 (or when two libraries
# round z differently), and its one-sided slopes would disagree. Rows closer
# than this to a kink are dropped, so every relu stays on one smooth side.
RELU_MARGIN = 1e-3


def fit_output(sizes, output) -> list:
    """``sizes`` with a softmax output of one neuron widened to two: softmax over one
    output is always 1, and ``Dense`` refuses it, so that case checks the nearest valid
    network instead of none.

    >>> fit_output([1, 1, 1], "softmax"), fit_output([1, 1, 1], "sigmoid")
    ([1, 1, 2], [1, 1, 1])
    """
    sizes = list(sizes)
    if output == "softmax" and sizes[-1] < 2:
        sizes[-1] = 2
    return sizes


def make_network(sizes, hidden, output, rng) -> nnmath.Network:
    """Dense layers of ``sizes`` with random weights *and* random biases.

    ``hidden`` is one activation for every hidden layer or a list, one per
    hidden layer. Biases are random (not the engine's zeros) so that they take
    part in the check, and so that a dead relu unit does not feed an exact
    ``z = 0`` into the next relu.
    """
    sizes = fit_output(sizes, output)
    n_hidden = len(sizes) - 2
    hidden = [hidden] * n_hidden if isinstance(hidden, str) else list(hidden)
    assert len(hidden) == n_hidden, (sizes, hidden)
    layers = []
    for n_in, n_out, act in zip(sizes[:-1], sizes[1:], hidden + [output]):
        W = rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out))
        b = rng.normal(0.0, 0.5, size=n_out)
        layers.append(nnmath.Dense(W=W, b=b, activation=act))
    return nnmath.Network(layers)


def make_targets(rng, n, k, output, loss) -> np.ndarray:
    """Targets that fit the loss: probability rows for cross_entropy, values in
    [0, 1] (soft labels) for bce, any real numbers for ssr and mse.

    Cross-entropy rows sum to 1 *exactly*: the entries are multiples of 2**-20, so
    their sum has no rounding. (The engine's shortcut ``delta = (y_hat - T) / n`` is
    the gradient only for rows summing to 1; a row off by one ulp is off by one ulp
    in the gradient, which Adam blows up to ~1e-10 where the true gradient is 0.)
    """
    if loss == "cross_entropy":
        T = np.floor(rng.dirichlet(np.ones(k), size=n) * 2**20) / 2**20
        T[:, -1] = 1.0 - T[:, :-1].sum(axis=1)
        return T
    if loss == "bce":
        return rng.uniform(0.0, 1.0, size=(n, k))
    return rng.normal(0.0, 1.0, size=(n, k))


def relu_distance(net, X) -> np.ndarray:
    """For each row of ``X``: the smallest ``|z|`` over all relu neurons (inf if none)."""
    dist = np.full(X.shape[0], np.inf)
    a = X
    for layer in net.layers:
        fwd = layer.forward(a)
        if layer.activation == "relu":
            dist = np.minimum(dist, np.abs(fwd.z).min(axis=1))
        a = fwd.a
    return dist


def make_case(sizes, hidden, output, loss, n=5, seed=0):
    """``(net, X, T)``: a seeded network and ``n`` samples away from relu kinks."""
    rng = np.random.default_rng(seed)
    sizes = fit_output(sizes, output)
    for _ in range(100):
        net = make_network(sizes, hidden, output, rng)
        candidates = rng.normal(0.0, 1.0, size=(50 * n, sizes[0]))
        X = candidates[relu_distance(net, candidates) >= RELU_MARGIN][:n]
        if X.shape[0] == n:
            return net, X, make_targets(rng, n, sizes[-1], output, loss)
    raise RuntimeError(f"no {n} samples away from relu kinks for {sizes}, seed {seed}")
