"""MkDocs hooks (mkdocs.yml ``hooks:``): the pages built from the code at build time.

- ``reference/cli-generated.md``: every command and option, from the argparse parser
  itself (:func:`nnmath.cli.build_parser`), so it cannot drift from ``nnmath --help``;
- each tutorial notebook ``docs/tutorials/*.ipynb`` becomes a page (its Markdown cells as
  they are, its code cells as Python blocks; the notebooks are stored without outputs), and
  is also offered for download under ``downloads/``.

Nothing is fetched: the site builds offline (``make docs``; ``tests/test_docs_site.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
CLI_PAGE = "reference/cli-generated.md"


def _ensure_source_importable() -> None:
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _option_rows(parser: argparse.ArgumentParser) -> list[str]:
    rows = ["| option | meaning |", "|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
            continue
        names = ", ".join(action.option_strings) or (action.metavar or action.dest)
        if action.option_strings and action.nargs != 0:
            metavar = action.metavar or action.dest.upper()
            names += f" {' '.join(metavar) if isinstance(metavar, tuple) else metavar}"
        if action.choices and not isinstance(action, argparse._SubParsersAction):
            names += " {" + ",".join(map(str, action.choices)) + "}"
        meaning = (action.help or "").replace("|", "\\|").replace("\n", " ")
        if "%(default)" in meaning:
            meaning = meaning % {"default": action.default}
        rows.append(f"| `{names}` | {meaning} |")
    return rows


def cli_markdown() -> str:
    """The command line's reference page, from ``nnmath.cli.build_parser()``."""
    _ensure_source_importable()
    from nnmath.cli import build_parser

    parser = build_parser()
    lines = ["# Every command and option", "",
             "Generated from the command line's own parser (`nnmath.cli.build_parser()`) "
             "each time the site is built: this is what `nnmath COMMAND --help` prints, "
             "as tables. The rules every command follows are in "
             "[The command line](cli.md).", ""]
    for name, sub in _subparsers(parser).items():
        lines += [f"## `nnmath {name}`", "", (sub.description or "").strip(), "",
                  "```text", sub.format_usage().strip(), "```", ""]
        lines += _option_rows(sub)
        if sub.epilog:
            lines += ["", "```text", sub.epilog.strip(), "```"]
        lines.append("")
    return "\n".join(lines)


def notebook_markdown(path: Path) -> str:
    """A notebook as Markdown: its Markdown cells as they are, its code cells as Python
    blocks, and a link to download it."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]).strip("\n")
        if cell["cell_type"] == "markdown":
            parts.append(source)
        elif cell["cell_type"] == "code" and source:
            parts.append(f"```python\n{source}\n```")
    download = (f"!!! note \"Run it yourself\"\n    [Download {path.name}]"
                f"(../downloads/{path.name}) and open it in Jupyter, or run every tutorial "
                "as CI does: `python -m pytest tests/test_notebooks.py`. The tests execute "
                "each notebook top to bottom; its `assert`s check each number.")
    if parts and parts[0].startswith("# "):
        title, _, rest = parts[0].partition("\n")
        parts[0] = f"{title}\n\n{download}\n{rest}"
    else:
        parts.insert(0, download)
    return "\n\n".join(parts) + "\n"


class NotebookPage(File):
    """A ``.ipynb`` file built as a documentation page (its Markdown: ``notebook_markdown``)."""

    def is_documentation_page(self) -> bool:
        return True


def on_files(files: Files, config) -> Files:
    docs = Path(config["docs_dir"])
    files.append(File.generated(config, CLI_PAGE, content=cli_markdown()))
    for path in sorted((docs / "tutorials").glob("*.ipynb")):
        uri = f"tutorials/{path.name}"
        old = files.get_file_from_path(uri)
        if old is not None:
            files.remove(old)
        # a documentation page: tutorials/NAME/index.html, as for NAME.md
        files.append(NotebookPage(uri, str(docs), config["site_dir"],
                                  config["use_directory_urls"]))
        files.append(File.generated(config, f"downloads/{path.name}",
                                    content=path.read_bytes()))
    return files


def on_page_read_source(page, config) -> str | None:
    if page.file.src_uri.endswith(".ipynb"):
        return notebook_markdown(Path(page.file.abs_src_path))
    return None
