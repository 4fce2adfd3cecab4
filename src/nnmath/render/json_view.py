"""JSON of a Trace: the keys of ``docs/reference/json.md`` (output, loss, gradients,
updated, output_after, loss_after) plus the full trace, as one object.

>>> import json
>>> from nnmath import explain
>>> from nnmath.article import network_b
>>> data = json.loads(render_json(explain(network_b(), [2.0], [0.0])))
>>> round(data["loss_after"], 6), round(data["updated"]["b1"][0], 8)
(0.051928, 0.00140154)
"""

from __future__ import annotations

import json

__all__ = ["render_json"]


def render_json(trace, indent=None) -> str:
    """``trace.to_dict()`` as JSON text (inf/NaN are written as null)."""
    return json.dumps(trace.to_dict(), allow_nan=False, indent=indent)
