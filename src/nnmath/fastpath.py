r"""The fast paths of the batch loop: the same numbers as the readable engine, less overhead.

:func:`nnmath.training.train` runs each epoch's steps on one of four engines, chosen by
:func:`choose_engine` from the amount of work (``engine="auto"``), or forced with
``train(..., engine=...)`` or the environment variable ``NNMATH_ENGINE``:

- ``"readable"`` - :func:`nnmath.backprop.backprop` and the optimizer, step by step, with
  every ``Forward``/``Backward`` record: the code the explanations show;
- ``"numpy"`` - :class:`BatchLoop`: the same NumPy operations in the same order (the same
  bits as the readable engine), into
  buffers allocated once (``out=``), the rows taken by index (no copy of the data set),
  no ``dL_da_prev`` for the first layer, the dtype kept (float32 stays float32), the
  parameters as views of one vector (plain SGD: two calls a step for all of them);
- ``"numba"`` - :class:`KernelRun` with :func:`nnmath.kernels.run_epochs` compiled by numba:
  whole epochs of a small network, one row at a time, a few nanoseconds per multiply-add;
- ``"python"`` - the same kernel, not compiled, on Python floats (the same bits as
  ``"numba"``): for jobs too small to repay loading numba (the article's networks in
  ``nnmath demo``). ``"auto"`` starts here and compiles once the job has run
  :data:`COMPILE_AFTER` seconds (at once when numba is loaded already).

All four give the same parameters and History (``tests/test_fastpath.py``: 1e-12 in
float64); they differ in the order of a few floating-point sums only.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time

import numpy as np

from .activations import ACTIVATIONS
from .errors import ConfigError, must_be
from .kernels import ACTIVATION_CODES, LOSS_CODES, OPTIMIZER_CODES, compiled, run_epochs
from .losses import LOSSES
from .optimizers import SGD, Adam, Momentum

__all__ = ["ENGINES", "check_engine", "choose_engine", "KernelRun", "BatchLoop",
           "KERNEL_STEP_WORK", "COMPILE_AFTER"]

ENGINES = ("auto", "readable", "numpy", "numba", "python")

KERNEL_STEP_WORK = 8192
"""The kernel takes a step of at most this many ``rows x parameters``; a larger batch goes
to NumPy, whose matrix products are faster than scalar loops once a step is this big."""
COMPILE_AFTER = 0.5
"""Seconds the plain-Python kernel runs before the kernel is compiled (loading numba and
its cached machine code costs about that much)."""
KERNEL_MIN_WORK = 50_000
"""A job of fewer ``epochs x rows x parameters`` runs on NumPy: the readable engine's very
operations (the same bits), in well under 0.1 s. The kernel sums in its own order (the same
numbers to about 1e-15), and pays off from about this size."""
PYTHON_MAX_VALUES = 1_000_000
"""A data set of more values than this (``X`` and ``T``) goes to the compiled kernel at once."""
PYTHON_STEP_WORK = 256
"""Without numba installed, the plain-Python kernel takes steps up to this size (else NumPy)."""


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
    """The engine for a run (see the module's docstring): ``"readable"``, ``"numpy"``,
    ``"numba"``, ``"python"``, or ``"kernel"`` (the kernel, compiled once the job has shown
    it is long enough: :class:`KernelRun`).

    ``auto``: the readable engine when a per-batch callback wants each batch's loss or a
    part is a user's own; NumPy for float32, for big steps (``batch_size x parameters``
    over :data:`KERNEL_STEP_WORK`) and for tiny jobs (under :data:`KERNEL_MIN_WORK`); the
    kernel for the rest (small steps, many of them). The choice depends on the
    job only (and on whether numba is installed), so a run is the same bit for bit each time.
    """
    engine = check_engine(engine)
    if engine == "readable" or not _supported(net, loss, opt):
        return "readable"
    float32 = net.layers[0].W.dtype == np.float32
    if engine in ("numba", "python"):
        return "numpy" if float32 else engine
    if engine == "numpy":
        return engine
    if batch_callbacks:
        return "readable"
    n_params = net.n_params()
    step = batch_size * n_params
    if float32 or step > KERNEL_STEP_WORK or epochs * n_rows * n_params < KERNEL_MIN_WORK:
        return "numpy"
    if step > PYTHON_STEP_WORK and not _has_numba():
        return "numpy"
    return "kernel"


def _has_numba() -> bool:
    return "numba" in sys.modules or importlib.util.find_spec("numba") is not None


class KernelRun:
    """A network packed for :func:`nnmath.kernels.run_epochs`: parameters, optimizer state
    and work buffers as flat vectors (lists for plain Python, arrays for numba).

    ``epochs(count, orders, with_loss, stop)`` trains in place, writes the parameters and
    the optimizer's state back, and returns ``(losses, epochs run)``. The kernel starts
    uncompiled unless numba is loaded already, and is compiled once the plain-Python
    kernel has spent :data:`COMPILE_AFTER` seconds (the two give the same bits, so the
    switch changes no number; a small job never pays for loading numba).
    """

    def __init__(self, net, X, T, loss, opt, batch_size, alpha, mode="kernel"):
        self.net, self.opt, self.batch_size, self.n = net, opt, batch_size, X.shape[0]
        self.layers = net.layers
        sizes = [net.layers[0].n_in] + [layer.n_out for layer in net.layers]
        w_at, b_at, at = [], [], 0
        for layer in net.layers:
            w_at.append(at)
            b_at.append(at + layer.W.size)
            at += layer.W.size + layer.b.size
        self.n_params = at
        is_weight = np.zeros(at, dtype=np.int64)
        for start, end in zip(w_at, b_at):
            is_weight[start:end] = 1
        n_at = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        hyper = [opt.learning_rate, getattr(opt, "mu", 0.0), getattr(opt, "beta1", 0.0),
                 getattr(opt, "beta2", 0.0), getattr(opt, "eps", 0.0), alpha]
        self.fixed = [np.array(v, dtype=np.int64) for v in (
            sizes, [ACTIVATION_CODES[layer.activation] for layer in net.layers], w_at, b_at,
            n_at[:-1], is_weight)]
        self.fixed += [np.ascontiguousarray(X, dtype=np.float64).ravel(),
                       np.ascontiguousarray(T, dtype=np.float64).ravel(), np.array(hyper)]
        self.work = [np.zeros(n) for n in (at, int(n_at[-1]), int(n_at[-1]), int(n_at[-1]), at)]
        self.codes = (LOSS_CODES[loss], OPTIMIZER_CODES[opt.name])
        self.state = [self._pack(getattr(opt, name, {})) for name in ("velocity", "m", "s")]
        self.t = getattr(opt, "t", 0)
        self.kernel, self.spent = None, 0.0
        big = X.size + T.size > PYTHON_MAX_VALUES     # as Python floats: too much memory
        self.compile_after = {"python": float("inf"), "numba": 0.0}.get(
            mode, 0.0 if big or "numba" in sys.modules else COMPILE_AFTER)
        self.python = None if self.compile_after == 0.0 and _has_numba() else \
            [v.tolist() for v in self.fixed + self.work]

    def _pack(self, per_param: dict) -> np.ndarray:
        parts = []
        for ell, layer in enumerate(self.layers, start=1):
            for name, p in ((f"W{ell}", layer.W), (f"b{ell}", layer.b)):
                value = per_param.get(name)
                parts.append(np.zeros(p.size) if value is None or np.ndim(value) == 0
                             else np.ravel(value))
        return np.concatenate(parts).astype(np.float64)

    def _unpack(self, theta) -> dict:
        out, at = {}, 0
        for ell, layer in enumerate(self.layers, start=1):
            for name, p in ((f"W{ell}", layer.W), (f"b{ell}", layer.b)):
                out[name] = theta[at:at + p.size].reshape(p.shape).copy()
                at += p.size
        return out

    def _compiled(self):
        """The compiled kernel once the plain one has run long enough (None: not yet)."""
        if self.kernel is None and self.spent >= self.compile_after:
            self.kernel = compiled()
            self.compile_after = float("inf")    # numba missing: stay in plain Python
            self.python = None if self.kernel is not None else \
                [v.tolist() for v in self.fixed + self.work]
        return self.kernel

    def epochs(self, count, orders, with_loss=True, stop=(-1.0, 1, 0, 0.0)):
        kernel, started = self._compiled(), time.perf_counter()
        theta = np.concatenate([p.ravel() for layer in self.layers for p in (layer.W, layer.b)])
        if kernel is None:     # Python floats: lists index several times faster than arrays
            theta, state = theta.tolist(), [v.tolist() for v in self.state]
            fixed, work = self.python[:len(self.fixed)], self.python[len(self.fixed):]
            orders, losses, stop, kernel = orders.tolist(), [0.0] * count, list(stop), run_epochs
        else:
            theta, state, fixed, work = theta.astype(np.float64), self.state, self.fixed, self.work
            losses, stop = np.zeros(count), np.array(stop, dtype=np.float64)
        sizes, acts, w_at, b_at, n_at, is_weight, X, T, hyper = fixed
        grad, z, a, d, snapshot = work
        ran, self.t, _ = kernel(
            X, T, orders, self.n, sizes, acts, w_at, b_at, n_at, theta, is_weight, grad, z, a, d,
            snapshot, self.codes[0], self.codes[1], hyper, *state, self.t, self.batch_size,
            count, with_loss, stop, losses)
        self._write_back(np.asarray(theta, dtype=np.float64), state)
        if self.python is not None:
            self.spent += time.perf_counter() - started
        return (losses[:ran] if isinstance(losses, list) else losses[:ran].tolist()), ran

    def _write_back(self, theta, state):
        """The parameters into the layers; the optimizer's state as its ``step`` leaves it."""
        at = 0
        for layer in self.layers:
            for p in (layer.W, layer.b):
                p[...] = theta[at:at + p.size].reshape(p.shape)
                at += p.size
        self.state = [np.asarray(v, dtype=np.float64) for v in state]
        if isinstance(self.opt, Adam):
            self.opt.t, self.opt.m, self.opt.s = (self.t, self._unpack(self.state[1]),
                                                  self._unpack(self.state[2]))
        elif isinstance(self.opt, Momentum):
            self.opt.velocity = self._unpack(self.state[0])


