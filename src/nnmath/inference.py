"""Use a trained network on new data: preprocessing, scaling, probabilities, classes, evaluation.

A model file may carry (optional keys, see :mod:`nnmath.modelfile`):
``"preprocessing"`` (raw columns to inputs: one-hot categories, fill values;
:mod:`nnmath.datasets.preprocess`), ``"scaling"`` (applied to the inputs before the
forward pass), ``"target_scaling"`` (a regression network's outputs are standardised
targets: ``y = y_hat * std + mean`` gives the target's units), ``"threshold"`` (the
decision threshold training chose), ``"task"`` (``classification`` /
``regression``), ``"class_names"``, ``"feature_names"``, ``"target_name"`` and
``"loss"``. These functions read them from ``Network.info``; a network without them
is taken as it is (no scaling; a sigmoid or softmax output is a classifier with
classes ``"0"``, ``"1"``, ...).

Binary problems (two classes): the score is ``P(class 1)`` (one sigmoid
output, or the second softmax output) and a sample is predicted as class 1
when its score is at least ``threshold``.

>>> from nnmath.article import network_b
>>> net = network_b()
>>> net.info = {"class_names": ["Healthy", "Cancer"]}
>>> p = predict(net, [[2.0], [0.5]])
>>> p.probabilities.round(4).tolist(), p.labels
([[0.675, 0.325], [0.637, 0.363]], ['Healthy', 'Healthy'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import metrics
from .checks import check_number
from .datasets.base import one_hot
from .datasets.scaling import Scaling
from .errors import ConfigError, DataError, ShapeError, must_be

__all__ = ["Evaluation", "Prediction", "task_of", "class_names_of", "n_classes_of",
           "scaling_of", "outputs", "scaled_inputs", "scaling_transform", "probabilities",
           "predict", "evaluate", "check_threshold", "class_targets",
           "regression_scores", "preprocessing_of", "target_scaling_of", "threshold_of",
           "network_inputs", "unscaled", "target_names_of", "unscaled_network", "model_loss"]


def task_of(net) -> str:
    """``classification`` or ``regression`` (from the model file, else the output layer)."""
    task = net.info.get("task")
    if task in ("classification", "regression"):
        return task
    return "classification" if net.layers[-1].activation in ("sigmoid", "softmax") \
        else "regression"


def class_names_of(net) -> tuple:
    """The class names (``"0"``, ``"1"``, ... when the model file has none)."""
    names = net.info.get("class_names")
    if names:
        return tuple(str(n) for n in names)
    return tuple(str(c) for c in range(max(2, net.n_outputs)))


def scaling_of(net) -> Scaling | None:
    data = net.info.get("scaling")
    if data is None:
        return None
    from .modelfile import read_scaling  # the model file's reader: only for a stored scaling

    return read_scaling(data)


def preprocessing_of(net):
    """The model file's ``"preprocessing"`` (raw columns to inputs), or None."""
    data = net.info.get("preprocessing")
    if data is None:
        return None
    from .datasets.preprocess import read_preprocessing

    return read_preprocessing(data, net.n_inputs)


def target_scaling_of(net) -> Scaling | None:
    """The standardisation of a regression model's targets (``"target_scaling"``), or None:
    the network's outputs are ``(y - mean) / std``."""
    data = net.info.get("target_scaling")
    if data is None:
        return None
    from .modelfile import read_scaling

    return read_scaling({"method": "standard", **data}, '"target_scaling": ')


def threshold_of(net) -> float:
    """The decision threshold a two-class model file records (``"threshold"``), else 0.5."""
    value = net.info.get("threshold")
    return 0.5 if value is None else float(value)


def target_names_of(net) -> list:
    """The target column(s) a model file names: ``"target_names"``, else ``"target_name"``."""
    names = net.info.get("target_names")
    if names:
        return [str(n) for n in names]
    name = net.info.get("target_name")
    return [name] if isinstance(name, str) and name else []


def network_inputs(net, X, texts=None, lines=None) -> np.ndarray:
    """The network's inputs for raw rows ``X``: the stored preprocessing (``X`` then holds
    the raw columns: numbers, a categorical column's codes into ``texts[c]``, NaN for a
    missing cell; or rows of raw cells, text included), then the stored scaling."""
    pre = preprocessing_of(net)
    if pre is not None:
        if texts is None and _has_text(X):
            X = pre.encode_cells(X)
        else:
            X = pre.encode(X, texts, lines)
    return scaled_inputs(net, X)   # an overflow is one clear line, not a NumPy warning


