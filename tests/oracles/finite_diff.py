r"""Central finite differences of a network's loss: an oracle for backpropagation.

``numeric_gradients`` is :func:`nnmath.gradcheck.numeric_gradients`; this
module adds the tolerances and the comparison helpers.

For each parameter entry ``p``, on a *copy* of the network::

    dL/dp  ~  (L(p + h) - L(p - h)) / ((p + h) - (p - h))

Dividing by the step actually taken (``(p + h) - (p - h)`` in floating point,
not ``2h``) removes the representation error of the step.

Error budget in float64 with ``h = 1e-6``: the truncation error is
``h^2 |L'''| / 6 ~ 1e-13`` for the smooth functions here, and the rounding
error is about ``ulp(L) / h ~ 2e-16 |L| / 1e-6 ~ 2e-10 |L|``. So the honest
tolerances are ``atol ~ 1e-8`` (room for losses up to ~10 and a few ulps of
rounding in ``L``) and ``rtol ~ 1e-6``; a wrong derivative is off by far more
(typically more than 1e-2).

>>> import numpy as np, nnmath
>>> net = nnmath.Network([nnmath.Dense(W=[[0.5]], b=[0.0]), nnmath.Dense(W=[[-1.0]], b=[0.0])])
>>> num = numeric_gradients(net, [[2.0]], [[0.0]], "ssr")
>>> {name: round(float(g.item()), 7) for name, g in num.items()}
{'W1': -0.0280307, 'b1': -0.0140154, 'W2': 0.0521131, 'b2': 0.0712844}
"""

from __future__ import annotations

import numpy as np

# The engine's own checker (``nnmath explain --check``) perturbs each parameter
# and calls only ``Network.loss`` -- the forward pass, never backprop -- so it
# is an independent oracle for the backward pass. The tests use the same one
# rather than a second copy.
from nnmath.gradcheck import numeric_gradients  # noqa: F401  (re-exported)

RTOL = 1e-6
ATOL = 1e-8


def gradient_errors(analytic, numeric, rtol=RTOL, atol=ATOL) -> dict[str, float]:
    """For each parameter, the worst ``|analytic - numeric| / (atol + rtol |numeric|)``.

    A value above 1 means that parameter fails the tolerance.
    """
    assert analytic.keys() == numeric.keys(), (list(analytic), list(numeric))
    return {name: float(np.max(np.abs(analytic[name] - numeric[name])
                               / (atol + rtol * np.abs(numeric[name]))))
            for name in analytic}


def assert_gradients_match(analytic, numeric, rtol=RTOL, atol=ATOL, context="") -> None:
    """AssertionError naming the parameter and both values if any entry is off."""
    assert analytic.keys() == numeric.keys(), (list(analytic), list(numeric))
    for name in analytic:
        assert analytic[name].shape == numeric[name].shape, name
        np.testing.assert_allclose(
            analytic[name], numeric[name], rtol=rtol, atol=atol,
            err_msg=f"backprop vs finite differences: dL/d{name} {context}"
                    "(actual = backprop, desired = finite differences)")
