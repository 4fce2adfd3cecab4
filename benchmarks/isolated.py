"""One contender of the side-by-side suite, alone in a fresh process (issue 21).

``peers.py`` starts this script once per contender and round, so that nothing another
contender imports (numba, torch, scikit-learn) changes what nnmath does: nnmath's process
imports NumPy and nnmath only, as its user's script does. The child imports what the
contender's user imports (untimed), times the **first call** (one fit, as in a fresh
``nnmath demo``, a script or a test), then ``--warm`` more calls in the same process (a
notebook, ``nnmath serve``), and prints one JSON line::

    python benchmarks/isolated.py P1 "nnmath Network.fit" --data p1.npz --epochs 2000 --warm 3

The JSON: ``first_s``, ``warm_s`` (a list), ``import_s``, the first call's ``loss``,
``accuracy`` and ``extra``, ``engine`` (``NNMATH_ENGINE``), ``peers_before`` (the peer
libraries loaded before the first call: none, for any contender that does not use one) and
``modules`` (``sorted(sys.modules)`` after the last call).

The parent side (:func:`interleaved`) runs ``processes`` rounds of every contender, each
round in a rotated order, so that a burst of load falls on all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEER_LIBRARIES = ("torch", "sklearn", "numba", "jax", "tensorflow", "micrograd")
"""The libraries a peer brings: none may be loaded in nnmath's process but numba, and
numba only once nnmath itself has loaded it (the compiled engine)."""

IMPORTS = {   # what the contender's user imports before calling it (untimed)
    "nnmath": ("numpy", "nnmath"),
    "PyTorch": ("numpy", "torch"),
    "scikit-learn": ("numpy", "sklearn.neural_network"),
    "micrograd": ("micrograd.engine",),
    "numba": ("numpy", "numba"),
}


def _imports(contender: str) -> tuple:
    for prefix, modules in IMPORTS.items():
        if contender.startswith(prefix):
            return modules
    return ("numpy",)


def _call(problem: str, contender: str, args):
    """A no-argument callable running the contender once (its data loaded now)."""
    import numpy as np

    if problem == "P3":
        import bench_p3

        if args.data:      # the parent's data: the same bits in every process
            X, T = np.load(f"{args.data}-X.npy"), np.load(f"{args.data}-T.npy")
        else:
            X, T = bench_p3.data(args.rows, args.features)
        return lambda: bench_p3.PEERS[contender](X, T, args.hidden)
    data = np.load(args.data)
    if problem == "P1":
        import bench_p1

        X, t = data["X"], data["t"]
        return lambda: bench_p1.PEERS[contender](X, t, args.epochs)
    import bench_p2

    X, y, T = data["X"], data["y"], data["T"]
    return lambda: bench_p2.PEERS[contender](X, y, T, args.epochs, hidden=args.hidden)


def child(argv=None) -> dict:
    """This process's side: import, first call, warm calls; the JSON's dict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("problem", choices=("P1", "P2", "P3"))
    parser.add_argument("contender")
    parser.add_argument("--data", help="the .npz of the data (P1, P2); P3: the stem of its "
                        "-X.npy and -T.npy")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--features", type=int, default=0)
    parser.add_argument("--warm", type=int, default=0, help="calls after the first, timed")
    parser.add_argument("--kernel-loaded", action="store_true",
                        help="nnmath's compiled kernel loaded first, untimed (a session that "
                        "trained a bigger job before)")
    args = parser.parse_args(argv)
    import importlib

    started = time.perf_counter()
    for module in _imports(args.contender):
        importlib.import_module(module)
    import_s = time.perf_counter() - started
    run = _call(args.problem, args.contender, args)
    if args.kernel_loaded:
        _load_kernel()
    peers_before = sorted({m.split(".")[0] for m in sys.modules} & set(PEER_LIBRARIES))
    started = time.perf_counter()
    outcome = run()
    first = time.perf_counter() - started
    warm = []
    for _ in range(args.warm):
        started = time.perf_counter()
        run()
        warm.append(time.perf_counter() - started)
    return {"problem": args.problem, "contender": args.contender,
            "engine": os.environ.get("NNMATH_ENGINE", ""), "import_s": import_s,
            "first_s": first, "warm_s": warm, "loss": outcome.loss,
            "accuracy": outcome.accuracy,
            "extra": {k: float(v) for k, v in outcome.extra.items()},
            "peers_before": peers_before, "modules": sorted(sys.modules)}


def _load_kernel() -> None:
    """One tiny fit on nnmath's compiled engine: numba and the kernel loaded by nnmath."""
    import numpy as np

    import nnmath

    net = nnmath.Network.random([1, 1, 1], seed=0)
    net.fit(np.zeros((2, 1)), np.zeros((2, 1)), epochs=1, batch_size=1, engine="numba")


@dataclass
class Job:
    """A contender to run in fresh processes: its problem, the name in that problem's
    ``PEERS``, the arguments of :func:`child` and extra environment variables."""

    problem: str
    contender: str
    args: list = field(default_factory=list)
    env: dict = field(default_factory=dict)


def environment(extra: dict | None = None) -> dict:
    """This checkout's ``src`` first on PYTHONPATH, ``NNMATH_ENGINE`` unset unless given,
    and Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` dropped): an installed
    package has its ``.pyc`` files, so a user's fresh process does not compile nnmath's
    sources; without them every child would (tens of milliseconds)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NNMATH_ENGINE", "PYTHONDONTWRITEBYTECODE")}
    src = str(HERE.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, str(HERE)] + [
        p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.update(extra or {})
    return env


def run_once(job: Job, warm: int, env: dict | None = None) -> dict:
    """One fresh process for ``job``: the child's JSON."""
    argv = [sys.executable, str(HERE / "isolated.py"), job.problem, job.contender,
            *map(str, job.args), "--warm", str(warm)]
    done = subprocess.run(argv, env=environment({**(env or {}), **job.env}),
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{job.contender} ({job.problem}) failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def interleaved(jobs: dict, processes: int, warm: int, env: dict | None = None) -> dict:
    """``processes`` rounds, every job in a fresh process each round (rotated order).

    Returns name -> {"runs": [child JSON, ...], "first_s": [...], "warm_s": [...]}."""
    out = {name: {"runs": [], "first_s": [], "warm_s": []} for name in jobs}
    names = list(jobs)
    for r in range(processes):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            result = run_once(jobs[name], warm, env)
            out[name]["runs"].append(result)
            out[name]["first_s"].append(result["first_s"])
            out[name]["warm_s"].extend(result["warm_s"])
    return out


if __name__ == "__main__":
    print(json.dumps(child()))
