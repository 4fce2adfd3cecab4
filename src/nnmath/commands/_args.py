"""Arguments that several commands share, defined once.

One meaning per option name across all commands (see the README's table):
``--model FILE`` a model file to read; ``--data FILE`` a CSV file to read;
``--target COL`` the target column of that CSV file; ``--x V ...`` one
sample's inputs (repeat for more samples); ``--y T ...`` the target of the
``--x`` sample (numbers, or a class name); ``--output FILE`` / ``-o`` the file
to write; ``--json`` one JSON object on stdout; ``--debug`` the traceback of a bug.
"""

from __future__ import annotations


def add_model(parser) -> None:
    parser.add_argument("model", metavar="MODEL.json", help="a model file (nnmath.network/1)")


def add_step_arguments(parser, sample_note: str, learning_rate_help: str,
                       batch: bool = True) -> None:
    """The network and the sample of one step: ``--model FILE`` or ``--article a|b``, the
    sample (:func:`~nnmath.commands._sample.add_sample_arguments`, ``sample_note`` added to
    the help of --x), ``--loss`` and ``--learning-rate`` (default 0.1, the article's η)."""
    from ._sample import add_sample_arguments

    source = parser.add_mutually_exclusive_group()
    source.add_argument("--model", metavar="FILE", help="a JSON model file (nnmath.network/1)")
    source.add_argument("--article", choices=["a", "b"], default=None,
                        help="the article's network A (1→2 softmax, trained) or B (1-1-1)")
    add_sample_arguments(parser, sample_note, batch=batch)
    parser.add_argument("--loss", default=None,
                        help="ssr, mse, bce or cross_entropy (default: the model's, else ssr)")
    parser.add_argument("--learning-rate", type=float, default=0.1, metavar="ETA",
                        help=learning_rate_help)


def add_json(parser, help: str = "print one JSON object") -> None:
    """``--json``: one JSON object on stdout (``help`` says which)."""
    parser.add_argument("--json", action="store_true", help=help)


def add_threshold_and_json(parser) -> None:
    parser.add_argument("--threshold", type=float, default=None,
                        help="two classes only: predicted positive when P(positive class) >= "
                             "threshold (default 0.5)")
    add_json(parser)
