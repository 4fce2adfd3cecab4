"""The sample a command explains or draws, read from its options, for one network.

One meaning per option (see :mod:`nnmath.commands._args`):

- ``--x V [V ...]`` one sample's raw input values (repeat ``--x`` for a batch);
- ``--y T [T ...]`` the target of the ``--x`` sample: one number per output, or
  one class name of a classifier (repeat ``--y`` once per ``--x``);
- ``--data FILE --row N`` the sample in data row N (1 = the first row after the
  header) of a CSV file: its features are the model's ``feature_names`` columns
  (else every column but the target), its target the value in the model's
  ``target_name`` column, or in ``--target COL``.

The result is the raw input ``X`` (the model's stored preprocessing and scaling are
not applied here: :func:`nnmath.explain` does that as steps of their own; for a model
with a preprocessing ``X`` is rows of raw cells: numbers, category texts, None for a
missing value) and the target rows ``T`` (in the target's units; class names become
target rows in the library, :func:`nnmath.inference.class_targets`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datasets.preprocess import raw_cells
from ..errors import ConfigError, must_be

__all__ = ["Sample", "add_sample_arguments", "read_sample", "raw_row", "cell", "Text"]


@dataclass(frozen=True)
class Sample:
    """X : (n_samples, n_inputs) the raw input (rows of raw cells for a model with a
    preprocessing); T : (n_samples, n_outputs) the targets; ``where`` says where they
    came from."""

    X: np.ndarray | list
    T: np.ndarray
    where: str


class Text(str):
    """A ``--x`` value that is not a number: a category, or a missing-value text."""


def cell(text: str):
    """``--x V``: a number, else the text itself (a category of a model with categorical
    columns; a model without is told ``invalid float value``, as argparse says it)."""
    try:
        return float(text)
    except ValueError:
        return Text(text)


def add_sample_arguments(parser, note: str = "", batch: bool = True) -> None:
    """``--x``, ``--y``, ``--data``, ``--row`` and ``--target`` (``batch``: --x repeated);
    ``note`` is added to the help of --x."""
    notes = "; ".join(n for n in (note, "repeat --x for more samples" if batch else "") if n)
    parser.add_argument("--x", nargs="+", type=cell, action="append", metavar="V",
                        help="one sample's raw input values, one per feature" +
                             (f" ({notes})" if notes else ""))
    parser.add_argument("--y", nargs="+", action="append", metavar="T",
                        help="the target of the --x sample: one number per output, or one "
                             "class name" + (" (repeat --y once per --x)" if batch else ""))
    parser.add_argument("--data", metavar="FILE", help="with --model: a CSV file with a header")
    parser.add_argument("--row", type=int, metavar="N",
                        help="with --data: take the sample from data row N (1 = the first row "
                             "after the header; default 1)")
    parser.add_argument("--target", metavar="COL",
                        help="with --data: the target column (default: the model's "
                             "target_name)")


def read_sample(args, net, default_x=None, default_y=None, batch: bool = True) -> Sample | None:
    """The raw input ``X`` and targets ``T`` for ``net`` that the options give.

    ``default_x``/``default_y`` (the article's PSA 2.0 and its target) are used
    when ``--x``/``--y`` are not given; without a default, a missing ``--y`` is
    an error and no ``--x`` at all means no sample (None). ``batch=False``
    allows one sample only.
    """
    if args.row is not None and not args.data:
        raise ConfigError(must_be("--row", "given with --data FILE (the CSV file it is a row "
                                  "of)", args.row, f"For example --data data.csv --row "
                                  f"{args.row}."))
    if args.target is not None and not args.data:
        raise ConfigError(must_be("--target", "given with --data FILE (the target column of "
                                  "that file)", args.target, "Give the sample's target with "
                                  "--y."))
    if args.data:
        if args.x is not None or args.y is not None:
            raise ConfigError(must_be("the sample", "given once: by --x/--y, or by --data FILE "
                                      "--row N", "both", "Drop --x and --y, or drop --data."))
        return _from_data(args, net)
    xs, ys = args.x, args.y
    if xs is None:
        if default_x is None:
            if ys is not None:
                raise ConfigError(must_be("--y", "given with --x (the sample's input "
                                          "values)", f"--y {' '.join(ys[0])} without --x",
                                          _example(net)))
            return None
        xs = [default_x]
    if ys is None:
        if default_y is None:
            raise ConfigError(must_be("--y", "given with --x: the target of each --x sample",
                                      f"--x {_values(xs[0])} without --y", _example(net)))
        ys = [default_y] * len(xs)
    if len(xs) > 1 and not batch:
        raise ConfigError(must_be("--x", "given once here (one sample is drawn)",
                                  f"{len(xs)} samples", "Use 'nnmath explain' for a batch."))
    if len(ys) != len(xs):
        raise ConfigError(must_be("--y", "given once per --x (the target of each sample)",
                                  f"{len(xs)} --x and {len(ys)} --y",
                                  "Repeat --y after each --x."))
    rows = [raw_row(net, x) for x in xs]
    X = rows if net.info.get("preprocessing") else np.array(rows, dtype=np.float64)
    T = np.array([_target_row(net, [str(v) for v in y]) for y in ys], dtype=np.float64)
    return Sample(X=X, T=T, where="--x")


def raw_row(net, x) -> list:
    """One ``--x`` sample checked against ``net``: one value per raw column of its
    preprocessing (a text for a category or a missing value), else one number per input."""
    from ..inference import preprocessing_of

    pre = preprocessing_of(net)
    if pre is not None:
        if len(x) != len(pre.columns):
            raise ConfigError(must_be("--x", f"{len(pre.columns)} value(s) per sample, one per "
                                      f"column: {', '.join(pre.names)}", list(x),
                                      "Give the raw values: a category as its text, NA for a "
                                      "missing value."))
        return [None if isinstance(v, str) and (v.strip() in pre.na_values or not v.strip())
                else v for v in x]
    for v in x:
        if isinstance(v, str):
            raise ConfigError(f"argument --x: invalid float value: {str(v)!r}")
    if len(x) != net.n_inputs:
        names = net.info.get("feature_names") or ()
        inputs = f": {', '.join(names)}" if len(names) == net.n_inputs else ""
        raise ConfigError(must_be("--x", f"{net.n_inputs} value(s) per sample, one per input of "
                                  f"the network{inputs}", [float(v) for v in x],
                                  "Give the sample's raw values (the model's stored scaling "
                                  "is applied to them)." if net.info.get("scaling") else
                                  f"Give {net.n_inputs} value(s) after each --x."))
    return [float(v) for v in x]


def _target_row(net, values) -> np.ndarray:
    """One sample's target: one class name, or one number per output."""
    from ..inference import class_names_of, class_targets, task_of

    numbers = _floats(values)
    fits = numbers is not None and len(numbers) == net.n_outputs
    if len(values) == 1 and task_of(net) == "classification":
        try:
            return class_targets(net, values)[0]
        except ConfigError:
            if not fits:
                raise
    if fits:
        return np.array(numbers)
    classes = (", or one class name (" + ", ".join(repr(c) for c in class_names_of(net)) + ")"
               ) if task_of(net) == "classification" else ""
    raise ConfigError(must_be("--y", f"{net.n_outputs} number(s), one per output of the "
                              f"network{classes}", values, _example(net)))


def _from_data(args, net) -> Sample:
    """Data row ``--row`` of ``--data``: the model's raw columns and its target."""
    from ..inference import class_targets, target_names_of, task_of
    from ._data import load_for_model, model_columns

    column = args.target or (target_names_of(net) or [None])[0]
    if not column:
        raise ConfigError(must_be("the target column of --data", "named by --target COL (the "
                                  "model file names none)", f"--data {args.data} without "
                                  "--target", "For example --target status."))
    targets = target_names_of(net) if not args.target and len(target_names_of(net)) > 1 \
        else [column]
    features = model_columns(net)
    if features and column in features:
        raise ConfigError(must_be("the target column of --data", "a column that is not one of "
                                  "the model's features", column, "Name the target column with "
                                  "--target."))
    task = task_of(net)
    data = load_for_model(args.data, net, targets, min_classes=1)
    pre = net.info.get("preprocessing")
    if not pre and data.X.shape[1] != net.n_inputs:
        raise ConfigError(must_be("the feature columns of --data", f"{net.n_inputs}, one per "
                                  "input of the network", f"{data.X.shape[1]}: "
                                  f"{', '.join(data.feature_names)}", "Name the target column "
                                  "with --target, and give a CSV with the model's features."))
    n, row = data.reading.get("n_rows", len(data)), 1 if args.row is None else args.row
    if not 1 <= row <= n:
        raise ConfigError(must_be("--row", f"a data row from 1 to {n} ({args.data} has {n} "
                                  "rows after the header)", row))
    at = row - 1
    if data.row_numbers is not None:   # rows left out (a missing target) keep their number
        found = np.flatnonzero(data.row_numbers == row)
        if not found.size:
            raise ConfigError(must_be("--row", "a data row with a target value", row,
                                      f"Row {row} of {args.data} was left out: its target is "
                                      "missing. Choose another row."))
        at = int(found[0])
    if task == "classification":
        T = class_targets(net, [data.class_names[int(data.y[at])]])
    else:
        T = np.asarray(data.y[at], dtype=np.float64).reshape(1, -1)
    if pre:
        X = [raw_cells(data, at)]
        return Sample(X=X, T=T, where=f"row {row} of {args.data}")
    return Sample(X=data.X[at:at + 1], T=T, where=f"row {row} of {args.data}")


def _floats(values):
    try:
        return [float(v) for v in values]
    except ValueError:
        return None


def _values(x) -> str:
    return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in x)


def _example(net) -> str:
    from ..inference import class_names_of, task_of

    x = " ".join(["1.0"] * net.n_inputs)
    y = " ".join(["0"] * net.n_outputs)
    if task_of(net) == "classification":
        return f"For example --x {x} --y {y}, or --y {class_names_of(net)[-1]} (a class name)."
    return f"For example --x {x} --y {y}."
