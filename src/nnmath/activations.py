"""Activation functions ``a = g(z)`` with their derivatives.

Each activation knows three things:

- ``forward(z)``: the value ``a = g(z)``;
- ``derivative(z, a)``: the local slope ``g'(z)``, elementwise, same shape as
  ``z`` (softmax, whose slope is a Jacobian, gives it with ``jacobian``);
- ``backward(z, a, dL_da)``: the chain rule through the activation,
  ``delta = dL_dz``.

All of them are numerically stable: no overflow and no warning at
``|z| = 1e4``.

>>> import numpy as np
>>> z = np.array([[-1e4, 0.0, 1e4]])
>>> get_activation("sigmoid").forward(z)
array([[0. , 0.5, 1. ]])
>>> get_activation("softmax").forward(z).round(6)
array([[0., 0., 1.]])
"""

from __future__ import annotations

import numpy as np

from ._typing import FloatArray
from .errors import ConfigError, must_be

__all__ = ["Activation", "ACTIVATIONS", "get_activation"]


class Activation:
    """Base class: an elementwise activation ``a = g(z)``."""

    name: str = ""
    elementwise: bool = True
    """True when each ``a_j`` depends on its own ``z_j`` only (``derivative`` gives the
    slope); False for softmax, whose slope is the matrix ``jacobian``."""

    def forward(self, z: FloatArray) -> FloatArray:
        """``a = g(z)``, same shape as ``z``."""
        raise NotImplementedError

    def derivative(self, z: FloatArray, a: FloatArray) -> FloatArray:
        """``g'(z)`` elementwise; ``a = g(z)`` is passed so it need not be recomputed."""
        raise NotImplementedError

    def jacobian(self, a: FloatArray) -> FloatArray:
        """``da_j/dz_i`` of an activation that is not elementwise: shape (n_samples,
        n_out, n_out). An elementwise activation has none (its slope is ``derivative``)."""
        raise ConfigError(f"{self.name} is elementwise: each a_j depends on z_j only, so its "
                          "slope is derivative(z, a), not a Jacobian matrix.")

    def backward(self, z: FloatArray, a: FloatArray, dL_da: FloatArray) -> FloatArray:
        """Chain rule through an elementwise activation: ``delta = dL_da * g'(z)``."""
        return dL_da * self.derivative(z, a)

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class Sigmoid(Activation):
    r"""Logistic sigmoid.

    .. math:: g(z) = \frac{1}{1 + e^{-z}}, \qquad g'(z) = g(z)\,(1 - g(z))

    Equations::

        a     = 1 / (1 + exp(-z))
        g'(z) = a * (1 - a)

    >>> import numpy as np
    >>> s = Sigmoid()
    >>> a = s.forward(np.array([1.0]))
    >>> a.round(6), s.derivative(np.array([1.0]), a).round(6)
    (array([0.731059]), array([0.196612]))
    """

    name = "sigmoid"

    def forward(self, z: FloatArray) -> FloatArray:
        # exp of -|z| only, so it never overflows: for z >= 0, a = 1 / (1 + e^-z);
        # for z < 0, a = e^z / (1 + e^z) = e * (1 / (1 + e)) with e = e^-|z|.
        e = np.exp(-np.abs(z))
        a = 1.0 / (1.0 + e)
        return np.where(z >= 0, a, e * a)

    def derivative(self, z: FloatArray, a: FloatArray) -> FloatArray:
        return a * (1.0 - a)


class Tanh(Activation):
    r"""Hyperbolic tangent.

    .. math:: g(z) = \tanh z, \qquad g'(z) = 1 - \tanh^2 z

    >>> import numpy as np
    >>> t = Tanh()
    >>> a = t.forward(np.array([0.5]))
    >>> t.derivative(np.array([0.5]), a).round(6)
    array([0.786448])
    """

    name = "tanh"

    def forward(self, z: FloatArray) -> FloatArray:
        return np.tanh(z)

    def derivative(self, z: FloatArray, a: FloatArray) -> FloatArray:
        return 1.0 - a * a


