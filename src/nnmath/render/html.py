"""The HTML writer of :mod:`nnmath.render.document`: MathML and inline CSS, no script,
no network access, and the one stylesheet (:data:`STYLESHEET`).

:func:`page_html` writes a whole standalone page (the report's ``index.html``, a
Trace's ``--format html``); ``trace_html_fragment(trace)`` is the explanation as one
``<section>`` to put inside another page (its styles are :data:`TRACE_CSS`, scoped
to ``.nnmath-trace``, the part of the stylesheet a fragment needs). Browsers render
MathML natively (Chromium 109+, Firefox, Safari).

>>> from nnmath import explain
>>> from nnmath.article import network_b
>>> page = render_html(explain(network_b(), [2.0], [0.0]))
>>> page.startswith("<!DOCTYPE html>") and "<mn>0.502803</mn>" in page and "http" not in page
True
"""

from __future__ import annotations

from ..textsafe import for_html as escape
from .document import Banner, Code, Eqs, Figure, Note, Para, Table, Worked, is_math, written
from .explanation import TITLE, explanation, network_table, worked_sections
from .mathexpr import Op, to_mathml, to_text

__all__ = ["render_html", "trace_html_fragment", "network_html_fragment", "page_html",
           "document_html", "blocks_html", "STYLESHEET", "TRACE_CSS"]

TRACE_CSS = """
.nnmath-trace { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1b1f24; line-height: 1.45; max-width: 62rem; }
.nnmath-trace h2 { font-size: 1.25rem; border-bottom: 2px solid #d0d7de;
  padding-bottom: .2rem; margin: 1.6rem 0 .6rem; }
.nnmath-trace table { border-collapse: collapse; margin: .6rem 0; display: block;
  max-width: 100%; overflow-x: auto; }
.nnmath-trace .eqs { max-width: 100%; overflow-x: auto; }
.nnmath-trace th, .nnmath-trace td { border: 1px solid #d0d7de; padding: .25rem .6rem;
  text-align: left; vertical-align: top; }
.nnmath-trace th { background: #f3f5f7; }
.nnmath-trace td.num { font-family: ui-monospace, monospace; white-space: pre; }
.nnmath-trace .eqs { margin: .4rem 0 .8rem 1rem; }
.nnmath-trace .eqs math { margin: .25rem 0; font-size: 1.1rem; }
.nnmath-trace .eqs .cont { padding-left: 2.5rem; }
.nnmath-trace .warning { background: #fff4d6; border-left: 4px solid #d29922;
  padding: .4rem .8rem; }
.nnmath-trace .info { background: #eef5ff; border-left: 4px solid #4b8df8;
  padding: .4rem .8rem; }
.nnmath-trace td math { font-size: 1.15rem; }
.nnmath-trace math[display="block"] { text-align: left; math-style: normal; }
"""

STYLESHEET = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24;
  line-height: 1.5; margin: 0; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem;
  margin-top: 2.4rem; }
.subtitle { color: #57606a; margin-top: 0; }
nav ol { columns: 2; color: #57606a; }
table { border-collapse: collapse; margin: .8rem 0; display: block; max-width: 100%;
  overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: .25rem .65rem; text-align: left; }
th { background: #f3f5f7; }
td.num { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; text-align: right; }
caption { font-weight: 600; text-align: left; padding-bottom: .3rem; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: .92rem; margin-top: .3rem; }
pre { background: #f6f8fa; padding: .8rem 1rem; border-radius: 6px; overflow-x: auto; }
""" + TRACE_CSS
"""Every page's styles: the page's own, then the explanation's (:data:`TRACE_CSS`)."""


def _cell(cell) -> str:
    if is_math(cell):
        return f"<td>{to_mathml(cell)}</td>"
    text = str(cell)
    numeric = text.lstrip("[-(").startswith(tuple("0123456789")) or text in ("inf", "nan")
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def _equations(block: Eqs) -> str:
    out = []
    for line in block.lines:
        cont = bool(line) and line[0] == Op("=")
        out.append(f'<div class="{"cont" if cont else "eq"}" title="{escape(to_text(line))}">'
                   f"{to_mathml(line)}</div>")
    return '<div class="eqs">' + "".join(out) + "</div>"


def _table(block: Table) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in block.columns)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in block.rows)
    caption = f"<caption>{escape(block.title)}</caption>" if block.title else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(block: Figure) -> str:
    return (f'<figure><img src="{escape(block.src)}" alt="{escape(block.alt or block.caption)}"'
            f' loading="eager"><figcaption>{escape(block.caption)}</figcaption></figure>')


_WRITERS = {
    Para: lambda block: f"<p>{escape(block.text)}</p>",
    Eqs: _equations,
    Note: lambda block: (f'<p class="{block.level}"><strong>{block.label}:</strong> '
                         f"{escape(block.text)}</p>"),
    Table: _table,
    Code: lambda block: f"<pre>{escape(block.text)}</pre>",
    Figure: _figure,
    Banner: lambda block: f"<p><strong>{escape(block.text)}</strong></p>",
    Worked: lambda block: ('<div class="nnmath-trace">\n' + "\n".join(blocks_html(block.blocks))
                           + "\n</div>"),
}


def blocks_html(blocks) -> list:
    """HTML of each block (of :mod:`nnmath.render.document`) a page shows."""
    return written(blocks, _WRITERS, "page")


def document_html(sections) -> str:
    """HTML for a list of :class:`~nnmath.render.document.Section` (no page around it)."""
    return "\n".join(part for section in sections
                     for part in (f"<h2>{escape(section.title)}</h2>",
                                  *blocks_html(section.blocks)))


def page_html(title: str, sections, subtitle: str = "") -> str:
    """A whole standalone page: :data:`STYLESHEET` inline, a table of contents, one
    ``<section>`` per section, no script; images are files beside it."""
    toc = "".join(f'<li><a href="#s{i}">{escape(s.title)}</a></li>'
                  for i, s in enumerate(sections, start=1))
    parts = [f'<section id="s{i}"><h2>{escape(s.title)}</h2>\n'
             + "\n".join(blocks_html(s.blocks)) + "\n</section>"
             for i, s in enumerate(sections, start=1)]
    sub = f'<p class="subtitle">{escape(subtitle)}</p>\n' if subtitle else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLESHEET}</style>\n</head>\n<body>\n"
            f"<main>\n<h1>{escape(title)}</h1>\n{sub}<nav><ol>{toc}</ol></nav>\n"
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")


def trace_html_fragment(trace) -> str:
    """The explanation as one ``<section class="nnmath-trace">`` (styles: ``TRACE_CSS``)."""
    return f'<section class="nnmath-trace">\n{document_html(explanation(trace))}\n</section>'


def render_html(trace, title: str = TITLE) -> str:
    """The explanation as a whole standalone page (:func:`page_html`)."""
    return page_html(title, worked_sections(trace))


def network_html_fragment(network) -> str:
    """A network's layers as a small HTML table (for notebooks)."""
    sizes = "-".join(map(str, network.sizes))
    return (f'<div class="nnmath-network"><strong>Network {sizes}</strong> '
            f"({network.n_params()} parameters){blocks_html([network_table(network)])[0]}</div>")
