"""Numbers for JSON: inf and NaN become ``None`` (JSON has no NaN; ``null`` says "no number").

One helper for every JSON the package writes: a trace's ``to_dict``, a history's, the
CLI's ``--json`` answers and the API of ``nnmath serve``.

>>> json_safe({"loss": float("nan"), "W": np.array([[0.5, np.inf]]), "epoch": np.int64(3)})
{'loss': None, 'W': [[0.5, None]], 'epoch': 3}
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["json_safe"]


def json_safe(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None, arrays and NumPy numbers as
    plain lists and numbers, dicts, lists and tuples (as lists) followed all the way down.

    >>> json_safe(np.float64(-np.inf)), json_safe((1.5, "a", None))
    (None, [1.5, 'a', None])
    """
    if isinstance(obj, np.ndarray):
        obj = obj.tolist()
    elif isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj
