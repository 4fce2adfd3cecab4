r"""Loss functions: value and gradient with respect to ``y_hat``.

**Convention (stated once, used everywhere):** a loss is defined per sample,
and the loss of a batch of ``n`` samples is the *mean* of the per-sample
losses,

.. math:: L = \frac{1}{n} \sum_{s=1}^{n} \ell(\hat y_s, t_s),

so ``gradient`` returns ``dL_dy_hat = (1/n) * dl/dy_hat`` for each sample.
With one sample (the article) the mean is that sample's loss.

Per-sample losses, with ``k`` outputs ``j``::

    ssr            l = 1/2 * sum_j (y_hat_j - t_j)^2      dl/dy_hat_j = y_hat_j - t_j
    mse            l = 1/k * sum_j (y_hat_j - t_j)^2      dl/dy_hat_j = 2 (y_hat_j - t_j) / k
    bce            l = -sum_j [t_j log y_hat_j + (1 - t_j) log(1 - y_hat_j)]
                                                          dl/dy_hat_j = (y_hat_j - t_j) / (y_hat_j (1 - y_hat_j))
    cross_entropy  l = -sum_j t_j log y_hat_j             dl/dy_hat_j = -t_j / y_hat_j

**Class weights.** A loss may carry one weight per class, ``class_weight`` (see
:meth:`Loss.weighted`, :func:`class_weights`): each sample's loss is multiplied by the
weight of its class, ``w_s = sum_j t_j c_j`` (one output of two classes, the sigmoid's:
``w_s = c_0 (1 - t) + c_1 t``), and the batch loss stays the mean over the ``n`` samples,

.. math:: L = \frac{1}{n} \sum_{s=1}^{n} w_s\, \ell(\hat y_s, t_s), \qquad
          \frac{\partial L}{\partial \hat y_s} = \frac{w_s}{n}
          \frac{\partial \ell}{\partial \hat y_s},

so the weight is one more factor in each sample's loss and in its derivative (and in the
shortcuts: ``delta_L = w_s (y_hat - t) / n``). This is Keras's normalisation (divide by
the number of samples); PyTorch's ``reduction="mean"`` with ``weight=`` divides by the
sum of the weights instead, so nnmath's ``L`` is torch's ``reduction="sum"`` divided by
``n``. With ``"balanced"`` weights (scikit-learn's ``n / (k * count_c)``) the weights of
the rows they were computed on sum to ``n``, so on those rows both normalisations agree.

PyTorch equivalents (checked in the tests): ``ssr`` is
``0.5 * MSELoss(reduction="sum") / n``; ``mse`` is ``MSELoss()``; ``bce`` is
``BCELoss(reduction="sum") / n`` (equal to ``BCELoss()`` for one output);
``cross_entropy`` is ``CrossEntropyLoss()`` on the logits ``z``.

**Shortcuts.** ``bce`` needs a sigmoid output and ``cross_entropy`` a softmax
output. For exactly these two pairs the chain rule through the output
activation collapses to

.. math:: \delta_L = \frac{\partial L}{\partial z_L} = \frac{1}{n}(\hat y - t),

and the loss value is computed from the logits ``z`` (log-sum-exp, softplus),
so it stays finite when ``y_hat`` rounds to exactly 0 or 1. These are the only
places the engine skips the full product; ``explain`` shows both.

>>> import numpy as np
>>> y_hat, t = np.array([[0.3249618]]), np.array([[0.0]])
>>> round(get_loss("ssr").value(y_hat, t), 6)
0.0528
"""

from __future__ import annotations

import math

import numpy as np

from ._typing import ArrayLike, FloatArray
from .checks import is_number
from .errors import ConfigError, must_be

__all__ = ["Loss", "LOSSES", "get_loss", "check_pair", "check_targets", "check_loss",
           "uses_shortcut", "loss_for", "head_for", "LOSS_OF_OUTPUT", "class_weights",
           "row_weights"]

_TINY = np.finfo(np.float64).tiny


def _clip(p: FloatArray) -> FloatArray:
    # log(tiny) = -708: finite, so 0 * log(.) is 0 and never NaN.
    return np.maximum(p, _TINY)


