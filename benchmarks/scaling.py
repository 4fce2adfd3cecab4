"""Scaling: time (and output size) of nnmath's commands as their input doubles.

Each function below runs one series of growing inputs through the real command
line (``nnmath.cli.main`` in this process, so Python's start-up is not timed)
and prints, per size, the seconds, the output's size and the growth ratio from
the previous size: about 2 per doubling is linear, about 4 quadratic. A series
stops early when one step takes longer than ``--budget`` seconds (a quadratic
version would otherwise run for many minutes). Never part of the test run.

    python benchmarks/scaling.py                    # every series
    python benchmarks/scaling.py layers_explain     # one of them
    python benchmarks/scaling.py --budget 30

The CSV loader's series (columns, rows) are in ``scaling_csv.py``; ``csv`` runs them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path


def _series(title, sizes, run, budget, unit="n"):
    """Print ``run(size) -> {"seconds": s, column: value, ...}`` for each size, with the
    growth ratio of each column from the previous size."""
    print(f"\n{title}")
    previous, header = None, False
    for size in sizes:
        row = run(size)
        if not header:
            print(f"  {unit:>8}  " + "  ".join(f"{k:>14} {'ratio':>6}" for k in row))
            header = True
        cells = []
        for key, value in row.items():
            ratio = f"{value / previous[key]:6.2f}" if previous and previous[key] else " " * 6
            shown = f"{value:14.3f}" if isinstance(value, float) else f"{value:14,}"
            cells.append(f"{shown} {ratio}")
        print(f"  {size:>8,}  " + "  ".join(cells), flush=True)
        previous = row
        if row["seconds"] > budget:
            print(f"  (stopped: one step took more than {budget:g} s)")
            break


def _cli(argv) -> tuple[float, str]:
    """Run ``nnmath ARGV`` in this process: (seconds, stdout)."""
    from nnmath.cli import main

    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"nnmath {' '.join(argv)} exited with {code}")
    return seconds, out.getvalue()


def _deep_model(path: Path, n_layers: int) -> Path:
    """A network of ``n_layers`` one-neuron sigmoid layers (the article's network B, deeper)."""
    import numpy as np

    w = np.random.default_rng(0).uniform(0.5, 1.5, n_layers)
    layers = [{"activation": "sigmoid", "W": [[float(v)]], "b": [0.0]} for v in w]
    path.write_text(json.dumps({"format": "nnmath.network/1", "layers": layers}))
    return path


# -- layers: explain, summary, model files ----------------------------------------------

def layers_explain(budget: float) -> None:
    """explain (JSON and text) of one-neuron-per-layer networks, 100 to 1600 layers."""
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("json", "text"):
            def run(n, fmt=fmt):
                model, out = _deep_model(Path(tmp) / f"deep{n}.json", n), Path(tmp) / "out"
                seconds, _ = _cli(["explain", "--model", str(model), "--x", "1", "--y", "0",
                                   "--format", fmt, "--output", str(out)])
                return {"seconds": seconds, "bytes": out.stat().st_size}

            _series(f"nnmath explain --format {fmt}, one neuron per layer", [100, 200, 400, 800,
                                                                              1600], run,
                    budget, unit="layers")


def layers_summary(budget: float) -> None:
    """nnmath summary (the table) of one-neuron-per-layer models, 10 000 to 80 000 layers."""
    with tempfile.TemporaryDirectory() as tmp:
        def run(n):
            model = _deep_model(Path(tmp) / f"deep{n}.json", n)
            seconds, out = _cli(["summary", str(model)])
            return {"seconds": seconds, "bytes": len(out.encode())}

        _series("nnmath summary, one neuron per layer", [10_000, 20_000, 40_000, 80_000], run,
                budget, unit="layers")


# Linux's VmHWM is this process's own peak (ru_maxrss would include the parent's at fork).
_LOAD = """
import resource, sys, time
import nnmath
start = time.perf_counter()
nnmath.Network.load(sys.argv[1])
seconds = time.perf_counter() - start
try:
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(seconds, peak)
"""


def model_file_load(budget: float) -> None:
    """Network.load of deep files (12 500 to 100 000 layers) and of wide ones (250 000 to
    2 000 000 parameters, written by net.save), each in a fresh Python: seconds, and the
    process's peak memory (max RSS, Python and NumPy included) against the file's size."""
    import subprocess

    import nnmath

    def measure(path: Path) -> dict:
        out = subprocess.run([sys.executable, "-c", _LOAD, str(path)], check=True,
                             capture_output=True, text=True).stdout.split()
        size = path.stat().st_size
        return {"seconds": float(out[0]), "file_bytes": size, "max_rss": int(out[1]),
                "rss/file": int(out[1]) / size}

    with tempfile.TemporaryDirectory() as tmp:
        _series("Network.load, one neuron per layer", [12_500, 25_000, 50_000, 100_000],
                lambda n: measure(_deep_model(Path(tmp) / f"deep{n}.json", n)), budget,
                unit="layers")

        def wide(n_params):
            hidden = n_params // 12                # 10-hidden-1: 12 parameters per neuron
            path = Path(tmp) / f"wide{n_params}.json"
            nnmath.Network.random([10, hidden, 1], seed=0).save(path)
            return measure(path)

        _series("Network.load, 10-inputs-hidden-1 (net.save)", [250_000, 500_000, 1_000_000,
                                                                2_000_000], wide, budget,
                unit="params")


# -- drawing: plot network and report --model ---------------------------------------------

# One nnmath command in a fresh Python (the CLI as a user runs it): seconds and the peak
# resident memory (VmHWM) of that process.
_COMMAND = """
import resource, sys, time
from nnmath.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
try:
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(code, seconds, peak, file=sys.stderr)
"""


def _measured(argv, cwd) -> dict:
    import subprocess

    result = subprocess.run([sys.executable, "-c", _COMMAND, *argv], capture_output=True,
                            text=True, cwd=cwd)
    code, seconds, peak = result.stderr.split()[-3:]
    if code != "0":
        raise SystemExit(f"nnmath {' '.join(argv)} exited with {code}: {result.stderr}")
    return {"seconds": float(seconds), "max_rss": int(peak)}


def plot_network(budget: float) -> None:
    """nnmath plot network: one neuron per layer, 25 to 3 200 layers (the summary view
    beyond MAX_DRAWN_LAYERS), and wide networks 1000-n-1 up to a million weights (the
    summary view beyond MAX_DRAWN_EDGES); each in a fresh Python."""
    import nnmath

    with tempfile.TemporaryDirectory() as tmp:
        def deep(n):
            model = _deep_model(Path(tmp) / f"deep{n}.json", n)
            return _measured(["plot", "network", "--model", str(model), "-o", "n.png"], tmp)

        _series("nnmath plot network, one neuron per layer", [25, 50, 100, 200, 400, 800,
                                                              1600, 3200], deep, budget,
                unit="layers")

        def wide(n):
            model = Path(tmp) / f"wide{n}.json"
            nnmath.Network.random([1000, n, 1], seed=0).save(model)
            return _measured(["plot", "network", "--model", str(model), "-o", "n.png"], tmp)

        _series("nnmath plot network, 1000-n-1", [125, 250, 500, 1000], wide, budget,
                unit="n")


def report_model(budget: float) -> None:
    """nnmath report --model of one-neuron-per-layer models (PSA data), 25 to 1 600 layers."""
    with tempfile.TemporaryDirectory() as tmp:
        def run(n):
            model = _deep_model(Path(tmp) / f"deep{n}.json", n)
            return _measured(["report", "--model", str(model), "--output-dir", f"r{n}"], tmp)

        _series("nnmath report --model, one neuron per layer", [25, 50, 100, 200, 400, 800,
                                                                1600], run, budget,
                unit="layers")


def csv(budget: float) -> None:
    """The CSV loader: columns and rows (benchmarks/scaling_csv.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import scaling_csv

    scaling_csv.main([])


BENCHMARKS = [layers_explain, layers_summary, model_file_load, plot_network, report_model, csv]


def main(argv=None) -> int:
    names = {fn.__name__: fn for fn in BENCHMARKS}
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", metavar="NAME",
                        help="series to run (default all): " + ", ".join(names))
    parser.add_argument("--budget", type=float, default=60.0,
                        help="stop a series after a step slower than this (seconds)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.only if name not in names]
    if unknown:
        parser.error(f"unknown series {', '.join(unknown)}; choose from {', '.join(names)}")
    import nnmath

    print(f"nnmath from {Path(nnmath.__file__).parent}")
    for name in args.only or names:
        names[name](args.budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
