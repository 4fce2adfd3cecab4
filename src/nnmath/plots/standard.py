"""The usual set of pictures after training, written into one folder.

``nnmath train … --plots DIR`` calls :func:`training_plots`:

    network.png    the trained network with its weights
    loss.png       the loss over the epochs (and validation, if recorded)
    curve.png      P(class | x) with the data (one-input classifiers)
    map.png        the decision map with the data (two-input classifiers)
    confusion.png  the confusion matrix (classifiers)
    roc.png        the ROC curve (two classes)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ConfigError, must_be

__all__ = ["training_plots", "fit_result_plots"]


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
        The rows drawn with the curve or map, the confusion matrix and ROC
        (in the data's own units: ``transform`` maps them to the network's inputs).
    transform : callable, optional
        E.g. a stored scaling's ``apply``.
    """
    from .classifier import confusion_plot, roc_plot
    from .curves import class_probability, decision_map, loss_curve, probability_curve
    from .network import draw_network

    if fmt not in ("png", "svg"):
        raise ConfigError(must_be("the plot format", "png or svg", fmt))
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(must_be("the plots folder", "a folder", str(folder),
                                  "Choose another --plots."))
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def save(name, drawing):
        written.append(drawing.save(folder / f"{name}.{fmt}"))

    features = list(getattr(data, "feature_names", ()) or ())
    classes = list(getattr(data, "class_names", ()) or ())
    save("network", draw_network(
        net, feature_names=features if len(features) == net.n_inputs else None,
        output_names=classes if len(classes) == net.n_outputs > 1 else None))
    if history is not None and history.loss:
        save("loss", loss_curve(history))
    if data is None or getattr(data, "task", "classification") != "classification":
        return written
    names = classes or None
    if net.n_inputs == 1:
        save("curve", probability_curve(net, data.X, data.y, class_names=names,
                                        feature_name=features[0] if features else "x",
                                        transform=transform))
    elif net.n_inputs == 2:
        save("map", decision_map(net, data.X, data.y, class_names=names,
                                 feature_names=features or ("x1", "x2"), transform=transform))
    y_hat = net.forward(data.X if transform is None else transform(data.X))
    y_pred = (y_hat[:, 0] >= 0.5).astype(int) if net.n_outputs == 1 else \
        np.argmax(y_hat, axis=1)
    save("confusion", confusion_plot(data.y, y_pred, class_names=names,
                                     n_classes=max(len(classes), net.n_outputs, 2)))
    if len(np.unique(data.y)) == 2 and net.n_outputs <= 2:
        save("roc", roc_plot(data.y, class_probability(net, data.X, transform=transform)))
    return written


def fit_result_plots(folder, result, fmt: str = "png") -> list[Path]:
    """:func:`training_plots` of a :class:`~nnmath.workflow.FitResult` (``nnmath train``).

    The data drawn is the held-out test part when there is one (else the
    training rows), in its own units: the stored scaling maps it to the inputs.
    """
    from ..inference import scaling_of

    scaling = scaling_of(result.net)
    data = result.test if result.test is not None else result.train
    return training_plots(folder, result.net, result.history, data,
                          transform=None if scaling is None else scaling.apply, fmt=fmt)
