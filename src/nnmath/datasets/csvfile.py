"""Read your own data from a CSV file: numeric features, one target column.

The first line is the header (column names). Every other column than the
target is a feature unless ``features`` names them.

What counts as a header and a separator (files are not always what they seem):

- The separator is ``,``; a header line without a comma but with ``;`` or a
  tab is read with that separator (spreadsheet exports). A header with none of
  the three but with spaces (``psa age status``) is read as space-separated
  when the first data line splits into as many values (``3.8 61 Cancer``): any
  run of spaces separates, and quotes keep a name with spaces together
  (``"mean radius" age``). Otherwise the spaces belong to a single column's
  name (``mean radius``). The choice is not ambiguous: a file whose header and
  first row both split into the same number of space-separated fields and hold
  no ``,``, ``;`` or tab has no other reading with more than one column.
- A header that names nothing is an error, not column names: a first line with
  numbers (scikit-learn's bundled ``iris.csv`` starts ``150,4,setosa,...``,
  the counts of rows and columns; a file without a header starts with data)
  says that the first line must name the columns. Only numbers that are the
  column positions, ``0,1,2,...`` or ``1,2,3,...`` (pandas writes these for an
  unnamed array), are accepted as names.
- A column without a name holding values is an error (pandas writes its row
  index as an unnamed first column unless ``index=False``); an unnamed column
  that is empty throughout (a trailing separator) is dropped.
- NumPy's ``savetxt`` writes its header as a comment (``# psa,age,status``):
  the ``#`` before the first name is dropped. The target may hold class
names (``Cancer``, ``Healthy``), integer labels (``0``, ``1``, ``2``) or, for
regression, any numbers.

A number is written with the digits 0-9, a point and an exponent (``-1.5e3``);
``nan`` and ``inf`` are read and refused as not finite. Python's ``float`` also
reads ``1_000`` and the digits of other scripts: a CSV file means neither, so
both are errors that say how to write the number.

Bounded (:mod:`nnmath.safefile`): the file is a regular file or a pipe
(``<(cat data.csv)``, ``/dev/stdin``) of at most :data:`MAX_BYTES`, never a
device; a line is at most :data:`MAX_LINE` characters; a classification target
holds at most :data:`MAX_CLASSES` classes. It is read in one pass, row by row,
straight into a float64 array: time and memory grow linearly with the rows and
the columns (``benchmarks/scaling.py`` shows it).

``task="auto"`` decides: a target with any non-numeric value, or with whole
numbers only and at most ``MAX_AUTO_CLASSES`` distinct values, is a
classification target; anything else is a regression target. Class names are
sorted (numerically for numbers) unless ``classes`` gives their order; class
``i`` is the ``i``-th name.

Two classes: class 1 (the second name) is the **positive class**, the one
sensitivity, precision and the ROC curve are about. ``positive`` names it.
Without ``positive`` or ``classes``, a class whose name says "nothing found"
(:data:`nnmath.datasets.classes.NEGATIVE_NAMES`: healthy, normal, benign, no, false, 0, ...) is class 0
when the other is not, so the other is the positive class (Cancer, not
Healthy); otherwise the sorted order decides (1 rather than 0). Every command
that reports these metrics names the positive class.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "psa.csv"
>>> _ = path.write_text("psa,status\\n3.8,Cancer\\n0.8,Healthy\\n2.5,Healthy\\n")
>>> data = load_csv(path, target="status", classes=["Healthy", "Cancer"])
>>> data.X.ravel().tolist(), data.y.tolist(), data.class_names
([3.8, 0.8, 2.5], [1, 0, 0], ('Healthy', 'Cancer'))
"""

from __future__ import annotations

import math
from array import array

import numpy as np

from ..checks import check_path
from ..errors import DataError, must_be
from .base import TASKS, Dataset
from .classes import order_classes
from .csvtable import (
    MAX_BYTES,
    MAX_LINE,
    NA_VALUES,
    Cells,
    Table,
    number_hint,
    shown_columns,
    to_float,
)

__all__ = ["load_csv", "read_features", "read_frame", "make_cells", "IMPUTE",
           "MAX_AUTO_CLASSES", "MAX_CLASSES", "MAX_BYTES", "MAX_LINE"]

MAX_AUTO_CLASSES = 20

