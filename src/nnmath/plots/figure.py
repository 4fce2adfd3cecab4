"""The figure every picture is drawn on: new axes, the Drawing returned, atomic saving,
the colours, the output formats and the checks shared by the pictures.

Figures are made with :class:`matplotlib.figure.Figure` and the Agg canvas,
never through ``pyplot``: no global state, no window, and the same figure
shows in a notebook. Only this package imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, DataError, must_be
from ..safefile import atomic_path

if TYPE_CHECKING:   # matplotlib is imported only when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Drawing", "new_axes", "save_figure", "FORMATS", "check_output", "check_labels",
           "plane_grid", "POSITIVE", "NEGATIVE", "CLASS_COLORS", "require_matplotlib",
           "as_label", "as_labels", "widened", "quiet_config_dir"]

FORMATS = {".png": "png", ".svg": "svg"}
POSITIVE, NEGATIVE = "#1f6fb4", "#c8381f"          # blue for w > 0, red for w < 0
CLASS_COLORS = ("#2a9d5b", "#c8381f", "#1f6fb4", "#8a4fbf", "#d98b13", "#555555")


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

    figure: Figure
    ax: Axes
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


def as_label(name) -> str:
    """A user's name (a feature, a class, the target) as a matplotlib label that shows it
    as written: ``$…$`` is not read as math, a control character is shown as its escape
    (:func:`nnmath.textsafe.for_matplotlib`). Every picture passes the names it is given
    through this; only the labels the pictures write themselves use mathtext."""
    from ..textsafe import for_matplotlib

    return for_matplotlib(name)


def as_labels(names):
    """:func:`as_label` of each name (None stays None)."""
    return None if names is None else [as_label(name) for name in names]


def require_matplotlib(purpose: str = "drawing pictures", gif: bool = False) -> None:
    """Raise :class:`~nnmath.errors.DependencyError` (one line, the ``pip install`` to
    run) when matplotlib (or, for a GIF, pillow) is missing; before any work is done."""
    from ..optional import require

    quiet_config_dir()
    require("matplotlib", purpose)
    if gif:
        require("PIL", "writing a GIF")


def quiet_config_dir() -> None:
    """Before matplotlib is first imported: when the folders it keeps its settings and font
    cache in cannot be made or written (a read-only HOME, no HOME), give it a folder of
    its own in the temporary folder (``MPLCONFIGDIR``), so that it does not print its two-line
    warning about it (:func:`_private_temporary_folder`). A MPLCONFIGDIR the user set is
    left as it is."""
    import os
    import sys

    if "matplotlib" in sys.modules or os.environ.get("MPLCONFIGDIR"):
        return
    try:
        if sys.platform.startswith(("linux", "freebsd")):
            home = Path.home()
            folders = [Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config"),
                       Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")]
        else:
            folders = [Path.home()]
        usable = all(_writable_folder(folder / ("matplotlib" if len(folders) > 1 else
                                                ".matplotlib")) for folder in folders)
    except (RuntimeError, OSError, ValueError):   # no home folder at all
        usable = False
    if not usable:
        os.environ["MPLCONFIGDIR"] = _private_temporary_folder()


def _private_temporary_folder() -> str:
    """``<tmp>/nnmath-matplotlib-<uid>``: this user's own (made 0700, owned by them, not a
    link), kept between runs so matplotlib's font cache is made once; if another user
    holds that name, a new temporary folder (removed at exit, where Python runs atexit)."""
    import os
    import stat
    import tempfile

    folder = Path(tempfile.gettempdir()) / f"nnmath-matplotlib-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
                and not info.st_mode & 0o077):
            return str(folder)
    except OSError:
        pass
    import atexit
    import shutil

    made = tempfile.mkdtemp(prefix="nnmath-matplotlib-")
    atexit.register(shutil.rmtree, made, ignore_errors=True)
    return made


def _writable_folder(folder: Path) -> bool:
    """``folder`` exists (or can be made) and a file can be written in it."""
    import os

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


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


MAX_PIXELS = 2_000_000
"""The most pixels a PNG is drawn with: a large figure (a 16-inch network diagram) gets a
lower resolution instead of megabytes (2.3 MB at 150 dpi, about 0.5 MB now)."""


def save_figure(fig, path, dpi: int = 150) -> Path:
    """Write ``fig`` to ``path`` (``.png`` or ``.svg``): a temporary file, then a rename.

    A reader of ``path`` sees the complete old file or the complete new one. A PNG has at
    most :data:`MAX_PIXELS` pixels (the resolution is lowered for a large figure).
    """
    path, fmt = check_output(path)
    large = False
    if fmt == "png":
        width, height = fig.get_size_inches()
        dpi = int(min(dpi, (MAX_PIXELS / max(width * height, 1e-9)) ** 0.5))
        large = width * height * dpi * dpi > MAX_PIXELS / 2
    with atomic_path(path) as tmp:
        if large:   # a large picture (a wide network): 256 colours, a quarter of the bytes
            _write_palette_png(fig, tmp, dpi)
        else:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return path


def _write_palette_png(fig, path, dpi: int) -> None:
    """``fig`` as a PNG of at most 256 colours (no dithering: lines and text stay sharp)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    image = Image.open(buffer)
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                   dither=Image.Dither.NONE).save(path, format="png", optimize=True)


