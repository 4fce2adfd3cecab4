"""Budgets for the fuzzers: a few examples in CI, many under ``make fuzz``.

``@budget(200)`` runs a property on 200 fixed examples in the default (``ci``)
profile; with ``HYPOTHESIS_PROFILE=fuzz`` it runs ``FUZZ_EXAMPLES`` (default
20000) fresh random examples instead (scripts/fuzz.py repeats that for as long
as it is told to).
"""

from __future__ import annotations

import os

from hypothesis import settings

FUZZING = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"


def budget(ci_examples: int):
    n = int(os.environ.get("FUZZ_EXAMPLES", "20000")) if FUZZING else ci_examples
    return settings(max_examples=n)