class Relu(Activation):
    r"""Rectified linear unit.

    .. math:: g(z) = \max(0, z), \qquad g'(z) = [z > 0]

    The slope at exactly ``z = 0`` is taken as 0 (as in PyTorch).

    >>> import numpy as np
    >>> r = Relu()
    >>> z = np.array([-2.0, 0.0, 3.0])
    >>> r.forward(z), r.derivative(z, r.forward(z))
    (array([0., 0., 3.]), array([0., 0., 1.]))
    """

    name = "relu"

    def forward(self, z: FloatArray) -> FloatArray:
        return np.maximum(z, 0.0)

    def derivative(self, z: FloatArray, a: FloatArray) -> FloatArray:
        return (z > 0).astype(z.dtype)


class Identity(Activation):
    r"""Identity (linear output).

    .. math:: g(z) = z, \qquad g'(z) = 1
    """

    name = "identity"

    def forward(self, z: FloatArray) -> FloatArray:
        return z.copy()

    def derivative(self, z: FloatArray, a: FloatArray) -> FloatArray:
        return np.ones_like(z)


class Softmax(Activation):
    r"""Softmax over the outputs of one sample (each row of ``z``).

    .. math:: a_j = \frac{e^{z_j}}{\sum_k e^{z_k}}, \qquad
              \frac{\partial a_j}{\partial z_i} = a_j(\delta_{ij} - a_i)

    Equations::

        a_j        = exp(z_j - max(z)) / sum_k exp(z_k - max(z))
        da_j/dz_i  = a_j * ([i == j] - a_i)
        delta_i    = sum_j dL/da_j * da_j/dz_i = a_i * (dL/da_i - sum_j dL/da_j * a_j)

    Subtracting ``max(z)`` changes nothing mathematically and keeps ``exp``
    from overflowing.

    >>> import numpy as np
    >>> s = Softmax()
    >>> s.forward(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    """

    name = "softmax"
    elementwise = False

    def forward(self, z: FloatArray) -> FloatArray:
        e: FloatArray = np.exp(z - z.max(axis=-1, keepdims=True))
        total: FloatArray = e.sum(axis=-1, keepdims=True)
        return e / total

    def derivative(self, z: FloatArray, a: FloatArray) -> FloatArray:
        raise ConfigError(
            "softmax has no elementwise slope: each output depends on every z. "
            "Use Softmax.jacobian(a) for da_j/dz_i."
        )

    def jacobian(self, a: FloatArray) -> FloatArray:
        """``da_j/dz_i`` for each sample: shape (n_samples, n_out, n_out), ``[s, i, j]``.

        >>> import numpy as np
        >>> Softmax().jacobian(np.array([[0.25, 0.75]]))
        array([[[ 0.1875, -0.1875],
                [-0.1875,  0.1875]]])
        """
        eye: FloatArray = np.eye(a.shape[-1], dtype=a.dtype)[None]   # [0, i, j] = [i == j]
        column: FloatArray = a[:, :, None]                           # [s, i, 0] = a_i
        row: FloatArray = a[:, None, :]                              # [s, 0, j] = a_j
        return column * eye - column * row

    def backward(self, z: FloatArray, a: FloatArray, dL_da: FloatArray) -> FloatArray:
        total: FloatArray = np.sum(dL_da * a, axis=-1, keepdims=True)   # sum_j dL/da_j a_j
        return a * (dL_da - total)


ACTIVATIONS: dict[str, Activation] = {
    act.name: act for act in (Sigmoid(), Tanh(), Relu(), Identity(), Softmax())
}


def get_activation(name: str | Activation) -> Activation:
    """The activation called ``name`` (one of ``ACTIVATIONS``).

    >>> get_activation("tanh")
    <activation tanh>
    >>> get_activation("sigmod")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: activation must be one of 'identity', 'relu', 'sigmoid', 'softmax', 'tanh'. Got 'sigmod'. Check the spelling.
    """
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        choices = ", ".join(repr(k) for k in sorted(ACTIVATIONS))
        raise ConfigError(
            must_be("activation", f"one of {choices}", name, "Check the spelling.")
        ) from None
