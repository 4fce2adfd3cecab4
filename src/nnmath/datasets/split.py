"""A seeded, stratified train/test split.

Stratified: each class keeps (as nearly as whole rows allow) its share of the
rows in both parts. ``n_test = ceil(test_size * n_samples)`` rows go to the test
part, split across the classes by largest remainder; inside each class the
rows are drawn with ``np.random.default_rng(seed)``. The same seed and data
give the same split.

>>> train, test = split_indices([0, 0, 0, 0, 1, 1, 1, 1], test_size=0.25, seed=0)
>>> len(train), len(test), sorted(int(i) // 4 for i in test)
(6, 2, [0, 1])
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..checks import Interval, check_bool, check_seed
from ..errors import ConfigError, DataError, must_be

__all__ = ["split_indices", "train_test_split", "fold_indices"]


def split_indices(y, test_size=0.25, seed=0, stratify=True):
    """Row indices ``(train, test)`` (each sorted).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels (used only when ``stratify``).
    test_size : float in (0, 1) or int >= 1
        Fraction or number of rows for the test part (as scikit-learn's
        ``train_test_split``: a float is a fraction, an int a number of rows).
    seed : int >= 0 or None
    stratify : bool, default True
    """
    y = np.asarray(y)
    n = len(y)
    n_test = _n_test(test_size, n)
    stratify = check_bool(stratify, "stratify")
    rng = np.random.default_rng(check_seed(seed))
    if not stratify:
        order = rng.permutation(n)
        return np.sort(order[n_test:]), np.sort(order[:n_test])
    classes, y_index = np.unique(y, return_inverse=True)
    counts = np.bincount(y_index)
    share = n_test * counts / n
    per_class = np.floor(share).astype(int)
    for c in np.argsort(-(share - per_class), kind="stable")[:n_test - per_class.sum()]:
        per_class[c] += 1
    train, test = [], []
    for c in range(len(classes)):
        rows = rng.permutation(np.flatnonzero(y_index == c))
        test.append(rows[:per_class[c]])
        train.append(rows[per_class[c]:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def train_test_split(data, test_size=0.25, seed=0, stratify=None):
    """Split a :class:`~nnmath.datasets.Dataset` into ``(train, test)`` datasets.

    ``stratify`` defaults to True for classification, False for regression.
    """
    if stratify is None:
        stratify = data.task == "classification"
    stratify = check_bool(stratify, "stratify")
    train, test = split_indices(data.y, test_size, seed, stratify)
    return data.subset(train), data.subset(test)


_ROWS = Interval(numbers.Integral, 1)                       # test_size=30: 30 rows
_FRACTION = Interval(numbers.Real, 0, 1, closed="neither")   # test_size=0.25: a quarter


def _n_test(test_size, n: int) -> int:
    """The number of test rows: ``ceil(test_size * n)`` for a fraction, else ``test_size``."""
    if test_size in _ROWS:
        n_test = int(test_size)
    elif test_size in _FRACTION:
        n_test = math.ceil(test_size * n)
    else:
        raise ConfigError(must_be("test_size", "a fraction in (0, 1) or a number of rows",
                                  test_size, "For example 0.25 (a quarter of the rows) or 30 "
                                  "(30 rows)."))
    if not 1 <= n_test <= n - 1:
        raise DataError(must_be("the test part", f"between 1 and {n - 1} rows of {n}",
                                n_test, "Use more data or another test_size."))
    return n_test


def fold_indices(y, folds: int = 5, seed=0, stratify: bool = True) -> list:
    """``k`` folds of row indices for cross-validation: each row in exactly one fold, the
    folds as equal in size as whole rows allow; stratified, each class's rows (in a seeded
    random order) dealt to the folds in turn, so that every fold keeps about its share.

    >>> [f.tolist() for f in fold_indices([0, 0, 0, 0, 1, 1], folds=2, seed=0)]
    [[1, 2, 5], [0, 3, 4]]
    """
    y = np.asarray(y)
    n = len(y)
    if not isinstance(folds, numbers.Integral) or isinstance(folds, bool) or \
            not 2 <= folds <= n:
        raise ConfigError(must_be("the number of folds (--folds)", f"a whole number from 2 "
                                  f"to the {n} rows", folds, "For example --folds 5."))
    rng = np.random.default_rng(check_seed(seed))
    out: list = [[] for _ in range(folds)]
    if stratify:
        _, y_index = np.unique(y, return_inverse=True)
        groups = [np.flatnonzero(y_index == c) for c in range(int(y_index.max()) + 1)]
    else:
        groups = [np.arange(n)]
    start = 0
    for rows in groups:
        for i, row in enumerate(rng.permutation(rows).tolist()):
            out[(start + i) % folds].append(row)
        start = (start + len(rows)) % folds   # the next class fills the smaller folds first
    return [np.sort(np.asarray(f, dtype=int)) for f in out]
