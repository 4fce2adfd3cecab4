r"""Gradient-descent update rules, in order of increasing complexity.

Each optimizer updates the parameters in place from their gradients::

    sgd       W <- W - learning_rate * dL_dW
    momentum  v <- mu * v + dL_dW;  W <- W - learning_rate * v          (PyTorch's form)
    adam      m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g^2
              W <- W - learning_rate * (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)

>>> import numpy as np
>>> params, grads = {"W1": np.array([[0.5]])}, {"W1": np.array([[-0.0280307]])}
>>> SGD(learning_rate=0.1).step(params, grads)
>>> params["W1"].round(6)
array([[0.502803]])
"""

from __future__ import annotations

import numpy as np

from ._typing import Params
from .checks import check_number
from .errors import ConfigError, must_be

__all__ = ["SGD", "Momentum", "Adam", "OPTIMIZERS", "get_optimizer"]


class SGD:
    """Plain gradient descent: ``W <- W - learning_rate * dL_dW``."""

    name: str = "sgd"

    def __init__(self, learning_rate: float = 0.1) -> None:
        self.learning_rate = check_number(learning_rate, "learning_rate", minimum=0,
                                          open_min=True, fix="For example 0.1.")

    def step(self, params: Params, grads: Params) -> None:
        """Update each array of ``params`` in place from ``grads[name]`` (same shapes)."""
        for name, p in params.items():
            p -= self.learning_rate * grads[name]


class Momentum(SGD):
    """Gradient descent with momentum ``mu`` (PyTorch's ``SGD(momentum=mu)``)."""

    name = "momentum"

    def __init__(self, learning_rate: float = 0.1, mu: float = 0.9) -> None:
        super().__init__(learning_rate)
        self.mu = check_number(mu, "momentum mu", 0, 1, open_max=True, constraint="in [0, 1)",
                               fix="For example 0.9.")
        self.velocity: Params = {}

    def step(self, params: Params, grads: Params) -> None:
        for name, p in params.items():
            v = self.velocity.get(name)
            v = grads[name].copy() if v is None else self.mu * v + grads[name]
            self.velocity[name] = v
            p -= self.learning_rate * v


class Adam(SGD):
    """Adam (Kingma & Ba, 2015) with bias correction; PyTorch's defaults."""

    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t: int = 0
        self.m: Params = {}
        self.s: Params = {}

    def step(self, params: Params, grads: Params) -> None:
        self.t += 1
        for name, p in params.items():
            g = grads[name]
            m = self.beta1 * self.m.get(name, 0.0) + (1 - self.beta1) * g
            s = self.beta2 * self.s.get(name, 0.0) + (1 - self.beta2) * g * g
            self.m[name], self.s[name] = m, s
            m_hat = m / (1 - self.beta1 ** self.t)
            s_hat = s / (1 - self.beta2 ** self.t)
            p -= self.learning_rate * m_hat / (np.sqrt(s_hat) + self.eps)


OPTIMIZERS: dict[str, type[SGD]] = {cls.name: cls for cls in (SGD, Momentum, Adam)}


def get_optimizer(name: str | SGD, learning_rate: float) -> SGD:
    """A fresh optimizer called ``name`` (``sgd``, ``momentum``, ``adam``)."""
    if isinstance(name, SGD):
        return name
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        choices = ", ".join(repr(k) for k in OPTIMIZERS)
        raise ConfigError(must_be("optimizer", f"one of {choices}", name)) from None
    return cls(learning_rate=learning_rate)
