r"""The numbers an explanation writes out term by term, and the warnings it gives.

Computed here, on the engine's side, so that renderers only lay numbers out:

- the **delta recursion** of a hidden layer ``l``, one term per neuron ``k``
  of the next layer::

      delta_l[s, j] = (sum_k delta_{l+1}[s, k] * W_{l+1}[j, k]) * g'(z_l[s, j])
      terms[s, j, k] = delta_{l+1}[s, k] * W_{l+1}[j, k]      (sum_k terms = dL_da_l)

- the **output delta** as the full chain-rule product ``dL/dy_hat * dy_hat/dz``
  (the activation's own ``backward``; for softmax term by term over the
  Jacobian) beside the shortcut ``(y_hat - t) / n`` where one applies;
- **warnings** a teacher would want: saturated sigmoid/tanh neurons
  (``g'(z) < 1e-3``), a step that increases the loss, non-finite values;
- a **per-layer summary** for networks too large to explain entry by entry.

>>> import numpy as np
>>> next_delta, next_W = np.array([[0.1, -0.2]]), np.array([[1.0, 2.0], [3.0, 4.0]])
>>> recursion_terms(next_delta, next_W)        # [s, j, k] = delta[s, k] * W[j, k]
array([[[ 0.1, -0.4],
        [ 0.3, -0.8]]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Softmax, get_activation

__all__ = ["OutputDelta", "TraceWarning", "recursion_terms", "output_delta", "find_warnings",
           "layer_summaries", "SATURATION", "FULL_DETAIL_PARAMS", "FULL_DETAIL_SAMPLES"]

SATURATION = 1e-3          # g'(z) below this: the neuron is saturated
FULL_DETAIL_PARAMS = 250   # networks up to this many parameters are explained entry by entry
FULL_DETAIL_SAMPLES = 10   # ... for batches of up to this many samples

_SHORTCUT_RULES = {
    "sigmoid": "sigmoid + bce: dL/dy_hat · y_hat(1 − y_hat) collapses to (y_hat − t)/n",
    "softmax": "softmax + cross_entropy: Σ_j dL/dy_hat_j · dy_hat_j/dz_i collapses to "
               "(y_hat − t)/n",
}


@dataclass(frozen=True)
class OutputDelta:
    """``delta_L = dL/dz_L`` of the output layer, two ways.

    full : (n, k) the full product ``dL/dy_hat · dy_hat/dz`` (activation backward);
    terms : (n, k, k) for softmax, ``[s, i, j] = dL/dy_hat[s, j] · dy_hat_j/dz_i``
        (summing over ``j`` gives ``full``), else None;
    shortcut : (n, k) ``(y_hat − t)/n`` as the engine used it, or None where no
        shortcut applies; rule : the shortcut in words ("" when none).
    """

    full: np.ndarray
    terms: np.ndarray | None
    shortcut: np.ndarray | None
    rule: str

    def to_dict(self, rows) -> dict:
        return {"full": rows(self.full), "shortcut": None if self.shortcut is None
                else rows(self.shortcut), "rule": self.rule,
                "terms": None if self.terms is None else rows(self.terms)}


@dataclass(frozen=True)
class TraceWarning:
    """Something a teacher would point out. kind: saturated | loss_increased | non_finite."""

    kind: str
    message: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message}


def recursion_terms(next_delta: np.ndarray, next_W: np.ndarray) -> np.ndarray:
    """``terms[s, j, k] = delta_{l+1}[s, k] · W_{l+1}[j, k]``: the chain rule into layer ``l``.

    Summed over ``k`` this is ``dL_da_l = delta_{l+1} @ W_{l+1}.T`` (the engine's
    ``dL_da_prev`` of layer ``l+1``).
    """
    return next_delta[:, None, :] * next_W[None, :, :]


def output_delta(activation: str, z, a, dL_dy_hat, delta, shortcut: bool) -> OutputDelta:
    """The output layer's delta as the full chain-rule product, and the shortcut if used."""
    act = get_activation(activation)
    full = act.backward(z, a, dL_dy_hat)          # dL/dz = dL/dy_hat · dy_hat/dz
    terms = None
    if isinstance(act, Softmax):                  # not elementwise: sum over the Jacobian
        terms = dL_dy_hat[:, None, :] * act.jacobian(a)
    return OutputDelta(full=full, terms=terms, shortcut=delta if shortcut else None,
                       rule=_SHORTCUT_RULES[activation] if shortcut else "")