class Loss:
    """Base class. Subclasses give ``per_sample`` and ``sample_gradient`` (unweighted).

    ``class_weight`` is None (every sample counts once) or one weight per class
    (:meth:`weighted`); :meth:`value` and :meth:`gradient` apply it.
    """

    name: str = ""
    class_weight: FloatArray | None = None

    def per_sample(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        """``l_s`` for each sample, unweighted: shape (n_samples,)."""
        raise NotImplementedError

    def sample_gradient(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        """``dl_s/dy_hat`` of each sample's own loss, unweighted: shape (n_samples, n_out)."""
        raise NotImplementedError

    def weighted(self, class_weight: ArrayLike | None) -> Loss:
        """This loss with one weight per class (None: unweighted), a new object.

        >>> get_loss("bce").weighted([1.0, 3.0])
        <loss bce, class weights [1.0, 3.0]>
        """
        out = type(self)()
        out.class_weight = None if class_weight is None else _check_weights(class_weight)
        return out

    def sample_weight(self, T: FloatArray) -> FloatArray | None:
        """``w_s`` of each sample (its class's weight), or None without class weights."""
        return None if self.class_weight is None else row_weights(self.class_weight, T)

    def value(self, y_hat: FloatArray, T: FloatArray) -> float:
        """The batch loss ``L``: the mean of the (weighted) per-sample losses."""
        per_sample = self.per_sample(y_hat, T)
        w = self.sample_weight(T)
        return float(np.mean(per_sample if w is None else w * per_sample))

    def gradient(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        """``dL_dy_hat`` of the batch loss (the mean): shape (n_samples, n_out)."""
        n_samples: int = y_hat.shape[0]
        w = self.sample_weight(T)
        grad = self.sample_gradient(y_hat, T)
        return (grad if w is None else w[:, None] * grad) / n_samples

    def __repr__(self) -> str:
        if self.class_weight is None:
            return f"<loss {self.name}>"
        return f"<loss {self.name}, class weights {self.class_weight.tolist()}>"


def row_weights(class_weight: FloatArray, T: FloatArray) -> FloatArray:
    """Each sample's weight ``w_s = sum_j t_j c_j`` (its class's weight for one-hot rows);
    one target column of two classes (a sigmoid output): ``c_0 (1 - t) + c_1 t``.

    >>> import numpy as np
    >>> row_weights(np.array([1.0, 3.0]), np.array([[0.0], [1.0]])).tolist()
    [1.0, 3.0]
    >>> row_weights(np.array([1.0, 2.0, 5.0]), np.array([[0, 0, 1.0], [1.0, 0, 0]])).tolist()
    [5.0, 1.0]
    """
    k = class_weight.shape[0]
    if T.shape[1] == k:
        weights: FloatArray = T @ class_weight
        return weights
    if T.shape[1] == 1 and k == 2:
        column: FloatArray = class_weight[0] * (1 - T[:, 0]) + class_weight[1] * T[:, 0]
        return column
    raise ConfigError(must_be("class_weight", f"one weight per class: {T.shape[1]} (one per "
                              "target column)" + (", or 2 for one column of two classes"
                                                  if T.shape[1] == 1 else ""),
                              f"{k} weights"))


def _check_weights(class_weight: ArrayLike) -> FloatArray:
    """One finite weight >= 0 per class, at least one of them > 0."""
    try:
        weights = np.array(class_weight, dtype=np.float64)
    except (TypeError, ValueError):
        weights = np.array([np.nan])
    if weights.ndim != 1 or weights.size < 2 or not np.all(np.isfinite(weights)) \
            or np.any(weights < 0) or not np.any(weights > 0):
        raise ConfigError(must_be("class_weight", "one finite number >= 0 per class (at "
                                  "least two, one of them > 0)", _shown(class_weight),
                                  'For example class_weight="balanced" or [1.0, 3.0].'))
    return weights


def _shown(value: object) -> object:
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def class_weights(class_weight: object, T: FloatArray) -> FloatArray | None:
    """One weight per class from ``class_weight`` (None: no weights).

    ``"balanced"`` is scikit-learn's ``n_samples / (n_classes * count_c)``, counted on the
    rows of ``T`` (one-hot rows; one column of 0/1 for two classes with a sigmoid
    output); a dict maps a class number to its weight (classes left out weigh 1, as in
    scikit-learn); a sequence gives one weight per class, in order.

    >>> import numpy as np
    >>> T = np.array([[1.0, 0], [1.0, 0], [1.0, 0], [0, 1.0]])
    >>> class_weights("balanced", T).tolist()         # 4 / (2 * 3), 4 / (2 * 1)
    [0.6666666666666666, 2.0]
    >>> class_weights({1: 5}, T).tolist()
    [1.0, 5.0]
    """
    if class_weight is None:
        return None
    k = 2 if T.shape[1] == 1 else T.shape[1]
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ConfigError(must_be("class_weight", '"balanced", a dict {class: weight} or '
                                      "one weight per class", class_weight))
        counts = np.array([T.shape[0] - T[:, 0].sum(), T[:, 0].sum()]) if T.shape[1] == 1 \
            else T.sum(axis=0)
        if np.any(counts <= 0):
            empty = int(np.flatnonzero(counts <= 0)[0])
            raise ConfigError(must_be('class_weight="balanced"', "computed on rows of every "
                                      "class", f"no row of class {empty}", "Give the weights "
                                      "yourself, or rows of every class."))
        return _check_weights(T.shape[0] / (k * counts))
    if isinstance(class_weight, dict):
        weights = np.ones(k)
        for key, value in class_weight.items():
            if isinstance(key, bool) or not isinstance(key, (int, np.integer)) \
                    or not 0 <= key < k:
                raise ConfigError(must_be("a class_weight key", f"a class number 0..{k - 1}",
                                          key))
            if not is_number(value) or not math.isfinite(value) or value < 0:
                raise ConfigError(must_be(f"the class_weight of class {key}", "a finite "
                                          "number >= 0", value))
            weights[int(key)] = float(value)
        return _check_weights(weights)
    given = _check_weights(class_weight)   # type: ignore[arg-type]  # checked inside
    if given.size != k:
        raise ConfigError(must_be("class_weight", f"one weight per class ({k})",
                                  f"{given.size} weights"))
    return given


class SSR(Loss):
    r"""Sum of squared residuals with the article's ½.

    .. math:: \ell = \tfrac12 \sum_j (\hat y_j - t_j)^2, \qquad
              \frac{\partial \ell}{\partial \hat y_j} = \hat y_j - t_j

    >>> import numpy as np
    >>> SSR().per_sample(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    array([2.5])
    """

    name = "ssr"

    def per_sample(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        squares: FloatArray = np.sum((y_hat - T) ** 2, axis=1)
        return 0.5 * squares

    def sample_gradient(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        return y_hat - T


class MSE(Loss):
    r"""Mean squared error over the outputs of a sample (no ½).

    .. math:: \ell = \frac1k \sum_j (\hat y_j - t_j)^2, \qquad
              \frac{\partial \ell}{\partial \hat y_j} = \frac2k(\hat y_j - t_j)

    >>> import numpy as np
    >>> MSE().per_sample(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    array([2.5])
    """

    name = "mse"

    def per_sample(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        mean: FloatArray = np.mean((y_hat - T) ** 2, axis=1)
        return mean

    def sample_gradient(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        k: int = y_hat.shape[1]
        return 2.0 * (y_hat - T) / k


class BCE(Loss):
    r"""Binary cross-entropy, summed over the outputs of a sample.

    .. math:: \ell = -\sum_j \big[t_j \log \hat y_j + (1-t_j)\log(1-\hat y_j)\big]

    .. math:: \frac{\partial \ell}{\partial \hat y_j}
              = \frac{\hat y_j - t_j}{\hat y_j (1-\hat y_j)}

    Probabilities of exactly 0 or 1 give a large finite loss, never inf/NaN.

    >>> import numpy as np
    >>> BCE().per_sample(np.array([[0.5]]), np.array([[1.0]])).round(6)
    array([0.693147])
    >>> bool(np.isfinite(BCE().per_sample(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))).all())
    True
    """

    name = "bce"

    def per_sample(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        total: FloatArray = np.sum(T * np.log(_clip(y_hat)) + (1 - T) * np.log(_clip(1 - y_hat)),
                                   axis=1)
        return -total

    def sample_gradient(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        return -T / _clip(y_hat) + (1 - T) / _clip(1 - y_hat)

    @staticmethod
    def per_sample_from_logits(z: FloatArray, T: FloatArray) -> FloatArray:
        """``l`` from ``z`` with ``y_hat = sigmoid(z)``: ``max(z,0) - z t + log(1 + e^-|z|)``."""
        total: FloatArray = np.sum(np.maximum(z, 0) - z * T + np.log1p(np.exp(-np.abs(z))),
                                   axis=1)
        return total


class CrossEntropy(Loss):
    r"""Categorical cross-entropy of a softmax output.

    .. math:: \ell = -\sum_j t_j \log \hat y_j, \qquad
              \frac{\partial \ell}{\partial \hat y_j} = -\frac{t_j}{\hat y_j}

    >>> import numpy as np
    >>> CrossEntropy().per_sample(np.array([[0.25, 0.75]]), np.array([[0.0, 1.0]])).round(6)
    array([0.287682])
    """

    name = "cross_entropy"

    def per_sample(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        total: FloatArray = np.sum(T * np.log(_clip(y_hat)), axis=1)
        return -total

    def sample_gradient(self, y_hat: FloatArray, T: FloatArray) -> FloatArray:
        return -T / _clip(y_hat)

    @staticmethod
    def per_sample_from_logits(z: FloatArray, T: FloatArray) -> FloatArray:
        """``l`` from ``z`` with ``y_hat = softmax(z)``: ``-sum_j t_j log_softmax(z)_j``."""
        log_softmax = z - z.max(axis=1, keepdims=True)                 # shifted, then
        log_softmax -= np.log(np.sum(np.exp(log_softmax), axis=1, keepdims=True))   # in place
        total: FloatArray = np.sum(T * log_softmax, axis=1)
        return -total


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (SSR(), MSE(), BCE(), CrossEntropy())}

# Which loss for which output layer, stated once: the loss of each probability output.
# These (output activation, loss) pairs are also the shortcuts, delta_L = (y_hat - t) / n;
# a loss named here needs its own output activation.
LOSS_OF_OUTPUT = {"sigmoid": "bce", "softmax": "cross_entropy"}
_SHORTCUTS = set(LOSS_OF_OUTPUT.items())
_NEEDS = {loss: output for output, loss in LOSS_OF_OUTPUT.items()}


def get_loss(name: str | Loss) -> Loss:
    """The loss called ``name`` (one of ``LOSSES``).

    >>> get_loss("ssr")
    <loss ssr>
    """
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        choices = ", ".join(repr(k) for k in LOSSES)
        raise ConfigError(
            must_be("loss", f"one of {choices}", name, "Check the spelling.")
        ) from None


def loss_for(output_activation: str, default: str = "ssr") -> str:
    """The loss that fits an output layer: ``bce`` for sigmoid, ``cross_entropy`` for
    softmax, else ``default``.

    >>> loss_for("softmax"), loss_for("identity"), loss_for("tanh", default="mse")
    ('cross_entropy', 'ssr', 'mse')
    """
    return LOSS_OF_OUTPUT.get(output_activation, default)


def head_for(task: str, n_targets: int, output_activation: str | None = None,
             loss: str | None = None, *, two_classes: str = "softmax") -> tuple[int, str, str]:
    """``(n_outputs, output_activation, loss)`` for a target: the output layer and the
    loss that fit it, where they are not given.

    ==================  ================================  ==============
    target              output layer                      loss
    ==================  ================================  ==============
    k >= 2 classes      k neurons, softmax                cross_entropy
    2 classes, sigmoid  1 neuron, sigmoid (P(class 1))    bce
    regression          one neuron per target, identity   mse
    ==================  ================================  ==============

    ``n_targets`` is the number of classes (classification) or of target columns
    (regression). Two classes get one sigmoid output when ``output_activation`` is
    sigmoid or ``loss`` is ``bce``, and, when neither is given, when ``two_classes`` is
    ``"sigmoid"`` (scikit-learn's choice, :class:`nnmath.estimator.NNClassifier`); else
    two softmax outputs (``nnmath train``, the article's network A). Another output
    activation is trained with ``mse``.

    >>> head_for("classification", 2), head_for("classification", 2, "sigmoid")
    ((2, 'softmax', 'cross_entropy'), (1, 'sigmoid', 'bce'))
    >>> head_for("classification", 2, two_classes="sigmoid"), head_for("regression", 1)
    ((1, 'sigmoid', 'bce'), (1, 'identity', 'mse'))
    """
    if task == "regression":
        return n_targets, output_activation or "identity", loss or "mse"
    if task != "classification":
        raise ConfigError(must_be("task", "'classification' or 'regression'", task))
    if output_activation is None:
        one = n_targets == 2 and (loss == "bce" or loss is None and two_classes == "sigmoid")
        output_activation = "sigmoid" if one else "softmax"
    if output_activation == "softmax":
        return n_targets, "softmax", loss or loss_for("softmax")
    if n_targets == 2:   # one output: P(class 1)
        return 1, output_activation, loss or loss_for(output_activation, "mse")
    return n_targets, output_activation, loss or "mse"


def check_pair(output_activation: str, loss: str) -> None:
    """Refuse a loss that does not fit the output activation.

    >>> check_pair("sigmoid", "cross_entropy")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: loss 'cross_entropy' must be used with a softmax output layer. Got output activation 'sigmoid'. Use --loss bce for a sigmoid output, or make the last layer softmax.
    """
    needed = _NEEDS.get(loss)
    if needed is not None and output_activation != needed:
        other = loss_for(output_activation)
        raise ConfigError(
            f"loss {loss!r} must be used with a {needed} output layer. "
            f"Got output activation {output_activation!r}. "
            f"Use --loss {other} for a {output_activation} output, or make the last layer {needed}."
        )


def check_targets(loss: str, T: FloatArray) -> None:
    """Refuse targets the loss is not defined for.

    ``bce`` needs targets in [0, 1]; ``cross_entropy`` needs each row to be a
    probability distribution (non-negative, summing to 1) -- only then is
    ``delta_L = (y_hat - t) / n`` the gradient of the loss.

    >>> import numpy as np
    >>> check_targets("cross_entropy", np.array([[1.0, 1.0]]))
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: cross_entropy targets must be probabilities: each row non-negative and summing to 1. Got row 0 = [1.0, 1.0]. Use one-hot rows, e.g. [0, 1] for the second class.
    """
    name = get_loss(loss).name
    if name == "bce":
        bad = np.flatnonzero(np.any((T < 0) | (T > 1), axis=1))
        if bad.size:
            raise ConfigError(must_be("bce targets", "between 0 and 1", T[bad[0]].tolist(),
                                      "Use 0/1 labels (or probabilities)."))
    elif name == "cross_entropy":
        bad = np.flatnonzero(np.any(T < 0, axis=1) | (np.abs(T.sum(axis=1) - 1) > 1e-9))
        if bad.size:
            raise ConfigError(
                "cross_entropy targets must be probabilities: each row non-negative and "
                f"summing to 1. Got row {bad[0]} = {T[bad[0]].tolist()}. "
                "Use one-hot rows, e.g. [0, 1] for the second class.")


def check_loss(output_activation: str, loss: str | Loss, T: FloatArray) -> str:
    """Both checks, in order: the loss fits the output, then the targets fit the loss.

    Returns the loss's name.
    """
    name = get_loss(loss).name
    check_pair(output_activation, name)
    check_targets(name, T)
    return name


def uses_shortcut(output_activation: str, loss: str) -> bool:
    """True where ``delta_L = (y_hat - t) / n`` replaces the full chain-rule product.

    >>> uses_shortcut("softmax", "cross_entropy"), uses_shortcut("sigmoid", "ssr")
    (True, False)
    """
    return (output_activation, loss) in _SHORTCUTS
