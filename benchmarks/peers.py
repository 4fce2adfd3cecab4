"""nnmath side by side with its peers (issue 12): P1 the article, P2 digits, P3 wide,
whole processes, peak memory and growth. ``make bench`` runs it.

    python benchmarks/peers.py                  # everything; the table, and JSON in
                                                # benchmarks/results/peers.json
    python benchmarks/peers.py --quick          # fewer epochs and rounds: a smoke run
    python benchmarks/peers.py --only P1,P2     # some sections: P1 P2 P3 memory cli growth
    python benchmarks/peers.py --threads 1      # BLAS and torch threads for P3 (default: theirs)

Timings (issue 21): every contender runs alone in fresh processes
(``benchmarks/isolated.py``), importing only what its user imports (nnmath's: NumPy and
nnmath), so no peer's import changes what nnmath does. Each process times a **first
call** (one fit in a fresh process: a script, ``nnmath demo``, a test) and then warm
calls (the same process again: a notebook, ``nnmath serve``); the processes run in
interleaved rounds (rotated order), and a time is the best over processes (first call)
or over all warm calls. The printed loss and accuracy are the first process's. P1, P2
and growth run with one BLAS and one torch thread (their steps are small: threads only
add overhead, and on a loaded machine much of it). nnmath is measured through its
public API only (``Network.fit``, ``NNClassifier``). ``engines`` is the engine-choice
grid of ``bench_engines.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_engines  # noqa: E402
import bench_p1  # noqa: E402
import bench_p2  # noqa: E402
import bench_p3  # noqa: E402
import bench_process  # noqa: E402
import isolated  # noqa: E402
from bench_table import table  # noqa: E402
from bench_targets import targets  # noqa: E402
from bench_timing import median  # noqa: E402

SECTIONS = ("P1", "engines", "P2", "P3", "memory", "cli", "growth")
RESULTS = Path(__file__).resolve().parent / "results" / "peers.json"
SIZES = {   # epochs and sizes: full, --quick, --tiny (the smoke test)
    "full": dict(p1_epochs=2000, p2_epochs=50, p2_rows=None, p3_rows=60_000, p3_features=784,
                 p3_hidden=128, rounds=5, cli_rounds=5, growth_epochs=20, growth_rows=450,
                 growth_hidden=32, growth_steps=4, warm=1, big_rounds=3, engine_jobs="all"),
    "quick": dict(p1_epochs=200, p2_epochs=5, p2_rows=None, p3_rows=6_000, p3_features=784,
                  p3_hidden=128, rounds=2, cli_rounds=1, growth_epochs=2, growth_rows=450,
                  growth_hidden=32, growth_steps=3, warm=2, big_rounds=1, engine_jobs="quick"),
    "tiny": dict(p1_epochs=5, p2_epochs=2, p2_rows=200, p3_rows=300, p3_features=20,
                 p3_hidden=8, rounds=1, cli_rounds=1, growth_epochs=1, growth_rows=50,
                 growth_hidden=4, growth_steps=2, warm=1, big_rounds=1, engine_jobs="tiny"),
}


def available(peers, needs: dict) -> tuple[list, dict]:
    """The peers whose package is installed, and {name: reason} for the others."""
    keep, skipped = [], {}
    for name in peers:
        package = needs.get(name)
        if package and importlib.util.find_spec(package) is None:
            skipped[name] = f"{package} is not installed"
        else:
            keep.append(name)
    return keep, skipped


ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS")}
P1_ENGINES = ("python", "numba", "numpy", "readable")
"""nnmath's P1 again with ``NNMATH_ENGINE`` set to each engine (``auto`` is the main row),
and once more with ``auto`` in a process where nnmath has loaded its compiled kernel
before (a notebook or ``nnmath serve`` that trained something bigger first)."""


def _threads_env(n: int) -> dict:
    return {} if not n else {name: str(n) for name in ONE_THREAD}


def _summary(times: dict, reference: str, per_unit: float, unit: str) -> dict:
    """Per contender: its first call and warm times (best of the processes / calls), the
    outcome of its first process, and its time over the reference's (same call)."""
    out = {}
    for name, row in times.items():
        first, warm = min(row["first_s"]), min(row["warm_s"] or row["first_s"])
        result = row["runs"][0]
        per = {"first": first, "warm": warm}
        out[name] = {"loss": result["loss"], "accuracy": result["accuracy"],
                     "extra": result["extra"], "first_s": row["first_s"],
                     "seconds": row["warm_s"], "median_s": median(row["warm_s"] or
                                                                  row["first_s"]),
                     "best_first_s": first, "best_s": warm,
                     "import_s": min(r["import_s"] for r in row["runs"]),
                     "peers_loaded": sorted({p for r in row["runs"] for p in r["peers_before"]}),
                     "engine": result["engine"]}
        for call, t in per.items():
            out[name][f"{call}_{unit}"] = (t / per_unit * 1e6) if unit == "us_per_update" \
                else per_unit / t
        out[name][unit] = out[name][f"warm_{unit}"]
    ref = out[reference]
    for row in out.values():
        row["over_reference_first"] = row["best_first_s"] / ref["best_first_s"]
        row["over_reference_warm"] = row["best_s"] / ref["best_s"]
    nn = out[next(iter(out))]
    for row in out.values():
        row["nnmath_over_peer"] = nn["best_s"] / row["best_s"]
    return out


