"""``nnmath evaluate``: a saved model's metrics on a labelled CSV file."""

from __future__ import annotations

from . import COMMANDS
from ._args import add_model, add_threshold_and_json
from ._io import console, print_json

NAME = "evaluate"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath evaluate model.json data.csv --target status
  nnmath evaluate model.json data.csv --target status --threshold 0.3 --json

Two classes: the positive class is the model's class 1 (the second class
name, "positive_class" in the model file; nnmath train --positive chooses it);
the output names it. Sensitivity = TP/(TP+FN), specificity = TN/(TN+FP), AUC = area under
the ROC curve of P(class 1), average precision = area under the precision-recall curve;
balanced accuracy = the mean of the classes' recalls. The threshold is the one the model
file records (nnmath train --threshold), else 0.5. Regression: R², MAE, RMSE and MSE, in
the target's units. The rows are read as the model reads them: its columns, categories,
missing-value texts and fill values; a row whose target is missing is left out (a note
says which)."""


def add_arguments(parser) -> None:
    add_model(parser)
    parser.add_argument("data", metavar="DATA.csv", help="CSV file with a header line")
    parser.add_argument("--target", nargs="+", metavar="COL", help="the target column(s) "
                        "(default: the one the model file records, as nnmath train writes it)")
    parser.add_argument("--classes", nargs="+", metavar="NAME",
                        help="class names in label order, when the model file has none")
    add_threshold_and_json(parser)


def run(args) -> int:
    from ..inference import evaluate, task_of
    from ..modelfile import load
    from ._data import load_for_model

    net = load(args.model)
    task = task_of(net)
    data = load_for_model(args.data, net, args.target, min_classes=1, classes=args.classes)
    report = evaluate(net, data.X, data.y, threshold=args.threshold, texts=data.texts,
                      lines=data.lines)
    target = data.target_name
    notes = [n for n in data.notes if not n.startswith("task:")]
    if args.json:
        print_json({"model": args.model, "data": args.data, "target": target,
                    "notes": notes, **report})
        return 0
    from ..render.tables import confusion_table, metrics_table, per_class_table, positive_line

    out = console()
    for note in notes:
        out.print(f"note: {note}", markup=False, highlight=False)
    out.print(f"{args.model} on {args.data}", markup=False, highlight=False,
              soft_wrap=True)   # a path is never broken across lines
    out.print(metrics_table({"value": report}, title=""))
    if positive_line(report):
        out.print(positive_line(report))
    if task == "classification":
        out.print()
        out.print(confusion_table(report))
        if len(report["class_names"]) > 2:
            out.print()
            out.print(per_class_table(report))
    return 0
