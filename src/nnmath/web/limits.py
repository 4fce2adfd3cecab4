"""What one ``nnmath serve`` allows a request and a session: stated once, shown to the page.

Every limit is counted, never timed: the work of a ``/train`` request is
``rows × parameters × epochs`` (:data:`MAX_WORK`), so the same request is allowed or
refused on any machine.
"""

from __future__ import annotations

from ..errors import NnmathError, must_be

__all__ = ["MAX_SESSIONS", "MAX_PARAMS", "MAX_UPLOAD_BYTES", "MAX_EPOCHS_PER_REQUEST",
           "MAX_ROWS", "MAX_WORK", "MAX_HISTORY", "ROWS_SHOWN", "CHUNK_BYTES", "limits",
           "LimitError", "check_limit"]

MAX_SESSIONS = 64
"""Sessions kept at once; a new one evicts the session idle the longest."""
MAX_PARAMS = 10_000
"""Parameters of a session's network."""
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""Bytes of an uploaded CSV or model file (and of any request body, with a margin)."""
MAX_EPOCHS_PER_REQUEST = 500
"""Epochs one ``/train`` request may ask for."""
MAX_ROWS = 10_000
"""Rows of an uploaded CSV file."""
MAX_WORK = 20_000_000
"""``rows × parameters × epochs`` of one ``/train`` request."""
MAX_HISTORY = 2_000
"""Points of the loss history a session keeps (older ones are thinned)."""
ROWS_SHOWN = 1_000
"""Rows of the data a State carries to the page."""
CHUNK_BYTES = 64 * 1024
"""An upload is read in chunks of this size, and refused once over its limit."""


def limits() -> dict:
    """The limits as the API shows them (``Limits``)."""
    return {"max_sessions": MAX_SESSIONS, "max_params": MAX_PARAMS,
            "max_upload_bytes": MAX_UPLOAD_BYTES,
            "max_epochs_per_request": MAX_EPOCHS_PER_REQUEST, "max_rows": MAX_ROWS,
            "max_work": MAX_WORK}


class LimitError(NnmathError):
    """A limit of this server was hit (HTTP 413); the message names it."""


def check_limit(value: int, limit: int, name: str, what: str, fix: str) -> int:
    """``value`` if it is at most ``limit``, else a :class:`LimitError` naming ``name``.

    >>> check_limit(4, MAX_PARAMS, "max_params", "the network's parameters", "")
    4
    """
    if value > limit:
        raise LimitError(must_be(what, f"at most {limit:,} ({name}, a limit of nnmath serve)",
                                 f"{value:,}", fix))
    return value
