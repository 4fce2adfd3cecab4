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

import csv
import io
import math
import re
from array import array
from itertools import chain
from operator import itemgetter

import numpy as np

from ..checks import check_path
from ..errors import DataError, must_be, shown
from ..safefile import InputFile, open_input
from .base import TASKS, Dataset
from .classes import order_classes

__all__ = ["load_csv", "read_features", "MAX_AUTO_CLASSES", "MAX_CLASSES", "MAX_BYTES",
           "MAX_LINE"]

MAX_AUTO_CLASSES = 20

MAX_BYTES = 256 * 1024 * 1024
"""The largest CSV file (or stream) nnmath reads: 256 MB (about 16 million rows of two
numbers; the values take at most about 4 times as much memory as float64)."""

MAX_LINE = 64 * 1024 * 1024
"""The longest line read, in characters (a file without newlines is not read whole)."""

MAX_CLASSES = 10_000
"""The most distinct values a classification target may hold (a target of more
numbers is a regression target)."""

CSV_FILE = InputFile(
    name="the CSV file", path_name="the data path", kind="a CSV file", noun="a CSV file",
    limit=MAX_BYTES, error=DataError, limit_fix="Use a sample of its rows, e.g. "
    "head -n 1000001 data.csv > sample.csv.")
"""How a CSV file is opened (:func:`nnmath.safefile.open_input`): a file or a pipe of at
most :data:`MAX_BYTES`, never a device or a folder."""


def load_csv(path, target, features=None, task="auto", classes=None,
             delimiter=",", min_classes=2, positive=None) -> Dataset:
    """Load a CSV file as a :class:`~nnmath.datasets.Dataset`.

    Parameters
    ----------
    path : str or Path
        A CSV file, or a pipe (``<(cat data.csv)``, ``/dev/stdin``) read as a stream; at
        most :data:`MAX_BYTES`.
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

    Notes
    -----
    Time and memory are linear in the file: columns are found by name through a
    dict, and rows are parsed one by one into a float64 array (the target into one
    code per row and its distinct values), never kept as text.
    """
    if task not in ("auto",) + TASKS:
        raise DataError(must_be("task", "'auto', 'classification' or 'regression'", task))
    path = check_path(path, "path", "load_csv('data.csv', target='status')")
    features = [features] if isinstance(features, str) else features   # one column
    _distinct("the feature columns (--features)", features)
    _distinct("the class names (--classes)", classes)
    with _Table(path, delimiter) as table:
        if not isinstance(target, str) or target not in table.index:
            raise DataError(must_be("the target column", "one of the columns " +
                                    _columns(table.header), target,
                                    "Give --target the name of a column."))
        if features is None:
            features = [h for h in table.header if h != target]
        for name in features:
            if name not in table.index:
                raise DataError(must_be("a feature column", "one of the columns " +
                                        _columns(table.header), name))
        if not features:
            raise DataError(must_be(f"{path}", "a file with at least one feature column "
                                    f"besides the target {target!r}", table.header))
        X, column = table.read(features, _TargetColumn(target, task))
    y, class_names, task = _target(column, target, task, classes, min_classes, positive)
    return Dataset(X=X, y=y, feature_names=tuple(features), class_names=class_names,
                   target_name=target, task=task)


def read_features(path, features=None, delimiter=",", n_inputs=None):
    """Only the feature columns of a CSV file (for prediction): ``(X, feature_names)``.

    ``features`` names the columns to read, in order (other columns, such as
    the target, are ignored); default: every column, which must then be
    ``n_inputs`` columns when that is given (checked before any value is read).
    """
    with _Table(path, delimiter) as table:
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
                                    "feature columns " + _columns(features),
                                    f"no column {missing[0]!r}", "Give the columns the model "
                                    "was trained on."))
        X, _ = table.read(features)
    return X, tuple(features)


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


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _columns(names, shown_names: int = 10) -> str:
    """``'a', 'b', ...`` for a message: the first few names of a wide header, and the count.

    >>> _columns(["psa", "age"]), _columns([str(i) for i in range(40)], 3)
    ("'psa', 'age'", "'0', '1', '2', ... (40 columns)")
    """
    text = ", ".join(shown(str(h), 40) for h in names[:shown_names])
    return text + (f", ... ({len(names)} columns)" if len(names) > shown_names else "")


