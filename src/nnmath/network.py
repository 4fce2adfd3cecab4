r"""A network: dense layers in order, the container the engine's passes run on.

The passes themselves (forward with recording, loss, backward) are in
:mod:`nnmath.backprop`; training in :mod:`nnmath.training`; the model file in
:mod:`nnmath.modelfile`. ``Network.fit``, ``save`` and ``load`` are their façades.

Names (docs/architecture.md): ``a0 = X``; for layer ``l = 1..L``
``z_l = a_{l-1} @ W_l + b_l``, ``a_l = g_l(z_l)``; ``y_hat = a_L``. Parameters
are named ``W1, b1, W2, b2, ...`` in layer order.

>>> net = Network([Dense(W=[[0.5]], b=[0.0], activation="sigmoid"),
...                Dense(W=[[-1.0]], b=[0.0], activation="sigmoid")])
>>> net.forward([[2.0]]).round(6)
array([[0.324962]])
>>> loss, grads = net.gradients([[2.0]], [[0.0]], loss="ssr")
>>> round(loss, 6), {name: g.round(7).tolist() for name, g in grads.items()}
(0.0528, {'W1': [[-0.0280307]], 'b1': [-0.0140154], 'W2': [[0.0521131]], 'b2': [0.0712844]})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._typing import ArrayLike, DTypeLike, FloatArray, Params, StrPath
from .backprop import backprop, mean_loss, outputs
from .checks import check_dtype, check_path, check_seed, is_whole
from .errors import ConfigError, ShapeError, must_be
from .finite import check_finite, check_outputs
from .layers import Dense, check_params, count_params
from .losses import Loss, check_loss

if TYPE_CHECKING:
    from .history import History
    from .optimizers import SGD
    from .summary import Summary

__all__ = ["Network", "MAX_LAYERS", "check_sizes"]

MAX_LAYERS = 100_000
"""The most layers a network may have (with at most :data:`~nnmath.layers.MAX_PARAMS`
parameters in all): a layer is a few hundred bytes of Python objects, so this bounds
the memory of a deep model file, and every view of a network (summary, explain) stays
linear in its depth."""


def check_layers(n_layers: int, got: str) -> int:
    """``n_layers`` if it is at most :data:`MAX_LAYERS`, else a ConfigError naming the limit."""
    if n_layers > MAX_LAYERS:
        raise ConfigError(must_be("the number of layers", f"at most {MAX_LAYERS:,} "
                                  "(MAX_LAYERS)", f"{n_layers:,} {got}", "Use fewer layers."))
    return n_layers


def check_sizes(sizes: Iterable[Any], what: str = "sizes") -> list[Any]:
    """Layer sizes ``[n_inputs, n_1, ..., n_L]`` within :data:`MAX_LAYERS` and
    :data:`~nnmath.layers.MAX_PARAMS`, checked from the sizes alone: before any weight is
    drawn. ``what`` names them in the message. (Sizes that are not positive whole
    numbers are returned unchecked: ``Dense(n_in, n_out)`` refuses them.)

    >>> check_sizes([1, 1, 1])
    [1, 1, 1]
    >>> check_sizes([1, 10**9, 1], "--hidden 1000000000")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: the number of parameters must be at most 2,000,000 (MAX_PARAMS, the limit of every network). Got '3,000,000,001 for --hidden 1000000000'. Use fewer neurons.
    """
    sizes = list(sizes)
    if not all(is_whole(n) and n > 0 for n in sizes):
        return sizes     # not sizes at all: Dense(n_in, n_out) says why
    if what == "sizes":
        what += " " + (" ".join(map(str, sizes)) if len(sizes) <= 12 else
                       f"{' '.join(map(str, sizes[:6]))} ... ({len(sizes):,} sizes)")
    check_layers(len(sizes) - 1, f"for {what}")
    check_params(count_params(sizes), what)
    return sizes


class Network:
    """Dense layers applied in order.

    Parameters
    ----------
    layers : list of Dense
        Consecutive layers must fit: ``layers[l].n_in == layers[l-1].n_out``.

    Examples
    --------
    >>> net = Network.random([1, 3, 2], activation="tanh", output_activation="softmax", seed=0)
    >>> [(name, p.shape) for name, p in net.params().items()]
    [('W1', (1, 3)), ('b1', (3,)), ('W2', (3, 2)), ('b2', (2,))]
    """

    def __init__(self, layers: Iterable[Dense]) -> None:
        given, listed = layers, _as_list(layers)
        if not listed or not all(isinstance(layer, Dense) for layer in listed):
            raise ConfigError(must_be("layers", "a non-empty list of Dense layers", given,
                                      "For example Network([Dense(1, 2, 'softmax')])."))
        layers = listed
        check_layers(len(layers), "layers")
        check_params(sum(layer.W.size + layer.b.size for layer in layers), "the layers given")
        for ell in range(1, len(layers)):
            if layers[ell].n_in != layers[ell - 1].n_out:
                raise ShapeError(
                    f"layer {ell + 1} must take {layers[ell - 1].n_out} inputs, as layer {ell} has "
                    f"{layers[ell - 1].n_out} neurons. Got W{ell + 1} of shape {layers[ell].W.shape}. "
                    f"Give W{ell + 1} {layers[ell - 1].n_out} rows.")
        for layer in layers[:-1]:
            if layer.activation == "softmax":
                raise ConfigError(must_be("softmax", "used on the output layer only",
                                          "softmax on a hidden layer",
                                          "Use sigmoid, tanh or relu for hidden layers."))
        self.layers: list[Dense] = layers
        self.info: dict[str, Any] = {}   # optional model-file keys (class_names, loss, ...)

    @classmethod
    def random(cls, sizes: Iterable[int], activation: str = "sigmoid",
               output_activation: str | None = None, seed: int | None = None,
               dtype: DTypeLike = np.float64) -> "Network":
        """A network with layer sizes ``sizes = [n_inputs, hidden..., n_outputs]``.

        Weights are drawn from ``np.random.default_rng(seed)``; biases start at 0.
        ``output_activation`` defaults to ``activation``. ``seed`` is None or a
        whole number >= 0 (:func:`nnmath.checks.check_seed`); ``dtype`` float32
        or float64.
        """
        given, listed = sizes, _as_list(sizes)
        if listed is None or len(listed) < 2:
            raise ConfigError(must_be("sizes", "a list [n_inputs, hidden..., n_outputs] of at "
                                      "least two whole numbers", given,
                                      "For example Network.random([1, 2, 1])."))
        dtype = check_dtype(dtype)
        rng = np.random.default_rng(check_seed(seed))
        check_sizes(listed)   # before any weight is drawn
        acts = [activation] * (len(listed) - 2) + [output_activation or activation]
        return cls([Dense(n_in, n_out, act, rng=rng, dtype=dtype)
                    for n_in, n_out, act in zip(listed[:-1], listed[1:], acts)])

    # -- shapes and parameters -------------------------------------------------
    @property
    def n_inputs(self) -> int:
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_out

    @property
    def sizes(self) -> list[int]:
        """``[n_inputs, n_1, ..., n_L]``."""
        return [self.n_inputs] + [layer.n_out for layer in self.layers]

    @property
    def dtype(self) -> np.dtype[Any]:
        """float64 or float32: the dtype of every parameter."""
        return self.layers[0].W.dtype

    def params(self) -> Params:
        """``{"W1": W1, "b1": b1, ...}`` in layer order (the arrays themselves, not copies)."""
        out: Params = {}
        for ell, layer in enumerate(self.layers, start=1):
            out[f"W{ell}"], out[f"b{ell}"] = layer.W, layer.b
        return out

    def set_params(self, params: Mapping[str, ArrayLike]) -> "Network":
        """Replace parameters by name (shapes must match); returns self.

        ``params`` is a dict (any mapping) ``{name: array}``, e.g. ``{"W1": [[0.5]]}``:
        some or all of the names of :meth:`params`."""
        current = self.params()
        if not isinstance(params, Mapping):
            raise ConfigError(must_be("params", "a dict {name: array}", params,
                                      "For example net.set_params({'W1': [[0.5]]})."))
        for name, value in params.items():
            if name not in current:
                raise ConfigError(must_be("parameter name", f"one of {list(current)}", name))
            try:
                given = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                raise ConfigError(must_be(name, "an array of numbers", value)) from None
            if given.shape != current[name].shape:
                raise ShapeError(must_be(name, f"of shape {current[name].shape}", given.shape))
            with np.errstate(over="ignore"):
                value = given.astype(self.dtype)
            _check_param(name, given, value)
            current[name][...] = value
        return self

    def n_params(self) -> int:
        return sum(p.size for p in self.params().values())

    def summary(self) -> "Summary":
        """Layers, shapes and parameter counts, like Keras's ``model.summary()``.

        Prints as a table; ``.to_dict()`` gives the plain data (``nnmath summary --json``).

        >>> print(Network.random([1, 1, 1], seed=0).summary())  # doctest: +NORMALIZE_WHITESPACE
        layer (type)     output shape   W          b         activation   params
        dense_1 (Dense)  (None, 1)      W1 (1, 1)  b1 (1,)   sigmoid      2
        dense_2 (Dense)  (None, 1)      W2 (1, 1)  b2 (1,)   sigmoid      2
        total params: 4 · trainable: 4 · non-trainable: 0
        """
        from .summary import Summary

        return Summary.of(self)

    def copy(self) -> "Network":
        net = Network([layer.copy() for layer in self.layers])
        net.info = dict(self.info)
        return net

    def astype(self, dtype: DTypeLike) -> "Network":
        """A copy in float32 or float64 (float32 trains faster, float64 is exact).

        The copy keeps ``info``. Any other type is a ConfigError, and so are
        parameters too large for float32 (beyond about 3.4e38).

        >>> net = Network.random([1, 2, 1], seed=0)
        >>> net.astype("float32").dtype
        dtype('float32')
        >>> net.astype(int)
        Traceback (most recent call last):
        ...
        nnmath.errors.ConfigError: dtype must be float32 or float64. Got <class 'int'>. The math is in floating point: float64 (exact, the default) or float32 (faster).
        """
        dtype = check_dtype(dtype)
        largest = max(float(np.max(np.abs(p))) for p in self.params().values())
        if largest > float(np.finfo(dtype).max):
            raise ConfigError(must_be(f"the parameters, to be {dtype}", "at most "
                                      f"{np.finfo(dtype).max:.3g} in size", f"up to {largest:.3g}",
                                      "Keep float64."))
        net = Network([Dense(W=layer.W, b=layer.b, activation=layer.activation, dtype=dtype)
                       for layer in self.layers])
        net.info = dict(self.info)
        return net

    # -- math -------------------------------------------------------------------
    def forward(self, X: ArrayLike) -> FloatArray:
        """``y_hat`` for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs), or (n_inputs,) for one sample

        Returns
        -------
        y_hat : ndarray of shape (n_samples, n_outputs)

        Raises
        ------
        DataError
            If an output is not finite: the numbers overflowed (the inputs or the
            weights are too large). An overflow inside that a saturating
            activation absorbs (sigmoid of 1e309 is 1) is not an error, and no
            NumPy warning is printed for it.
        """
        X = self.check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            y_hat = outputs(self.layers, X)    # a block of rows at a time: bounded memory
        check_outputs(self, X, y_hat)
        return y_hat

    predict_proba = forward

    def loss(self, X: ArrayLike, T: ArrayLike, loss: str | Loss = "ssr") -> float:
        """The batch loss: the mean over samples of the per-sample loss (a
        :class:`~nnmath.losses.Loss` with class weights: of the weighted ones)."""
        X = self.check_X(X)
        T = self.check_T(T, X.shape[0])
        check_loss(self.layers[-1].activation, loss, T)
        return mean_loss(self.layers, X, T, loss)

    def gradients(self, X: ArrayLike, T: ArrayLike,
                  loss: str | Loss = "ssr") -> tuple[float, Params]:
        """The loss and ``dL/dparameter`` for every parameter, by backpropagation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        T : array-like of shape (n_samples, n_outputs)
            Targets, one row per sample (a 1-D array is taken as one column when
            the network has one output).
        loss : {"ssr", "mse", "bce", "cross_entropy"} or Loss
            A :class:`~nnmath.losses.Loss` may carry class weights
            (``get_loss("bce").weighted([1, 3])``).

        Returns
        -------
        loss : float
            Mean over samples of the per-sample loss (before any update).
        gradients : dict of name -> ndarray
            ``{"W1": dL_dW1, "b1": dL_db1, ...}``, same shapes as ``params()``.
        """
        X = self.check_X(X)
        T = self.check_T(T, X.shape[0])
        check_loss(self.layers[-1].activation, loss, T)
        result = backprop(self.layers, X, T, loss)
        return result.loss, result.gradients()

    def fit(self, X: ArrayLike, T: ArrayLike, loss: str = "ssr", learning_rate: float = 0.1,
            epochs: int = 1, batch_size: int | None = 1, shuffle: bool = False,
            seed: int | None = None, optimizer: str | SGD = "sgd", progress: bool = False,
            **options: Any) -> History:
        """Train in place by gradient descent; returns a :class:`~nnmath.training.History`.

        ``batch_size=1`` without shuffling is the article's per-sample gradient
        descent in row order; ``batch_size=None`` is full-batch.
        ``progress=True`` shows a progress bar (epochs, loss, time left) on
        stderr, in a terminal or in Jupyter. See :func:`nnmath.training.train`
        for the other options, among them ``class_weight`` (``"balanced"``, a dict
        ``{class number: weight}`` or one weight per class: a weight per sample in the
        loss and its gradient).
        """
        from .training import train

        return train(self, X, T, loss=loss, learning_rate=learning_rate, epochs=epochs,
                     batch_size=batch_size, shuffle=shuffle, seed=seed, optimizer=optimizer,
                     progress=progress, **options)

    # -- checks -------------------------------------------------------------
    def check_X(self, X: ArrayLike) -> FloatArray:
        """``X`` as a float array of shape (n_samples, n_inputs), or a ShapeError."""
        X_given, X = X, _float_array(X, self.dtype, "X", "a 2-D array of numbers",
                                     "Give one row per sample.")
        if X.ndim == 1 and X.shape[0] == self.n_inputs:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs or X.shape[0] == 0:
            raise ShapeError(must_be("X", f"of shape (n_samples, {self.n_inputs}) for a network "
                                     f"with {self.n_inputs} input(s)", f"shape {X.shape}",
                                     f"Give {self.n_inputs} value(s) per sample."))
        check_finite("X", X, X_given)
        return X

    def check_T(self, T: ArrayLike, n_samples: int) -> FloatArray:
        """Targets as a float array of shape (n_samples, n_outputs), or a ShapeError."""
        T_given, T = T, _float_array(T, self.dtype, "T", "an array of numbers")
        if T.ndim == 0:
            T = T.reshape(1, 1)
        if T.ndim == 1 and self.n_outputs > 1 and T.shape[0] == n_samples != 1:
            raise ShapeError(must_be(
                "target", f"of shape ({n_samples}, {self.n_outputs}): one row per sample, one "
                "column per output", f"a 1-D array of {n_samples} values, one per sample",
                "Class labels? Give one-hot rows, e.g. nnmath.datasets.one_hot(y, "
                f"{self.n_outputs}) for a network with {self.n_outputs} outputs."))
        if T.ndim == 1:
            T = T[:, None] if self.n_outputs == 1 else T[None, :]
        if T.shape != (n_samples, self.n_outputs):
            raise ShapeError(must_be("target", f"of shape ({n_samples}, {self.n_outputs}): one "
                                     "row per sample, one column per output", f"shape {T.shape}",
                                     f"Give {self.n_outputs} target value(s) per sample."))
        check_finite("target", T, T_given)
        return T

    # -- files ------------------------------------------------------------------
    def save(self, path: StrPath, **extra: Any) -> None:
        """Write the ``nnmath.network/1`` JSON model file atomically.

        ``path`` is a ``str`` or ``pathlib.Path``."""
        from .modelfile import save

        save(self, check_path(path, "path", "net.save('model.json')"), **extra)

    @classmethod
    def load(cls, path: StrPath) -> "Network":
        """Read a ``nnmath.network/1`` JSON model file (``path``: a ``str`` or ``pathlib.Path``)."""
        from .modelfile import load

        return load(check_path(path, "path", "Network.load('model.json')"))

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Network([{inner}])"

    def _repr_html_(self) -> str:   # Jupyter
        from .render import notebook

        return notebook.network_html(self)

    def _repr_markdown_(self) -> str:
        from .render import notebook

        return notebook.network_markdown(self)


def _float_array(values: ArrayLike, dtype: np.dtype[Any], what: str, constraint: str,
                 fix: str = "") -> FloatArray:
    """``values`` as an array of ``dtype`` (no copy when they already are one), or a
    ShapeError. Values too large for float32 become inf here; ``check_finite`` names them."""
    try:
        with np.errstate(over="ignore"):
            return np.asarray(values, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        raise ShapeError(must_be(what, constraint, values, fix)) from None


def _as_list(values: Any) -> list[Any] | None:
    """``list(values)`` for any iterable but a string; None for anything else."""
    if isinstance(values, (str, bytes)):
        return None
    try:
        return list(values)
    except TypeError:
        return None


def _check_param(name: str, given: np.ndarray, value: np.ndarray) -> None:
    """A ConfigError naming the first value of parameter ``name`` that is NaN, infinite, or
    (``given`` finite, ``value`` not) too large for the network's dtype."""
    bad = np.argwhere(~np.isfinite(value))
    if not bad.size:
        return
    where = tuple(int(i) for i in bad[0])
    at = f"{name}[{', '.join(map(str, where))}]" if where else name
    original = float(given[where])
    if np.isnan(original):
        raise ConfigError(must_be(name, "numbers", f"NaN (not a number) at {at}",
                                  "Give a number for every parameter."))
    if np.isinf(original):
        raise ConfigError(must_be(name, "finite numbers", f"{original} at {at}",
                                  "Give a finite number (at most 1.8e308 in size)."))
    limit = float(np.finfo(value.dtype).max)
    raise ConfigError(must_be(name, f"numbers that fit {value.dtype} (at most {limit:.3g} in "
                              "size)", f"{original:g} at {at}", "Give a smaller value, or use a "
                              "float64 network (net.astype('float64'))."))
