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
from ._sample import cell

NAME = "predict"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath predict model.json --x 2.0                 # one sample (one value per feature)
  nnmath predict model.json --x 2.0 --x 0.5         # two samples
  nnmath predict model.json --data new.csv          # the model's feature columns, by name
  nnmath predict model.json --data new.csv --csv    # CSV on stdout, for other programs
  nnmath predict model.json --data new.csv -o predictions.csv
  nnmath predict model.json --x 2.0 --json

The model's stored preprocessing (categories, fill values) and scaling are applied
first; --x takes the raw values (a category as its text, NA for a missing value). The
table fits the terminal: one row per sample, or for a wide model one row per quantity
and a column per sample (a sample's number is its row in --data FILE, 1 = the first
row after the header). The CSV has the model's ID columns (nnmath train --id) when the
file has them, the feature columns as read, then P(<class>) for every class and
predicted (regression: predicted, or predicted_1, predicted_2, ... for several
outputs, in the target's units). The threshold is the model file's, else 0.5.
A text cell of the CSV (a column or class name, an ID, a category) that starts like a
spreadsheet formula (=, +, -, @, a tab or a carriage return) gets a leading ' (OWASP's
advice against CSV injection); numbers such as -1.5 are written as they are."""


def add_arguments(parser) -> None:
    add_model(parser)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--x", nargs="+", type=cell, action="append", metavar="V",
                        help="one sample's raw feature values (repeat --x for more samples)")
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
    from ..inference import predict, threshold_of
    from ..modelfile import load
    from ..safefile import check_not_input, check_writable, write_atomic

    data = _source(args)
    check_not_input(args.output, {"the model file": args.model, "the data file": data},
                    "--output")
    if args.output:
        check_writable(args.output)   # before the model and the data are read
    net = load(args.model)
    rows = _samples(net, args.x, data)
    p = predict(net, rows.X, threshold=args.threshold, texts=rows.texts, lines=rows.lines)
    threshold = args.threshold if args.threshold is not None else threshold_of(net)
    if args.output:
        write_atomic(args.output, _csv_chunks(rows, p))
    if args.json:
        record = {"feature_names": list(rows.names), "task": p.task,
                  "class_names": list(p.class_names), "n_samples": len(rows.X),
                  **({"id_columns": list(rows.id_names)} if rows.id_names else {}),
                  "threshold": threshold if p.task == "classification" and
                  len(p.class_names) == 2 else None,
                  "predictions": [_record(rows, p, s) for s in range(len(rows.X))],
                  "output": args.output}
        print_json(record)
    elif args.csv:
        for chunk in _csv_chunks(rows, p):
            sys.stdout.write(chunk)
    elif args.output:
        console().print(f"wrote {len(rows.X)} predictions to {args.output}")
    else:
        from ..render.tables import predictions_table

        out = console()
        title = f"predictions for {data}" if data else "predictions"
        out.print(predictions_table(rows.display(), (*rows.id_names, *rows.names), p,
                                    width=out.width, threshold=threshold, title=title))
    return 0


class _Rows:
    """The samples read: ``X`` (raw columns: numbers, category codes into ``texts``, NaN),
    their column ``names``, the ``lines`` they come from, and the ID columns' texts."""

    def __init__(self, X, names, texts=None, lines=None, ids=None, id_names=()):
        self.X, self.names, self.texts, self.lines = X, tuple(names), texts, lines
        self.ids, self.id_names = ids, tuple(id_names)

    def cells(self, s: int) -> list:
        """Sample ``s`` as read: numbers, category texts, None for a missing cell."""
        import math

        out: list = []
        for c, v in enumerate(self.X[s].tolist()):
            if math.isnan(v):
                out.append(None)
            elif self.texts is not None and self.texts[c] is not None:
                out.append(self.texts[c][int(v)])
            else:
                out.append(v)
        return out

    def display(self) -> list:
        """Rows of the ID texts and the cells, for the table."""
        ids = self.ids or [()] * len(self.X)
        return [[*ids[s], *self.cells(s)] for s in range(len(self.X))]

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


