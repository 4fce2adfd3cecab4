"""The README is a landing page that tells the truth, and the demo page shows what
`make demo` really prints (docs that match the code).

- The README starts with the two commands (`make demo`, then `make test`), is at most 200
  lines, shows one picture that exists and links into the documentation site;
- its example runs: the ``sh`` block's nnmath commands succeed, and the ``python`` block
  prints the ``text`` block after it;
- docs/demo.md's first ``text`` block is the real output of `nnmath demo` at 80 columns
  (``python scripts/update_demo_page.py`` refreshes it).
"""

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DEMO_PAGE = ROOT / "docs" / "demo.md"
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)


def _blocks(text: str):
    return [(m.group(1), m.group(2), m.start(), m.end()) for m in FENCE.finditer(text)]


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first = _blocks(text)[0]
    before = text[:first[2]]
    # nothing but headings before the commands
    assert all(line.startswith("#") or not line.strip() for line in before.splitlines())
    assert "## Quick start" in before
    commands = [line.split("#")[0].strip() for line in first[1].splitlines()]
    assert commands == ["make demo", "make test"]


def test_readme_is_a_landing_page():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert len(pictures) == 1 and (ROOT / pictures[0]).is_file()
    links = set(re.findall(r"\]\((docs/[^)#\s]+)", text))
    for page in ("docs/index.md", "docs/reference/cli.md", "docs/howto/your-csv.md",
                 "docs/reference/model-file.md", "docs/explanations/math.md",
                 "docs/benchmarks.md", "docs/development.md"):
        assert page in links, page
    assert "docs/explanations/math.md#the-derivation-of-lw1" in text


def test_readme_example_runs(tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    blocks = _blocks(text)
    start = text.index("## One example")
    example = text[start:text.index("\n## ", start + 1)]
    sh = [b for b in _blocks(example) if b[0] == "sh"][0][1]
    for line in sh.splitlines():
        words = shlex.split(line, comments=True)
        assert words[0] == "nnmath"
        run = subprocess.run([sys.executable, "-m", "nnmath", *words[1:]], cwd=tmp_path,
                             capture_output=True, text=True)
        assert run.returncode == 0, f"{line}\n{run.stderr}"
    assert "dL/dw1" in (tmp_path / "step.html").read_text(encoding="utf-8")
    k = next(i for i, b in enumerate(blocks) if b[0] == "python")
    assert blocks[k + 1][0] == "text"
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[k][1], "README.md", "exec"), {"__name__": "__readme__"})
    assert out.getvalue().rstrip() == blocks[k + 1][1].rstrip()


def test_demo_page_output_is_the_real_output():
    text = DEMO_PAGE.read_text(encoding="utf-8")
    shown = re.search(r"```text\n(.*?)```", text, re.S).group(1)
    real = subprocess.run([sys.executable, "-m", "nnmath", "demo"], capture_output=True,
                          text=True, check=True, env={**os.environ, "COLUMNS": "80"}).stdout
    assert shown.rstrip() == real.rstrip()
