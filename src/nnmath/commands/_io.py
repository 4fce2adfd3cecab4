"""Small output helpers shared by the commands."""

from __future__ import annotations

import json
import sys


def print_json(obj) -> None:
    """One JSON object on stdout and nothing else (NaN/inf are refused)."""
    sys.stdout.write(json.dumps(obj, allow_nan=False) + "\n")


def console():
    """A rich console for stdout (no syntax highlighting of numbers)."""
    from rich.console import Console

    return Console(highlight=False)
