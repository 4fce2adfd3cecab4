r"""The training kernel: whole epochs of a small network, one sample at a time, as scalar loops.

The same arithmetic as the readable engine (:mod:`nnmath.backprop`, :mod:`nnmath.losses`,
:mod:`nnmath.optimizers`, :mod:`nnmath.regularization`), written over flat sequences of
floats so that it costs a few nanoseconds per multiply-add once compiled. The source is
plain Python: :func:`run_epochs` runs as it is (on lists, for tiny jobs that would not
repay loading a compiler) or compiled by numba (:func:`compiled`, on NumPy arrays; numba
is imported there and nowhere else, and the machine code is cached on disk).

The parameters live in one flat vector ``theta``: for each layer ``l`` its ``W``
(row-major, ``W[i, j]`` at ``w_at[l] + i * n_out + j``) then its ``b`` (at ``b_at[l]``).
For a batch of ``n`` rows each row goes forward and backward on its own, and its
``dL_dW = a_prev.T @ delta`` and ``dL_db`` terms are summed into ``grad``::

    z_j        = sum_i a_prev_i W_ij + b_j           a_j = g(z_j)
    delta_L    = (y_hat - t) / n                     bce (sigmoid), cross_entropy: the shortcut
               = dL_dy_hat * g'(z_L)                 ssr, mse (softmax: a (dL_da - sum dL_da a))
    dL_dW_ij  += a_prev_i delta_j                    dL_db_j += delta_j
    delta_prev = (sum_j delta_j W_ij) * g'(z_prev)

then ``(alpha / n) W`` is added to each ``dL_dW`` and the optimizer updates ``theta``.
After each epoch the loss over all rows (the mean of the per-sample losses, plus the L2
penalty over all rows) is written to ``losses``; a non-finite loss puts back the
parameters the epoch started from and ends the run; ``tol`` ends it as
``training._StoppingRule`` does ("converged").

Codes: activations ``SIGMOID, TANH, RELU, IDENTITY, SOFTMAX = 0..4``; losses
``SSR, MSE, BCE, CROSS_ENTROPY = 0..3``; optimizers ``SGD, MOMENTUM, ADAM = 0..2``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:   # annotations only: the kernel itself needs nothing but math
    import numpy as np
    import numpy.typing as npt

    Floats: TypeAlias = list[float] | npt.NDArray[np.float64]
    """A flat vector of floats: Python floats (plain kernel) or a float64 array (numba)."""
    Ints: TypeAlias = list[int] | npt.NDArray[np.integer[Any]]
    """A flat vector of whole numbers (sizes, codes, offsets, row numbers)."""

__all__ = ["ACTIVATION_CODES", "LOSS_CODES", "OPTIMIZER_CODES", "RunEpochs", "run_epochs",
           "compiled"]

# What the kernel implements, and nothing else: nnmath.fastpath sends it a job only when
# every activation, the loss and the optimizer are named here.
ACTIVATION_CODES = {"sigmoid": 0, "tanh": 1, "relu": 2, "identity": 3, "softmax": 4}
LOSS_CODES = {"ssr": 0, "mse": 1, "bce": 2, "cross_entropy": 3}
OPTIMIZER_CODES = {"sgd": 0, "momentum": 1, "adam": 2}

RunEpochs: TypeAlias = Callable[..., tuple[int, int, int]]
""":func:`run_epochs`, plain or compiled: ``(epochs run, step count t, stalled epochs)``."""


def _largest(z: Floats, start: int, n: int) -> float:
    """``max(z[start:start+n])``, the shift that keeps ``exp`` from overflowing."""
    top = z[start]
    for j in range(start + 1, start + n):
        if z[j] > top:
            top = z[j]
    return top


def _activate(code: int, z: Floats, a: Floats, start: int, n: int) -> None:
    """``a[start:start+n] = g(z[start:start+n])``, as :mod:`nnmath.activations` computes it."""
    if code == 4:                                   # softmax: exp(z - max z) / sum
        top = _largest(z, start, n)
        total = 0.0
        for j in range(start, start + n):
            a[j] = math.exp(z[j] - top)
            total += a[j]
        for j in range(start, start + n):
            a[j] = a[j] / total
        return
    for j in range(start, start + n):
        x = z[j]
        if code == 0:                               # sigmoid, exp of -|z| only
            e = math.exp(-abs(x))
            s = 1.0 / (1.0 + e)
            a[j] = s if x >= 0 else e * s
        elif code == 1:
            a[j] = math.tanh(x)
        elif code == 2:                             # max(z, 0), NaN kept as np.maximum keeps it
            a[j] = x if (x > 0 or x != x) else 0.0
        else:
            a[j] = x


def _slope(code: int, z: float, a: float) -> float:
    """``g'(z)`` of an elementwise activation at one neuron."""
    if code == 0:
        return a * (1.0 - a)
    if code == 1:
        return 1.0 - a * a
    if code == 2:
        return 1.0 if z > 0 else 0.0
    return 1.0


