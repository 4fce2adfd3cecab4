"""The usual set of pictures of a model, by its task, written into one folder.

``nnmath train … --plots DIR`` calls :func:`training_plots`; ``nnmath report
--model`` draws the same pictures of the data (:func:`data_pictures`). Classifiers::

    network.png    the trained network with its weights
    loss.png       the loss over the epochs (and validation, if recorded)
    curve.png      P(class | x) with the data (one input)
    map.png        the decision map with the data (two inputs)
    confusion.png  the confusion matrix
    roc.png        the ROC curve (two classes)

Regressors: ``network``, ``loss``, ``fit`` (predicted vs actual, with R²),
``residuals``, and ``curve`` (the fitted y_hat(x), one input) or ``map``
(y_hat over the plane, two inputs).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ConfigError, must_be

__all__ = ["training_plots", "fit_result_plots", "model_pictures", "data_pictures",
           "PICTURE_NAMES"]

PICTURE_NAMES = ("network", "loss", "curve", "map", "confusion", "roc", "fit", "residuals")
"""Every name :func:`model_pictures` may give a picture (``--plots DIR`` writes
``DIR/<name>.png``)."""


def model_pictures(net, data=None, history=None, transform=None, task: str | None = None):
    """The pictures of ``net`` (on ``data``), one at a time: ``(name, drawing, caption)``.

    The network, the loss curve (with ``history``), then :func:`data_pictures`.
    Drawings are made lazily, so a caller saves (and forgets) each before the next.
    """
    from .curves import loss_curve
    from .network import draw_network

    features = _feature_names(net, data)
    classes = list(getattr(data, "class_names", ()) or ())
    yield "network", draw_network(
        net, feature_names=features or None,
        output_names=classes if len(classes) == net.n_outputs > 1 else None), \
        "The network: weights on the edges, biases under the neurons."
    if history is not None and history.loss:
        yield "loss", loss_curve(history), "The loss after each epoch of training."
    if data is not None:
        yield from data_pictures(net, data, transform, task)


def data_pictures(net, data, transform=None, task: str | None = None):
    """How ``net`` does on ``data``, by its task: ``(name, drawing, caption)`` one at a time.

    Parameters
    ----------
    net : Network
    data : Dataset
        The rows drawn, in their own units (``transform`` maps them to the
        network's inputs, e.g. a stored scaling's ``apply``).
    task : {"classification", "regression"}, optional
        Default: ``data.task``, else :func:`nnmath.inference.task_of`.

    Classifiers: curve (one input) or map (two), confusion, roc (two classes).
    Regressors: fit, residuals, curve (one input) or map (two).
    """
    from ..inference import task_of, threshold_of, unscaled_network
    from .classifier import MAX_CLASSES, confusion_plot, roc_plot
    from .curves import class_probability, decision_map, probability_curve
    from .regression import predicted_vs_actual, regression_curve, regression_map, residual_plot

    task = task or getattr(data, "task", None) or task_of(net)
    features = _feature_names(net, data)
    classes = list(getattr(data, "class_names", ()) or ())
    target = getattr(data, "target_name", None) or net.info.get("target_name") or "y"
    net = unscaled_network(net)   # a regression model's outputs in the target's units
    plane = data.X.shape[1] == net.n_inputs and not net.info.get("preprocessing")
    y_hat = net.forward(data.X if transform is None else transform(data.X))
    if task == "regression":
        T = data.targets(net.n_outputs)
        yield "fit", predicted_vs_actual(T, y_hat, target_name=target), \
            "Predicted vs actual: a perfect fit lies on the dashed line y_hat = y."
        yield "residuals", residual_plot(T, y_hat, target_name=target), \
            "Residuals y − y_hat against the prediction: a good fit leaves no pattern."
        if net.n_inputs == 1 and plane:
            yield "curve", regression_curve(net, data.X, T, feature_name=features[0] if
                                            features else "x", target_name=target,
                                            transform=transform), \
                "The fitted curve y_hat(x), with the data."
        elif net.n_inputs == 2 and plane:
            yield "map", regression_map(net, data.X, T, feature_names=features or ("x1", "x2"),
                                        target_name=target, transform=transform), \
                "y_hat over the plane, with the data in the same colours."
        return
    names = classes or None
    if net.n_inputs == 1 and plane:
        yield "curve", probability_curve(net, data.X, data.y, class_names=names,
                                         feature_name=features[0] if features else "x",
                                         transform=transform), \
            "P(class | x), with the data and the decision boundary."
    elif net.n_inputs == 2 and plane:
        yield "map", decision_map(net, data.X, data.y, class_names=names,
                                  feature_names=features or ("x1", "x2"), transform=transform), \
            "The decision map, with the data."
    threshold = threshold_of(net)
    y_pred = (y_hat[:, -1] >= threshold).astype(int) if net.n_outputs <= 2 else \
        np.argmax(y_hat, axis=1)
    k = max(len(classes), net.n_outputs, 2)
    if k <= MAX_CLASSES:
        at = f" at threshold {threshold:g}" if k == 2 else ""
        yield "confusion", confusion_plot(data.y, y_pred, class_names=names, n_classes=k), \
            f"Confusion matrix{at}: rows are the actual class, columns the predicted one."
    if len(np.unique(data.y)) == 2 and net.n_outputs <= 2:
        yield "roc", roc_plot(data.y, class_probability(net, data.X, transform=transform)), \
            "ROC curve over all thresholds, with its area (AUC)."


def _feature_names(net, data) -> list:
    names = list(getattr(data, "feature_names", ()) or net.info.get("feature_names") or ())
    return names if len(names) == net.n_inputs else []


def training_plots(folder, net, history=None, data=None, transform=None,
                   fmt: str = "png") -> list[Path]:
    """Write the pictures of a trained ``net`` into ``folder`` (created); return the paths.

    Parameters
    ----------
    folder : str or Path
    net : Network
    history : History, optional
        For the loss curve.
    data : Dataset, optional
        The rows drawn (:func:`model_pictures`), in the data's own units:
        ``transform`` maps them to the network's inputs.
    transform : callable, optional
        E.g. a stored scaling's ``apply``.
    """
    if fmt not in ("png", "svg"):
        raise ConfigError(must_be("the plot format", "png or svg", fmt))
    from ..safefile import new_folder

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(must_be("the plots folder", "a folder", str(folder),
                                  "Choose another --plots."))
    with new_folder(folder, "the plots folder") as written:   # made here: removed on failure
        for name, drawing, _ in model_pictures(net, data, history, transform):
            written.append(folder / f"{name}.{fmt}")
            drawing.save(written[-1])
    return written


def fit_result_plots(folder, result, fmt: str = "png") -> list[Path]:
    """:func:`training_plots` of a :class:`~nnmath.workflow.FitResult` (``nnmath train``).

    The data drawn is the held-out test part when there is one (else the
    training rows), in its own units: the stored scaling maps it to the inputs.
    """
    from ..inference import scaling_transform

    data = result.test if result.test is not None else result.train
    return training_plots(folder, result.net, result.history, data,
                          transform=scaling_transform(result.net), fmt=fmt)
