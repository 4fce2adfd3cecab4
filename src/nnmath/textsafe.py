r"""Names are text: a user's names (features, classes, the target, columns, file names)
made safe for each place they are shown, so that a name is shown as what it is and
nothing else.

One escaper per medium, each applied where a name reaches it:

- :func:`visible`: the terminal and every file of text. Control characters (C0, DEL,
  C1: an ANSI or OSC escape sequence that clears the screen or sets the window title),
  Unicode's direction overrides (they reorder what a line shows) and lone surrogates
  (not text: they cannot be written as UTF-8) are shown as ``\x1b``, ``\u202e``,
  ``\ud800``, never emitted.
- :func:`for_rich`: rich markup (``[/]``, ``[bold]``) shown as written, after
  :func:`visible`. :func:`safe_console` is a rich Console that does both for every
  string it prints (markup off) and keeps any control character out of its output.
- :func:`for_matplotlib`: ``$…$`` is not read as math (mathtext, TeX), after
  :func:`visible`.
- :func:`for_markdown`: plain text that Markdown shows as written: no raw HTML
  (``<script>``), no emphasis, link, code or math (``$``); :func:`for_html` escapes
  ``& < > " '``.
- :func:`csv_cell`: a text cell that a spreadsheet would run as a formula (it starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``
  (OWASP's advice against CSV injection); a number (``-1.5``) is left a number.

Imports nothing but the standard library (rich only when :func:`safe_console` is called).

>>> print(visible("a\x1b]0;title\x07b \ud800"))
a\x1b]0;title\x07b \ud800
>>> for_matplotlib(r"$\foo$")
'\\$\\foo\\$'
>>> csv_cell("=HYPERLINK(1)"), csv_cell("-1.5"), csv_cell("@SUM"), csv_cell("ok")
("'=HYPERLINK(1)", '-1.5', "'@SUM", 'ok')
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["visible", "for_rich", "for_matplotlib", "for_markdown", "for_html", "csv_cell",
           "safe_console", "CSV_FORMULA_START"]

# C0 controls, DEL and C1 controls; the bidirectional overrides and isolates; lone
# surrogates (a str from JSON "\ud800" or a file name Python decoded with surrogateescape)
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: Any, keep: str = "") -> str:
    r"""``str(text)`` with every control character, direction override and lone surrogate
    written out as its escape (``\x1b``, ``\u202e``, ``\ud800``); the characters in
    ``keep`` (e.g. ``"\n"``) are left as they are.

    >>> visible("ok"), visible("tab\there"), visible("two\nlines", keep="\n")
    ('ok', 'tab\\there', 'two\nlines')
    """
    text = str(text)
    if not _HIDDEN.search(text):
        return text
    if not keep:
        return _HIDDEN.sub(_shown, text)
    return _HIDDEN.sub(lambda m: m.group() if m.group() in keep else _shown(m), text)


def for_rich(text: Any) -> str:
    """``text`` for a rich markup string: :func:`visible`, then markup escaped.

    >>> for_rich("[/]"), for_rich("[bold]ok")
    ('\\\\[/]', '\\\\[bold]ok')
    """
    from rich.markup import escape

    return escape(visible(text))


def for_matplotlib(text: Any) -> str:
    r"""``text`` for a matplotlib Text: :func:`visible`, and every ``$`` escaped (``\$``),
    so no part of it is read as mathtext (matplotlib shows ``\$`` as ``$``; a backslash
    outside math is shown as it is).

    >>> for_matplotlib("cost in $"), for_matplotlib("x^{")
    ('cost in \\$', 'x^{')
    """
    return visible(text).replace("$", r"\$")


# `_` between two letters or digits (early_stopping) opens no emphasis: left as it is
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]$~|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def for_markdown(text: Any, keep: str = "\n") -> str:
    r"""Plain ``text`` as Markdown that shows it as written: :func:`visible`, ``& < >`` as
    HTML entities (no raw HTML), and ``\ ` * _ [ ] $ ~ |`` backslash-escaped (no code,
    emphasis, link, math or table cell ends; ``_`` inside a word, as in
    ``early_stopping``, opens nothing and is left as it is).

    >>> for_markdown("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> for_markdown("$x$ and *y* and _z_ but not early_stopping")
    '\\$x\\$ and \\*y\\* and \\_z\\_ but not early_stopping'
    """
    text = html.escape(visible(text, keep=keep), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def for_html(text: Any, keep: str = "\n") -> str:
    """``text`` as HTML text or an attribute value: :func:`visible`, then ``& < > " '``
    escaped.

    >>> for_html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(visible(text, keep=keep))


CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a text cell may not start with (a spreadsheet would read a formula): OWASP's list."""

_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def csv_cell(text: Any) -> str:
    """A text cell of a CSV file: a leading ``'`` when it starts as a formula would
    (:data:`CSV_FORMULA_START`) and is not a plain number; else as it is.

    The cell is :func:`visible` too (a CSV file is text, and ``--csv`` prints it).

    >>> csv_cell("+1-2"), csv_cell("+1"), csv_cell("\\tx")
    ("'+1-2", '+1', "'\\\\tx")
    """
    text = str(text)
    if text.startswith(CSV_FORMULA_START) and not _NUMBER.fullmatch(text):
        text = "'" + text
    return visible(text)


def safe_console(**kwargs):
    """A rich Console that shows every string as text: markup off, and every string it
    prints (cells, titles, captions too) :func:`visible`. Any control character that still
    reaches a line of text is written out as well; rich's own (colours, cursor moves)
    are left alone. ``kwargs`` go to ``rich.console.Console``.
    """
    return _console_class()(**{"markup": False, **kwargs})


_CONSOLE: list = []


def _console_class():
    if _CONSOLE:
        return _CONSOLE[0]
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        """rich's Console, with names shown as text (:func:`safe_console`)."""

        def render_str(self, text, *args, **kwargs):
            return super().render_str(visible(text, keep="\n"), *args, **kwargs)

        def render(self, renderable, options=None):
            for segment in super().render(renderable, options):
                if segment.control or not _HIDDEN.search(segment.text):
                    yield segment
                else:
                    yield Segment(visible(segment.text, keep="\n"), segment.style)

    _CONSOLE.append(SafeConsole)
    return SafeConsole
