r"""A fully connected layer: weighted sum, bias, activation.

Forward (rows are samples)::

    z = a_prev @ W + b          W: (n_in, n_out), b: (n_out,)
    a = g(z)

Backward (the chain rule, one factor at a time)::

    delta      = dL_dz = dL_da * g'(z)     (softmax: a * (dL_da - sum(dL_da * a)))
    dL_dW      = a_prev.T @ delta           because dz/dW = a_prev
    dL_db      = delta.sum(axis=0)          because dz/db = 1
    dL_da_prev = delta @ W.T                because dz/da_prev = W

>>> import numpy as np
>>> hidden = Dense(W=[[0.5]], b=[0.0], activation="sigmoid")
>>> step = hidden.forward(np.array([[2.0]]))
>>> step.z, step.a.round(6)
(array([[1.]]), array([[0.731059]]))
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._typing import ArrayLike, DTypeLike, FloatArray
from .activations import Activation, get_activation
from .checks import Interval, check_dtype, check_seed
from .errors import ConfigError, ShapeError, must_be

__all__ = ["Dense", "Forward", "Backward", "MAX_PARAMS", "count_params", "check_params"]

MAX_PARAMS = 2_000_000
"""The most parameters a network may have, however it is made (``Dense(n_in, n_out)``,
``Network.random``, ``nnmath train --hidden``, ``nnmath new``, a model file): checked
before any weight is drawn, so a huge size is a one-line error, not a MemoryError. A
model file of this many parameters stays under the 64 MB a model file may have (a
float64 value takes about 25 bytes in the JSON ``net.save`` writes)."""

_COUNT = Interval(numbers.Integral, 1)   # a number of inputs or neurons


def count_params(sizes: Iterable[int]) -> int:
    """The number of weights and biases of a network with layer sizes ``sizes``.

    ``sizes = [n_inputs, n_1, ..., n_L]`` (Python ints: no overflow, however large).

    >>> count_params([1, 1, 1]), count_params([4, 8, 3])      # network B; 4-8-3: 40 + 27
    (4, 67)
    """
    ints = [int(n) for n in sizes]
    return sum(n_in * n_out + n_out for n_in, n_out in zip(ints[:-1], ints[1:]))


def check_params(n_params: int, got: str, fix: str = "Use fewer neurons.") -> int:
    """``n_params`` if it is at most :data:`MAX_PARAMS`, else a ConfigError naming the limit.

    ``got`` says where the number comes from (it follows the count in the message).

    >>> check_params(4, "sizes 1 1 1")
    4
    >>> check_params(count_params([1, 100000, 100000, 1]), "sizes 1 100000 100000 1")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: the number of parameters must be at most 2,000,000 (MAX_PARAMS, the limit of every network). Got '10,000,400,001 for sizes 1 100000 100000 1'. Use fewer neurons.
    """
    if n_params > MAX_PARAMS:
        raise ConfigError(must_be("the number of parameters", f"at most {MAX_PARAMS:,} "
                                  "(MAX_PARAMS, the limit of every network)",
                                  f"{n_params:,} for {got}", fix))
    return n_params


@dataclass(frozen=True)
class Forward:
    """What a layer's forward pass computed, kept for the backward pass.

    a_prev : (n_samples, n_in); z, a : (n_samples, n_out).
    """

    a_prev: FloatArray
    z: FloatArray
    a: FloatArray


@dataclass(frozen=True)
class Backward:
    """What a layer's backward pass computed.

    dL_da : (n_samples, n_out) or None when delta came from a shortcut;
    delta, : (n_samples, n_out); dL_dW : (n_in, n_out); dL_db : (n_out,);
    dL_da_prev : (n_samples, n_in), or None when not needed (layer 1 in training);
    g_prime : (n_samples, n_out), the activation's slope ``g'(z)`` (elementwise
    activations; None where the pass did not need it); jacobian : (n_samples,
    n_out, n_out), softmax's ``da_j/dz_i`` ``[s, i, j]``, kept for explanations only.
    """

    dL_da: FloatArray | None
    delta: FloatArray
    dL_dW: FloatArray
    dL_db: FloatArray
    dL_da_prev: FloatArray | None
    g_prime: FloatArray | None = None
    jacobian: FloatArray | None = None


def _check_softmax(activation: str, n_out: int) -> None:
    """softmax needs two or more neurons: over one it is always 1, whatever the input."""
    if activation == "softmax" and n_out < 2:
        raise ConfigError(must_be("the neurons of a softmax layer", "2 or more (softmax over "
                                  "one neuron is always 1, whatever the input)", n_out,
                                  "For one output use sigmoid (P(class 1)), or give the layer "
                                  "a neuron per class."))


class Dense:
    """A dense layer ``a = g(a_prev @ W + b)``.

    Parameters
    ----------
    n_in, n_out : int, optional
        Number of inputs and neurons. Needed when ``W`` is not given; the
        weights are then drawn from ``rng`` (Glorot uniform; He uniform for
        relu) and the biases start at 0.
    activation : str or Activation, default "sigmoid"
        One of ``sigmoid``, ``tanh``, ``relu``, ``identity``, ``softmax`` (the names of
        :data:`nnmath.activations.ACTIVATIONS`), or an
        :class:`~nnmath.activations.Activation` object. ``softmax`` needs two or more
        neurons (over one it is always 1): a ConfigError otherwise.
    W : array-like of shape (n_in, n_out), optional
        ``W[i, j]`` is the weight from input ``i`` to neuron ``j``.
    b : array-like of shape (n_out,), optional
        Biases; zeros when omitted.
    rng : numpy.random.Generator or int, optional
        Generator, or seed (None or a whole number >= 0), for the random weights.
    dtype : float32 or float64, default float64
    """

    def __init__(self, n_in: int | None = None, n_out: int | None = None,
                 activation: str | Activation = "sigmoid", *, W: ArrayLike | None = None,
                 b: ArrayLike | None = None, rng: np.random.Generator | int | None = None,
                 dtype: DTypeLike = np.float64) -> None:
        self.activation = activation
        dtype = check_dtype(dtype)
        if W is None:
            if n_in is None or n_out is None or n_in not in _COUNT or n_out not in _COUNT:
                raise ConfigError(must_be(
                    "Dense(n_in, n_out)", "two positive whole numbers (or give W)",
                    (n_in, n_out), "For example Dense(1, 2, 'softmax')."))
            check_params(count_params([n_in, n_out]), f"Dense({n_in}, {n_out})")
            if not isinstance(rng, np.random.Generator):
                rng = np.random.default_rng(check_seed(rng, "rng"))
            gain = 6.0 / n_in if self.activation == "relu" else 6.0 / (n_in + n_out)
            W = rng.uniform(-np.sqrt(gain), np.sqrt(gain), size=(n_in, n_out))
        W, b = _array("W", W, dtype), None if b is None else _array("b", b, dtype)
        if W.ndim == 2:
            check_params(count_params(W.shape), f"a layer with W of shape {W.shape}")
        if W.ndim != 2 or 0 in W.shape:
            raise ShapeError(must_be("W", "a non-empty 2-D array (n_in, n_out)", W.tolist(),
                                     "Write W as a list of rows, e.g. [[0.5]]."))
        if n_in is not None and n_out is not None and W.shape != (n_in, n_out):
            raise ShapeError(must_be("W", f"of shape ({n_in}, {n_out})", W.shape))
        b = np.zeros(W.shape[1], dtype=dtype) if b is None else b
        if b.shape != (W.shape[1],):
            raise ShapeError(must_be(
                "b", f"a list of {W.shape[1]} numbers (one per neuron, as W has {W.shape[1]} columns)",
                b.tolist(), "Give one bias per column of W."))
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ConfigError(must_be("W and b", "finite numbers", "NaN or inf",
                                      "Replace the non-finite values."))
        _check_softmax(self.activation, W.shape[1])
        self.W: FloatArray = W
        self.b: FloatArray = b

    @property
    def n_in(self) -> int:
        return int(self.W.shape[0])

    @property
    def n_out(self) -> int:
        return int(self.W.shape[1])

    @property
    def activation(self) -> str:
        """The activation's name; setting it checks the name."""
        return self._g.name

    @activation.setter
    def activation(self, name: str | Activation) -> None:
        g = get_activation(name)
        if hasattr(self, "W"):
            _check_softmax(g.name, self.n_out)
        self._g = g

    @property
    def g(self) -> Activation:
        """The activation object (value and derivative)."""
        return self._g

    def forward(self, a_prev: FloatArray) -> Forward:
        """``z = a_prev @ W + b``, ``a = g(z)``; returns all three for backward."""
        z = self.weighted_sum(a_prev)
        return Forward(a_prev, z, self._g.forward(z))

    def weighted_sum(self, a_prev: FloatArray) -> FloatArray:
        """``z = a_prev @ W + b`` only (a loss computed from the logits needs no ``a``)."""
        z = a_prev @ self.W
        z += self.b                                    # in place: one array of z, not two
        return z

    def backward(self, fwd: Forward, dL_da: FloatArray | None = None,
                 delta: FloatArray | None = None, need_prev: bool = True,
                 keep_slope: bool = False) -> Backward:
        """Chain rule through this layer, from ``dL_da`` (or a given ``delta``).

        ``need_prev=False`` skips ``dL_da_prev`` (None): the first layer's
        gradient with respect to the inputs, which training does not use.
        ``keep_slope=True`` keeps the activation's slope ``g'(z)`` (softmax: its
        Jacobian) even where ``delta`` was given: what an explanation shows.
        One of ``dL_da`` and ``delta`` must be given.
        """
        g, g_prime, jacobian = self._g, None, None
        if g.elementwise and (delta is None or keep_slope):
            g_prime = g.derivative(fwd.z, fwd.a)           # da/dz
        elif keep_slope:
            jacobian = g.jacobian(fwd.a)                   # da_j/dz_i
        if delta is None:                                  # dL/dz = dL/da * da/dz
            if dL_da is None:
                raise ConfigError(must_be("Dense.backward", "given dL_da or delta", "neither"))
            delta = dL_da * g_prime if g_prime is not None else g.backward(fwd.z, fwd.a, dL_da)
        dL_dW = fwd.a_prev.T @ delta                       # dz/dW = a_prev
        dL_db = delta.sum(axis=0)                          # dz/db = 1
        dL_da_prev = delta @ self.W.T if need_prev else None   # dz/da_prev = W
        return Backward(dL_da=dL_da, delta=delta, dL_dW=dL_dW, dL_db=dL_db,
                        dL_da_prev=dL_da_prev, g_prime=g_prime, jacobian=jacobian)

    def copy(self) -> "Dense":
        return Dense(W=self.W.copy(), b=self.b.copy(), activation=self.activation,
                     dtype=self.W.dtype)

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation!r})"


def _array(name: str, values: ArrayLike, dtype: np.dtype[Any]) -> FloatArray:
    """``values`` as a new array of ``dtype``, or a ShapeError/ConfigError naming ``name``."""
    try:
        with np.errstate(over="ignore"):   # too large for float32: below
            array = np.array(values, dtype=dtype)
            wide = array if array.dtype == np.float64 else np.array(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ShapeError(must_be(name, "an array of numbers", values,
                                 "For example W=[[0.5]], b=[0.0].")) from None
    if np.all(np.isfinite(wide)) and not np.all(np.isfinite(array)):
        raise ConfigError(must_be(name, f"numbers that fit {array.dtype} (at most "
                                  f"{np.finfo(array.dtype).max:.3g} in size)",
                                  f"up to {np.max(np.abs(wide)):.3g}", "Keep float64."))
    return array

