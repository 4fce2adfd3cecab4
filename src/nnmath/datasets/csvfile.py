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

import csv
import math
import re
from pathlib import Path

import numpy as np

from ..checks import check_path
from ..errors import DataError, must_be
from .base import TASKS, Dataset
from .classes import order_classes

__all__ = ["load_csv", "read_features", "MAX_AUTO_CLASSES"]

MAX_AUTO_CLASSES = 20



def load_csv(path, target, features=None, task="auto", classes=None,
             delimiter=",", min_classes=2, positive=None) -> Dataset:
    """Load a CSV file as a :class:`~nnmath.datasets.Dataset`.

    Parameters
    ----------
    path : str or Path
    target : str
        The name of the target column.
    features : sequence of str, or one str, optional
        Feature columns, in this order (default: every other column).
    task : {"auto", "classification", "regression"}, default "auto"
    classes : sequence of str, optional
        Class names in label order (default: sorted; see ``positive``).
    positive : str, optional
        Two classes: the positive class (it becomes class 1). Default: see the
        module docstring.
    delimiter : str, default ","
    min_classes : int, default 2
        Fewest classes the target must hold (1 to evaluate on one class only).

    Raises
    ------
    DataError
        Missing file or column, an empty file, a non-numeric or missing value
        (with its line and column), NaN or inf, or only one class.
    """
    if task not in ("auto",) + TASKS:
        raise DataError(must_be("task", "'auto', 'classification' or 'regression'", task))
    path = check_path(path, "path", "load_csv('data.csv', target='status')")
    features = [features] if isinstance(features, str) else features   # one column
    header, rows = _read(Path(path), delimiter)
    if not isinstance(target, str) or target not in header:
        raise DataError(must_be("the target column", "one of the columns " + ", ".join(
            repr(h) for h in header), target, "Give --target the name of a column."))
    if features is None:
        features = [h for h in header if h != target]
    for name in features:
        if name not in header:
            raise DataError(must_be("a feature column", "one of the columns " + ", ".join(
                repr(h) for h in header), name))
    if not features:
        raise DataError(must_be(f"{path}", "a file with at least one feature column besides "
                                f"the target {target!r}", header))
    X = _features(header, rows, features)
    raw = [(line, row[header.index(target)].strip()) for line, row in rows]
    y, class_names, task = _target(raw, target, task, classes, min_classes, positive)
    return Dataset(X=X, y=y, feature_names=tuple(features), class_names=class_names,
                   target_name=target, task=task)


def read_features(path, features=None, delimiter=",", n_inputs=None):
    """Only the feature columns of a CSV file (for prediction): ``(X, feature_names)``.

    ``features`` names the columns to read, in order (other columns, such as
    the target, are ignored); default: every column, which must then be
    ``n_inputs`` columns when that is given (checked before any value is read).
    """
    header, rows = _read(Path(path), delimiter)
    if features is None and n_inputs is not None and len(header) != n_inputs:
        raise DataError(must_be(
            f"the CSV file {str(path)!r}", f"made of {n_inputs} column(s), one per input (the "
            "model file names no features, so every column is an input)",
            f"{len(header)} columns: {', '.join(header[:20])}", "Drop the other columns, or "
            'add "feature_names" to the model file (nnmath new --feature-names ...).'))
    features = list(header if features is None else features)
    missing = [name for name in features if name not in header]
    if missing:
        raise DataError(must_be(f"the CSV file {str(path)!r}", "a file with the model's "
                                "feature columns " + ", ".join(map(repr, features)),
                                f"no column {missing[0]!r}", "Give the columns the model "
                                "was trained on."))
    return _features(header, rows, features), tuple(features)


def _features(header, rows, features) -> np.ndarray:
    cols = [header.index(name) for name in features]
    X = np.empty((len(rows), len(cols)))
    for r, (line, row) in enumerate(rows):
        for c, col in enumerate(cols):
            X[r, c] = _number(row[col], line, header[col], col)
    return X


