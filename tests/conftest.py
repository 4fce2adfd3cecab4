import os
import signal
import subprocess
import sys

import pytest

# A suite started in the background by a non-interactive shell (`pytest &`) inherits
# SIGINT ignored (POSIX), and so would every `nnmath` it starts: the Ctrl-C tests
# (test_kill, test_safe_files) would wait for an interrupt that never comes. Deliver it.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_cli(*args, input=None, cwd=None):
    """Run the real `nnmath` command line in a subprocess (python -m nnmath)."""
    return subprocess.run([sys.executable, "-m", "nnmath", *args], capture_output=True,
                          text=True, input=input, cwd=cwd, timeout=120,
                          env={**os.environ, "COLUMNS": "100"})


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's, tests/browsers.py), one for the whole run."""
    from browsers import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


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


# Marks (pyproject.toml): `make test-fast` runs what none of them marks. A test that uses
# the browser is `browser`; one that starts the command line or another Python process is
# `process` (by its fixtures, or by what its code, or a helper of its module it calls,
# calls); `slow` is set by hand on tests that take a second or more.
_PROCESS_CALLS = ("subprocess.", "run_cli(", "sys.executable", "multiprocessing", "Popen(")
_PROCESS_FIXTURES = {"cli", "server", "served"}


def _starts_a_process(function, depth=3) -> bool:
    """Whether ``function``, or a function of its own module that it calls (to ``depth``),
    starts a process."""
    import inspect

    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    if any(call in source for call in _PROCESS_CALLS):
        return True
    if depth == 0:
        return False
    called = (function.__globals__.get(name) for name in function.__code__.co_names)
    return any(inspect.isfunction(f) and f.__module__ == function.__module__
               and f is not function and _starts_a_process(f, depth - 1) for f in called)


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
        function = getattr(item, "function", None)
        if names & _PROCESS_FIXTURES or (function is not None and _starts_a_process(function)):
            item.add_marker(pytest.mark.process)
