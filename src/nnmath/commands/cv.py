"""``nnmath cv``: k-fold cross-validation of ``nnmath train`` on a CSV file."""

from __future__ import annotations

from . import COMMANDS
from ._args import add_class_weight, add_json, add_table_arguments
from ._io import console, print_json

NAME = "cv"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath cv data.csv --target status --folds 5
  nnmath cv people.csv --target income --id person_id --impute median --folds 10 --json

Each fold is held out once: a network is trained on the other folds, as 'nnmath train
--test-size 0' trains it (the same options), and scored on the fold. Everything
training learns is learned from the other folds only: the categories, the fill values,
the scaling, the target scaling (no leakage). Classes: the folds are stratified (each
keeps about its share of every class); --class-weight balanced computes the weights
from the other folds too. The table shows each fold's metrics, then their
mean ± standard deviation over the folds."""

METRICS = {"classification": ("accuracy", "balanced_accuracy", "log_loss", "auc",
                              "average_precision"),
           "regression": ("r2", "mae", "rmse")}


def add_arguments(parser) -> None:
    add_table_arguments(parser)
    parser.add_argument("--folds", type=int, default=5, help="the number of folds "
                        "(default 5)")
    parser.add_argument("--task", choices=["auto", "classification", "regression"],
                        default="auto")
    parser.add_argument("--classes", nargs="+", metavar="NAME")
    parser.add_argument("--positive", metavar="CLASS")
    parser.add_argument("--hidden", nargs="*", type=int, default=[8], metavar="N")
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--output-activation", default=None)
    parser.add_argument("--loss", default=None)
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--learning-rate", type=float, default=0.01, metavar="ETA")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--alpha", type=float, default=0.0)
    parser.add_argument("--threshold", type=float, default=None)
    add_class_weight(parser)
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the folds, the weights and the shuffling (default 0)")
    add_json(parser)


def run(args) -> int:
    import numpy as np

    from ..checks import check_seed
    from ..datasets import load_csv
    from ..datasets.split import fold_indices
    from ..errors import NnmathError
    from ..inference import evaluate
    from ..workflow import fit_dataset
    from ._args import class_weight_option, table_options

    check_seed(args.seed, "--seed")
    data = load_csv(args.data, target=args.target, features=args.features, task=args.task,
                    classes=args.classes, positive=args.positive, **table_options(args))
    class_weight = class_weight_option(args.class_weight, data)
    folds = fold_indices(data.y if data.task == "classification" else np.zeros(len(data)),
                         args.folds, args.seed, stratify=data.task == "classification")
    reports = []
    with _progress(len(folds), quiet=args.json) as advance:
        for k, held in enumerate(folds, start=1):
            keep = np.setdiff1d(np.arange(len(data)), held)
            train, test = data.subset(keep), data.subset(held)
            try:
                result = fit_dataset(
                    train, hidden=args.hidden, activation=args.activation,
                    output_activation=args.output_activation, loss=args.loss,
                    optimizer=args.optimizer, learning_rate=args.learning_rate,
                    epochs=args.epochs, batch_size=args.batch_size or None,
                    alpha=args.alpha, test_size=0, seed=args.seed, threshold=args.threshold,
                    class_weight=class_weight)
                reports.append(evaluate(result.net, test.X, test.y, args.threshold,
                                        test.texts, test.lines))
            except NnmathError as exc:
                raise type(exc)(f"fold {k} of {len(folds)}: {exc}") from None
            advance()
    names = [m for m in METRICS[data.task] if all(m in r for r in reports)]
    summary = {m: (float(np.mean([r[m] for r in reports])),
                   float(np.std([r[m] for r in reports]))) for m in names}
    if args.json:
        print_json({"data": args.data, "target": data.target_name, "task": data.task,
                    "notes": list(data.notes), "n_folds": len(folds),
                    "fold_sizes": [len(f) for f in folds],
                    "folds": [{m: r[m] for m in names} | {"n_samples": r["n_samples"]}
                              for r in reports],
                    "mean": {m: v[0] for m, v in summary.items()},
                    "std": {m: v[1] for m, v in summary.items()}})
        return 0
    _print(data, folds, reports, names, summary)
    return 0


def _progress(total: int, quiet: bool):
    """A progress bar over the folds (nothing with --json); yields ``advance()``."""
    from contextlib import contextmanager

    @contextmanager
    def bar():
        if quiet:
            yield lambda: None
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("cross-validation"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("folds"), console=console(), transient=True) as progress:
            task = progress.add_task("cv", total=total)
            yield lambda: progress.advance(task)

    return bar()


LABELS = {"accuracy": "accuracy", "balanced_accuracy": "balanced acc.", "log_loss": "log loss",
          "auc": "ROC AUC", "average_precision": "avg precision", "r2": "R²", "mae": "MAE",
          "rmse": "RMSE"}


def _print(data, folds, reports, names, summary) -> None:
    from ..render.mathexpr import num
    from ..render.text import rich_table

    out = console()
    for note in data.notes:
        out.print(f"note: {note}", markup=False, highlight=False)
    table = rich_table(f"{len(folds)}-fold cross-validation of {data.target_name!r} "
                       f"({data.task})", "fold", "rows", *[LABELS[m] for m in names],
                       justify="right")
    for k, report in enumerate(reports, start=1):
        table.add_row(str(k), str(report["n_samples"]), *[num(report[m], 4) for m in names])
    table.add_row("mean ± std", str(len(data)),
                  *[f"{num(summary[m][0], 4)} ± {num(summary[m][1], 2)}" for m in names])
    out.print(table)
    out.print("each fold scored by a network trained on the other folds; categories, fill "
              "values and scalings learned from those folds only")
