"""examples/ddp_train.py: a network trained with DistributedDataParallel on two CPU
processes (gloo) equals one process on the same global batches, and comes back to be
explained."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# starts the command line in processes
pytestmark = pytest.mark.process

pytest.importorskip("torch")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ddp_train.py"


def test_ddp_on_two_processes_equals_one_process_and_is_explained(tmp_path, cli):
    out = tmp_path / "ddp.json"
    run = subprocess.run([sys.executable, str(EXAMPLE), "--processes", "2", "--epochs", "3",
                          "--batch-size", "16", "--output", str(out), "--check"],
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["processes"] == 2
    assert result["max_abs_difference"] <= 1e-10
    assert result["loss_after"] < result["loss_before"]
    explained = cli("explain", "--model", str(out), "--x", "0.5", "-0.5", "--y", "1",
                    "--loss", "cross_entropy", "--json")
    assert explained.returncode == 0, explained.stderr
    assert set(json.loads(explained.stdout)["gradients"]) == {"W1", "b1", "W2", "b2"}
