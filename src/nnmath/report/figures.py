"""The report's images: numbered files in ``figures/`` beside the page."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, must_be
from ..render.document import Figure

__all__ = ["Figures"]


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
        return Figure(relative, caption, alt=caption.split(":")[0])
