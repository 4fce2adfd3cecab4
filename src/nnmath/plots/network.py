r"""The network drawn: neurons as circles in layers, edges labelled with their weights.

Edge colour is the weight's sign (blue > 0, red < 0) and its width grows with
``|w|``; each neuron of a layer shows its bias ``b`` under it. Given a
:class:`~nnmath.trace.Trace`, the neurons also show one sample's values
(``x`` in the inputs, ``a = g(z)`` in the others) and every edge and bias the
gradient ``dL/dw`` the engine computed for the step. Everything drawn is read
from the network or the trace; nothing is computed here.

Layers with more than ``max_labelled`` neurons (default 8) are drawn without
numbers, and a note says so.

Every drawing is bounded in time and memory. A network of more than
:data:`MAX_DRAWN_EDGES` weights or :data:`MAX_DRAWN_LAYERS` layers is drawn as a
summary instead (one line per weight would take gigabytes, and could not be read):
each layer a block, its ``W`` as a heat map of at most :data:`HEATMAP_SIDE` ×
:data:`HEATMAP_SIDE` weights (every k-th row and column of a larger ``W``; blue > 0,
red < 0), at most :data:`MAX_BLOCKS` layers (the first and the last, with the number
left out between them). Below both limits the work grows linearly with the size of
the network: the labels are placed with a grid (:class:`_Places`), not by comparing
each with every other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ShapeError, must_be
from ..render.mathexpr import num
from .figure import NEGATIVE, POSITIVE, Drawing, as_labels, new_axes

__all__ = ["draw_network", "MAX_DRAWN_EDGES", "MAX_DRAWN_LAYERS", "MAX_BLOCKS", "HEATMAP_SIDE",
           "is_summary"]

DY, RADIUS = 1.25, 0.34
GRADIENT = "#6a3d9a"
MIN_WIDTH, MAX_WIDTH = 0.7, 4.0   # points: the thinnest edge (w = 0) and the widest (|w| max)

MAX_DRAWN_EDGES = 1_000
"""More weights than this: :func:`draw_network` draws the summary view (a heat map per layer)."""
MAX_DRAWN_LAYERS = 12
"""More layers than this: the summary view too."""
MAX_BLOCKS = 12
"""The most layers the summary view draws: the first 8 and the last 4 of a deeper network."""
HEATMAP_SIDE = 48
"""The most pixels a side of a layer's heat map has in the summary view."""


def is_summary(net) -> bool:
    """Whether :func:`draw_network` draws ``net`` as the summary view (too many weights or
    layers to draw one by one)."""
    return (len(net.layers) > MAX_DRAWN_LAYERS
            or sum(layer.W.size for layer in net.layers) > MAX_DRAWN_EDGES)


def draw_network(net, trace=None, sample: int = 0, ax=None, show_gradients: bool = True,
                 feature_names=None, output_names=None, title: str | None = None,
                 digits: int = 4, max_labelled: int = 8) -> Drawing:
    """Draw ``net`` layer by layer.

    Parameters
    ----------
    net : Network
    trace : Trace, optional
        A step of ``net`` (``nnmath.explain``); adds sample ``sample``'s values
        inside the neurons and, if ``show_gradients``, the gradients on the edges.
    sample : int, default 0
        Which row of ``trace.X`` to show.
    ax : matplotlib Axes, optional
    feature_names, output_names : sequence of str, optional
        Names written in the input and output neurons (default ``x1, x2, ...``
        and ``y_hat1, ...``; ``x`` and ``y_hat`` for one).
    digits : int, default 4
        Significant digits of the numbers drawn.
    max_labelled : int, default 8
        Largest layer whose numbers are written.

    Returns
    -------
    Drawing
        ``artists``: ``neurons`` (list per layer, input layer first, of
        Circles), ``edges`` ({(l, i, j): Line2D} for ``W_l[i, j]``),
        ``weight_labels`` ({(l, i, j): Text}), ``bias_labels`` ({(l, j): Text}),
        ``value_labels`` ({(k, j): Text}, k = 0 for the inputs),
        ``gradient_labels`` ({("W", l, i, j) or ("b", l, j): Text}), ``note``.
        The summary view (:func:`is_summary`) has ``blocks`` ({l: AxesImage} of the
        layers drawn) and ``note``, and the others empty.
    """
    if trace is not None:
        _check_trace(net, trace, sample)
    if is_summary(net):
        _checked_names(net.sizes, feature_names, output_names)
        return _summary_view(net, ax, title, trace is not None)
    layout = _layout(net, trace, feature_names, output_names, max_labelled)
    fig, ax = new_axes(ax, figsize=layout.figsize)
    diagram = _Diagram(ax, net, layout, digits, trace, sample,
                       gradients=trace is not None and show_gradients,
                       places=_places(fig, ax, layout))
    diagram.draw_edges()
    diagram.draw_neurons()
    diagram.name_layers()
    diagram.write_note(max_labelled)
    ax.set_aspect("equal")
    ax.set_xlim(-layout.margins[0], layout.xs[-1] + layout.margins[1])
    ax.set_ylim(layout.top - layout.span[1], layout.top)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    return Drawing(fig, ax, diagram.art)


