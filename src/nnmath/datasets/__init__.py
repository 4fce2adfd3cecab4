"""Datasets: the article's PSA table, CSV files, toy sets, scikit-learn's real sets.

- :func:`psa` -- the article's 14 patients (bundled);
- :func:`load_csv` -- your own data (``nnmath.datasets.csvfile``);
- :func:`circle`, :func:`xor`, :func:`blobs`, :func:`spiral` -- 2-D toy sets
  (``nnmath.datasets.toy``);
- :func:`breast_cancer`, :func:`iris`, :func:`digits` -- scikit-learn's shipped
  sets, when scikit-learn is installed (``nnmath.datasets.real``);
- :func:`standardize` / :class:`Scaling` (``nnmath.datasets.scaling``) and
  :func:`train_test_split` (``nnmath.datasets.split``).

>>> X, y = psa()
>>> X.shape, y.shape, int(y.sum())
((14, 1), (14,), 7)
>>> psa().class_names
('Healthy', 'Cancer')
"""

from __future__ import annotations

import importlib

import numpy as np

from .base import Dataset, one_hot
from .scaling import Scaling, standardize

# The other names load with their module on first use (PEP 562), so that a command
# which needs only a Dataset or a Scaling (``nnmath explain``) does not import the CSV
# reader, the toy sets and the splits.
_LAZY = {"load_csv": "csvfile", "breast_cancer": "real", "digits": "real", "iris": "real",
         "split_indices": "split", "train_test_split": "split",
         "blobs": "toy", "circle": "toy", "spiral": "toy", "xor": "toy"}

__all__ = ["Dataset", "Scaling", "blobs", "breast_cancer", "circle", "digits", "iris",
           "load_csv", "one_hot", "psa", "spiral", "split_indices", "standardize",
           "train_test_split", "xor"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))


def psa() -> Dataset:
    """The article's 14 patients: PSA level (ng/mL) and status (Cancer = 1, Healthy = 0).

    Rows are in the article's order: the seven Cancer rows (3.8 ... 1.6), then
    the seven Healthy rows (2.5 ... 0.8).
    """
    import csv
    import io
    from importlib import resources

    text = resources.files(__package__).joinpath("psa.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    class_names = ("Healthy", "Cancer")
    X = np.array([[float(r["psa"])] for r in rows])
    y = np.array([class_names.index(r["status"]) for r in rows])
    return Dataset(X=X, y=y, feature_names=("psa",), class_names=class_names,
                   target_name="status")
