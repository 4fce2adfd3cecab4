"""A probe of the fast training paths (issue 12): ratios in one process, interleaved rounds.

    PYTHONPATH=src python benchmarks/fastpath_probe.py [p1] [p2] [p3] [demo] [--rounds N]

P1: the article's 1-1-1 per-sample SGD through ``Network.fit`` beside a pure-Python float
loop and the same loop compiled by numba. P2: digits 64-32-10 through ``Network.fit``
beside a hand-written NumPy loop. P3: 60 000 x 784 float32, 784-128-10, one epoch, samples/s
beside PyTorch. demo: ``nnmath demo`` as a whole process. Medians of the rounds; the
ratio of each round is taken between runs made next to each other.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import tempfile
import sys
import time

import numpy as np

import nnmath
from nnmath import Dense, Network, datasets


def _time(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _rounds(jobs, rounds):
    """{name: [seconds per round]} running the jobs one after the other in each round."""
    times = {name: [] for name in jobs}
    results = {}
    for name, fn in jobs.items():    # warm-up: compile, caches
        results[name] = fn()
    for _ in range(rounds):
        for name, fn in jobs.items():
            seconds, results[name] = _time(fn)
            times[name].append(seconds)
    return times, results


def _report(title, times, results, base):
    print(f"\n{title}")
    for name, values in times.items():
        ratios = [v / b for v, b in zip(values, times[base])]
        print(f"  {name:<22} median {statistics.median(values) * 1e3:9.2f} ms   "
              f"ratio to {base}: {statistics.median(ratios):7.3f}   result {results[name]}")


def p1(rounds):
    data = datasets.psa()
    xs, ts = [float(x) for x in data.X[:, 0]], [float(t) for t in data.y]

    def pure():
        w1, b1, w2, b2 = 0.5, 0.0, -1.0, 0.0
        for _ in range(2000):
            for x, t in zip(xs, ts):
                a1 = 1.0 / (1.0 + math.exp(-(w1 * x + b1)))
                a2 = 1.0 / (1.0 + math.exp(-(w2 * a1 + b2)))
                d2 = (a2 - t) * a2 * (1.0 - a2)
                d1 = d2 * w2 * a1 * (1.0 - a1)
                w2 -= 0.1 * d2 * a1
                b2 -= 0.1 * d2
                w1 -= 0.1 * d1 * x
                b1 -= 0.1 * d1
        return _p1_result(np.array(xs), np.array(ts), w1, b1, w2, b2)

    import numba

    @numba.njit(cache=True)
    def loop(xs, ts, epochs):
        w1, b1, w2, b2 = 0.5, 0.0, -1.0, 0.0
        for _ in range(epochs):
            for k in range(xs.shape[0]):
                x, t = xs[k], ts[k]
                a1 = 1.0 / (1.0 + math.exp(-(w1 * x + b1)))
                a2 = 1.0 / (1.0 + math.exp(-(w2 * a1 + b2)))
                d2 = (a2 - t) * a2 * (1.0 - a2)
                d1 = d2 * w2 * a1 * (1.0 - a1)
                w2 -= 0.1 * d2 * a1
                b2 -= 0.1 * d2
                w1 -= 0.1 * d1 * x
                b1 -= 0.1 * d1
        return w1, b1, w2, b2

    X, y = np.array(xs), np.array(ts)

    def compiled():
        return _p1_result(X, y, *loop(X, y, 2000))

    def fit(engine):
        def run():
            net = Network([Dense(W=[[0.5]], b=[0.0]), Dense(W=[[-1.0]], b=[0.0])])
            history = net.fit(data.X, data.targets(1), loss="ssr", learning_rate=0.1,
                              epochs=2000, engine=engine)
            right = int(np.sum((net.forward(data.X)[:, 0] >= 0.5) == (data.y == 1)))
            return f"{history.loss[-1]:.5f} {right}/14"
        return run

    jobs = {"pure-python": pure, "numba loop": compiled, "Network.fit auto": fit("auto"),
            "Network.fit numba": fit("numba"), "Network.fit python": fit("python")}
    _report("P1 the article, 28 000 updates", *_rounds(jobs, rounds), "pure-python")


def _p1_result(X, y, w1, b1, w2, b2):
    a1 = 1 / (1 + np.exp(-(w1 * X + b1)))
    a2 = 1 / (1 + np.exp(-(w2 * a1 + b2)))
    return f"{np.mean(0.5 * (a2 - y) ** 2):.5f} {int(np.sum((a2 >= 0.5) == (y == 1)))}/14"


def p2(rounds):
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data / 16.0
    T = np.eye(10)[digits.target]
    start = Network.random([64, 32, 10], activation="relu", output_activation="softmax", seed=0)

    def hand():
        W1, b1 = start.layers[0].W.copy(), start.layers[0].b.copy()
        W2, b2 = start.layers[1].W.copy(), start.layers[1].b.copy()
        for _ in range(50):
            for s in range(0, X.shape[0], 32):
                x, t = X[s:s + 32], T[s:s + 32]
                z1 = x @ W1 + b1
                a1 = np.maximum(z1, 0.0)
                z2 = a1 @ W2 + b2
                e = np.exp(z2 - z2.max(axis=1, keepdims=True))
                y = e / e.sum(axis=1, keepdims=True)
                d2 = (y - t) / x.shape[0]
                d1 = (d2 @ W2.T) * (z1 > 0)
                W2 -= 0.1 * (a1.T @ d2)
                b2 -= 0.1 * d2.sum(axis=0)
                W1 -= 0.1 * (x.T @ d1)
                b1 -= 0.1 * d1.sum(axis=0)
        z = np.maximum(X @ W1 + b1, 0) @ W2 + b2
        return f"acc {np.mean(z.argmax(1) == digits.target):.4f}"

    def fit(engine):
        def run():
            net = start.copy()
            history = net.fit(X, T, loss="cross_entropy", learning_rate=0.1, epochs=50,
                              batch_size=32, engine=engine)
            acc = np.mean(net.forward(X).argmax(1) == digits.target)
            return f"loss {history.loss[-1]:.5f} acc {acc:.4f}"
        return run

    jobs = {"hand numpy": hand, "Network.fit auto": fit("auto"),
            "Network.fit readable": fit("readable")}
    _report("P2 digits 64-32-10, batch 32, 50 epochs", *_rounds(jobs, rounds), "hand numpy")


def p3(rounds):
    import torch

    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60_000, 784), dtype=np.float32)
    labels = rng.integers(0, 10, 60_000)
    T = np.eye(10, dtype=np.float32)[labels]
    start = Network.random([784, 128, 10], activation="relu", output_activation="softmax", seed=0,
                           dtype=np.float32)

    def fit():
        net = start.copy()
        history = net.fit(X, T, loss="cross_entropy", learning_rate=0.1, epochs=1,
                          batch_size=128)
        return f"loss {history.loss[-1]:.4f} dtype {net.layers[0].W.dtype}"

    Xt, yt = torch.from_numpy(X), torch.from_numpy(labels)

    def with_torch():
        model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                    torch.nn.Linear(128, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        lossf = torch.nn.CrossEntropyLoss()
        for s in range(0, 60_000, 128):
            opt.zero_grad()
            loss = lossf(model(Xt[s:s + 128]), yt[s:s + 128])
            loss.backward()
            opt.step()
        return f"loss {float(loss.detach()):.4f}"

    from nnmath.backprop import loss_and_output
    from nnmath.fastpath import BatchLoop
    from nnmath.optimizers import SGD

    def steps_only():      # the batch loop alone, without the epoch's end (loss over all rows)
        net = start.copy()
        BatchLoop(net, X, T, "cross_entropy", SGD(0.1), 128, 0.0).epoch()
        return "the steps of Network.fit"

    def epoch_end():
        return f"loss {loss_and_output(start.layers, X, T, 'cross_entropy')[0]:.4f}"

    times, results = _rounds({"torch": with_torch, "Network.fit": fit, "steps only": steps_only,
                              "epoch end only": epoch_end}, rounds)
    print("\nP3 wide 60 000 x 784 float32, 784-128-10, batch 128, 1 epoch")
    for name, values in times.items():
        ratios = [b / v for v, b in zip(values, times["torch"])]
        print(f"  {name:<14} {60_000 / statistics.median(values):10.0f} samples/s   "
              f"x torch {statistics.median(ratios):.2f}   {results[name]}")


def demo(rounds):
    def whole(args):
        return lambda: subprocess.run([sys.executable, *args], capture_output=True, check=True)

    jobs = {"import numpy": whole(["-c", "import numpy"]),
            "nnmath demo": whole(["-m", "nnmath", "demo"]),
            "nnmath report": whole(["-m", "nnmath", "report", "--output-dir",
                                    tempfile.mkdtemp(prefix="nnmath-report-")]),
            "explain --json": whole(["-m", "nnmath", "explain", "--json"])}
    times, _ = _rounds(jobs, rounds)
    print("\nwhole processes")
    for name, values in times.items():
        ratios = [v / b for v, b in zip(values, times["import numpy"])]
        print(f"  {name:<16} median {statistics.median(values):6.2f} s   "
              f"x import numpy {statistics.median(ratios):5.2f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 5
    chosen = [a for a in args if a in ("p1", "p2", "p3", "demo")] or ["p1", "p2", "p3", "demo"]
    print(f"nnmath {nnmath.__version__}, numpy {np.__version__}; load average "
          f"{open('/proc/loadavg').read().split()[:3]}")
    for name in chosen:
        globals()[name](rounds)
