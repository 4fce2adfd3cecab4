"""The guided tour's numbers: the article, section by section, computed by the engine.

``GET /api/tour`` answers what the page's tour shows in its first six sections (the
seventh trains the tab's own session): the neuron ``a = sigmoid(w·x + b)`` along x, the
PSA rows, network A trained (:func:`nnmath.article.run_article`: its probabilities at
PSA 2.0), the cost over all rows, network B, and one step of it on PSA 2.0
(:func:`nnmath.explain`: forward, the loss with its ½, the chain-rule factors, the four
gradients, the update, and forward again). ``article`` holds what the article itself
prints, at its own precision, so the page can show both side by side (the tests check
they agree to that precision).

Rows are numbered from 1, as ``nnmath explain --row`` numbers them. The answer is
computed once per server (network A trains in about a second) and kept.
"""

from __future__ import annotations

import functools

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, Field

from .. import datasets
from ..article import B_LEARNING_RATE, PSA_TEST, network_b, run_article
from ..backprop import forward_pass, loss_pass
from ..jsonsafe import json_safe
from .setup import DEFAULTS

__all__ = ["router", "Tour", "tour_numbers", "ARTICLE_SAYS", "NEURON_XS"]

router = APIRouter(prefix="/api")

ARTICLE_SAYS = {"p_cancer": "43 %", "p_healthy": "57 %", "output": "0.3248",
                "loss": "0.0528", "output_after": "0.322", "loss_after": "0.0519",
                "w1": "0.5", "b1": "0.0", "w2": "-1.0", "b2": "0.0", "learning_rate": "0.1"}
"""What the article prints, as it prints it."""
NEURON_XS = np.round(np.arange(41) * 0.1, 1)
"""The slider's x values for the neuron of section 1: 0, 0.1, ..., 4 (the PSA range)."""

Number = float | None


class Factor(BaseModel):
    name: str
    value: Number
    meaning: str


class ChainOut(BaseModel):
    param: str
    symbol: str
    factors: list[str] = Field(description="the names of its factors, in order")
    gradient: Number


class Tour(BaseModel):
    neuron: dict = Field(description="w, b, activation, and x, z, a along the slider")
    data: dict = Field(description="the rows (numbered from 1), the feature and the classes")
    network_a: dict = Field(description="network A trained: weights, z and p at PSA 2.0")
    cost: dict = Field(description="network A's ½ Σ (ŷ − t)² per row, and its mean")
    network_b: dict = Field(description="network B's weights and learning rate")
    step: dict = Field(description="one step of network B on PSA 2.0, target 0")
    factors: list[Factor] = Field(description="the six chain-rule factors of the article's "
                                  "table (dL/dŷ, dŷ/dz2, dz2/dw2, dz2/da1, da1/dz1, dz1/dw1)")
    chains: list[ChainOut]
    article: dict[str, str] = Field(description="what the article prints, as it prints it")


def _lists(params: dict) -> dict:
    return {name: value.tolist() for name, value in params.items()}


@functools.cache
def tour_numbers() -> dict:
    """Every number of the tour's first six sections (computed once)."""
    run = run_article(epochs_b=1)
    data: datasets.Dataset = run.dataset
    b = network_b()
    hidden = b.layers[0]
    fwd = hidden.forward(NEURON_XS[:, None])
    neuron = {"w": float(hidden.W[0, 0]), "b": float(hidden.b[0]),
              "activation": hidden.activation, "x": NEURON_XS.tolist(),
              "z": fwd.z[:, 0].tolist(), "a": fwd.a[:, 0].tolist(),
              "start": int(np.flatnonzero(NEURON_XS == PSA_TEST)[0])}
    classes = list(data.class_names)
    psa = {"feature": data.feature_names[0], "target": data.target_name, "classes": classes,
           "rows": [{"row": i + 1, "x": float(data.X[i, 0]), "class": classes[int(data.y[i])],
                     "t": int(data.y[i])} for i in range(len(data))],
           "test_row": int(np.flatnonzero(data.X[:, 0] == PSA_TEST)[0]) + 1}
    a = run.a
    a_fwd = forward_pass(a.layers, np.array([[PSA_TEST]]))[-1]
    network_a = {"classes": classes, "activation": a.layers[0].activation,
                 **_lists(a.params()), "x": PSA_TEST, "z": a_fwd.z[0].tolist(),
                 "p": a_fwd.a[0].tolist(), "predicted": run.a_class,
                 "loss_name": run.a_history.settings["loss"],
                 "learning_rate": run.a_history.settings["learning_rate"],
                 "epochs": run.a_history.epochs, "stop_reason": run.a_history.stop_reason}
    T = data.targets(2)
    per_row = loss_pass(a.layers, data.X, T, DEFAULTS["loss"])
    cost = {"loss_name": DEFAULTS["loss"], "classes": classes,
            "rows": [{"row": i + 1, "x": float(data.X[i, 0]), "t": T[i].tolist(),
                      "p": per_row.y_hat[i].tolist(),
                      "loss": float(per_row.per_sample_loss[i])} for i in range(len(data))],
            "mean": per_row.loss, "before": run.a_cost_ssr[0], "after": run.a_cost_ssr[1]}
    step = run.b_step
    after = b.copy()                  # network B after the step: "forward again" shows a1 too
    after.set_params({k: v.copy() for k, v in step.updated.items()})
    layers = step.layers
    b_out = {"activations": [layer.activation for layer in b.layers],
             **_lists(b.params()), "learning_rate": B_LEARNING_RATE,
             "loss_name": step.loss_name}
    walk = {"x": float(step.X[0, 0]), "target": float(step.T[0, 0]),
            "z1": float(layers[0].z[0, 0]), "a1": float(layers[0].a[0, 0]),
            "z2": float(layers[1].z[0, 0]), "y_hat": float(step.y_hat[0, 0]),
            "loss": step.loss, "residual": float(step.dL_dy_hat[0, 0]),
            "gradients": {k: float(v.ravel()[0]) for k, v in step.gradients.items()},
            "params": {k: float(v.ravel()[0]) for k, v in step.params.items()},
            "updated": {k: float(v.ravel()[0]) for k, v in step.updated.items()},
            "learning_rate": step.learning_rate,
            "a1_after": float(forward_pass(after.layers, step.X)[0].a[0, 0]),
            "output_after": float(step.y_hat_after[0, 0]), "loss_after": step.loss_after,
            "row": psa["test_row"]}
    factors: dict[str, dict] = {}
    for name in ("W2", "W1"):         # the article's table: from the output back
        for f in step.chains[name].factors:
            factors.setdefault(f.name, {"name": f.name, "value": f.value,
                                        "meaning": f.meaning})
    chains = [{"param": name, "symbol": c.symbol, "factors": [f.name for f in c.factors],
               "gradient": c.gradient} for name, c in step.chains.items()]
    return json_safe({"neuron": neuron, "data": psa, "network_a": network_a, "cost": cost,
                      "network_b": b_out, "step": walk, "factors": list(factors.values()),
                      "chains": chains, "article": ARTICLE_SAYS})


@router.get("/tour", response_model=Tour)
def get_tour() -> dict:
    """The numbers of the guided tour's sections 1 to 6, from the engine (the same for
    every session)."""
    return tour_numbers()
