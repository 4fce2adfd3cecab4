"""P1, the article's training, in every peer.

Network B (1-1-1 sigmoid; w1 = 0.5, b1 = 0, w2 = -1, b2 = 0), loss ½SSR per
sample (``"ssr"``), plain SGD one sample at a time in the rows' fixed order
(``nnmath.datasets.psa()``), learning rate 0.1, ``epochs`` epochs (2 000 =
28 000 updates). Like nnmath's ``History``, every peer computes the loss over
all 14 rows after each epoch (the loss curve), and returns the last one:
the mean over rows of ½ (y_hat - t)². The same algorithm everywhere but in
scikit-learn (see :func:`sklearn_mlp`): every other peer ends at 0.06443, 11/14.

Peers: nnmath ``Network.fit`` (the public API, as a user calls it), a
hand-written pure-Python float loop, a layer-wise NumPy loop, micrograd (its
``Value``; micrograd 0.1.0 has no sigmoid, so one is added in its own style),
scikit-learn's ``MLPClassifier``, PyTorch (float64) and the pure-Python loop
compiled with numba (``njit``; the compile happens in the warm-up, not timed).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from bench_timing import Outcome

LEARNING_RATE = 0.1
W1, B1, W2, B2 = 0.5, 0.0, -1.0, 0.0


def data():
    """The 14 PSA rows: X (14, 1) float64, t (14,) float64 in {0, 1}."""
    import nnmath

    d = nnmath.datasets.psa()
    return d.X, d.y.astype(np.float64)


def _outcome(y_hat, t) -> Outcome:
    y_hat, t = np.asarray(y_hat, dtype=np.float64), np.asarray(t, dtype=np.float64)
    loss = float(np.mean(0.5 * (y_hat - t) ** 2))
    return Outcome(loss, float(np.mean((y_hat >= 0.5) == (t == 1))))


def nnmath_fit(X, t, epochs):
    from nnmath.article import network_b

    net = network_b()
    history = net.fit(X, t[:, None], loss="ssr", learning_rate=LEARNING_RATE, epochs=epochs,
                      batch_size=1)
    out = _outcome(net.forward(X)[:, 0], t)
    out.extra["history_loss"] = float(history.loss[-1])
    return out


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def python_loop(X, t, epochs):
    """Floats and the chain rule by hand: delta2 = (a2 - t) a2 (1 - a2), delta1 = delta2 w2 a1 (1 - a1)."""
    xs, ts = [float(v) for v in X[:, 0]], [float(v) for v in t]
    w1, b1, w2, b2, eta = W1, B1, W2, B2, LEARNING_RATE
    curve = []
    for _ in range(epochs):
        for x, target in zip(xs, ts):
            a1 = _sigmoid(w1 * x + b1)
            a2 = _sigmoid(w2 * a1 + b2)
            delta2 = (a2 - target) * a2 * (1.0 - a2)
            delta1 = delta2 * w2 * a1 * (1.0 - a1)
            w2 -= eta * delta2 * a1
            b2 -= eta * delta2
            w1 -= eta * delta1 * x
            b1 -= eta * delta1
        curve.append(sum(0.5 * (_sigmoid(w2 * _sigmoid(w1 * x + b1) + b2) - target) ** 2
                         for x, target in zip(xs, ts)) / len(xs))
    return _outcome([_sigmoid(w2 * _sigmoid(w1 * x + b1) + b2) for x in xs], t)


def _np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _np_forward(params, a):
    for W, b in params:
        a = _np_sigmoid(a @ W + b)
    return a


def numpy_loop(X, t, epochs):
    """Layer-wise NumPy: a list of (W, b), forward keeps every a, backward walks it back."""
    params = [(np.array([[W1]]), np.array([B1])), (np.array([[W2]]), np.array([B2]))]
    T = t[:, None]
    curve = []
    for _ in range(epochs):
        for i in range(X.shape[0]):
            activations = [X[i:i + 1]]
            for W, b in params:
                activations.append(_np_sigmoid(activations[-1] @ W + b))
            dL_da = activations[-1] - T[i:i + 1]
            for ell in range(len(params) - 1, -1, -1):
                W, b = params[ell]
                a, a_prev = activations[ell + 1], activations[ell]
                delta = dL_da * a * (1.0 - a)
                dL_da = delta @ W.T
                W -= LEARNING_RATE * (a_prev.T @ delta)
                b -= LEARNING_RATE * delta.sum(axis=0)
        curve.append(float(np.mean(0.5 * np.sum((_np_forward(params, X) - T) ** 2, axis=1))))
    return _outcome(_np_forward(params, X)[:, 0], t)


def _micrograd_sigmoid(v):
    """sigmoid as a micrograd operation: its local derivative a (1 - a) beside its value."""
    from micrograd.engine import Value

    a = 1.0 / (1.0 + math.exp(-v.data))
    out = Value(a, (v,), "sigmoid")

    def _backward():
        v.grad += a * (1.0 - a) * out.grad
    out._backward = _backward
    return out


def micrograd_loop(X, t, epochs):
    from micrograd.engine import Value

    w1, b1, w2, b2 = Value(W1), Value(B1), Value(W2), Value(B2)
    params = (w1, b1, w2, b2)
    xs, ts = [float(v) for v in X[:, 0]], [float(v) for v in t]

    def y_hat(x):
        return _micrograd_sigmoid(w2 * _micrograd_sigmoid(w1 * x + b1) + b2)

    curve = []
    for _ in range(epochs):
        for x, target in zip(xs, ts):
            loss = 0.5 * (y_hat(x) - target) ** 2
            for p in params:
                p.grad = 0.0
            loss.backward()
            for p in params:
                p.data -= LEARNING_RATE * p.grad
        curve.append(sum((0.5 * (y_hat(x) - target) ** 2).data
                         for x, target in zip(xs, ts)) / len(xs))
    return _outcome([y_hat(x).data for x in xs], t)


def sklearn_mlp(X, t, epochs):
    """scikit-learn's MLPClassifier as close as it allows: one logistic hidden neuron, a
    logistic output, the article's starting weights (set after a 1-epoch warm start),
    batch 1, rows in order (shuffle=False), plain SGD (momentum 0), learning rate 0.1,
    no penalty, no early stop. What differs: its loss is log loss (bce), not ½SSR —
    MLPRegressor has ½ squared error but no sigmoid output — so it ends elsewhere; the
    loss it reports is a running mean of per-sample losses (we print ½SSR of its end
    point); and it validates the data on every call."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(1,), activation="logistic", solver="sgd",
                        momentum=0.0, nesterovs_momentum=False, learning_rate_init=LEARNING_RATE,
                        batch_size=1, shuffle=False, max_iter=1, alpha=0.0, tol=0.0,
                        n_iter_no_change=10**9, warm_start=True, random_state=0)
    y = t.astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)   # sets up the classes and shapes
        clf.coefs_ = [np.array([[W1]]), np.array([[W2]])]
        clf.intercepts_ = [np.array([B1]), np.array([B2])]
        clf.set_params(max_iter=epochs)
        clf.fit(X, y)
    out = _outcome(clf.predict_proba(X)[:, 1], t)
    out.extra["own_loss"] = float(clf.loss_curve_[-1])
    return out


