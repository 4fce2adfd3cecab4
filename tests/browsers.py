"""Debian's Chromium for the browser tests (tests/test_explain_browser.py,
tests/test_web_browser.py): where it is, how it is launched, and how a screenshot is told
from a blank one. The ``browser`` fixture is in conftest.py.

Never ``playwright install``: the browser is the ``chromium`` package that ``.ci/run``
installs; a test module marked :data:`needs_chromium` is skipped, with the reason, where
it is missing.
"""

import io
import os
import shutil

import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-features=Translate,OptimizationHints,MediaRouter"]

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not shutil.which("chromium"),
    reason="Debian's chromium is not installed (.ci/run installs it)")


def pixel_spread(png: bytes) -> float:
    """The standard deviation of a screenshot's grey levels: near 0 for a blank page."""
    from PIL import Image

    return float(np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float).std())
