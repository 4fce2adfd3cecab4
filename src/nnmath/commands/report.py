"""``nnmath report``: the article regenerated from the engine, as an HTML page and Markdown."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, must_be
from . import COMMANDS
from ._io import print_json, say

NAME = "report"
HELP = COMMANDS[NAME]
EXAMPLE = """writes into the folder --output-dir (created if missing; default report/):
  index.html        the page (no network access needed; open it in a browser)
  report.md         the same report in Markdown
  figures/NN-*.png  the images both link to (--image-format svg for SVG)

Without --model: the article, network B trained for --epochs epochs. With --model: your
model as it is (nothing is retrained): the network, the data, one step explained on the
first row, how it was trained (the settings and the loss per epoch that 'nnmath train'
records in the model file) and its pictures on the data, by task (classifier: curve or
map, confusion, ROC; regression: predicted vs actual, residuals, curve or map).

examples:
  nnmath report --output-dir report/
  nnmath report --output-dir report/ --epochs 500 --image-format svg
  nnmath report --output-dir report/ --json       # the list of files written
  nnmath report --model model.json --data data.csv --target status --output-dir mine/
  nnmath report --model psa_model.json --output-dir mine/   # the article's PSA model"""


def add_arguments(parser) -> None:
    parser.add_argument("--output-dir", metavar="DIR", default="report",
                        help="the folder to write into (default: report)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="the article only (not with --model): epochs of network B's "
                             "training over all rows (default 2000)")
    parser.add_argument("--model", metavar="FILE",
                        help="report on this model file instead of the article's networks")
    parser.add_argument("--data", metavar="CSV",
                        help="with --model: the data (CSV with a header line; needed unless the "
                             "model can be the article's: one input named PSA)")
    parser.add_argument("--target", metavar="COL", help="with --data: the target column")
    parser.add_argument("--loss", default=None,
                        help="with --model: the loss of the step explained, ssr, mse, bce or "
                             "cross_entropy (default: the model's, else from its output "
                             "activation)")
    parser.add_argument("--learning-rate", type=float, default=0.1, metavar="ETA",
                        help="with --model: the step size of the step explained (default 0.1, "
                             "the article's η)")
    parser.add_argument("--image-format", choices=["png", "svg"], default="png",
                        help="image format of the figures (default png)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: the files written")


def run(args) -> int:
    from ..article import B_EPOCHS, run_article
    from ..report import prepare_folder, write_article_report
    from ..report.figures import Figures
    from ..safefile import check_not_inside

    folder, fmt = args.output_dir, args.image_format
    inputs = {"the model file": args.model, "the data file": args.data}
    check_not_inside(folder, inputs, "--output-dir", ["index.html", "report.md"])
    check_not_inside(Path(folder) / Figures.SUBFOLDER, inputs, "--output-dir")
    if args.model and args.epochs is not None:
        raise ConfigError(must_be("--epochs", "given without --model (it sets the training of "
                                  "the article's network B)", args.epochs, "A model is "
                                  "reported as it is, with the training its file records: "
                                  "drop --epochs."))
    if args.data and not args.model:
        raise ConfigError(must_be("--data", "given with --model", args.data,
                                  "The article's report uses the PSA data."))
    epochs = B_EPOCHS if args.epochs is None else args.epochs
    if epochs < 1:
        raise ConfigError(must_be("--epochs", "at least 1", epochs, "For example --epochs 2000."))
    from ..plots.figure import require_matplotlib

    require_matplotlib("drawing the report's pictures")   # before the folder is made: nothing left behind
    if args.model:
        net, data = _model_and_data(args)   # bad model or data: fail before the folder is made
        prepare_folder(folder)
        from ..report import write_model_report

        files = write_model_report(folder, net, data, loss=args.loss,
                                   learning_rate=args.learning_rate, fmt=fmt)
    else:
        prepare_folder(folder)   # a folder that cannot be written: say so before the work
        run_ = run_article(epochs_b=epochs) if args.json else _run_with_progress(epochs)
        files = write_article_report(folder, fmt=fmt, run=run_)
    if args.json:
        print_json({"output": str(folder), "files": [str(f) for f in files],
                    "page": str(files[-1]), "markdown": str(files[-2])})
    else:
        say(f"wrote {len(files)} files into {folder}: open {files[-1]}")
    return 0


def _model_and_data(args):
    from ..modelfile import load
    from ._data import model_data

    net = load(args.model)
    return net, model_data(args, net)


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
