"""The chain rule, as the engine computes it: forward pass, loss, backward pass.

Four named steps, each on a list of :class:`~nnmath.layers.Dense` layers
(``net.layers``), so the algorithm needs nothing but layers and losses:

- :func:`forward_pass` - layer by layer, recording ``a_prev, z, a`` for the backward pass;
- :func:`loss_pass` - the loss only: the outputs and the loss, nothing recorded;
- :func:`backward_pass` - from the output back, every ``delta`` and ``dL_dW, dL_db``;
- :func:`backprop` - the three together: what one training step needs, kept in a
  :class:`BackpropRecord`.

:func:`loss_and_output` is the loss pass over many rows, :func:`mean_loss` the loss
only and :func:`outputs` the outputs only, a block of rows at a time
(:func:`chunk_rows`: bounded memory).
Training (:mod:`nnmath.training`), explanations (:mod:`nnmath.trace`) and
:class:`~nnmath.network.Network` call these; none of them computes a derivative itself.

>>> from nnmath import Dense
>>> layers = [Dense(W=[[0.5]], b=[0.0], activation="sigmoid"),
...           Dense(W=[[-1.0]], b=[0.0], activation="sigmoid")]
>>> record = backprop(layers, np.array([[2.0]]), np.array([[0.0]]), "ssr")
>>> round(record.loss, 6), record.gradients()["W2"].round(7)
(0.0528, array([[0.0521131]]))
>>> round(loss_pass(layers, np.array([[2.0]]), np.array([[0.0]]), "ssr").loss, 6)
0.0528
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._typing import FloatArray, Params
from .layers import Backward, Dense, Forward
from .losses import BCE, CrossEntropy, Loss, check_pair, get_loss, uses_shortcut

__all__ = ["BackpropRecord", "LossPass", "forward_pass", "loss_pass", "backward_pass",
           "backprop", "loss_and_output", "mean_loss", "outputs", "chunk_rows", "CHUNK_ROWS",
           "CHUNK_VALUES"]


@dataclass(frozen=True)
class BackpropRecord:
    """One forward and backward pass: every number the engine computed.

    forwards[l] and backwards[l] belong to layer l+1. ``dL_dy_hat`` is the
    gradient of the batch loss with respect to the output (computed whenever the
    pass records, so explanations can show the full chain-rule product);
    ``shortcut`` says whether the output layer's delta came from the documented
    shortcut ``delta_L = (y_hat - T) / n`` instead of ``dL_dy_hat * dy_hat/dz``.
    """

    X: FloatArray
    T: FloatArray
    loss_name: str
    per_sample_loss: FloatArray | None
    loss: float
    forwards: list[Forward]
    backwards: list[Backward]
    dL_dy_hat: FloatArray | None
    shortcut: bool

    @property
    def y_hat(self) -> FloatArray:
        return self.forwards[-1].a

    def gradients(self) -> Params:
        """``{"W1": dL_dW1, "b1": dL_db1, ...}`` in layer order."""
        out: Params = {}
        for ell, back in enumerate(self.backwards, start=1):
            out[f"W{ell}"], out[f"b{ell}"] = back.dL_dW, back.dL_db
        return out


class LossPass(NamedTuple):
    """What the loss-only pass computed: the mean ``loss``, ``per_sample_loss``
    (n_samples,) and ``y_hat`` (n_samples, n_outputs)."""

    loss: float
    per_sample_loss: FloatArray
    y_hat: FloatArray


def forward_pass(layers: Sequence[Dense], X: FloatArray) -> list[Forward]:
    """``a0 = X``; ``z_l = a_{l-1} @ W_l + b_l``, ``a_l = g_l(z_l)`` for each layer,
    recorded: ``forwards[l-1]`` holds layer l's ``a_prev, z, a``."""
    forwards: list[Forward] = []
    a = X
    for layer in layers:
        forwards.append(layer.forward(a))
        a = forwards[-1].a
    return forwards


def loss_pass(layers: Sequence[Dense], X: FloatArray, T: FloatArray,
              loss: str | Loss = "ssr") -> LossPass:
    """The outputs and the loss of ``X`` against ``T``, keeping no layer's values
    (each hidden activation is freed once the next layer has used it).

    ``X`` and ``T`` must already be checked arrays (``Network.check_X``, ``check_T``).
    """
    loss_fn = _loss(layers, loss)
    a = X
    for layer in layers:
        fwd = layer.forward(a)
        a = fwd.a
    per_sample = _per_sample_loss(layers, loss_fn, fwd, T)
    return LossPass(float(per_sample.sum() / per_sample.shape[0]), per_sample, a)


