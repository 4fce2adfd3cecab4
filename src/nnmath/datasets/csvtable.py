"""Reading a CSV file into a table of numbers: the file, its separator, its header, its cells.

:class:`Table` reads a user's CSV file (or a pipe) once, in chunks: it opens it with
:func:`nnmath.safefile.open_input` (a file or a pipe of at most :data:`MAX_BYTES`,
never a device), detects the separator (``,``; ``;`` or a tab from spreadsheet
exports; runs of spaces), checks the header (names, not numbers; unique; no unnamed
column holding values), finds columns through a dict (so 100 000 columns are read in
linear time), and parses the feature cells into a float64 array that grows in place
(:class:`_Rows`), never keeping rows of text. What the target column means is
:mod:`nnmath.datasets.csvfile`'s business: the table hands its cells to an adder.

How a cell is read is :class:`Cells`' business: the tokens that mean a missing value
(:data:`NA_VALUES`: ``NA``, ``NaN``, ``null``, ``?``, an empty cell, ...), the decimal
mark (``,`` for a European export), the columns read as categories. A feature column
whose values are text is a categorical column: each distinct text gets a code (in the
order first seen) and the float array holds the code; a missing cell is NaN. The path
``-`` is standard input.
"""

from __future__ import annotations

import csv
import io
import math
import re
from array import array
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

import numpy as np

from ..errors import DataError, must_be, shown
from ..inputfile import InputFile, open_input

__all__ = ["Table", "Cells", "Frame", "NA_VALUES", "MAX_BYTES", "MAX_LINE", "CSV_FILE",
           "MAX_CATEGORIES", "shown_columns", "to_float", "number_hint", "category_text"]

MAX_BYTES = 256 * 1024 * 1024
"""The largest CSV file (or stream) nnmath reads: 256 MB (about 16 million rows of two
numbers; the values take at most about 4 times as much memory as float64)."""

MAX_LINE = 64 * 1024 * 1024
"""The longest line read, in characters (a file without newlines is not read whole)."""

CSV_FILE = InputFile(
    name="the CSV file", path_name="the data path", kind="a CSV file", noun="a CSV file",
    limit=MAX_BYTES, error=DataError, limit_fix="Use a sample of its rows, e.g. "
    "head -n 1000001 data.csv > sample.csv.")
"""How a CSV file is opened (:func:`nnmath.safefile.open_input`): a file or a pipe of at
most :data:`MAX_BYTES`, never a device or a folder."""


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def shown_columns(names, shown_names: int = 10) -> str:
    """``'a', 'b', ...`` for a message: the first few names of a wide header, and the count.

    >>> shown_columns(["psa", "age"]), shown_columns([str(i) for i in range(40)], 3)
    ("'psa', 'age'", "'0', '1', '2', ... (40 columns)")
    """
    text = ", ".join(shown(str(h), 40) for h in names[:shown_names])
    return text + (f", ... ({len(names)} columns)" if len(names) > shown_names else "")


class Table:
    """A CSV file opened for one pass: its header now, its rows read by :meth:`read`.

    ``header`` is the list of column names (unnamed columns left out), ``index`` maps a
    name to its position in a row; both are checked (names, not numbers; unique).
    """

    def __init__(self, path, delimiter):
        self.path, self.name = path, str(path)
        if self.name == "-":   # standard input
            path, self.name = "/dev/stdin", "stdin"
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

    def read(self, features, targets=(), cells=None, ids=()):
        """The ``features`` columns as a :class:`Frame`, row by row.

        ``targets`` are csvfile's readers of the target columns (each with a ``name`` and
        ``adder(table)`` returning ``add(text, line)``): a row whose target cell is missing
        (:attr:`Cells.na_values`) is left out, and its line kept in ``Frame.dropped``.
        ``ids`` names columns kept as text, one value per row (``Frame.ids``).
        """
        cells = cells or Cells()
        reader = _RowReader(self, list(features), cells)
        t_cols = [self.index[t.name] for t in targets]
        adders = [t.adder(self) for t in targets]
        i_cols = [self.index[name] for name in ids]
        frame = Frame(names=tuple(features), ids_names=tuple(ids))
        self._decoding(lambda: self._read_rows(reader, t_cols, adders, i_cols, frame))
        reader.finish()
        frame.X = reader.rows.array()
        frame.texts = reader.texts()
        return frame

    def _read_rows(self, reader, t_cols, adders, i_cols, frame) -> None:
        width, unnamed = self.width, self.unnamed
        na = reader.cells.na_values
        add_row = reader.add
        append_line, append_number = frame.lines.append, frame.numbers.append
        ids = frame.ids
        number = 0
        for row in chain([self._first], self._reader):
            if len(row) != width:
                if not any(v.strip() for v in row):
                    continue   # a blank line
                raise DataError(must_be(f"line {self.line}", f"{width} values, one per "
                                        "column of the header", f"{len(row)} values"))
            for c in unnamed:
                if row[c].strip():
                    raise DataError(must_be(
                        f"column {c + 1} of {self.name!r}", "named in the header line",
                        f"no name, and the value {_cut(row[c].strip())} in line {self.line}",
                        "Name the column, or drop it: pandas writes its row index as an "
                        "unnamed first column unless to_csv(..., index=False)."))
            if t_cols:
                texts = [row[c].strip() for c in t_cols]
                if any(t in na or not t for t in texts):
                    if any(v.strip() for v in row):
                        number += 1
                        frame.dropped.append(self.line)   # a missing target: never a class
                    continue
            if not add_row(row):
                continue   # a blank row (every cell empty)
            number += 1
            if t_cols:
                line = self.line
                for add, text in zip(adders, texts):
                    add(text, line)
            append_line(self.line)
            append_number(number)
            if i_cols:
                ids.append(tuple(row[c].strip() for c in i_cols))
        frame.n_rows = number

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