MAX_CLASSES = 10_000
"""The most distinct values a classification target may hold (a target of more
numbers is a regression target)."""

IMPUTE = ("mean", "median", "most-frequent", "drop-rows")
"""How missing feature cells are handled (``--impute``): filled with the training rows'
mean or median (numeric columns; a categorical column takes its most frequent value), the
most frequent value, or the rows left out."""


def load_csv(path, target, features=None, task="auto", classes=None,
             delimiter=",", min_classes=2, positive=None, *, na_values=None, decimal=".",
             impute=None, unknown="error", categorical=(), drop=(), ids=(),
             cells=None) -> Dataset:
    """Load a CSV file as a :class:`~nnmath.datasets.Dataset`.

    Parameters
    ----------
    path : str or Path
        A CSV file, or a pipe (``<(cat data.csv)``, ``/dev/stdin``; ``-`` is standard
        input) read as a stream; at most :data:`MAX_BYTES`.
    target : str, or a sequence of str
        The name of the target column; several names: a multi-output regression.
    features : sequence of str, or one str, optional
        Feature columns, in this order (default: every other column, but ``drop`` and
        ``ids``).
    task : {"auto", "classification", "regression"}, default "auto"
    classes : sequence of str, optional
        Class names in label order (default: sorted; see ``positive``).
    positive : str, optional
        Two classes: the positive class (it becomes class 1). Default: see the
        module docstring.
    delimiter : str, default ","
    min_classes : int, default 2
        Fewest classes the target must hold (1 to evaluate on one class only).
    na_values : sequence of str, optional
        The texts read as a missing value (default :data:`~nnmath.datasets.csvtable.NA_VALUES`;
        an empty cell always is). A row whose target is missing is left out (a note says
        which lines): a missing value is never a class.
    decimal : {".", ","}, default "."
    impute : {None, "mean", "median", "most-frequent", "drop-rows"}
        Missing feature cells: None refuses them (one line naming ``impute``); a method
        keeps them as NaN for the preprocessing to fill (from the training rows only);
        "drop-rows" leaves those rows out (a note says which).
    unknown : {"error", "ignore"}, default "error"
        Recorded for the preprocessing: a category unseen in training is an error, or
        all zeros.
    categorical : sequence of str
        Columns read as categories even where their values are numbers.
    drop : sequence of str
        Columns not used (when ``features`` is not given).
    ids : sequence of str
        Row identifiers: kept as text beside each row (``Dataset.ids``), never features.
    cells : nnmath.datasets.csvtable.Cells, optional
        How feature cells are read, instead of the rules ``na_values``, ``decimal``,
        ``impute`` and ``categorical`` make (a saved model's: ``Preprocessing.cells()``).

    Raises
    ------
    DataError
        Missing file or column, an empty file, a non-numeric or missing value
        (with its line and column), NaN or inf, or only one class.

    Notes
    -----
    Time and memory are linear in the file: columns are found by name through a
    dict, and rows are parsed one by one into a float64 array (the target into one
    code per row and its distinct values), never kept as text.
    """
    if task not in ("auto",) + TASKS:
        raise DataError(must_be("task", "'auto', 'classification' or 'regression'", task))
    path = check_path(path, "path", "load_csv('data.csv', target='status')")
    targets = [target] if isinstance(target, str) else target
    features = [features] if isinstance(features, str) else features   # one column
    if cells is None:
        cells = make_cells(na_values, decimal, impute, categorical)
    _check_options(impute, unknown)
    _distinct("the feature columns (--features)", features)
    _distinct("the class names (--classes)", classes)
    _distinct("the target columns (--target)", targets if isinstance(targets, list) else None)
    drop, ids = list(drop or ()), list(ids or ())
    with Table(path, delimiter) as table:
        features = _columns(table, path, targets, features, task, drop, ids, categorical)
        header = list(table.header)
        readers = [_TargetColumn(t, task if len(targets) == 1 else "regression")
                   for t in targets]
        frame = table.read(features, readers, cells, ids)
        source = table.name
    notes: list[str] = []
    X, lines, row_ids = frame.X, np.frombuffer(frame.lines, dtype=np.int_).copy(), frame.ids
    numbers = np.frombuffer(frame.numbers, dtype=np.int_).copy()
    keep = None
    if impute == "drop-rows" and X.size:
        keep = ~np.isnan(X).any(axis=1)
        if not keep.all():
            notes.append(_left_out(lines[~keep].tolist(), "with a missing feature value "
                                   "(--impute drop-rows)"))
    if frame.dropped:
        notes.insert(0, _left_out(frame.dropped, "whose target " + ", ".join(
            map(repr, targets)) + " is missing"))
    if len(lines) == 0:
        raise DataError(must_be(f"the CSV file {str(path)!r}", "at least one row with a "
                                "target value", "none: every target cell is missing"))
    results = [_target(column, name, task if len(targets) == 1 else "regression",
                       classes, min_classes, positive)
               for column, name in zip(readers, targets)]
    y = results[0][0] if len(results) == 1 else np.column_stack([r[0] for r in results])
    class_names, task_chosen, reason = results[0][1], results[0][2], results[0][3]
    if task == "auto" and reason:
        notes.append(f"task: {task_chosen} ({reason})")
    if keep is not None and not keep.all():
        X, y, lines, numbers = X[keep], y[keep], lines[keep], numbers[keep]
        row_ids = [r for r, k in zip(row_ids, keep.tolist()) if k]
        if len(lines) == 0:
            raise DataError(must_be(f"the CSV file {str(path)!r}", "at least one row without "
                                    "a missing feature value (--impute drop-rows)", "none"))
    texts = frame.texts if any(t is not None for t in frame.texts) else None
    notes += _id_notes(X, features, texts)
    reading = {"n_rows": frame.n_rows,
               "na_values": sorted(cells.na_values), "decimal": cells.decimal, "impute": impute,
               "unknown": unknown, "categorical": list(categorical), "id_columns": ids,
               "dropped": list(frame.dropped), "source": source, "columns": header}
    return Dataset(X=X, y=y, feature_names=tuple(features), class_names=class_names,
                   target_name=", ".join(targets), task=task_chosen,
                   target_names=tuple(targets), texts=texts, reading=reading,
                   ids=tuple(row_ids) if ids else None, lines=lines, notes=tuple(notes),
                   row_numbers=numbers)


