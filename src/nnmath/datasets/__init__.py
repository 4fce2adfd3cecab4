"""Datasets: the article's PSA table, bundled with the package.

>>> X, y = psa()
>>> X.shape, y.shape, int(y.sum())
((14, 1), (14,), 7)
>>> psa().class_names
('Healthy', 'Cancer')
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np

__all__ = ["Dataset", "psa", "one_hot"]


@dataclass(frozen=True)
class Dataset:
    """Features and labels, with their names.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Integer class labels (index into ``class_names``).
    feature_names : tuple of str
    class_names : tuple of str
    target_name : str
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple
    class_names: tuple
    target_name: str

    def __iter__(self):
        """``X, y = dataset``."""
        return iter((self.X, self.y))

    def __len__(self) -> int:
        return self.X.shape[0]

    def targets(self, n_outputs: int) -> np.ndarray:
        """``T`` for a network with ``n_outputs`` outputs: one column of labels
        for a single (sigmoid) output, one-hot rows for several (softmax)."""
        return self.y[:, None].astype(np.float64) if n_outputs == 1 \
            else one_hot(self.y, n_outputs)


def one_hot(y, n_classes: int) -> np.ndarray:
    """Rows of zeros with a 1 in column ``y[s]``: shape (n_samples, n_classes).

    >>> one_hot([1, 0], 2)
    array([[0., 1.],
           [1., 0.]])
    """
    y = np.asarray(y, dtype=int)
    return np.eye(n_classes)[y]


def psa() -> Dataset:
    """The article's 14 patients: PSA level (ng/mL) and status (Cancer = 1, Healthy = 0).

    Rows are in the article's order: the seven Cancer rows (3.8 ... 1.6), then
    the seven Healthy rows (2.5 ... 0.8).
    """
    text = resources.files(__package__).joinpath("psa.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    class_names = ("Healthy", "Cancer")
    X = np.array([[float(r["psa"])] for r in rows])
    y = np.array([class_names.index(r["status"]) for r in rows])
    return Dataset(X=X, y=y, feature_names=("psa",), class_names=class_names,
                   target_name="status")