NA_VALUES = ("", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "?")
"""The cells read as a missing value (an empty cell always is; ``--na-values`` replaces
the others)."""

MAX_CATEGORIES = 1000
"""The most distinct values a categorical feature column may hold (each becomes one input
of the network)."""


@dataclass(frozen=True)
class Cells:
    """How the feature cells of a CSV file are read.

    na_values : the texts that mean "missing" (compared after stripping spaces; the
        empty cell always does)
    decimal : ``"."`` or ``","`` (``17,99`` is 17.99 with ``","``)
    categorical : columns read as categories even when their values look like numbers
    missing : True keeps a missing feature cell as NaN (``--impute``); False refuses it
        with one line naming the line, the column and ``missing_fix``
    text : False refuses a text cell (a model without categories reads numbers only)
    """

    na_values: frozenset = frozenset(NA_VALUES)
    decimal: str = "."
    categorical: frozenset = frozenset()
    missing: bool = False
    text: bool = True
    missing_fix: str = ("Give --impute mean, median, most-frequent or drop-rows to fill "
                        "missing values from the training rows (or drop those rows), or fill "
                        "the cell in.")


@dataclass
class Frame:
    """The feature columns as read: ``X`` (n_rows, n_columns) holds the numbers, a
    categorical column's codes (0, 1, ... in the order first seen) and NaN for a missing
    cell; ``texts[c]`` is None for a numeric column, else the texts of its codes in code
    order; ``lines`` the line of each row in the file; ``dropped`` the lines of rows
    left out for a missing target; ``ids`` a tuple of the ``ids_names`` columns' texts
    per row; ``numbers`` each row's number among the file's data rows (1 = the first
    after the header; rows left out count), ``n_rows`` how many data rows were read."""

    names: tuple
    ids_names: tuple = ()
    X: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    texts: tuple = ()
    lines: array = field(default_factory=lambda: array("l"))
    dropped: list = field(default_factory=list)
    ids: list = field(default_factory=list)
    numbers: array = field(default_factory=lambda: array("l"))
    n_rows: int = 0


def category_text(text: str) -> str:
    """The category a cell names: its text, stripped; a number written two ways is one
    category (``1.0`` and ``1`` are ``"1"``; ``2.50`` is ``"2.5"``).

    >>> category_text(" F "), category_text("1.0"), category_text("2.50"), category_text("1e3")
    ('F', '1', '2.5', '1000')
    """
    text = text.strip()
    value = to_float(text)
    if value is None or not math.isfinite(value):
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