def _read(path: Path, delimiter):
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            head = [line for line in (f.readline() for _ in range(_SNIFF_LINES)) if line]
            delimiter = _delimiter(*_first_two(head), delimiter)
            f.seek(0)
            lines = f if delimiter != " " else (line.strip() for line in f)
            reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=delimiter == " ")
            lines = [(reader.line_num, row) for row in reader if any(v.strip() for v in row)]
    except FileNotFoundError:
        raise DataError(f"the CSV file {str(path)!r} does not exist. Check the path.") from None
    except IsADirectoryError:
        raise DataError(must_be("the data path", "a CSV file, not a folder", str(path))) from None
    except UnicodeDecodeError:
        raise DataError(f"the CSV file {str(path)!r} is not UTF-8 text. "
                        "Save it as UTF-8 CSV.") from None
    except csv.Error as exc:
        raise DataError(f"the CSV file {str(path)!r} cannot be read: {exc}.") from None
    if not lines:
        raise DataError(must_be(f"the CSV file {str(path)!r}", "non-empty (a header line, then "
                                "one line per sample)", "an empty file"))
    header = _header(lines[0][1], delimiter, path)
    rows = lines[1:]
    if not rows:
        raise DataError(must_be(f"the CSV file {str(path)!r}", "a header and at least one row "
                                "of data", "a header only"))
    for line, row in rows:
        if len(row) != len(header):
            raise DataError(must_be(f"line {line}", f"{len(header)} values, one per column of "
                                    "the header", f"{len(row)} values"))
    header, rows = _drop_empty_unnamed(header, rows, path)
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise DataError(must_be("column names", "unique", duplicates, "Rename the columns."))
    return header, rows


_SNIFF_LINES = 20
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _first_two(lines):
    """The header line and the first data line (blank lines skipped; ``""`` if none)."""
    lines = [line for line in lines if line.strip()] + ["", ""]
    return lines[0], lines[1]


def _delimiter(header_line: str, first_row: str, delimiter: str) -> str:
    r"""``,`` unless the header has none but ``;``, a tab or spaces between its names.

    Spaces separate only when the first data line splits into as many values.

    >>> _delimiter("psa;age;status\n", "", ","), _delimiter("psa,age\n", "", ",")
    (';', ',')
    >>> _delimiter("a\tb", "", ","), _delimiter("psa age status\n", "3.8  61 Cancer\n", ",")
    ('\t', ' ')
    >>> _delimiter("mean radius\n", "17.99\n", ",")    # one column, a space in its name
    ','
    """
    if delimiter != "," or "," in header_line:
        return delimiter
    for other in (";", "\t"):
        if other in header_line:
            return other
    names = _split_spaces(_uncomment(header_line))
    if len(names) > 1 and len(names) == len(_split_spaces(first_row)) and \
            not any(c in first_row for c in ",;\t"):
        return " "
    return delimiter


def _split_spaces(line: str) -> list:
    return next(csv.reader([line.strip()], delimiter=" ", skipinitialspace=True), [])


def _uncomment(line: str) -> str:
    """NumPy's ``savetxt`` writes the header as a comment: ``# psa,age`` -> ``psa,age``."""
    return re.sub(r"^#\s+", "", line) if re.match(r"#\s+\S", line) else line


def _header(cells, delimiter, path):
    """The column names of the first line, checked: names, not numbers.

    >>> _header(["0", "1", "label"], ",", "x.csv")      # pandas' names for array columns
    ['0', '1', 'label']
    >>> _header(["150", "4", "setosa", "versicolor", "virginica"], ",", "iris.csv")
    Traceback (most recent call last):
    ...
    nnmath.errors.DataError: the first line of 'iris.csv' must be the column names (a header line such as psa,age,status). Got '150,4,setosa,versicolor,virginica'. '150' and '4' are numbers, not names: put a first line with one name per column (scikit-learn's bundled CSV files start with counts instead: write the data with pandas' to_csv).
    """
    if delimiter == " " and cells and cells[0] == "#":
        cells = cells[1:]
    header = [h.strip() for h in cells]
    if header:
        header[0] = _uncomment(header[0])
    numbers = [(i, h) for i, h in enumerate(header) if _NUMBER.fullmatch(h)]
    positions = any(all(h == str(i + start) for i, h in numbers) for start in (0, 1))
    if numbers and not positions:
        shown = ", ".join(repr(h) for _, h in numbers[:3]) + (", ..." if len(numbers) > 3
                                                              else "")
        shown = " and ".join(shown.rsplit(", ", 1)) if 1 < len(numbers) <= 3 else shown
        text = ("," if delimiter == " " else delimiter).join(cells)
        text = text if len(text) <= 60 else text[:60] + "..."
        are = "is a number" if len(numbers) == 1 else "are numbers"
        fix = (" (the file seems to have no header line)" if len(numbers) == len(header) else
               " (scikit-learn's bundled CSV files start with counts instead: write the "
               "data with pandas' to_csv)")
        raise DataError(must_be(
            f"the first line of {str(path)!r}", "the column names (a header line such as "
            "psa,age,status)", text, f"{shown} {are}, not names: put a first line with one "
            f"name per column{fix}."))
    return header


