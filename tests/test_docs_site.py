"""The documentation site (mkdocs.yml, docs/) builds with --strict, and its code is true.

- ``mkdocs build --strict`` succeeds (no broken link, no missing reference or anchor, no
  docstring mkdocstrings cannot read), offline: no page loads anything from elsewhere;
- from the home page, the derivation of dL/dw1 is at most two clicks away;
- every ``python`` block of docs/**/*.md runs (the blocks of a page in order, in one
  namespace, in a temporary folder), and a ``text`` block right after one is its output;
- every ``sh`` block runs: each line is an ``nnmath`` command (a ``\\`` continues a line);
- the generated CLI page lists every command, from the parser itself.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)


def _blocks(text: str):
    """``(language, code, start, end)`` of each fenced block, in order."""
    return [(m.group(1), m.group(2), m.start(), m.end()) for m in FENCE.finditer(text)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                          "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
                         cwd=ROOT, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return out


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.loads, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or ""):
            self.loads.append(attrs["href"])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.slow
def test_the_site_builds_strict_with_every_section(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if not p.relative_to(site).as_posix().startswith("assets/"))
    for page in ["index.html", "tutorials/01-article.html", "tutorials/05-widget.html",
                 "howto/your-csv.html", "howto/cross-validation.html",
                 "reference/cli-generated.html", "reference/api.html",
                 "reference/model-file.html", "reference/json.html", "reference/cli.html",
                 "explanations/math.html", "architecture.html", "benchmarks.html",
                 "demo.html", "howto/scikit-learn.html", "development.html"]:
        assert page in pages
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    assert "Record one gradient-descent step" in api     # explain's docstring, rendered


@pytest.mark.slow
def test_no_page_loads_anything_from_elsewhere(site):
    outside = {str(p.relative_to(site)): [src for src in _parse(p).loads
                                          if urlparse(src).scheme or src.startswith("//")]
               for p in site.rglob("*.html")}
    assert {page: loads for page, loads in outside.items() if loads} == {}


@pytest.mark.slow
def test_the_derivation_of_dL_dw1_is_two_clicks_from_home(site):
    """Breadth first from index.html over the site's own links: a page whose anchor
    holds the derivation is reached in at most two clicks."""
    def target(page: str, href: str):
        url = urljoin(page, href)
        path, _, anchor = url.partition("#")
        return path, anchor

    frontier, seen = {"index.html"}, {"index.html"}
    for clicks in (1, 2):
        reached = set()
        for page in frontier:
            for href in _parse(site / page).links:
                if urlparse(href).scheme:
                    continue
                path, anchor = target(page, href)
                file = site / path
                if not file.is_file():
                    continue
                if anchor == "the-derivation-of-lw1" and anchor in _parse(file).ids:
                    text = file.read_text(encoding="utf-8")
                    assert "∂L/∂w1" in text and "-0.0280307" in text
                    return
                if path not in seen:
                    seen.add(path)
                    reached.add(path)
        frontier = reached
    pytest.fail("the derivation of dL/dw1 is not within two clicks of the home page")


def _run_sh(code: str, cwd: Path) -> None:
    joined = re.sub(r"\\\n\s*", " ", code)
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        assert words[0] == "nnmath", f"an sh block runs nnmath commands only: {line}"
        run = subprocess.run([sys.executable, "-m", "nnmath", *words[1:]], cwd=cwd,
                             capture_output=True, text=True)
        assert run.returncode == 0, f"{line}\n{run.stderr}"


RUNNABLE = [p for p in PAGES if any(lang in ("python", "sh") for lang, *_ in
                                    _blocks(p.read_text(encoding="utf-8")))]


def test_the_docs_have_code_to_run():
    assert {p.relative_to(DOCS).as_posix() for p in RUNNABLE} >= {
        "index.md", "explanations/math.md", "howto/your-csv.md", "howto/serve.md",
        "reference/model-file.md", "demo.md", "howto/scikit-learn.md", "howto/export.md",
        "reference/cli.md"}


@pytest.mark.slow
@pytest.mark.parametrize("page", RUNNABLE, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_code_block_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = page.read_text(encoding="utf-8")
    blocks = _blocks(text)
    namespace: dict = {"__name__": "__docs__"}
    for k, (lang, code, _, end) in enumerate(blocks):
        if lang == "sh":
            _run_sh(code, tmp_path)
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{page.name} block {k + 1}", "exec"), namespace)
        after = blocks[k + 1] if k + 1 < len(blocks) else None
        if after and after[0] == "text" and not text[end:after[2]].strip():
            assert out.getvalue().rstrip() == after[1].rstrip(), f"block {k + 1}"


def test_the_generated_cli_page_lists_every_command():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import docs_hooks
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    from nnmath.commands import COMMANDS

    page = docs_hooks.cli_markdown()
    for name in COMMANDS:
        assert f"## `nnmath {name}`" in page
    assert "`--target COL`" in page          # an option of train, from argparse


def test_each_notebook_becomes_a_page_of_its_cells():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import docs_hooks
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    for path in sorted((DOCS / "tutorials").glob("*.ipynb")):
        page = docs_hooks.notebook_markdown(path)
        assert page.startswith("# ") and "```python" in page
        assert f"../downloads/{path.name}" in page