class _Buffers:
    """One layer's buffers for a batch of ``m`` rows (views of the run's arrays)."""

    __slots__ = ("W", "b", "g", "z", "a", "e", "mask", "d", "dL_dW", "dL_db")

    def __init__(self, layer, W, b, arrays, dL_dW, dL_db, m):
        self.W, self.b, self.g = W, b, layer.activation
        self.z, self.a, self.e, self.mask, self.d = (array[:m] for array in arrays)
        self.dL_dW, self.dL_db = dL_dW, dL_db


def _views(flat: np.ndarray, like: dict) -> dict:
    """``{name: a view of flat}`` shaped as each array of ``like``, one after the other."""
    out, at = {}, 0
    for name, p in like.items():
        out[name] = flat[at:at + p.size].reshape(p.shape)
        at += p.size
    return out


class BatchLoop:
    """One epoch of steps in NumPy, into buffers allocated once per run.

    The same operations, in the same order, as :func:`nnmath.backprop.backprop` with
    ``record=False``, :func:`nnmath.regularization.l2_gradients` and the optimizer's
    ``step``: the same numbers, without the per-step records and dicts. The parameters
    and their gradients are views of two vectors, ``theta`` and ``gradient`` (copied from
    the layers when an epoch starts, back when it ends), so that plain SGD updates every
    parameter in two calls, ``gradient *= learning_rate; theta -= gradient``: the same
    numbers as ``W -= learning_rate * dL_dW`` for each one.
    """

    def __init__(self, net, X, T, loss, opt, batch_size, alpha):
        self.net, self.X, self.T, self.loss, self.opt = net, X, T, loss, opt
        self.alpha, self.size, dtype = alpha, batch_size, X.dtype
        self.Xb = np.empty((batch_size, X.shape[1]), dtype)
        self.Tb = np.empty((batch_size, T.shape[1]), dtype)
        own = net.params()
        self.theta, self.gradient = (np.empty(sum(p.size for p in own.values()),
                                              net.layers[0].W.dtype) for _ in range(2))
        self.params, self.grads = _views(self.theta, own), _views(self.gradient, own)
        self.arrays = [[np.empty((batch_size, layer.n_out), kind)
                        for kind in (dtype, dtype, dtype, bool, dtype)] for layer in net.layers]
        self.views = {}
        self.sgd = type(opt) is SGD
        rows_sum_to_one = loss == "cross_entropy" and bool(np.all(T.sum(axis=1) == 1))
        self.times_t_sum = loss == "cross_entropy" and not rows_sum_to_one
        self.mse, self.full_product = loss == "mse", loss in ("ssr", "mse")

    def _buffers(self, m):
        """The layers' buffers for a batch of ``m`` rows (made once per batch size)."""
        if m not in self.views:
            self.views[m] = [
                _Buffers(layer, self.params[f"W{ell}"], self.params[f"b{ell}"], arrays,
                         self.grads[f"W{ell}"], self.grads[f"b{ell}"], m)
                for ell, (layer, arrays) in enumerate(zip(self.net.layers, self.arrays), start=1)]
        return self.views[m]

    def epoch(self, order=None) -> None:
        """A step on each batch of rows (``order``: the epoch's row order, or None)."""
        own = self.net.params()
        for name, p in own.items():                 # the layers' parameters in
            self.params[name][...] = p
        try:
            self._steps(order)
        finally:                                    # and back out (after a Ctrl-C too)
            for name, p in own.items():
                p[...] = self.params[name]

    def _steps(self, order):
        n, size = self.X.shape[0], self.size
        for start in range(0, n, size):
            m = min(size, n - start)
            if order is None:
                Xb, Tb = self.X[start:start + m], self.T[start:start + m]
            else:
                Xb, Tb, rows = self.Xb[:m], self.Tb[:m], order[start:start + m]
                # mode="clip": the rows straight into the buffer ("raise", the default,
                # takes them into a temporary first); a permutation's rows are all valid
                np.take(self.X, rows, axis=0, out=Xb, mode="clip")
                np.take(self.T, rows, axis=0, out=Tb, mode="clip")
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
        d, y_hat = out.d, out.a
        if self.times_t_sum:
            np.multiply(y_hat, np.add.reduce(Tb, axis=1, keepdims=True), out=d)
            d -= Tb
        else:                                       # y_hat * 1 - t: the same numbers
            np.subtract(y_hat, Tb, out=d)
        if self.mse:
            np.multiply(2.0, d, out=d)
            d /= y_hat.shape[1]
        d /= m
        if self.full_product:                       # delta = dL_dy_hat * dy_hat/dz
            _through_activation(out)
        for ell in range(len(layers) - 1, -1, -1):
            layer = layers[ell]
            a_prev = Xb if ell == 0 else layers[ell - 1].a
            np.matmul(a_prev.T, layer.d, out=layer.dL_dW)          # dz/dW = a_prev
            np.add.reduce(layer.d, axis=0, out=layer.dL_db)         # dz/db = 1
            if ell > 0:                                               # dz/da_prev = W
                np.matmul(layer.d, layer.W.T, out=layers[ell - 1].d)
                _through_activation(layers[ell - 1])

    def _update(self, m):
        if self.alpha:
            for name, g in self.grads.items():
                if name.startswith("W"):
                    g += (self.alpha / m) * self.params[name]
        if self.sgd:                                # W <- W - learning_rate * dL_dW, all at once
            np.multiply(self.gradient, self.opt.learning_rate, out=self.gradient)
            self.theta -= self.gradient
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
