"""Every number of a trace's backward pass against outside oracles, on random networks:
central finite differences (relative difference < 1e-6) and PyTorch float64 autograd
(1e-10): the gradients, and per layer dL/da and delta (``retain_grad`` on z and a).
Also: the explanation's own identities (chain products, recursion terms, the full
product beside the shortcut) and a gradient check that can fail.
"""

import numpy as np
import pytest

import nnmath

torch = pytest.importorskip("torch")   # in the dev extra; CI installs it

CASES = [  # sizes, hidden activation, output activation, loss, samples
    ([1, 1, 1], "sigmoid", "sigmoid", "ssr", 1),
    ([1, 1, 1, 1], "tanh", "sigmoid", "bce", 1),
    ([2, 3, 2], "sigmoid", "sigmoid", "ssr", 1),
    ([2, 3, 2], "tanh", "softmax", "cross_entropy", 3),
    ([3, 4, 2], "sigmoid", "sigmoid", "bce", 2),
    ([2, 4, 3, 1], "tanh", "identity", "mse", 4),
    ([2, 3, 3], "sigmoid", "softmax", "ssr", 2),
    ([4, 5, 2], "identity", "tanh", "mse", 3),
]
TORCH_ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda z: z,
             "softmax": lambda z: torch.softmax(z, dim=1)}


def _case(sizes, hidden, output, loss, n, seed):
    rng = np.random.default_rng(seed)
    acts = [hidden] * (len(sizes) - 2) + [output]
    net = nnmath.Network([nnmath.Dense(W=rng.normal(0, 1 / np.sqrt(a), (a, b)),
                                       b=rng.normal(0, 0.5, b), activation=g)
                          for a, b, g in zip(sizes[:-1], sizes[1:], acts)])
    X = rng.normal(0, 1, (n, sizes[0]))
    if loss == "cross_entropy":
        T = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    elif loss == "bce":
        T = rng.integers(0, 2, (n, sizes[-1])).astype(float)
    else:
        T = rng.uniform(-1, 1, (n, sizes[-1]))
    return net, X, T


def _torch_backward(net, X, T, loss):
    """Loss, parameter gradients, and dL/dz, dL/da of every layer, by autograd (float64)."""
    t = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))  # noqa: E731
    params = {k: t(v).requires_grad_(True) for k, v in net.params().items()}
    a, zs, As = t(X), [], []
    for ell, layer in enumerate(net.layers, start=1):
        z = a @ params[f"W{ell}"] + params[f"b{ell}"]
        a = TORCH_ACT[layer.activation](z)
        z.retain_grad(), a.retain_grad()
        zs.append(z), As.append(a)
    Tt, n = t(T), X.shape[0]
    value = {"ssr": lambda: 0.5 * ((a - Tt) ** 2).sum() / n,
             "mse": lambda: torch.nn.functional.mse_loss(a, Tt),
             "bce": lambda: torch.nn.functional.binary_cross_entropy(a, Tt, reduction="sum") / n,
             "cross_entropy": lambda: -(Tt * torch.log(a)).sum() / n}[loss]()
    if loss == "cross_entropy":   # the same loss as PyTorch's own, on the logits
        assert value.item() == pytest.approx(
            torch.nn.functional.cross_entropy(zs[-1], Tt).item(), rel=1e-12)
    value.backward()
    return (value.item(), {k: p.grad.numpy() for k, p in params.items()},
            [z.grad.numpy() for z in zs], [a.grad.numpy() for a in As])


def _close(ours, theirs, tol):
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol * 1e-2)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("sizes, hidden, output, loss, n", CASES)
def test_trace_against_finite_differences_and_pytorch(sizes, hidden, output, loss, n, seed):
    net, X, T = _case(sizes, hidden, output, loss, n, seed)
    trace = nnmath.explain(net, X, T, loss=loss, learning_rate=0.1, check=True)

    # Finite differences (nnmath.gradcheck, central, h = 1e-6).
    assert trace.check.max_rel_diff < 1e-6, (trace.check.worst, trace.check.max_rel_diff)

    # PyTorch float64: loss, every gradient, and per layer delta = dL/dz and dL/da.
    value, grads, dL_dz, dL_da = _torch_backward(net, X, T, loss)
    assert trace.loss == pytest.approx(value, rel=1e-12)
    for name, g in trace.gradients.items():
        _close(g, grads[name], 1e-10)
    for lt, dz, da in zip(trace.layers, dL_dz, dL_da):
        _close(lt.delta, dz, 1e-10)
        if lt is not trace.layers[-1] or not trace.shortcut:
            _close(lt.dL_da, da, 1e-10)
    _close(trace.dL_dy_hat, dL_da[-1], 1e-10)
    _close(trace.output_delta.full, dL_dz[-1], 1e-10)      # the full chain-rule product

    # The explanation's identities, each number from the trace.
    for lt in trace.layers[:-1]:
        _close(lt.terms.sum(axis=-1), lt.dL_da, 1e-12)     # Σ_k delta_k W_jk = dL/da_j
        _close(lt.dL_da * lt.g_prime, lt.delta, 1e-12)     # · g'(z_j) = delta_j
    if trace.output_delta.shortcut is not None:
        _close(trace.output_delta.full, trace.output_delta.shortcut, 1e-10)
    for chain in trace.chains.values():
        assert chain.product == pytest.approx(chain.gradient, rel=1e-12)
    for name, p in trace.params.items():
        _close(trace.updated[name], p - 0.1 * trace.gradients[name], 1e-14)


def test_the_gradient_check_can_fail():
    from nnmath.gradcheck import gradient_check

    net, X, T = _case([2, 3, 2], "tanh", "sigmoid", "ssr", 2, seed=3)
    good = net.gradients(X, T, loss="ssr")[1]
    wrong = {k: v.copy() for k, v in good.items()}
    wrong["W1"][1, 2] *= 1.01                               # a 1 % error in one entry
    check = gradient_check(net, X, T, "ssr", analytic=wrong)
    assert check.worst == "W1[1,2]" and check.max_rel_diff == pytest.approx(0.01, rel=0.05)
    assert gradient_check(net, X, T, "ssr", analytic=good).max_rel_diff < 1e-6
