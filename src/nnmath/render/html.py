"""A standalone HTML page of a Trace: MathML and inline CSS, no script, no network access.

``trace_html_fragment(trace)`` is the explanation as one ``<section>`` to put
inside another page (its styles are in ``TRACE_CSS``, scoped to
``.nnmath-trace``); ``render_html(trace)`` wraps it into a whole page.
Browsers render MathML natively (Chromium 109+, Firefox, Safari).

>>> from nnmath import explain
>>> from nnmath.article import network_b
>>> page = render_html(explain(network_b(), [2.0], [0.0]))
>>> page.startswith("<!DOCTYPE html>") and "<mn>0.502803</mn>" in page and "http" not in page
True
"""

from __future__ import annotations

from html import escape

from .document import Eqs, Note, Para, Table, is_math
from .explanation import explanation
from .mathexpr import Op, to_mathml, to_text

__all__ = ["render_html", "trace_html_fragment", "network_html_fragment", "TRACE_CSS"]

TRACE_CSS = """
.nnmath-trace { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1b1f24; line-height: 1.45; max-width: 62rem; }
.nnmath-trace h2 { font-size: 1.25rem; border-bottom: 2px solid #d0d7de;
  padding-bottom: .2rem; margin: 1.6rem 0 .6rem; }
.nnmath-trace table { border-collapse: collapse; margin: .6rem 0; }
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


def _cell(cell) -> str:
    if is_math(cell):
        return f"<td>{to_mathml(cell)}</td>"
    text = str(cell)
    numeric = text.lstrip("[-(").startswith(tuple("0123456789")) or text in ("inf", "nan")
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def _equations(lines) -> str:
    out = []
    for line in lines:
        cont = bool(line) and line[0] == Op("=")
        out.append(f'<div class="{"cont" if cont else "eq"}" title="{escape(to_text(line))}">'
                   f"{to_mathml(line)}</div>")
    return '<div class="eqs">' + "".join(out) + "</div>"


def block_html(block) -> str:
    """HTML of one block (Para, Eqs, Note, Table) of :mod:`nnmath.render.document`."""
    if isinstance(block, Para):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Eqs):
        return _equations(block.lines)
    if isinstance(block, Note):
        label = "Warning" if block.level == "warning" else "Note"
        return f'<p class="{block.level}"><strong>{label}:</strong> {escape(block.text)}</p>'
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(str(c))}</th>" for c in block.columns)
        body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in block.rows)
        caption = f"<caption>{escape(block.title)}</caption>" if block.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    raise TypeError(f"unknown block {block!r}")


def document_html(sections) -> str:
    """HTML for a list of :class:`~nnmath.render.document.Section` (no page around it)."""
    out = []
    for section in sections:
        out.append(f"<h2>{escape(section.title)}</h2>")
        out += [block_html(block) for block in section.blocks]
    return "\n".join(out)


def trace_html_fragment(trace) -> str:
    """The explanation as one ``<section class="nnmath-trace">`` (styles: ``TRACE_CSS``)."""
    return f'<section class="nnmath-trace">\n{document_html(explanation(trace))}\n</section>'


def render_html(trace, title: str = "One training step, number by number") -> str:
    """A whole standalone page: inline CSS, MathML, nothing loaded from the network."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>\nbody {{ margin: 2rem; "
            f"background: #fff; }}\n{TRACE_CSS}</style>\n</head>\n<body>\n"
            f'<h1 style="font-family: system-ui, sans-serif">{escape(title)}</h1>\n'
            f"{trace_html_fragment(trace)}\n</body>\n</html>\n")


def network_html_fragment(network) -> str:
    """A network's layers as a small HTML table (for notebooks)."""
    rows = "".join(
        f"<tr><td>{l}</td><td>{escape(layer.activation)}</td><td>{layer.n_in} × "
        f"{layer.n_out}</td><td>W{l}, b{l} ({layer.W.size + layer.b.size})</td></tr>"
        for l, layer in enumerate(network.layers, start=1))
    sizes = "-".join(map(str, network.sizes))
    return (f'<div class="nnmath-network"><strong>Network {sizes}</strong> '
            f"({network.n_params()} parameters)<table><thead><tr><th>layer</th>"
            "<th>activation</th><th>W shape</th><th>parameters</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")
