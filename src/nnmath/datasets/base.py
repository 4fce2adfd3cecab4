"""The :class:`Dataset` record and ``one_hot``, shared by every dataset source."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ..checks import check_int
from ..errors import DataError, must_be

__all__ = ["Dataset", "one_hot", "TASKS"]

TASKS = ("classification", "regression")


@dataclass(frozen=True)
class Dataset:
    """Features and labels (or regression targets), with their names.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Classification: integer class labels (index into ``class_names``).
        Regression: float targets (shape (n_samples,) or (n_samples, n_targets)).
    feature_names : tuple of str
    class_names : tuple of str
        Empty for regression.
    target_name : str
        Several target columns (multi-output regression): their names joined by ", ";
        ``target_names`` lists them.
    task : {"classification", "regression"}, default "classification"

    A table read from a CSV file may also carry (all optional, empty for a clean
    numeric table):

    texts : tuple or None
        Per feature column: None for a numeric column, else the texts of a categorical
        column's codes (``X`` then holds the code, 0, 1, ... in the order first seen).
        ``X`` holds NaN for a missing cell (read with ``impute``).
    reading : dict
        How the file was read, for the preprocessing fitted on the training rows
        (:mod:`nnmath.datasets.preprocess`): ``na_values``, ``decimal``, ``impute``,
        ``unknown``, ``categorical``, ``id_columns``, ``dropped``, ``source``, ``columns``.
    ids : tuple or None
        The ``reading["id_columns"]`` values of each row (a tuple of texts per row).
    lines : ndarray of int or None
        The line of each row in the file.
    row_numbers : ndarray of int or None
        Each row's number among the file's data rows (1 = the first after the header;
        rows left out for a missing target count too).
    notes : tuple of str
        What the reader decided and the user should know (rows left out, a column that
        looks like a row ID, the task chosen and why).
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple
    class_names: tuple
    target_name: str
    task: str = "classification"
    target_names: tuple = ()
    texts: tuple | None = None
    reading: dict = field(default_factory=dict)
    ids: tuple | None = None
    lines: np.ndarray | None = None
    notes: tuple = ()
    row_numbers: np.ndarray | None = None

    def __iter__(self):
        """``X, y = dataset``."""
        return iter((self.X, self.y))

    def __len__(self) -> int:
        return self.X.shape[0]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def targets(self, n_outputs: int) -> np.ndarray:
        """``T`` for a network with ``n_outputs`` outputs: one column of labels
        for a single (sigmoid) output, one-hot rows for several (softmax); for
        regression the targets as columns.

        >>> Dataset(np.zeros((2, 1)), np.array([1, 0]), ("x",), ("a", "b"), "t").targets(2)
        array([[0., 1.],
               [1., 0.]])
        """
        if self.task == "regression":
            return np.asarray(self.y, dtype=np.float64).reshape(len(self.y), -1)
        return self.y[:, None].astype(np.float64) if n_outputs == 1 \
            else one_hot(self.y, n_outputs)

    def _repr_html_(self) -> str:   # Jupyter
        from ..render import notebook

        return notebook.dataset_html(self)

    def subset(self, rows) -> "Dataset":
        """The same dataset restricted to ``rows`` (indices or a boolean mask)."""
        rows = np.asarray(rows)
        index = np.flatnonzero(rows) if rows.dtype == bool else rows
        ids = None if self.ids is None else tuple(self.ids[i] for i in index.tolist())
        lines = None if self.lines is None else self.lines[rows]
        numbers = None if self.row_numbers is None else self.row_numbers[rows]
        return replace(self, X=self.X[rows], y=self.y[rows], ids=ids, lines=lines,
                       row_numbers=numbers)


def one_hot(y, n_classes: int) -> np.ndarray:
    """Rows of zeros with a 1 in column ``y[s]``: shape (n_samples, n_classes).

    >>> one_hot([1, 0], 2)
    array([[0., 1.],
           [1., 0.]])
    """
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    try:
        y = np.asarray(y, dtype=int)
    except (TypeError, ValueError, OverflowError):
        raise DataError(must_be("the labels", "whole numbers (class indices)", y)) from None
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise DataError(must_be("the labels", f"class indices from 0 to {n_classes - 1}",
                                sorted(set(y.ravel().tolist()))[:20]))
    return np.eye(n_classes)[y]
