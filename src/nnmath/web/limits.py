"""What one ``nnmath serve`` allows a request and a session: stated once, shown to the page.

:data:`LIMITS` holds every limit the API checks, under the name its messages and
``/api/options`` give it; the page reads them from there (its own copy would drift).
The page's ``max_params`` is not the engine's :data:`nnmath.layers.MAX_PARAMS` (the
limit of every network, far larger): a page redraws its network on every request.

Every limit is counted, never timed, so the same request is allowed or refused on any
machine. A ``/train`` request is bounded twice: by its arithmetic, ``rows × parameters ×
epochs`` (``max_work``), and by its steps, ``epochs × ⌈rows / batch size⌉ × layers``
(``max_steps``: each layer of each step has a fixed cost, whatever its size, so 10 000
rows of a 1-1-1 network one row at a time are many cheap steps, not little work).
``/report`` draws every layer: ``max_report_layers`` bounds it (its pictures' edges are
the parameters, bounded by ``max_params``). Every other request is one step, or one
forward pass over the data (at most ``max_rows`` rows) or a grid, of a network of at most
``max_params`` parameters. On the machine that ran the tests (docs/architecture.md), a
request at these limits takes about a second or less; the page's Run is one request
after another, so Pause waits for one request at most.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..errors import NnmathError, must_be

__all__ = ["Limits", "LIMITS", "MAX_HISTORY", "ROWS_SHOWN", "CHUNK_BYTES", "LimitError",
           "check_limit", "steps_per_epoch", "epochs_allowed"]


class Limits(BaseModel):
    """The limits of the server and of a configuration, by their names in the API."""

    model_config = ConfigDict(frozen=True)

    max_sessions: int = Field(
        default=64, description="sessions kept at once; a new one evicts the session idle "
        "the longest")
    max_params: int = Field(
        default=10_000, description="parameters of a session's network (the page's limit; "
        "the engine's MAX_PARAMS is every network's)")
    max_upload_bytes: int = Field(
        default=5 * 1024 * 1024, description="bytes of an uploaded CSV or model file (and "
        "of any request body, with a margin)")
    max_epochs_per_request: int = Field(
        default=500, description="epochs one /train request may ask for")
    max_rows: int = Field(
        default=10_000, description="rows of an uploaded CSV file (and the largest batch "
        "size)")
    max_work: int = Field(
        default=20_000_000, description="rows × parameters × epochs of one /train request")
    max_steps: int = Field(
        default=50_000, description="steps × layers of one /train request: epochs × "
        "⌈rows / batch size⌉ × layers (a step of a layer has a fixed cost)")
    max_report_layers: int = Field(
        default=12, description="layers of a network /report draws (its edges are the "
        "parameters, at most max_params)")
    max_hidden_layers: int = Field(default=6, description="hidden layers of a configuration")
    max_neurons: int = Field(default=64, description="neurons of one hidden layer")
    min_samples: int = Field(default=4, description="rows of a toy data set, at least")
    max_samples: int = Field(default=1_000, description="rows of a toy data set, at most")
    max_noise: float = Field(default=1.0, description="a toy data set's noise, at most "
                             "(from 0)")
    min_classes: int = Field(default=2, description="classes of blobs and spiral, at least")
    max_classes: int = Field(default=6, description="classes of blobs and spiral, at most")
    max_seed: int = Field(default=2**32 - 1, description="the seed, at most (from 0)")
    max_learning_rate: float = Field(default=10.0, description="the learning rate, at most "
                                     "(above 0)")
    max_weight: float = Field(default=1e6, description="the size of a weight or bias typed "
                              "in, at most")
    max_total_bytes: int = Field(
        default=256 * 1024 * 1024, description="bytes of the arrays all sessions hold "
        "together (data, network, optimizer, kept steps); past it the sessions idle the "
        "longest are ended, oldest first")
    max_test_share: float = Field(default=0.5, description="the share of the rows held out "
                                  "as a test set, at most (from 0)")
    max_alpha: float = Field(default=10.0, description="the L2 penalty alpha, at most "
                             "(from 0)")
    max_landscape_side: int = Field(
        default=61, description="points along each axis of a loss landscape's grid")
    max_landscape_work: int = Field(
        default=20_000_000, description="grid points × rows × parameters of one loss "
        "landscape (a larger network or data set gets a coarser grid)")
    max_paths: int = Field(default=4, description="learning rates one descent-path request "
                           "compares")
    max_neuron_views: int = Field(
        default=72, description="neurons whose picture one request draws (a larger network: "
        "one layer at a time)")


LIMITS = Limits()
"""The limits of this server (``Limits()``'s defaults)."""
MAX_HISTORY = 2_000
"""Points of the loss history a session keeps (older ones are thinned)."""
ROWS_SHOWN = 1_000
"""Rows of the data a State carries to the page."""
CHUNK_BYTES = 64 * 1024
"""An upload is read in chunks of this size, and refused once over its limit."""


def steps_per_epoch(rows: int, batch_size: int, layers: int) -> int:
    """The ``max_steps`` count of one epoch: ⌈rows / batch size⌉ steps of every layer.

    >>> steps_per_epoch(10_000, 1, 2), steps_per_epoch(10, 4, 3)
    (20000, 9)
    """
    return -(-rows // max(1, batch_size)) * layers


def epochs_allowed(rows: int, params: int, batch_size: int, layers: int) -> int:
    """The most epochs one ``/train`` request may ask for (0: not even one).

    >>> epochs_allowed(10_000, 4, 1, 2)      # 10 000 rows of a 1-1-1 network, one at a time
    2
    >>> epochs_allowed(10_000, 4, 1, 7)      # of 7 layers: not one epoch (use larger batches)
    0
    >>> epochs_allowed(14, 4, 1, 2)          # the 14 rows of PSA
    500
    """
    return max(0, min(LIMITS.max_epochs_per_request,
                      LIMITS.max_work // max(1, rows * params),
                      LIMITS.max_steps // max(1, steps_per_epoch(rows, batch_size, layers))))


class LimitError(NnmathError):
    """A limit of this server was hit (HTTP 413); the message names it."""


def check_limit(value: int, name: str, what: str, fix: str) -> int:
    """``value`` if it is at most the limit ``name`` of :data:`LIMITS`, else a
    :class:`LimitError` that names it.

    >>> check_limit(4, "max_params", "the network's parameters", "")
    4
    >>> check_limit(10_001, "max_params", "the network's parameters", "Use fewer neurons.")
    Traceback (most recent call last):
    ...
    nnmath.web.limits.LimitError: the network's parameters must be at most 10,000 (max_params, a limit of nnmath serve). Got '10,001'. Use fewer neurons.
    """
    limit = getattr(LIMITS, name)
    if value > limit:
        raise LimitError(must_be(what, f"at most {limit:,} ({name}, a limit of nnmath serve)",
                                 f"{value:,}", fix))
    return value
