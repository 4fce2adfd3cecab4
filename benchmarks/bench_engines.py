"""The engine-choice grid (issue 21): for jobs from the article's to P2's and P3's size,
each engine's time in a fresh process, the engine ``auto`` chose, and auto's time over the
fastest engine's (the target: at most 1.1).

Every cell is one fresh process (``python benchmarks/bench_engines.py --child JOB``) that
imports NumPy and nnmath, makes the job's data (seeded), and times one ``Network.fit`` with
``NNMATH_ENGINE`` set: what a script, ``nnmath demo`` or a test pays, the lazy imports of
the training modules and numba's loading (from its on-disk cache, made warm first) included.
The time of a cell is the best of ``processes`` fresh processes (5; 1 with --quick).

    python benchmarks/bench_engines.py            # the grid, 5 processes a cell
    python benchmarks/bench_engines.py --quick    # fewer jobs and 1 process a cell
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENGINES = ("python", "numba", "numpy", "readable")
LIMIT = 1.1   # auto's time over the fastest engine's, at most

# name -> (sizes, hidden activation, output activation, loss, rows, epochs, batch size, dtype)
JOBS = {
    "article B 1-1-1, 14 rows, 20 epochs, batch 1": ([1, 1, 1], "sigmoid", "sigmoid", "ssr", 14, 20, 1, "float64"),
    "article B 1-1-1, 14 rows, 2000 epochs, batch 1 (P1)": ([1, 1, 1], "sigmoid", "sigmoid", "ssr", 14, 2000, 1, "float64"),
    "article A 1-2 softmax, 14 rows, 2000 epochs, full batch": ([1, 2], "softmax", "softmax", "cross_entropy", 14, 2000, 0, "float64"),
    "2-16-16-1 tanh, 500 rows, 20 epochs, batch 1": ([2, 16, 16, 1], "tanh", "sigmoid", "bce", 500, 20, 1, "float64"),
    "2-16-16-1 tanh, 500 rows, 200 epochs, batch 16": ([2, 16, 16, 1], "tanh", "sigmoid", "bce", 500, 200, 16, "float64"),
    "5-8-1 relu, 569 rows, 100 epochs, batch 1": ([5, 8, 1], "relu", "sigmoid", "bce", 569, 100, 1, "float64"),
    "5-8-1 relu, 569 rows, 1000 epochs, batch 1": ([5, 8, 1], "relu", "sigmoid", "bce", 569, 1000, 1, "float64"),
    "2-16-16-1 tanh, 500 rows, 200 epochs, batch 1": ([2, 16, 16, 1], "tanh", "sigmoid", "bce", 500, 200, 1, "float64"),
    "13-16-3 relu, 178 rows, 200 epochs, batch 32 (wine)": ([13, 16, 3], "relu", "softmax", "cross_entropy", 178, 200, 32, "float64"),
    "30-32-2 relu, 569 rows, 100 epochs, batch 32": ([30, 32, 2], "relu", "softmax", "cross_entropy", 569, 100, 32, "float64"),
    "64-32-10 relu, 1797 rows, 5 epochs, batch 32 (P2 short)": ([64, 32, 10], "relu", "softmax", "cross_entropy", 1797, 5, 32, "float64"),
    "64-32-10 relu, 1797 rows, 50 epochs, batch 32 (P2)": ([64, 32, 10], "relu", "softmax", "cross_entropy", 1797, 50, 32, "float64"),
    "784-128-10 relu, 6000 rows, 1 epoch, batch 128 (P3, float64)": ([784, 128, 10], "relu", "softmax", "cross_entropy", 6000, 1, 128, "float64"),
    "784-128-10 relu, 6000 rows, 1 epoch, batch 128 (P3, float32)": ([784, 128, 10], "relu", "softmax", "cross_entropy", 6000, 1, 128, "float32"),
}
QUICK = [0, 1, 2, 3, 5, 6, 8, 12]   # the jobs of --quick (by position)
READABLE_WORK = 3e8    # rows x parameters x epochs above which the readable engine is skipped
TIMEOUT_FACTOR = 6     # a cell stopped after this many times the job's fastest cell so far


def data(job: str):
    """The job's network and data, from fixed seeds (NumPy and nnmath only)."""
    import numpy as np

    import nnmath

    sizes, hidden, output, loss, rows, _, _, dtype = JOBS[job]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, sizes[0])).astype(dtype)
    k = sizes[-1]
    if loss == "cross_entropy":
        T = np.eye(k, dtype=dtype)[rng.integers(0, k, rows)]
    elif loss == "bce":
        T = rng.integers(0, 2, (rows, k)).astype(dtype)
    else:
        T = rng.integers(0, 2, (rows, k)).astype(dtype)
    if sizes == [1, 1, 1]:
        d = nnmath.datasets.psa()
        X, T = d.X, d.targets(1)
        net = nnmath.Network([nnmath.Dense(W=[[0.5]], b=[0.0], activation="sigmoid"),
                              nnmath.Dense(W=[[-1.0]], b=[0.0], activation="sigmoid")])
    else:
        net = nnmath.Network.random(sizes, activation=hidden, output_activation=output, seed=0,
                                    dtype=dtype)
    return net, X, T


