"""Train a network on a :class:`~nnmath.datasets.Dataset`, the way ``nnmath train`` does.

One call: split (seeded, stratified), learn the preprocessing from the training
rows only (categories, fill values: :mod:`nnmath.datasets.preprocess`), standardise
with the training rows' mean and std, standardise a regression target (its mean and
std stored: predictions are in the target's units), build a network whose output
layer and loss fit the target, train, evaluate on both parts, and record everything
``predict`` needs in ``net.info`` (so ``net.save(path)`` writes a self-contained
model file): the preprocessing, the threshold, the data file's name and columns, the
settings under ``"training"`` and the loss per epoch under ``"history"``
(:meth:`nnmath.history.History.record`).

Output layer and loss, when not given: :func:`nnmath.losses.head_for` (softmax and
cross_entropy for classes, identity and mse for regression).

>>> from nnmath import datasets
>>> result = fit_dataset(datasets.xor(n_samples=80, seed=1), hidden=(8,), epochs=40,
...                      learning_rate=0.05, seed=0)
>>> result.net.sizes, result.net.info["loss"], result.history.epochs
([2, 8, 2], 'cross_entropy', 40)
>>> result.net.info["history"]["loss"] == result.history.loss
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .checks import check_bool, check_int, check_seed, is_whole
from .datasets.base import Dataset
from .datasets.scaling import Scaling, standardize
from .datasets.split import train_test_split
from .errors import ConfigError, must_be
from .history import History
from .inference import check_threshold, evaluate
from .losses import head_for
from .network import Network

if TYPE_CHECKING:
    from .datasets.preprocess import Preprocessing

__all__ = ["fit_dataset", "FitResult", "model_info", "prepare", "Prepared", "check_init"]


def _check_hidden(hidden) -> tuple:
    """Neurons per hidden layer as a tuple of ints (one whole number: one layer)."""
    if is_whole(hidden):
        hidden = (hidden,)
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (list, tuple, range,
                                                                    np.ndarray)):
        raise ConfigError(must_be("hidden", "a sequence of whole numbers >= 1 (neurons per "
                                  "hidden layer)", hidden, "For example hidden=(8, 4), or () "
                                  "for no hidden layer."))
    return tuple(check_int(n, f"hidden[{i}]", minimum=1) for i, n in enumerate(hidden))


def model_info(data: Dataset, loss: str, scaling=None, preprocessing=None,
               target_scaling=None, threshold=None) -> dict:
    """What a model file says of the data a network is trained on: the task, the loss,
    the feature, target and class names, the ``preprocessing`` (raw columns to inputs),
    the inputs' ``scaling`` (:class:`~nnmath.datasets.Scaling`, applied before the first
    layer), a regression target's ``target_scaling``, the decision ``threshold`` and the
    data file's name and columns, if any.

    >>> from nnmath import datasets
    >>> sorted(model_info(datasets.psa(), "bce"))
    ['class_names', 'feature_names', 'loss', 'positive_class', 'target_name', 'task']
    """
    names = list(data.feature_names) if preprocessing is None else \
        list(preprocessing.input_names)
    info: dict = {"task": data.task, "loss": loss, "feature_names": names,
                  "target_name": data.target_name}
    if len(data.target_names) > 1:
        info["target_names"] = list(data.target_names)
    if data.task == "classification":
        info["class_names"] = list(data.class_names)
        if data.n_classes == 2:   # class 1, named: what sensitivity and the ROC are about
            info["positive_class"] = str(data.class_names[1])
    if preprocessing is not None:
        info["preprocessing"] = preprocessing.to_dict()
    if scaling is not None:
        info["scaling"] = scaling.to_dict()
    if target_scaling is not None:
        info["target_scaling"] = {"mean": target_scaling.mean.tolist(),
                                  "std": target_scaling.std.tolist()}
    if threshold is not None:
        info["threshold"] = float(threshold)
    reading = getattr(data, "reading", None) or {}
    if reading.get("source"):
        from pathlib import PurePath

        info["data"] = {"file": PurePath(str(reading["source"])).name,
                        "columns": list(reading.get("columns", ())), "rows": len(data)}
    return info


@dataclass(frozen=True)
class Prepared:
    """What training learns from its rows before the network: the ``preprocessing``
    (None for a clean numeric table), the inputs' ``scaling``, a regression target's
    ``target_scaling`` (None for classes, or when not scaled)."""

    preprocessing: Preprocessing | None
    scaling: Scaling | None
    target_scaling: Scaling | None

    def inputs(self, data: Dataset) -> np.ndarray:
        """The network's inputs for the rows of ``data`` (raw columns as read)."""
        X = data.X if self.preprocessing is None else \
            self.preprocessing.encode(data.X, data.texts, data.lines)
        return X if self.scaling is None else self.scaling.apply(X)

    def targets(self, data: Dataset, n_outputs: int) -> np.ndarray:
        T = data.targets(n_outputs)
        return T if self.target_scaling is None else self.target_scaling.apply(T)