@contextmanager
def threads(n: int):
    """At most ``n`` BLAS threads in this process inside (0: the library's own); the
    contenders' processes get theirs from the environment (:func:`_threads_env`)."""
    if not n:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n):
        yield


def _wanted(name: str, size: dict) -> bool:
    """Whether ``--contenders`` (name prefixes) keeps this contender (all by default)."""
    prefixes = size.get("contenders")
    return not prefixes or any(name.startswith(p) for p in prefixes)


def _save(folder: str, name: str, **arrays) -> str:
    import numpy as np

    path = str(Path(folder) / f"{name}.npz")
    np.savez(path, **arrays)
    return path


def run_p1(size: dict, folder: str) -> dict:
    X, t = bench_p1.data()
    path = _save(folder, "p1", X=X, t=t)
    epochs = size["p1_epochs"]
    names, skipped = available(bench_p1.PEERS, bench_p1.NEEDS)
    names = [name for name in names if _wanted(name, size) or name == "pure Python"]
    args = ["--data", path, "--epochs", epochs]
    jobs = {name: isolated.Job("P1", name, args) for name in names}
    bench_engines.warm_numba_cache()      # as after a user's first run (untimed)
    if _wanted("nnmath, numba loaded", size):
        jobs["nnmath, numba loaded"] = isolated.Job(
            "P1", "nnmath Network.fit", [*args, "--kernel-loaded"])
    for engine in P1_ENGINES:
        if not _wanted(f"nnmath NNMATH_ENGINE={engine}", size):
            continue
        jobs[f"nnmath NNMATH_ENGINE={engine}"] = isolated.Job(
            "P1", "nnmath Network.fit", args, {"NNMATH_ENGINE": engine})
    times = isolated.interleaved(jobs, size["rounds"], size["warm"], ONE_THREAD)
    rows = _summary(times, "pure Python", epochs * X.shape[0], "us_per_update")
    same = [rows[n]["loss"] for n in rows if n != "scikit-learn"]
    return {"epochs": epochs, "updates": epochs * X.shape[0], "peers": rows, "skipped": skipped,
            "processes": size["rounds"], "warm_calls": size["warm"],
            "same_algorithm": [n for n in rows if n != "scikit-learn"],
            "loss_spread": max(same) - min(same)}


def run_p2(size: dict, folder: str) -> dict:
    X, y, T = bench_p2.data(size["p2_rows"])
    path = _save(folder, "p2", X=X, y=y, T=T)
    epochs = size["p2_epochs"]
    names, skipped = available(bench_p2.PEERS, bench_p2.NEEDS)
    names = [name for name in names if _wanted(name, size) or name == "NumPy hand loop"]
    jobs = {name: isolated.Job("P2", name, ["--data", path, "--epochs", epochs,
                                            "--hidden", bench_p2.HIDDEN]) for name in names}
    times = isolated.interleaved(jobs, size["big_rounds"], size["warm"], ONE_THREAD)
    rows = _summary(times, "NumPy hand loop", X.shape[0] * epochs, "samples_per_s")
    losses = [row["loss"] for row in rows.values()]
    return {"epochs": epochs, "rows": X.shape[0], "peers": rows, "skipped": skipped,
            "processes": size["big_rounds"], "warm_calls": size["warm"],
            "loss_spread": max(losses) - min(losses)}


