"""The chain rule, as the engine computes it: the forward pass, the loss and backpropagation.

:func:`backprop` runs the forward pass layer by layer (recording what the backward
pass needs), the loss, and the backward pass from the output back; a
:class:`Pass` keeps every number. :func:`loss_and_output` is the loss-only pass
over many rows, a chunk at a time. :class:`nnmath.network.Network` is the
container these run on; training (:mod:`nnmath.training`) and explanations
(:mod:`nnmath.trace`) call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .layers import Backward, Forward
from .losses import BCE, CrossEntropy, check_pair, get_loss, uses_shortcut

if TYPE_CHECKING:   # the container, for annotations only
    from .network import Network

__all__ = ["Pass", "backprop", "loss_and_output", "CHUNK_ROWS"]


@dataclass(frozen=True)
class Pass:
    """One forward and backward pass: everything the engine computed.

    forwards[l] and backwards[l] belong to layer l+1. ``dL_dy_hat`` is the
    gradient of the batch loss with respect to the output (always computed,
    so explanations can show the full chain-rule product); ``shortcut`` says
    whether the output layer's delta came from the documented shortcut
    ``delta_L = (y_hat - T) / n`` instead of ``dL_dy_hat * dy_hat/dz``.
    """

    X: np.ndarray
    T: np.ndarray
    loss_name: str
    per_sample_loss: np.ndarray
    loss: float
    forwards: list[Forward]
    backwards: list[Backward] | None
    dL_dy_hat: np.ndarray | None
    shortcut: bool

    @property
    def y_hat(self) -> np.ndarray:
        return self.forwards[-1].a

    def gradients(self) -> dict[str, np.ndarray]:
        out = {}
        for l, back in enumerate(self.backwards, start=1):
            out[f"W{l}"], out[f"b{l}"] = back.dL_dW, back.dL_db
        return out


def backprop(net: Network, X: np.ndarray, T: np.ndarray, loss="ssr", backward=True,
             record=True) -> Pass:
    """Forward pass, loss, and (unless ``backward=False``) backpropagation.

    ``X`` and ``T`` must already be checked arrays (``Network.check_X`` and
    ``check_T``). Layer by layer, from the output back::

        delta_L    = dL_dy_hat * g_L'(z_L)      (or (y_hat - T) / n: shortcut)
        dL_dW_l    = a_{l-1}.T @ delta_l
        dL_db_l    = delta_l.sum(axis=0)
        dL_da_{l-1} = delta_l @ W_l.T
        delta_{l-1} = dL_da_{l-1} * g_{l-1}'(z_{l-1})

    ``backward=False`` keeps only the output layer in ``forwards`` (the hidden
    activations are freed as soon as the next layer has used them).
    ``record=False`` (the training loop) computes only what the update needs:
    the gradients are the same numbers, but the loss value (``nan``), the
    unused ``dL_dy_hat`` of a shortcut and ``dL_da_prev`` of layer 1 are skipped.
    """
    loss_fn = get_loss(loss)
    out_act = net.layers[-1].activation
    check_pair(out_act, loss_fn.name)
    forwards, a = [], X
    for layer in net.layers:
        fwd = layer.forward(a)
        if backward:           # a loss-only pass keeps just the output layer's values
            forwards.append(fwd)
        a = fwd.a
    if not backward:
        forwards.append(fwd)
    y_hat, z_L = a, forwards[-1].z
    shortcut = uses_shortcut(out_act, loss_fn.name)
    per_sample, value = None, float("nan")
    if record or not backward:
        if shortcut:  # the loss from the logits: finite even where y_hat rounds to 0 or 1
            from_logits = BCE if loss_fn.name == "bce" else CrossEntropy
            per_sample = from_logits.per_sample_from_logits(z_L, T)
        else:
            per_sample = loss_fn.per_sample(y_hat, T)
        value = float(per_sample.sum() / per_sample.shape[0])   # the mean over samples
    if not backward:
        return Pass(X, T, loss_fn.name, per_sample, value, forwards, None, None, shortcut)

    n = X.shape[0]
    dL_dy_hat = loss_fn.gradient(y_hat, T) if (record or not shortcut) else None
    backwards: list[Backward] = [None] * len(net.layers)
    dL_da, delta = dL_dy_hat, None
    if shortcut:   # documented: sigmoid+bce, softmax+cross_entropy
        if loss_fn.name == "cross_entropy":
            # (y_hat * sum_j t_j - t) / n: exactly (y_hat - t) / n for rows summing to 1,
            # and still the true gradient for rows that miss 1 by rounding.
            delta = (y_hat * T.sum(axis=1, keepdims=True) - T) / n
        else:
            delta = (y_hat - T) / n
    for l in range(len(net.layers) - 1, -1, -1):
        back = net.layers[l].backward(forwards[l], dL_da=dL_da, delta=delta,
                                      need_prev=record or l > 0)
        backwards[l] = back
        dL_da, delta = back.dL_da_prev, None
    return Pass(X, T, loss_fn.name, per_sample, value, forwards, backwards, dL_dy_hat, shortcut)


CHUNK_ROWS = 256


def loss_and_output(net: Network, X: np.ndarray, T: np.ndarray, loss="ssr",
                    chunk: int = CHUNK_ROWS) -> tuple[float, np.ndarray]:
    """The mean loss over all rows and ``y_hat``, ``chunk`` rows at a time.

    The same numbers as one ``backprop(..., backward=False)`` over all rows
    (each row's loss depends on that row only), with memory bounded by
    ``chunk`` rows of the widest layer instead of all rows. ``X`` and ``T``
    must already be checked.
    """
    n = X.shape[0]
    if n <= chunk:
        result = backprop(net, X, T, loss, backward=False)
        return result.loss, result.y_hat
    per_sample, y_hat = [], []
    for start in range(0, n, chunk):
        part = backprop(net, X[start:start + chunk], T[start:start + chunk], loss,
                        backward=False)
        per_sample.append(part.per_sample_loss)
        y_hat.append(part.y_hat)
    per_sample = np.concatenate(per_sample)
    return float(per_sample.sum() / n), np.concatenate(y_hat)
