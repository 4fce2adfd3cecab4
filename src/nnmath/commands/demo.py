"""``nnmath demo``: the article end to end."""

from __future__ import annotations

from ..errors import ConfigError, must_be
from . import COMMANDS
from ._io import console, print_json

NAME = "demo"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath demo              # the whole article, in the terminal
  nnmath demo --json       # every number as one JSON object"""


def add_arguments(parser) -> None:
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs for network B's training over all rows (default 2000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from ..article import B_EPOCHS, run_article

    epochs = B_EPOCHS if args.epochs is None else args.epochs
    if epochs < 1:
        raise ConfigError(must_be("--epochs", "at least 1", epochs, "For example --epochs 2000."))
    if args.json:
        print_json(run_article(epochs_b=epochs).to_dict())
        return 0
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from ..render.text import page_view
    from ..report.article import TERMINAL_TITLE, article_sections

    out = console()
    with Progress(TextColumn("network B, per-sample training"), BarColumn(),
                  MofNCompleteColumn(), TextColumn("epochs · loss {task.fields[loss]}"),
                  TimeRemainingColumn(), console=out, transient=True) as progress:
        task = progress.add_task("train", total=epochs, loss="…")

        def report(epoch, history):
            if epoch % 20 == 0 or epoch == epochs:
                progress.update(task, completed=epoch, loss=f"{history.loss[-1]:.6g}")

        run_ = run_article(epochs_b=epochs, callbacks_b=(report,))
    for part in page_view(TERMINAL_TITLE, article_sections(run_)):
        out.print(part)
        out.print()
    return 0