def _metadata(fmt: str) -> dict:
    # Reproducible files: no creation date in the SVG (PNG has none by default).
    return {"Date": None} if fmt == "svg" else {}


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


def widened(lo: float, hi: float, pad: float, what: str = "the data") -> tuple[float, float]:
    """``(lo - pad·w, hi + pad·w)`` for the width ``w = hi - lo`` (1 where it is 0): an
    axis's limits, with a margin. A range too wide for float64 (values near ±1e308: the
    width, or a limit, would be inf and every point of the axis NaN) is a
    :class:`~nnmath.errors.DataError` that says so.

    >>> widened(0.0, 10.0, 0.1)
    (-1.0, 11.0)
    >>> widened(-1e308, 1e308, 0.1)
    Traceback (most recent call last):
    ...
    nnmath.errors.DataError: the range of the data must be at most 1.8e308 wide, with its margin, to be drawn. Got '-1e+308 to 1e+308'. The values overflow: the axis's width is more than a float64 holds. Leave out the rows with the largest values, or scale them (divide by a power of ten).
    """
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):
        width = hi - lo
        margin = pad * width if width > 0 else 1.0
        limits = (lo - margin, hi + margin)
    if not (np.isfinite(width) and np.isfinite(limits[0]) and np.isfinite(limits[1])):
        raise DataError(must_be(f"the range of {what}", "at most 1.8e308 wide, with its margin, "
                                "to be drawn", f"{lo:g} to {hi:g}", "The values overflow: the "
                                "axis's width is more than a float64 holds. Leave out the rows "
                                "with the largest values, or scale them (divide by a power of "
                                "ten)."))
    return float(limits[0]), float(limits[1])


def plane_grid(X, limits, resolution: int, pad: float):
    """The plane a two-input picture colours: ``(limits, g1, g2, G1, G2, grid)``.

    ``limits`` ``((x1_lo, x1_hi), (x2_lo, x2_hi))`` as given; else the range of
    ``X`` (n, 2) widened by ``pad`` times its width on each side (by 1 where the
    width is 0); else (-3, 3) on both axes. ``g1`` and ``g2`` hold ``resolution``
    points per axis, ``G1`` and ``G2`` their mesh, ``grid`` the
    (resolution², 2) rows the network is evaluated at.

    >>> limits, g1, g2, G1, G2, grid = plane_grid(None, None, 3, 0.1)
    >>> limits, g1.tolist(), grid.shape
    (((-3.0, 3.0), (-3.0, 3.0)), [-3.0, 0.0, 3.0], (9, 2))
    """
    import numpy as np

    if limits is None:
        if X is None:
            limits = ((-3.0, 3.0), (-3.0, 3.0))
        else:
            lo, hi = X.min(axis=0), X.max(axis=0)
            limits = tuple(widened(float(lo[k]), float(hi[k]), pad, f"the data's x{k + 1}")
                           for k in (0, 1))
    (x1_lo, x1_hi), (x2_lo, x2_hi) = limits
    g1 = np.linspace(x1_lo, x1_hi, resolution)
    g2 = np.linspace(x2_lo, x2_hi, resolution)
    G1, G2 = np.meshgrid(g1, g2)
    return limits, g1, g2, G1, G2, np.column_stack([G1.ravel(), G2.ravel()])
