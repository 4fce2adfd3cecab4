"""The report as plain data (sections of blocks), laid out as HTML or Markdown.

The blocks are :mod:`nnmath.render.document`'s (``Section``, ``Para``,
``Table``) plus the report's own ``Figure``, ``Code`` and ``Raw``. One
content, two layouts: :func:`to_html` makes a standalone page (inline
CSS, no script, nothing loaded from the network; images are files beside
it), :func:`to_markdown` the same report for GitHub or Jupyter.

>>> doc = [Section("Data", (Para("Two rows."), Table(("x", "y"), (("1", "0"), ("2", "1")))))]
>>> print(to_markdown("T", doc))
# T
<BLANKLINE>
## Data
<BLANKLINE>
Two rows.
<BLANKLINE>
| x | y |
|---|---|
| 1 | 0 |
| 2 | 1 |
<BLANKLINE>
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..render.document import Para, Section, Table
from ..render.html import block_html
from ..render.markdown import block_markdown

__all__ = ["Section", "Para", "Table", "Figure", "Code", "Raw", "to_html", "to_markdown"]


@dataclass(frozen=True)
class Code:
    """Preformatted lines, e.g. the article's parameter listing."""

    text: str


@dataclass(frozen=True)
class Figure:
    """An image file beside the page (``src`` relative to it) with its caption."""

    src: str
    caption: str
    alt: str = ""


@dataclass(frozen=True)
class Raw:
    """A block another renderer made: its HTML and its Markdown (e.g. a Trace's)."""

    html: str
    markdown: str
    css: str = ""


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24;
  line-height: 1.5; margin: 0; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem;
  margin-top: 2.4rem; }
.subtitle { color: #57606a; margin-top: 0; }
nav ol { columns: 2; color: #57606a; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .65rem; text-align: left; }
th { background: #f3f5f7; }
td.num { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; text-align: right; }
caption { font-weight: 600; text-align: left; padding-bottom: .3rem; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: .92rem; margin-top: .3rem; }
pre { background: #f6f8fa; padding: .8rem 1rem; border-radius: 6px; overflow-x: auto; }
"""


def _html_block(block) -> str:
    if isinstance(block, Code):
        return f"<pre>{escape(block.text)}</pre>"
    if isinstance(block, Figure):
        return (f'<figure><img src="{escape(block.src)}" alt="{escape(block.alt or block.caption)}"'
                f' loading="eager"><figcaption>{escape(block.caption)}</figcaption></figure>')
    if isinstance(block, Raw):
        return block.html
    return block_html(block)   # Para, Table, ...: the explanation's own renderer


def to_html(title: str, sections, subtitle: str = "") -> str:
    """A standalone HTML page: inline CSS, no script, images as files beside it."""
    css = CSS + "".join(dict.fromkeys(b.css for s in sections for b in s.blocks
                                      if isinstance(b, Raw) and b.css))
    toc = "".join(f'<li><a href="#{_anchor(s, i)}">{escape(s.title)}</a></li>'
                  for i, s in enumerate(sections, start=1))
    parts = [f'<section id="{_anchor(s, i)}"><h2>{escape(s.title)}</h2>\n'
             + "\n".join(_html_block(b) for b in s.blocks) + "\n</section>"
             for i, s in enumerate(sections, start=1)]
    sub = f'<p class="subtitle">{escape(subtitle)}</p>\n' if subtitle else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{escape(title)}</h1>\n{sub}<nav><ol>{toc}</ol></nav>\n"
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")


def _md_block(block) -> str:
    if isinstance(block, Code):
        return "```\n" + block.text + "\n```"
    if isinstance(block, Figure):
        return f"![{block.alt or block.caption}]({block.src})\n\n*{block.caption}*"
    if isinstance(block, Raw):
        return block.markdown.strip()
    return block_markdown(block)   # Para, Table, ...: the explanation's own renderer


def to_markdown(title: str, sections, subtitle: str = "") -> str:
    """The same report as Markdown (images linked by their relative paths)."""
    out = [f"# {title}"] + ([f"*{subtitle}*"] if subtitle else [])
    for section in sections:
        out.append(f"## {section.title}")
        out += [_md_block(b) for b in section.blocks]
    return "\n\n".join(out) + "\n"


def _anchor(section, i) -> str:
    return f"s{i}"
