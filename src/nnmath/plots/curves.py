"""Curves of a trained network: the loss over epochs, P(class | feature), the decision map.

Every value drawn is the engine's: ``History.loss`` for the loss curve and
``net.forward`` for the probabilities (the curve's y-values *are*
``net.forward`` at its x-values).
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, ShapeError, must_be
from ..render.mathexpr import num
from .figure import (
                     CLASS_COLORS,
                     Drawing,
                     as_label,
                     as_labels,
                     check_labels,
                     new_axes,
                     plane_grid,
                     widened,
)

__all__ = ["loss_curve", "probability_curve", "decision_boundary", "decision_map",
           "class_probability"]

VALIDATION_KEYS = ("val_loss", "validation_loss")
MAX_LEGEND = 12   # classes named in a legend; beyond, the legend is left out


def loss_curve(history, ax=None, log: bool = False, label: str = "training",
               title: str | None = None) -> Drawing:
    """The loss after each epoch (epoch 0 = before training), and validation if recorded.

    Parameters
    ----------
    history : History
        ``history.loss[e]`` is drawn at epoch ``e + 1``, ``history.initial_loss``
        at epoch 0 (a History read back from a thinned model-file record: at its
        ``epoch_numbers()``). A validation curve is drawn when the history has one
        (attribute ``val_loss`` or ``validation_loss``, one value per epoch), and
        the best epoch of early stopping as a dotted line.
    log : bool, default False
        Logarithmic loss axis.

    Returns
    -------
    Drawing with ``artists["train"]`` (Line2D), ``artists["validation"]`` and
    ``artists["best"]`` (or None).
    """
    loss = [float(v) for v in history.loss]
    if not loss:
        raise ConfigError(must_be("history", "the record of at least one epoch", "no epochs",
                                  "Train first: history = net.fit(X, T, epochs=...)."))
    fig, ax = new_axes(ax, figsize=(6.0, 3.8))
    numbers = history.epoch_numbers() if hasattr(history, "epoch_numbers") else \
        list(range(1, len(loss) + 1))
    initial = float(getattr(history, "initial_loss", float("nan")))
    epochs = np.array(([0] if np.isfinite(initial) else []) + list(numbers))
    values = ([initial] if np.isfinite(initial) else []) + loss
    settings = getattr(history, "settings", {}) or {}
    loss_name = as_label(settings.get("loss", "loss"))   # from a model file: a name
    train, = ax.plot(epochs, values, color=CLASS_COLORS[2], lw=1.8, label=as_label(label))
    validation = None
    for key in VALIDATION_KEYS:
        val = getattr(history, key, None)
        if val:
            val = [float(v) for v in val]
            validation, = ax.plot(numbers[len(numbers) - len(val):], val,
                                  color=CLASS_COLORS[4], lw=1.8, ls="--", label="validation")
            break
    best = getattr(history, "best_epoch", None)
    best_line = None
    if best:
        best_line = ax.axvline(best, color="#777777", lw=1, ls=":",
                               label=f"best epoch {best} (its parameters kept)")
    if log:
        ax.set_yscale("log")
    n_epochs = int(numbers[-1])
    thinned = "" if n_epochs == len(loss) else f", {len(loss)} of them recorded"
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"loss ({loss_name}, mean over rows)")
    kept = getattr(history, "kept_loss", None) if best else None
    end = f"{num(kept)} at epoch {best}, kept" if kept is not None else num(loss[-1])
    ax.set_title(title or f"Loss over {n_epochs} epochs{thinned}: {num(values[0])} → "
                          f"{end}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return Drawing(fig, ax, {"train": train, "validation": validation, "best": best_line})


def class_probability(net, X, class_index: int | None = None, transform=None) -> np.ndarray:
    """``P(class | x)`` for each row: ``y_hat[:, 0]`` for one output, else ``y_hat[:, k]``.

    ``class_index`` defaults to the positive class: 1 for one sigmoid output
    (``P(class 1) = y_hat``) and for several outputs the last column.
    ``transform`` (e.g. a stored scaling's ``apply``) maps the features
    drawn to the network's inputs: ``y_hat = net.forward(transform(X))``.
    """
    y_hat = net.forward(X if transform is None else transform(np.asarray(X, dtype=float)))
    if net.n_outputs == 1:
        if class_index not in (None, 1):
            raise ConfigError(must_be("class_index", "1 for a network with one output "
                                      "(it gives P(class 1))", class_index))
        return y_hat[:, 0]
    k = net.n_outputs - 1 if class_index is None else class_index
    if not 0 <= k < net.n_outputs:
        raise ConfigError(must_be("class_index", f"0 to {net.n_outputs - 1}", class_index))
    return y_hat[:, k]


def decision_boundary(net, lo: float, hi: float, class_index: int | None = None,
                      n: int = 2001, transform=None) -> list[float]:
    """The inputs in ``[lo, hi]`` where P(class | x) crosses 0.5 (one-input networks).

    Found on a grid of ``n`` points, then refined by bisection with ``net.forward``.

    >>> from nnmath import Network, Dense
    >>> net = Network([Dense(W=[[2.0]], b=[-4.0], activation="sigmoid")])
    >>> decision_boundary(net, 0.0, 5.0)
    [2.0]
    """
    x = np.linspace(lo, hi, n)
    p = class_probability(net, x[:, None], class_index, transform) - 0.5
    found = []
    for i in np.flatnonzero(np.sign(p[:-1]) * np.sign(p[1:]) < 0):
        a, b, pa = x[i], x[i + 1], p[i]
        for _ in range(60):
            m = (a + b) / 2
            pm = class_probability(net, [[m]], class_index, transform)[0] - 0.5
            a, b, pa = (m, b, pm) if np.sign(pm) == np.sign(pa) else (a, m, pa)
        found.append(float((a + b) / 2))
    found += [float(v) for v in x[p == 0]]
    return sorted(found)


def probability_curve(net, X=None, y=None, ax=None, class_index: int | None = None,
                      class_names=None, feature_name: str = "x", x_range=None,
                      n: int = 400, title: str | None = None, transform=None) -> Drawing:
    """P(class | feature) of a one-input network, with the data drawn at their labels.

    The PSA picture: the curve of the network's probability of the positive
    class across the feature, the rows of the dataset at height 0 or 1 by their
    class, the 0.5 line and the decision boundary (where the curve crosses it).

    Parameters
    ----------
    net : Network with one input
    X : array of shape (n_samples, 1), optional;  y : array of shape (n_samples,) of 0/1
    class_index : int, optional  (see :func:`class_probability`)
    class_names : sequence of str, optional  (``("Healthy", "Cancer")`` for the PSA data)
    x_range : (lo, hi), optional  (default: the data's range with a margin, else (-5, 5))
    transform : callable, optional
        Maps the feature drawn to the network's input (a stored scaling).

    Returns
    -------
    Drawing with ``artists``: ``curve`` (Line2D), ``points`` (list of PathCollections
    per class), ``boundaries`` (list of x), ``boundary_lines``.
    """
    if net.n_inputs != 1:
        raise ShapeError(must_be("the network", "one with one input for a P(class | x) "
                                 "curve", f"{net.n_inputs} inputs",
                                 "Use decision_map for two inputs."))
    if X is not None:
        X, y = check_labels(X, y, 1)
    if x_range is None:
        if X is None:
            x_range = (-5.0, 5.0)
        else:
            x_range = widened(float(X.min()), float(X.max()), 0.15, "the data's x")
    class_names, feature_name = as_labels(class_names), as_label(feature_name)
    positive = _positive_name(net, class_index, class_names)
    fig, ax = new_axes(ax, figsize=(6.4, 4.0))
    xs = np.linspace(x_range[0], x_range[1], n)
    curve, = ax.plot(xs, class_probability(net, xs[:, None], class_index, transform),
                     color="#333333",
                     lw=2.0, label=f"P({positive} | {feature_name})")
    ax.axhline(0.5, color="#999999", lw=0.8, ls=":")
    points = []
    if X is not None and y is not None:
        names = class_names or [f"class {k}" for k in range(int(y.max()) + 1)]
        for k in np.unique(y):
            rows = y == k
            points.append(ax.scatter(X[rows, 0], np.full(rows.sum(), float(k == _pos(net, class_index))),
                                     s=46, color=CLASS_COLORS[int(k) % len(CLASS_COLORS)],
                                     edgecolor="white", zorder=3, label=str(names[int(k)])))
    boundaries = decision_boundary(net, x_range[0], x_range[1], class_index=class_index,
                                   transform=transform)
    lines = [ax.axvline(b, color=CLASS_COLORS[4], lw=1.2, ls="--") for b in boundaries]
    for b in boundaries:
        ax.annotate(f"P = 0.5 at {feature_name} = {num(b, 4)}", (b, 0.5), xytext=(6, -16),
                    textcoords="offset points", fontsize=8, color=CLASS_COLORS[4])
    ax.set_ylim(-0.06, 1.06)
    ax.set_xlim(*x_range)
    ax.set_xlabel(feature_name)
    ax.set_ylabel(f"P({positive} | {feature_name})")
    ax.set_title(title or f"The network's P({positive} | {feature_name})", fontsize=10)
    ax.grid(alpha=0.3)
    if len(points) <= MAX_LEGEND:   # more classes than that: a legend would hide the plot
        ax.legend(frameon=False, fontsize=8, loc="center left" if boundaries else "best")
    return Drawing(fig, ax, {"curve": curve, "points": points, "boundaries": boundaries,
                             "boundary_lines": lines})


def decision_map(net, X=None, y=None, ax=None, class_index: int | None = None,
                 class_names=None, feature_names=("x1", "x2"), resolution: int = 150,
                 limits=None, title: str | None = None, colorbar: bool = True,
                 transform=None) -> Drawing:
    """The Playground's picture: a two-input network's output over the plane.

    One or two outputs: the colour is P(class 1 | x1, x2) with the 0.5 contour drawn.
    More outputs: the colour is the predicted class (argmax), paler where
    the network is less sure. Data rows are drawn as points by class.
    ``transform`` maps the plane drawn to the network's inputs (a stored scaling).

    Returns
    -------
    Drawing with ``artists``: ``mesh`` (the image), ``grid`` (x1, x2 axes of the
    image), ``values`` ((resolution, resolution) array drawn: P or class),
    ``contour``, ``points``.
    """
    if net.n_inputs != 2:
        raise ShapeError(must_be("the network", "one with two inputs for a decision map",
                                 f"{net.n_inputs} input(s)",
                                 "Use probability_curve for one input."))
    if X is not None:
        X, y = check_labels(X, y, 2)
    limits, g1, g2, G1, G2, grid = plane_grid(X, limits, resolution, pad=0.15)
    class_names, feature_names = as_labels(class_names), as_labels(feature_names)
    fig, ax = new_axes(ax, figsize=(5.4, 4.6))
    extent = (*limits[0], *limits[1])
    contour = None
    if net.n_outputs <= 2 or class_index is not None:      # P(positive class), 0.5 contour
        values = class_probability(net, grid, class_index, transform).reshape(G1.shape)
        mesh, contour = _probability_mesh(fig, ax, values, (G1, G2), extent, colorbar,
                                          _positive_name(net, class_index, class_names))
    else:
        values, mesh = _class_mesh(ax, net, grid if transform is None else transform(grid),
                                   G1.shape, extent)
    points = []
    if X is not None and y is not None:
        points = _class_points(ax, X, y, class_names, net.n_outputs)
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title or "Decision map", fontsize=10)
    return Drawing(fig, ax, {"mesh": mesh, "grid": (g1, g2), "values": values,
                             "contour": contour, "points": points})


def _probability_mesh(fig, ax, values, mesh_xy, extent, colorbar: bool, positive: str):
    """P(positive class) over the plane, from one class's colour to the other's, and the
    0.5 contour (None when P does not cross 0.5): ``(image, contour)``."""
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("p", [CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1]])
    mesh = ax.imshow(values, origin="lower", extent=extent, aspect="auto", cmap=cmap,
                     vmin=0, vmax=1, interpolation="bilinear")
    if colorbar:
        fig.colorbar(mesh, ax=ax, label=f"P({positive})")
    contour = None
    if values.min() < 0.5 < values.max():
        contour = ax.contour(*mesh_xy, values, levels=[0.5], colors="#333333", linewidths=1.4)
    return mesh, contour


def _class_mesh(ax, net, inputs, shape, extent):
    """The predicted class (argmax) over the plane, paler where the network is less sure:
    ``(classes, image)``."""
    from matplotlib.colors import ListedColormap

    k_out = net.n_outputs
    y_hat = net.forward(inputs)
    values = np.argmax(y_hat, axis=1).reshape(shape)
    sure = np.max(y_hat, axis=1).reshape(shape)
    colors = ListedColormap([CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(k_out)])
    mesh = ax.imshow(values, origin="lower", extent=extent, aspect="auto", cmap=colors,
                     vmin=-0.5, vmax=k_out - 0.5, interpolation="nearest",
                     alpha=0.25 + 0.55 * (sure - 1 / k_out) / (1 - 1 / k_out))
    return values, mesh


def _class_points(ax, X, y, class_names, k_out: int) -> list:
    """The data rows, one colour a class, with a legend (up to MAX_LEGEND classes)."""
    names = class_names or [f"class {k}" for k in range(max(int(y.max()) + 1, k_out))]
    points = []
    for k in np.unique(y):
        rows = y == k
        points.append(ax.scatter(X[rows, 0], X[rows, 1], s=30,
                                 color=CLASS_COLORS[int(k) % len(CLASS_COLORS)],
                                 edgecolor="#222222", lw=0.9, label=str(names[int(k)])))
    if len(points) <= MAX_LEGEND:
        ax.legend(frameon=True, fontsize=8)
    return points


def _pos(net, class_index) -> int:
    return 1 if net.n_outputs == 1 else (net.n_outputs - 1 if class_index is None
                                         else class_index)


def _positive_name(net, class_index, class_names) -> str:
    k = _pos(net, class_index)
    if class_names is not None and k < len(class_names):
        return str(class_names[k])
    return f"class {k}"
