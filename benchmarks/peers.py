"""nnmath side by side with its peers (issue 12): P1 the article, P2 digits, P3 wide,
whole processes, peak memory and growth. ``make bench`` runs it.

    python benchmarks/peers.py                  # everything; the table, and JSON in
                                                # benchmarks/results/peers.json
    python benchmarks/peers.py --quick          # fewer epochs and rounds: a smoke run
    python benchmarks/peers.py --only P1,P2     # some sections: P1 P2 P3 memory cli growth
    python benchmarks/peers.py --threads 1      # BLAS and torch threads for P3 (default: theirs)

Timings: one process, every peer once as a warm-up (its final loss and accuracy
are the ones printed), then interleaved rounds; the time is the median of the
rounds and ``nnmath ÷ peer`` the median of the per-round ratios (< 1: nnmath is
faster). P1, P2 and growth run with one BLAS and one torch thread (their steps
are small: threads only add overhead, and on a loaded machine much of it).
nnmath is measured through its public API only (``Network.fit``, ``NNClassifier``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_p1  # noqa: E402
import bench_p2  # noqa: E402
import bench_p3  # noqa: E402
import bench_process  # noqa: E402
from bench_table import table  # noqa: E402
from bench_targets import targets  # noqa: E402
from bench_timing import interleaved, median, ratios  # noqa: E402

SECTIONS = ("P1", "P2", "P3", "memory", "cli", "growth")
RESULTS = Path(__file__).resolve().parent / "results" / "peers.json"
SIZES = {   # epochs and sizes: full, --quick, --tiny (the smoke test)
    "full": dict(p1_epochs=2000, p2_epochs=50, p2_rows=None, p3_rows=60_000, p3_features=784,
                 p3_hidden=128, rounds=5, cli_rounds=5, growth_epochs=20, growth_rows=450,
                 growth_hidden=32, growth_steps=4),
    "quick": dict(p1_epochs=200, p2_epochs=5, p2_rows=None, p3_rows=6_000, p3_features=784,
                  p3_hidden=128, rounds=2, cli_rounds=1, growth_epochs=2, growth_rows=450,
                  growth_hidden=32, growth_steps=3),
    "tiny": dict(p1_epochs=5, p2_epochs=2, p2_rows=200, p3_rows=300, p3_features=20,
                 p3_hidden=8, rounds=1, cli_rounds=1, growth_epochs=1, growth_rows=50,
                 growth_hidden=4, growth_steps=2),
}


def available(peers: dict, needs: dict) -> tuple[dict, dict]:
    """The peers whose package is installed, and {name: reason} for the others."""
    keep, skipped = {}, {}
    for name, fn in peers.items():
        package = needs.get(name)
        if package and importlib.util.find_spec(package) is None:
            skipped[name] = f"{package} is not installed"
        else:
            keep[name] = fn
    return keep, skipped


def _rows(times: dict, reference: str, per_unit: float, unit: str) -> dict:
    ratio = ratios(times, reference)
    out = {}
    for name, row in times.items():
        t = median(row["seconds"])
        out[name] = {"loss": row["outcome"].loss, "accuracy": row["outcome"].accuracy,
                     "extra": {k: float(v) for k, v in row["outcome"].extra.items()},
                     "seconds": row["seconds"], "median_s": t,
                     unit: (t / per_unit * 1e6) if unit == "us_per_update" else per_unit / t,
                     "nnmath_over_peer": ratio[name]}
    return out


@contextmanager
def threads(n: int):
    """At most ``n`` BLAS threads and ``n`` torch threads inside (0: the libraries' own)."""
    if not n:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch = None
    if importlib.util.find_spec("torch"):
        import torch
    before = torch.get_num_threads() if torch else None
    if torch:
        torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield
    finally:
        if torch:
            torch.set_num_threads(before)


def run_p1(size: dict) -> dict:
    X, t = bench_p1.data()
    epochs = size["p1_epochs"]
    peers, skipped = available(bench_p1.PEERS, bench_p1.NEEDS)
    with threads(1):
        times = interleaved({n: (lambda f=f: f(X, t, epochs)) for n, f in peers.items()},
                            size["rounds"])
    rows = _rows(times, "nnmath Network.fit", epochs * X.shape[0], "us_per_update")
    same = [rows[n]["loss"] for n in bench_p1.SAME_ALGORITHM if n in rows]
    return {"epochs": epochs, "updates": epochs * X.shape[0], "peers": rows, "skipped": skipped,
            "same_algorithm": [n for n in bench_p1.SAME_ALGORITHM if n in rows],
            "loss_spread": max(same) - min(same)}


def run_p2(size: dict) -> dict:
    X, y, T = bench_p2.data(size["p2_rows"])
    epochs = size["p2_epochs"]
    peers, skipped = available(bench_p2.PEERS, bench_p2.NEEDS)
    with threads(1):
        times = interleaved({n: (lambda f=f: f(X, y, T, epochs)) for n, f in peers.items()},
                            size["rounds"])
    rows = _rows(times, "nnmath Network.fit", X.shape[0] * epochs, "samples_per_s")
    losses = [row["loss"] for row in rows.values()]
    return {"epochs": epochs, "rows": X.shape[0], "peers": rows, "skipped": skipped,
            "loss_spread": max(losses) - min(losses)}


def run_p3(size: dict, n_threads: int) -> dict:
    X, T = bench_p3.data(size["p3_rows"], size["p3_features"])
    hidden = size["p3_hidden"]
    peers, skipped = available(bench_p3.PEERS, bench_p3.NEEDS)
    with threads(n_threads):
        peak = bench_p3.gemm_peak(2048 if X.shape[1] >= 784 else 256)
        times = interleaved({n: (lambda f=f: f(X, T, hidden)) for n, f in peers.items()},
                            size["rounds"])
        peak = max(peak, bench_p3.gemm_peak(2048 if X.shape[1] >= 784 else 256))
    rows = _rows(times, "nnmath float32", X.shape[0] * bench_p3.EPOCHS, "samples_per_s")
    flops = bench_p3.flops_per_row(X.shape[1], hidden)
    for row in rows.values():
        row["gemm_share"] = row["samples_per_s"] * flops / peak
    return {"rows": X.shape[0], "features": X.shape[1], "hidden": hidden, "peers": rows,
            "skipped": skipped, "gemm_peak_gflops": peak / 1e9, "flops_per_row": flops,
            "threads": n_threads or "library default", "data_mb": X.nbytes / 1e6}


def run_memory(size: dict) -> dict:
    names = ["data only", *available(bench_p3.PEERS, bench_p3.NEEDS)[0]]
    return bench_process.memory_children(names, size["p3_rows"], size["p3_features"],
                                         size["p3_hidden"])


def run_growth(size: dict) -> dict:
    """P2-style time (nnmath Network.fit, the NumPy hand loop) as rows, then widths, double."""
    epochs, base_rows, base_hidden = size["growth_epochs"], size["growth_rows"], size["growth_hidden"]
    jobs = {}
    for k in range(size["growth_steps"]):
        rows, hidden = base_rows * 2 ** k, base_hidden * 2 ** k
        for impl, fn in (("nnmath", bench_p2.nnmath_fit), ("numpy", bench_p2.numpy_loop)):
            Xr, yr, Tr = bench_p2.data(rows, repeat=1 + rows // 1797)
            jobs[f"{impl} rows={rows}"] = lambda fn=fn, d=(Xr, yr, Tr): fn(*d, epochs)
            Xw, yw, Tw = bench_p2.data(size["p2_rows"])
            jobs[f"{impl} hidden={hidden}"] = lambda fn=fn, d=(Xw, yw, Tw), h=hidden: \
                fn(*d, epochs, hidden=h)
    with threads(1):
        times = interleaved(jobs, max(1, size["rounds"] - 2))
    out = {}
    for name, row in times.items():
        impl, key = name.split(" ")
        axis, value = key.split("=")
        out.setdefault(impl, {}).setdefault(axis, {})[int(value)] = median(row["seconds"])
    for impl, axes in out.items():
        for axis, series in axes.items():
            sizes = sorted(series)
            seconds = [series[v] for v in sizes]
            axes[axis] = {"sizes": sizes, "seconds": seconds,
                          "per_doubling": [b / a for a, b in zip(seconds, seconds[1:])]}
    return {"epochs": epochs, "series": out}


def run_cli(size: dict) -> dict:
    return {"seconds": bench_process.whole_processes(size["cli_rounds"]),
            "heavy_imports": bench_process.heavy_imports()}


def machine() -> dict:
    """What the numbers were taken on: cores, CPU, load, versions."""
    import platform

    import numpy as np

    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for package in ("torch", "sklearn", "numba", "micrograd"):
        if importlib.util.find_spec(package):
            module = __import__(package)
            versions[package] = getattr(module, "__version__", "installed")
    return {"nproc": os.cpu_count(), "cpu": cpu, "load_average": list(os.getloadavg()),
            "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "versions": versions}


def run(sections, size: dict, n_threads: int) -> dict:
    results = {"machine": machine(), "sizes": size}
    steps = {"P1": lambda: run_p1(size), "P2": lambda: run_p2(size),
             "P3": lambda: run_p3(size, n_threads), "memory": lambda: run_memory(size),
             "cli": lambda: run_cli(size), "growth": lambda: run_growth(size)}
    for section in sections:
        start = time.perf_counter()
        print(f"[{section}] ...", file=sys.stderr, flush=True)
        results[section] = steps[section]()
        print(f"[{section}] {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["targets"] = targets(results)
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs and rounds")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes (the smoke test)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections of {','.join(SECTIONS)}")
    parser.add_argument("--rounds", type=int, help="timed rounds after the warm-up (>= 5)")
    parser.add_argument("--threads", type=int, default=0,
                        help="BLAS and torch threads for P3 (0: the libraries' default)")
    parser.add_argument("--json", default=str(RESULTS), help="where to write the JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)   # one P3 peer's memory
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--features", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--hidden", type=int, help=argparse.SUPPRESS)
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.child:
        print(json.dumps(bench_p3.child(args.child, args.rows, args.features, args.hidden)))
        return 0
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise SystemExit(f"--only: unknown section(s) {unknown}; choose from {SECTIONS}")
    size = dict(SIZES["tiny" if args.tiny else "quick" if args.quick else "full"])
    if args.rounds:
        size["rounds"] = size["cli_rounds"] = args.rounds
    results = run(sections, size, args.threads)
    print(table(results))
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
