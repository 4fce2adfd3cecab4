"""Pictures of a regression network: predicted vs actual, residuals, the fitted curve, the map.

The numbers drawn are the engine's: the predictions ``y_pred`` come from
:func:`nnmath.inference.outputs` (the caller passes them) or, for the
curve and the map, from ``net.forward`` at the x-values drawn (through
``transform``, a stored scaling's ``apply``); R² and the mean squared error
from :mod:`nnmath.metrics`. Residuals are ``y − y_hat`` (actual minus predicted).

>>> import numpy as np
>>> drawing = predicted_vs_actual([1.0, 2.0, 3.0], [1.5, 2.0, 2.5])
>>> round(drawing["r2"], 6), round(drawing["mse"], 6)
(0.75, 0.166667)
>>> residual_plot([1.0, 2.0, 3.0], [1.5, 2.0, 2.5])["residuals"].ravel().tolist()
[-0.5, 0.0, 0.5]
"""

from __future__ import annotations

import numpy as np

from .. import metrics
from ..errors import DataError, ShapeError, must_be
from ..render.mathexpr import num
from .figure import CLASS_COLORS, Drawing, as_label, as_labels, new_axes, plane_grid, widened

__all__ = ["predicted_vs_actual", "residual_plot", "regression_curve", "regression_map"]

IDENTITY = "#999999"


def _columns(y_true, y_pred):
    """``(T, Y)``: actual and predicted values as (n_samples, n_outputs) float arrays."""
    Y = np.asarray(y_pred, dtype=float)
    Y = Y[:, None] if Y.ndim == 1 else Y
    T = np.asarray(y_true, dtype=float)
    T = T[:, None] if T.ndim == 1 else T
    if Y.ndim != 2 or T.shape != Y.shape:
        raise DataError(must_be("y_true", f"one value per output of y_pred, shape {Y.shape}",
                                f"shape {T.shape}", "Give one target column per output of "
                                "the network."))
    if T.shape[0] == 0:
        raise DataError(must_be("y_true", "at least one row", "no rows"))
    return T, Y


def _output_labels(k, target_name, output_names):
    """The label of each output: its name, else the target's (escaped: :func:`as_label`)."""
    if output_names is not None and len(output_names) == k:
        return as_labels(output_names)
    return [target_name] if k == 1 else [f"{target_name}[{j}]" for j in range(k)]


def _alpha(n: int) -> float:
    return float(np.clip(30 / np.sqrt(max(n, 1)), 0.25, 0.9))


