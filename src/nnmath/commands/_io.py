"""Small output helpers shared by the commands."""

from __future__ import annotations

import json
import sys


def print_json(obj) -> None:
    """One JSON object on stdout and nothing else (NaN/inf are refused)."""
    sys.stdout.write(json.dumps(obj, allow_nan=False) + "\n")


def console():
    """A rich console for stdout (no syntax highlighting of numbers) that shows every
    name as text (:func:`nnmath.textsafe.safe_console`: no markup, no control character)."""
    from ..textsafe import safe_console

    return safe_console(highlight=False)


def say(text) -> None:
    """One line on stdout, with any control character in it (a file name) shown, not sent."""
    from ..textsafe import visible

    print(visible(text, keep="\n"))
