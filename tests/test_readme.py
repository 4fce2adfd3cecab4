"""The README shows what `make demo` really prints (docs that match the code)."""

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    quick = text.index("## Quick start")
    assert text.index("make demo", quick) < text.index("make test", quick)
    assert text.index("make demo") == text.index("make demo", quick)


def test_readme_demo_output_is_the_real_output():
    text = README.read_text(encoding="utf-8")
    shown = re.search(r"```text\n(.*?)```", text, re.S).group(1)
    real = subprocess.run([sys.executable, "-m", "nnmath", "demo"], capture_output=True,
                          text=True, check=True, env={**os.environ, "COLUMNS": "80"}).stdout
    assert shown.rstrip() == real.rstrip()