def backward_pass(layers: Sequence[Dense], forwards: list[Forward], T: FloatArray,
                  loss: str | Loss = "ssr",
                  record: bool = True) -> tuple[list[Backward], FloatArray | None]:
    """From the output back, layer by layer: ``(backwards, dL_dy_hat)``::

        delta_L     = dL_dy_hat * g_L'(z_L)      (or (y_hat - T) / n: shortcut)
        dL_dW_l     = a_{l-1}.T @ delta_l
        dL_db_l     = delta_l.sum(axis=0)
        dL_da_{l-1} = delta_l @ W_l.T
        delta_{l-1} = dL_da_{l-1} * g_{l-1}'(z_{l-1})

    ``record=False`` (the training loop) computes only what the update needs: the
    same gradients, without the unused ``dL_dy_hat`` of a shortcut, layer 1's
    ``dL_da_prev`` or the activations' slopes beside a shortcut.
    """
    loss_fn = _loss(layers, loss)
    y_hat = forwards[-1].a
    shortcut = uses_shortcut(layers[-1].activation, loss_fn.name)
    dL_dy_hat = loss_fn.gradient(y_hat, T) if (record or not shortcut) else None
    delta = _shortcut_delta(loss_fn, y_hat, T) if shortcut else None
    backwards: list[Backward] = []                 # from the last layer to the first
    dL_da = dL_dy_hat
    for ell in range(len(layers) - 1, -1, -1):
        back = layers[ell].backward(forwards[ell], dL_da=dL_da, delta=delta,
                                    need_prev=record or ell > 0, keep_slope=record)
        backwards.append(back)
        dL_da, delta = back.dL_da_prev, None
    backwards.reverse()                            # in layer order
    return backwards, dL_dy_hat


def backprop(layers: Sequence[Dense], X: FloatArray, T: FloatArray, loss: str | Loss = "ssr",
             record: bool = True) -> BackpropRecord:
    """Forward pass, loss and backward pass: the gradients of one step.

    ``X`` and ``T`` must already be checked arrays. ``record=False`` (the
    training loop) skips the loss value (``nan``) and what only an explanation
    reads (see :func:`backward_pass`); the gradients are the same numbers.
    """
    loss_fn = _loss(layers, loss)
    forwards = forward_pass(layers, X)
    per_sample, value = None, float("nan")
    if record:
        per_sample = _per_sample_loss(layers, loss_fn, forwards[-1], T)
        value = float(per_sample.sum() / per_sample.shape[0])   # the mean over samples
    backwards, dL_dy_hat = backward_pass(layers, forwards, T, loss_fn, record)
    return BackpropRecord(X, T, loss_fn.name, per_sample, value, forwards, backwards, dL_dy_hat,
                          uses_shortcut(layers[-1].activation, loss_fn.name))


CHUNK_ROWS = 256
"""The fewest rows a block of :func:`loss_and_output` and :func:`outputs` holds."""
CHUNK_VALUES = 1 << 18
"""The most values (rows x the widest layer's neurons) a block holds beyond
:data:`CHUNK_ROWS` rows: 1 MB a layer's ``z`` or ``a`` in float32, 2 MB in float64; big
enough for the matrix products to run at full speed (P3's 784-128-10: 2 048 rows, as
fast as 8 192), small enough to add a few MB to the data's memory."""