class _Table:
    """A CSV file opened for one pass: its header now, its rows read by :meth:`read`.

    ``header`` is the list of column names (unnamed columns left out), ``index`` maps a
    name to its position in a row; both are checked (names, not numbers; unique).
    """

    def __init__(self, path, delimiter):
        self.path, self.name = path, str(path)
        self._binary = open_input(path, CSV_FILE)   # kind and size checked: one line if not
        self._text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")
        self._line_number = 0
        try:
            self._start(delimiter)
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._text.close()

    def _lines(self):
        """The file's lines, each at most :data:`MAX_LINE` characters."""
        readline = self._text.readline
        while True:
            line = readline(MAX_LINE + 1)
            if not line:
                return
            self._line_number += 1
            if len(line) > MAX_LINE and line[-1] not in "\r\n":
                raise DataError(must_be(f"line {self._line_number} of the CSV file "
                                        f"{shown(self.name)}", f"at most {MAX_LINE} characters "
                                        "long (nnmath.datasets.csvfile.MAX_LINE)", "a longer "
                                        "line", "Is it a CSV file? Its lines end with a "
                                        "newline."))
            yield line

    def _decoding(self, step):
        try:
            return step()
        except UnicodeDecodeError:
            raise DataError(f"the CSV file {shown(self.name)} is not UTF-8 text. "
                            "Save it as UTF-8 CSV.") from None
        except csv.Error as exc:
            raise DataError(f"the CSV file {shown(self.name)} cannot be read: {exc}.") from None

    def _start(self, delimiter) -> None:
        self._decoding(lambda: self._open_reader(delimiter))
        path = self.name
        cells = self._decoding(self._next_row)
        if cells is None:
            raise DataError(must_be(f"the CSV file {path!r}", "non-empty (a header line, then "
                                    "one line per sample)", "an empty file"))
        names = _header(cells, self.delimiter, path)
        self._first = self._decoding(self._next_row)
        if self._first is None:
            raise DataError(must_be(f"the CSV file {path!r}", "a header and at least one "
                                    "row of data", "a header only"))
        self.width = len(names)
        if len(self._first) != self.width:   # e.g. a header that is not split as the rows are
            raise DataError(must_be(f"line {self.line}", f"{self.width} values, one per "
                                    "column of the header", f"{len(self._first)} values"))
        self.unnamed = [c for c, h in enumerate(names) if not h]
        self.header = [h for h in names if h]
        self.index = {h: c for c, h in enumerate(names) if h}
        if len(self.index) != len(self.header):
            counts: dict = {}
            for h in self.header:
                counts[h] = counts.get(h, 0) + 1
            raise DataError(must_be("column names", "unique",
                                    sorted(h for h, k in counts.items() if k > 1),
                                    "Rename the columns."))

    def _open_reader(self, delimiter) -> None:
        lines = self._lines()
        head = [line for _, line in zip(range(_SNIFF_LINES), lines)]
        self.delimiter = _delimiter(*_first_two(head), delimiter)
        lines = chain(head, lines)
        if self.delimiter == " ":
            lines = (line.strip() for line in lines)
        self._reader = csv.reader(lines, delimiter=self.delimiter,
                                  skipinitialspace=self.delimiter == " ")

    def _next_row(self):
        """The next row that is not blank, or None at the end."""
        for row in self._reader:
            if any(v.strip() for v in row):
                return row
        return None

    @property
    def line(self) -> int:
        """The line number of the row just read (its last line, for a quoted newline)."""
        return self._reader.line_num

    def read(self, features, target=None):
        """``(X, target)``: the ``features`` columns as a float64 array of shape
        (n_rows, n_features), row by row; ``target`` (a :class:`_TargetColumn`) takes the
        target column's text."""
        cols = [self.index[name] for name in features]
        pick = itemgetter(*cols) if len(cols) > 1 else (lambda row, c=cols[0]: (row[c],))
        rows = _Rows(len(cols))
        add_target = None
        if target is not None:
            add_target = target.adder(self.index[target.name], self)
        self._decoding(lambda: self._read_rows(pick, cols, features, rows, add_target))
        return rows.array(), target

    def _read_rows(self, pick, cols, features, rows, add_target) -> None:
        width, unnamed, isfinite = self.width, self.unnamed, math.isfinite
        append, full = rows.extend, rows.full
        for row in chain([self._first], self._reader):
            if len(row) != width:
                if not any(v.strip() for v in row):
                    continue   # a blank line
                raise DataError(must_be(f"line {self.line}", f"{width} values, one per "
                                        "column of the header", f"{len(row)} values"))
            cells = pick(row)
            try:
                values = list(map(float, cells))
            except ValueError:
                if not any(v.strip() for v in row):
                    continue
                values = self._numbers(cells, cols, features)
            joined = "".join(cells)
            if "_" in joined or not joined.isascii() or not isfinite(sum(values)):
                values = self._numbers(cells, cols, features)   # finds the bad cell, if any
            for c in unnamed:
                if row[c].strip():
                    raise DataError(must_be(
                        f"column {c + 1} of {self.name!r}", "named in the header line",
                        f"no name, and the value {_cut(row[c].strip())} in line {self.line}",
                        "Name the column, or drop it: pandas writes its row index as an "
                        "unnamed first column unless to_csv(..., index=False)."))
            append(values)
            if full():
                rows.flush()
            if add_target is not None:
                add_target(row)

    def _numbers(self, cells, cols, features) -> list:
        return [_number(text, self.line, name, col)
                for text, col, name in zip(cells, cols, features)]