def _columns(table, path, targets, features, task, drop, ids, categorical) -> list:
    """The feature columns, every column option checked against the header (with a "did
    you mean" for a name close to a column's)."""
    if not isinstance(targets, list) or not targets or \
            not all(isinstance(t, str) for t in targets):
        raise DataError(must_be("the target column", "the name of a column", targets,
                                "Give --target the name of a column."))
    for name in targets:
        if name not in table.index:
            raise DataError(must_be("the target column", "one of the columns " +
                                    shown_columns(table.header), name,
                                    _did_you_mean(name, table.header, "--target")))
    if len(targets) > 1 and task == "classification":
        raise DataError(must_be("--task", "regression (or auto) for several target "
                                "columns", task, "Train one classifier per target."))
    for option, names in (("--drop", drop), ("--id", ids), ("--categorical", categorical)):
        for name in names:
            if name not in table.index:
                raise DataError(must_be(f"a column of {option}", "one of the columns " +
                                        shown_columns(table.header), name,
                                        _did_you_mean(name, table.header, option)))
    for name in ids:
        if name in targets:
            raise DataError(must_be("an --id column", "other than the target", name))
    if features is None:
        features = [h for h in table.header
                    if h not in targets and h not in drop and h not in ids]
    for name in features:
        if name not in table.index:
            raise DataError(must_be("a feature column", "one of the columns " +
                                    shown_columns(table.header), name,
                                    _did_you_mean(name, table.header, "--features")))
        if name in targets or name in ids:
            raise DataError(must_be("a feature column", "neither the target nor an --id "
                                    "column", name, "Drop it from --features."))
    if not features:
        raise DataError(must_be(f"{path}", "a file with at least one feature column "
                                f"besides the target {', '.join(map(repr, targets))}",
                                table.header))
    return features


def _check_options(impute, unknown) -> None:
    if impute is not None and impute not in IMPUTE:
        raise DataError(must_be("impute", "one of " + ", ".join(IMPUTE), impute))
    if unknown not in ("error", "ignore"):
        raise DataError(must_be("unknown", "'error' or 'ignore'", unknown))


