r"""The fast paths of the batch loop: the same numbers as the readable engine, less overhead.

:func:`nnmath.training.train` runs each epoch's steps on one of four engines, chosen by
:func:`choose_engine` from the amount of work (``engine="auto"``), or forced with
``train(..., engine=...)`` or the environment variable ``NNMATH_ENGINE``:

- ``"readable"`` - :func:`nnmath.backprop.backprop` and the optimizer, step by step, with
  every ``Forward``/``Backward`` record: the code the explanations show;
- ``"numpy"`` - :class:`BatchLoop`: the same NumPy operations in the same order, into
  buffers allocated once (``out=``), the rows taken by index (no copy of the data set),
  no ``dL_da_prev`` for the first layer, the dtype kept (float32 stays float32);
- ``"numba"`` - :class:`KernelRun` with :func:`nnmath.kernels.run_epochs` compiled by numba:
  whole epochs of a small network, one row at a time, a few nanoseconds per multiply-add;
- ``"python"`` - the same kernel, not compiled, on Python floats: for jobs too small to
  repay loading numba (the article's networks in ``nnmath demo``).

All four give the same parameters and History (``tests/test_fastpath.py``: 1e-12 in
float64); they differ in the order of a few floating-point sums only.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np

from .activations import ACTIVATIONS
from .errors import ConfigError, must_be
from .kernels import ACTIVATION_CODES, LOSS_CODES, OPTIMIZER_CODES, compiled, run_epochs
from .losses import LOSSES
from .optimizers import SGD, Adam, Momentum

__all__ = ["ENGINES", "check_engine", "choose_engine", "KernelRun", "BatchLoop",
           "KERNEL_STEP_WORK", "PYTHON_WORK"]

ENGINES = ("auto", "readable", "numpy", "numba", "python")

KERNEL_STEP_WORK = 8192
"""The kernel takes a step of at most this many ``rows x parameters``; a larger batch goes
to NumPy, whose matrix products are faster than scalar loops once a step is this big."""
PYTHON_WORK = 3_000_000
"""Without numba loaded, a job of at most this many ``epochs x rows x parameters`` runs the
kernel uncompiled (about 0.3 s): less than importing numba would cost."""
PYTHON_STEP_WORK = 256
"""Without numba at all, the uncompiled kernel takes steps up to this size (else NumPy)."""


def check_engine(engine) -> str:
    """``engine``, or ``NNMATH_ENGINE`` for ``"auto"``: one of :data:`ENGINES`."""
    if engine == "auto":
        engine = os.environ.get("NNMATH_ENGINE") or "auto"
        what = "the environment variable NNMATH_ENGINE"
    else:
        what = "engine"
    if not isinstance(engine, str) or engine not in ENGINES:
        choices = ", ".join(repr(name) for name in ENGINES)
        raise ConfigError(must_be(what, f"one of {choices}", engine, "Check the spelling."))
    return engine


def _supported(net, loss, opt) -> bool:
    """Every part is one the fast paths know (not a user's own subclass)."""
    return (all(layer.g is ACTIVATIONS.get(layer.activation) for layer in net.layers)
            and type(opt) in (SGD, Momentum, Adam) and loss in LOSSES
            and net.layers[0].W.dtype in (np.float32, np.float64))


def choose_engine(net, loss, opt, n_rows, batch_size, epochs, batch_callbacks=(),
                  engine="auto") -> str:
    """The engine for a run (see the module's docstring).

    ``auto``: the readable engine when a per-batch callback wants each batch's loss or a
    part is a user's own; NumPy for float32 and for big steps; the kernel for small steps
    (uncompiled for a small job while numba is not loaded yet, compiled otherwise).
    """
    engine = check_engine(engine)
    if engine == "readable" or not _supported(net, loss, opt):
        return "readable"
    float32 = net.layers[0].W.dtype == np.float32
    if engine in ("numba", "python"):
        if float32:
            return "numpy"
        return "numba" if engine == "numba" and _has_numba() else "python"
    if engine == "numpy":
        return engine
    if batch_callbacks:
        return "readable"
    n_params = sum(layer.W.size + layer.b.size for layer in net.layers)
    step = batch_size * n_params
    if float32 or step > KERNEL_STEP_WORK:
        return "numpy"
    if "numba" not in sys.modules and epochs * n_rows * n_params <= PYTHON_WORK:
        return "python"
    if _has_numba():
        return "numba"
    return "python" if step <= PYTHON_STEP_WORK else "numpy"


def _has_numba() -> bool:
    return "numba" in sys.modules or importlib.util.find_spec("numba") is not None


class KernelRun:
    """A network packed for :func:`nnmath.kernels.run_epochs`: parameters, optimizer state
    and work buffers as flat vectors (arrays for numba, lists for plain Python).

    ``epochs(count, orders, with_loss, stop)`` trains in place, writes the parameters and
    the optimizer's state back, and returns ``(losses, epochs run, stalled)``.
    """

    def __init__(self, net, X, T, loss, opt, batch_size, alpha, compiled_kernel=True):
        self.net, self.opt, self.batch_size = net, opt, batch_size
        self.kernel = compiled() if compiled_kernel else None
        self.python = self.kernel is None
        sizes = [net.layers[0].n_in] + [layer.n_out for layer in net.layers]
        w_at, b_at, at = [], [], 0
        for layer in net.layers:
            w_at.append(at)
            b_at.append(at + layer.W.size)
            at += layer.W.size + layer.b.size
        self.n_params, self.n = at, X.shape[0]
        is_weight = np.zeros(at, dtype=np.int64)
        for start, end in zip(w_at, b_at):
            is_weight[start:end] = 1
        n_at = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        hyper = [opt.learning_rate, getattr(opt, "mu", 0.0), getattr(opt, "beta1", 0.0),
                 getattr(opt, "beta2", 0.0), getattr(opt, "eps", 0.0), alpha]
        ints = [np.array(v, dtype=np.int64) for v in (sizes, [ACTIVATION_CODES[layer.activation]
                for layer in net.layers], w_at, b_at, n_at[:-1], is_weight)]
        floats = [np.ascontiguousarray(X, dtype=np.float64).ravel(),
                  np.ascontiguousarray(T, dtype=np.float64).ravel(), np.array(hyper)]
        self.fixed = [self._plain(v) for v in ints + floats]
        self.codes = (LOSS_CODES[loss], OPTIMIZER_CODES[opt.name])
        self.n_values = int(n_at[-1])

    def _plain(self, array):
        return array.tolist() if self.python else array

    def _vector(self, values=None):
        values = np.zeros(self.n_params) if values is None else values
        return self._plain(np.asarray(values, dtype=np.float64))

    def _pack(self, per_param: dict):
        parts = []
        for l, layer in enumerate(self.net.layers, start=1):
            for name, p in ((f"W{l}", layer.W), (f"b{l}", layer.b)):
                value = per_param.get(name)
                parts.append(np.zeros(p.size) if value is None or np.ndim(value) == 0
                             else np.ravel(value))
        return self._vector(np.concatenate(parts))

    def _unpack(self, theta) -> dict:
        theta, out, at = np.asarray(theta, dtype=np.float64), {}, 0
        for l, layer in enumerate(self.net.layers, start=1):
            for name, p in ((f"W{l}", layer.W), (f"b{l}", layer.b)):
                out[name] = theta[at:at + p.size].reshape(p.shape)
                at += p.size
        return out

    def epochs(self, count, orders, with_loss=True, stop=(-1.0, 1, 0, 0.0)):
        opt, net = self.opt, self.net
        theta = self._pack(net.params())
        v = self._pack(getattr(opt, "velocity", {}))
        m, s = self._pack(getattr(opt, "m", {})), self._pack(getattr(opt, "s", {}))
        sizes, acts, w_at, b_at, n_at, is_weight, X, T, hyper = self.fixed
        buffers = [self._plain(np.zeros(self.n_values)) for _ in range(3)]
        losses = self._plain(np.zeros(count))
        orders = self._plain(np.asarray(orders, dtype=np.int64))
        kernel = run_epochs if self.python else self.kernel
        ran, t, stalled = kernel(
            X, T, orders, self.n, sizes, acts, w_at, b_at, n_at, theta, is_weight,
            self._vector(), *buffers, self._vector(), self.codes[0], self.codes[1], hyper,
            v, m, s, getattr(opt, "t", 0), self.batch_size, count, with_loss,
            self._plain(np.array(stop, dtype=np.float64)), losses)
        net.set_params(self._unpack(theta))
        self._keep_state(opt, v, m, s, t)
        return [float(x) for x in losses[:ran]], ran, stalled

    def _keep_state(self, opt, v, m, s, t):
        """The optimizer's state as its own ``step`` would have left it."""
        if isinstance(opt, Adam):
            opt.t, opt.m, opt.s = t, self._unpack(m), self._unpack(s)
        elif isinstance(opt, Momentum):
            opt.velocity = self._unpack(v)


class _Buffers:
    """One layer's buffers for a batch of ``m`` rows (views of the run's arrays)."""

    __slots__ = ("W", "b", "g", "z", "a", "e", "mask", "d", "dL_dW", "dL_db")

    def __init__(self, layer, arrays, dL_dW, dL_db, m):
        self.W, self.b, self.g = layer.W, layer.b, layer.activation
        self.z, self.a, self.e, self.mask, self.d = (array[:m] for array in arrays)
        self.dL_dW, self.dL_db = dL_dW, dL_db


class BatchLoop:
    """One epoch of steps in NumPy, into buffers allocated once per run.

    The same operations, in the same order, as :func:`nnmath.backprop.backprop` with
    ``record=False``, :func:`nnmath.regularization.l2_gradients` and the optimizer's
    ``step``: the same numbers, without the per-step records and dicts.
    """

    def __init__(self, net, X, T, loss, opt, batch_size, alpha):
        self.X, self.T, self.loss, self.opt = X, T, loss, opt
        self.alpha, self.size, dtype = alpha, batch_size, X.dtype
        self.Xb = np.empty((batch_size, X.shape[1]), dtype)
        self.Tb = np.empty((batch_size, T.shape[1]), dtype)
        self.grads, self.params = {}, net.params()
        for name, p in self.params.items():
            self.grads[name] = np.empty_like(p)
        self.arrays = [[np.empty((batch_size, layer.n_out), kind)
                        for kind in (dtype, dtype, dtype, bool, dtype)] for layer in net.layers]
        self.layers, self.views = net.layers, {}
        self.sgd = type(opt) is SGD
        self.rows_sum_to_one = loss == "cross_entropy" and bool(np.all(T.sum(axis=1) == 1))
        self.pairs = [(p, self.grads[name]) for name, p in self.params.items()]

    def _buffers(self, m):
        """The layers' buffers for a batch of ``m`` rows (made once per batch size)."""
        if m not in self.views:
            self.views[m] = [_Buffers(layer, arrays, self.grads[f"W{l}"], self.grads[f"b{l}"], m)
                             for l, (layer, arrays) in enumerate(zip(self.layers, self.arrays),
                                                                 start=1)]
        return self.views[m]

    def epoch(self, order=None) -> None:
        """A step on each batch of rows (``order``: the epoch's row order, or None)."""
        n, size = self.X.shape[0], self.size
        for start in range(0, n, size):
            m = min(size, n - start)
            if order is None:
                Xb, Tb = self.X[start:start + m], self.T[start:start + m]
            else:
                Xb, Tb = self.Xb[:m], self.Tb[:m]
                np.take(self.X, order[start:start + m], axis=0, out=Xb)
                np.take(self.T, order[start:start + m], axis=0, out=Tb)
            layers = self._buffers(m)
            a = Xb
            for layer in layers:                    # z = a_prev @ W + b, a = g(z)
                np.matmul(a, layer.W, out=layer.z)
                layer.z += layer.b
                a = _activate(layer)
            self._backward(layers, Xb, Tb, m)
            self._update(m)

    def _backward(self, layers, Xb, Tb, m):
        """delta_L from the loss (the shortcut where it applies), then layer by layer."""
        out = layers[-1]
        d, y_hat, loss = out.d, out.a, self.loss
        if loss == "cross_entropy" and not self.rows_sum_to_one:
            np.multiply(y_hat, np.add.reduce(Tb, axis=1, keepdims=True), out=d)
            d -= Tb
        else:                                       # y_hat * 1 - t: the same numbers
            np.subtract(y_hat, Tb, out=d)
        if loss == "mse":
            np.multiply(2.0, d, out=d)
            d /= y_hat.shape[1]
        d /= m
        if loss in ("ssr", "mse"):                  # delta = dL_dy_hat * dy_hat/dz
            _through_activation(out)
        for l in range(len(layers) - 1, -1, -1):
            layer = layers[l]
            a_prev = Xb if l == 0 else layers[l - 1].a
            np.matmul(a_prev.T, layer.d, out=layer.dL_dW)          # dz/dW = a_prev
            np.add.reduce(layer.d, axis=0, out=layer.dL_db)         # dz/db = 1
            if l > 0:                                               # dz/da_prev = W
                np.matmul(layer.d, layer.W.T, out=layers[l - 1].d)
                _through_activation(layers[l - 1])

    def _update(self, m):
        if self.alpha:
            for name, g in self.grads.items():
                if name.startswith("W"):
                    g += (self.alpha / m) * self.params[name]
        if self.sgd:                                # W <- W - learning_rate * dL_dW
            learning_rate = self.opt.learning_rate
            for p, g in self.pairs:
                g *= learning_rate
                p -= g
        else:
            self.opt.step(self.params, self.grads)


def _activate(layer):
    """``a = g(z)`` into the layer's buffer, as :mod:`nnmath.activations` computes it."""
    name, z, a, e = layer.g, layer.z, layer.a, layer.e
    if name == "relu":
        np.maximum(z, 0.0, out=a)
    elif name == "softmax":
        np.subtract(z, np.maximum.reduce(z, axis=-1, keepdims=True), out=a)
        np.exp(a, out=a)
        a /= np.add.reduce(a, axis=-1, keepdims=True)
    elif name == "sigmoid":                         # exp of -|z| only
        np.abs(z, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)
        np.add(1.0, e, out=a)
        np.divide(1.0, a, out=a)
        np.less(z, 0, out=layer.mask)
        np.multiply(e, a, out=a, where=layer.mask)
    elif name == "tanh":
        np.tanh(z, out=a)
    else:
        a[...] = z
    return a


def _through_activation(layer):
    """The layer's ``d`` (its ``dL_da``) becomes its delta ``dL_da * g'(z)``, in place."""
    name, d, a, e = layer.g, layer.d, layer.a, layer.e
    if name == "relu":
        np.greater(layer.z, 0, out=layer.mask)
        d *= layer.mask
    elif name == "sigmoid":
        np.subtract(1.0, a, out=e)
        e *= a
        d *= e
    elif name == "tanh":
        np.multiply(a, a, out=e)
        np.subtract(1.0, e, out=e)
        d *= e
    elif name == "softmax":
        np.multiply(d, a, out=e)
        d -= np.add.reduce(e, axis=-1, keepdims=True)
        d *= a