def _forward(x_row: int, X: Floats, theta: Floats, sizes: Ints, acts: Ints, w_at: Ints,
             b_at: Ints, n_at: Ints, z: Floats, a: Floats) -> None:
    """One row forward through every layer; ``z`` and ``a`` hold each layer's values at
    ``n_at[l]`` (layer 0's ``a`` is the row itself)."""
    n0 = sizes[0]
    for i in range(n0):
        a[i] = X[x_row * n0 + i]
    for ell in range(len(sizes) - 1):
        n_in, n_out = sizes[ell], sizes[ell + 1]
        prev, here, w, b = n_at[ell], n_at[ell + 1], w_at[ell], b_at[ell]
        for j in range(n_out):
            s = 0.0
            for i in range(n_in):
                s += a[prev + i] * theta[w + i * n_out + j]
            z[here + j] = s + theta[b + j]
        _activate(acts[ell], z, a, here, n_out)


def _row_loss(t_row: int, T: Floats, loss: int, out_code: int, z: Floats, a: Floats, at: int,
              k: int) -> float:
    """One row's loss ``l`` (from the logits where the shortcut applies)."""
    total = 0.0
    if loss == 3:                                   # -sum t log_softmax(z)
        top = _largest(z, at, k)
        s = 0.0
        for j in range(at, at + k):
            s += math.exp(z[j] - top)
        lse = math.log(s)
        for j in range(k):
            total -= T[t_row * k + j] * ((z[at + j] - top) - lse)
        return total
    for j in range(k):
        t, y = T[t_row * k + j], a[at + j]
        if loss == 2:                               # max(z,0) - z t + log(1 + e^-|z|)
            x = z[at + j]
            total += max(x, 0.0) - x * t + math.log1p(math.exp(-abs(x)))
        else:
            total += (y - t) * (y - t)
    if loss == 0:
        return 0.5 * total
    if loss == 1:
        return total / k
    return total


def _backward(t_row: int, T: Floats, n_rows: int, loss: int, theta: Floats, sizes: Ints,
              acts: Ints, w_at: Ints, b_at: Ints, n_at: Ints, z: Floats, a: Floats, d: Floats,
              grad: Floats) -> None:
    """One row backward: ``delta`` of each layer in ``d`` (at ``n_at``), its ``dL_dW`` and
    ``dL_db`` terms added to ``grad``."""
    L = len(sizes) - 1
    k, at, code = sizes[L], n_at[L], acts[L - 1]
    t_sum = 0.0
    if loss == 3:
        for j in range(k):
            t_sum += T[t_row * k + j]
    for j in range(k):
        t, y = T[t_row * k + j], a[at + j]
        if loss == 3:
            d[at + j] = (y * t_sum - t) / n_rows
        elif loss == 2:
            d[at + j] = (y - t) / n_rows
        elif loss == 1:
            d[at + j] = 2.0 * (y - t) / k / n_rows      # dL_dy_hat, for now
        else:
            d[at + j] = (y - t) / n_rows
    if loss < 2:                                      # delta = dL_dy_hat * dy_hat/dz
        if code == 4:
            s = 0.0
            for j in range(k):
                s += d[at + j] * a[at + j]
            for j in range(k):
                d[at + j] = a[at + j] * (d[at + j] - s)
        else:
            for j in range(k):
                d[at + j] = d[at + j] * _slope(code, z[at + j], a[at + j])
    for ell in range(L - 1, -1, -1):
        n_in, n_out = sizes[ell], sizes[ell + 1]
        prev, here, w, b = n_at[ell], n_at[ell + 1], w_at[ell], b_at[ell]
        for i in range(n_in):
            a_i = a[prev + i]
            for j in range(n_out):
                grad[w + i * n_out + j] += a_i * d[here + j]     # dz/dW = a_prev
        for j in range(n_out):
            grad[b + j] += d[here + j]                            # dz/db = 1
        if ell > 0:                                                  # dz/da_prev = W
            for i in range(n_in):
                s = 0.0
                for j in range(n_out):
                    s += d[here + j] * theta[w + i * n_out + j]
                d[prev + i] = s * _slope(acts[ell - 1], z[prev + i], a[prev + i])