def make_cells(na_values=None, decimal=".", impute=None, categorical=()) -> Cells:
    """The :class:`~nnmath.datasets.csvtable.Cells` rules of these options, checked."""
    if decimal not in (".", ","):
        raise DataError(must_be("the decimal mark (--decimal)", "'.' or ','", decimal))
    if na_values is None:
        na = frozenset(NA_VALUES)
    else:
        if isinstance(na_values, str) or not all(isinstance(v, str) for v in na_values):
            raise DataError(must_be("na_values (--na-values)", "a list of texts", na_values))
        na = frozenset([""] + [v.strip() for v in na_values])
    return Cells(na_values=na, decimal=decimal, categorical=frozenset(categorical or ()),
                 missing=impute is not None)


def _left_out(lines: list, why: str) -> str:
    """``left out 2 rows whose target is missing (lines 7, 12)``."""
    n = len(lines)
    shown_lines = ", ".join(map(str, lines[:5])) + (", ..." if n > 5 else "")
    return (f"left out {n} row{'s' if n != 1 else ''} {why} "
            f"(line{'s' if n != 1 else ''} {shown_lines})")


def _id_notes(X, features, texts) -> list:
    """A note for each feature column that looks like a row ID: a different whole number
    in every row, counting up, or a different text in every row."""
    notes: list[str] = []
    n = X.shape[0]
    if n < 10:
        return notes
    for c, name in enumerate(features):
        column = X[:, c]
        if texts is not None and texts[c] is not None:
            looks = len(texts[c]) == n
            what = "a different text in every row"
        else:
            finite = column[~np.isnan(column)]
            looks = finite.size == n and bool(np.all(finite == np.round(finite))) and \
                len(np.unique(finite)) == n and (bool(np.all(np.diff(finite) > 0)) or
                                                  finite.max() - finite.min() == n - 1)
            what = "a different whole number in every row, counting up"
        if looks:
            notes.append(f"column {name!r} looks like a row ID ({what}) and is used as a "
                         f"feature: give --id {_quote(name)} to pass it through to the "
                         f"predictions, or --drop {_quote(name)}")
    return notes


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(str(text))


def _did_you_mean(name, header, option) -> str:
    """``Did you mean 'Weight'?`` for a name close to a column's, else a hint."""
    import difflib

    if not isinstance(name, str):
        return f"Give {option} the name of a column."
    lower = {h.lower(): h for h in header}
    close = [lower[name.lower()]] if name.lower() in lower else \
        difflib.get_close_matches(name, header, n=3, cutoff=0.6)
    if close:
        return "Did you mean " + " or ".join(repr(c) for c in close) + "?"
    return f"Give {option} the name of a column."


def read_frame(path, columns, cells=None, ids=(), delimiter=","):
    """The raw ``columns`` of a CSV file (for prediction with a model's preprocessing): a
    :class:`~nnmath.datasets.csvtable.Frame`; other columns are ignored. A missing
    column is one line naming it; the ``ids`` columns are read when the file has them."""
    with Table(path, delimiter) as table:
        ids = [name for name in ids if name in table.index and name not in columns]
        for name in list(columns):
            if name not in table.index:
                raise DataError(must_be(f"the CSV file {str(path)!r}", "a file with the "
                                        "model's feature columns " +
                                        shown_columns(list(columns)),
                                        f"no column {name!r}", "Give the columns the model "
                                        "was trained on."))
        return table.read(list(columns), (), cells, ids)


def read_features(path, features=None, delimiter=",", n_inputs=None):
    """Only the feature columns of a CSV file (for prediction): ``(X, feature_names)``.

    ``features`` names the columns to read, in order (other columns, such as
    the target, are ignored); default: every column, which must then be
    ``n_inputs`` columns when that is given (checked before any value is read).
    """
    with Table(path, delimiter) as table:
        header = table.header
        if features is None and n_inputs is not None and len(header) != n_inputs:
            raise DataError(must_be(
                f"the CSV file {str(path)!r}", f"made of {n_inputs} column(s), one per input "
                "(the model file names no features, so every column is an input)",
                f"{len(header)} columns: {', '.join(header[:20])}", "Drop the other "
                'columns, or add "feature_names" to the model file (nnmath new '
                "--feature-names ...)."))
        features = list(header if features is None else features)
        missing = [name for name in features if name not in table.index]
        if missing:
            raise DataError(must_be(f"the CSV file {str(path)!r}", "a file with the model's "
                                    "feature columns " + shown_columns(features),
                                    f"no column {missing[0]!r}", "Give the columns the model "
                                    "was trained on."))
        frame = table.read(features, (), Cells(text=False, missing_fix="Fill the cell in: "
                                               "the model has no fill values."))
    return frame.X, tuple(features)


