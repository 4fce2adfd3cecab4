import os
import subprocess
import sys

import pytest


def run_cli(*args, input=None, cwd=None):
    """Run the real `nnmath` command line in a subprocess (python -m nnmath)."""
    return subprocess.run([sys.executable, "-m", "nnmath", *args], capture_output=True,
                          text=True, input=input, cwd=cwd, timeout=120,
                          env={**os.environ, "COLUMNS": "100"})


@pytest.fixture
def cli():
    return run_cli