@dataclass(frozen=True)
class _Layout:
    """Where everything goes, in data units: read from the network's sizes and names."""

    sizes: list            # neurons per layer, input layer first
    names: list            # names[k][j]: the name written in neuron j of layer k
    xs: np.ndarray         # x of each layer
    pos: list              # pos[k][j]: (x, y) of neuron j of layer k
    top: float
    bottom: float          # where the layers' roles are written
    margins: tuple         # (left, right): room for names written beside the circles
    span: tuple            # (width, height) of the picture
    outside: dict          # {k: longest name}: layers whose names stand beside the circles
    labelled: bool         # numbers written: no layer has more than max_labelled neurons
    scalar: bool           # one neuron a layer: the numbers are named (w1 = ..., b1 = ...)
    small: int             # font size of the numbers
    w_max: float           # the largest |w|: the widest edge

    @property
    def figsize(self) -> tuple:
        return (min(16, max(4.8, 0.8 * self.span[0])), min(16, max(2.4, 0.8 * self.span[1])))


def _layout(net, trace, feature_names, output_names, max_labelled: int) -> _Layout:
    """Layers side by side (wider apart for more weights), each centred on y = 0."""
    sizes, widest = net.sizes, max(net.sizes)
    labelled = widest <= max_labelled
    small = 8 if widest <= 3 else 7
    xs = np.r_[0.0, np.cumsum([2.6 + 0.05 * layer.W.size for layer in net.layers])]
    top = (widest - 1) / 2 * DY + 0.75
    bottom = -((widest - 1) / 2) * DY - RADIUS - 0.75
    names = _names(sizes, feature_names, output_names)
    if trace is not None and getattr(trace, "scaling", None) is not None:
        # the step starts from the raw input; the input neurons hold it standardised
        names[0] = [f"{name} (scaled)" for name in names[0]]
    longest = {k: max(len(_plain(n)) for n in names[k]) for k in (0, len(sizes) - 1)}
    outside = {k: n for k, n in longest.items() if n > 3}
    char = 0.13 * small / 7
    margins = (0.9 + char * outside.get(0, 0), 0.9 + char * outside.get(len(sizes) - 1, 0))
    span = (xs[-1] + sum(margins), top - bottom + (1.3 if not labelled else 0.8))
    pos = [[(xs[k], ((n - 1) / 2 - j) * DY) for j in range(n)] for k, n in enumerate(sizes)]
    w_max = max(float(np.max(np.abs(layer.W))) for layer in net.layers) or 1.0
    return _Layout(sizes, names, xs, pos, top, bottom, margins, span, outside, labelled,
                   scalar=widest == 1, small=small, w_max=w_max)


