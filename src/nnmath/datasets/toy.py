r"""2-D toy sets, as in TensorFlow Playground: circle, xor, gaussian blobs, spiral.

Every set takes ``n_samples``, a ``noise`` level (the standard deviation of
Gaussian noise added to both coordinates, in the same units as the data,
whose points lie roughly in [-1, 1]^2) and a ``seed``; the same arguments give
the same points. Features are named ``x1``, ``x2``; the target ``label``.

>>> data = circle(n_samples=6, seed=0)
>>> data.X.shape, data.y.tolist(), data.class_names
((6, 2), [1, 1, 1, 0, 0, 0], ('outside', 'inside'))
>>> bool(np.all(np.hypot(*data.X[:3].T) <= 0.5)), bool(np.all(np.hypot(*data.X[3:].T) >= 0.7))
(True, True)
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int, check_number, check_seed
from .base import Dataset

__all__ = ["circle", "xor", "blobs", "spiral"]


def circle(n_samples=200, noise=0.0, seed=0) -> Dataset:
    """Class 1 (``inside``): radius in [0, 0.5]; class 0 (``outside``): radius in [0.7, 1].

    The first half of the rows is inside, the second half outside.
    """
    n, rng = _check(n_samples, noise, seed)
    n_in = (n + 1) // 2
    radius = np.r_[rng.uniform(0.0, 0.5, n_in), rng.uniform(0.7, 1.0, n - n_in)]
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    y = np.r_[np.ones(n_in, int), np.zeros(n - n_in, int)]
    return _make(X, y, ("outside", "inside"), noise, rng)


def xor(n_samples=200, noise=0.0, seed=0) -> Dataset:
    """Points in [-1, 1]^2 (kept 0.05 away from the axes); class 1 where x1·x2 > 0."""
    n, rng = _check(n_samples, noise, seed)
    X = rng.uniform(0.05, 1.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return _make(X, y, ("different signs", "same signs"), noise, rng)


def blobs(n_samples=200, n_classes=2, noise=0.0, spread=0.3, seed=0) -> Dataset:
    """Gaussian clusters of standard deviation ``spread`` around centres on the
    circle of radius 0.6 (class ``c`` at angle ``2πc / n_classes``); rows cycle
    through the classes."""
    n, rng = _check(n_samples, noise, seed)
    k = _classes(n_classes)
    y = np.arange(n) % k
    angle = 2 * np.pi * y / k
    X = 0.6 * np.c_[np.cos(angle), np.sin(angle)] + rng.normal(0.0, spread, (n, 2))
    return _make(X, y, tuple(f"blob {c}" for c in range(k)), noise, rng)


def spiral(n_samples=200, n_classes=2, noise=0.0, seed=0) -> Dataset:
    """Interleaved spiral arms: for class ``c`` and ``t`` in [0, 1],
    radius ``t`` and angle ``3.5π t + 2πc / n_classes``; rows cycle through the classes."""
    n, rng = _check(n_samples, noise, seed)
    k = _classes(n_classes)
    y = np.arange(n) % k
    t = rng.uniform(0.0, 1.0, n)
    angle = 3.5 * np.pi * t + 2 * np.pi * y / k
    X = np.c_[t * np.cos(angle), t * np.sin(angle)]
    return _make(X, y, tuple(f"arm {c}" for c in range(k)), noise, rng)


def _check(n_samples, noise, seed):
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    check_number(noise, "noise", minimum=0, fix="For example 0.1.")
    return n_samples, np.random.default_rng(check_seed(seed))


def _classes(n_classes) -> int:
    return check_int(n_classes, "n_classes", minimum=2)


def _make(X, y, class_names, noise, rng) -> Dataset:
    if noise > 0:
        X = X + rng.normal(0.0, noise, X.shape)
    return Dataset(X=X, y=y, feature_names=("x1", "x2"), class_names=class_names,
                   target_name="label")