def chunk_rows(layers: Sequence[Dense]) -> int:
    """Rows per block of the passes over many rows: :data:`CHUNK_VALUES` over the widest
    layer, at least :data:`CHUNK_ROWS`."""
    return max(CHUNK_ROWS, CHUNK_VALUES // max(layer.n_out for layer in layers))


def loss_and_output(layers: Sequence[Dense], X: FloatArray, T: FloatArray,
                    loss: str | Loss = "ssr",
                    chunk: int | None = None) -> tuple[float, FloatArray]:
    """The mean loss over all rows and ``y_hat``, ``chunk`` rows at a time
    (default :func:`chunk_rows`).

    The same numbers as one :func:`loss_pass` over all rows (each row's loss
    depends on that row only), with memory bounded by ``chunk`` rows of the
    widest layer instead of all rows. ``X`` and ``T`` must already be checked.
    """
    n, chunk = X.shape[0], chunk or chunk_rows(layers)
    if n <= chunk:
        result = loss_pass(layers, X, T, loss)
        return result.loss, result.y_hat
    parts = [loss_pass(layers, X[start:start + chunk], T[start:start + chunk], loss)
             for start in range(0, n, chunk)]
    per_sample = np.concatenate([part.per_sample_loss for part in parts])
    return float(per_sample.sum() / n), np.concatenate([part.y_hat for part in parts])


def mean_loss(layers: Sequence[Dense], X: FloatArray, T: FloatArray, loss: str | Loss = "ssr",
              chunk: int | None = None) -> float:
    """The mean loss over all rows: the value of :func:`loss_and_output`, the same
    numbers, without ``y_hat``; where the loss is computed from the logits ``z_L`` (the
    shortcuts), the output activation is not computed at all. ``chunk`` rows at a time
    (default :func:`chunk_rows`). ``X`` and ``T`` must already be checked.
    """
    loss_fn = _loss(layers, loss)
    n, chunk = X.shape[0], chunk or chunk_rows(layers)
    from_logits = uses_shortcut(layers[-1].activation, loss_fn.name)
    parts = []
    for start in range(0, n, chunk):
        a = X[start:start + chunk]
        for layer in layers[:-1]:
            a = layer.forward(a).a
        last = layers[-1].weighted_sum(a) if from_logits else layers[-1].forward(a)
        parts.append(_per_sample_loss(layers, loss_fn, last, T[start:start + chunk]))
    per_sample = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return float(per_sample.sum() / n)


def outputs(layers: Sequence[Dense], X: FloatArray, chunk: int | None = None) -> FloatArray:
    """``y_hat`` for every row of ``X``, ``chunk`` rows at a time (default
    :func:`chunk_rows`): the numbers of one forward pass over all rows, in the memory of
    ``chunk`` rows of the widest layer (plus ``y_hat``). ``X`` must already be checked.
    """
    n, chunk = X.shape[0], chunk or chunk_rows(layers)
    first = _forward_rows(layers, X[:chunk])
    if n <= chunk:
        return first
    y_hat = np.empty((n, first.shape[1]), dtype=first.dtype)
    y_hat[:chunk] = first
    for start in range(chunk, n, chunk):
        y_hat[start:start + chunk] = _forward_rows(layers, X[start:start + chunk])
    return y_hat


def _forward_rows(layers: Sequence[Dense], a: FloatArray) -> FloatArray:
    """``y_hat`` of the rows ``a``, keeping no layer's values."""
    for layer in layers:
        a = layer.forward(a).a
    return a


def _loss(layers: Sequence[Dense], loss: str | Loss) -> Loss:
    """The loss object, refused if it does not fit the output activation."""
    loss_fn = get_loss(loss)
    check_pair(layers[-1].activation, loss_fn.name)
    return loss_fn


def _per_sample_loss(layers: Sequence[Dense], loss_fn: Loss, last: Forward | FloatArray,
                     T: FloatArray) -> FloatArray:
    """Each sample's loss; from the logits ``z_L`` where the shortcut applies (finite
    even where ``y_hat`` rounds to 0 or 1). ``last``: the output layer's Forward, or
    its ``z_L`` alone where the shortcut applies."""
    w = loss_fn.sample_weight(T)   # class weights: w_s * l_s (None: every sample once)
    if uses_shortcut(layers[-1].activation, loss_fn.name):
        from_logits = BCE if loss_fn.name == "bce" else CrossEntropy
        per_sample = from_logits.per_sample_from_logits(
            last.z if isinstance(last, Forward) else last, T)
    elif not isinstance(last, Forward):
        raise TypeError(f"the loss {loss_fn.name!r} is computed from y_hat: give the output "
                        "layer's Forward, not z_L")
    else:
        per_sample = loss_fn.per_sample(last.a, T)
    return per_sample if w is None else w * per_sample


def _shortcut_delta(loss_fn: Loss, y_hat: FloatArray, T: FloatArray) -> FloatArray:
    """The output layer's delta for sigmoid+bce and softmax+cross_entropy."""
    n_samples: int = T.shape[0]
    if loss_fn.name == "cross_entropy":
        # (y_hat * sum_j t_j - t) / n: exactly (y_hat - t) / n for rows summing to 1,
        # and still the true gradient for rows that miss 1 by rounding.
        t_sum: FloatArray = T.sum(axis=1, keepdims=True)
        delta: FloatArray = (y_hat * t_sum - T) / n_samples
    else:
        delta = (y_hat - T) / n_samples
    w = loss_fn.sample_weight(T)   # class weights: w_s (y_hat - t) / n
    return delta if w is None else w[:, None] * delta