class _Diagram:
    """The drawing steps of :func:`draw_network`; ``art`` collects the named artists."""

    def __init__(self, ax, net, layout, digits, trace, sample, gradients, places):
        self.ax, self.net, self.layout, self.digits = ax, net, layout, digits
        self.trace, self.sample, self.gradients, self.places = trace, sample, gradients, places
        self.art = {"neurons": [], "edges": {}, "weight_labels": {}, "bias_labels": {},
                    "value_labels": {}, "gradient_labels": {}, "note": None}

    def draw_edges(self) -> None:
        """``W_l[i, j]`` as a line from neuron i of layer l - 1 to neuron j of layer l:
        colour its sign, width its size."""
        pos, w_max = self.layout.pos, self.layout.w_max
        for ell, layer in enumerate(self.net.layers, start=1):
            n_in, n_out = layer.W.shape
            for i in range(n_in):
                for j in range(n_out):
                    w = float(layer.W[i, j])
                    (x0, y0), (x1, y1) = pos[ell - 1][i], pos[ell][j]
                    line, = self.ax.plot([x0, x1], [y0, y1],
                                         color=POSITIVE if w >= 0 else NEGATIVE,
                                         lw=_width(w, w_max), alpha=0.85, zorder=1,
                                         solid_capstyle="round")
                    self.art["edges"][(ell, i, j)] = line
                    if self.layout.labelled:
                        self.label_edge((ell, i, j), w, line.get_color())

    def label_edge(self, key, w: float, color) -> None:
        """The weight on its edge, and under it the step's ``dL/dw`` (purple)."""
        ell, i, j = key
        scalar, small, digits = self.layout.scalar, self.layout.small, self.digits
        text = (f"w{ell} = " if scalar else "") + num(w, digits)
        g = float(self.trace.layers[ell - 1].dL_dW[i, j]) if self.gradients else None
        g_text = None if g is None else \
            (f"∂L/∂w{ell} = {num(g, digits)}" if scalar else num(g, digits))
        tx, ty = self.places.on_line(self.layout.pos[ell - 1][i], self.layout.pos[ell][j],
                                     max(len(text), len(g_text or "")), 2 if g_text else 1)
        self.art["weight_labels"][key] = self.ax.text(
            tx, ty, text, fontsize=small + 1, ha="center", va="center",
            color=color, zorder=4, bbox=_box())
        if g_text:
            self.art["gradient_labels"][("W", *key)] = self.ax.annotate(
                g_text, (tx, ty), xytext=(0, -(small + 4)),
                textcoords="offset points", fontsize=small, ha="center", va="center",
                color=GRADIENT, zorder=4, bbox=_box(0.05))

    def draw_neurons(self) -> None:
        """Each neuron a circle with its name, the sample's value and its bias."""
        from matplotlib.patches import Circle

        for k, n in enumerate(self.layout.sizes):
            circles = []
            for j in range(n):
                circle = Circle(self.layout.pos[k][j], RADIUS,
                                facecolor="#f3f3f3" if k == 0 else "#fff8e6",
                                edgecolor="#333333", lw=1.4, zorder=3)
                self.ax.add_patch(circle)
                circles.append(circle)
                self.label_neuron(k, j)
                if k > 0 and self.layout.labelled:
                    self.label_bias(k, j)
            self.art["neurons"].append(circles)

    def label_neuron(self, k: int, j: int) -> None:
        """The neuron's name, in it (or beside it, when long) and the sample's value under
        it: ``x`` in the inputs, ``a = g(z)`` in the others."""
        (x, y), name, small = self.layout.pos[k][j], self.layout.names[k][j], self.layout.small
        value = _value(self.trace, self.sample, k, j) \
            if (self.trace is not None and self.layout.labelled) else None
        outside = k in self.layout.outside
        if outside:       # long names (Healthy, Cancer, ...) beside the circle
            side = -1 if k == 0 else 1
            self.ax.text(x + side * (RADIUS + 0.1), y, name, ha="right" if k == 0 else "left",
                         va="center", fontsize=small + 2, zorder=5)
        else:
            self.ax.text(x, y + (0.09 if value is not None else 0), name, ha="center",
                         va="center", fontsize=small + 2 if value is None else small + 1,
                         zorder=5)
        if value is not None:
            self.art["value_labels"][(k, j)] = self.ax.text(
                x, y - (0 if outside else 0.13), num(value, self.digits), ha="center",
                va="center", fontsize=small, zorder=5, weight="bold")

    def label_bias(self, k: int, j: int) -> None:
        """``b`` under neuron j of layer k, and under it the step's ``dL/db`` (purple)."""
        (x, y), small, scalar = self.layout.pos[k][j], self.layout.small, self.layout.scalar
        b = float(self.net.layers[k - 1].b[j])
        self.art["bias_labels"][(k, j)] = self.ax.text(
            x, y - RADIUS - 0.06, f"b{k if scalar else ''} = {num(b, self.digits)}",
            ha="center", va="top", fontsize=small, zorder=4, bbox=_box(0.05))
        if self.gradients:
            g = float(self.trace.layers[k - 1].dL_db[j])
            self.art["gradient_labels"][("b", k, j)] = self.ax.annotate(
                (f"∂L/∂b{k} = " if scalar else "") + num(g, self.digits),
                (x, y - RADIUS - 0.06), xytext=(0, -10), textcoords="offset points",
                fontsize=small, ha="center", va="top", color=GRADIENT, zorder=4)

    def name_layers(self) -> None:
        """Under each layer its role (input, hidden k, output) and activation."""
        sizes = self.layout.sizes
        for k in range(len(sizes)):
            role = "input" if k == 0 else ("output" if k == len(sizes) - 1 else f"hidden {k}")
            act = "" if k == 0 else f"\n{self.net.layers[k - 1].activation}"
            self.ax.text(self.layout.xs[k], self.layout.bottom, role + act, ha="center",
                         va="top", fontsize=self.layout.small + 1, color="#444444")

    def write_note(self, max_labelled: int) -> None:
        """Under the picture: what the purple numbers are, or why no number is written."""
        layout = self.layout
        x, y = layout.xs[-1] / 2, layout.bottom - 0.75
        if self.gradients and layout.labelled and not layout.scalar:
            self.art["note"] = self.ax.text(
                x, y, "purple: the gradients of the step,\n"
                "dL/dW under each weight and dL/db under each bias",
                ha="center", va="top", fontsize=8, color=GRADIENT)
        if not layout.labelled:
            self.art["note"] = self.ax.text(
                x, y, f"a layer has more than {max_labelled} neurons: weights and values are "
                "not written\n(colour = sign of the weight, width = its size)", ha="center",
                va="top", fontsize=8, style="italic")


