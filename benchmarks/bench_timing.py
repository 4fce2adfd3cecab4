"""Timing rules of the side-by-side suite (``benchmarks/peers.py``).

One process; every peer runs once as a warm-up (its result is the one
printed: final loss and accuracy); then ``rounds`` interleaved rounds, each
round running every peer once in a rotated order, so that a burst of load
on a shared machine falls on all of them alike. The time reported is the
median over the rounds; the ratio to a peer is taken *within* each round
(``t_nnmath / t_peer``) and its median reported.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Outcome:
    """What a peer's run ends with: the final loss, the accuracy, free notes."""

    loss: float
    accuracy: float
    extra: dict = field(default_factory=dict)


def interleaved(peers: dict, rounds: int) -> dict:
    """Warm up every peer, then time ``rounds`` interleaved rounds.

    Parameters
    ----------
    peers : dict of name -> callable
        Each callable takes no argument and returns an :class:`Outcome`.
    rounds : int
        Rounds after the warm-up (>= 1).

    Returns
    -------
    dict of name -> {"outcome": Outcome (the warm-up's), "seconds": [float] * rounds}
    """
    out = {name: {"outcome": fn(), "seconds": []} for name, fn in peers.items()}
    names = list(peers)
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            start = time.perf_counter()
            peers[name]()
            out[name]["seconds"].append(time.perf_counter() - start)
    return out


def median(values) -> float:
    return float(statistics.median(values))


def ratios(times: dict, reference: str) -> dict:
    """Median over rounds of ``t_reference / t_peer`` for every peer (same round)."""
    ref = times[reference]["seconds"]
    return {name: median([a / b for a, b in zip(ref, row["seconds"])])
            for name, row in times.items()}
