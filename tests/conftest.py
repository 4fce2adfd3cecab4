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


# Hypothesis profiles. The default ("ci") checks a modest, fixed set of examples
# (derandomize: the same every run, so CI is never flaky); `make fuzz` sets
# HYPOTHESIS_PROFILE=fuzz: fresh random examples, many of them, for a long time
# (tests/fuzzing.py gives each property its budget for both).
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("fuzz", deadline=None, derandomize=False, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
