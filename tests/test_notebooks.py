"""The tutorial notebooks (docs/tutorials/*.ipynb) run top to bottom, and say what they show.

Each notebook is stored without outputs (so it never goes stale) and is executed here by
nbclient in a kernel of this very interpreter (``sys.executable``: the venv's, with the
PYTHONPATH of the test run), in a temporary directory. The notebooks assert their own
numbers (the article's values, the finite-difference check, the PyTorch round trip); these
tests add what a notebook cannot check of itself: that nothing failed, that it was stored
clean, and that the rich displays were HTML.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ROOT / "docs" / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))
TIMEOUT = 600       # seconds per cell: a bound on a hang, not a speed requirement


def run_notebook(path: Path, workdir: Path):
    """Execute the notebook at ``path`` in ``workdir``; return it with its outputs."""
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    nb = nbformat.read(path, as_version=4)
    specs = workdir / ".kernels"
    # a kernel spec of this interpreter, in a folder of its own: no user-wide install
    write_kernel_spec(str(specs / "nnmath-test"))
    manager = KernelManager(kernel_name="nnmath-test",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]))
    client = nbclient.NotebookClient(nb, km=manager, timeout=TIMEOUT,
                                     resources={"metadata": {"path": str(workdir)}})
    started = time.perf_counter()
    try:
        client.execute()
    finally:        # a kernel manager given to nbclient is the caller's to shut down
        if client.kc is not None:
            client.kc.stop_channels()
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
        manager.context.destroy(linger=0)
    nb.metadata["nnmath_seconds"] = time.perf_counter() - started
    return nb


def _outputs(nb, kind: str):
    return [(i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.get("output_type") == kind]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each notebook, run once for this module's tests (name -> executed notebook)."""
    done = {}

    def run(name: str):
        if name not in done:
            done[name] = run_notebook(TUTORIALS / name, tmp_path_factory.mktemp(name[:2]))
            print(f"{name}: {done[name].metadata['nnmath_seconds']:.1f} s", file=sys.stderr)
        return done[name]
    return run


def test_there_are_the_four_tutorials_and_the_widget_notebook():
    names = [p.name for p in NOTEBOOKS]
    assert names == ["01-article.ipynb", "02-backprop-by-hand.ipynb", "03-your-own-table.ipynb",
                     "04-pytorch-and-back.ipynb", "05-widget.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
             and (cell.outputs or cell.execution_count is not None)]
    assert dirty == [], f"{path.name}: cells {dirty} keep outputs; clear them before committing"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(executed, path):
    nb = executed(path.name)
    errors = _outputs(nb, "error")
    assert errors == [], errors
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "a cell did not run"


# What each notebook shows as HTML: the class of the outermost element of its display.
HTML_DISPLAYS = {
    "01-article.ipynb": ["nnmath-dataset", "nnmath-history", "nnmath-trace", "nnmath-history"],
    "03-your-own-table.ipynb": ["nnmath-dataset", "nnmath-history", "nnmath-network",
                                "nnmath-evaluation",
                                "nnmath-trace"],
    "04-pytorch-and-back.ipynb": ["nnmath-network", "nnmath-network", "nnmath-trace"],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HTML_DISPLAYS))
def test_rich_displays_are_html(executed, name):
    """Every value a cell ends on is shown as nnmath's HTML: a Dataset, a History (its
    loss curve an inline SVG), an evaluation, a Network and a Trace."""
    nb = executed(name)
    shown = []
    for _, out in _outputs(nb, "execute_result") + _outputs(nb, "display_data"):
        html = out.get("data", {}).get("text/html")
        if html is None:
            continue
        first = re.search(r'<(?:div|section) class="([^"]+)"', html)
        assert first, html[:200]
        kind = next(c for c in first.group(1).split() if c.startswith("nnmath-") and
                    c != "nnmath-display")
        shown.append(kind)
        assert "<script" not in html
        if kind == "nnmath-history":
            svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
            points = re.search(r'<polyline [^>]*points="([^"]+)"', svg).group(1).split()
            assert len(points) > 1
        if kind == "nnmath-trace":
            assert "<math" in html          # the equations, as MathML
    assert sorted(shown) == sorted(HTML_DISPLAYS[name])


@pytest.mark.slow
def test_the_widget_notebook_checks_the_state_after_a_step(executed):
    nb = executed("05-widget.ipynb")
    printed = "".join(out.get("text", "") for _, out in _outputs(nb, "stream"))
    state = json.loads(re.search(r"WIDGET_STATE (\{.*\})", printed).group(1))
    assert state["stage"] == 5
    assert state["W1_after"] == pytest.approx(0.5 + 0.1 * 0.0280307, abs=1e-8)
    assert state["loss"] == pytest.approx(0.0528, abs=5e-5)
    assert state["loss_after"] == pytest.approx(0.0519, abs=5e-5)
    assert state["derivation"] == pytest.approx(-0.0280307, abs=5e-8)
    views = [out for _, out in _outputs(nb, "display_data") + _outputs(nb, "execute_result")
             if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    assert views, "the widget displayed no widget view"


def test_kernel_is_this_interpreter(tmp_path):
    """The kernel spec the runner writes starts this very Python (so the notebooks test the
    code of this checkout, with its PYTHONPATH)."""
    from ipykernel.kernelspec import write_kernel_spec

    spec = json.loads(Path(write_kernel_spec(str(tmp_path / "k")), "kernel.json").read_text())
    assert os.path.samefile(spec["argv"][0], sys.executable)