def run_p3(size: dict, n_threads: int, folder: str) -> dict:
    import numpy as np

    rows_, features, hidden = size["p3_rows"], size["p3_features"], size["p3_hidden"]
    names, skipped = available(bench_p3.PEERS, bench_p3.NEEDS)
    names = [name for name in names if _wanted(name, size) or name == "NumPy hand loop"]
    # made once here: the labels are an argmax of float32 products, which a process
    # with other BLAS threads could round otherwise (another data set, another loss)
    X, T = bench_p3.data(rows_, features)
    stem = str(Path(folder) / "p3")
    np.save(f"{stem}-X.npy", X)
    np.save(f"{stem}-T.npy", T)
    del X, T
    jobs = {name: isolated.Job("P3", name, ["--data", stem, "--hidden", hidden])
            for name in names}
    with threads(n_threads):
        peak = bench_p3.gemm_peak(2048 if features >= 784 else 256)
    times = isolated.interleaved(jobs, size["big_rounds"], size["warm"],
                                 _threads_env(n_threads))
    with threads(n_threads):
        peak = max(peak, bench_p3.gemm_peak(2048 if features >= 784 else 256))
    rows = _summary(times, "NumPy hand loop", rows_ * bench_p3.EPOCHS, "samples_per_s")
    flops = bench_p3.flops_per_row(features, hidden)
    for row in rows.values():
        row["gemm_share"] = row["samples_per_s"] * flops / peak
    return {"rows": rows_, "features": features, "hidden": hidden, "peers": rows,
            "skipped": skipped, "gemm_peak_gflops": peak / 1e9, "flops_per_row": flops,
            "threads": n_threads or "library default", "data_mb": rows_ * features * 4 / 1e6,
            "processes": size["big_rounds"], "warm_calls": size["warm"]}


def run_memory(size: dict) -> dict:
    names = ["data only", *available(bench_p3.PEERS, bench_p3.NEEDS)[0]]
    return bench_process.memory_children(names, size["p3_rows"], size["p3_features"],
                                         size["p3_hidden"])


def run_growth(size: dict, folder: str) -> dict:
    """P2-style time (nnmath Network.fit, the NumPy hand loop) as rows, then widths, double;
    each job in a fresh process, its best warm call."""
    epochs, base_rows, base_hidden = size["growth_epochs"], size["growth_rows"], size["growth_hidden"]
    jobs = {}
    for k in range(size["growth_steps"]):
        rows, hidden = base_rows * 2 ** k, base_hidden * 2 ** k
        Xr, yr, Tr = bench_p2.data(rows, repeat=1 + rows // 1797)
        by_rows = _save(folder, f"growth-rows-{rows}", X=Xr, y=yr, T=Tr)
        Xw, yw, Tw = bench_p2.data(size["p2_rows"])
        by_width = _save(folder, "growth-width", X=Xw, y=yw, T=Tw)
        for impl, name in (("nnmath", "nnmath Network.fit"), ("numpy", "NumPy hand loop")):
            jobs[f"{impl} rows={rows}"] = isolated.Job(
                "P2", name, ["--data", by_rows, "--epochs", epochs, "--hidden", base_hidden])
            jobs[f"{impl} hidden={hidden}"] = isolated.Job(
                "P2", name, ["--data", by_width, "--epochs", epochs, "--hidden", hidden])
    times = isolated.interleaved(jobs, 1, max(1, size["rounds"] - 2), ONE_THREAD)
    out = {}
    for name, row in times.items():
        impl, key = name.split(" ")
        axis, value = key.split("=")
        out.setdefault(impl, {}).setdefault(axis, {})[int(value)] = min(row["warm_s"])
    for impl, axes in out.items():
        for axis, series in axes.items():
            sizes = sorted(series)
            seconds = [series[v] for v in sizes]
            axes[axis] = {"sizes": sizes, "seconds": seconds,
                          "per_doubling": [b / a for a, b in zip(seconds, seconds[1:])]}
    return {"epochs": epochs, "series": out}


def run_engines(size: dict) -> dict:
    """The engine-choice grid (bench_engines.py): each cell a fresh process."""
    which = size["engine_jobs"]
    jobs = None if which == "all" else bench_engines.QUICK if which == "quick" else [0]
    return bench_engines.grid(jobs=jobs, processes=1 if which != "all" else None)


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
    folder = tempfile.mkdtemp(prefix="nnmath-bench-")
    steps = {"P1": lambda: run_p1(size, folder), "P2": lambda: run_p2(size, folder),
             "P3": lambda: run_p3(size, n_threads, folder), "memory": lambda: run_memory(size),
             "cli": lambda: run_cli(size), "growth": lambda: run_growth(size, folder),
             "engines": lambda: run_engines(size)}
    for section in sections:
        start = time.perf_counter()
        print(f"[{section}] ...", file=sys.stderr, flush=True)
        results[section] = steps[section]()
        print(f"[{section}] {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["targets"] = targets(results)
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs and rounds")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes (the smoke test)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections of {','.join(SECTIONS)}")
    parser.add_argument("--rounds", type=int, help="fresh processes per contender (P1)")
    parser.add_argument("--contenders", help="comma-separated name prefixes: only these "
                        "contenders (and each section's reference) run")
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
    if args.contenders:
        size["contenders"] = [c.strip() for c in args.contenders.split(",") if c.strip()]
    results = run(sections, size, args.threads)
    print(table(results))
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