def _distinct(what, names) -> None:
    if names is None:
        return
    seen, twice = set(), []
    for name in names:
        if name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    if twice:
        raise DataError(must_be(what, "distinct names", twice, "Give each name once."))


class _TargetColumn:
    """The target column read row by row in little memory: a code per row and each
    distinct text once (with the line it first appears in); past :data:`MAX_CLASSES`
    distinct texts only numbers can follow (a regression target), kept as floats.
    Missing cells never come here: :meth:`Table.read` leaves their rows out."""

    def __init__(self, name: str, task: str):
        self.name, self.task = name, task
        self.codes = array("i")
        self.texts: dict = {}       # text -> code, in the order first seen
        self.first_line: list = []  # code -> line
        # array("d") once there are too many distinct texts
        self.numbers: array[float] | None = None
        # numbers: (line, text) of the first value that is not finite
        self.bad: tuple[int, str] | None = None

    def adder(self, table):
        """``add(text, line)`` for :meth:`Table.read`: takes the target cell of a row."""
        get, append = self.texts.get, self.codes.append

        def add(text, line):
            if self.numbers is not None:
                return self._add_number(self.numbers, text, line)
            code = get(text)
            if code is None:
                code = self._new(text, line)
                if code is None:
                    return None
            append(code)
            return None

        return add

    def _new(self, text: str, line: int):
        if len(self.texts) < MAX_CLASSES:
            self.texts[text] = len(self.texts)
            self.first_line.append(line)
            return self.texts[text]
        if self.task == "classification":
            raise self._too_many()
        numbers = self._to_numbers()    # a regression target: numbers from here on
        self._add_number(numbers, text, line)
        return None

    def _too_many(self) -> DataError:
        return DataError(must_be(f"the target column {self.name!r}", f"made of at most "
                                 f"{MAX_CLASSES} classes (nnmath.datasets.csvfile."
                                 "MAX_CLASSES), or of numbers for regression",
                                 f"more than {MAX_CLASSES} distinct values, not all numbers",
                                 "Check --target: is it an identifier column?"))

    def _to_numbers(self) -> array[float]:
        """Turn the texts read so far into numbers (:attr:`numbers`, one per row)."""
        values = []
        for text, line in zip(self.texts, self.first_line):
            v = to_float(text)
            if v is None:
                if self.task == "regression":
                    raise _not_a_number(self.name, line, text)
                raise self._too_many()
            values.append(v)
            if not math.isfinite(v) and (self.bad is None or line < self.bad[0]):
                self.bad = (line, text)
        self.numbers = array("d", np.asarray(values)[np.frombuffer(self.codes, dtype=np.intc)]
                             .tobytes())
        self.codes = array("i")
        return self.numbers

    def _add_number(self, numbers: array[float], text: str, line: int) -> None:
        v = to_float(text)
        if v is None:
            if self.task == "regression":
                raise _not_a_number(self.name, line, text)
            raise self._too_many()
        if not math.isfinite(v) and self.bad is None:
            self.bad = (line, text)
        numbers.append(v)


def _not_a_number(target, line, text) -> DataError:
    return DataError(must_be(f"the target in line {line} (column {target!r})",
                             "a number for regression", text, number_hint(text) or
                             "Give --na-values with it if it marks a missing target (those "
                             "rows are left out)."))


