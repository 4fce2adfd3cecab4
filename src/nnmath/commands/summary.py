"""``nnmath summary``: a model's layers, shapes and parameter counts (like Keras)."""

from __future__ import annotations

from . import COMMANDS
from ._args import add_json, add_model
from ._io import console, print_json

NAME = "summary"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath summary model.json
  nnmath summary model.json --json"""


def add_arguments(parser) -> None:
    add_model(parser)
    add_json(parser)


def run(args) -> int:
    from ..modelfile import load
    from ..summary import summarize

    summary = summarize(load(args.model))
    if args.json:
        print_json(summary)
        return 0
    from ..render.tables import summary_table

    out = console()
    out.print(summary_table(summary, title=f"{args.model}"))
    info = summary["info"]
    for key in ("task", "loss", "target_name", "feature_names", "class_names", "scaling"):
        if info.get(key) is not None:
            value = info[key]
            out.print(f"{key}: " + (", ".join(map(str, value)) if isinstance(value, list)
                                    else str(value)))
    return 0