def _update(theta: Floats, grad: Floats, is_weight: Ints, n_rows: int, opt: int, hyper: Floats,
            v: Floats, m: Floats, s: Floats, t: float) -> None:
    """The L2 term, then one optimizer step (``hyper = lr, mu, beta1, beta2, eps, alpha``)."""
    lr, mu, beta1, beta2, eps, alpha = hyper[0], hyper[1], hyper[2], hyper[3], hyper[4], hyper[5]
    decay = alpha / n_rows
    c1 = c2 = 1.0
    if opt == 2:
        c1 = 1.0 - beta1 ** t
        c2 = 1.0 - beta2 ** t
    for p in range(len(theta)):
        g = grad[p]
        if alpha != 0.0 and is_weight[p]:
            g = g + decay * theta[p]
        if opt == 0:
            theta[p] -= lr * g
        elif opt == 1:
            v[p] = mu * v[p] + g
            theta[p] -= lr * v[p]
        else:
            m[p] = beta1 * m[p] + (1.0 - beta1) * g
            s[p] = beta2 * s[p] + (1.0 - beta2) * g * g
            theta[p] -= lr * (m[p] / c1) / (math.sqrt(s[p] / c2) + eps)
        grad[p] = 0.0


def _epoch_loss(X: Floats, T: Floats, n: int, loss: int, theta: Floats, is_weight: Ints,
                alpha: float, sizes: Ints, acts: Ints, w_at: Ints, b_at: Ints, n_at: Ints,
                z: Floats, a: Floats) -> float:
    """The mean loss over all ``n`` rows, plus ``alpha / (2 n) sum W^2``."""
    L = len(sizes) - 1
    total = 0.0
    for row in range(n):
        _forward(row, X, theta, sizes, acts, w_at, b_at, n_at, z, a)
        total += _row_loss(row, T, loss, acts[L - 1], z, a, n_at[L], sizes[L])
    value = total / n
    if alpha != 0.0:
        penalty = 0.0
        for p in range(len(theta)):
            if is_weight[p]:
                penalty += theta[p] * theta[p]
        value += alpha / (2 * n) * penalty
    return value


