r"""The same network in PyTorch, float64, differentiated by autograd: an outside oracle.

Built from ``net.params()`` with the engine's layout (``W`` is ``(n_in, n_out)``,
``z = a @ W + b``) and the engine's activations (softmax over the outputs of a
sample, ``dim=1``). The losses are PyTorch's own, reduced to the engine's
convention (batch loss = mean over samples of the per-sample loss)::

    ssr            0.5 * MSELoss(reduction="sum") / n
    mse            MSELoss()                      (mean over samples and outputs)
    bce            BCELoss(reduction="sum") / n   on y_hat
                   (or BCEWithLogitsLoss(reduction="sum") / n on z)
    cross_entropy  CrossEntropyLoss()             on the logits z, probability targets

>>> import nnmath
>>> net = nnmath.Network([nnmath.Dense(W=[[0.5]], b=[0.0]), nnmath.Dense(W=[[-1.0]], b=[0.0])])
>>> value, grads = TorchNet(net).gradients([[2.0]], [[0.0]], "ssr")
>>> round(value, 6), round(float(grads["W1"].item()), 7)
(0.0528, -0.0280307)
"""

from __future__ import annotations

import numpy as np
import torch

# The tensors here are tiny: a thread pool only adds overhead (8x slower on a busy
# two-core machine) and one thread keeps every reduction in one fixed order.
torch.set_num_threads(1)

ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def as_tensor(array) -> torch.Tensor:
    return torch.tensor(np.array(array, dtype=np.float64), dtype=torch.float64)


def torch_loss(z, y_hat, T, loss, bce_from_logits=False) -> torch.Tensor:
    """The batch loss with PyTorch's loss modules (see the module docstring)."""
    n = T.shape[0]
    if loss == "ssr":
        return 0.5 * torch.nn.MSELoss(reduction="sum")(y_hat, T) / n
    if loss == "mse":
        return torch.nn.MSELoss()(y_hat, T)
    if loss == "bce":
        if bce_from_logits:
            return torch.nn.BCEWithLogitsLoss(reduction="sum")(z, T) / n
        return torch.nn.BCELoss(reduction="sum")(y_hat, T) / n
    if loss == "cross_entropy":
        return torch.nn.CrossEntropyLoss()(z, T)
    raise ValueError(f"unknown loss {loss!r}")


class TorchNet:
    """A float64 PyTorch copy of an nnmath network (its own parameters, leaf tensors)."""

    def __init__(self, net):
        self.activations = [layer.activation for layer in net.layers]
        self.params = {name: as_tensor(p).requires_grad_(True)
                       for name, p in net.params().items()}

    def forward(self, X):
        """``(z_L, y_hat)``."""
        a = as_tensor(X)
        for ell, act in enumerate(self.activations, start=1):
            z = a @ self.params[f"W{ell}"] + self.params[f"b{ell}"]
            a = ACTIVATIONS[act](z)
        return z, a

    def loss(self, X, T, loss, bce_from_logits=False) -> torch.Tensor:
        z, y_hat = self.forward(X)
        return torch_loss(z, y_hat, as_tensor(T), loss, bce_from_logits)

    def gradients(self, X, T, loss, bce_from_logits=False):
        """``(loss, {name: dL/dname})`` by autograd, like ``Network.gradients``."""
        value = self.loss(X, T, loss, bce_from_logits)
        grads = torch.autograd.grad(value, list(self.params.values()))
        return value.item(), {name: g.numpy() for name, g in zip(self.params, grads)}

    def numpy_params(self) -> dict[str, np.ndarray]:
        return {name: p.detach().numpy().copy() for name, p in self.params.items()}

    def optimizer(self, name, learning_rate) -> torch.optim.Optimizer:
        """PyTorch's counterpart of the engine's ``optimizer=name``."""
        params = list(self.params.values())
        if name == "sgd":
            return torch.optim.SGD(params, lr=learning_rate)
        if name == "momentum":
            return torch.optim.SGD(params, lr=learning_rate, momentum=0.9)
        if name == "adam":
            return torch.optim.Adam(params, lr=learning_rate)   # betas .9/.999, eps 1e-8
        raise ValueError(f"unknown optimizer {name!r}")

    def train(self, X, T, loss, optimizer, learning_rate, epochs, batch_size):
        """The engine's loop in PyTorch: rows in order, batches of ``batch_size``,
        one optimizer step per batch; returns the loss over all rows after each epoch."""
        opt = self.optimizer(optimizer, learning_rate)
        X, T = np.asarray(X), np.asarray(T)
        history = []
        for _ in range(epochs):
            for start in range(0, X.shape[0], batch_size):
                rows = slice(start, start + batch_size)
                opt.zero_grad()
                self.loss(X[rows], T[rows], loss).backward()
                opt.step()
            with torch.no_grad():
                history.append(self.loss(X, T, loss).item())
        return history
