r"""The preprocessing a model records: from a table's raw columns to the network's inputs.

A table read from a CSV file has numeric columns and text (categorical) columns, and
may have missing cells. :func:`fit_preprocessing` learns, from the **training rows
only**, what turns a raw row into numbers, and :class:`Preprocessing` applies it to any
rows later (``predict``, ``evaluate``, ``explain``, the exports), column by column:

- a **numeric** column passes through; a missing cell takes the column's fill value
  (``impute``: the training rows' ``mean``, ``median`` or ``most-frequent`` value);
- a **categorical** column becomes one input per category (one-hot), its categories
  the training rows' values in sorted order; a missing cell takes the most frequent
  category; a category not seen in training is an error naming the column, the value
  and the known ones, or all zeros with ``unknown="ignore"``.

The standardisation (``"scaling"``, :mod:`nnmath.datasets.scaling`) comes after, on the
encoded inputs: the numeric inputs are standardised; a one-hot input keeps its 0 and 1
(its stored mean is 0 and its std 1). This is scikit-learn's
``ColumnTransformer([OneHotEncoder, SimpleImputer + StandardScaler])``, input for input.

The model file stores it under ``"preprocessing"`` (docs/reference/model-file.md)::

    "preprocessing": {"columns": [
        {"name": "age", "kind": "numeric", "fill": 41.5},
        {"name": "sex", "kind": "categorical", "categories": ["F", "M"], "fill": "F"}],
      "impute": "mean", "unknown": "error", "na_values": ["", "?", "NA", ...],
      "decimal": ".", "id_columns": ["id"]}

>>> pre = Preprocessing((Column("sex", "categorical", ("F", "M"), "F"),
...                      Column("x2", "numeric", fill=3.5)), impute="mean")
>>> pre.input_names, pre.n_inputs
(('sex=F', 'sex=M', 'x2'), 3)
>>> pre.encode_cells([["M", "1.5"], [None, "NA"]]).tolist()
[[0.0, 1.0, 1.5], [1.0, 0.0, 3.5]]
>>> [s.text for s in pre.steps(["M", "NA"])]
['sex = "M" → [0, 1]', 'x2 = NA → 3.5 (the training mean)']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, ModelFileError, must_be
from .csvtable import NA_VALUES, Cells, category_text, to_float

__all__ = ["raw_cells", "Column", "Preprocessing", "Step", "fit_preprocessing", "read_preprocessing",
           "IMPUTE_WORDS"]

IMPUTE_WORDS = {"mean": "the training mean", "median": "the training median",
                "most-frequent": "the most frequent training value"}
"""How ``explain`` names a fill value, by ``impute`` method."""


@dataclass(frozen=True)
class Column:
    """One raw column: ``kind`` "numeric" or "categorical"; ``categories`` (in input
    order) for a categorical column; ``fill`` the value a missing cell takes (None: a
    missing cell is an error)."""

    name: str
    kind: str
    categories: tuple = ()
    fill: float | str | None = None

    @property
    def width(self) -> int:
        """The inputs this column becomes."""
        return len(self.categories) if self.kind == "categorical" else 1

    def to_dict(self) -> dict:
        out: dict = {"name": self.name, "kind": self.kind}
        if self.kind == "categorical":
            out["categories"] = list(self.categories)
        if self.fill is not None:
            out["fill"] = self.fill
        return out


@dataclass(frozen=True)
class Step:
    """What one raw cell became, for ``explain``: ``column``, the ``raw`` text (None for a
    missing cell), the ``filled`` value (a missing cell's fill, else None), the
    ``values`` it became (one per input), and ``text`` (``sex = "F" → [1, 0]``)."""

    column: str
    kind: str
    raw: str | None
    filled: float | str | None
    values: tuple
    text: str
    unknown: bool = False

    def to_dict(self) -> dict:
        return {"column": self.column, "kind": self.kind, "raw": self.raw,
                "filled": self.filled, "values": list(self.values), "text": self.text,
                "unknown": self.unknown}


@dataclass(frozen=True)
class Preprocessing:
    """The raw columns of a model, in order, and how each becomes inputs (see the module
    docstring)."""

    columns: tuple
    impute: str | None = None
    unknown: str = "error"
    na_values: tuple = tuple(sorted(NA_VALUES))
    decimal: str = "."
    id_columns: tuple = ()

    @property
    def names(self) -> tuple:
        """The raw columns read, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def n_inputs(self) -> int:
        return sum(c.width for c in self.columns)

    @property
    def input_names(self) -> tuple:
        """One name per network input: the column's, or ``column=category`` for one-hot."""
        names: list = []
        for c in self.columns:
            names += [f"{c.name}={k}" for k in c.categories] if c.kind == "categorical" \
                else [c.name]
        return tuple(names)

    @property
    def onehot(self) -> np.ndarray:
        """A bool per input: True for a one-hot input (not standardised)."""
        return np.array([c.kind == "categorical" for c in self.columns
                         for _ in range(c.width)], dtype=bool)

    @property
    def categorical(self) -> bool:
        return any(c.kind == "categorical" for c in self.columns)

    def cells(self) -> Cells:
        """How a CSV file of new rows is read for this model."""
        return Cells(na_values=frozenset(self.na_values) | {""}, decimal=self.decimal,
                     categorical=frozenset(c.name for c in self.columns
                                           if c.kind == "categorical"),
                     missing=True, text=False)

    def to_dict(self) -> dict:
        return {"columns": [c.to_dict() for c in self.columns], "impute": self.impute,
                "unknown": self.unknown, "na_values": list(self.na_values),
                "decimal": self.decimal, "id_columns": list(self.id_columns)}

    # -- applying it ----------------------------------------------------------------
    def encode(self, X, texts=None, lines=None) -> np.ndarray:
        """The inputs (before scaling) of raw rows as a CSV file is read: ``X`` (n_rows,
        n_columns) holds numbers, a categorical column's codes into ``texts[c]`` and NaN
        for a missing cell. ``lines`` (the rows' lines in the file) name the row of an
        error. Shape (n_rows, n_inputs)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.columns):
            raise DataError(must_be("the raw rows", f"{len(self.columns)} columns ("
                                    f"{', '.join(self.names)})", f"shape {X.shape}"))
        out = np.empty((X.shape[0], self.n_inputs))
        at = 0
        for c, column in enumerate(self.columns):
            values = X[:, c]
            missing = np.isnan(values)
            if column.kind == "numeric":
                if missing.any():
                    self._check_fill(column, missing, lines)
                    values = np.where(missing, column.fill, values)
                out[:, at] = values
            else:
                known = texts[c] if texts is not None else None
                if known is None:
                    raise DataError(must_be(f"the column {column.name!r}", "text "
                                            "(categories)", "numbers"))
                index = {k: j for j, k in enumerate(column.categories)}
                lookup = np.array([index.get(t, -1) for t in known] + [-2], dtype=np.intp)
                codes = np.where(missing, len(known), np.nan_to_num(values)).astype(np.intp)
                position = lookup[codes]
                if missing.any():
                    self._check_fill(column, missing, lines)
                    position[missing] = index[column.fill]
                unknown = position == -1
                if unknown.any() and self.unknown != "ignore":
                    first = int(np.flatnonzero(unknown)[0])
                    raise self._unknown(column, known[int(codes[first])], first, lines)
                block = np.zeros((X.shape[0], column.width))
                rows = np.flatnonzero(~unknown)
                block[rows, position[rows]] = 1.0
                out[:, at:at + column.width] = block
            at += column.width
        return out

    def encode_cells(self, rows) -> np.ndarray:
        """The inputs (before scaling) of rows of raw cells: each row one value per column,
        a number or its text for a numeric column, a category's text for a categorical
        one; None, NaN or a missing-value text for a missing cell. Shape (n_rows,
        n_inputs)."""
        X, texts = self.frame(rows)
        return self.encode(X, texts)

    def frame(self, rows) -> tuple:
        """``(X, texts)`` of rows of raw cells, as :meth:`encode` takes them."""
        rows = _rows_of(rows, len(self.columns), self.names)
        X = np.empty((len(rows), len(self.columns)))
        texts: list = []
        for c, column in enumerate(self.columns):
            codes: dict = {}
            for s, row in enumerate(rows):
                cell = row[c]
                if self._is_missing(cell):
                    X[s, c] = math.nan
                elif column.kind == "numeric":
                    X[s, c] = self._number(cell, column, s)
                else:
                    X[s, c] = codes.setdefault(category_text(str(cell)), len(codes))
            texts.append(tuple(codes) if column.kind == "categorical" else None)
        return X, tuple(texts)

    def steps(self, row) -> list:
        """What each raw cell of one row becomes, as :class:`Step` records (``explain``)."""
        (cells,) = _rows_of([row], len(self.columns), self.names)
        steps, encoded = [], self.encode_cells([cells])[0]
        at = 0
        for column, cell in zip(self.columns, cells):
            values = tuple(float(v) for v in encoded[at:at + column.width])
            at += column.width
            missing = self._is_missing(cell)
            raw = None if missing else (category_text(str(cell)) if column.kind ==
                                        "categorical" else str(cell).strip())
            shown = _shown_cell(cell, missing)
            how = IMPUTE_WORDS.get(self.impute or "", "the fill value")
            if column.kind == "numeric":
                filled = column.fill if missing else None
                text = (f"{column.name} = {shown} → {_num(values[0])} ({how})" if missing
                        else f"{column.name} = {shown} → {_num(values[0])}")
                steps.append(Step(column.name, "numeric", raw, filled, values, text))
                continue
            vector = "[" + ", ".join(_num(v) for v in values) + "]"
            if missing:
                text = (f'{column.name} = {shown} → "{column.fill}" (the most frequent '
                        f"training category) → {vector}")
                steps.append(Step(column.name, "categorical", None, column.fill, values, text))
            elif raw not in column.categories:
                text = (f'{column.name} = "{raw}" → {vector} (not seen in training: '
                        "all zeros, unknown=ignore)")
                steps.append(Step(column.name, "categorical", raw, None, values, text, True))
            else:
                steps.append(Step(column.name, "categorical", raw, None, values,
                                  f'{column.name} = "{raw}" → {vector}'))
        return steps

    def _is_missing(self, cell) -> bool:
        if cell is None:
            return True
        if isinstance(cell, (float, np.floating)):
            return bool(np.isnan(cell))
        return isinstance(cell, str) and (cell.strip() in self.na_values or not cell.strip())

    def _number(self, cell, column, s) -> float:
        if isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell,
                                                                                     bool):
            value = float(cell)
        else:
            text = str(cell).strip()
            if self.decimal == "," and "," in text:
                text = text.replace(",", ".")
            value = to_float(text)
            if value is None:
                raise DataError(must_be(f"the value of column {column.name!r} in sample "
                                        f"{s + 1}", "a number", cell, "The model reads "
                                        "numbers in this column."))
        if not math.isfinite(value):
            raise DataError(must_be(f"the value of column {column.name!r} in sample {s + 1}",
                                    "a finite number", cell))
        return value

    def _check_fill(self, column, missing, lines) -> None:
        if column.fill is not None:
            return
        first = int(np.flatnonzero(missing)[0])
        where = _where(first, lines)
        fix = ("The model was trained with --impute drop-rows, which has no fill values: "
               "fill the cell in, or train with --impute mean." if self.impute == "drop-rows"
               else "The model was trained without missing values (no --impute): fill the "
               "cell in, or train with --impute mean.")
        raise DataError(must_be(f"the value of column {column.name!r} in {where}", "given",
                                "a missing value", fix))

    def _unknown(self, column, value, first, lines) -> DataError:
        known = ", ".join(repr(k) for k in column.categories[:20]) + \
            (", ..." if len(column.categories) > 20 else "")
        return DataError(must_be(f"the value of column {column.name!r} in {_where(first, lines)}",
                                 f"one of the categories seen in training ({known})", value,
                                 "Train on data with this category, or with --unknown ignore "
                                 "(an unseen category is all zeros)."))


def _where(row: int, lines) -> str:
    return f"line {int(lines[row])}" if lines is not None else f"sample {row + 1}"


def _num(value: float) -> str:
    return f"{value:.6g}" if value != int(value) or abs(value) >= 1e16 else str(int(value))


def _shown_cell(cell, missing: bool) -> str:
    if missing:
        return "NA" if cell is None or not isinstance(cell, str) or not cell.strip() \
            else cell.strip()
    if isinstance(cell, str):
        return f'"{cell.strip()}"' if to_float(cell.strip()) is None else cell.strip()
    return _num(float(cell))


def _rows_of(rows, width: int, names) -> list:
    try:
        rows = [list(r) for r in rows]
    except TypeError:
        raise DataError(must_be("the rows", "a list of rows, one value per column",
                                rows)) from None
    for s, row in enumerate(rows):
        if len(row) != width:
            raise DataError(must_be(f"sample {s + 1}", f"{width} value(s), one per column "
                                    f"({', '.join(names)})", row))
    return rows


# -- learning it from the training rows ---------------------------------------------------

def fit_preprocessing(data, impute=None, unknown=None) -> Preprocessing:
    """The :class:`Preprocessing` of ``data`` (a Dataset whose ``X`` holds raw columns:
    numbers, category codes, NaN), learned from its rows: categories in sorted order, fill
    values by ``impute`` (default ``data.reading["impute"]``).

    Most frequent value: ties go to the smallest (the first category in sorted order),
    as scikit-learn's ``SimpleImputer(strategy="most_frequent")`` does.
    """
    reading = getattr(data, "reading", None) or {}
    impute = reading.get("impute") if impute is None else impute
    unknown = reading.get("unknown", "error") if unknown is None else unknown
    texts = data.texts or (None,) * data.X.shape[1]
    columns = []
    for c, name in enumerate(data.feature_names):
        values = data.X[:, c]
        present = values[~np.isnan(values)]
        if texts[c] is not None:
            codes, counts = np.unique(present.astype(np.intp), return_counts=True)
            names = [texts[c][k] for k in codes.tolist()]
            categories = tuple(sorted(names))
            if not categories:
                raise DataError(must_be(f"the categorical column {name!r}", "given a value "
                                        "in at least one training row", "only missing "
                                        "values", f"Drop it: --drop {name}."))
            fill = None
            if impute in ("mean", "median", "most-frequent"):
                count_of = dict(zip(names, counts.tolist()))
                top = max(count_of.values())
                fill = min(k for k, n in count_of.items() if n == top)
            columns.append(Column(name, "categorical", categories, fill))
            continue
        fill = None
        if impute in ("mean", "median", "most-frequent"):
            if present.size == 0:
                raise DataError(must_be(f"the column {name!r}", "given a value in at least one "
                                        "training row", "only missing values",
                                        f"Drop it: --drop {name}."))
            if impute == "mean":
                fill = float(np.mean(present))
            elif impute == "median":
                fill = float(np.median(present))
            else:
                uniq, counts = np.unique(present, return_counts=True)
                fill = float(uniq[np.argmax(counts)])   # the smallest of the most frequent
        columns.append(Column(name, "numeric", (), fill))
    return Preprocessing(tuple(columns), impute=impute, unknown=unknown,
                         na_values=tuple(reading.get("na_values", sorted(NA_VALUES))),
                         decimal=reading.get("decimal", "."),
                         id_columns=tuple(reading.get("id_columns", ())))


def needed(data) -> bool:
    """True when ``data`` needs a recorded preprocessing: a categorical column, missing
    values to fill, ID columns, or cells read another way (``na_values``, ``decimal``)."""
    reading = getattr(data, "reading", None) or {}
    return bool(data.texts is not None and any(t is not None for t in data.texts)
                or reading.get("impute") or reading.get("id_columns")
                or reading.get("decimal", ".") != "."
                or ("na_values" in reading and set(reading["na_values"]) != set(NA_VALUES)))


# -- the model file -----------------------------------------------------------------------

def read_preprocessing(data, n_inputs: int | None = None, where: str = "") -> Preprocessing:
    """The ``"preprocessing"`` block of a model file, checked (against ``n_inputs``)."""
    def fail(what, constraint, value, fix=""):
        raise ModelFileError(where + must_be(f'"preprocessing.{what}"' if what else
                                             '"preprocessing"', constraint, value, fix))

    if not isinstance(data, dict):
        fail("", "an object", type(data).__name__)
    raw = data.get("columns")
    if not isinstance(raw, list) or not raw:
        fail("columns", "a non-empty list of columns", raw)
    columns, seen = [], set()
    impute = data.get("impute")
    if impute is not None and impute not in ("mean", "median", "most-frequent", "drop-rows"):
        fail("impute", "null, 'mean', 'median', 'most-frequent' or 'drop-rows'", impute)
    for i, spec in enumerate(raw):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) \
                or spec.get("kind") not in ("numeric", "categorical"):
            fail(f"columns.{i}", '{"name": "...", "kind": "numeric" or "categorical"}', spec)
        name, kind = spec["name"], spec["kind"]
        if name in seen:
            fail(f"columns.{i}.name", "distinct", name)
        seen.add(name)
        fill = spec.get("fill")
        if kind == "categorical":
            categories = spec.get("categories")
            if not isinstance(categories, list) or not categories or \
                    not all(isinstance(k, str) for k in categories) or \
                    len(set(categories)) != len(categories):
                fail(f"columns.{i}.categories", "a non-empty list of distinct texts",
                     categories)
            if fill is not None and fill not in categories:
                fail(f"columns.{i}.fill", "null or one of the column's categories", fill)
            columns.append(Column(name, kind, tuple(categories), fill))
        else:
            if fill is not None and (isinstance(fill, bool) or not isinstance(fill, (int, float))
                                     or not math.isfinite(fill)):
                fail(f"columns.{i}.fill", "null or a finite number", fill)
            columns.append(Column(name, kind, (), None if fill is None else float(fill)))
    unknown = data.get("unknown", "error")
    if unknown not in ("error", "ignore"):
        fail("unknown", "'error' or 'ignore'", unknown)
    na_values = data.get("na_values", sorted(NA_VALUES))
    if not isinstance(na_values, list) or not all(isinstance(v, str) for v in na_values):
        fail("na_values", "a list of texts", na_values)
    decimal = data.get("decimal", ".")
    if decimal not in (".", ","):
        fail("decimal", "'.' or ','", decimal)
    ids = data.get("id_columns", [])
    if not isinstance(ids, list) or not all(isinstance(v, str) for v in ids):
        fail("id_columns", "a list of column names", ids)
    pre = Preprocessing(tuple(columns), impute=impute, unknown=unknown,
                        na_values=tuple(na_values), decimal=decimal, id_columns=tuple(ids))
    if n_inputs is not None and pre.n_inputs != n_inputs:
        fail("columns", f"columns that make the network's {n_inputs} inputs (a numeric "
             "column one, a categorical column one per category)", f"{pre.n_inputs} inputs")
    return pre


def raw_cells(data, s: int) -> list:
    """Row ``s`` of a data set as read, before any preprocessing: numbers, category texts,
    None for a missing cell (what ``nnmath explain --data --row`` and the page's step show).

    >>> from nnmath.datasets import psa
    >>> raw_cells(psa(), 8)
    [2.0]
    """
    out: list = []
    texts = getattr(data, "texts", None)
    for c, v in enumerate(np.asarray(data.X[s], dtype=float).tolist()):
        if math.isnan(v):
            out.append(None)
        elif texts is not None and texts[c] is not None:
            out.append(texts[c][int(v)])
        else:
            out.append(v)
    return out
