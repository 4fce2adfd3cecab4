"""The benchmark times nnmath where no peer is loaded (benchmarks/isolated.py, issue 21).

The process that times nnmath imports NumPy and nnmath only: no torch, scikit-learn, jax,
tensorflow or micrograd, and numba only when nnmath itself loaded it (its compiled
engine), never before nnmath's first call. No time is checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import isolated  # noqa: E402

while str(BENCH) in sys.path:
    sys.path.remove(str(BENCH))

pytestmark = pytest.mark.process

PEERS = {"torch", "sklearn", "jax", "tensorflow", "micrograd", "numba"}


def _top(modules):
    return {name.split(".")[0] for name in modules}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    import nnmath

    folder = tmp_path_factory.mktemp("bench")
    d = nnmath.datasets.psa()
    p1 = folder / "p1.npz"
    np.savez(p1, X=d.X, t=d.y.astype(np.float64))
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 64)
    p2 = folder / "p2.npz"
    np.savez(p2, X=rng.random((64, 8)), y=y, T=np.eye(10)[y])
    return {"P1": ["--data", p1, "--epochs", 5], "P2": ["--data", p2, "--epochs", 2,
                                                        "--hidden", 4],
            "P3": ["--rows", 200, "--features", 12, "--hidden", 4]}


@pytest.mark.parametrize("engine", ["", "numba", "python", "numpy"])
@pytest.mark.parametrize("problem, contender", [("P1", "nnmath Network.fit"),
                                                ("P2", "nnmath Network.fit"),
                                                ("P3", "nnmath float32")])
def test_no_peer_is_loaded_where_nnmath_is_timed(data, problem, contender, engine):
    env = {"NNMATH_ENGINE": engine} if engine else {}
    result = isolated.run_once(isolated.Job(problem, contender, data[problem], env), warm=1)
    assert result["peers_before"] == []                   # before nnmath's first call: none
    loaded = _top(result["modules"])
    assert {"numpy", "nnmath"} <= loaded
    assert loaded & (PEERS - {"numba"}) == set()          # after: numba at most, nnmath's own
    if engine in ("python", "numpy"):
        assert "numba" not in loaded
    assert len(result["warm_s"]) == 1 and result["loss"] == result["loss"]


def test_a_peers_process_is_its_own(data):
    # the pure-Python loop's process loads neither nnmath's engine nor a peer library
    result = isolated.run_once(isolated.Job("P1", "pure Python", data["P1"]), warm=0)
    assert _top(result["modules"]) & PEERS == set()
    assert result["warm_s"] == []
