"""Hand-written relu + softmax/cross-entropy MLPs (NumPy, PyTorch) for P2, P3 and growth.

Both do what nnmath's ``Network.fit`` does for the same call: plain SGD on
batches of ``batch_size`` rows, in row order or shuffled by index with
``np.random.default_rng(seed).permutation(n)`` each epoch (nnmath's own
rule, so the runs are step for step the same), and the loss over all rows
after each epoch (``History.loss``), computed in chunks of rows.
They start from the weights they are given: ``[(W (n_in, n_out), b (n_out,)), ...]``.
"""

from __future__ import annotations

import numpy as np

CHUNK = 4096   # rows per chunk of the end-of-epoch loss


def start_weights(sizes, seed, dtype=np.float64):
    """The weights ``nnmath.Network.random(sizes, "relu", "softmax", seed)`` starts from."""
    import nnmath

    net = nnmath.Network.random(sizes, activation="relu", output_activation="softmax",
                                seed=seed, dtype=dtype)
    return [(layer.W.copy(), layer.b.copy()) for layer in net.layers]


def softmax_rows(z):
    """softmax over each row of z (n, k), in place; returns z."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def cross_entropy(A, T) -> float:
    """Mean over rows of -sum_j t_j log a_j (a clipped at the dtype's tiny)."""
    A = np.asarray(A, dtype=np.float64)
    return float(np.mean(-np.sum(T * np.log(np.maximum(A, np.finfo(np.float64).tiny)), axis=1)))


def accuracy(A, T) -> float:
    return float(np.mean(np.argmax(A, axis=1) == np.argmax(T, axis=1)))


def numpy_forward(params, X):
    """The network's outputs for X (n, n_in), in chunks of rows."""
    out = []
    for start in range(0, X.shape[0], CHUNK):
        a = X[start:start + CHUNK]
        for ell, (W, b) in enumerate(params):
            a = a @ W
            a += b
            if ell < len(params) - 1:
                np.maximum(a, 0, out=a)
        out.append(softmax_rows(a))
    return np.concatenate(out)


def _numpy_step(params, x, t, learning_rate):
    activations = [x]
    for ell, (W, b) in enumerate(params):
        z = activations[-1] @ W
        z += b
        activations.append(np.maximum(z, 0, out=z) if ell < len(params) - 1 else softmax_rows(z))
    delta = (activations[-1] - t) / x.shape[0]   # softmax + cross-entropy: dL/dz = (a - t)/m
    for ell in range(len(params) - 1, -1, -1):
        W, b = params[ell]
        dL_dW, dL_db = activations[ell].T @ delta, delta.sum(axis=0)
        if ell > 0:   # no gradient for the inputs
            delta = (delta @ W.T) * (activations[ell] > 0)
        W -= learning_rate * dL_dW
        b -= learning_rate * dL_db


def numpy_fit(X, T, params, learning_rate, epochs, batch_size, shuffle=False, seed=0):
    """Train a copy of ``params`` in place; returns (params, loss curve)."""
    params = [(W.copy(), b.copy()) for W, b in params]
    rng, n, curve = np.random.default_rng(seed), X.shape[0], []
    for _ in range(epochs):
        order = rng.permutation(n) if shuffle else None
        for start in range(0, n, batch_size):
            rows = slice(start, start + batch_size) if order is None else \
                order[start:start + batch_size]
            _numpy_step(params, X[rows], T[rows], learning_rate)
        curve.append(cross_entropy(numpy_forward(params, X), T))
    return params, curve


def torch_fit(X, T, params, learning_rate, epochs, batch_size, shuffle=False, seed=0,
              usual=False):
    """PyTorch, as its users write it: nn.Sequential of Linear + ReLU, CrossEntropyLoss on the
    logits, torch.optim.SGD; the data shared with NumPy (``torch.from_numpy``, no copy).
    Returns the outputs (softmax) for all of X after training, and the loss curve.

    ``usual``: the loop as PyTorch's tutorials write it: the epoch's loss is the running
    mean of the batch losses (each weighted by its rows), no pass over all rows after an
    epoch; the outputs returned are then None."""
    import torch

    layers = []
    for ell, (W, b) in enumerate(params):
        linear = torch.nn.Linear(*W.shape, dtype=torch.from_numpy(W).dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear] if ell == len(params) - 1 else [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(np.argmax(T, axis=1))
    rng, n, curve, running = np.random.default_rng(seed), X.shape[0], [], 0.0
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(n)) if shuffle else None
        for start in range(0, n, batch_size):
            rows = slice(start, start + batch_size) if order is None else \
                order[start:start + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(X_t[rows]), y_t[rows])
            loss.backward()
            opt.step()
            if usual:
                running += loss.item() * min(batch_size, n - start)
        if usual:
            curve.append(running / n)
            running = 0.0
            continue
        with torch.no_grad():
            outputs = torch.cat([torch.softmax(model(X_t[s:s + CHUNK]), dim=1)
                                 for s in range(0, n, CHUNK)])
        curve.append(cross_entropy(outputs.numpy(), T))
    return (None if usual else outputs.numpy()), curve
