"""scikit-learn estimators on nnmath's engine: :class:`NNClassifier`, :class:`NNRegressor`.

They follow scikit-learn's conventions: hyperparameters are stored unchanged
by ``__init__`` and checked in ``fit``; learned attributes end in ``_``;
``fit`` and ``partial_fit`` return ``self``; they pass
``sklearn.utils.estimator_checks`` and work in ``Pipeline``,
``cross_val_score`` and ``GridSearchCV``. The network, its gradients and its
updates are nnmath's own (:class:`nnmath.Network`, :func:`nnmath.training.train`).

Hyperparameters (the names checks outside the project rely on)::

    hidden_layer_sizes  neurons per hidden layer, e.g. (100,) or (32, 16)
    activation          hidden layers: "relu", "sigmoid", "tanh", "identity"
    output_activation   None: sigmoid (1 output) for 2 classes, softmax for more,
                        identity for regression
    loss                None: "bce", "cross_entropy" or "mse" to fit the output
    optimizer           "sgd" (plain), "momentum" (0.9), "adam"
    learning_rate       step size
    epochs              passes over the training rows (the most, with early stopping)
    batch_size          rows per step, or "auto" = min(200, n_samples)
    alpha               L2 penalty, J = L + alpha/(2n) sum ||W||^2 (as scikit-learn)
    early_stopping      hold out validation_fraction of the rows; stop when their
                        loss has not improved for `patience` epochs; keep the best
    random_state        seeds initial weights, shuffling and the validation split
    class_weight        NNClassifier only: None, "balanced" or {label: weight}, a factor
                        of each row's loss (scikit-learn's convention)

The defaults are scikit-learn's ``MLPClassifier``/``MLPRegressor``'s
(hidden_layer_sizes=(100,), alpha=1e-4, learning_rate=0.001, one sigmoid output
for two classes), so the estimators drop into scikit-learn code unchanged;
``nnmath train`` has defaults of its own for small CSV files (8 hidden
neurons, no penalty, two softmax outputs as the article's network A).

scikit-learn is required (``pip install 'nnmath[sklearn]'``); ``import nnmath``
does not import this module.

>>> from sklearn.datasets import load_iris
>>> X, y = load_iris(return_X_y=True)
>>> clf = NNClassifier(hidden_layer_sizes=(8,), learning_rate=0.01, epochs=100,
...                    random_state=0).fit(X, y)
>>> clf.predict_proba(X[:1]).shape, round(clf.score(X, y), 2) > 0.9
((1, 3), True)
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np

from .optional import require

require("sklearn", "nnmath.estimator")   # one clear line when scikit-learn is missing
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .activations import ACTIVATIONS
from .checks import Interval, Options, check_param
from .datasets.base import one_hot
from .errors import parameter_message
from .losses import LOSSES, head_for
from .network import Network
from .optimizers import OPTIMIZERS, get_optimizer

__all__ = ["NNClassifier", "NNRegressor"]

_NEURONS = Interval(Integral, 1)   # neurons in a hidden layer


class _NNBase(BaseEstimator):
    """What the classifier and the regressor share."""

    _task = ""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", output_activation=None,
                 loss=None, optimizer="adam", learning_rate=0.001, epochs=200,
                 batch_size="auto", alpha=0.0001, early_stopping=False, random_state=None,
                 shuffle=True, validation_fraction=0.1, patience=10):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.alpha = alpha
        self.early_stopping = early_stopping
        self.random_state = random_state
        self.shuffle = shuffle
        self.validation_fraction = validation_fraction
        self.patience = patience

    # -- checks (in fit, as scikit-learn does) -----------------------------------
    _constraints: ClassVar[dict[str, list[Interval | Options | None]]] = {
        "activation": [Options(ACTIVATIONS)],
        "output_activation": [None, Options(ACTIVATIONS)],
        "loss": [None, Options(LOSSES)],
        "optimizer": [Options(OPTIMIZERS)],
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "epochs": [Interval(Integral, 1)],
        "patience": [Interval(Integral, 1)],
        "batch_size": [Interval(Integral, 1, words="a positive integer"), Options({"auto"})],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
    }
    """What each hyperparameter may be (``validation_fraction`` only with early stopping), in
    the spirit of scikit-learn's ``_parameter_constraints`` (a name its checks read)."""

    def _check_params(self) -> list:
        """Every hyperparameter checked; returns the hidden layers' sizes."""
        sizes = self._hidden_sizes()
        for key, constraints in self._constraints.items():
            if key != "validation_fraction" or self.early_stopping:
                check_param(type(self).__name__, key, getattr(self, key), *constraints)
        return sizes

    def _hidden_sizes(self) -> list:
        """``hidden_layer_sizes`` as a list of ints (one integer: one hidden layer)."""
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else sizes
        try:
            sizes = list(sizes)
        except TypeError:
            sizes = None
        if sizes is None or not all(s in _NEURONS for s in sizes):
            raise ValueError(parameter_message(type(self).__name__, "hidden_layer_sizes",
                                               "a sequence of positive integers",
                                               self.hidden_layer_sizes))
        return [int(s) for s in sizes]

    # -- training -------------------------------------------------------------
    def _start(self, X, n_targets):
        """A fresh network and optimizer for ``X`` and ``n_targets`` classes or targets."""
        sizes = self._check_params()
        self._rng = check_random_state(self.random_state)
        n_outputs, out_act, loss = head_for(self._task, n_targets, self.output_activation,
                                            self.loss, two_classes="sigmoid")   # as scikit-learn
        self.net_ = Network.random([X.shape[1], *sizes, n_outputs], activation=self.activation,
                                   output_activation=out_act, seed=self._seed())
        self.loss_name_ = loss
        self.out_activation_ = out_act
        self.n_outputs_ = n_outputs
        self._optimizer = get_optimizer(self.optimizer, self.learning_rate)
        self.loss_curve_, self.validation_loss_curve_ = [], []

    def _seed(self) -> int:
        return int(self._rng.randint(np.iinfo(np.int32).max))

    def _train(self, X, T, epochs, early_stopping, class_weight=None):
        n = X.shape[0]
        batch_size = min(200, n) if self.batch_size == "auto" else self.batch_size
        history = self.net_.fit(
            X, T, loss=self.loss_name_, learning_rate=self.learning_rate, epochs=epochs,
            batch_size=batch_size, shuffle=self.shuffle, seed=self._seed(),
            optimizer=self._optimizer, alpha=self.alpha, early_stopping=early_stopping,
            validation_fraction=self.validation_fraction if early_stopping else None,
            patience=self.patience, class_weight=class_weight)
        self.history_ = history
        self.loss_curve_ = self.loss_curve_ + list(history.loss)
        self.validation_loss_curve_ = self.validation_loss_curve_ + list(history.val_loss)
        self.loss_ = float(history.loss[-1])
        self.n_iter_ = getattr(self, "n_iter_", 0) + history.epochs
        self.coefs_ = [layer.W for layer in self.net_.layers]
        self.intercepts_ = [layer.b for layer in self.net_.layers]
        return self

    def _outputs(self, X):
        check_is_fitted(self, "net_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.net_.forward(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


class NNClassifier(ClassifierMixin, _NNBase):
    """A multilayer perceptron classifier (nnmath engine, scikit-learn interface).

    Learned attributes: ``classes_``, ``n_features_in_``, ``net_`` (the
    :class:`nnmath.Network`), ``history_``, ``loss_curve_``,
    ``validation_loss_curve_``, ``loss_``, ``n_iter_``, ``coefs_``,
    ``intercepts_``, ``n_outputs_``, ``out_activation_``, ``loss_name_``,
    ``class_weight_`` (one weight per class of ``classes_``, or None).

    ``class_weight`` follows scikit-learn's convention: None (every class 1), a dict
    ``{label: weight}`` (labels left out weigh 1) or ``"balanced"``
    (``n_samples / (n_classes * np.bincount(y))``, from the rows given to ``fit``); each
    row's loss and its gradient are multiplied by its class's weight and the loss stays
    the mean over the rows (:mod:`nnmath.losses`). ``partial_fit`` takes a dict, not
    ``"balanced"`` (one batch's counts are not the data's), as ``SGDClassifier``.
    """

    _task = "classification"

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", output_activation=None,
                 loss=None, optimizer="adam", learning_rate=0.001, epochs=200,
                 batch_size="auto", alpha=0.0001, early_stopping=False, random_state=None,
                 shuffle=True, validation_fraction=0.1, patience=10, class_weight=None):
        super().__init__(hidden_layer_sizes=hidden_layer_sizes, activation=activation,
                         output_activation=output_activation, loss=loss, optimizer=optimizer,
                         learning_rate=learning_rate, epochs=epochs, batch_size=batch_size,
                         alpha=alpha, early_stopping=early_stopping,
                         random_state=random_state, shuffle=shuffle,
                         validation_fraction=validation_fraction, patience=patience)
        self.class_weight = class_weight

    def fit(self, X, y):
        """Train from scratch on X (n_samples, n_features), labels y (n_samples,)."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        self._check_classes()
        self._start(X, len(self.classes_))
        self.n_iter_ = 0
        self.class_weight_ = self._class_weights(y)
        return self._train(X, self._targets(y_index), self.epochs, self.early_stopping,
                           self.class_weight_)

    def _class_weights(self, y):
        """One weight per class of ``classes_`` (scikit-learn's ``compute_class_weight``),
        or None without ``class_weight``."""
        if self.class_weight is None:
            return None
        if not (isinstance(self.class_weight, dict) or (isinstance(self.class_weight, str)
                                                        and self.class_weight == "balanced")):
            raise ValueError(parameter_message(type(self).__name__, "class_weight",
                                               "None, 'balanced' or a dict {label: weight}",
                                               self.class_weight))
        from sklearn.utils.class_weight import compute_class_weight

        return compute_class_weight(self.class_weight, classes=self.classes_, y=y)

    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y), continuing from the current network (and optimizer state).

        ``classes`` (all labels that will ever appear) is required on the first call.
        """
        first = not hasattr(self, "net_")
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first)
        check_classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self.classes_ = np.unique(classes)
            self._check_classes()
            self._start(X, len(self.classes_))
            self.n_iter_ = 0
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes must be the same as on the first call. Got "
                             f"{np.unique(classes)!r}, expected {self.classes_!r}.")
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y must only hold labels from classes {self.classes_!r}. "
                             f"Got {unknown!r}.")
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError("class_weight 'balanced' is not supported by partial_fit (one "
                             "batch's class counts are not the data's). Give a dict "
                             "{label: weight}, or use fit.")
        self.class_weight_ = self._class_weights(y)
        return self._train(X, self._targets(np.searchsorted(self.classes_, y)), 1, False,
                           self.class_weight_)

    def _check_classes(self):
        if len(self.classes_) < 2:
            raise ValueError(f"y must contain at least 2 classes to train a classifier. Got "
                             f"only one class: {self.classes_[0]!r}.")

    def _targets(self, y_index):
        return y_index[:, None].astype(np.float64) if self.n_outputs_ == 1 \
            else one_hot(y_index, self.n_outputs_)

    def predict_proba(self, X):
        """Class probabilities: array of shape (n_samples, n_classes), rows sum to 1."""
        y_hat = self._outputs(X)
        if self.n_outputs_ == 1:
            return np.c_[1.0 - y_hat[:, 0], y_hat[:, 0]]
        return y_hat / y_hat.sum(axis=1, keepdims=True) \
            if self.out_activation_ != "softmax" else y_hat

    def predict(self, X):
        """The most probable class of each row: array of shape (n_samples,)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class NNRegressor(RegressorMixin, _NNBase):
    """A multilayer perceptron regressor (nnmath engine, scikit-learn interface).

    ``y`` may be (n_samples,) or (n_samples, n_targets). Learned attributes as
    :class:`NNClassifier` (without ``classes_``).
    """

    _task = "regression"

    def fit(self, X, y):
        """Train from scratch on X (n_samples, n_features), targets y."""
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        self._start(X, 1 if y.ndim == 1 else y.shape[1])
        self.n_iter_ = 0
        return self._train(X, y.reshape(len(y), -1), self.epochs, self.early_stopping)

    def partial_fit(self, X, y):
        """One epoch on (X, y), continuing from the current network (and optimizer state)."""
        first = not hasattr(self, "net_")
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True,
                             reset=first)
        if first:
            self._start(X, 1 if y.ndim == 1 else y.shape[1])
            self.n_iter_ = 0
        return self._train(X, y.reshape(len(y), -1), 1, False)

    def predict(self, X):
        """Predicted targets: (n_samples,) for one target, else (n_samples, n_targets)."""
        y_hat = self._outputs(X)
        return y_hat[:, 0] if self.n_outputs_ == 1 else y_hat

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
