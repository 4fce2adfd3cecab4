"""Train a network on a :class:`~nnmath.datasets.Dataset`, the way ``nnmath train`` does.

One call: split (seeded, stratified), standardise with the training rows'
mean and std, build a network whose output layer and loss fit the target,
train, evaluate on both parts, and record everything ``predict`` needs in
``net.info`` (so ``net.save(path)`` writes a self-contained model file): the
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

import numpy as np

from .checks import check_bool, check_int, check_seed, is_whole
from .datasets.base import Dataset
from .datasets.scaling import standardize
from .datasets.split import train_test_split
from .errors import ConfigError, must_be
from .history import History
from .inference import check_threshold, evaluate
from .losses import head_for
from .network import Network

__all__ = ["fit_dataset", "FitResult", "model_info"]


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


def model_info(data: Dataset, loss: str, scaling=None) -> dict:
    """What a model file says of the data a network is trained on: the task, the loss,
    the feature, target and class names, and the inputs' ``scaling``
    (:class:`~nnmath.datasets.Scaling`, applied before the first layer), if any.

    >>> from nnmath import datasets
    >>> sorted(model_info(datasets.psa(), "bce"))
    ['class_names', 'feature_names', 'loss', 'positive_class', 'target_name', 'task']
    """
    info = {"task": data.task, "loss": loss, "feature_names": list(data.feature_names),
            "target_name": data.target_name}
    if data.task == "classification":
        info["class_names"] = list(data.class_names)
        if data.n_classes == 2:   # class 1, named: what sensitivity and the ROC are about
            info["positive_class"] = str(data.class_names[1])
    if scaling is not None:
        info["scaling"] = scaling.to_dict()
    return info


@dataclass(frozen=True)
class FitResult:
    """The trained network (with ``info`` ready to save), its History, the two
    parts of the data and the evaluation of each (``test_report`` is None
    without a test part)."""

    net: Network
    history: History
    train: Dataset
    test: Dataset | None
    train_report: dict
    test_report: dict | None


def fit_dataset(data: Dataset, hidden=(8,), activation="relu", output_activation=None,
                loss=None, optimizer="adam", learning_rate=0.01, epochs=200, batch_size=32,
                alpha=0.0, test_size=0.25, seed=0, scale=True, early_stopping=False,
                validation_fraction=None, patience=10, threshold=None, callbacks=(),
                batch_callbacks=(), on_start=None) -> FitResult:
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
    """
    if not isinstance(data, Dataset):
        raise ConfigError(must_be("data", "a nnmath.datasets.Dataset", data, "For example "
                                  "nnmath.datasets.load_csv('data.csv', target='y')."))
    if on_start is not None and not callable(on_start):
        raise ConfigError(must_be("on_start", "None or a callable on_start(net)", on_start))
    hidden = _check_hidden(hidden)
    seed = check_seed(seed)
    scale = check_bool(scale, "scale")
    check_threshold(threshold, data.n_classes if data.task == "classification" else None)
    if test_size:
        train, test = train_test_split(data, test_size=test_size, seed=seed)
    else:
        train, test = data, None
    n_targets = data.n_classes if data.task == "classification" else \
        (1 if data.y.ndim == 1 else data.y.shape[1])
    n_outputs, output_activation, loss = head_for(data.task, n_targets, output_activation, loss)
    net = Network.random([data.X.shape[1], *hidden, n_outputs], activation=activation,
                         output_activation=output_activation, seed=seed)
    scaling = standardize(train.X) if scale else None
    X_train = scaling.apply(train.X) if scaling is not None else train.X
    net.info = model_info(data, loss, scaling)
    # The settings the training loop does not know: a save during training records them
    # with the loop's own (History.settings), as a finished run does.
    settings = {"hidden": list(hidden), "activation": activation, "test_size": test_size or 0}
    net.info["training"] = dict(settings)
    if on_start is not None:
        on_start(net)
    history = net.fit(X_train, train.targets(n_outputs), loss=loss, learning_rate=learning_rate,
                      epochs=epochs, batch_size=batch_size, shuffle=True, seed=seed,
                      optimizer=optimizer, alpha=alpha, early_stopping=early_stopping,
                      validation_fraction=validation_fraction, patience=patience,
                      metrics=("accuracy",) if data.task == "classification" else ("r2",),
                      callbacks=callbacks, batch_callbacks=batch_callbacks)
    net.info["training"] = {**history.settings, **settings, "epochs_run": history.epochs,
                            "stop_reason": history.stop_reason}
    net.info["history"] = history.record()   # plot loss / report --model draw this record
    train_report = evaluate(net, train.X, train.y, threshold)
    test_report = evaluate(net, test.X, test.y, threshold) if test is not None else None
    return FitResult(net, history, train, test, train_report, test_report)
