"""``nnmath report``: the article regenerated from the engine, as an HTML page and Markdown."""

from __future__ import annotations

from ..errors import ConfigError, must_be
from ._io import print_json

NAME = "report"
HELP = "regenerate the article as a standalone HTML page + Markdown, figure by figure"
EXAMPLE = """writes into the folder (created if missing):
  index.html        the page (no network access needed; open it in a browser)
  report.md         the same report in Markdown
  figures/NN-*.png  the images both link to (--format svg for SVG)

examples:
  nnmath report --output report/
  nnmath report --output report/ --epochs 500 --format svg
  nnmath report --output report/ --json       # the list of files written
  nnmath report --model model.json --data data.csv --target status --output mine/
  nnmath report --model psa_model.json --output mine/   # one input: the PSA data"""


def add_arguments(parser) -> None:
    parser.add_argument("--output", "-o", default="report", metavar="DIR",
                        help="the folder to write into (default: report)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs of network B's training over all rows (default 2000)")
    parser.add_argument("--model", metavar="FILE",
                        help="report on this model file instead of the article's networks")
    parser.add_argument("--data", metavar="CSV",
                        help="with --model: the data (CSV with a header line; default: the PSA "
                             "data for a one-input model)")
    parser.add_argument("--target", metavar="COL", help="with --data: the target column")
    parser.add_argument("--loss", default=None,
                        help="with --model: ssr, mse, bce or cross_entropy (default: the "
                             "model's, else from its output activation)")
    parser.add_argument("--learning-rate", type=float, default=0.1, metavar="ETA",
                        help="with --model: step size of the step and the training (default 0.1)")
    parser.add_argument("--format", choices=["png", "svg"], default="png",
                        help="image format of the figures (default png)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: the files written")


def run(args) -> int:
    from ..article import B_EPOCHS, run_article
    from ..report import prepare_folder, write_article_report

    epochs = B_EPOCHS if args.epochs is None else args.epochs
    if epochs < 1:
        raise ConfigError(must_be("--epochs", "at least 1", epochs, "For example --epochs 2000."))
    from ..plots._common import require_matplotlib

    require_matplotlib("drawing the report's pictures")   # before the folder is made: nothing left behind
    prepare_folder(args.output)   # a folder that cannot be written: say so before the work
    if args.model:
        files = _model_report(args, epochs)
    else:
        run_ = run_article(epochs_b=epochs) if args.json else _run_with_progress(epochs)
        files = write_article_report(args.output, fmt=args.format, run=run_)
    if args.json:
        print_json({"output": str(args.output), "files": [str(f) for f in files],
                    "page": str(files[-1]), "markdown": str(files[-2])})
    else:
        print(f"wrote {len(files)} files into {args.output}: open {files[-1]}")
    return 0


def _model_report(args, epochs):
    from ..modelfile import load
    from ..report import write_model_report
    from ._data import model_data

    net = load(args.model)
    return write_model_report(args.output, net, model_data(args, net), loss=args.loss,
                              learning_rate=args.learning_rate,
                              epochs=100 if args.epochs is None else epochs, fmt=args.format)


def _run_with_progress(epochs: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..article import run_article
    from ._io import console

    with Progress(TextColumn("computing the article: network B's training"), BarColumn(),
                  MofNCompleteColumn(), TextColumn("epochs"), console=console(),
                  transient=True) as progress:
        task = progress.add_task("train", total=epochs)

        def report(epoch, history):
            if epoch % 20 == 0 or epoch == epochs:
                progress.update(task, completed=epoch)

        return run_article(epochs_b=epochs, callbacks_b=(report,))