def run_epochs(X: Floats, T: Floats, orders: Ints, n: int, sizes: Ints, acts: Ints, w_at: Ints,
               b_at: Ints, n_at: Ints, theta: Floats, is_weight: Ints, grad: Floats, z: Floats,
               a: Floats, d: Floats, snapshot: Floats, loss: int, opt: int, hyper: Floats,
               v: Floats, m: Floats, s: Floats, t: int, batch_size: int, epochs: int,
               with_loss: int, stop: Floats, losses: Floats) -> tuple[int, int, int]:
    """Train ``epochs`` epochs in place; return ``(epochs run, optimizer step count t,
    stalled epochs)``.

    ``orders`` holds each epoch's row order (``epochs * n`` row numbers; a single ``n``
    when the order never changes). ``with_loss`` computes each epoch's loss into
    ``losses``: 1 the loss over all rows after the epoch, 2 the mean of its batch losses
    (each row's loss from its own forward pass, before the batch's update, plus the L2
    penalty then; NaN if a parameter ended the epoch non-finite), 0 none; ``stop = (tol or -1, patience, stalled, previous loss)`` ends the run as
    the ``tol`` rule does. Returns early after a non-finite loss, ``theta`` put back.
    """
    tol, patience, stalled, previous = stop[0], int(stop[1]), int(stop[2]), stop[3]
    shuffled = len(orders) > n
    L = len(sizes) - 1
    alpha = hyper[5]
    for epoch in range(epochs):
        for p in range(len(theta)):
            snapshot[p] = theta[p]
        base = epoch * n if shuffled else 0
        running, n_batches = 0.0, 0
        for start in range(0, n, batch_size):
            n_rows = min(batch_size, n - start)
            batch_total = 0.0
            for k in range(start, start + n_rows):
                row = orders[base + k]
                _forward(row, X, theta, sizes, acts, w_at, b_at, n_at, z, a)
                if with_loss == 2:
                    batch_total += _row_loss(row, T, loss, acts[L - 1], z, a, n_at[L], sizes[L])
                _backward(row, T, n_rows, loss, theta, sizes, acts, w_at, b_at, n_at, z, a, d,
                          grad)
            if with_loss == 2:                        # the batch loss, before the update
                batch_loss = batch_total / n_rows
                if alpha != 0.0:
                    penalty = 0.0
                    for p in range(len(theta)):
                        if is_weight[p]:
                            penalty += theta[p] * theta[p]
                    batch_loss += alpha / (2 * n_rows) * penalty
                running += batch_loss
                n_batches += 1
            t += 1
            _update(theta, grad, is_weight, n_rows, opt, hyper, v, m, s, float(t))
        if not with_loss:
            continue
        if with_loss == 2:
            current = running / n_batches
            for p in range(len(theta)):
                if not math.isfinite(theta[p]):
                    current = math.nan
        else:
            current = _epoch_loss(X, T, n, loss, theta, is_weight, alpha, sizes, acts, w_at,
                                  b_at, n_at, z, a)
        losses[epoch] = current
        if not math.isfinite(current):
            for p in range(len(theta)):
                theta[p] = snapshot[p]
            return epoch + 1, t, stalled
        if tol >= 0:
            stalled = stalled + 1 if previous - current < tol else 0
            previous = current
            if stalled >= patience:
                return epoch + 1, t, stalled
    return epochs, t, stalled


_COMPILED: list[RunEpochs | None] = []


def compiled() -> RunEpochs | None:
    """:func:`run_epochs` compiled by numba (cached on disk), or None without numba."""
    if not _COMPILED:
        try:
            import numba
        except ImportError:
            _COMPILED.append(None)
        else:
            _COMPILED.append(_compile(numba))
    return _COMPILED[0]


def _compile(numba: ModuleType) -> RunEpochs:
    """``run_epochs`` and its helpers compiled, each calling the others' compiled code."""
    import types

    namespace: dict[str, Any] = dict(globals())
    for name in ("_largest", "_activate", "_slope", "_forward", "_row_loss", "_backward",
                 "_update", "_epoch_loss", "run_epochs"):
        inline = "never" if name == "run_epochs" else "always"   # no array refcounts per call
        namespace[name] = numba.njit(cache=True, nogil=True, inline=inline, error_model="numpy")(
            types.FunctionType(globals()[name].__code__, namespace, name))
    kernel: RunEpochs = namespace["run_epochs"]
    return kernel


# -- the plain-Python kernel, written out for one network ---------------------------------
#
# For a small network, run_epochs on lists pays for its generality: every multiply-add is
# an indexed load from a list, every activation a call and a branch on its code. The
# kernel below is the same arithmetic written out as straight-line Python for one shape
# (sizes, activations, loss, optimizer): each parameter, z, a and delta is a local float,
# so that one update of the article's network costs what a hand-written float loop costs.
# The text is made from whole numbers and fixed templates only (nothing a user typed), and
# compiled once per shape. The order of every operation is run_epochs's, so the numbers are
# its numbers (the same bits but for the sign of a zero sum).

SPECIALISE_MAX_PARAMS = 512
"""Networks of at most this many parameters get the written-out plain-Python kernel (a
larger one would be thousands of lines of Python; it runs :func:`run_epochs` on lists)."""

SPECIALISED_KEPT = 64
"""The written-out kernels kept (one per network shape), the oldest dropped first."""