def torch_loop(X, t, epochs):
    """PyTorch float64: four scalar parameters, autograd, torch.optim.SGD, one row per step."""
    import torch

    X_t, T_t = torch.tensor(X), torch.tensor(t)[:, None]
    w1, b1 = torch.tensor([[W1]], dtype=torch.float64), torch.tensor([B1], dtype=torch.float64)
    w2, b2 = torch.tensor([[W2]], dtype=torch.float64), torch.tensor([B2], dtype=torch.float64)
    params = [p.requires_grad_() for p in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=LEARNING_RATE)

    def forward(x):
        return torch.sigmoid(torch.sigmoid(x @ w1 + b1) @ w2 + b2)

    curve = []
    for _ in range(epochs):
        for i in range(X_t.shape[0]):
            opt.zero_grad()
            (0.5 * ((forward(X_t[i:i + 1]) - T_t[i:i + 1]) ** 2).sum()).backward()
            opt.step()
        with torch.no_grad():
            curve.append(float((0.5 * ((forward(X_t) - T_t) ** 2).sum(dim=1)).mean()))
    with torch.no_grad():
        return _outcome(forward(X_t)[:, 0].numpy(), t)


_NUMBA_KERNEL = None


def _numba_kernel():
    global _NUMBA_KERNEL
    if _NUMBA_KERNEL is None:
        import numba

        @numba.njit(cache=False)
        def kernel(xs, ts, epochs, eta, params, curve):
            w1, b1, w2, b2 = params[0], params[1], params[2], params[3]
            n = xs.shape[0]
            for e in range(epochs):
                for i in range(n):
                    a1 = 1.0 / (1.0 + math.exp(-(w1 * xs[i] + b1)))
                    a2 = 1.0 / (1.0 + math.exp(-(w2 * a1 + b2)))
                    delta2 = (a2 - ts[i]) * a2 * (1.0 - a2)
                    delta1 = delta2 * w2 * a1 * (1.0 - a1)
                    w2 -= eta * delta2 * a1
                    b2 -= eta * delta2
                    w1 -= eta * delta1 * xs[i]
                    b1 -= eta * delta1
                total = 0.0
                for i in range(n):
                    a1 = 1.0 / (1.0 + math.exp(-(w1 * xs[i] + b1)))
                    a2 = 1.0 / (1.0 + math.exp(-(w2 * a1 + b2)))
                    total += 0.5 * (a2 - ts[i]) ** 2
                curve[e] = total / n
            params[0], params[1], params[2], params[3] = w1, b1, w2, b2

        _NUMBA_KERNEL = kernel
    return _NUMBA_KERNEL


def numba_loop(X, t, epochs):
    """The pure-Python loop compiled by numba (njit, no fastmath); compiled on first call."""
    kernel = _numba_kernel()
    xs, params = np.ascontiguousarray(X[:, 0]), np.array([W1, B1, W2, B2])
    curve = np.empty(epochs)
    kernel(xs, t, epochs, LEARNING_RATE, params, curve)
    w1, b1, w2, b2 = params
    return _outcome(_np_sigmoid(w2 * _np_sigmoid(w1 * xs + b1) + b2), t)


PEERS = {
    "nnmath Network.fit": nnmath_fit,
    "pure Python": python_loop,
    "NumPy layer-wise": numpy_loop,
    "micrograd": micrograd_loop,
    "scikit-learn": sklearn_mlp,
    "PyTorch f64": torch_loop,
    "numba njit": numba_loop,
}
SAME_ALGORITHM = [name for name in PEERS if name != "scikit-learn"]
NEEDS = {"micrograd": "micrograd", "scikit-learn": "sklearn", "PyTorch f64": "torch",
         "numba njit": "numba"}