def _places(fig, ax, layout) -> _Places:
    """The label placer, with every neuron (and the bias under it) already taken."""
    places = _Places(fig, ax, layout.span, layout.small)
    for k, column in enumerate(layout.pos):
        for x, y in column:
            places.take((x - RADIUS, x + RADIUS, y - RADIUS - (0.5 if k else 0), y + RADIUS))
    return places


class _Places:
    """Greedy placement of edge labels: the first spot along the edge that overlaps no
    label or neuron already placed (else the least-overlapping one).

    The boxes taken are kept in a grid of ``CELL``-sized squares, so a spot is checked
    against the boxes near it only: placing n labels is linear in n, not quadratic, as
    long as the labels are about as large as the space between the layers (on a figure
    squeezed to 16 inches, a deep chain's labels overlap more neighbours: what
    MAX_DRAWN_LAYERS bounds). The sums are the same as over every box (a box that shares
    no square with the spot does not overlap it), added in the same order.
    """

    T = (0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.45, 0.55, 0.36, 0.64, 0.28, 0.72)
    CELL = 1.0   # data units: about one label, less than the distance between layers

    def __init__(self, fig, ax, span, fontsize) -> None:
        w, h = fig.get_size_inches() * ax.get_position().size
        per_inch = max(span[0] / w, span[1] / h) if w > 0 and h > 0 else 1.3
        self.char = 0.62 * fontsize / 72 * per_inch
        self.line = 1.45 * fontsize / 72 * per_inch
        self.boxes: list = []
        self.grid: dict = {}

    def take(self, box) -> None:
        """Mark ``box`` (x0, x1, y0, y1) as taken."""
        self.boxes.append(box)
        for cell in self._cells(box):
            self.grid.setdefault(cell, []).append(len(self.boxes) - 1)

    def _cells(self, box):
        c = self.CELL
        for i in range(int(box[0] // c), int(box[1] // c) + 1):
            for j in range(int(box[2] // c), int(box[3] // c) + 1):
                yield i, j

    def cost(self, box) -> float:
        """How much ``box`` overlaps the boxes taken (the sum of the areas)."""
        near = sorted({k for cell in self._cells(box) for k in self.grid.get(cell, ())})
        return sum(_overlap(box, self.boxes[k]) for k in near)

    def on_line(self, p0, p1, chars, lines):
        half_w, half_h = chars * self.char / 2 + 0.04, self.line / 2
        best, best_cost = None, None
        for t in self.T:
            x, y = p0[0] + t * (p1[0] - p0[0]), p0[1] + t * (p1[1] - p0[1])
            box = (x - half_w, x + half_w, y - half_h - (lines - 1) * self.line, y + half_h)
            cost = self.cost(box)
            if best_cost is None or cost < best_cost:
                best, best_cost = (x, y, box), cost
            if cost == 0:
                break
        self.take(best[2])
        return best[0], best[1]


def _width(w: float, w_max: float) -> float:
    """The edge's line width: MIN_WIDTH for 0 to MAX_WIDTH for the largest |w| (divided
    first: 3.3 * 1e308 would be inf, a line matplotlib draws with gigabytes)."""
    return min(MAX_WIDTH, MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (abs(w) / w_max))


def _overlap(a, b) -> float:
    dx = min(a[1], b[1]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[2], b[2])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _box(pad=0.12):
    return dict(boxstyle=f"round,pad={pad}", facecolor="white", edgecolor="none", alpha=0.9)


def _names(sizes, feature_names, output_names):
    def default(symbol, n):
        return [symbol] if n == 1 else [f"{symbol}{i}" for i in range(1, n + 1)]

    names = [as_labels(feature_names) if feature_names is not None else default("x", sizes[0])]
    L = len(sizes) - 1
    for k in range(1, L):
        names.append([f"$a_{{{k}}}$"] if sizes[k] == 1 else
                     [f"$a_{{{k},{j}}}$" for j in range(1, sizes[k] + 1)])
    names.append(as_labels(output_names) if output_names is not None else
                 ([r"$\hat{y}$"] if sizes[L] == 1 else
                  [rf"$\hat{{y}}_{{{j}}}$" for j in range(1, sizes[L] + 1)]))
    _checked_names(sizes, names[0], names[-1])
    return names


def _checked_names(sizes, feature_names, output_names):
    """The names given, or a ShapeError when they are not one per input (output) neuron."""
    for what, given, n in (("feature_names", feature_names, sizes[0]),
                           ("output_names", output_names, sizes[-1])):
        if given is not None and len(given) != n:
            raise ShapeError(must_be(what, f"{n} names, one per neuron", list(given)))
    return feature_names, output_names


def _plain(name: str) -> str:
    """The characters a name shows (mathtext markup left out)."""
    import re

    return re.sub(r"[$\\{}_^]|hat", "", name)


def _value(trace, sample, k, j) -> float:
    return float(trace.X[sample, j] if k == 0 else trace.layers[k - 1].a[sample, j])


def _check_trace(net, trace, sample):
    shapes = [layer.W.shape for layer in net.layers]
    if [lt.W.shape for lt in trace.layers] != shapes:
        raise ShapeError(must_be("the trace", f"a step of this network (weights {shapes})",
                                 [lt.W.shape for lt in trace.layers]))
    if not 0 <= sample < trace.n_samples:
        raise ShapeError(must_be("sample", f"a row of the trace, 0 to {trace.n_samples - 1}",
                                 sample))


# -- the summary view: a heat map per layer ------------------------------------------------

def _summary_view(net, ax, title, traced: bool) -> Drawing:
    """Each layer (at most MAX_BLOCKS of them) as a block: its W as a heat map, bounded."""
    from matplotlib.colors import LinearSegmentedColormap

    L = len(net.layers)
    shown = list(range(1, L + 1)) if L <= MAX_BLOCKS else \
        [*range(1, 9), *range(L - MAX_BLOCKS + 9, L + 1)]
    fig, ax = new_axes(ax, figsize=(min(16.0, max(6.4, 2.0 + 1.6 * len(shown))), 4.2))
    cmap = LinearSegmentedColormap.from_list("w", [NEGATIVE, "#f7f7f7", POSITIVE])
    blocks, x = {}, 0.0
    for k, ell in enumerate(shown):
        if k and ell != shown[k - 1] + 1:   # the layers left out
            ax.text(x + 0.4, 0.0, f"… {ell - shown[k - 1] - 1:,} more\nlayers …", ha="center",
                    va="center", fontsize=8, style="italic")
            x += 1.6
        layer = net.layers[ell - 1]
        image, w_max = _heatmap(layer.W)
        rows, cols = image.shape
        height = 2.0 * max(rows / max(rows, cols), 0.15)
        width = 2.0 * max(cols / max(rows, cols), 0.15)
        blocks[ell] = ax.imshow(image, cmap=cmap, vmin=-1, vmax=1, interpolation="nearest",
                                extent=(x, x + width, -height / 2, height / 2), zorder=2)
        ax.text(x + width / 2, -1.15, f"W{ell}: {layer.n_in:,} × {layer.n_out:,}\n"
                f"{layer.activation}\n|w| ≤ {num(w_max, 3)}", ha="center", va="top",
                fontsize=7)
        x += width + 0.8
    ax.set_xlim(-0.4, x - 0.4)
    ax.set_ylim(-2.6, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    sizes = "-".join(map(str, net.sizes)) if L <= 8 else f"{L:,}-layer"
    n_weights = sum(layer.W.size for layer in net.layers)
    ax.set_title(title or f"{sizes} network: {n_weights:,} weights in {L:,} layers", fontsize=10)
    note = ax.text((x - 0.8) / 2, -2.5, "too large to draw weight by weight (more than "
                   f"{MAX_DRAWN_EDGES:,} weights\nor {MAX_DRAWN_LAYERS} layers): each layer's "
                   "W as a heat map (rows: inputs, columns: neurons;\nat most "
                   f"{HEATMAP_SIDE} of each, evenly spread), blue > 0, red < 0, the darkest "
                   "the layer's largest |w|"
                   + (";\nthe step's numbers: nnmath explain --json" if traced else ""),
                   ha="center", va="top", fontsize=7, style="italic")
    return Drawing(fig, ax, {"neurons": [], "edges": {}, "weight_labels": {},
                             "bias_labels": {}, "value_labels": {}, "gradient_labels": {},
                             "blocks": blocks, "note": note})


def _heatmap(W) -> tuple:
    """``(image, w_max)``: W (n_in, n_out), or for a larger W every k-th row and column of
    it (at most HEATMAP_SIDE of each, evenly spread), each weight over the layer's largest
    |w| (so the image is in [-1, 1]). O(W.size) time for w_max; the image is a copy of
    at most HEATMAP_SIDE² numbers."""
    W = np.asarray(W)
    w_max = float(np.max(np.abs(W))) if W.size else 0.0
    rows = np.unique((np.arange(HEATMAP_SIDE) * W.shape[0]) // HEATMAP_SIDE) \
        if W.shape[0] > HEATMAP_SIDE else slice(None)
    cols = np.unique((np.arange(HEATMAP_SIDE) * W.shape[1]) // HEATMAP_SIDE) \
        if W.shape[1] > HEATMAP_SIDE else slice(None)
    image = np.asarray(W[rows][:, cols], dtype=float)
    return image / (w_max if w_max > 0 else 1.0), w_max
