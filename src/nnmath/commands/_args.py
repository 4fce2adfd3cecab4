"""Arguments that several commands share, defined once, and the deprecation notice.

One meaning per option name across all commands (see the README's table):
``--model FILE`` a model file to read; ``--data FILE`` a CSV file to read;
``--target COL`` the target column of that CSV file; ``--x V ...`` one
sample's inputs (repeat for more samples); ``--y T ...`` the target of the
``--x`` sample (numbers, or a class name); ``--output FILE`` / ``-o`` the file
to write; ``--json`` one JSON object on stdout; ``--debug`` the traceback of a bug.
"""

from __future__ import annotations

import sys


def add_model(parser) -> None:
    parser.add_argument("model", metavar="MODEL.json", help="a model file (nnmath.network/1)")


def add_threshold_and_json(parser) -> None:
    parser.add_argument("--threshold", type=float, default=None,
                        help="two classes only: predicted positive when P(positive class) >= "
                             "threshold (default 0.5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def deprecated(command: str, old: str, new: str) -> None:
    """One line on stderr: ``old`` still works, ``new`` is the name to use.

    stdout is untouched, so ``--json`` still prints one JSON object only.
    """
    sys.stderr.write(f"nnmath {command}: note: {old} is deprecated and still works for now; "
                     f"use {new}.\n")
