"""The report's images: numbered files in ``figures/`` beside the page."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, must_be
from ..render.document import Figure

__all__ = ["Figures", "alt_text"]


class Figures:
    """Saves drawings as ``<folder>/figures/NN-name.<fmt>`` and makes their Figure blocks."""

    SUBFOLDER = "figures"

    def __init__(self, folder, fmt: str = "png", written: list | None = None):
        if fmt not in ("png", "svg"):
            raise ConfigError(must_be("the figure format", "png or svg", fmt))
        self.folder, self.fmt = Path(folder), fmt
        (self.folder / self.SUBFOLDER).mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = [] if written is None else written   # files, in order

    def add(self, name: str, drawing, caption: str) -> Figure:
        relative = f"{self.SUBFOLDER}/{len(self.written) + 1:02d}-{name}.{self.fmt}"
        self.written.append(self.folder / relative)
        drawing.save(self.written[-1])
        return Figure(relative, caption, alt=alt_text(caption))


def alt_text(caption: str) -> str:
    """A short text for an image: the caption's first clause (up to ``:`` or ``.``), never
    cut inside parentheses, without the brackets Markdown's ``![alt](src)`` ends at.

    >>> alt_text("Confusion matrix at 0.5 (rows: actual class, columns: predicted).")
    'Confusion matrix at 0.5'
    >>> alt_text("The network: weights on the edges, biases under the neurons.")
    'The network'
    """
    cut = len(caption)
    for mark in (":", ". "):
        at = caption.find(mark)
        if 0 < at < cut:
            cut = at
    text = caption[:cut].rstrip(". ")
    if text.count("(") != text.count(")"):
        text = text[:text.find("(")].rstrip()
    return (text or caption).replace("[", "(").replace("]", ")")
