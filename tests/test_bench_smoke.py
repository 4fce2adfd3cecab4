"""The side-by-side suite (benchmarks/peers.py, ``make bench``) runs, and its peers compute
the same numbers: correctness only, never a timing assertion.

Where two peers run the same algorithm from the same start (P1: every peer but
scikit-learn; P2: all of them, scikit-learn included; P3: float32), their final
losses must agree, so that a time ratio compares equal work.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_p1  # noqa: E402
import bench_p2  # noqa: E402
import bench_p3  # noqa: E402
import bench_process  # noqa: E402
import peers  # noqa: E402

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

while str(BENCH) in sys.path:   # peers.py puts its folder first too
    sys.path.remove(str(BENCH))


def _need(name: str, needs: dict) -> None:
    package = needs.get(name)
    if package and importlib.util.find_spec(package) is None:
        pytest.skip(f"{name} needs {package}, which is not installed (pip install "
                    f"'nnmath[dev]' has it)")


@pytest.mark.parametrize("name", bench_p1.SAME_ALGORITHM)
def test_p1_peer_takes_nnmaths_steps(name):
    _need(name, bench_p1.NEEDS)
    X, t = bench_p1.data()
    reference = bench_p1.nnmath_fit(X, t, epochs=5)
    mine = bench_p1.PEERS[name](X, t, epochs=5)
    assert mine.loss == pytest.approx(reference.loss, abs=1e-9), (name, mine.loss, reference.loss)
    assert mine.accuracy == reference.accuracy
    assert reference.extra["history_loss"] == pytest.approx(reference.loss, abs=1e-12)


@pytest.mark.parametrize("name", ["pure Python", "numba njit"])
def test_p1_ends_where_the_article_does(name):
    """2 000 epochs = 28 000 updates: loss 0.06443, 11 of 14 right (fast peers only)."""
    _need(name, bench_p1.NEEDS)
    X, t = bench_p1.data()
    out = bench_p1.PEERS[name](X, t, epochs=2000)
    assert round(out.loss, 5) == 0.06443
    assert round(out.accuracy * 14) == 11


def test_p1_sklearn_runs():
    _need("scikit-learn", bench_p1.NEEDS)
    X, t = bench_p1.data()
    out = bench_p1.sklearn_mlp(X, t, epochs=3)   # log loss: another path, a finite end
    assert 0 < out.loss < 1


@pytest.mark.parametrize("name", list(bench_p2.PEERS))
def test_p2_peer_takes_nnmaths_steps(name):
    _need(name, bench_p2.NEEDS)
    X, y, T = bench_p2.data(n_rows=100)
    reference = bench_p2.nnmath_fit(X, y, T, epochs=2, hidden=8)
    mine = bench_p2.PEERS[name](X, y, T, epochs=2, hidden=8)
    assert mine.loss == pytest.approx(reference.loss, abs=1e-9), (name, mine.loss, reference.loss)
    assert mine.accuracy == reference.accuracy


@pytest.mark.parametrize("name", bench_p3.SAME_PASSES)
def test_p3_peer_takes_nnmaths_steps(name):
    _need(name, bench_p3.NEEDS)
    X, T = bench_p3.data(rows=300, features=20)
    reference = bench_p3.nnmath_fit(X, T, hidden=8)
    mine = bench_p3.PEERS[name](X, T, hidden=8)
    assert mine.loss == pytest.approx(reference.loss, abs=1e-5), (name, mine.loss, reference.loss)


def test_p3_pytorchs_usual_loop_takes_the_same_steps():
    # its loss is the running mean of the batch losses (no pass over all rows); its steps
    # are nnmath's: the same weights after the epoch as the same-passes PyTorch loop
    _need("PyTorch f32", bench_p3.NEEDS)
    from bench_mlp import torch_fit

    X, T = bench_p3.data(rows=300, features=20)
    start = bench_p3._start(X, 8)
    A, curve = torch_fit(X, T, start, 0.1, 2, 128, shuffle=True, seed=0)
    none, running = torch_fit(X, T, start, 0.1, 2, 128, shuffle=True, seed=0, usual=True)
    assert none is None and len(running) == 2
    out = bench_p3.torch_usual(X, T, hidden=8)
    assert 0 < out.loss < 10 and out.accuracy != out.accuracy    # accuracy: not computed


def test_the_suite_runs_and_writes_its_json(tmp_path, capsys):
    path = tmp_path / "peers.json"
    assert peers.main(["--tiny", "--only", "P1,engines,P2,P3,memory,growth", "--json",
                       str(path)]) == 0
    results = json.loads(path.read_text(encoding="utf-8"))
    assert results["P1"]["loss_spread"] < 1e-9
    p1 = results["P1"]["peers"]
    for engine in ("python", "numba", "numpy", "readable"):    # every engine, same numbers
        assert p1[f"nnmath NNMATH_ENGINE={engine}"]["loss"] == pytest.approx(
            p1["nnmath Network.fit"]["loss"], abs=1e-12)
    assert {"first_us_per_update", "warm_us_per_update"} <= set(p1["nnmath Network.fit"])
    (job, row), = results["engines"]["jobs"].items()      # --tiny: the first job only
    assert set(row["seconds"]) == {"python", "numba", "numpy", "readable", "auto"}
    losses = list(row["losses"].values())
    assert max(losses) - min(losses) < 1e-12
    assert results["P2"]["loss_spread"] < 1e-9
    assert {"data only", "nnmath float32"} <= set(results["memory"])
    assert results["growth"]["series"]["nnmath"]["rows"]["sizes"] == [50, 100]
    printed = capsys.readouterr().out
    assert "first call" in printed and "warm" in printed and "auto chose" in printed
    for row in results["targets"]:
        assert row["target"] in printed
        assert isinstance(row["met"], bool)


def test_whole_processes_and_imports():
    names = ['python -c "import numpy"', "nnmath explain --article b --x 2 --y 0 --format json"]
    times = bench_process.whole_processes(1, only=names)
    assert [times[n]["returncode"] for n in names] == [0, 0]
    assert bench_process.heavy_imports() == []
