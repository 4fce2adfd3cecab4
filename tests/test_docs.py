"""The documentation lives in the project and says what the code does.

- The README's list of what a plain ``pip install nnmath`` installs is pyproject.toml's.
- No file cites a document outside the repository.
- Every relative link in the README and in docs/ reaches a file.
"""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].strip().lower()


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_readme_lists_exactly_the_runtime_dependencies():
    # the Installing section names each dependency as `name` (in backticks)
    dependencies = {_requirement_name(spec) for spec in _project()["dependencies"]}
    installing = _section((ROOT / "README.md").read_text(), "Installing")
    said = set(re.findall(r"<!-- dependencies -->(.*?)<!-- /dependencies -->", installing,
                          re.S))
    assert len(said) == 1, "the Installing section marks its list with <!-- dependencies -->"
    named = {name.lower() for name in re.findall(r"`([A-Za-z0-9_.-]+)`", said.pop())}
    assert named == dependencies


def test_readme_names_the_extras_and_the_cpu_only_torch_line():
    installing = _section((ROOT / "README.md").read_text(), "Installing")
    for extra in _project()["optional-dependencies"]:
        if extra != "dev":
            assert f"nnmath[{extra}]" in installing, extra
    assert "--index-url https://download.pytorch.org/whl/cpu" in installing


def _tracked_text_files():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return [ROOT / f for f in files if Path(f).suffix in
            {".py", ".md", ".toml", ".js", ".html", ".css", ".txt", ".cfg", ".yml", ".yaml"}
            or Path(f).name in {"Makefile", "run"}]


def test_no_file_cites_a_document_outside_the_repository():
    outside = re.compile(r"DESIGN\.md|STYLE\.md|\.\./shared")
    citing = [str(f.relative_to(ROOT)) for f in _tracked_text_files()
              if f.exists() and f != Path(__file__).resolve()
              and outside.search(f.read_text(errors="replace"))]
    assert citing == []


def _markdown_files():
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("page", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_reach_a_file(page):
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)     # not in code blocks
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    broken = [link for link in links
              if not re.match(r"[a-z]+:|#", link)
              and not (page.parent / link.split("#")[0]).exists()]
    assert broken == []
