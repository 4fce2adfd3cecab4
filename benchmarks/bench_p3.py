"""P3, wide: 60 000 x 784 float32 synthetic rows, 784-128-10 relu + softmax/cross-entropy,
batch 128, learning rate 0.1, 1 epoch of plain SGD, rows shuffled by index (seed 0).

Peers: nnmath (a float32 ``Network.random(..., dtype=np.float32).fit``), the hand NumPy
loop and PyTorch (float32), all from the same starting weights and the same row order.
Speed is samples/s, and the share of this machine's float32 GEMM peak (a big
``np.matmul`` timed in the same run): the useful work of one epoch is
8 x (784*128 + 128*10) flops per row — forward 2, the two weight gradients 2 + 2,
the hidden layer's delta 2 x 128*10 (no gradient for the inputs), and the
end-of-epoch loss pass over all rows 2 (every peer makes it, as nnmath's History).

Peak RSS is measured in a separate process per peer (``--child p3 NAME``), beside the
data's own size (60 000 x 784 x 4 bytes = 188 MB).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bench_mlp import accuracy, numpy_fit, numpy_forward, start_weights, torch_fit
from bench_timing import Outcome

ROWS, FEATURES, HIDDEN, CLASSES = 60_000, 784, 128, 10
BATCH, LEARNING_RATE, EPOCHS, SEED = 128, 0.1, 1, 0


def data(rows=ROWS, features=FEATURES):
    """X (rows, features) float32 uniform in [0, 1), T one-hot (rows, 10) float32: the class
    is the argmax of a fixed random projection (learnable). Made without a float64 copy."""
    rng = np.random.default_rng(SEED)
    X = rng.random((rows, features), dtype=np.float32)
    projection = rng.standard_normal((features, CLASSES)).astype(np.float32)
    # in chunks: one GEMM over all rows would make OpenBLAS (2 threads) take ~64 MB of
    # buffers, and the floor of the memory column with them
    y = np.concatenate([np.argmax(X[s:s + 4096] @ projection, axis=1)
                        for s in range(0, rows, 4096)])
    return X, np.eye(CLASSES, dtype=np.float32)[y]


def flops_per_row(features=FEATURES, hidden=HIDDEN) -> int:
    return 8 * (features * hidden + hidden * CLASSES)


def _start(X, hidden):
    return start_weights([X.shape[1], hidden, CLASSES], SEED, dtype=np.float32)


def nnmath_fit(X, T, hidden=HIDDEN):
    import nnmath

    net = nnmath.Network.random([X.shape[1], hidden, CLASSES], activation="relu",
                                output_activation="softmax", seed=SEED, dtype=np.float32)
    history = net.fit(X, T, loss="cross_entropy", learning_rate=LEARNING_RATE, epochs=EPOCHS,
                      batch_size=BATCH, shuffle=True, seed=SEED)
    return Outcome(float(history.loss[-1]), accuracy(net.forward(X), T))


def numpy_loop(X, T, hidden=HIDDEN):
    params, curve = numpy_fit(X, T, _start(X, hidden), np.float32(LEARNING_RATE), EPOCHS,
                              BATCH, shuffle=True, seed=SEED)
    return Outcome(curve[-1], accuracy(numpy_forward(params, X), T))


def torch_loop(X, T, hidden=HIDDEN):
    A, curve = torch_fit(X, T, _start(X, hidden), LEARNING_RATE, EPOCHS, BATCH, shuffle=True,
                         seed=SEED)
    return Outcome(curve[-1], accuracy(A, T))


def torch_usual(X, T, hidden=HIDDEN):
    """PyTorch's usual loop: the epoch's loss is the running mean of the batch losses (no
    pass over all rows); its loss is that mean, its accuracy not computed (NaN)."""
    _, curve = torch_fit(X, T, _start(X, hidden), LEARNING_RATE, EPOCHS, BATCH, shuffle=True,
                         seed=SEED, usual=True)
    return Outcome(curve[-1], float("nan"))


PEERS = {"nnmath float32": nnmath_fit, "NumPy hand loop": numpy_loop, "PyTorch f32": torch_loop,
         "PyTorch f32 usual loop": torch_usual}
SAME_PASSES = ["nnmath float32", "NumPy hand loop", "PyTorch f32"]
"""The peers that make nnmath's passes (the loss over all rows after the epoch): the same
final loss. The usual loop's loss is a running mean, another number."""
NEEDS = {"PyTorch f32": "torch", "PyTorch f32 usual loop": "torch"}


def gemm_peak(n=2048, repeat=5) -> float:
    """This machine's float32 GEMM speed (flop/s): the best of ``repeat`` n x n matmuls."""
    import time

    rng = np.random.default_rng(0)
    A, B = (rng.random((n, n), dtype=np.float32) for _ in range(2))
    C = np.empty_like(A)
    np.matmul(A, B, out=C)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        np.matmul(A, B, out=C)
        best = min(best, time.perf_counter() - start)
    return 2.0 * n ** 3 / best


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB): ``VmHWM`` of /proc/self/status on Linux.

    ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is the fallback elsewhere; on Linux it
    keeps, across the ``exec`` that starts a child, the high-water mark of the parent it
    was forked from (here the benchmark process, torch loaded), so it overstates a child."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6   # kB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6   # KiB on Linux


def child(name: str, rows=ROWS, features=FEATURES, hidden=HIDDEN) -> dict:
    """Run one peer in this (fresh) process; its peak RSS (MB) and its outcome.

    ``name`` "data only" makes the data and trains nothing: the floor of the others."""
    if name == "PyTorch f32":
        import torch  # noqa: F401  (its import is part of its memory)
    X, T = data(rows, features)
    outcome = None if name == "data only" else PEERS[name](X, T, hidden)
    return {"peer": name, "peak_rss_mb": peak_rss_mb(), "data_mb": X.nbytes / 1e6,
            "loss": None if outcome is None else outcome.loss}
