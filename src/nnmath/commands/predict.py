"""``nnmath predict``: class probabilities and the predicted class for new samples."""

from __future__ import annotations

import csv
import io
import sys

from ..errors import ConfigError
from ._args import add_model, add_threshold_and_json
from ._io import console, print_json

NAME = "predict"
HELP = "predict new samples with a saved model (probabilities and class)"
EXAMPLE = """examples:
  nnmath predict model.json --x 2.0                 # one sample (one value per feature)
  nnmath predict model.json --x 2.0 --x 0.5         # two samples
  nnmath predict model.json --csv new.csv           # CSV with the model's feature columns
  nnmath predict model.json --csv new.csv --output predictions.csv
  nnmath predict model.json --x 2.0 --json

The model's stored scaling is applied first. The CSV output has the feature
columns, then P(<class>) for every class, then predicted."""


def add_arguments(parser) -> None:
    add_model(parser)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--x", nargs="+", type=float, action="append", metavar="V",
                        help="one sample's feature values (repeat --x for more samples)")
    source.add_argument("--csv", metavar="FILE", help="a CSV file of samples")
    parser.add_argument("--output", metavar="FILE",
                        help="write the predictions CSV here (atomically) instead of stdout")
    add_threshold_and_json(parser)


def run(args) -> int:
    import numpy as np

    from ..datasets.csvfile import read_features
    from ..inference import predict
    from ..modelfile import load

    net = load(args.model)
    names = net.info.get("feature_names")
    if args.csv:
        X, names = read_features(args.csv, names)
    else:
        X = np.array(args.x, dtype=np.float64) if len({len(x) for x in args.x}) == 1 else None
        if X is None or X.shape[1] != net.n_inputs:
            raise ConfigError(f"--x must be given {net.n_inputs} value(s) per sample (the "
                              f"model's inputs{': ' + ', '.join(names) if names else ''}). "
                              f"Got {args.x}.")
    names = tuple(names or [f"x{i + 1}" for i in range(net.n_inputs)])
    p = predict(net, X, threshold=args.threshold)
    header, rows = _rows(X, names, p)
    if args.output:
        from ..modelfile import write_atomic

        write_atomic(args.output, _csv_text(header, rows))
    if args.json:
        print_json({"feature_names": list(names), "task": p.task,
                    "class_names": list(p.class_names), "n_samples": len(X),
                    "predictions": [_record(x, p, s) for s, x in enumerate(X.tolist())],
                    "output": args.output})
    elif args.csv and not args.output:
        sys.stdout.write(_csv_text(header, rows))
    elif not args.output:
        from ..render.report import predictions_table

        console().print(predictions_table(X, names, p))
    else:
        console().print(f"wrote {len(X)} predictions to {args.output}")
    return 0


def _record(x, p, s) -> dict:
    if p.task == "regression":
        return {"x": x, "y_hat": p.y_hat[s].tolist()}
    return {"x": x, "probabilities": dict(zip(p.class_names, p.probabilities[s].tolist())),
            "predicted": p.labels[s]}


def _rows(X, names, p):
    if p.task == "regression":
        outs = ["predicted"] if p.y_hat.shape[1] == 1 else \
            [f"predicted_{j + 1}" for j in range(p.y_hat.shape[1])]
        return [*names, *outs], [[*map(repr, x), *map(repr, y)]
                                 for x, y in zip(X.tolist(), p.y_hat.tolist())]
    header = [*names, *[f"P({c})" for c in p.class_names], "predicted"]
    return header, [[*map(repr, x), *map(repr, pr), label] for x, pr, label
                    in zip(X.tolist(), p.probabilities.tolist(), p.labels)]


def _csv_text(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
