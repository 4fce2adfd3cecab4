"""benchmarks/bench_page.py (the page's training, issue 21) runs end to end in its quick
mode: it starts ``nnmath serve``, drives Debian's Chromium, and prints and writes its table.
Structure only, never a timing assertion (the rates depend on the machine and its load).
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from browsers import needs_chromium

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.slow]

RATES = ("epochs_per_s", "drawing_updates_per_s", "chart_updates_per_s")


def test_bench_page_quick_prints_and_writes_its_table(tmp_path):
    for package in ("playwright", "sklearn", "fastapi", "uvicorn"):
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"bench_page needs {package} (pip install 'nnmath[dev]' has it)")
    out = tmp_path / "page.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_page.py"), "--quick",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("| network | epochs/update | epochs/s | drawing updates/s |")
    assert sum(line.startswith("| PSA") for line in lines) == 1
    assert sum(line.startswith("| make_moons") for line in lines) == 1
    assert lines[-1] == f"wrote {out}"

    report = json.loads(out.read_text())
    assert report["target_updates_per_s"] == 20.0
    assert report["repeats"] == 1 and report["window_seconds"] == 1.0
    assert report["machine"]["cores"] >= 1
    assert report["command"].endswith("--quick --out " + str(out))
    rows = {r["network"]: r for r in report["results"]}
    assert sorted(rows) == ["moons", "psa"]
    # the page built the networks asked for: the article's B, and 2-16-16-1 on the upload
    assert rows["psa"]["sizes"] == "1-1-1"
    assert rows["moons"]["sizes"] == "2-16-16-1"
    for row in rows.values():
        assert row["epochs_per_update"] == 1
        assert len(row["trials"]) == 1
        assert isinstance(row["target_met"], bool)
        for key in RATES:
            assert math.isfinite(row[key]) and row[key] >= 0, (key, row[key])
            assert row[key] == row["trials"][0][key]
        met = min(row["drawing_updates_per_s"], row["chart_updates_per_s"]) >= 20.0
        assert row["target_met"] is met