def _samples(net, xs, data) -> _Rows:
    """The samples from ``--x`` values or a CSV file, checked against the model."""
    import numpy as np

    from ..datasets.csvfile import read_features, read_frame
    from ..inference import preprocessing_of
    from ._data import model_cells, model_columns
    from ._sample import raw_row

    pre = preprocessing_of(net)
    names = model_columns(net)
    if data:
        if names is None:
            X, names = read_features(data, None, n_inputs=net.n_inputs)
            return _Rows(X, names)
        frame = read_frame(data, names, model_cells(net),
                           ids=pre.id_columns if pre is not None else ())
        lines = np.frombuffer(frame.lines, dtype=np.int_)
        return _Rows(frame.X, names, frame.texts, lines,
                     frame.ids if frame.ids_names else None, frame.ids_names)
    if pre is None and (len({len(x) for x in xs}) != 1 or len(xs[0]) != net.n_inputs):
        raise ConfigError(f"--x must be given {net.n_inputs} value(s) per sample (the "
                          f"model's inputs{': ' + ', '.join(names) if names else ''}). "
                          f"Got {[[_value(v) for v in x] for x in xs]}.")
    rows = [raw_row(net, x) for x in xs]
    names = names or [f"x{i + 1}" for i in range(len(rows[0]))]
    if pre is None:
        return _Rows(np.array(rows, dtype=np.float64), names)
    X, texts = pre.frame(rows)
    return _Rows(X, names, texts)


def _value(v):
    return v if isinstance(v, str) and not isinstance(v, float) else float(v)


def _record(rows, p, s) -> dict:
    x = rows.cells(s)
    record: dict = {"x": x}
    if rows.ids is not None:
        record["id"] = dict(zip(rows.id_names, rows.ids[s]))
    if p.task == "regression":
        return {**record, "y_hat": p.y_hat[s].tolist()}
    return {**record, "probabilities": dict(zip(p.class_names, p.probabilities[s].tolist())),
            "predicted": p.labels[s]}


def _csv_chunks(rows, p, block_rows: int = 10_000):
    """The predictions CSV, a block of ``block_rows`` rows at a time (its memory stays small
    for millions of rows): the ID columns, the feature columns as read (a missing cell
    empty), then P(<class>) for every class and predicted (regression: predicted, or
    predicted_1, predicted_2, ...)."""
    if p.task == "regression":
        outs = ["predicted"] if p.y_hat.shape[1] == 1 else \
            [f"predicted_{j + 1}" for j in range(p.y_hat.shape[1])]
    else:
        outs = [*[f"P({c})" for c in p.class_names], "predicted"]
    from ..textsafe import csv_cell

    header = [*rows.id_names, *rows.names, *outs]
    plain = rows.texts is None or all(t is None for t in rows.texts)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(name) for name in header])   # text: a formula is neutralised
    n = len(rows.X)
    for start in range(0, n, block_rows):
        block = range(start, min(start + block_rows, n))
        if plain and rows.ids is None:
            xs = [[_text(v) for v in x] for x in rows.X[start:block.stop].tolist()]
        else:
            xs = [[*(csv_cell(i) for i in (rows.ids[s] if rows.ids is not None else ())),
                   *(_text(v) for v in rows.cells(s))] for s in block]
        if p.task == "regression":
            writer.writerows([*x, *map(repr, y)] for x, y in
                             zip(xs, p.y_hat[start:block.stop].tolist()))
        else:
            writer.writerows([*x, *map(repr, pr), csv_cell(label)] for x, pr, label in
                             zip(xs, p.probabilities[start:block.stop].tolist(),
                                 p.labels[start:block.stop]))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _text(value) -> str:
    """A cell of the predictions CSV: a number's repr, a text as it is, "" if missing."""
    import math

    from ..textsafe import csv_cell

    if value is None or isinstance(value, float) and math.isnan(value):
        return ""
    return repr(value) if isinstance(value, float) else csv_cell(value)
