"""The one document model and its three writers (terminal, Markdown, HTML), and the one
article layout that ``nnmath demo`` and ``nnmath report`` both write."""

import io

import pytest
from rich.console import Console

from nnmath.article import run_article
from nnmath.render import document as doc
from nnmath.render.html import STYLESHEET, TRACE_CSS, blocks_html, page_html
from nnmath.render.markdown import blocks_markdown, page_markdown
from nnmath.render.mathexpr import Num, Op, Sym
from nnmath.render.text import block_views, page_view
from nnmath.report.article import TERMINAL_TITLE, article_sections

EVERY_BLOCK = (
    doc.Para("A paragraph."),
    doc.Eqs(((Sym("z", "1"), Op("="), Num(1.0)),)),
    doc.Table(("x", "y"), (("1", (Sym("w", "1"),)),), "A table"),
    doc.Note("Careful."),
    doc.Code("w1 = 0.5"),
    doc.Figure("figures/01-a.png", "A picture: of a network."),
    doc.Banner("A headline"),
    doc.Worked((doc.Para("Worked."),)),
)


def _terminal(renderables) -> str:
    console = Console(width=80, file=io.StringIO(), record=True, color_system=None)
    for r in renderables:
        console.print(r)
    return console.export_text()


def test_every_writer_writes_every_block():
    md = blocks_markdown(EVERY_BLOCK)
    html = blocks_html(EVERY_BLOCK)
    text = _terminal(block_views(EVERY_BLOCK))
    assert len(md) == len(html) == len(EVERY_BLOCK)
    assert md[3] == "> **Warning:** Careful."
    assert md[5].startswith("![A picture: of a network.](figures/01-a.png)")
    assert html[-1] == '<div class="nnmath-trace">\n<p>Worked.</p>\n</div>'
    for words in ("A paragraph.", "z1 = 1", "w1", "⚠ Careful.", "A headline", "Worked."):
        assert words in text, words
    with pytest.raises(TypeError, match="not a document block"):
        blocks_html(["a string is not a block"])


def test_only_picks_the_medium():
    blocks = (doc.Only("page", (doc.Para("for the page"),)),
              doc.Only("terminal", (doc.Para("for the terminal"),)))
    assert blocks_markdown(blocks) == ["for the page"]
    assert "for the terminal" in _terminal(block_views(blocks))
    assert "for the page" not in _terminal(block_views(blocks))
    with pytest.raises(ValueError, match="medium must be one of"):
        doc.Only("paper", ())


def test_one_stylesheet_holds_the_explanation_s_styles():
    page = page_html("T", [doc.Section("S", (doc.Para("p"),))])
    assert page.count("<style>") == 1 and f"<style>{STYLESHEET}</style>" in page
    assert STYLESHEET.endswith(TRACE_CSS)
    assert page_markdown("T", [doc.Section("S", (doc.Para("p"),))]) == "# T\n\n## S\n\np\n"


def test_demo_and_report_write_the_same_article_sections():
    run = run_article(epochs_b=3)
    terminal = article_sections(run)              # no figures: nothing drawn
    assert [s.title for s in terminal][:5] == [
        "A neuron: weighted sum, then activation", "The PSA dataset",
        "Network A: no hidden layer", "The cost", "Network B: one hidden neuron"]
    assert not any(isinstance(b, doc.Figure) for s in terminal
                   for b in doc.shown(s.blocks, "page"))
    text = _terminal(page_view(TERMINAL_TITLE, terminal))
    for words in (TERMINAL_TITLE, "The PSA dataset (14 patients)", "The step ───",
                  "Backward pass: the chain rule", "Trained network B, patient by"):
        assert words in text, words
    # The page renames the step's first section; the terminal keeps the explanation's title.
    step = next(s for s in terminal if s.terminal_title == "The step")
    assert step.title == "Backpropagation: one step at PSA 2.0, target 0"