class _RowReader:
    """Turns the feature cells of each row into floats (numbers, category codes, NaN).

    A column is numeric until a text that is not a number (nor a missing value) comes:
    it is then categorical, unless it already held numbers (an error that names
    ``--na-values`` and ``--categorical``). A text that is a number written another way
    (``2,5``, ``1_000``) is an error that says how to write it, never a category.
    """

    def __init__(self, table, features, cells):
        self.table, self.features, self.cells = table, features, cells
        self.cols = [table.index[name] for name in features]
        self.pick = itemgetter(*self.cols) if len(self.cols) > 1 else \
            (lambda row, c=self.cols[0]: (row[c],))
        self.rows = _Rows(len(self.cols))
        self.codes: list = [None] * len(self.cols)   # per column: text -> code, or None
        self.numbers = [False] * len(self.cols)      # per column: a number was read
        self.fast_rows = 0
        for i, name in enumerate(features):
            if name in cells.categorical:
                self.codes[i] = {}
        self.simple = not any(c is not None for c in self.codes) and cells.decimal == "."

    def add(self, row) -> bool:
        """Append the row's values; False for a blank row (nothing appended)."""
        cells = self.pick(row)
        if self.simple:
            try:
                values = list(map(float, cells))
                joined = "".join(cells)
                if "_" in joined or not joined.isascii() or not math.isfinite(sum(values)):
                    raise ValueError
                self.fast_rows += 1
            except ValueError:
                if not any(v.strip() for v in row):
                    return False
                values = self._slow(cells)
        else:
            if not any(v.strip() for v in row):
                return False
            values = self._slow(cells)
        self.rows.extend(values)
        if self.rows.full():
            self.rows.flush()
        return True

    def _slow(self, cells) -> list:
        return [self._cell(text, i) for i, text in enumerate(cells)]

    def _cell(self, text: str, i: int) -> float:
        text = text.strip()
        codes = self.codes[i]
        if text in self.cells.na_values or not text:
            if not self.cells.missing:
                raise self._missing(text, i)
            return math.nan
        if codes is not None:
            if self.features[i] in self.cells.categorical:
                text = category_text(text)
            elif to_float(self._decimal(text)) is not None:
                raise self._mixed(text, i)
            code = codes.get(text)
            if code is None:
                if len(codes) >= MAX_CATEGORIES:
                    raise self._too_many(i)
                code = codes[text] = len(codes)
                self.simple = False
            return float(code)
        value = to_float(self._decimal(text))
        if value is None:
            hint = number_hint(text, self.cells.decimal)
            if not self.cells.text:
                raise DataError(must_be(self._where(i), "a number", text, hint or
                                        "The model reads numbers in this column."))
            if hint or self.numbers[i] or self.fast_rows:
                na = f"--na-values {_shell(text)} if it marks a missing value, or " \
                    if len(text) <= 40 else ""
                raise DataError(must_be(self._where(i), "a number", text, hint or (
                    f"The column's other values are numbers: give {na}--categorical "
                    f"{_shell(self.features[i])} to read the column as categories.")))
            self.codes[i] = {}     # a text column: categories from here on
            self.simple = False
            return self._cell(text, i)
        if not math.isfinite(value):
            raise DataError(must_be(self._where(i), "a finite number", text,
                                    "Replace infinite values."))
        self.numbers[i] = True
        return value

    def _decimal(self, text: str) -> str:
        if self.cells.decimal == "," and "," in text:
            return "" if "." in text else text.replace(",", ".")
        return text

    def _where(self, i: int) -> str:
        return (f"the value in line {self.table.line}, column {self.cols[i] + 1} "
                f"({self.features[i]!r})")

    def _missing(self, text: str, i: int) -> DataError:
        got = "an empty cell" if not text else f"{text!r}, a missing value"
        return DataError(must_be(self._where(i), "a number" if self.codes[i] is None else
                                 "a value", got, self.cells.missing_fix))

    def _mixed(self, text: str, i: int) -> DataError:
        return DataError(must_be(self._where(i), "text, as the column's other values "
                                 "(categories)", text, "Give --categorical "
                                 f"{_shell(self.features[i])} to read every value of the "
                                 "column as a category, numbers included."))

    def _too_many(self, i: int) -> DataError:
        name = self.features[i]
        return DataError(must_be(f"the categorical column {name!r}", f"made of at most "
                                 f"{MAX_CATEGORIES} distinct values (MAX_CATEGORIES; each "
                                 "becomes an input)", f"more, in line {self.table.line}",
                                 f"Is it an identifier or free text? Give --id {_shell(name)} "
                                 f"or --drop {_shell(name)}."))

    def finish(self) -> None:
        self.rows.flush()

    def texts(self) -> tuple:
        return tuple(None if codes is None else tuple(codes) for codes in self.codes)


def _shell(text: str) -> str:
    import shlex

    return shlex.quote(str(text))


def to_float(text: str):
    """``float(text)`` for a number as a CSV file writes it, else None (Python's float
    also reads ``1_000`` and digits of other scripts)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if "_" not in text and text.isascii() else None


_SNIFF_LINES = 20
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _first_two(lines: list[str]) -> tuple[str, str]:
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


def number_hint(text: str, decimal: str = ".") -> str:
    """How to write ``text`` as a number, when it looks like one written another way.

    >>> number_hint("1_000"), number_hint("2,5")
    ('Write numbers without "_" (1000, not 1_000): a CSV file has no digit separators.', 'Write decimals with a point (2.5, not 2,5), or give --decimal , to read a comma as the decimal mark.')
    """
    if decimal == "." and re.fullmatch(r"[-+]?\d*,\d+", text):
        return (f"Write decimals with a point ({text.replace(',', '.')}, not {text}), or "
                "give --decimal , to read a comma as the decimal mark.")
    if decimal == "," and re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+(,\d*)?", text):
        return (f"Write numbers without a thousands separator "
                f"({text.replace('.', '')}, not {text}).")
    if "_" in text and _is_float(text):
        return (f'Write numbers without "_" ({shown(text.replace("_", ""), 30)[1:-1]}, not '
                f'{shown(text, 30)[1:-1]}): a CSV file has no digit separators.')
    if not text.isascii() and _is_float(text):
        return "Write numbers with the digits 0-9."
    return ""

def _is_float(text) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
