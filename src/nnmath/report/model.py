"""A report for a user's own network and data, laid out like the article's.

Sections: the network drawn, the data, one training step on the first row
(number by number), how the model was trained (the settings and the loss per
epoch its model file records; nothing is retrained), and the model as it is
on the data, by its task: P(class | x) curve or decision map, confusion
matrix, ROC for two classes (classifiers); predicted vs actual, residuals,
fitted curve or map of y_hat (regression).
"""

from __future__ import annotations

import json

import numpy as np

from .. import metrics
from ..datasets.preprocess import raw_cells
from ..render.document import Block, Para, Section, Table, array_text
from ..render.explanation import worked_sections
from ..render.mathexpr import num
from ..trace import explain
from .figures import Figures

__all__ = ["model_sections", "training_section"]

MAX_ROWS = 20
STOP_REASONS = {"epochs": "all the epochs asked for", "converged": "the loss stopped improving",
                "early_stopping": "early stopping: the validation loss stopped improving",
                "callback": "stopped by a callback", "interrupted": "interrupted (Ctrl-C)",
                "terminated": "terminated (SIGTERM)",
                "diverged": "stopped when the loss diverged",
                "checkpoint": "a checkpoint saved during training"}


def model_sections(net, data, figures: Figures, loss: str, learning_rate: float,
                   transform=None) -> list:
    """Sections for ``net`` as it is (the file is not changed) and ``data``.

    ``transform`` (a stored scaling's ``apply``) maps the data's rows to the
    network's inputs; the step uses the transformed rows, the pictures show
    the data in its own units.
    """
    from .. import plots

    features = list(data.feature_names)
    classify = getattr(data, "task", "classification") == "classification"
    outputs = list(data.class_names) if net.n_outputs > 1 and \
        len(data.class_names) == net.n_outputs else None
    T = data.targets(net.n_outputs)
    sections = []

    params = tuple((name, array_text(v)) for name, v in net.params().items())
    shape = "-".join(map(str, net.sizes))
    sections.append(Section("The network", (
        Para(f"A {shape} network: " + ", ".join(
            f"layer {ell} {layer.activation} ({layer.n_out} neuron{'s' * (layer.n_out > 1)})"
            for ell, layer in enumerate(net.layers, start=1)) + f"; {net.n_params()} parameters."),
        figures.add("network", plots.draw_network(
            net, feature_names=_names(features, net.n_inputs), output_names=outputs),
            "The network as loaded: weights on the edges, biases under the neurons."),
        Table(("parameter", "value"), params, "Parameters"),
    )))

    n = len(data)
    rows = tuple((str(i + 1), *(_shown(v) for v in raw_cells(data, i)),
                  data.class_names[int(data.y[i])] if classify else array_text(data.y[i]))
                 for i in range(min(n, MAX_ROWS)))
    sections.append(Section("The data", (
        Para(f"{n} rows, {data.X.shape[1]} feature(s), target '{data.target_name}'"
             + (f" with classes {', '.join(map(str, data.class_names))}." if classify else
                " (numbers: regression).")
             + ((" The network sees the features prepared (categories one-hot, missing "
                 "values filled) and standardised as its model file stores it."
                 if net.info.get("preprocessing") else " The network sees the features "
                 "standardised with the scaling stored in its model file.")
                if transform is not None else "")
             + (f" The first {MAX_ROWS} rows:" if n > MAX_ROWS else "")),
        Table(("#", *features, data.target_name), rows),
    )))

    # The raw row: with the stored preprocessing and scaling the step starts with them.
    first = raw_cells(data, 0) if net.info.get("preprocessing") else data.X[0]
    step = explain(net, first, T[0], loss=loss, learning_rate=learning_rate,
                   scaling=None if transform is None else "model")
    shown_x = "[" + ", ".join(_shown(v) for v in raw_cells(data, 0)) + "]"
    sections += worked_sections(step, after={"The step": (
        Para(f"One step on row 1 (x = {shown_x}, target {array_text(T[0])}): "
             + ("preparing the input, " if step.preparation is not None else "")
             + ("scaling, " if step.scaling is not None else "") +
             f"forward pass, {loss} loss, backward pass and update with learning rate "
             f"{num(learning_rate)}. The step is shown, not kept: the pictures below are of "
             "the model as loaded."),
        figures.add("step", plots.draw_network(
            net, step, feature_names=_names(features, net.n_inputs), output_names=outputs),
            "The step: the forward pass inside the neurons, the gradients (purple)."))})

    sections.append(training_section(net, figures))
    sections.append(_data_section(net, data, figures, transform))
    return sections