def child(job: str) -> dict:
    """One cell: one fit of ``job`` in this fresh process, on NNMATH_ENGINE's engine."""
    import numpy  # noqa: F401  (the user's imports, untimed)

    import nnmath  # noqa: F401

    _, _, _, loss, rows, epochs, batch, _ = JOBS[job]
    net, X, T = data(job)
    started = time.perf_counter()
    history = net.fit(X, T, loss=loss, learning_rate=0.05, epochs=epochs,
                      batch_size=batch or None)
    seconds = time.perf_counter() - started
    choice = None
    fastpath = sys.modules.get("nnmath.fastpath")
    if fastpath is not None and hasattr(fastpath, "last_choice"):
        choice = fastpath.last_choice()
    return {"job": job, "engine": os.environ.get("NNMATH_ENGINE", "auto"), "seconds": seconds,
            "loss": float(history.loss[-1]), "chosen": choice,
            "numba_loaded": "numba" in sys.modules}


def _cell(job: str, engine: str, timeout: float | None = None) -> dict:
    from isolated import environment  # PYTHONPATH, and the bytecode cache on

    env = environment({"NNMATH_ENGINE": engine})
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    try:
        done = subprocess.run([sys.executable, str(HERE / "bench_engines.py"), "--child", job],
                              env=env, capture_output=True, text=True, check=False,
                              timeout=timeout)
    except subprocess.TimeoutExpired:     # far slower than the fastest: not timed further
        return {"job": job, "engine": engine, "seconds": float("inf"), "loss": float("nan"),
                "chosen": None, "timed_out": timeout}
    if done.returncode:
        raise RuntimeError(f"{job} on {engine} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm_numba_cache() -> None:
    """numba's on-disk cache of the kernel made (the state after a user's first run)."""
    from isolated import environment

    env = environment()
    subprocess.run([sys.executable, "-c", "import nnmath.kernels as k; k.compiled()"],
                   env=env, check=False, capture_output=True)


def grid(jobs=None, processes: int | None = None) -> dict:
    """Every job (all, or those at the positions ``jobs``) x engine (and auto), each cell
    the best of ``processes`` fresh processes (5); a cell slower than TIMEOUT_FACTOR times
    the job's fastest so far is stopped (its engine is not the fastest)."""
    processes = processes or 5
    jobs = [name for i, name in enumerate(JOBS) if jobs is None or i in jobs]
    warm_numba_cache()
    rows = {}
    for job in jobs:
        sizes, _, _, _, n, epochs, _, _ = JOBS[job]
        params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
        engines = [e for e in ENGINES if e != "readable" or n * params * epochs <= READABLE_WORK]
        # auto first: its time bounds the others' (a cell past TIMEOUT_FACTOR x is stopped)
        cells: dict = {engine: [] for engine in ("auto", "numpy", "numba", "python", "readable")
                       if engine == "auto" or engine in engines}
        best = float("inf")
        for _ in range(processes):
            for engine in cells:
                if cells[engine] and cells[engine][-1]["seconds"] == float("inf"):
                    continue                       # timed out once: not run again
                cell = _cell(job, engine, max(2.0, TIMEOUT_FACTOR * best)
                             if best < float("inf") else None)
                cells[engine].append(cell)
                best = min(best, cell["seconds"])
        times = {engine: min(c["seconds"] for c in runs) for engine, runs in cells.items()}
        print(f"[engines] {job}: " + ", ".join(f"{e} {t:.3f}" for e, t in times.items()),
              file=sys.stderr, flush=True)
        fastest = min((t, e) for e, t in times.items() if e != "auto")
        rows[job] = {"seconds": times, "fastest": fastest[1],
                     "auto_chose": cells["auto"][0]["chosen"],
                     "auto_over_fastest": times["auto"] / fastest[0],
                     "work": n * params * epochs,
                     "losses": {e: runs[0]["loss"] for e, runs in cells.items()}}
    _chosen(rows)
    return {"processes": processes, "limit": LIMIT, "jobs": rows,
            "worst": max(r["auto_over_fastest"] for r in rows.values()),
            "worst_chosen": max(r["chosen_over_fastest"] for r in rows.values())}


def _chosen(rows: dict) -> None:
    """Each row's ``chosen_over_fastest``: the best time of the engine auto chose (its own
    cells, the same code as auto's) over the fastest engine's. Where auto chose the fastest
    engine this is 1; ``auto_over_fastest`` differs from it by the noise between processes."""
    for row in rows.values():
        chose = row["auto_chose"]
        engine = chose[0] if isinstance(chose, list | tuple) else chose
        fastest = row["seconds"][row["fastest"]]
        own = row["seconds"].get(engine, row["seconds"]["auto"])
        row["chosen_over_fastest"] = min(own, row["seconds"]["auto"]) / fastest


def _seconds(t: float) -> str:
    return f"{t:.3f}" if t != float("inf") else f"> {TIMEOUT_FACTOR}× fastest"


def table(res: dict) -> list:
    """The grid in Markdown."""
    head = ["job", *ENGINES, "auto", "auto chose", "auto ÷ fastest", "chosen ÷ fastest"]
    if "worst_chosen" not in res:
        _chosen(res["jobs"])
        res["worst_chosen"] = max(r["chosen_over_fastest"] for r in res["jobs"].values())
    lines = [f"Engine choice — each cell one fit in a fresh process, best of "
             f"{res['processes']} (seconds; numba from its warm on-disk cache); worst "
             f"auto ÷ fastest {res['worst']:.2f}, worst chosen engine ÷ fastest "
             f"{res['worst_chosen']:.2f} (target ≤ {res['limit']}). \"chosen ÷ fastest\": "
             "the engine auto chose, timed in its own cells (the same code as auto's), over "
             "the fastest engine; where it is 1.00, auto ÷ fastest is the noise between "
             "fresh processes. Float32 runs on NumPy whatever the engine asked.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for job, row in res["jobs"].items():
        t = row["seconds"]
        chose = row["auto_chose"]
        cells = [job] + [_seconds(t[e]) if e in t else "—" for e in ENGINES] + [
            f"{t['auto']:.3f}", (chose[0] if isinstance(chose, list) else chose) or "?",
            f"{row['auto_over_fastest']:.2f}", f"{row.get('chosen_over_fastest', 0):.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer jobs, 1 process a cell")
    parser.add_argument("--processes", type=int, help="fresh processes per cell (best of)")
    parser.add_argument("--jobs", help="comma-separated positions in JOBS (0-based): only these")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    jobs = [int(j) for j in args.jobs.split(",")] if args.jobs else QUICK if args.quick else None
    res = grid(jobs, args.processes or (1 if args.quick else None))
    print("\n".join(table(res)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