def find_warnings(trace) -> tuple:
    """The warnings of a trace, as data (see the module docstring)."""
    out = []
    bad = [name for name, value in _named_values(trace) if not np.all(np.isfinite(value))]
    if bad:
        out.append(TraceWarning("non_finite", (
            f"non-finite values (inf or NaN) in {', '.join(bad[:6])}"
            f"{' …' if len(bad) > 6 else ''}: the numbers overflowed. Use a smaller "
            "learning rate, smaller weights or scaled inputs.")))
    for lt in trace.layers:
        if lt.g_prime is None or lt.activation not in ("sigmoid", "tanh"):
            continue
        low = lt.g_prime < SATURATION
        if np.any(low):
            s, j = np.unravel_index(int(np.argmin(lt.g_prime)), lt.g_prime.shape)
            where = f"neuron {j}" + (f", sample {s}" if trace.n_samples > 1 else "")
            out.append(TraceWarning("saturated", (
                f"layer {lt.index}: {int(low.sum())} saturated {lt.activation} value(s), "
                f"g'(z) < {SATURATION:g} (smallest {lt.g_prime[s, j]:.3g} at {where}, "
                f"z = {lt.z[s, j]:.4g}): the gradient through them is tiny and "
                "learning stalls. Scale the inputs or start from smaller weights.")))
    if np.isfinite(trace.loss) and np.isfinite(trace.loss_after) and \
            trace.loss_after > trace.loss:
        out.append(TraceWarning("loss_increased", (
            f"the step increased the loss from {trace.loss:.6g} to {trace.loss_after:.6g}: "
            f"the learning rate η = {trace.learning_rate:g} is probably too large "
            "(the step overshot). Try a smaller one.")))
    return tuple(out)


def _named_values(trace):
    if trace.scaling is not None:
        yield "x_scaled", trace.X
    yield "y_hat", trace.y_hat
    yield "loss", np.asarray(trace.loss)
    for lt in trace.layers:
        ell = lt.index
        for name in ("z", "a", "delta"):
            yield f"{name}{ell}", getattr(lt, name)
    for name, g in trace.gradients.items():
        yield f"dL/d{name}", g
    for name, p in trace.updated.items():
        yield f"{name} after", p
    yield "y_hat after", trace.y_hat_after
    yield "loss after", np.asarray(trace.loss_after)


def layer_summaries(trace) -> list:
    """One row of plain numbers per layer, for networks too large to show entry by entry."""
    rows = []
    for lt in trace.layers:
        ell = lt.index
        update = trace.updated[f"W{ell}"] - trace.params[f"W{ell}"]
        rows.append({
            "layer": ell, "activation": lt.activation, "shape": list(lt.W.shape),
            "n_params": int(lt.W.size + lt.b.size),
            "z_min": float(np.min(lt.z)), "z_max": float(np.max(lt.z)),
            "a_min": float(np.min(lt.a)), "a_max": float(np.max(lt.a)),
            "mean_abs_delta": float(np.mean(np.abs(lt.delta))),
            "norm_dL_dW": float(np.linalg.norm(lt.dL_dW)),
            "norm_dL_db": float(np.linalg.norm(lt.dL_db)),
            "max_abs_update_W": float(np.max(np.abs(update))),
            "n_saturated": int(np.sum(lt.g_prime < SATURATION))
            if lt.g_prime is not None and lt.activation in ("sigmoid", "tanh") else 0,
        })
    return rows
