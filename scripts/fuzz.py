"""``make fuzz``: the properties of tests/test_fuzz.py on many fresh examples, for a long time.

Not part of CI. Runs round after round of ``pytest tests/test_fuzz.py`` with
``HYPOTHESIS_PROFILE=fuzz`` (fresh random examples, the failures kept in
``.hypothesis/`` and replayed first next time) and ``FUZZ_EXAMPLES`` examples
per property per round, until ``--minutes`` have passed. Prints, and appends
to ``--log``, the examples run per property and any failure.

    make fuzz                          # 30 minutes
    make fuzz FUZZ_MINUTES=120         # longer
    python scripts/fuzz.py --minutes 5 --examples 500
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("FUZZ_MINUTES", 30)))
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 2000)),
                        help="examples per property per round (default 2000)")
    parser.add_argument("--log", default=str(ROOT / "fuzz.log"))
    args = parser.parse_args()

    start, examples, failures, rounds = time.time(), collections.Counter(), [], 0
    log = open(args.log, "a", encoding="utf-8")
    say = lambda text: (print(text, flush=True), log.write(text + "\n"), log.flush())  # noqa: E731
    say(f"== fuzz {datetime.datetime.now().isoformat(timespec='seconds')}: {args.minutes} min, "
        f"{args.examples} examples per property per round")
    while time.time() - start < args.minutes * 60:
        rounds += 1
        seed = int(time.time() * 1000) % 2**32
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", "-p", "no:cacheprovider",
             "--hypothesis-show-statistics", f"--hypothesis-seed={seed}", "-x"],
            cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "HYPOTHESIS_PROFILE": "fuzz", "FUZZ_EXAMPLES": str(args.examples)})
        counts = _passing(done.stdout)
        examples.update(counts)
        minutes = (time.time() - start) / 60
        say(f"round {rounds} (seed {seed}): {sum(counts.values())} examples, exit {done.returncode}, "
            f"{minutes:.1f} min so far")
        if done.returncode != 0:
            failures.append(seed)
            say(done.stdout[-6000:])
    minutes = (time.time() - start) / 60
    say(f"== done: {minutes:.1f} minutes, {rounds} rounds, {sum(examples.values())} examples, "
        f"{len(failures)} failing rounds {failures}")
    for name, n in sorted(examples.items()):
        say(f"  {n:>9}  {name}")
    return 1 if failures else 0


def _passing(output: str) -> collections.Counter:
    """Passing examples per test, from hypothesis's statistics."""
    counts, name = collections.Counter(), None
    for line in output.splitlines():
        head = re.match(r"tests/test_fuzz\.py::(\w+):", line.strip())
        if head:
            name = head.group(1)
        found = re.search(r"(\d+) passing(?: examples)?,", line)
        if found and name:
            counts[name] += int(found.group(1))
    return counts


if __name__ == "__main__":
    sys.exit(main())
