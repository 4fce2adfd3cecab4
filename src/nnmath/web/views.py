"""A session, and one step's trace, as the API's JSON (plain dicts and lists).

Every number is the engine's: the network's parameters, its forward pass on a grid for
the live picture (:func:`view`), the loss, and :func:`nnmath.explain`'s trace for a step
(:func:`step`). Non-finite numbers become ``null`` (JSON has no NaN).
"""

from __future__ import annotations

import numpy as np

from ..backprop import forward_pass
from ..jsonsafe import json_safe
from ..trace import Trace, explain
from .heldout import extra_state
from .limits import LIMITS, ROWS_SHOWN, epochs_allowed
from .setup import task_of

__all__ = ["state", "rows", "view", "activations", "step", "trace_of", "CURVE_POINTS", "MAP_SIDE"]

CURVE_POINTS = 200
MAP_SIDE = 50


def _network(net) -> dict:
    return {"layers": [{"activation": layer.activation, "W": layer.W.tolist(),
                        "b": layer.b.tolist()} for layer in net.layers],
            "sizes": net.sizes, "n_params": net.n_params()}


def _data(session) -> dict:
    data = session.data
    classes = list(data.class_names) if data.task != "regression" else None
    return {"name": session.config["dataset"], "feature_names": list(data.feature_names),
            "class_names": classes, "task": task_of(data), "n_samples": len(data),
            "n_shown": min(len(data), ROWS_SHOWN), "version": session.data_version}


def rows(session) -> dict:
    """``Rows``: the data's first :data:`ROWS_SHOWN` rows, sent once for each data a
    session holds (``State.data.version`` says when they change), never with a State."""
    data = session.data
    y = data.y if data.task != "regression" else np.asarray(data.y, dtype=float)
    return json_safe({"version": session.data_version, "X": data.X[:ROWS_SHOWN].tolist(),
                      "y": y[:ROWS_SHOWN].tolist()})


def state(session) -> dict:
    """``State``: everything the page shows of a session (the data's rows apart: they
    are :func:`rows`)."""
    net, c = session.net, session.config
    return json_safe({
        "session": session.sid, "config": c, "network": _network(net),
        "data": _data(session), "sample": session.sample, "epoch": session.epoch,
        "loss": session.loss(),
        "history": [{"epoch": e, "loss": loss} for e, loss in session.history],
        "view": view(session), "limits": LIMITS.model_dump(),
        "activations": activations(session),
        "max_epochs_now": epochs_allowed(len(session.data), net.n_params(),
                                         c["batch_size"], len(net.layers)),
        **extra_state(session)})


def activations(session) -> list:
    """``a`` of every layer (output last) for the selected sample at the current weights:
    the engine's forward pass (:func:`nnmath.backprop.forward_pass`), the input scaled
    first where the model file stores a scaling."""
    x = session.inputs(session.data.X[session.sample:session.sample + 1])
    with np.errstate(all="ignore"):
        return [fwd.a[0].tolist() for fwd in forward_pass(session.net.layers, x)]


def _outputs(net, data) -> list:
    if data.task == "regression":
        return ["y_hat"] if net.n_outputs == 1 else [f"y_hat[{j}]" for j in range(net.n_outputs)]
    names = data.class_names
    if net.n_outputs == 1:
        return [f"P({names[1]})"]
    return [f"P({name})" for name in names]


def _span(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def view(session) -> dict:
    """The live picture: P(class | x) along x (one input), or the decision map over
    the plane (two inputs), from the network's forward pass (raw inputs on the axes)."""
    net, data = session.net, session.data
    n_inputs = data.X.shape[1]
    with np.errstate(all="ignore"):
        if n_inputs == 1:
            x = np.linspace(*_span(data.X[:, 0]), CURVE_POINTS)
            p = net.forward(session.inputs(x[:, None]))
            return {"kind": "curve", "x": x.tolist(), "p": p.tolist(),
                    "outputs": _outputs(net, data)}
        if n_inputs == 2:
            gx = np.linspace(*_span(data.X[:, 0]), MAP_SIDE)
            gy = np.linspace(*_span(data.X[:, 1]), MAP_SIDE)
            xx, yy = np.meshgrid(gx, gy)          # rows = y
            out = net.forward(session.inputs(np.c_[xx.ravel(), yy.ravel()]))
            if out.shape[1] == 1:
                p, meaning = out[:, 0], _outputs(net, data)[0]
            else:
                p = np.argmax(np.nan_to_num(out, nan=-np.inf), axis=1).astype(float)
                meaning = "the predicted class (index)"
            classes = list(data.class_names) if data.task != "regression" else []
            return {"kind": "map", "x": gx.tolist(), "y": gy.tolist(),
                    "p": p.reshape(MAP_SIDE, MAP_SIDE).tolist(), "classes": classes,
                    "value": meaning}
    return {"kind": "none"}


def trace_of(session) -> Trace:
    """The trace of one gradient step on the selected sample at the current network (its
    raw input scaled first when the model file stores a scaling, as ``nnmath explain``).

    On an uploaded CSV file with categories or gaps, the step starts from the row's raw
    cells and the preprocessing learned from the file (:func:`~nnmath.web.uploads.
    upload_preprocessing`): one-hot, fill values, then the scaling, each with its numbers,
    as ``nnmath explain --model M --data F --row N`` shows them for a model that
    ``nnmath train`` wrote."""
    from .heldout import class_weight_of
    from .uploads import upload_preprocessing

    s = session.sample
    net, x = session.net, session.data.X[s]
    pre, cells = upload_preprocessing(session.data, net)
    if pre is not None:   # the same network, its info with the upload's preprocessing
        net = net.copy()
        net.info = {**session.net.info, "preprocessing": pre.to_dict()}
        x = [list(cells[s])]
    return explain(net, x, session.T[s], loss=session.config["loss"],
                   learning_rate=session.config["learning_rate"],
                   class_weight=class_weight_of(session))


def step(trace: Trace) -> dict:
    """``Step``: the trace's numbers for the page, and its explanation as HTML."""
    from ..render.html import trace_html_fragment

    full = trace.to_dict()
    layers = [{key: layer[key] for key in ("index", "activation", "W", "b", "z", "a",
                                           "delta", "dL_dW", "dL_db")}
              | {"W_after": lt.W_after.tolist(), "b_after": lt.b_after.tolist()}
              for layer, lt in zip(full["layers"], trace.layers)]
    out = {key: full[key] for key in ("x", "target", "loss_name", "learning_rate", "output",
                                      "loss", "gradients", "updated", "output_after",
                                      "loss_after", "chains", "warnings")}
    # the steps before the network (an uploaded table's one-hot and fill values; scaling)
    out |= {key: full[key] for key in ("cells", "preparation", "x_scaled", "scaling")
            if key in full}
    return json_safe({**out, "layers": layers, "html": trace_html_fragment(trace)})
