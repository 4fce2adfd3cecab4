"""Scaling of the CSV loader: how time (and memory) grow with columns and rows. Never part of
the test run (``python benchmarks/scaling.py`` runs it too, as its ``csv`` series).

Each section measures one size at several values and prints the time (best of
``--repeat`` runs), the time per unit and the ratio of each step's time to the
size's ratio: about 1 means linear growth (2 means quadratic). A timed test would
depend on the machine's load; this shows the growth instead.

    python benchmarks/scaling_csv.py                  # every section
    python benchmarks/scaling_csv.py columns rows     # some sections
    python benchmarks/scaling_csv.py --json

Sections (each a function registered with :func:`section`):

- ``columns``: ``load_csv`` of a CSV file of N feature columns (and 3 rows): column
  names are found through a dict, so 100 000 columns load in a fraction of a second
  (it was list.count/list.index: 40 000 columns took 284 s);
- ``rows``: ``load_csv`` of N rows of two numbers and a class, with the peak of the
  memory Python allocated (tracemalloc): the rows are parsed into a float64 array,
  never kept as text.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

SECTIONS: dict = {}


def section(name: str):
    """Register ``fn(repeat, folder) -> list of {"size": n, "seconds": t, ...}``."""
    def register(fn):
        SECTIONS[name] = fn
        return fn
    return register


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@section("columns")
def csv_columns(repeat: int, folder: Path, sizes=(5_000, 10_000, 20_000, 40_000, 100_000)):
    """``load_csv`` of a CSV file with N feature columns, a class column and 3 rows."""
    from nnmath.datasets import load_csv

    results = []
    for n in sizes:
        path = folder / f"columns-{n}.csv"
        header = ",".join([f"feature_{i}" for i in range(n)] + ["label"])
        rows = [",".join([f"{r}.25"] * n + [label]) for r, label in enumerate("aba")]
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        seconds = best_time(lambda: load_csv(path, target="label"), repeat)
        results.append({"size": n, "bytes": path.stat().st_size, "seconds": seconds})
    return results


@section("rows")
def csv_rows(repeat: int, folder: Path, sizes=(250_000, 500_000, 1_000_000, 2_000_000)):
    """``load_csv`` of N rows ``x1,x2,label`` (16 bytes a row), with its peak memory."""
    import numpy as np

    from nnmath.datasets import load_csv

    results = []
    for n in sizes:
        path = folder / f"rows-{n}.csv"
        rng = np.random.default_rng(0)
        X = rng.random((n, 2))
        with path.open("w", encoding="utf-8") as f:
            f.write("x1,x2,label\n")
            f.writelines(f"{a:.4f},{b:.4f},{int(a + b > 1)}\n" for a, b in X.tolist())
        seconds = best_time(lambda: load_csv(path, target="label"), repeat)
        tracemalloc.start()
        data = load_csv(path, target="label")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results.append({"size": n, "bytes": path.stat().st_size, "seconds": seconds,
                        "peak_MB": round(peak / 1e6, 1),
                        "array_MB": round((data.X.nbytes + data.y.nbytes) / 1e6, 1)})
    return results


def with_ratios(results: list) -> list:
    """Add ``time_ratio / size_ratio`` against the previous size (about 1: linear)."""
    for before, now in zip(results, results[1:]):
        now["growth"] = round((now["seconds"] / before["seconds"]) /
                              (now["size"] / before["size"]), 2)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION",
                        help=f"which sections: {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
    report = {}
    with tempfile.TemporaryDirectory(prefix="nnmath-scaling-") as folder:
        for name in args.sections or list(SECTIONS):
            report[name] = with_ratios(SECTIONS[name](args.repeat, Path(folder)))
    if args.json:
        print(json.dumps(report))
        return 0
    for name, results in report.items():
        print(f"{name}: {SECTIONS[name].__doc__.splitlines()[0]}")
        keys = [k for k in results[0] if k not in ("size", "seconds")]
        print(f"  {'size':>10} {'seconds':>9} {'µs/unit':>8} {'growth':>7} "
              + " ".join(f"{k:>9}" for k in keys if k != "growth"))
        for row in results:
            per = row["seconds"] / row["size"] * 1e6
            print(f"  {row['size']:>10} {row['seconds']:>9.4f} {per:>8.3f} "
                  f"{row.get('growth', ''):>7} "
                  + " ".join(f"{row[k]:>9}" for k in keys if k != "growth"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
