"""``nnmath predict``: class probabilities and the predicted class (or the outputs) for new samples.

One output style per purpose: a table for people (default; it fits the terminal and
never cuts a number, see :func:`nnmath.render.tables.predictions_table`), ``--csv``
for programs (CSV on stdout), ``--json`` (one JSON object), ``--output FILE`` (the
CSV, written atomically). The samples come from ``--x`` (repeat for more) or
``--data FILE`` (the model's feature columns, by name).
"""

from __future__ import annotations

import csv
import io
import sys

from ..errors import ConfigError
from . import COMMANDS
from ._args import add_model, add_threshold_and_json
from ._io import console, print_json

NAME = "predict"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath predict model.json --x 2.0                 # one sample (one value per feature)
  nnmath predict model.json --x 2.0 --x 0.5         # two samples
  nnmath predict model.json --data new.csv          # the model's feature columns, by name
  nnmath predict model.json --data new.csv --csv    # CSV on stdout, for other programs
  nnmath predict model.json --data new.csv -o predictions.csv
  nnmath predict model.json --x 2.0 --json

The model's stored scaling is applied first. The table fits the terminal: one row
per sample, or for a wide model one row per quantity and a column per sample (a
sample's number is its row in --data FILE, 1 = the first row after the header).
The CSV has the feature columns, then P(<class>) for every class and predicted
(regression: predicted, or predicted_1, predicted_2, ... for several outputs).
A text cell of the CSV (a column or class name) that starts like a spreadsheet formula
(=, +, -, @, a tab or a carriage return) gets a leading ' (OWASP's advice against CSV
injection); numbers such as -1.5 are written as they are."""


def add_arguments(parser) -> None:
    add_model(parser)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--x", nargs="+", type=float, action="append", metavar="V",
                        help="one sample's feature values (repeat --x for more samples)")
    source.add_argument("--data", metavar="FILE",
                        help="a CSV file of samples: the model's feature columns, found by "
                             "name (other columns, such as the target, are ignored)")
    parser.add_argument("--csv", action="store_true",
                        help="print the predictions as CSV on stdout instead of the table "
                             "(a text cell that starts like a formula, = + - @, gets a "
                             "leading ')")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the predictions CSV here (atomically)")
    add_threshold_and_json(parser)


def run(args) -> int:
    from ..inference import predict
    from ..modelfile import load
    from ..safefile import check_not_input, check_writable, write_atomic

    data = _source(args)
    check_not_input(args.output, {"the model file": args.model, "the data file": data},
                    "--output")
    if args.output:
        check_writable(args.output)   # before the model and the data are read
    net = load(args.model)
    X, names = _samples(net, args.x, data)
    p = predict(net, X, threshold=args.threshold)
    if args.output:
        write_atomic(args.output, _csv_chunks(X, names, p))
    if args.json:
        record = {"feature_names": list(names), "task": p.task,
                  "class_names": list(p.class_names), "n_samples": len(X),
                  "predictions": [_record(x, p, s) for s, x in enumerate(X.tolist())],
                  "output": args.output}
        print_json(record)
    elif args.csv:
        for chunk in _csv_chunks(X, names, p):
            sys.stdout.write(chunk)
    elif args.output:
        console().print(f"wrote {len(X)} predictions to {args.output}")
    else:
        from ..render.tables import predictions_table

        out = console()
        title = f"predictions for {data}" if data else "predictions"
        out.print(predictions_table(X, names, p, width=out.width, threshold=args.threshold,
                                    title=title))
    return 0


def _source(args):
    """The data file (None: the samples are --x), the output options checked."""
    if args.csv and args.json:
        raise ConfigError("--csv and --json must not be given together. Got both. Choose "
                          "one output: --csv prints CSV, --json one JSON object.")
    if not args.x and not args.data:
        raise ConfigError("the samples must be given with --x V [V ...] (one sample; repeat "
                          "for more) or --data FILE. Got neither. For example: nnmath "
                          "predict model.json --x 2.0.")
    return args.data


def _samples(net, xs, data):
    """``(X, feature_names)`` from ``--x`` values or a CSV file, checked against the model."""
    import numpy as np

    from ..datasets.csvfile import read_features

    names = net.info.get("feature_names")
    if data:
        X, names = read_features(data, names, n_inputs=net.n_inputs)
    else:
        X = np.array(xs, dtype=np.float64) if len({len(x) for x in xs}) == 1 else None
        if X is None or X.shape[1] != net.n_inputs:
            raise ConfigError(f"--x must be given {net.n_inputs} value(s) per sample (the "
                              f"model's inputs{': ' + ', '.join(names) if names else ''}). "
                              f"Got {xs}.")
    return X, tuple(names or [f"x{i + 1}" for i in range(net.n_inputs)])


def _record(x, p, s) -> dict:
    if p.task == "regression":
        return {"x": x, "y_hat": p.y_hat[s].tolist()}
    return {"x": x, "probabilities": dict(zip(p.class_names, p.probabilities[s].tolist())),
            "predicted": p.labels[s]}


def _csv_chunks(X, names, p, rows: int = 10_000):
    """The predictions CSV, a block of ``rows`` rows at a time (its memory stays small
    for millions of rows): the feature columns, then P(<class>) for every class and
    predicted (regression: predicted, or predicted_1, predicted_2, ...)."""
    if p.task == "regression":
        outs = ["predicted"] if p.y_hat.shape[1] == 1 else \
            [f"predicted_{j + 1}" for j in range(p.y_hat.shape[1])]
        header = [*names, *outs]
    else:
        header = [*names, *[f"P({c})" for c in p.class_names], "predicted"]
    from ..textsafe import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(name) for name in header])   # text: a formula is neutralised
    labels = [csv_cell(name) for name in getattr(p, "class_names", ())]
    for start in range(0, len(X), rows):
        block = slice(start, start + rows)
        if p.task == "regression":
            writer.writerows([*map(repr, x), *map(repr, y)] for x, y in
                             zip(X[block].tolist(), p.y_hat[block].tolist()))
        else:
            writer.writerows([*map(repr, x), *map(repr, pr), labels[k]] for x, pr, k in
                             zip(X[block].tolist(), p.probabilities[block].tolist(),
                                 p.classes[block].tolist()))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
