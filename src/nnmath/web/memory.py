"""What a session holds, in bytes: the NumPy arrays reachable from it, each buffer once.

A session's size is what its arrays hold (the data's rows, the network's parameters, a
kept optimizer's moments, the steps kept for questions and for the derivation): the
rest (a few dicts and numbers) is small beside them and bounded by the session's own
limits. :class:`~nnmath.web.sessions.SessionStore` keeps the sum of its sessions' sizes
under ``max_total_bytes`` (:mod:`nnmath.web.limits`) by ending the sessions idle the
longest.

>>> import numpy as np
>>> a = np.zeros(1000)
>>> held_bytes({"a": a, "view": a[:10], "again": [a]})
8000
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["held_bytes"]

_PLAIN = (str, bytes, int, float, complex, bool, type(None))


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (a view's base, followed to the end)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def held_bytes(obj: Any) -> int:
    """The bytes of every NumPy array reachable from ``obj`` through containers (dict,
    list, tuple, set), dataclasses and objects' attributes, each memory buffer counted
    once (a view counts as the array it views)."""
    seen: set[int] = set()
    owners: dict[int, int] = {}
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, _PLAIN) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            owner = _owner(item)
            owners[id(owner)] = owner.nbytes
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif hasattr(item, "__dict__") and not isinstance(item, type):
            stack.extend(vars(item).values())
    return sum(owners.values())