def _drop_empty_unnamed(header, rows, path):
    """Columns without a name: dropped if empty throughout, else an error."""
    unnamed = [c for c, h in enumerate(header) if not h]
    for c in unnamed:
        filled = next(((line, row[c]) for line, row in rows if row[c].strip()), None)
        if filled is not None:
            raise DataError(must_be(
                f"column {c + 1} of {str(path)!r}", "named in the header line", "no name, "
                f"and the value {filled[1].strip()} in line {filled[0]}", "Name the column, or drop "
                "it: pandas writes its row index as an unnamed first column unless "
                "to_csv(..., index=False)."))
    if not unnamed:
        return header, rows
    keep = [c for c in range(len(header)) if c not in unnamed]
    return [header[c] for c in keep], [(line, [row[c] for c in keep]) for line, row in rows]


def _number(text: str, line: int, column: str, index: int) -> float:
    where = f"the value in line {line}, column {index + 1} ({column!r})"
    text = text.strip()
    if not text:
        raise DataError(must_be(where, "a number", "an empty cell",
                                "Fill in or remove the rows with missing values."))
    try:
        value = float(text)
    except ValueError:
        fix = ("Feature columns must be numeric; drop the column or encode it as numbers.")
        if re.fullmatch(r"[-+]?\d*,\d+", text):
            fix = (f"Write decimals with a point ({text.replace(',', '.')}, not {text}): "
                   "export the CSV with '.' as the decimal separator.")
        raise DataError(must_be(where, "a number", text, fix)) from None
    if not math.isfinite(value):
        raise DataError(must_be(where, "a finite number", text,
                                "Replace NaN and infinite values."))
    return value


def _target(raw, target, task, classes, min_classes=2, positive=None):
    for line, text in raw:
        if not text:
            raise DataError(must_be(f"the target in line {line} (column {target!r})",
                                    "a value", "an empty cell"))
    numbers = []
    for line, text in raw:
        try:
            numbers.append(float(text))
        except ValueError:
            numbers = None
            break
    numeric = numbers is not None
    if task == "auto":
        whole = numeric and all(math.isfinite(v) and v.is_integer() for v in numbers)
        task = "classification" if not numeric or (
            whole and len(set(numbers)) <= MAX_AUTO_CLASSES) else "regression"
    if task == "regression":
        if positive is not None:
            raise DataError(must_be("--positive", "given for a target with two classes",
                                    positive, f"The target {target!r} holds numbers "
                                    "(regression); drop --positive."))
        if not numeric:
            line, text = next((ln, t) for ln, t in raw if not _is_float(t))
            raise DataError(must_be(f"the target in line {line} (column {target!r})",
                                    "a number for regression", text))
        for (line, text), v in zip(raw, numbers):
            if not math.isfinite(v):
                raise DataError(must_be(f"the target in line {line} (column {target!r})",
                                        "a finite number", text))
        return np.array(numbers), (), task
    labels = [_label(t, numeric) for _, t in raw]
    names = list(dict.fromkeys(sorted(set(labels), key=_order(numeric))))
    if classes is not None:
        classes = [str(c) for c in classes]
        unknown = sorted(set(labels) - set(classes))
        if unknown:
            raise DataError(must_be(f"every target value in column {target!r}", "one of the "
                                    f"classes {classes}", unknown, "Give --classes every class "
                                    "when training; for a saved model, data of its classes "
                                    "(its file lists them in \"class_names\")."))
        names = classes
    names = order_classes(names, positive, given=classes is not None)
    if len(set(labels)) < min_classes:
        raise DataError(must_be(f"the target column {target!r}",
                                f"made of at least {min_classes} classes",
                                f"only {labels[0]!r}", "Check the target column, or use "
                                "data with samples of every class."))
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[label] for label in labels]), tuple(names), task


def _label(text: str, numeric: bool) -> str:
    """``"1.0"`` and ``"1"`` are the same class, named ``"1"``."""
    if numeric:
        v = float(text)
        return str(int(v)) if math.isfinite(v) and v.is_integer() else text
    return text


def _order(numeric):
    return (lambda name: float(name)) if numeric else (lambda name: name)


def _is_float(text) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