_SPECIALISED: dict[tuple[Any, ...], RunEpochs] = {}


def specialised(sizes: list[int], acts: list[int], loss: int, opt: int, alpha: float,
                batch_size: int) -> RunEpochs:
    """:func:`run_epochs`, written out for this network (same signature, on lists).

    Parameters
    ----------
    sizes, acts : list of int
        The layer sizes (inputs first) and each layer's activation code.
    loss, opt : int
        The loss's and the optimizer's codes.
    alpha : float
        The L2 coefficient (only whether it is 0 shapes the code).
    batch_size : int
        The batch size (1 has code of its own: no accumulation).
    """
    key = (tuple(sizes), tuple(acts), loss, opt, alpha != 0.0, batch_size == 1)
    if key not in _SPECIALISED:
        source = _source(list(sizes), list(acts), loss, opt, alpha != 0.0, batch_size == 1)
        namespace: dict[str, Any] = {"_exp": math.exp, "_tanh": math.tanh, "_log": math.log,
                                     "_log1p": math.log1p, "_sqrt": math.sqrt,
                                     "_isfinite": math.isfinite}
        exec(compile(source, f"<nnmath kernel {key}>", "exec"), namespace)   # noqa: S102
        if len(_SPECIALISED) >= SPECIALISED_KEPT:     # a server seeing many shapes: bounded
            _SPECIALISED.pop(next(iter(_SPECIALISED)))
        _SPECIALISED[key] = namespace["run_epochs"]
    return _SPECIALISED[key]


def _names(sizes: list[int]) -> tuple[list[str], list[bool]]:
    """The parameters' local names in theta's order, and which are weights."""
    names, weight = [], []
    for ell in range(1, len(sizes)):
        n_in, n_out = sizes[ell - 1], sizes[ell]
        names += [f"w{ell}_{i}_{j}" for i in range(n_in) for j in range(n_out)]
        weight += [True] * (n_in * n_out)
        names += [f"b{ell}_{j}" for j in range(n_out)]
        weight += [False] * n_out
    return names, weight


def _activate_lines(code: int, ell: int, n: int) -> list[str]:
    """``a{ell}_j = g(z{ell}_j)``: run_epochs's _activate, written out."""
    z = [f"z{ell}_{j}" for j in range(n)]
    a = [f"a{ell}_{j}" for j in range(n)]
    if code == 4:
        top = f"max({', '.join(z)})" if n > 1 else z[0]
        lines = [f"top = {top}"]
        lines += [f"{a[j]} = _exp({z[j]} - top)" for j in range(n)]
        lines.append("sm_ = 0.0 + " + " + ".join(a))
        return lines + [f"{a[j]} = {a[j]} / sm_" for j in range(n)]
    lines = []
    for j in range(n):
        if code == 0:                               # exp(-|z|): -z or z, no abs call
            lines += [f"if {z[j]} >= 0:", f"    {a[j]} = 1.0 / (1.0 + _exp(-{z[j]}))",
                      "else:", f"    e_ = _exp({z[j]})", f"    {a[j]} = e_ * (1.0 / (1.0 + e_))"]
        elif code == 1:
            lines.append(f"{a[j]} = _tanh({z[j]})")
        elif code == 2:
            lines.append(f"{a[j]} = {z[j]} if ({z[j]} > 0 or {z[j]} != {z[j]}) else 0.0")
        else:
            lines.append(f"{a[j]} = {z[j]}")
    return lines


def _slope_text(code: int, z: str, a: str) -> str:
    """``g'(z)`` of an elementwise activation, as an expression (None-like "" for 1)."""
    if code == 0:
        return f"({a} * (1.0 - {a}))"
    if code == 1:
        return f"(1.0 - {a} * {a})"
    if code == 2:
        return f"(1.0 if {z} > 0 else 0.0)"
    return ""


def _forward_lines(sizes: list[int], acts: list[int]) -> list[str]:
    lines = []
    for ell in range(1, len(sizes)):
        n_in, n_out = sizes[ell - 1], sizes[ell]
        prev = "x" if ell == 1 else f"a{ell - 1}"
        for j in range(n_out):
            terms = " + ".join(f"{prev}_{i} * w{ell}_{i}_{j}" for i in range(n_in))
            lines.append(f"z{ell}_{j} = {terms} + b{ell}_{j}")
        lines += _activate_lines(acts[ell - 1], ell, n_out)
    return lines


