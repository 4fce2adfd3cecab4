"""scikit-learn's shipped real datasets, as nnmath Datasets (needs scikit-learn).

scikit-learn is imported only when one of these functions is called
(``pip install 'nnmath[sklearn]'``).
"""

from __future__ import annotations

import numpy as np

from .base import Dataset

__all__ = ["breast_cancer", "iris", "digits"]


def breast_cancer() -> Dataset:
    """Wisconsin breast cancer: 569 tumours, 30 features; 0 = malignant, 1 = benign."""
    return _load("load_breast_cancer", "diagnosis")


def iris() -> Dataset:
    """Fisher's iris: 150 flowers, 4 features, 3 species."""
    return _load("load_iris", "species")


def digits() -> Dataset:
    """8x8 images of hand-written digits: 1797 images, 64 pixel features (0..16), 10 classes."""
    return _load("load_digits", "digit")


_NAMES = {"load_breast_cancer": "breast_cancer", "load_iris": "iris", "load_digits": "digits"}


def _load(loader: str, target_name: str) -> Dataset:
    from ..optional import require

    sk_datasets = require("sklearn.datasets", f"nnmath.datasets.{_NAMES[loader]}()")
    bunch = getattr(sk_datasets, loader)()
    names = getattr(bunch, "feature_names", None)
    if names is None or len(names) != bunch.data.shape[1]:
        names = [f"x{i + 1}" for i in range(bunch.data.shape[1])]
    return Dataset(X=np.asarray(bunch.data, dtype=np.float64),
                   y=np.asarray(bunch.target, dtype=int),
                   feature_names=tuple(str(n) for n in names),
                   class_names=tuple(str(c) for c in bunch.target_names),
                   target_name=target_name)
