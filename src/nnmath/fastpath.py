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
- ``"python"`` - the same kernel, not compiled, on Python floats: written out for a small
  network (:func:`nnmath.kernels.specialised`: each parameter a local float, as fast as a
  hand-written float loop), for jobs too small to repay loading numba (the article's
  networks in ``nnmath demo``).

``"auto"`` chooses before the job starts, from :func:`engine_costs`: the seconds each
engine is expected to take for this job's rows, parameters, epochs and batch size in this
process (is numba installed, loaded, its kernel compiled, its on-disk cache warm).

All four give the same parameters and History (``tests/test_fastpath.py``: 1e-12 in
float64); they differ in the order of a few floating-point sums only.

**A fast path runs only what it implements.** Each states its parts by name
(:data:`KERNEL_PARTS`, from the kernel's own codes; :data:`NUMPY_PARTS`, from
:class:`BatchLoop`'s own dispatch): the activations, losses, optimizers and dtypes it
has code for. :func:`choose_engine` checks every layer's activation, the loss and the
optimizer of the job against them; a part it does not know (an activation newly added
to :data:`nnmath.activations.ACTIVATIONS`, a user's own optimizer subclass, ...) sends the
job to the next path that knows all of them, else to the readable engine, which runs
any part through its own ``forward``/``derivative``/``step``. This holds for a forced
engine too (``engine="numba"``, ``NNMATH_ENGINE=numpy``): the engine is a choice of
speed, never of numbers, so it falls back (as float32 goes from the kernel to NumPy)
instead of computing something else or failing. :class:`KernelRun` and
:class:`BatchLoop` refuse an unknown part themselves (a ConfigError) as a last guard.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._typing import FloatArray, IntArray, Params
from .activations import ACTIVATIONS
from .errors import ConfigError, must_be
from .kernelcache import compiled_kernel
from .kernels import (
    ACTIVATION_CODES,
    LOSS_CODES,
    OPTIMIZER_CODES,
    SPECIALISE_MAX_PARAMS,
    RunEpochs,
    run_epochs,
    specialised,
)
from .losses import BCE, CrossEntropy, get_loss, uses_shortcut
from .optimizers import OPTIMIZERS, SGD, Adam, Momentum
from .regularization import l2_penalty

if TYPE_CHECKING:
    from .kernels import Floats, Ints
    from .layers import Dense
    from .network import Network

__all__ = ["ENGINES", "check_engine", "choose_engine", "engine_costs", "last_choice",
           "KernelRun", "BatchLoop", "Parts", "KERNEL_PARTS", "NUMPY_PARTS", "KERNEL_STEP_WORK",
           "COMPILE_AFTER"]

ENGINES = ("auto", "readable", "numpy", "numba", "python")

KERNEL_MIN_WORK = 50_000
"""Kept for compatibility (the old rule's threshold for NumPy; ``auto`` now compares
:func:`engine_costs`)."""
PYTHON_MAX_VALUES = 1_000_000
"""A data set of more values than this (``X`` and ``T``) goes to the compiled kernel at once."""
PYTHON_STEP_WORK = 256
"""Kept for compatibility (the old rule's step limit for the plain kernel without numba)."""


def check_engine(engine: object) -> str:
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


@dataclass(frozen=True)
class Parts:
    """What a fast path implements, by name: the activations, losses, optimizers and
    dtypes it has code for.

    A job's part is known when its name is here and it is the registry's own object:
    each layer's activation is ``ACTIVATIONS[name]`` (not a user's Activation object),
    the optimizer is exactly the class ``OPTIMIZERS[name]`` (not a subclass).
    """

    path: str
    activations: frozenset[str]
    losses: frozenset[str]
    optimizers: frozenset[str]
    dtypes: frozenset[str]

    def unknown(self, net: Network, loss: str, opt: SGD) -> str | None:
        """The first part of the job this path has no code for, in words (None: it knows
        every part).

        >>> from nnmath import Network
        >>> net = Network.random([1, 2, 1], seed=0)
        >>> KERNEL_PARTS.unknown(net, "ssr", SGD(0.1)) is None
        True
        >>> KERNEL_PARTS.unknown(net.astype("float32"), "ssr", SGD(0.1))
        'dtype float32'
        """
        for ell, layer in enumerate(net.layers, start=1):
            name = layer.activation
            if name not in self.activations or layer.g is not ACTIVATIONS.get(name):
                return f"activation {name!r} (layer {ell})"
        if loss not in self.losses:
            return f"loss {loss!r}"
        if opt.name not in self.optimizers or type(opt) is not OPTIMIZERS.get(opt.name):
            return f"optimizer {opt.name!r} ({type(opt).__name__})"
        if net.dtype.name not in self.dtypes:
            return f"dtype {net.dtype.name}"
        return None

    def check(self, net: Network, loss: str, opt: SGD) -> None:
        """A ConfigError naming the first part this path has no code for."""
        part = self.unknown(net, loss, opt)
        if part is not None:
            raise ConfigError(f"the {self.path} engine has no code for the {part}: it would "
                              "compute something else. Use engine='readable' (engine='auto' "
                              "chooses it for such a job).")


KERNEL_PARTS = Parts("kernel", frozenset(ACTIVATION_CODES), frozenset(LOSS_CODES),
                     frozenset(OPTIMIZER_CODES), frozenset({"float64"}))
"""What :func:`nnmath.kernels.run_epochs` implements: its own codes (float64 only)."""


def choose_engine(net: Network, loss: str, opt: SGD, n_rows: int, batch_size: int, epochs: int,
                  batch_callbacks: Iterable[object] = (), engine: str = "auto") -> str:
    """The engine for a run (see the module's docstring): ``"readable"``, ``"numpy"``,
    ``"numba"`` or ``"python"``.

    Only a path that implements every part of the job (:data:`KERNEL_PARTS`,
    :data:`NUMPY_PARTS`) is chosen. ``auto``: the readable engine when a per-batch
    callback wants each batch's loss or no fast path knows every part; NumPy for float32
    and for big steps (``batch_size x parameters`` over :data:`KERNEL_STEP_WORK`); else
    the engine :func:`engine_costs` expects to finish first, this process's state
    included (is numba loaded, its kernel compiled, its on-disk cache warm), with NumPy
    (the readable engine's bits) kept whenever it is expected within
    :data:`SAME_BITS_SLACK` or :data:`SAME_BITS_SECONDS` of the fastest. A forced engine runs if it knows every part,
    else falls back: ``"numba"`` and ``"python"`` to NumPy, NumPy to the readable engine.
    :func:`last_choice` tells which engine the last call chose, and why.
    """
    engine = check_engine(engine)
    choice, why = _choose(net, loss, opt, n_rows, batch_size, epochs, batch_callbacks, engine)
    _LAST[:] = [choice, why]
    return choice


def _choose(net: Network, loss: str, opt: SGD, n_rows: int, batch_size: int, epochs: int,
            batch_callbacks: Iterable[object], engine: str) -> tuple[str, str]:
    if engine == "readable":
        return "readable", "forced"
    kernel_knows = KERNEL_PARTS.unknown(net, loss, opt) is None
    fallback = "numpy" if NUMPY_PARTS.unknown(net, loss, opt) is None else "readable"
    if engine in ("numba", "python"):
        return (engine, "forced") if kernel_knows else (fallback, "the kernel lacks a part")
    if engine == "numpy" or (fallback == "readable" and not kernel_knows):
        return fallback, "forced" if engine == "numpy" else "no fast path knows every part"
    if batch_callbacks:
        return "readable", "a per-batch callback wants each batch's loss"
    if not kernel_knows:
        return fallback, "the kernel lacks a part"
    if batch_size * net.n_params() > KERNEL_STEP_WORK:
        return fallback, "big steps: matrix products"
    costs = engine_costs(net, n_rows, batch_size, epochs)
    best = min(costs.values())
    if fallback == "numpy" and (costs["numpy"] <= best * SAME_BITS_SLACK
                                or costs["numpy"] <= best + SAME_BITS_SECONDS):
        choice = "numpy"
    else:
        choice = min(costs, key=lambda name: costs[name])
    if choice == "python":
        _SPENT_PLAIN[0] += costs["python"]
    elif choice == "numba":
        _SPENT_PLAIN[0] = 0.0
    why = ", ".join(f"{name} {seconds:.2g} s" for name, seconds in costs.items())
    return choice, f"expected {why}"


KERNEL_STEP_WORK = 8192
"""The kernel takes a step of at most this many ``rows x parameters``; a larger batch goes
to NumPy, whose matrix products are faster than scalar loops once a step is this big."""
COMPILE_AFTER = 0.5
"""Kept for compatibility: ``KernelRun(mode="kernel")`` still compiles after this many
seconds of the plain kernel; ``auto`` now chooses from :func:`engine_costs` instead."""
SAME_BITS_SLACK, SAME_BITS_SECONDS = 1.05, 0.002
"""``auto`` keeps NumPy (the readable engine's very operations: the same bits) when it is
expected within this factor of the fastest engine, or this many seconds of it (a tiny
job: less than a fresh process's first fit spends importing the training modules)."""

# The cost model (seconds; measured on the machines of benchmarks/bench_engines.py, a
# 2-core AMD EPYC; only the ratios matter, and the grid there checks the choice).
NUMBA_IMPORT = 0.6
"""Loading numba and nnmath's compiled kernel from a warm on-disk cache, in a fresh process
(importing numba, then LLVM's start and the machine code's linking at the first call:
0.4 s on a quiet 2-core machine, up to 2 s under load)."""
NUMBA_CACHED = 0.3
"""The kernel from the on-disk cache when numba is imported already."""
NUMBA_COMPILE = 6.0
"""Compiling the kernel with an empty (or stale) cache."""
PYTHON_ROW, PYTHON_PARAM = 3e-7, 1.1e-7
"""The written-out plain-Python kernel: per row per epoch, and per row per parameter (the
step and the epoch's loss pass)."""
PYTHON_COMPILE = 6e-5
"""Writing out and compiling that kernel, per parameter (once per network shape)."""
GENERIC_PARAM = 1.2e-6
"""The general plain-Python kernel (networks over SPECIALISE_MAX_PARAMS), per row-parameter."""
NUMBA_ROW, NUMBA_PARAM, NUMBA_PARAM_BATCHED = 1.5e-7, 1.2e-8, 4e-9
"""The compiled kernel: per row, and per row-parameter with batch 1 (an update per row)
and with bigger batches."""
NUMPY_STEP, NUMPY_PARAM = 1.2e-5, 3e-9
"""The NumPy loop: per step per layer, and per row-parameter (the matrix products)."""

_LAST: list[str] = ["", ""]
_SPENT_PLAIN = [0.0]     # seconds this process is expected to have spent in the plain kernel


def last_choice() -> tuple[str, str]:
    """The engine the last :func:`choose_engine` call chose, and why (``("", "")`` before).

    >>> from nnmath import Network
    >>> net = Network.random([1, 1, 1], seed=0)
    >>> choose_engine(net, "ssr", SGD(0.1), 14, 1, 2000, engine="readable")
    'readable'
    >>> last_choice()
    ('readable', 'forced')
    """
    return _LAST[0], _LAST[1]


def engine_costs(net: Network, n_rows: int, batch_size: int, epochs: int) -> dict[str, float]:
    """The seconds each fast engine is expected to take for the job, in this process.

    ``python``: the plain-Python kernel (written out for a small network); ``numba``: the
    compiled kernel, with what loading it still costs here (nothing once compiled in this
    process; importing numba and reading the cache; compiling with an empty cache), left
    out when numba is not installed; ``numpy``: the NumPy loop. Work is ``rows x
    parameters`` per epoch; the kernels pay per row and per row-parameter, NumPy per step
    and layer and per row-parameter. A process that has already spent, in the plain
    kernel, what loading numba costs counts that load as paid (a notebook or a server that
    trains again and again loads it then: at most about twice the best over the session).
    A data set of over :data:`PYTHON_MAX_VALUES` values leaves ``python`` out.
    """
    n_params, layers = net.n_params(), len(net.layers)
    work = float(n_rows) * epochs
    steps = -(-n_rows // max(1, batch_size)) * epochs
    specialise = n_params <= SPECIALISE_MAX_PARAMS
    python = (work * (PYTHON_ROW + PYTHON_PARAM * n_params) + PYTHON_COMPILE * n_params
              if specialise else work * GENERIC_PARAM * n_params)
    costs = {"python": python,
             "numpy": steps * NUMPY_STEP * layers + work * NUMPY_PARAM * n_params
             + epochs * NUMPY_STEP * layers}
    values = n_rows * (net.layers[0].n_in + net.layers[-1].n_out)
    if values > PYTHON_MAX_VALUES:
        del costs["python"]                    # as Python floats: too much memory
    # numba's load is at least NUMBA_CACHED unless the kernel is compiled here already: a
    # job another engine finishes sooner than that never looks for numba (no file system
    # look-up in a tiny job)
    quick = min(costs.values()) < NUMBA_CACHED and _SPENT_PLAIN[0] < NUMBA_CACHED
    load = 0.0 if _compiled_here() else None if quick else _numba_load()
    if load is not None:
        if _SPENT_PLAIN[0] >= load:
            load = 0.0                         # the session has paid for it in plain Python
        per_param = NUMBA_PARAM if batch_size == 1 else NUMBA_PARAM_BATCHED
        costs["numba"] = load + work * (NUMBA_ROW + per_param * n_params)
    return costs


def _compiled_here() -> bool:
    """Whether nnmath's compiled kernel is loaded in this process already."""
    from . import kernels

    return bool(kernels._COMPILED) and kernels._COMPILED[0] is not None


def _numba_load() -> float | None:
    """What getting the compiled kernel still costs in this process (None: no numba)."""
    from . import kernels

    if kernels._COMPILED:
        return None if kernels._COMPILED[0] is None else 0.0
    if "numba" not in sys.modules and importlib.util.find_spec("numba") is None:
        return None
    warm = _numba_cache_warm()
    base = NUMBA_CACHED if "numba" in sys.modules else NUMBA_IMPORT
    return base if warm else base + NUMBA_COMPILE


def _numba_cache_warm() -> bool:
    """Whether numba's on-disk cache holds the kernel of this ``kernels.py`` (looked up
    where numba writes it: ``NUMBA_CACHE_DIR``, else ``__pycache__`` beside the source; an
    index newer than the source). Unknown places count as cold."""
    from pathlib import Path

    from . import kernels

    source = Path(kernels.__file__)
    try:
        stamp = source.stat().st_mtime
    except OSError:
        return False
    places = [source.parent / "__pycache__"]
    if os.environ.get("NUMBA_CACHE_DIR"):
        root = Path(os.environ["NUMBA_CACHE_DIR"])
        places += [root / source.parent.relative_to(source.anchor), root]
    for place in places:
        try:
            if any(f.stat().st_mtime >= stamp for f in place.glob("kernels.run_epochs-*.nbi")):
                return True
        except OSError:
            continue
    return False


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

    A job with a part the kernel does not implement (:data:`KERNEL_PARTS`) is a
    ConfigError.
    """

    def __init__(self, net: Network, X: FloatArray, T: FloatArray, loss: str, opt: SGD,
                 batch_size: int, alpha: float, mode: str = "kernel") -> None:
        KERNEL_PARTS.check(net, loss, opt)
        self.net, self.opt, self.batch_size = net, opt, batch_size
        self.n: int = X.shape[0]
        self.layers = net.layers
        sizes = [net.layers[0].n_in] + [layer.n_out for layer in net.layers]
        w_at: list[int] = []
        b_at: list[int] = []
        at = 0
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
        # sizes, activation codes, offsets (int64); X, T, hyperparameters (float64)
        self.fixed: list[npt.NDArray[Any]] = [np.array(v, dtype=np.int64) for v in (
            sizes, [ACTIVATION_CODES[layer.activation] for layer in net.layers], w_at, b_at,
            n_at[:-1], is_weight)]
        self.fixed += [np.ascontiguousarray(X, dtype=np.float64).ravel(),
                       np.ascontiguousarray(T, dtype=np.float64).ravel(), np.array(hyper)]
        # grad, z, a, d, snapshot
        self.work = [np.zeros(n) for n in (at, int(n_at[-1]), int(n_at[-1]), int(n_at[-1]), at)]
        self.codes = (LOSS_CODES[loss], OPTIMIZER_CODES[opt.name])
        self.state = [self._pack(getattr(opt, name, {})) for name in ("velocity", "m", "s")]
        self.t: int = getattr(opt, "t", 0)
        self.kernel: RunEpochs | None = None
        self.spent = 0.0
        big = X.size + T.size > PYTHON_MAX_VALUES     # as Python floats: too much memory
        self.compile_after = {"python": float("inf"), "numba": 0.0}.get(
            mode, 0.0 if big or "numba" in sys.modules else COMPILE_AFTER)
        self.python: list[list[Any]] | None = None if self.compile_after == 0.0 and \
            _has_numba() else [v.tolist() for v in self.fixed + self.work]

    def _pack(self, per_param: Params) -> npt.NDArray[np.float64]:
        parts = []
        for ell, layer in enumerate(self.layers, start=1):
            for name, p in ((f"W{ell}", layer.W), (f"b{ell}", layer.b)):
                value = per_param.get(name)
                parts.append(np.zeros(p.size) if value is None or np.ndim(value) == 0
                             else np.ravel(value))
        return np.concatenate(parts).astype(np.float64)

    def _unpack(self, theta: FloatArray) -> Params:
        out: Params = {}
        at = 0
        for ell, layer in enumerate(self.layers, start=1):
            for name, p in ((f"W{ell}", layer.W), (f"b{ell}", layer.b)):
                out[name] = theta[at:at + p.size].reshape(p.shape).copy()
                at += p.size
        return out

    def _compiled(self) -> RunEpochs | None:
        """The compiled kernel once the plain one has run long enough (None: not yet),
        guarded against its disk cache (:mod:`nnmath.kernelcache`)."""
        if self.kernel is None and self.spent >= self.compile_after:
            self.kernel = compiled_kernel()
            self.compile_after = float("inf")    # numba missing: stay in plain Python
            self.python = None if self.kernel is not None else \
                [v.tolist() for v in self.fixed + self.work]
        return self.kernel

    def _plain_kernel(self) -> RunEpochs:
        """The plain-Python kernel: written out for this network when it is small
        (:func:`nnmath.kernels.specialised`), else :func:`nnmath.kernels.run_epochs`."""
        if self.n_params > SPECIALISE_MAX_PARAMS:
            return run_epochs
        sizes = [self.layers[0].n_in] + [layer.n_out for layer in self.layers]
        return specialised(sizes, [ACTIVATION_CODES[layer.activation] for layer in self.layers],
                           self.codes[0], self.codes[1], float(self.fixed[-1][5]),
                           self.batch_size)

    def _python_lists(self) -> list[list[Any]]:
        """The fixed vectors and work buffers as lists, for the plain kernel (made once:
        there whenever the kernel is not compiled)."""
        if self.python is None:
            self.python = [v.tolist() for v in self.fixed + self.work]
        return self.python

    def epochs(self, count: int, orders: IntArray, with_loss: int = 1,
               stop: tuple[float, int, int, float] = (-1.0, 1, 0, 0.0)
               ) -> tuple[list[float], int]:
        """Train ``count`` epochs in place: ``orders`` holds each epoch's row order (or one
        order for every epoch), ``with_loss`` the epoch's loss (0 none, 1 exact, 2 the
        running mean of the batch losses), ``stop`` the ``tol`` rule's state (see
        :func:`nnmath.kernels.run_epochs`); returns ``(each epoch's loss, epochs run)``."""
        kernel, started = self._compiled(), time.perf_counter()
        values = np.concatenate([p.ravel() for layer in self.layers for p in (layer.W, layer.b)])
        # the kernel's vectors: Python lists (plain kernel) or float64 arrays (numba)
        theta: Floats
        state: list[Floats]
        fixed: list[Any]
        work: list[Any]
        rows: Ints
        losses: Floats
        limits: Floats
        if kernel is None:     # Python floats: lists index several times faster than arrays
            python = self._python_lists()
            theta, state = values.tolist(), [v.tolist() for v in self.state]
            fixed, work = python[:len(self.fixed)], python[len(self.fixed):]
            # the written-out kernel computes the exact epoch loss only: the running mean
            # (with_loss 2) takes the general plain kernel, the same arithmetic
            rows, losses, limits, kernel = orders.tolist(), [0.0] * count, list(stop), \
                self._plain_kernel() if with_loss != 2 else run_epochs
        else:
            theta, state, fixed, work = values.astype(np.float64), [*self.state], self.fixed, \
                self.work
            rows, losses, limits = orders, np.zeros(count), np.array(stop, dtype=np.float64)
        sizes, acts, w_at, b_at, n_at, is_weight, X, T, hyper = fixed
        grad, z, a, d, snapshot = work
        ran, self.t, _ = kernel(
            X, T, rows, self.n, sizes, acts, w_at, b_at, n_at, theta, is_weight, grad, z, a, d,
            snapshot, self.codes[0], self.codes[1], hyper, state[0], state[1], state[2], self.t,
            self.batch_size, count, int(with_loss), limits, losses)
        self._write_back(np.asarray(theta, dtype=np.float64), state)
        if self.python is not None:
            self.spent += time.perf_counter() - started
        return (losses[:ran] if isinstance(losses, list) else losses[:ran].tolist()), ran

    def _write_back(self, theta: FloatArray, state: list[Floats]) -> None:
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
    """One layer's buffers for a batch of ``m`` rows (views of the run's arrays), and the
    code of its activation: ``activate`` (``a = g(z)``) and ``through`` (``d *= g'(z)``)."""

    __slots__ = ("W", "b", "g", "z", "a", "e", "mask", "d", "dL_dW", "dL_db", "activate",
                 "through")

    W: FloatArray
    b: FloatArray
    g: str
    z: FloatArray
    a: FloatArray
    e: FloatArray
    mask: npt.NDArray[np.bool_]
    d: FloatArray
    dL_dW: FloatArray
    dL_db: FloatArray
    activate: Callable[[_Buffers], None]
    through: Callable[[_Buffers], None]

    def __init__(self, layer: Dense, W: FloatArray, b: FloatArray,
                 arrays: list[npt.NDArray[Any]], dL_dW: FloatArray, dL_db: FloatArray,
                 m: int) -> None:
        self.W, self.b, self.g = W, b, layer.activation
        self.z, self.a, self.e, self.mask, self.d = (array[:m] for array in arrays)
        self.dL_dW, self.dL_db = dL_dW, dL_db
        if self.g not in _ACTIVATE or self.g not in _THROUGH:    # the last guard
            raise ConfigError(f"the numpy engine has no code for the activation {self.g!r}: "
                              "it would compute something else. Use engine='readable'.")
        self.activate, self.through = _ACTIVATE[self.g], _THROUGH[self.g]


def _views(flat: FloatArray, like: Params) -> Params:
    """``{name: a view of flat}`` shaped as each array of ``like``, one after the other."""
    out: Params = {}
    at = 0
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

    A job with a part the loop does not implement (:data:`NUMPY_PARTS`) is a ConfigError.
    """

    def __init__(self, net: Network, X: FloatArray, T: FloatArray, loss: str, opt: SGD,
                 batch_size: int, alpha: float) -> None:
        NUMPY_PARTS.check(net, loss, opt)
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
        self.views: dict[int, list[_Buffers]] = {}
        self.sgd = type(opt) is SGD
        # delta_L: (y_hat - t) / m, the shortcut of bce and cross_entropy (times sum_j t_j
        # where rows miss 1), or dL_dy_hat = (y_hat - t) / m (ssr), 2 (y_hat - t) / k / m
        # (mse), then through the output activation (the full product): _LOSSES
        rows_sum_to_one = loss == "cross_entropy" and bool(np.all(T.sum(axis=1) == 1))
        self.times_t_sum = loss == "cross_entropy" and not rows_sum_to_one
        self.mse, self.full_product = loss == "mse", loss in ("ssr", "mse")
        # each batch's loss (for the running mean), as the readable engine computes it:
        # the loss's own per-sample function, from the logits where the shortcut applies
        loss_fn = get_loss(loss)
        self.per_sample: Callable[[FloatArray, FloatArray], FloatArray] = loss_fn.per_sample
        self.from_logits = uses_shortcut(net.layers[-1].activation, loss)
        if self.from_logits:
            self.per_sample = (BCE if loss == "bce" else CrossEntropy).per_sample_from_logits

    def _buffers(self, m: int) -> list[_Buffers]:
        """The layers' buffers for a batch of ``m`` rows (made once per batch size)."""
        if m not in self.views:
            self.views[m] = [
                _Buffers(layer, self.params[f"W{ell}"], self.params[f"b{ell}"], arrays,
                         self.grads[f"W{ell}"], self.grads[f"b{ell}"], m)
                for ell, (layer, arrays) in enumerate(zip(self.net.layers, self.arrays), start=1)]
        return self.views[m]

    def epoch(self, order: IntArray | None = None, running: bool = False) -> float | None:
        """A step on each batch of rows (``order``: the epoch's row order, or None);
        with ``running``, return the mean of the batch losses (each before its update,
        plus the L2 penalty, as the readable engine's batch loss), else None."""
        own = self.net.params()
        for name, p in own.items():                 # the layers' parameters in
            self.params[name][...] = p
        try:
            return self._steps(order, running)
        finally:                                    # and back out (after a Ctrl-C too)
            for name, p in own.items():
                p[...] = self.params[name]

    def _steps(self, order: IntArray | None, running: bool = False) -> float | None:
        n: int = self.X.shape[0]
        size = self.size
        total, n_batches = 0.0, 0
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
                layer.activate(layer)
                a = layer.a
            if running:
                out = layers[-1]
                per_sample = self.per_sample(out.z if self.from_logits else out.a, Tb)
                total += float(per_sample.sum() / per_sample.shape[0]) + \
                    l2_penalty(self.params, self.alpha, m)
                n_batches += 1
            self._backward(layers, Xb, Tb, m)
            self._update(m)
        return total / n_batches if running else None

    def _backward(self, layers: list[_Buffers], Xb: FloatArray, Tb: FloatArray, m: int) -> None:
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
            out.through(out)
        for ell in range(len(layers) - 1, -1, -1):
            layer = layers[ell]
            a_prev = Xb if ell == 0 else layers[ell - 1].a
            np.matmul(a_prev.T, layer.d, out=layer.dL_dW)          # dz/dW = a_prev
            np.add.reduce(layer.d, axis=0, out=layer.dL_db)         # dz/db = 1
            if ell > 0:                                               # dz/da_prev = W
                below = layers[ell - 1]
                np.matmul(layer.d, layer.W.T, out=below.d)
                below.through(below)

    def _update(self, m: int) -> None:
        if self.alpha:
            for name, g in self.grads.items():
                if name.startswith("W"):
                    g += (self.alpha / m) * self.params[name]
        if self.sgd:                                # W <- W - learning_rate * dL_dW, all at once
            np.multiply(self.gradient, self.opt.learning_rate, out=self.gradient)
            self.theta -= self.gradient
        else:
            self.opt.step(self.params, self.grads)


# -- BatchLoop's activations: a = g(z) into the layer's buffer, and d *= g'(z) in place, as
# nnmath.activations computes them. Only the names here run on the NumPy path.

def _sigmoid(layer: _Buffers) -> None:
    z, a, e = layer.z, layer.a, layer.e            # exp of -|z| only
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.add(1.0, e, out=a)
    np.divide(1.0, a, out=a)
    np.less(z, 0, out=layer.mask)
    np.multiply(e, a, out=a, where=layer.mask)


def _tanh(layer: _Buffers) -> None:
    np.tanh(layer.z, out=layer.a)


def _relu(layer: _Buffers) -> None:
    np.maximum(layer.z, 0.0, out=layer.a)


def _identity(layer: _Buffers) -> None:
    layer.a[...] = layer.z


def _softmax(layer: _Buffers) -> None:
    z, a = layer.z, layer.a
    np.subtract(z, np.maximum.reduce(z, axis=-1, keepdims=True), out=a)
    np.exp(a, out=a)
    a /= np.add.reduce(a, axis=-1, keepdims=True)


def _sigmoid_slope(layer: _Buffers) -> None:
    d, a, e = layer.d, layer.a, layer.e
    np.subtract(1.0, a, out=e)
    e *= a
    d *= e


def _tanh_slope(layer: _Buffers) -> None:
    d, a, e = layer.d, layer.a, layer.e
    np.multiply(a, a, out=e)
    np.subtract(1.0, e, out=e)
    d *= e


def _relu_slope(layer: _Buffers) -> None:
    np.greater(layer.z, 0, out=layer.mask)
    layer.d *= layer.mask


def _identity_slope(layer: _Buffers) -> None:
    """``g'(z) = 1``: ``d`` is already the delta."""


def _softmax_slope(layer: _Buffers) -> None:
    d, a, e = layer.d, layer.a, layer.e            # a * (d - sum_j d_j a_j)
    np.multiply(d, a, out=e)
    d -= np.add.reduce(e, axis=-1, keepdims=True)
    d *= a


_ACTIVATE: dict[str, Callable[[_Buffers], None]] = {
    "sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "identity": _identity,
    "softmax": _softmax}
_THROUGH: dict[str, Callable[[_Buffers], None]] = {
    "sigmoid": _sigmoid_slope, "tanh": _tanh_slope, "relu": _relu_slope,
    "identity": _identity_slope, "softmax": _softmax_slope}
_LOSSES = frozenset({"ssr", "mse", "bce", "cross_entropy"})   # BatchLoop._backward's delta_L
# plain SGD in two calls; the others through their own step, which copies what it keeps
# (the gradients are buffers, overwritten by the next step)
_OPTIMIZERS = frozenset({"sgd", "momentum", "adam"})

NUMPY_PARTS = Parts("numpy", frozenset(_ACTIVATE) & frozenset(_THROUGH), _LOSSES, _OPTIMIZERS,
                    frozenset({"float32", "float64"}))
"""What :class:`BatchLoop` implements: its own activation code, losses and optimizers."""