def _row_loss_lines(sizes: list[int], loss: int) -> list[str]:
    """``row = l`` for the row just forwarded: run_epochs's _row_loss, written out."""
    L, k = len(sizes) - 1, sizes[-1]
    z = [f"z{L}_{j}" for j in range(k)]
    if loss == 3:
        top = f"max({', '.join(z)})" if k > 1 else z[0]
        lines = [f"top = {top}",
                 "lse = _log(0.0 + " + " + ".join(f"_exp({zj} - top)" for zj in z) + ")"]
        return lines + ["row = 0.0 - " + " - ".join(
            f"t_{j} * (({z[j]} - top) - lse)" for j in range(k))]
    if loss == 2:
        return ["row = 0.0 + " + " + ".join(
            f"(max({z[j]}, 0.0) - {z[j]} * t_{j} + _log1p(_exp(-abs({z[j]}))))"
            for j in range(k))]
    total = "0.0 + " + " + ".join(f"(a{L}_{j} - t_{j}) * (a{L}_{j} - t_{j})" for j in range(k))
    return [f"row = 0.5 * ({total})" if loss == 0 else f"row = ({total}) / {k}"]


def _backward_lines(sizes: list[int], acts: list[int], loss: int, one: bool) -> list[str]:
    """delta of every layer (``d{ell}_j``) and the gradient terms (``g_name``; added up
    over the batch unless ``one``): run_epochs's _backward, written out."""
    L, k = len(sizes) - 1, sizes[-1]
    per = "" if one else " / nr"
    lines = []
    if loss == 3:
        lines.append("t_sum = 0.0 + " + " + ".join(f"t_{j}" for j in range(k)))
    for j in range(k):
        y = f"a{L}_{j}"
        if loss == 3:
            lines.append(f"d{L}_{j} = ({y} * t_sum - t_{j}){per}")
        elif loss == 1:
            lines.append(f"d{L}_{j} = 2.0 * ({y} - t_{j}) / {k}{per}")
        else:
            lines.append(f"d{L}_{j} = ({y} - t_{j}){per}")
    if loss < 2:
        if acts[L - 1] == 4:
            lines.append("sd_ = 0.0 + " + " + ".join(f"d{L}_{j} * a{L}_{j}" for j in range(k)))
            lines += [f"d{L}_{j} = a{L}_{j} * (d{L}_{j} - sd_)" for j in range(k)]
        else:
            for j in range(k):
                slope = _slope_text(acts[L - 1], f"z{L}_{j}", f"a{L}_{j}")
                if slope:
                    lines.append(f"d{L}_{j} = d{L}_{j} * {slope}")
    op = "=" if one else "+="
    for ell in range(L, 0, -1):
        n_in, n_out = sizes[ell - 1], sizes[ell]
        prev = "x" if ell == 1 else f"a{ell - 1}"
        for i in range(n_in):
            for j in range(n_out):
                lines.append(f"g_w{ell}_{i}_{j} {op} {prev}_{i} * d{ell}_{j}")
        for j in range(n_out):
            lines.append(f"g_b{ell}_{j} {op} d{ell}_{j}")
        if ell > 1:
            for i in range(n_in):
                terms = " + ".join(f"d{ell}_{j} * w{ell}_{i}_{j}" for j in range(n_out))
                slope = _slope_text(acts[ell - 2], f"z{ell - 1}_{i}", f"a{ell - 1}_{i}")
                lines.append(f"d{ell - 1}_{i} = (0.0 + {terms})" + (f" * {slope}" if slope else ""))
    return lines


