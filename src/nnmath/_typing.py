"""Names for the types the engine's annotations use (no math here).

``FloatArray`` is any NumPy array of float32 or float64 values: ``X``, ``T``, ``W``,
``b``, ``z``, ``a``, ``delta``, ``dL_dW``, ... (the shape is in each docstring, not in
the type). ``Params`` is ``{"W1": W1, "b1": b1, ...}``, as :meth:`nnmath.Network.params`
returns it and the optimizers update it. ``ArrayLike`` is what the public functions accept
and turn into arrays themselves (a list of rows, a NumPy array, a pandas frame, ...).

>>> import numpy as np
>>> from nnmath._typing import FloatArray
>>> x: FloatArray = np.zeros((2, 3))
"""

from __future__ import annotations

import os
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["ArrayLike", "FloatArray", "IntArray", "Params", "DTypeLike", "StrPath"]

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]
"""An array of floats (float32 or float64), any shape."""

IntArray: TypeAlias = npt.NDArray[np.integer[Any]]
"""An array of whole numbers: row orders, codes, offsets."""

Params: TypeAlias = dict[str, FloatArray]
"""Parameters (or their gradients) by name: ``{"W1": ..., "b1": ..., "W2": ...}``."""

ArrayLike: TypeAlias = npt.ArrayLike
"""Anything ``numpy.asarray`` turns into an array of numbers."""

DTypeLike: TypeAlias = npt.DTypeLike
"""``np.float64``, ``"float32"``, ``np.dtype("float64")``, ..."""

StrPath: TypeAlias = str | os.PathLike[str]
"""A file path: a ``str`` or a ``pathlib.Path``."""