def _target(column, target, task, classes, min_classes=2, positive=None):
    """``(y, class_names, task, reason)`` from the target column read by
    :class:`_TargetColumn`; ``reason`` says why ``task="auto"`` chose the task."""
    texts = list(column.texts)                       # each distinct text once
    codes = np.frombuffer(column.codes, dtype=np.intc)
    numbers = None if column.numbers is not None else [to_float(t) for t in texts]
    numeric = column.numbers is not None or all(v is not None for v in numbers)
    reason = ""
    if task == "auto":
        task, reason = _auto_task(column, target, texts, numbers, codes, numeric)
    if task == "regression":
        if positive is not None:
            raise DataError(must_be("--positive", "given for a target with two classes",
                                    positive, f"The target {target!r} holds numbers "
                                    "(regression); drop --positive."))
        if column.numbers is not None:
            values, bad = np.frombuffer(column.numbers, dtype=np.float64), column.bad
        else:
            wrong = [(line, t) for t, v, line in zip(texts, numbers, column.first_line)
                     if v is None]
            if wrong:
                line, text = min(wrong)
                raise _not_a_number(target, line, text)
            values = np.asarray(numbers, dtype=np.float64)[codes]
            bad = min(((line, t) for t, v, line in zip(texts, numbers, column.first_line)
                       if not math.isfinite(v)), default=None)
        if bad is not None:
            raise DataError(must_be(f"the target in line {bad[0]} (column {target!r})",
                                    "a finite number", bad[1]))
        return values.copy(), (), task, reason
    label_of = [_label(t, numeric) for t in texts]   # "1.0" and "1" are the class "1"
    distinct = set(label_of)
    names = list(dict.fromkeys(sorted(distinct, key=_order(numeric))))
    if classes is not None:
        classes = [str(c) for c in classes]
        unknown = sorted(distinct - set(classes))
        if unknown:
            raise DataError(must_be(f"every target value in column {target!r}", "one of the "
                                    f"classes [{shown_columns(classes)}]", unknown,
                                    "Give --classes every class when training; for a saved "
                                    "model, data of its classes (its file lists them in "
                                    "\"class_names\")."))
        names = classes
    names = order_classes(names, positive, given=classes is not None)
    if len(distinct) < min_classes:
        raise DataError(must_be(f"the target column {target!r}",
                                f"made of at least {min_classes} classes",
                                f"only {label_of[0]!r}", "Check the target column, or use "
                                "data with samples of every class."))
    index = {name: i for i, name in enumerate(names)}
    return (np.array([index[label] for label in label_of], dtype=int)[codes], tuple(names),
            task, reason)


def _auto_task(column, target, texts, numbers, codes, numeric) -> tuple:
    """``(task, reason)`` for ``task="auto"``: text is classes; numbers that are not all
    whole, or many distinct whole numbers, are a regression target; a few whole numbers,
    each in at least two rows, are classes. Numbers mixed with text are an error."""
    if column.numbers is not None:
        return "regression", f"the target has more than {MAX_CLASSES} distinct numbers"
    if not numeric:
        some = [(line, t) for t, v, line in zip(texts, numbers, column.first_line)
                if v is not None]
        if some:
            number_line, number = min(some)
            text_line, text = min((line, t) for t, v, line in
                                  zip(texts, numbers, column.first_line) if v is None)
            raise DataError(must_be(
                f"the target column {target!r}", "numbers (regression) or names of classes",
                f"both: {number!r} in line {number_line} and {text!r} in line {text_line}",
                f"Give --na-values {_quote(text)} if it marks a missing target (those rows "
                "are left out), or --task classification to make every value a class."))
        return "classification", f"the target holds text: {len(texts)} classes"
    distinct_values = {v for v in numbers}
    n_distinct = len(distinct_values)
    if not all(math.isfinite(v) and v.is_integer() for v in numbers):
        return "regression", (f"the target has {n_distinct} distinct numbers, not all "
                              "whole")
    counts = np.bincount(codes, minlength=len(texts)) if codes.size else np.zeros(0, int)
    per_value: dict = {}
    for v, count in zip(numbers, counts.tolist()):
        per_value[v] = per_value.get(v, 0) + count
    once = sum(1 for count in per_value.values() if count < 2)
    if n_distinct <= MAX_AUTO_CLASSES and once == 0:
        return "classification", (f"the target holds {n_distinct} distinct whole numbers, "
                                  "each in at least 2 rows; --task regression fits them as "
                                  "numbers")
    why = (f"{n_distinct} distinct whole numbers" if n_distinct > MAX_AUTO_CLASSES else
           f"{n_distinct} distinct whole numbers, {once} of them in one row only")
    return "regression", (f"the target has {why}; --task classification makes them "
                          "classes")


def _label(text: str, numeric: bool) -> str:
    """``"1.0"`` and ``"1"`` are the same class, named ``"1"``."""
    if numeric:
        v = float(text)
        return str(int(v)) if math.isfinite(v) and v.is_integer() else text
    return text


def _order(numeric):
    return (lambda name: float(name)) if numeric else (lambda name: name)
