r"""One training step, recorded number by number: :func:`explain` and its Trace.

The trace is plain frozen data produced by the engine's own code paths
(:mod:`nnmath.backprop` for the forward and backward pass, the ``sgd``
optimizer for the update). Renderers read it; none computes a derivative.

>>> import nnmath
>>> from nnmath.article import network_b
>>> trace = nnmath.explain(network_b(), [2.0], [0.0], loss="ssr", learning_rate=0.1)
>>> round(trace.loss, 6), round(trace.loss_after, 6)
(0.0528, 0.051928)
>>> [(f.name, round(f.value, 6)) for f in trace.chains["W1"].factors]  # doctest: +NORMALIZE_WHITESPACE
[('dL/dy_hat', 0.324962), ('dy_hat/dz2', 0.219362), ('dz2/da1', -1.0),
 ('da1/dz1', 0.196612), ('dz1/dw1', 2.0)]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from ._typing import ArrayLike
from .backprop import backprop, loss_pass
from .chains import MAX_CHAIN_LAYERS, Chain, Factor, chains_of
from .checks import check_bool
from .datasets.scaling import Scaling
from .errors import ConfigError, must_be
from .gradcheck import GradCheck, gradient_check
from .jsonsafe import json_safe
from .losses import Loss, check_loss, class_weights, get_loss
from .network import Network
from .optimizers import SGD
from .trace_terms import (
    FULL_DETAIL_PARAMS,
    FULL_DETAIL_SAMPLES,
    OutputDelta,
    find_warnings,
    layer_summaries,
    output_delta,
    recursion_terms,
)

__all__ = ["explain", "Trace", "LayerTrace", "Chain", "Factor", "MAX_CHAIN_LAYERS"]

@dataclass(frozen=True)
class LayerTrace:
    """Layer ``index`` (1-based) during the step. Arrays have a sample axis first.

    W : (n_in, n_out), b : (n_out,) -- before the update;
    a_prev : (n, n_in); z, a, dL_da, delta : (n, n_out);
    g_prime : (n, n_out) elementwise slope g'(z), or None for softmax, whose
    slope is ``jacobian`` : (n, n_out, n_out), ``[s, i, j] = da_j/dz_i``;
    dL_dW : (n_in, n_out); dL_db : (n_out,); dL_da_prev : (n, n_in);
    W_after, b_after : the parameters after the update;
    terms : (n, n_out, n_next) for a hidden layer, the delta recursion term by
    term, ``[s, j, k] = delta_{l+1}[s, k] * W_{l+1}[j, k]`` (summing over ``k``
    gives ``dL_da``); None for the output layer.
    """

    index: int
    activation: str
    W: np.ndarray
    b: np.ndarray
    a_prev: np.ndarray
    z: np.ndarray
    a: np.ndarray
    dL_da: np.ndarray
    g_prime: np.ndarray | None
    jacobian: np.ndarray | None
    delta: np.ndarray
    dL_dW: np.ndarray
    dL_db: np.ndarray
    dL_da_prev: np.ndarray
    W_after: np.ndarray
    b_after: np.ndarray
    terms: np.ndarray | None = None


@dataclass(frozen=True)
class Trace:
    """One gradient-descent step of a network on a batch, every number kept.

    The loss is the mean over the batch's samples of the per-sample loss
    (``reduction = "mean"``); with one sample it is that sample's loss.
    ``loss`` is before the update, ``loss_after`` after it, on the same batch.
    ``output_delta`` holds the output layer's delta as the full chain-rule
    product beside the shortcut; ``warnings`` what a teacher would point out;
    ``check`` the finite-difference check (``explain(..., check=True)``).

    ``chains`` holds the article's chain-rule products, one per parameter, for the
    article's scalar networks (:attr:`scalar`) of up to :data:`MAX_CHAIN_LAYERS`
    layers; for a deeper one it is empty and ``chains_omitted`` says why.

    ``X`` is the network's input. With a ``scaling`` (the standardisation a
    model file stores), ``X_raw`` is the input as given and
    ``X = scaling.apply(X_raw)``, computed by :class:`~nnmath.datasets.Scaling`
    exactly as ``nnmath.inference.outputs`` (``nnmath predict``) computes it;
    without one, both ``X_raw`` and ``scaling`` are None.

    With a model file's preprocessing, ``cells`` holds the raw rows as given (numbers,
    category texts, None for a missing value) and ``preparation`` what each cell became
    (per sample, a list of :class:`nnmath.datasets.preprocess.Step`); ``X_raw`` is then
    the encoded rows, before scaling. With a regression model's ``target_scaling``,
    ``T_raw`` is the target as given and ``T = target_scaling.apply(T_raw)``; the
    network's outputs in the target's units are :attr:`outputs`.
    ``input_names`` names the network's inputs (the model file's ``feature_names``).

    With class weights (the model file's ``"class_weight"``), ``class_weight`` holds one
    weight per class and ``sample_weight`` each sample's (its class's): the per-sample
    losses ``per_sample_loss`` and ``dL_dy_hat`` carry that factor (:mod:`nnmath.losses`);
    both are None without.
    """

    X: np.ndarray
    T: np.ndarray
    loss_name: str
    learning_rate: float
    layers: tuple
    y_hat: np.ndarray
    per_sample_loss: np.ndarray
    loss: float
    dL_dy_hat: np.ndarray
    shortcut: bool
    params: dict
    gradients: dict
    updated: dict
    y_hat_after: np.ndarray
    loss_after: float
    chains: dict = field(default_factory=dict)
    chains_omitted: str | None = None
    reduction: str = "mean"
    output_delta: OutputDelta | None = None
    warnings: tuple = ()
    check: GradCheck | None = None
    X_raw: np.ndarray | None = None
    scaling: Scaling | None = None
    cells: tuple | None = None
    preparation: tuple | None = None
    T_raw: np.ndarray | None = None
    target_scaling: Scaling | None = None
    input_names: tuple = ()
    class_weight: np.ndarray | None = None
    sample_weight: np.ndarray | None = None

    @property
    def outputs(self) -> np.ndarray:
        """The network's outputs in the target's units: ``y_hat * std + mean`` with a
        target scaling, else ``y_hat`` (what ``nnmath predict`` prints)."""
        if self.target_scaling is None:
            return self.y_hat
        return self.y_hat * self.target_scaling.std + self.target_scaling.mean

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_params(self) -> int:
        return sum(p.size for p in self.params.values())

    @property
    def scalar(self) -> bool:
        """True for the article's scalar networks: one sample, one input, one neuron per
        layer (every entry is a plain number: w1, x, z1, ...)."""
        return self.X.shape == (1, 1) and all(lt.W.shape[1] == 1 for lt in self.layers)

    @property
    def full_detail(self) -> bool:
        """True when the network is small enough to explain entry by entry."""
        return self.n_params <= FULL_DETAIL_PARAMS and self.n_samples <= FULL_DETAIL_SAMPLES

    def layer_summaries(self) -> list:
        """Per-layer plain numbers (ranges, norms) for large networks."""
        return layer_summaries(self)

    def _repr_html_(self) -> str:   # Jupyter
        from .render import notebook

        return notebook.trace_html(self)

    def _repr_markdown_(self) -> str:
        from .render import notebook

        return notebook.trace_markdown(self)

    def to_dict(self) -> dict:
        """Plain JSON-ready data; keys as in ``docs/reference/json.md`` plus the full trace."""
        one = self.n_samples == 1

        def rows(arr):
            return arr[0].tolist() if one else arr.tolist()

        scaled = {} if self.scaling is None else {
            "x_scaled": rows(self.X),
            "scaling": {"mean": self.scaling.mean.tolist(), "std": self.scaling.std.tolist()}}
        if self.preparation is not None and self.cells is not None:
            scaled["cells"] = list(self.cells[0]) if one else [list(r) for r in self.cells]
            steps = [[step.to_dict() for step in sample] for sample in self.preparation]
            scaled["preparation"] = steps[0] if one else steps
        if self.target_scaling is not None and self.T_raw is not None:
            scaled["target_raw"] = rows(self.T_raw)
            scaled["target_scaling"] = {"mean": self.target_scaling.mean.tolist(),
                                        "std": self.target_scaling.std.tolist()}
            scaled["output_units"] = rows(self.outputs)
        if self.input_names and self.preparation is not None:
            scaled["input_names"] = list(self.input_names)
        scaled |= _weight_keys(self, one)
        return json_safe({   # inf/NaN: None; a warning in the trace says where
            "x": rows(self.X if self.X_raw is None else self.X_raw),
            **scaled,
            "target": rows(self.T),
            "loss_name": self.loss_name,
            "reduction": self.reduction,
            "learning_rate": self.learning_rate,
            "output": rows(self.y_hat),
            "loss": self.loss,
            "gradients": {k: v.tolist() for k, v in self.gradients.items()},
            "updated": {k: v.tolist() for k, v in self.updated.items()},
            "output_after": rows(self.y_hat_after),
            "loss_after": self.loss_after,
            "params": {k: v.tolist() for k, v in self.params.items()},
            "dL_dy_hat": rows(self.dL_dy_hat),
            "shortcut": self.shortcut,
            "layers": [{
                "index": lt.index, "activation": lt.activation,
                "z": rows(lt.z), "a": rows(lt.a), "dL_da": rows(lt.dL_da),
                "g_prime": None if lt.g_prime is None else rows(lt.g_prime),
                "delta": rows(lt.delta),
                "dL_dW": lt.dL_dW.tolist(), "dL_db": lt.dL_db.tolist(),
                "W": lt.W.tolist(), "b": lt.b.tolist(), "a_prev": rows(lt.a_prev),
                "jacobian": None if lt.jacobian is None else rows(lt.jacobian),
                "dL_da_prev": rows(lt.dL_da_prev),
                "terms": None if lt.terms is None else rows(lt.terms),
            } for lt in self.layers],
            "chains": {name: {
                "symbol": c.symbol, "product": c.product, "gradient": c.gradient,
                "factors": [{"name": f.name, "value": f.value, "meaning": f.meaning}
                            for f in c.factors],
            } for name, c in self.chains.items()},
            "chains_omitted": self.chains_omitted,
            "output_delta": None if self.output_delta is None else self.output_delta.to_dict(rows),
            "warnings": [w.to_dict() for w in self.warnings],
            "check": None if self.check is None else self.check.to_dict(),
            "n_params": self.n_params,
            "full_detail": self.full_detail,
        })


def _weight_keys(trace: Trace, one: bool) -> dict:
    """``class_weight`` and ``sample_weight`` of ``to_dict``, with class weights."""
    if trace.class_weight is None or trace.sample_weight is None:
        return {}
    return {"class_weight": trace.class_weight.tolist(),
            "sample_weight": trace.sample_weight[0].item() if one else
            trace.sample_weight.tolist()}


def explain(network: Network, x: ArrayLike, target: ArrayLike, loss: str = "ssr",
            learning_rate: float = 0.1, check: bool = False,
            scaling: Literal["model"] | Scaling | None = "model",
            class_weight: object = "model") -> Trace:
    r"""Record one gradient-descent step of ``network`` on ``x``; ``network`` is unchanged.

    Parameters
    ----------
    network : Network
    x : array-like of shape (n_inputs,) for one sample, or (n_samples, n_inputs)
        The raw input: with a scaling, the step starts by scaling it.
    target : array-like of shape (n_outputs,) or (n_samples, n_outputs)
    loss : {"ssr", "mse", "bce", "cross_entropy"}, default "ssr"
    learning_rate : float, default 0.1
    check : bool, default False
        Also compute central finite differences for every parameter
        (:mod:`nnmath.gradcheck`), kept in ``trace.check``.
    scaling : "model", None or Scaling, default "model"
        ``"model"``: the preprocessing and the scaling stored in the model file
        (``network.info["preprocessing"]``, ``["scaling"]``), if any, are applied to
        ``x`` first, as ``nnmath predict`` does, so ``trace.y_hat`` is what
        ``predict`` gives (``trace.outputs`` in a scaled target's units); ``None``:
        ``x`` is already the network's input; a :class:`~nnmath.datasets.Scaling`:
        that one is applied. A target scaling the model file stores
        (``"target_scaling"``) is always applied to ``target``, given in the target's
        units.
    class_weight : "model", None, "balanced", dict or sequence, default "model"
        ``"model"``: the class weights the model file records (``network.info
        ["class_weight"]``), if any; None: none; else as in :func:`nnmath.training.train`.
        Each sample's loss and ``dL/dy_hat`` carry its class's weight as a factor.

        .. math:: x_\text{scaled} = (x - \text{mean}) / \text{std}

    Returns
    -------
    Trace
        ``trace.X`` is the network's input; ``trace.X_raw`` the given ``x``
        and ``trace.scaling`` the scaling (both None without a scaling).

    Examples
    --------
    >>> from nnmath.article import network_b
    >>> from nnmath.datasets import Scaling
    >>> net = network_b()
    >>> net.info = {"scaling": {"method": "standard", "mean": [1.5], "std": [0.25]}}
    >>> trace = explain(net, [2.0], [0.0])          # the stored scaling: (2 - 1.5)/0.25 = 2
    >>> trace.X_raw.tolist(), trace.X.tolist(), round(trace.loss, 6)
    ([[2.0]], [[2.0]], 0.0528)
    >>> explain(net, [2.0], [0.0], scaling=None).X.tolist()      # x is the input as it is
    [[2.0]]
    >>> explain(net, [2.5], [0.0], scaling=Scaling(np.array([0.5]), np.array([2.0]))).X.tolist()
    [[1.0]]
    """
    if not isinstance(network, Network):
        raise ConfigError(must_be("network", "a nnmath.Network", network,
                                  "For example nnmath.Network.load('model.json')."))
    check = check_bool(check, "check")
    cells = preparation = None
    pre = _preprocessing(network) if isinstance(scaling, str) and scaling == "model" else None
    if pre is not None:
        cells, encoded, preparation = _prepare(pre, x)
        X_given = network.check_X(encoded)
    else:
        X_given = network.check_X(x)
    scaling = _scaling(network, scaling)
    X_raw: np.ndarray | None = None    # kept only beside a scaling
    if scaling is None:
        X = X_given
    else:
        if scaling.mean.shape != (network.n_inputs,):
            raise ConfigError(must_be("the scaling", f"one mean and std per input "
                                      f"({network.n_inputs})", f"{scaling.mean.size} of each"))
        X_raw = X_given
        with np.errstate(over="ignore", invalid="ignore"):   # warned in the trace
            X = scaling.apply(X_raw)
    T = network.check_T(target, X.shape[0])
    T_raw = None   # the target as given, beside a target scaling (the model file's)
    target_scaling = _target_scaling(network) if _model_scaled(network) else None
    if target_scaling is not None:
        T_raw, T = T, target_scaling.apply(T)
    loss_fn = get_loss(check_loss(network.layers[-1].activation, loss, T)).weighted(
        _class_weight(network, class_weight, T))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # warned in the trace
        trace = _record(network, X, T, loss_fn, learning_rate, X_raw, scaling)
        if check:
            trace = replace(trace, check=gradient_check(network, X, T, loss_fn,
                                                         analytic=trace.gradients))
    names = network.info.get("feature_names") if isinstance(network.info, dict) else None
    trace = replace(trace, cells=cells, preparation=preparation, T_raw=T_raw,
                    target_scaling=target_scaling,
                    input_names=tuple(str(n) for n in names) if names and
                    len(names) == network.n_inputs else ())
    return replace(trace, warnings=find_warnings(trace))


def _class_weight(network: Network, class_weight: object, T: np.ndarray):
    """The weights per class of the explained loss: the model file's (``"model"``), or
    :func:`nnmath.losses.class_weights` of the ones given."""
    if isinstance(class_weight, str) and class_weight == "model":
        recorded = network.info.get("class_weight") if isinstance(network.info, dict) else None
        return None if recorded is None else np.asarray(recorded, dtype=np.float64)
    return class_weights(class_weight, T)


def _preprocessing(network: Network):
    from .inference import preprocessing_of

    return preprocessing_of(network)


def _model_scaled(network: Network) -> bool:
    return isinstance(network.info, dict) and network.info.get("target_scaling") is not None


def _target_scaling(network: Network) -> Scaling | None:
    from .inference import target_scaling_of

    return target_scaling_of(network)


def _prepare(pre, x) -> tuple:
    """``(cells, encoded, steps)``: the raw rows of ``x`` (one row, or a list of rows), their
    inputs before scaling, and what each cell became (:meth:`Preprocessing.steps`)."""
    rows = x.tolist() if isinstance(x, np.ndarray) else list(x)
    if rows and not isinstance(rows[0], (list, tuple, np.ndarray)):
        rows = [rows]
    rows = [list(r) for r in rows]
    encoded = pre.encode_cells(rows)
    steps = tuple(tuple(pre.steps(row)) for row in rows)
    return tuple(tuple(r) for r in rows), encoded, steps


def _scaling(network: Network, scaling) -> Scaling | None:
    """The scaling ``explain`` applies: the model file's (``"model"``), none, or the one given."""
    if isinstance(scaling, str) and scaling == "model":
        from .inference import scaling_of

        return scaling_of(network)
    if scaling is None or isinstance(scaling, Scaling):
        return scaling
    raise ConfigError(must_be("scaling", '"model", None or a nnmath.datasets.Scaling', scaling))


def _recorded(value: np.ndarray | None) -> np.ndarray:
    """An array a recording pass always computes (``backward_pass(record=True)``); the
    engine's types allow None for the training loop, which skips it."""
    if value is None:
        raise RuntimeError("a recording backward pass left out an array it keeps")
    return value


def _record(network: Network, X, T, loss: Loss, learning_rate, X_raw=None,
            scaling=None) -> Trace:
    before = backprop(network.layers, X, T, loss)
    after_net = network.copy()
    SGD(learning_rate).step(after_net.params(), before.gradients())
    after = loss_pass(after_net.layers, X, T, loss)

    layers = []
    for ell, (layer, new, fwd, back) in enumerate(
            zip(network.layers, after_net.layers, before.forwards, before.backwards), start=1):
        layers.append(LayerTrace(
            index=ell, activation=layer.activation, W=layer.W.copy(), b=layer.b.copy(),
            a_prev=fwd.a_prev, z=fwd.z, a=fwd.a, dL_da=_recorded(back.dL_da),
            g_prime=back.g_prime, jacobian=back.jacobian,
            delta=back.delta, dL_dW=back.dL_dW, dL_db=back.dL_db,
            dL_da_prev=_recorded(back.dL_da_prev), W_after=new.W, b_after=new.b,
            terms=None if ell == len(network.layers) else recursion_terms(
                before.backwards[ell].delta, network.layers[ell].W)))

    trace = Trace(
        X=X, T=T, loss_name=before.loss_name, learning_rate=float(learning_rate),
        layers=tuple(layers), y_hat=before.y_hat,
        per_sample_loss=_recorded(before.per_sample_loss), loss=before.loss,
        dL_dy_hat=_recorded(before.dL_dy_hat), shortcut=before.shortcut,
        params={k: v.copy() for k, v in network.params().items()},
        gradients=before.gradients(), updated=after_net.params(),
        y_hat_after=after.y_hat, loss_after=after.loss,
        output_delta=output_delta(layers[-1].activation, layers[-1].z, layers[-1].a,
                                  before.dL_dy_hat, layers[-1].delta, before.shortcut),
        X_raw=X_raw, scaling=scaling, class_weight=loss.class_weight,
        sample_weight=loss.sample_weight(T))
    if not trace.scalar:
        return trace
    if len(layers) > MAX_CHAIN_LAYERS:
        return replace(trace, chains_omitted=(
            f"The chain-rule products of each parameter are written out for networks of up "
            f"to {MAX_CHAIN_LAYERS} layers (MAX_CHAIN_LAYERS); this one has {len(layers)}. "
            "The chain of a layer-l parameter holds every factor from the loss down to "
            "layer l, so they would grow with the square of the depth. The delta recursion, "
            "layer by layer, gives the same gradients."))
    return replace(trace, chains=chains_of(trace))