def training_section(net, figures: Figures) -> Section:
    """How the model was trained, as its file records it (``"training"``, ``"history"``)."""
    from .. import plots
    from ..history import History

    settings = net.info.get("training")
    record = net.info.get("history")
    if not settings and record is None:
        return Section("How it was trained", (Para(
            "The model file holds no record of its training (no \"training\" or \"history\" "
            "key), so none is shown; nothing was retrained. A model file written by "
            "'nnmath train DATA.csv --target COL --save MODEL.json' records its settings and "
            "the loss after every epoch."),))
    blocks: list[Block] = []
    history = None if record is None else History.from_dict(record, settings=settings or {})
    if history is not None:
        last = history.epochs
        reason = STOP_REASONS.get(history.stop_reason, history.stop_reason)
        summary = (f"Trained for {last} epochs ({reason}): loss "
                   f"{num(history.initial_loss)} → {num(history.loss[-1])}"
                   + (f"; the parameters kept are those of epoch {history.best_epoch}, the "
                      "best on the validation rows" if history.best_epoch else "") + ".")
        if len(history.loss) < last:
            summary += f" The file records {len(history.loss)} of the epochs, evenly spread."
        blocks.append(Para(summary + " The numbers below are the record in the model file; "
                           "nothing was retrained."))
    if settings:
        blocks.append(Table(("setting", "value"),
                            tuple((str(k), _setting(v)) for k, v in settings.items()),
                            "Training settings (the model file's \"training\")"))
    if history is not None:
        rows = [("loss before training", num(history.initial_loss)),
                (f"loss after epoch {history.epochs}", num(history.loss[-1]))]
        if history.val_loss:
            rows.append((f"validation loss after epoch {history.epochs}",
                         num(history.val_loss[-1])))
        for name, values in history.metrics.items():
            rows.append((f"{name} on the training rows after epoch {history.epochs}",
                         num(values[-1])))
        for name, values in history.val_metrics.items():
            rows.append((f"{name} on the validation rows after epoch {history.epochs}",
                         num(values[-1])))
        if history.best_epoch:
            rows.append(("best epoch (kept)", str(history.best_epoch)))
        blocks.append(Table(("quantity", "value"), tuple(rows), "The recorded history"))
        blocks.append(figures.add("loss", plots.loss_curve(history),
                                  "The loss after each epoch, as recorded in the model file."))
    elif settings:
        blocks.append(Para("The file records the settings but not the loss per epoch (no "
                           "\"history\" key)."))
    return Section("How it was trained", tuple(blocks))


def _data_section(net, data, figures: Figures, transform) -> Section:
    """The model as it is on ``data``: its scores (nnmath.metrics) and pictures, by task."""
    from ..inference import threshold_of, unscaled_network
    from ..plots.standard import data_pictures

    y_hat = unscaled_network(net).forward(data.X if transform is None else transform(data.X))
    if getattr(data, "task", "classification") == "regression":
        from ..inference import regression_scores

        scores = regression_scores(data.targets(net.n_outputs), y_hat)   # finite, or an error
        rows: list[tuple[str, str]] = [("rows", str(len(data))), ("R²", num(scores["r2"])),
                                       ("mean absolute error", num(scores["mae"])),
                                       ("root mean squared error", num(scores["rmse"])),
                                       ("mean squared error", num(scores["mse"]))]
    else:
        y_pred = (y_hat[:, -1] >= threshold_of(net)).astype(int) if net.n_outputs <= 2 else \
            np.argmax(y_hat, axis=1)
        rows = [("rows", str(len(data))), ("accuracy", num(metrics.accuracy(data.y, y_pred)))]
        if len(np.unique(data.y)) == 2 and net.n_outputs <= 2:
            rows.append(("ROC AUC", num(metrics.roc_auc(data.y, y_hat[:, -1]))))
    blocks = [Para(f"The model as loaded, on the {len(data)} rows of the data (the scores from "
                   "nnmath.metrics)."),
              Table(("quantity", "value"), tuple(rows), "Scores")]
    blocks += [figures.add(name, drawing, caption)
               for name, drawing, caption in data_pictures(net, data, transform)]
    return Section("The model on the data", tuple(blocks))


def _shown(value) -> str:
    if value is None:
        return "NA"
    return value if isinstance(value, str) else num(value)


def _setting(value) -> str:
    if isinstance(value, float):
        return num(value)
    if value is None or isinstance(value, (str, int, bool)):
        return str(value)
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:80] + "..."


def _names(features, n):
    return features if len(features) == n else None