def predicted_vs_actual(y_true, y_pred, ax=None, target_name: str = "y", output_names=None,
                        title: str | None = None) -> Drawing:
    """Each row at (actual, predicted), with the line y_hat = y and R² (a perfect fit lies on it).

    Parameters
    ----------
    y_true : array of shape (n_samples,) or (n_samples, n_outputs)
    y_pred : array of the same shape: the network's ``y_hat``
        (:func:`nnmath.inference.outputs` applies a stored scaling first).

    Returns
    -------
    Drawing with ``artists``: ``points`` (a PathCollection per output),
    ``identity`` (the Line2D y_hat = y), ``r2`` (:func:`nnmath.metrics.r2`)
    and ``mse`` (:func:`nnmath.metrics.mean_squared_error`).
    """
    T, Y = _columns(y_true, y_pred)
    target_name = as_label(target_name)
    r2, mse = metrics.r2(T, Y), metrics.mean_squared_error(T, Y)
    fig, ax = new_axes(ax, figsize=(5.2, 4.8))
    lo, hi = widened(float(min(T.min(), Y.min())), float(max(T.max(), Y.max())), 0.05,
                     "the targets and predictions")
    identity, = ax.plot([lo, hi], [lo, hi], color=IDENTITY, lw=1.2,
                        ls="--", label="y_hat = y (a perfect fit)", zorder=1)
    labels = _output_labels(T.shape[1], target_name, output_names)
    points = []
    for j, label in enumerate(labels):
        extra = " (one point per row)" if T.shape[1] == 1 else \
            f" (R² {num(metrics.r2(T[:, j], Y[:, j]), 4)})"
        points.append(ax.scatter(T[:, j], Y[:, j], s=22, alpha=_alpha(len(T)),
                                 color=CLASS_COLORS[(2 + j) % len(CLASS_COLORS)],
                                 edgecolor="white", lw=0.4, zorder=2, label=label + extra))
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel(f"actual {target_name}")
    ax.set_ylabel(f"predicted {target_name} (y_hat)")
    ax.set_title(title or f"Predicted vs actual: R² = {num(r2, 4)}, MSE = {num(mse, 4)} "
                          f"({len(T)} rows)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return Drawing(fig, ax, {"points": points, "identity": identity, "r2": r2, "mse": mse})


def residual_plot(y_true, y_pred, ax=None, target_name: str = "y", output_names=None,
                  title: str | None = None) -> Drawing:
    """The residual ``y − y_hat`` of each row against its prediction ``y_hat``.

    A good fit leaves residuals scattered evenly around 0 with no pattern;
    a curve or a funnel shows what the network misses.

    Returns
    -------
    Drawing with ``artists``: ``points`` (a PathCollection per output),
    ``zero`` (the line residual = 0), ``residuals`` ((n_samples, n_outputs)
    array drawn) and ``mse``.
    """
    T, Y = _columns(y_true, y_pred)
    target_name = as_label(target_name)
    residuals = T - Y
    mse = metrics.mean_squared_error(T, Y)
    fig, ax = new_axes(ax, figsize=(6.0, 4.0))
    zero = ax.axhline(0.0, color=IDENTITY, lw=1.2, ls="--", zorder=1)
    points = []
    for j, label in enumerate(_output_labels(T.shape[1], target_name, output_names)):
        points.append(ax.scatter(Y[:, j], residuals[:, j], s=22, alpha=_alpha(len(T)),
                                 color=CLASS_COLORS[(2 + j) % len(CLASS_COLORS)],
                                 edgecolor="white", lw=0.4, zorder=2, label=label))
    ax.set_xlabel(f"predicted {target_name} (y_hat)")
    ax.set_ylabel(f"residual {target_name} − y_hat")
    ax.set_title(title or f"Residuals: root mean squared error {num(np.sqrt(mse), 4)} "
                          f"({len(T)} rows)", fontsize=10)
    ax.grid(alpha=0.3)
    if T.shape[1] > 1:
        ax.legend(frameon=False, fontsize=8)
    return Drawing(fig, ax, {"points": points, "zero": zero, "residuals": residuals,
                             "mse": mse})


def regression_curve(net, X=None, y=None, ax=None, feature_name: str = "x",
                     target_name: str = "y", output_names=None, x_range=None, n: int = 400,
                     title: str | None = None, transform=None) -> Drawing:
    """The fitted function ``y_hat(x)`` of a one-input network, with the data rows.

    Parameters
    ----------
    net : Network with one input
    X : array of shape (n_samples, 1), optional
    y : array of shape (n_samples,) or (n_samples, n_outputs), optional
    x_range : (lo, hi), optional
        Default: the data's range with a margin, else (-5, 5).
    transform : callable, optional
        Maps the feature drawn to the network's input (a stored scaling).

    Returns
    -------
    Drawing with ``artists``: ``curves`` (a Line2D per output: its y-values
    are ``net.forward(transform(x))`` at its x-values) and ``points``.
    """
    if net.n_inputs != 1:
        raise ShapeError(must_be("the network", "one with one input for a fitted curve",
                                 f"{net.n_inputs} inputs", "Use regression_map for two."))
    if X is not None:
        X = np.asarray(X, dtype=float)
        X = X[:, None] if X.ndim == 1 else X
        if X.ndim != 2 or X.shape[1] != 1:
            raise DataError(must_be("X", "of shape (n_samples, 1)", f"shape {X.shape}"))
    if x_range is None:
        if X is None or not len(X):
            x_range = (-5.0, 5.0)
        else:
            x_range = widened(float(X.min()), float(X.max()), 0.08, "the data's x")
    feature_name, target_name = as_label(feature_name), as_label(target_name)
    xs = np.linspace(x_range[0], x_range[1], n)
    grid = xs[:, None]
    y_hat = net.forward(grid if transform is None else transform(grid))
    labels = _output_labels(net.n_outputs, target_name, output_names)
    fig, ax = new_axes(ax, figsize=(6.4, 4.0))
    points = []
    if X is not None and y is not None:
        T = _target_columns(y, X.shape[0], net.n_outputs)
        for j, label in enumerate(labels):
            points.append(ax.scatter(X[:, 0], T[:, j], s=18, alpha=_alpha(len(X)),
                                     color=CLASS_COLORS[(2 + j) % len(CLASS_COLORS)],
                                     edgecolor="white", lw=0.4, zorder=2,
                                     label=f"data: {label}"))
    curves = [ax.plot(xs, y_hat[:, j], color="#333333" if net.n_outputs == 1 else
                      CLASS_COLORS[(2 + j) % len(CLASS_COLORS)], lw=2.0, zorder=3,
                      label=f"y_hat: the network's {label}")[0]
              for j, label in enumerate(labels)]
    ax.set_xlim(*x_range)
    ax.set_xlabel(feature_name)
    ax.set_ylabel(target_name)
    ax.set_title(title or f"The network's fitted {target_name} over {feature_name}",
                 fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    return Drawing(fig, ax, {"curves": curves, "points": points})


def regression_map(net, X=None, y=None, ax=None, feature_names=("x1", "x2"),
                   target_name: str = "y", output: int = 0, resolution: int = 150,
                   limits=None, title: str | None = None, colorbar: bool = True,
                   transform=None) -> Drawing:
    """``y_hat`` of a two-input network over the plane, with the data rows in the same colours.

    Each data point is filled with the colour of its actual value, on the
    map's colour scale: where a point's colour stands out from the map around
    it, the network is off.

    Parameters
    ----------
    output : int, default 0
        Which output is drawn (for a network with several).

    Returns
    -------
    Drawing with ``artists``: ``mesh`` (the image), ``grid`` (x1, x2 axes of
    the image), ``values`` ((resolution, resolution) array of ``y_hat[:, output]``),
    ``contour``, ``points``.
    """
    if net.n_inputs != 2:
        raise ShapeError(must_be("the network", "one with two inputs for a map of y_hat",
                                 f"{net.n_inputs} input(s)",
                                 "Use regression_curve for one input."))
    if not 0 <= output < net.n_outputs:
        raise ShapeError(must_be("output", f"0 to {net.n_outputs - 1}", output))
    if X is not None:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise DataError(must_be("X", "of shape (n_samples, 2)", f"shape {X.shape}"))
    rows = X if X is not None and len(X) else None   # no rows: the default plane
    limits, g1, g2, G1, G2, grid = plane_grid(rows, limits, resolution, pad=0.08)
    values = net.forward(grid if transform is None else transform(grid))[:, output]
    values = values.reshape(G1.shape)
    T = None
    if X is not None and y is not None:
        T = _target_columns(y, X.shape[0], net.n_outputs)
        T = T[:, output]
    norm = _one_scale(values, T)
    feature_names, target_name = as_labels(feature_names), as_label(target_name)
    fig, ax = new_axes(ax, figsize=(5.6, 4.6))
    label = target_name if net.n_outputs == 1 else f"{target_name}[{output}]"
    mesh, contour = _y_hat_mesh(fig, ax, values, (G1, G2), (*limits[0], *limits[1]), norm,
                                f"y_hat ({label})" if colorbar else None)
    points = []
    if T is not None:
        points.append(ax.scatter(X[:, 0], X[:, 1], c=T, cmap="viridis", norm=norm, s=26,
                                 edgecolor="#222222", lw=0.7, zorder=3,
                                 label=f"data: actual {label}"))
        ax.legend(frameon=True, fontsize=8, loc="upper right")
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title or f"The network's y_hat ({label}) over the plane", fontsize=10)
    return Drawing(fig, ax, {"mesh": mesh, "grid": (g1, g2), "values": values,
                             "contour": contour, "points": points})


def _one_scale(values, T):
    """One colour scale for the map's ``values`` and the actual targets ``T`` (or None)."""
    from matplotlib.colors import Normalize

    lo = float(values.min() if T is None else min(values.min(), T.min()))
    hi = float(values.max() if T is None else max(values.max(), T.max()))
    return Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1)