class _Rows:
    """Rows of floats collected in chunks into one float64 array grown in place."""

    CHUNK = 1 << 16   # values kept as Python floats before they go into the array

    def __init__(self, width: int):
        self.width, self.n = width, 0
        self.X = np.empty((max(1, (1 << 12) // max(width, 1)), width))
        self.buffer: list = []
        self.extend = self.buffer.extend

    def full(self) -> bool:
        return len(self.buffer) >= self.CHUNK

    def flush(self) -> None:
        k = len(self.buffer) // self.width
        if not k:
            return
        if self.n + k > self.X.shape[0]:
            self.X.resize((max(2 * self.X.shape[0], self.n + k), self.width), refcheck=False)
        self.X[self.n:self.n + k] = np.array(self.buffer, dtype=np.float64).reshape(k, -1)
        self.n += k
        self.buffer.clear()

    def array(self) -> np.ndarray:
        self.flush()
        self.X.resize((self.n, self.width), refcheck=False)
        return self.X


class _TargetColumn:
    """The target column read row by row in little memory: a code per row and each
    distinct text once (with the line it first appears in); past :data:`MAX_CLASSES`
    distinct texts only numbers can follow (a regression target), kept as floats."""

    def __init__(self, name: str, task: str):
        self.name, self.task = name, task
        self.codes = array("i")
        self.texts: dict = {}       # text -> code, in the order first seen
        self.first_line: list = []  # code -> line
        self.numbers = None         # array("d") once there are too many distinct texts
        self.bad = None             # numbers: (line, text) of the first value not finite

    def adder(self, col: int, table):
        """``add(row)`` for :meth:`_Table.read`: takes the target cell of ``row``."""
        get, append = self.texts.get, self.codes.append

        def add(row):
            text = row[col].strip()
            if self.numbers is not None:
                return self._add_number(text, table.line)
            code = get(text)
            if code is None:
                code = self._new(text, table.line)
                if code is None:
                    return None
            append(code)
            return None

        return add

    def _new(self, text: str, line: int):
        if not text:
            raise DataError(must_be(f"the target in line {line} (column {self.name!r})",
                                    "a value", "an empty cell"))
        if len(self.texts) < MAX_CLASSES:
            self.texts[text] = len(self.texts)
            self.first_line.append(line)
            return self.texts[text]
        if self.task == "classification":
            raise self._too_many()
        self._to_numbers()              # a regression target: numbers from here on
        self._add_number(text, line)
        return None

    def _too_many(self) -> DataError:
        return DataError(must_be(f"the target column {self.name!r}", f"made of at most "
                                 f"{MAX_CLASSES} classes (nnmath.datasets.csvfile."
                                 "MAX_CLASSES), or of numbers for regression",
                                 f"more than {MAX_CLASSES} distinct values, not all numbers",
                                 "Check --target: is it an identifier column?"))

    def _to_numbers(self) -> None:
        values = []
        for text, line in zip(self.texts, self.first_line):
            v = _to_float(text)
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

    def _add_number(self, text: str, line: int) -> None:
        v = _to_float(text)
        if v is None:
            if not text:
                raise DataError(must_be(f"the target in line {line} (column {self.name!r})",
                                        "a value", "an empty cell"))
            if self.task == "regression":
                raise _not_a_number(self.name, line, text)
            raise self._too_many()
        if not math.isfinite(v) and self.bad is None:
            self.bad = (line, text)
        self.numbers.append(v)


def _not_a_number(target, line, text) -> DataError:
    return DataError(must_be(f"the target in line {line} (column {target!r})",
                             "a number for regression", text, _number_hint(text)))


def _to_float(text: str):
    """``float(text)`` for a number as a CSV file writes it, else None (Python's float
    also reads ``1_000`` and digits of other scripts)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if "_" not in text and text.isascii() else None


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


def _number(text: str, line: int, column: str, index: int) -> float:
    """One feature cell as a number, or a DataError naming its line and column (and how
    to fix it: ``1,5`` and ``1_000`` are not numbers in a CSV file)."""
    where = f"the value in line {line}, column {index + 1} ({column!r})"
    text = text.strip()
    if not text:
        raise DataError(must_be(where, "a number", "an empty cell",
                                "Fill in or remove the rows with missing values."))
    value = _to_float(text)
    if value is None:
        raise DataError(must_be(where, "a number", text, _number_hint(text) or
                                "Feature columns must be numeric; drop the column or encode "
                                "it as numbers."))
    if not math.isfinite(value):
        raise DataError(must_be(where, "a finite number", text,
                                "Replace NaN and infinite values."))
    return value


def _number_hint(text: str) -> str:
    """How to write ``text`` as a number, when it looks like one written another way.

    >>> _number_hint("1_000"), _number_hint("2,5")
    ('Write numbers without "_" (1000, not 1_000): a CSV file has no digit separators.', "Write decimals with a point (2.5, not 2,5): export the CSV with '.' as the decimal separator.")
    """
    if re.fullmatch(r"[-+]?\d*,\d+", text):
        return (f"Write decimals with a point ({text.replace(',', '.')}, not {text}): "
                "export the CSV with '.' as the decimal separator.")
    if "_" in text and _is_float(text):
        return (f'Write numbers without "_" ({shown(text.replace("_", ""), 30)[1:-1]}, not '
                f'{shown(text, 30)[1:-1]}): a CSV file has no digit separators.')
    if not text.isascii() and _is_float(text):
        return "Write numbers with the digits 0-9."
    return ""


def _target(column, target, task, classes, min_classes=2, positive=None):
    """``(y, class_names, task)`` from the target column read by :class:`_TargetColumn`."""
    texts = list(column.texts)                       # each distinct text once
    codes = np.frombuffer(column.codes, dtype=np.intc)
    numbers = None if column.numbers is not None else [_to_float(t) for t in texts]
    numeric = column.numbers is not None or all(v is not None for v in numbers)
    if task == "auto":
        whole = numeric and column.numbers is None and all(
            math.isfinite(v) and v.is_integer() for v in numbers)
        task = "classification" if not numeric or (
            whole and len(set(numbers)) <= MAX_AUTO_CLASSES) else "regression"
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
        return values.copy(), (), task
    label_of = [_label(t, numeric) for t in texts]   # "1.0" and "1" are the class "1"
    distinct = set(label_of)
    names = list(dict.fromkeys(sorted(distinct, key=_order(numeric))))
    if classes is not None:
        classes = [str(c) for c in classes]
        unknown = sorted(distinct - set(classes))
        if unknown:
            raise DataError(must_be(f"every target value in column {target!r}", "one of the "
                                    f"classes [{_columns(classes)}]", unknown, "Give --classes every class "
                                    "when training; for a saved model, data of its classes "
                                    "(its file lists them in \"class_names\")."))
        names = classes
    names = order_classes(names, positive, given=classes is not None)
    if len(distinct) < min_classes:
        raise DataError(must_be(f"the target column {target!r}",
                                f"made of at least {min_classes} classes",
                                f"only {label_of[0]!r}", "Check the target column, or use "
                                "data with samples of every class."))
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[label] for label in label_of], dtype=int)[codes], tuple(names), task


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
