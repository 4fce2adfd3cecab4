"""A report for a user's own network and data, laid out like the article's.

Sections: the network drawn, the data, one training step on the first row
(number by number), training over epochs with its pictures (loss curve,
P(class | x) curve or decision map, confusion matrix, ROC for two classes).
"""

from __future__ import annotations

import numpy as np

from ..plots._common import num
from ..render.document import Para, Section, Table, array_text
from ..trace import explain
from .figures import Figures
from .step import trace_sections

__all__ = ["model_sections"]

MAX_ROWS = 20


def model_sections(net, data, figures: Figures, loss: str, learning_rate: float,
                   epochs: int, batch_size=1, transform=None) -> list:
    """Sections for ``net`` (trained on a copy, the file is not changed) and ``data``.

    ``transform`` (a stored scaling's ``apply``) maps the data's rows to the
    network's inputs; the step and the training use the transformed rows, the
    pictures show the data in its own units.
    """
    from .. import plots

    features = list(data.feature_names)
    classify = getattr(data, "task", "classification") == "classification"
    outputs = list(data.class_names) if net.n_outputs > 1 and \
        len(data.class_names) == net.n_outputs else None
    T = data.targets(net.n_outputs)
    X_in = data.X if transform is None else transform(data.X)
    sections = []

    params = tuple((name, array_text(v)) for name, v in net.params().items())
    shape = "-".join(map(str, net.sizes))
    sections.append(Section("The network", (
        Para(f"A {shape} network: " + ", ".join(
            f"layer {l} {layer.activation} ({layer.n_out} neuron{'s' * (layer.n_out > 1)})"
            for l, layer in enumerate(net.layers, start=1)) + f"; {net.n_params()} parameters."),
        figures.add("network", plots.draw_network(
            net, feature_names=_names(features, net.n_inputs), output_names=outputs),
            f"The network as loaded: weights on the edges, biases under the neurons."),
        Table(("parameter", "value"), params, "Parameters"),
    )))

    n = len(data)
    rows = tuple((str(i + 1), *(num(v) for v in data.X[i]),
                  data.class_names[int(data.y[i])] if classify else array_text(data.y[i]))
                 for i in range(min(n, MAX_ROWS)))
    sections.append(Section("The data", (
        Para(f"{n} rows, {data.X.shape[1]} feature(s), target '{data.target_name}'"
             + (f" with classes {', '.join(map(str, data.class_names))}." if classify else
                " (numbers: regression).")
             + (" The network sees the features standardised with the scaling stored in "
                "its model file." if transform is not None else "")
             + (f" The first {MAX_ROWS} rows:" if n > MAX_ROWS else "")),
        Table(("#", *features, data.target_name), rows),
    )))

    # The raw row: with the stored scaling (transform) the step starts by scaling it.
    step = explain(net, data.X[0], T[0], loss=loss, learning_rate=learning_rate,
                   scaling=None if transform is None else "model")
    sections += trace_sections(step, after={"The step": (
        Para(f"One step on row 1 (x = {array_text(data.X[0])}, target {array_text(T[0])}): "
             + ("scaling, " if step.scaling is not None else "") +
             f"forward pass, {loss} loss, backward pass and update with learning rate "
             f"{num(learning_rate)}."),
        figures.add("step", plots.draw_network(
            net, step, feature_names=_names(features, net.n_inputs), output_names=outputs),
            "The step: the forward pass inside the neurons, the gradients (purple)."))})

    trained = net.copy()
    history = trained.fit(X_in, T, loss=loss, learning_rate=learning_rate, epochs=epochs,
                          batch_size=batch_size)
    blocks = [Para(f"A copy of the network trained on all {n} rows for {history.epochs} epochs "
                   f"({loss}, learning rate {num(learning_rate)}, batch size "
                   f"{history.settings['batch_size']}): loss {num(history.initial_loss)} → "
                   f"{num(history.loss[-1])}."),
              figures.add("loss", plots.loss_curve(history), "The loss after each epoch.")]
    if not classify:
        sections.append(Section("Training over epochs", tuple(blocks)))
        return sections
    if trained.n_inputs == 1:
        blocks.append(figures.add("curve", plots.probability_curve(
            trained, data.X, data.y, class_names=data.class_names, feature_name=features[0],
            transform=transform),
            "The trained network's probability of the last class, with the data."))
    elif trained.n_inputs == 2:
        blocks.append(figures.add("map", plots.decision_map(
            trained, data.X, data.y, class_names=data.class_names, feature_names=features,
            transform=transform), "The trained network's decision map, with the data."))
    y_hat = trained.forward(X_in)
    y_pred = (y_hat[:, 0] >= 0.5).astype(int) if trained.n_outputs == 1 else \
        np.argmax(y_hat, axis=1)
    blocks.append(figures.add("confusion", plots.confusion_plot(
        data.y, y_pred, class_names=list(data.class_names)), "Confusion matrix."))
    if len(np.unique(data.y)) == 2 and trained.n_outputs <= 2:
        blocks.append(figures.add("roc", plots.roc_plot(
            data.y, plots.class_probability(trained, X_in)), "ROC curve."))
    sections.append(Section("Training over epochs", tuple(blocks)))
    return sections


def _names(features, n):
    return features if len(features) == n else None
