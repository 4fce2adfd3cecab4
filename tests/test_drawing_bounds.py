"""Every drawing is bounded (issue 19, point 3, and the line widths of point 13).

A network of more than ``MAX_DRAWN_EDGES`` weights or ``MAX_DRAWN_LAYERS`` layers is
drawn as a summary (a heat map per layer, at most ``MAX_BLOCKS`` layers, each at most
``HEATMAP_SIDE`` pixels a side); below both, as before, with the labels placed in
linear time. Checked by what is drawn and by counting work, never by the clock: the
times are in benchmarks/scaling.py (``plot_network``, ``report_model``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nnmath

plots = pytest.importorskip("nnmath.plots")
from nnmath.plots import network as drawing  # noqa: E402

MEMORY_CAP = 1536 * 2**20   # bytes of address space for the whole nnmath process
PNG = b"\x89PNG\r\n\x1a\n"


def _chain(path: Path, n_layers: int) -> Path:
    """A model file of ``n_layers`` one-neuron sigmoid layers (the scaling benchmark's)."""
    w = np.random.default_rng(0).uniform(0.5, 1.5, n_layers)
    layers = [{"activation": "sigmoid", "W": [[float(v)]], "b": [0.0]} for v in w]
    path.write_text(json.dumps({"format": "nnmath.network/1", "layers": layers}))
    return path


def _capped(*args, cwd) -> subprocess.CompletedProcess:
    """``nnmath ARGS`` in a process whose address space is capped at MEMORY_CAP (one BLAS
    thread, so the cap counts nnmath's memory, not thread stacks)."""
    import resource

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "nnmath", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, preexec_fn=cap, timeout=600)


@pytest.mark.slow
def test_a_million_weights_and_two_thousand_layers_under_a_memory_cap(tmp_path):
    """1000-1000-1 (one line per weight took more than 5.8 GB) and 2 000 layers (minutes),
    drawn and reported within 1.5 GB of address space."""
    nnmath.Network.random([1000, 1000, 1], seed=0).save(tmp_path / "wide.json")
    _chain(tmp_path / "deep.json", 2000)
    for name in ("wide", "deep"):
        result = _capped("plot", "network", "--model", f"{name}.json", "-o", f"{name}.png",
                         cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == PNG
    result = _capped("report", "--model", "deep.json", "--output-dir", "r", "--json",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["files"]
    assert [Path(f).name for f in files][:2] == ["01-network.png", "02-step.png"]
    assert all(Path(tmp_path, f).stat().st_size > 0 for f in files)


@pytest.mark.slow
def test_the_summary_view_is_bounded_whatever_the_size():
    # 3 000 layers: MAX_BLOCKS blocks; a 1000 x 1000 W: at most HEATMAP_SIDE² pixels
    deep = nnmath.Network.random([1] * 3001, seed=0)
    art = plots.draw_network(deep).artists
    assert sorted(art["blocks"]) == [*range(1, 9), *range(2997, 3001)]
    assert len(art["blocks"]) == drawing.MAX_BLOCKS and art["edges"] == {}
    assert "more than 1,000 weights" in art["note"].get_text()
    wide = nnmath.Network.random([1000, 1000, 1], seed=0)
    art = plots.draw_network(wide, feature_names=[f"f{i}" for i in range(1000)]).artists
    for ell, image in art["blocks"].items():
        pixels = image.get_array()
        W = wide.layers[ell - 1].W
        side = drawing.HEATMAP_SIDE
        assert pixels.shape == (min(W.shape[0], side), min(W.shape[1], side))
        # each pixel is one weight of W over the layer's largest |w|: an oracle by hand
        rows = np.unique(np.arange(side) * W.shape[0] // side) if W.shape[0] > side else \
            np.arange(W.shape[0])
        cols = np.unique(np.arange(side) * W.shape[1] // side) if W.shape[1] > side else \
            np.arange(W.shape[1])
        np.testing.assert_array_equal(pixels, W[np.ix_(rows, cols)] / np.abs(W).max())


def test_the_drawing_is_as_before_below_the_bounds():
    net = nnmath.Network.random([30, 8, 2], seed=0)           # nnmath train's 30-8-2
    assert not drawing.is_summary(net)
    assert drawing.is_summary(nnmath.Network.random([40, 25, 2], seed=0))   # 1 050 weights
    assert drawing.is_summary(nnmath.Network.random([1] * (drawing.MAX_DRAWN_LAYERS + 2),
                                                    seed=0))
    art = plots.draw_network(net).artists
    assert len(art["edges"]) == 30 * 8 + 8 * 2 and "blocks" not in art


def test_placing_labels_is_linear_in_the_layers(monkeypatch):
    """The label placer compared each label with every one placed before (quadratic: a
    2 000-layer chain took minutes); on a grid, with the boxes near it only. Counted, not
    timed: the overlaps computed for 20 and for 40 layers, each drawn on a figure as wide
    as it needs (on the default figure, at most 16 inches, the labels of a deep chain
    grow wider than the layers are apart and overlap their neighbours: that is what
    MAX_DRAWN_LAYERS bounds)."""
    from matplotlib.figure import Figure

    calls = []
    overlap = drawing._overlap
    monkeypatch.setattr(drawing, "_overlap", lambda a, b: calls.append(1) or overlap(a, b))
    counts = {}
    for n in (20, 40):
        calls.clear()
        ax = Figure(figsize=(2.2 * n, 3.0)).add_subplot()
        plots.draw_network(nnmath.Network.random([1] * (n + 1), seed=0), ax=ax)
        counts[n] = len(calls)
    assert counts[40] <= 2.2 * counts[20], counts   # linear: 2x; quadratic was 4x


def test_the_grid_gives_the_sums_of_comparing_with_every_box():
    rng = np.random.default_rng(0)
    from matplotlib.figure import Figure

    fig = Figure()
    places = drawing._Places(fig, fig.add_subplot(), (20.0, 10.0), 8)
    boxes = []
    for _ in range(300):
        x, y, w, h = rng.uniform(0, 20), rng.uniform(0, 10), rng.uniform(0, 3), rng.uniform(0, 1)
        box = (x, x + w, y, y + h)
        assert places.cost(box) == sum(drawing._overlap(box, other) for other in boxes)
        places.take(box)
        boxes.append(box)


@pytest.mark.slow
def test_huge_weights_give_bounded_line_widths(cli, tmp_path):
    """W = ±1e308: the width 0.7 + 3.3·|w|/w_max was 3.3·1e308 = inf first (a line
    matplotlib drew with gigabytes). Now at most MAX_WIDTH points."""
    model = tmp_path / "huge.json"
    model.write_text(json.dumps({"format": "nnmath.network/1", "layers": [
        {"activation": "sigmoid", "W": [[1e308, 1e-300]], "b": [0.0, 0.0]},
        {"activation": "sigmoid", "W": [[-1e308], [1.0]], "b": [1e308]}]}))
    result = cli("plot", "network", "--model", str(model), "-o", str(tmp_path / "n.svg"))
    assert result.returncode == 0, result.stderr
    widths = re.findall(r"stroke-width: ([^;\"]+)", (tmp_path / "n.svg").read_text())
    assert widths and all(float(w) <= drawing.MAX_WIDTH for w in widths), sorted(set(widths))
