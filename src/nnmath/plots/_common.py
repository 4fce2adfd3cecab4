"""Shared plumbing of the figures: new axes, atomic saving, number labels.

Figures are made with :class:`matplotlib.figure.Figure` and the Agg canvas,
never through ``pyplot``: no global state, no window, and the same figure
shows in a notebook. Only this package imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, DataError, must_be

__all__ = ["Drawing", "new_axes", "save_figure", "FORMATS", "check_output", "num",
           "POSITIVE", "NEGATIVE", "CLASS_COLORS", "require_matplotlib"]

FORMATS = {".png": "png", ".svg": "svg"}
POSITIVE, NEGATIVE = "#1f6fb4", "#c8381f"          # blue for w > 0, red for w < 0
CLASS_COLORS = ("#2a9d5b", "#c8381f", "#1f6fb4", "#8a4fbf", "#d98b13", "#555555")


def num(value, digits: int = 6) -> str:
    """The project's number format (``nnmath.render.mathexpr.num``): 6 significant digits."""
    from ..render.mathexpr import num as _num

    return _num(value, digits)


@dataclass
class Drawing:
    """A drawn figure and the artists on it, by name.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    artists : dict
        Named artists (or lists/dicts of artists) so tests and notebooks can
        reach them, e.g. ``artists["neurons"]`` for a network diagram.
    """

    figure: object
    ax: object
    artists: dict = field(default_factory=dict)

    def save(self, path) -> Path:
        """Write the figure to ``path`` (PNG or SVG by suffix), atomically."""
        return save_figure(self.figure, path)

    def __getitem__(self, name):
        return self.artists[name]

    def _repr_png_(self) -> bytes:
        """Jupyter shows a Drawing as its picture."""
        import io

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def require_matplotlib(purpose: str = "drawing pictures", gif: bool = False) -> None:
    """Raise :class:`~nnmath.errors.DependencyError` (one line, the ``pip install`` to
    run) when matplotlib (or, for a GIF, pillow) is missing; before any work is done."""
    from ..optional import require

    require("matplotlib", purpose)
    if gif:
        require("PIL", "writing a GIF")


def new_axes(ax=None, figsize=(6.4, 4.2)):
    """``(figure, ax)``: the given Axes and its figure, or a new Agg figure with one Axes."""
    if ax is not None:
        return ax.figure, ax
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def check_output(path, formats=FORMATS) -> tuple[Path, str]:
    """``(path, format)`` for an output file, or a ConfigError naming the suffixes allowed."""
    path = Path(path)
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(must_be("the output file's suffix", " or ".join(formats), path.suffix
                                  or str(path), f"For example {path.stem or 'figure'}{next(iter(formats))}."))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigError(must_be("the output folder", "an existing folder", str(folder),
                                  "Create it first, or choose another path."))
    return path, fmt


def save_figure(fig, path, dpi: int = 150) -> Path:
    """Write ``fig`` to ``path`` (``.png`` or ``.svg``): a temporary file, then a rename.

    A reader of ``path`` sees the complete old file or the complete new one.
    """
    path, fmt = check_output(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return path


def _metadata(fmt: str) -> dict:
    # Reproducible files: no creation date in the SVG (PNG has none by default).
    return {"Date": None} if fmt == "svg" else {}


def atomic_path(path: Path):
    """A context manager giving a temporary file name that replaces ``path`` on success
    (:class:`nnmath.safefile.atomic_path`: same folder, fsync, rename)."""
    from ..safefile import atomic_path as _atomic_path

    return _atomic_path(path)


def check_labels(X, y, n_inputs: int | None = None):
    """``X`` (n, d) float and ``y`` (n,) int, or a DataError."""
    import numpy as np

    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if n_inputs is not None and (X.ndim != 2 or X.shape[1] != n_inputs):
        raise DataError(must_be("X", f"of shape (n_samples, {n_inputs})", f"shape {X.shape}"))
    if y is None:
        return X, None
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise DataError(must_be("y", f"one label per row of X, shape ({X.shape[0]},)",
                                f"shape {y.shape}"))
    return X, y.astype(int)
