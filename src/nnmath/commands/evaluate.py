"""``nnmath evaluate``: a saved model's metrics on a labelled CSV file."""

from __future__ import annotations

from ..errors import ConfigError, must_be
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
the ROC curve of P(class 1). Regression: MSE and R²."""


def add_arguments(parser) -> None:
    add_model(parser)
    parser.add_argument("data", metavar="DATA.csv", help="CSV file with a header line")
    parser.add_argument("--target", metavar="COL", help="the target column (default: the one "
                        "the model file records, as nnmath train writes it)")
    parser.add_argument("--classes", nargs="+", metavar="NAME",
                        help="class names in label order, when the model file has none")
    add_threshold_and_json(parser)


def run(args) -> int:
    from ..datasets import load_csv
    from ..inference import class_names_of, evaluate, task_of
    from ..modelfile import load

    net = load(args.model)
    target = args.target or net.info.get("target_name")
    if not target:
        raise ConfigError(must_be("--target", "given: the model file names no target column",
                                  None, "For example --target status."))
    task = task_of(net)
    classes = None
    if task == "classification":
        classes = net.info.get("class_names") or args.classes or list(class_names_of(net))
    data = load_csv(args.data, target=target, features=net.info.get("feature_names"),
                    task=task, classes=classes, min_classes=1)
    report = evaluate(net, data.X, data.y, threshold=args.threshold)
    if args.json:
        print_json({"model": args.model, "data": args.data, "target": target, **report})
        return 0
    from ..render.tables import confusion_table, metrics_table, per_class_table, positive_line

    out = console()
    out.print(metrics_table({"value": report}, title=f"{args.model} on {args.data}"))
    if positive_line(report):
        out.print(positive_line(report))
    if task == "classification":
        out.print()
        out.print(confusion_table(report))
        if len(report["class_names"]) > 2:
            out.print()
            out.print(per_class_table(report))
    return 0