def unscaled_network(net):
    """For pictures: a copy of a regression network whose outputs are in the target's
    units (the stored target scaling folded into its last identity layer: W · std,
    b · std + mean), or ``net`` itself when it has no target scaling. The predictions
    differ from :func:`outputs`' by rounding only."""
    target = target_scaling_of(net)
    if target is None or net.layers[-1].activation != "identity":
        return net
    out = net.copy()
    last = len(out.layers)
    out.set_params({f"W{last}": out.layers[-1].W * target.std,
                    f"b{last}": out.layers[-1].b * target.std + target.mean})
    out.info = {k: v for k, v in out.info.items() if k != "target_scaling"}
    return out


def _has_text(X) -> bool:
    if isinstance(X, np.ndarray):
        return X.dtype == object or X.dtype.kind in "US"
    try:
        return any(isinstance(v, str) or v is None for row in X for v in row)
    except TypeError:
        return False


def unscaled(net, y_hat) -> np.ndarray:
    """A regression network's outputs in the target's units: ``y_hat * std + mean`` with
    the stored ``"target_scaling"``; the outputs themselves without one."""
    target = target_scaling_of(net)
    if target is None:
        return y_hat
    with np.errstate(over="ignore", invalid="ignore"):
        return y_hat * target.std + target.mean


def class_targets(net, labels) -> np.ndarray:
    """The target rows ``T`` of a classifier for samples of the classes named ``labels``.

    One-hot rows for a network with one output per class (softmax); for one
    sigmoid output 0 or 1, where class 1 is the second class name (the positive
    class). Names are compared as text; ``"1.0"`` also names class ``"1"``
    (a numeric label as a CSV file may write it).

    Parameters
    ----------
    net : Network
        A classifier (see :func:`task_of`); its classes are :func:`class_names_of`.
    labels : sequence of str, shape (n_samples,)

    Returns
    -------
    T : ndarray of shape (n_samples, n_outputs)

    >>> from nnmath.article import network_a_trained, network_b
    >>> net = network_b()                        # one sigmoid output
    >>> net.info = {"class_names": ["Healthy", "Cancer"]}
    >>> class_targets(net, ["Cancer", "Healthy"]).tolist()
    [[1.0], [0.0]]
    >>> class_targets(network_a_trained(), ["1", "0"]).tolist()     # softmax: one-hot
    [[0.0, 1.0], [1.0, 0.0]]
    >>> class_targets(net, ["cancer"])
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: the class must be one of the model's classes 'Healthy', 'Cancer'. Got 'cancer'. Give one of these names (as written, case included), or the target as numbers, one per output.
    """
    names = class_names_of(net)
    if task_of(net) != "classification":
        raise ConfigError(must_be("a class name as the target", "given for a classifier",
                                  "a regression model", "Give the target as numbers, one per "
                                  "output."))
    one_output = net.n_outputs == 1
    if not (one_output and len(names) == 2) and net.n_outputs != len(names):
        raise ConfigError(must_be("class_names in the model file", f"{net.n_outputs} names, "
                                  "one per output", list(names)))
    index = []
    for label in labels:
        label = str(label).strip()
        if label not in names:
            label = _whole_number_text(label)
        if label not in names:
            raise ConfigError(must_be("the class", "one of the model's classes " + ", ".join(
                repr(n) for n in names), label, "Give one of these names (as written, case "
                "included), or the target as numbers, one per output."))
        index.append(names.index(label))
    codes = np.asarray(index, dtype=int)
    if one_output:
        return codes[:, None].astype(np.float64)
    return one_hot(codes, net.n_outputs)


