r"""L2 regularisation (weight decay), stated once.

**Convention** (scikit-learn's ``MLPClassifier``): for a batch of ``n`` rows
the objective is the mean loss plus a penalty on the weights (not the biases),

.. math:: J = L + \frac{\alpha}{2n} \sum_l \lVert W_l \rVert_F^2,
          \qquad \frac{\partial J}{\partial W_l} = \frac{\partial L}{\partial W_l}
          + \frac{\alpha}{n} W_l, \qquad \frac{\partial J}{\partial b_l} = \frac{\partial L}{\partial b_l}.

Plain text::

    J      = L + alpha / (2 n) * sum_l sum(W_l ** 2)
    dJ_dW  = dL_dW + (alpha / n) * W          dJ_db = dL_db

``n`` is the number of rows the mean loss ``L`` is taken over: the batch
during training, all training rows for ``History.loss``.

>>> import numpy as np
>>> params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([5.0, 5.0])}
>>> l2_penalty(params, alpha=0.5, n=2)
0.625
>>> {k: v.tolist() for k, v in l2_gradients({"W1": np.zeros((1, 2)), "b1": np.zeros(2)},
...                                         params, alpha=0.5, n=2).items()}
{'W1': [[0.25, 0.5]], 'b1': [0.0, 0.0]}
"""

from __future__ import annotations

import numpy as np

from .checks import check_number

__all__ = ["check_alpha", "l2_penalty", "l2_gradients", "objective"]


def check_alpha(alpha) -> float:
    """``alpha`` as a ``float``: a number >= 0 (0: no penalty)."""
    return check_number(alpha, "alpha", minimum=0, constraint="a number >= 0 (the L2 penalty)",
                        fix="For example 0.0001, or 0 for none.")


def _weights(params):
    return [p for name, p in params.items() if name.startswith("W")]


def l2_penalty(params: dict, alpha: float, n: int) -> float:
    """``alpha / (2 n) * sum_l sum(W_l ** 2)`` over the weights ``W1, W2, ...``."""
    if not alpha:
        return 0.0
    return float(alpha / (2 * n) * sum(np.sum(W * W) for W in _weights(params)))


def l2_gradients(grads: dict, params: dict, alpha: float, n: int) -> dict:
    """``grads`` with ``(alpha / n) * W`` added to every ``dL_dW`` (new arrays; biases unchanged)."""
    if not alpha:
        return grads
    return {name: g + (alpha / n) * params[name] if name.startswith("W") else g
            for name, g in grads.items()}


def objective(net, X, T, loss="ssr", alpha=0.0):
    """``(J, {name: dJ_dparam})`` of the regularised objective on ``(X, T)``."""
    X = net.check_X(X)
    T = net.check_T(T, X.shape[0])
    value, grads = net.gradients(X, T, loss=loss)
    params, n = net.params(), X.shape[0]
    return value + l2_penalty(params, alpha, n), l2_gradients(grads, params, alpha, n)