def prepare(train: Dataset, scale: bool = True, scale_target: bool = True) -> Prepared:
    """Learn the preprocessing, the scaling and the target scaling from the rows of
    ``train`` only (never from test or validation rows: no leakage)."""
    from .datasets.preprocess import fit_preprocessing, needed

    pre = fit_preprocessing(train) if needed(train) else None
    X = train.X if pre is None else pre.encode(train.X, train.texts, train.lines)
    scaling = None
    if scale:
        scaling = standardize(X)
        if pre is not None and pre.categorical:   # a one-hot input keeps its 0 and 1
            onehot = pre.onehot
            scaling = Scaling(mean=np.where(onehot, 0.0, scaling.mean),
                              std=np.where(onehot, 1.0, scaling.std))
    target = None
    if scale_target and train.task == "regression":
        target = standardize(np.asarray(train.y, dtype=np.float64).reshape(len(train.y), -1))
    return Prepared(pre, scaling, target)


def _not_converged(history, task: str, train_report: dict) -> list:
    """Notes when training ended far from converged: the loss still falling fast at the
    last epoch (the last tenth of the epochs took more than a tenth of the whole drop), or
    a regression that fits its own training rows worse than their mean."""
    def num(value: float) -> str:
        return f"{value:.6g}"

    notes = []
    loss = [v for v in history.loss if v is not None]
    start = history.initial_loss
    if history.stop_reason == "epochs" and len(loss) >= 20 and start is not None:
        k = max(len(loss) // 10, 2)
        recent, total = loss[-k - 1] - loss[-1], start - loss[-1]
        if total > 0 and recent > 0.1 * total and recent > 0.02 * loss[-k - 1]:
            notes.append(f"did not converge: the loss was still falling at the last epoch "
                         f"({num(loss[-k - 1])} → {num(loss[-1])} over the last {k} epochs); "
                         "give more --epochs or a larger --learning-rate")
    r2 = train_report.get("r2")
    if task == "regression" and r2 is not None and r2 < 0:
        notes.append(f"did not converge: the model fits its training rows worse than their "
                     f"mean (R² {r2:.3g}); try more --epochs, another --learning-rate, or "
                     "keep the target scaling")
    return notes


@dataclass(frozen=True)
class FitResult:
    """The trained network (with ``info`` ready to save), its History, the two
    parts of the data and the evaluation of each (``test_report`` is None
    without a test part). With validation rows (early stopping), ``train_report`` is on
    the rows trained on and ``validation_report`` on the ``validation_rows`` held out of
    ``train``; ``notes`` say when training ended far from converged."""

    net: Network
    history: History
    train: Dataset
    test: Dataset | None
    train_report: dict
    test_report: dict | None
    notes: tuple = ()
    validation_rows: int = 0
    validation_report: dict | None = None


def fit_dataset(data: Dataset, hidden=(8,), activation="relu", output_activation=None,
                loss=None, optimizer="adam", learning_rate=0.01, epochs=200, batch_size=32,
                alpha=0.0, test_size=0.25, seed=0, scale=True, early_stopping=False,
                validation_fraction=None, patience=10, threshold=None, callbacks=(),
                batch_callbacks=(), on_start=None, scale_target=True,
                init=None, epoch_loss="auto", class_weight=None) -> FitResult:
    """Split, scale, build, train and evaluate (see the module docstring).

    ``hidden`` is a sequence of neuron counts (one whole number is one hidden
    layer, as in scikit-learn). ``test_size`` is a fraction in (0, 1) or a
    number of rows (0 or None trains on every row). ``seed`` (None or a whole
    number >= 0) seeds the split, the initial weights and the shuffling: the
    same call gives the same model. ``on_start(net)``, if given, is called
    before the first epoch with the network, whose ``info`` (scaling, names,
    loss, and under ``"training"`` the settings this function adds to the
    training loop's) is then already complete enough to save it
    (``nnmath.checkpoint`` saves it while it trains).

    ``scale_target`` (regression with an identity output): train on the standardised
    target, its mean and std stored; the model predicts in the target's units.
    ``threshold`` (two classes) is stored in the model file: ``predict`` and ``evaluate``
    use it. ``init`` (a Network, e.g. a loaded model file) starts from its weights
    instead of random ones, and from its preprocessing and scalings (checked against
    the data's columns). ``epoch_loss`` is ``train``'s (:func:`nnmath.training.train`):
    what the History records after each epoch.

    ``class_weight`` (classes): ``"balanced"`` (from the training rows), ``{class number:
    weight}`` or one weight per class (:func:`nnmath.training.train`); the weights used are
    stored in the model file (``"class_weight"``, in the order of ``"class_names"``).
    """
    if not isinstance(data, Dataset):
        raise ConfigError(must_be("data", "a nnmath.datasets.Dataset", data, "For example "
                                  "nnmath.datasets.load_csv('data.csv', target='y')."))
    if on_start is not None and not callable(on_start):
        raise ConfigError(must_be("on_start", "None or a callable on_start(net)", on_start))
    hidden = _check_hidden(hidden)
    seed = check_seed(seed)
    scale = check_bool(scale, "scale")
    scale_target = check_bool(scale_target, "scale_target")
    check_threshold(threshold, data.n_classes if data.task == "classification" else None)
    if test_size:
        train, test = train_test_split(data, test_size=test_size, seed=seed)
    else:
        train, test = data, None
    n_targets = data.n_classes if data.task == "classification" else \
        (1 if data.y.ndim == 1 else data.y.shape[1])
    n_outputs, output_activation, loss = head_for(data.task, n_targets, output_activation, loss)
    if init is not None:
        net, prepared = check_init(init, data, train, n_outputs, output_activation)
    else:
        prepared = prepare(train, scale, scale_target and output_activation == "identity")
        n_inputs = data.X.shape[1] if prepared.preprocessing is None else \
            prepared.preprocessing.n_inputs
        net = Network.random([n_inputs, *hidden, n_outputs], activation=activation,
                             output_activation=output_activation, seed=seed)
    X_train = prepared.inputs(train)
    T_train = prepared.targets(train, n_outputs)
    net.info = model_info(data, loss, prepared.scaling, prepared.preprocessing,
                          prepared.target_scaling, threshold)
    # The settings the training loop does not know: a save during training records them
    # with the loop's own (History.settings), as a finished run does.
    settings = {"hidden": list(hidden), "activation": activation, "test_size": test_size or 0}
    if init is not None:
        settings = {"init": True, "hidden": [layer.n_out for layer in net.layers[:-1]],
                    "activation": net.layers[0].activation if len(net.layers) > 1 else
                    activation, "test_size": test_size or 0}
    weights = _record_weights(net, settings, class_weight, data, T_train)
    net.info["training"] = dict(settings)
    if on_start is not None:
        on_start(net)
    history = net.fit(X_train, T_train, loss=loss, class_weight=weights,
                      learning_rate=learning_rate, epochs=epochs, batch_size=batch_size,
                      shuffle=True, seed=seed,
                      optimizer=optimizer, alpha=alpha, early_stopping=early_stopping,
                      validation_fraction=validation_fraction, patience=patience,
                      metrics=("accuracy",) if data.task == "classification" else ("r2",),
                      callbacks=callbacks, batch_callbacks=batch_callbacks, epoch_loss=epoch_loss)
    net.info["training"] = {**history.settings, **settings, "epochs_run": history.epochs,
                            "stop_reason": history.stop_reason}
    net.info["history"] = history.record()   # plot loss / report --model draw this record
    fitted, validation = _validation_split(train, history)
    train_report = evaluate(net, fitted.X, fitted.y, threshold, fitted.texts, fitted.lines)
    validation_report = None if validation is None else evaluate(
        net, validation.X, validation.y, threshold, validation.texts, validation.lines)
    test_report = evaluate(net, test.X, test.y, threshold, test.texts, test.lines) \
        if test is not None else None
    n_val = 0 if validation is None else len(validation)
    notes = tuple(_not_converged(history, data.task, train_report))
    return FitResult(net, history, train, test, train_report, test_report, notes, n_val,
                     validation_report)


def _class_weight(class_weight, data: Dataset, T: np.ndarray):
    """The weights per class of ``class_weight`` on the training targets ``T``, or None."""
    if class_weight is None:
        return None
    if data.task != "classification":
        raise ConfigError(must_be("class_weight", "given for a target of classes",
                                  f"a {data.task} target", "Leave class_weight out."))
    from .losses import class_weights

    return class_weights(class_weight, T)


def _record_weights(net: Network, settings: dict, class_weight, data: Dataset,
                    T: np.ndarray) -> np.ndarray | None:
    """The weights per class of ``class_weight`` on the training targets ``T`` (None
    without), recorded in the model file: ``"class_weight"``, and how they were given
    (``"balanced"`` or ``"given"``) in its ``"training"``."""
    weights = _class_weight(class_weight, data, T)
    if weights is not None:
        net.info["class_weight"] = weights.tolist()
        settings["class_weight"] = class_weight if isinstance(class_weight, str) else "given"
    return weights


def _validation_split(train: Dataset, history):
    """``(trained_on, validation)``: the rows the loop trained on and the rows it held out
    for validation (None without), split as the training loop splits them
    (:func:`nnmath.stopping.validation_split`: seeded, stratified for classes)."""
    from .datasets.split import split_indices

    fraction = history.settings.get("validation_fraction")
    if not history.settings.get("validation_rows") or not fraction:
        return train, None
    classify = history.settings.get("loss") in ("bce", "cross_entropy")
    labels = train.y if classify else np.zeros(len(train))
    keep, held = split_indices(labels, fraction, history.settings.get("seed"),
                               stratify=classify)
    return train.subset(keep), train.subset(held)


def check_init(init, data, train, n_outputs: int, output_activation: str):
    """``(net, prepared)``: a copy of ``init`` (a Network, e.g. a loaded model file) to
    carry on training on ``data`` (whose training rows are ``train``), and the
    :class:`Prepared` steps it trains with.

    The model's weights are the start; its preprocessing, scaling and target scaling
    are kept when the model was trained (its file records a ``"training"``), so that
    carrying on changes the weights only; a model that was never trained (``nnmath
    new``) gets them learned from the training rows, as a fresh run would. Everything
    is checked against the data first: the columns (by name and order), the classes,
    the number of inputs and outputs, the output layer.
    """
    from .inference import preprocessing_of, scaling_of, target_scaling_of

    if not isinstance(init, Network):
        raise ConfigError(must_be("init", "a nnmath.Network (a loaded model file)", init))
    net = init.copy()
    info = init.info or {}
    trained = bool(info.get("training"))
    pre = preprocessing_of(init)
    if pre is not None:
        if list(pre.names) != list(data.feature_names):
            raise ConfigError(must_be("the data's feature columns", "the --init model's "
                                      f"columns, in order: {', '.join(pre.names)}",
                                      ", ".join(data.feature_names), "Give --features in "
                                      "that order, or --drop the other columns."))
        prepared = Prepared(pre, scaling_of(init), target_scaling_of(init))
    elif trained:
        fresh = prepare(train, scale=False, scale_target=False)
        if fresh.preprocessing is not None:
            raise ConfigError(must_be("the data for --init", "numeric columns without gaps "
                                      "(the model has no preprocessing)", "categories or "
                                      "missing values", "Start from a model trained on such "
                                      "a table, or train without --init."))
        prepared = Prepared(None, scaling_of(init), target_scaling_of(init))
    else:
        prepared = prepare(train, True, data.task == "regression" and
                           init.layers[-1].activation == "identity")
    _check_init_fits(init, data, prepared, n_outputs, output_activation)
    return net, prepared


def _check_init_fits(init, data, prepared, n_outputs: int, output_activation: str) -> None:
    """The --init model takes the data's columns and gives its targets, or one line."""
    info = init.info or {}
    pre = prepared.preprocessing
    names = info.get("feature_names")
    if pre is None and names and list(names) != list(data.feature_names):
        raise ConfigError(must_be("the data's feature columns", "the --init model's "
                                  f"feature_names, in order: {', '.join(map(str, names))}",
                                  ", ".join(data.feature_names), "Give --features in that "
                                  "order."))
    n_inputs = prepared.preprocessing.n_inputs if prepared.preprocessing is not None else \
        data.X.shape[1]
    if init.n_inputs != n_inputs:
        raise ConfigError(must_be("the --init model", f"a network of {n_inputs} inputs, one "
                                  "per input the data gives", f"{init.n_inputs} inputs"))
    if init.n_outputs != n_outputs:
        raise ConfigError(must_be("the --init model", f"a network of {n_outputs} outputs for "
                                  f"the target", f"{init.n_outputs} outputs"))
    if init.layers[-1].activation != output_activation:
        raise ConfigError(must_be("the --init model's output layer", f"{output_activation} "
                                  "(what the target and --loss ask for)",
                                  init.layers[-1].activation, "Give --output-activation "
                                  f"{init.layers[-1].activation}, or another model."))
    classes = info.get("class_names")
    if data.task == "classification" and classes and \
            [str(c) for c in classes] != list(data.class_names):
        raise ConfigError(must_be("the classes of the data", "the --init model's classes, in "
                                  f"order: {', '.join(map(str, classes))}",
                                  ", ".join(data.class_names), "Give --classes in that order."))
    if info.get("task") and info["task"] != data.task:
        raise ConfigError(must_be("the task", f"the --init model's ({info['task']})",
                                  data.task, f"Give --task {info['task']}."))