def _whole_number_text(text: str) -> str:
    """``"1.0"`` -> ``"1"`` (how a class named by a number is written); other text unchanged."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if np.isfinite(value) and value.is_integer() else text


def outputs(net, X, texts=None, lines=None) -> np.ndarray:
    """``y_hat`` for raw rows ``X``: the stored preprocessing and scaling, the forward pass,
    and for a regression model with ``"target_scaling"`` the outputs in the target's units.
    (Weights or inputs near 1e308 can overflow on the way: a clear error, not inf/NaN,
    which no CSV or JSON output can hold. Network.forward checks its outputs.)"""
    y_hat = net.forward(network_inputs(net, X, texts, lines))
    return unscaled(net, y_hat)


def scaled_inputs(net, X) -> np.ndarray:
    """Raw rows ``X`` (n_samples, n_features) as ``net`` takes them: the stored scaling
    ``(x - mean) / std`` applied (``X`` itself without one), with no NumPy warning.

    A scaled value that overflows (a value far outside the training rows, or a stored std
    so small that dividing by it gives inf) is a :class:`~nnmath.errors.DataError` that
    names the value, the mean and the std, not a "not finite" about the user's numbers.
    """
    X = net.check_X(X)
    scaling = scaling_of(net)
    if scaling is None:
        return X
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        X_scaled = scaling.apply(X)
    bad = np.argwhere(~np.isfinite(X_scaled))
    if bad.size:
        s, i = (int(k) for k in bad[0])
        mean, std = float(scaling.mean[i]), float(scaling.std[i])
        why = (f"the stored std {std:g} is too small" if std < 1e-100 else
               "the row is far outside the data the model was trained on")
        raise DataError(must_be(f"input {i + 1} of row {s + 1} after the model's scaling",
                                "a finite number", f"({X[s, i]:g} − {mean:g}) / {std:g}, which "
                                f"overflows to {X_scaled[s, i]}", f"The value overflows: {why}. "
                                "Give values near the training data, or retrain the model."))
    return X_scaled


def scaling_transform(net):
    """:func:`scaled_inputs` of ``net`` as a function of raw rows (what the pictures and
    the report map their data through), or None for a model without a stored scaling."""
    if scaling_of(net) is None:
        return None
    return lambda X: scaled_inputs(net, X)


def probabilities(net, y_hat) -> np.ndarray:
    """One column per class: ``[1 - p, p]`` for one sigmoid output, else ``y_hat``."""
    y_hat = np.asarray(y_hat)
    return np.c_[1 - y_hat[:, 0], y_hat[:, 0]] if y_hat.shape[1] == 1 else y_hat


@dataclass(frozen=True)
class Prediction:
    """What ``predict`` found for each row.

    y_hat : (n_samples, n_outputs); probabilities : (n_samples, n_classes) or None
    for regression; classes : (n_samples,) int or None; labels : list of class
    names (classification) or None.
    """

    task: str
    y_hat: np.ndarray
    probabilities: np.ndarray | None
    classes: np.ndarray | None
    labels: list | None
    class_names: tuple


def _classes(proba: np.ndarray, threshold: float) -> np.ndarray:
    if proba.shape[1] == 2:
        return metrics.predict_binary(proba[:, 1], threshold)
    return np.argmax(proba, axis=1)


def check_threshold(threshold, n_classes: int | None = 2) -> float:
    """The decision threshold of a two-class model: 0.5 when None.

    ``n_classes`` is the model's number of classes (``None`` for regression).
    A threshold given for anything but two classes is an error, not ignored:
    a multi-class model predicts the most probable class, a regression model
    predicts numbers.

    >>> check_threshold(None), check_threshold(0.3)
    (0.5, 0.3)
    >>> check_threshold(0.3, n_classes=3)
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: threshold must be given for two classes only. Got 0.3 for a model with 3 classes. A model with more classes predicts the most probable one; drop --threshold.
    """
    if threshold is None:
        return 0.5
    value = check_number(threshold, "threshold", 0, 1, fix="For example 0.5.")
    if n_classes != 2:
        what = "a regression model" if n_classes is None else \
            f"a model with {n_classes} classes"
        fix = ("A regression model predicts numbers; drop --threshold." if n_classes is None
               else "A model with more classes predicts the most probable one; drop "
                    "--threshold.")
        raise ConfigError(f"threshold must be given for two classes only. Got {threshold!r} "
                          f"for {what}. {fix}")
    return value


def n_classes_of(net) -> int | None:
    """The number of classes of a classifier (2 for one sigmoid output), None for regression."""
    if task_of(net) == "regression":
        return None
    return len(class_names_of(net))


def predict(net, X, threshold=None, texts=None, lines=None) -> Prediction:
    """Outputs, class probabilities and predicted classes for raw rows ``X`` (and
    ``texts``, ``lines``: see :func:`network_inputs`).

    ``threshold`` (two classes only; default the model file's ``"threshold"``, else 0.5):
    class 1 when P(class 1) >= threshold.
    """
    threshold = check_threshold(threshold, n_classes_of(net)) if threshold is not None \
        else threshold_of(net)
    y_hat = outputs(net, X, texts, lines)
    if task_of(net) == "regression":
        return Prediction("regression", y_hat, None, None, None, ())
    names = class_names_of(net)
    proba = probabilities(net, y_hat)
    if proba.shape[1] != len(names):
        raise DataError(must_be("class_names in the model file", f"{proba.shape[1]} names, "
                                "one per class the network outputs", list(names)))
    classes = _classes(proba, threshold)
    return Prediction("classification", y_hat, proba, classes, [names[c] for c in classes],
                      names)


class Evaluation(dict):
    """What :func:`evaluate` returns: a plain ``dict`` of the metrics (its keys are
    ``nnmath evaluate --json``'s) that a notebook shows as tables."""

    def _repr_html_(self) -> str:   # Jupyter
        from .render import notebook

        return notebook.evaluation_html(self)


def evaluate(net, X, y, threshold=None, texts=None, lines=None) -> Evaluation:
    """Every metric of ``net`` on raw rows ``X`` (and ``texts``, ``lines``: see
    :func:`network_inputs`) with true labels (or targets) ``y``.

    Classification (``y`` integer class indices): ``accuracy``,
    ``balanced_accuracy``, ``log_loss`` (probabilities clipped to [1e-15, 1 − 1e-15]),
    ``confusion_matrix`` (rows: actual, columns: predicted), and
    ``per_class`` ``sensitivity``/``specificity``/``precision`` (one class
    against the rest); for two classes also ``positive_class`` (the name of
    class 1) and its ``sensitivity``, ``specificity``, ``precision``, ``f1``,
    ``auc`` and ``average_precision`` at ``threshold`` (default: the model file's).
    Regression: ``r2``, ``mae``, ``rmse`` and ``mse``, in the target's units. Always
    ``n_samples`` and, when the model file names its loss, ``loss`` (the mean of that
    loss, on the targets as the network was trained on them: standardised, with a
    ``"target_scaling"``; weighted by the model file's ``"class_weight"``, if any).

    Raises DataError when a metric overflows (outputs or targets near 1e200
    squared); the message says which of them is too large.

    The result is an :class:`Evaluation`: a ``dict``, shown as tables in a notebook.
    """
    return Evaluation(_evaluate(net, X, y, threshold, texts, lines))


def regression_scores(T, y_hat, loss=None) -> dict:
    """``mse``, ``r2``, ``mae`` and ``rmse`` of outputs ``y_hat`` against targets ``T``
    (n_samples, n_outputs), and ``loss`` (the mean of a loss value already computed) if
    given.

    Raises DataError, with advice that fits, when one is not finite: targets or
    outputs near 1e200 overflow when squared.

    >>> regression_scores([[1.0], [3.0]], [[1.0], [2.0]])
    {'mse': 0.5, 'r2': 0.5, 'mae': 0.5, 'rmse': 0.7071067811865476}
    >>> regression_scores([[1e300], [3.0]], [[1.0], [2.0]])
    Traceback (most recent call last):
    ...
    nnmath.errors.DataError: the mse must be a finite number. Got inf. The targets (up to 1e+300) are too large to be squared: scale them (values in the thousands are fine, 1e300 is not).
    """
    T, y_hat = np.asarray(T, dtype=np.float64), np.asarray(y_hat, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scores = {"mse": metrics.mean_squared_error(T, y_hat), "r2": metrics.r2(T, y_hat)}
        if T.size and y_hat.shape == T.shape:
            scores["mae"] = metrics.mean_absolute_error(T, y_hat)
            scores["rmse"] = metrics.root_mean_squared_error(T, y_hat)
    if loss is not None:
        scores["loss"] = loss
    _check_scores(scores, T, y_hat)
    return scores


def _check_scores(scores: dict, T, y_hat) -> None:
    """A DataError naming the first score that is not finite (the loss first), and why."""
    for key, value in sorted(scores.items(), key=lambda item: item[0] != "loss"):
        if np.isfinite(value):
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            t_max, y_max = float(np.max(np.abs(T))), float(np.max(np.abs(y_hat)))
        if t_max > 1e100:
            why = (f"The targets (up to {t_max:.3g}) are too large to be squared: scale them "
                   "(values in the thousands are fine, 1e300 is not).")
        elif y_max > 1e100:
            why = (f"The network's outputs (up to {y_max:.3g}) are too large to be squared: "
                   "the rows are far outside the data the model was trained on, or its "
                   "weights are too large.")
        else:
            why = (f"The outputs (up to {y_max:.3g}) and the targets (up to {t_max:.3g}) "
                   "overflow when squared.")
        raise DataError(must_be(f"the {key}", "a finite number", float(value), why))


def model_loss(net):
    """The loss the model file names (``"loss"``), with its ``"class_weight"`` if any (the
    loss training minimised); None without a ``"loss"``."""
    name = net.info.get("loss")
    if not name:
        return None
    from .losses import get_loss

    weights = net.info.get("class_weight")
    return get_loss(name).weighted(weights) if weights is not None else name


def _evaluate(net, X, y, threshold, texts=None, lines=None) -> dict:
    p = predict(net, X, threshold, texts, lines)
    threshold = check_threshold(threshold, n_classes_of(net)) if threshold is not None \
        else threshold_of(net)
    inputs = network_inputs(net, X, texts, lines)
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(p.y_hat) or y.dtype == object:
        raise ShapeError(must_be("y", f"{len(p.y_hat)} labels or targets, one per row of X",
                                 y.tolist() if y.ndim == 0 else f"shape {y.shape}"))
    report = {"task": p.task, "n_samples": int(len(y))}
    loss = model_loss(net)
    if p.task == "regression":
        T = y.reshape(len(y), -1).astype(np.float64)
        if T.shape[1] != p.y_hat.shape[1]:
            raise DataError(must_be("the targets", f"{p.y_hat.shape[1]} column(s), one per "
                                    "output of the network", f"{T.shape[1]} column(s)",
                                    "Give one target column per output."))
        value = None
        if loss:
            target = target_scaling_of(net)
            T_net = T if target is None else target.apply(T)
            if target is not None:
                report["target_scaled"] = True
            with np.errstate(over="ignore", invalid="ignore"):
                value = net.loss(inputs, T_net, loss)
        report.update(regression_scores(T, p.y_hat, value))
        return report
    k = len(p.class_names)
    proba = p.probabilities
    assert proba is not None   # a classifier's prediction has them
    y = y.astype(int)
    if y.min(initial=0) < 0 or y.max(initial=0) >= k:
        raise DataError(must_be("the labels", f"class numbers 0..{k - 1}", sorted(set(y))))
    report["class_names"] = list(p.class_names)
    report["accuracy"] = metrics.accuracy(y, p.classes)
    report["balanced_accuracy"] = metrics.balanced_accuracy(y, p.classes)
    report["log_loss"] = metrics.log_loss(one_hot(y, k), proba)
    if loss:
        if net.info.get("class_weight") is not None:
            report["class_weighted"] = True   # the loss is the weighted one training minimised
        T = y[:, None].astype(float) if net.n_outputs == 1 else one_hot(y, k)
        with np.errstate(over="ignore", invalid="ignore"):
            report["loss"] = net.loss(inputs, T, loss)
        _check_scores({"loss": report["loss"]}, T, p.y_hat)
    report["confusion_matrix"] = metrics.confusion_matrix(y, p.classes, n_classes=k).tolist()
    if k == 2:
        report["positive_class"] = p.class_names[1]
        binary = metrics.binary_report(y, proba[:, 1], threshold)
        for key in ("threshold", "sensitivity", "specificity", "precision", "f1", "auc",
                    "average_precision"):
            if key in binary:
                report[key] = binary[key]
    report["per_class"] = {
        name: {"sensitivity": metrics.sensitivity(y == c, p.classes == c),
               "specificity": metrics.specificity(y == c, p.classes == c),
               "precision": metrics.precision(y == c, p.classes == c)}
        for c, name in enumerate(p.class_names)}
    return report