def _y_hat_mesh(fig, ax, values, mesh_xy, extent, norm, colorbar_label):
    """y_hat over the plane with labelled contour lines (None where y_hat is flat), and a
    colour bar when ``colorbar_label`` is given: ``(image, contour)``."""
    mesh = ax.imshow(values, origin="lower", extent=extent, aspect="auto",
                     cmap="viridis", norm=norm, interpolation="bilinear")
    if colorbar_label is not None:
        fig.colorbar(mesh, ax=ax, label=colorbar_label)
    contour = None
    if values.max() > values.min():
        contour = ax.contour(*mesh_xy, values, levels=6, colors="white", linewidths=0.7,
                             alpha=0.8)
        ax.clabel(contour, fontsize=7, fmt=lambda v: num(v, 3))
    return mesh, contour


def _target_columns(y, n_samples: int, n_outputs: int) -> np.ndarray:
    """``y`` as (n_samples, n_outputs) floats (a 1-D ``y`` is one column), or a DataError."""
    T = np.asarray(y, dtype=float)
    T = T[:, None] if T.ndim == 1 else T
    if T.shape != (n_samples, n_outputs):
        raise DataError(must_be("y", f"one value per output for each row, shape "
                                f"({n_samples}, {n_outputs})", f"shape {T.shape}"))
    return T