def _update_lines(names: list[str], weight: list[bool], opt: int, alpha: bool) -> list[str]:
    """One optimizer step on every parameter: run_epochs's _update, written out."""
    lines = ["t += 1"]
    if alpha:
        lines.append("decay = alpha / nr")
    if opt == 2:
        lines += ["c1 = 1.0 - beta1 ** float(t)", "c2 = 1.0 - beta2 ** float(t)"]
    for p, (name, is_w) in enumerate(zip(names, weight)):
        g = f"g_{name}"
        if alpha and is_w:
            lines.append(f"{g} = {g} + decay * {name}")
        if opt == 0:
            lines.append(f"{name} -= lr * {g}")
        elif opt == 1:
            lines += [f"v_{p} = mu * v_{p} + {g}", f"{name} -= lr * v_{p}"]
        else:
            lines += [f"m_{p} = beta1 * m_{p} + (1.0 - beta1) * {g}",
                      f"s_{p} = beta2 * s_{p} + (1.0 - beta2) * {g} * {g}",
                      f"{name} -= lr * (m_{p} / c1) / (_sqrt(s_{p} / c2) + eps)"]
    return lines


def _source(sizes: list[int], acts: list[int], loss: int, opt: int, alpha: bool,
            one: bool) -> str:
    """The text of ``run_epochs`` for one network (see :func:`specialised`)."""
    names, weight = _names(sizes)
    n0, k = sizes[0], sizes[-1]
    row = ", ".join([f"x_{i}" for i in range(n0)] + [f"t_{j}" for j in range(k)]) + ","
    params = ", ".join(names) + ","
    state = {1: ["v"], 2: ["m", "s"]}.get(opt, [])
    out = ["def run_epochs(X, T, orders, n, sizes, acts, w_at, b_at, n_at, theta, is_weight,",
           "               grad, z, a, d, snapshot, loss, opt, hyper, v, m, s, t, batch_size,",
           "               epochs, with_loss, stop, losses):",
           "    lr, mu, beta1, beta2, eps, alpha = hyper",
           "    tol, patience, stalled, previous = stop[0], int(stop[1]), int(stop[2]), stop[3]",
           f"    rows = [tuple(X[r * {n0}:(r + 1) * {n0}]) + tuple(T[r * {k}:(r + 1) * {k}])"
           " for r in range(n)]",
           "    shuffled = len(orders) > n",
           "    if not shuffled:",
           "        ordered = [rows[r] for r in orders]",
           f"    {params} = theta"]
    for vec in state:
        out.append(f"    {', '.join(f'{vec}_{p}' for p in range(len(names)))}, = {vec}")
    out += ["    ran = epochs",
            "    for epoch in range(epochs):",
            f"        kept = ({params})",
            "        if shuffled:",
            "            ordered = [rows[r] for r in orders[epoch * n:(epoch + 1) * n]]"]
    body = [f"{row} = item", *_forward_lines(sizes, acts), *_backward_lines(sizes, acts, loss,
                                                                            one)]
    update = _update_lines(names, weight, opt, alpha)
    if one:
        out += ["        nr = 1", "        for item in ordered:"]
        out += ["            " + line for line in body + update]
    else:
        out += ["        for start in range(0, n, batch_size):",
                "            nr = min(batch_size, n - start)"]
        out += [f"            g_{name} = 0.0" for name in names]
        out += ["            for item in ordered[start:start + nr]:"]
        out += ["                " + line for line in body]
        out += ["            " + line for line in update]
    out += ["        if not with_loss:", "            continue", "        total = 0.0",
            "        for item in rows:"]
    out += ["            " + line for line in [f"{row} = item", *_forward_lines(sizes, acts),
                                               *_row_loss_lines(sizes, loss), "total += row"]]
    out.append("        current = total / n")
    if alpha:
        squares = " + ".join(f"{name} * {name}" for name, w in zip(names, weight) if w)
        out.append(f"        current += alpha / (2 * n) * (0.0 + {squares})")
    out += ["        losses[epoch] = current",
            "        if not _isfinite(current):",
            f"            {params} = kept",
            "            ran = epoch + 1",
            "            break",
            "        if tol >= 0:",
            "            stalled = stalled + 1 if previous - current < tol else 0",
            "            previous = current",
            "            if stalled >= patience:",
            "                ran = epoch + 1",
            "                break",
            f"    theta[:] = [{params}]"]
    for vec in state:
        out.append(f"    {vec}[:] = [{', '.join(f'{vec}_{p}' for p in range(len(names)))}]")
    out.append("    return ran, t, stalled")
    return "\n".join(out) + "\n"
