"""Whole-process times and what ``import nnmath`` loads, each in fresh processes.

The commands run as ``python -m nnmath ...`` with this interpreter (the same
code as the ``nnmath`` script), interleaved round by round, median of the rounds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_timing import median

HEAVY = ("matplotlib", "scipy", "sklearn", "torch", "numba")


def commands(folder: str) -> dict:
    """name -> argv; ``folder`` receives the report."""
    py = sys.executable
    return {
        'python -c "import numpy"': [py, "-c", "import numpy"],
        "nnmath explain --article b --x 2 --y 0 --format json":
            [py, "-m", "nnmath", "explain", "--article", "b", "--x", "2", "--y", "0",
             "--format", "json"],
        "nnmath demo": [py, "-m", "nnmath", "demo"],
        "nnmath report (the article)": [py, "-m", "nnmath", "report", "--output-dir", folder],
    }


def _env() -> dict:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")   # this checkout's nnmath
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def whole_processes(rounds: int, only=None) -> dict:
    """name -> {"seconds": [...], "median": s, "returncode": last code}."""
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        argvs = {k: v for k, v in commands(folder).items() if only is None or k in only}
        names = list(argvs)
        for name in names:
            out[name] = {"seconds": [], "returncode": None}
        for r in range(rounds):
            k = r % len(names)
            for name in names[k:] + names[:k]:
                start = time.perf_counter()
                done = subprocess.run(argvs[name], env=_env(), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, check=False)
                out[name]["seconds"].append(time.perf_counter() - start)
                out[name]["returncode"] = done.returncode
                if done.returncode:
                    out[name]["stderr"] = done.stderr.decode(errors="replace")[-400:]
    for row in out.values():
        row["median"] = median(row["seconds"])
    return out


def heavy_imports() -> list:
    """The heavy packages that ``import nnmath`` loads (the target: none)."""
    code = ("import sys, json, nnmath; print(json.dumps(sorted({m.split('.')[0] "
            "for m in sys.modules} & set(%r))))" % (HEAVY,))
    done = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def memory_children(names, rows, features, hidden) -> dict:
    """Peak RSS of each P3 peer, each in a fresh process (``peers.py --child``)."""
    script = str(Path(__file__).resolve().parent / "peers.py")
    out = {}
    for name in names:
        done = subprocess.run([sys.executable, script, "--child", name, "--rows", str(rows),
                               "--features", str(features), "--hidden", str(hidden)],
                              env=_env(), capture_output=True, text=True, check=True)
        out[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return out
