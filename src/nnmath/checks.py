"""Checks of the arguments a user passes, each stated once.

Every check returns the value in the form the code uses (an ``int``, a
``float``, a tuple, a NumPy dtype) or raises :class:`~nnmath.errors.ConfigError`
with a message in the project's template, which names the argument and shows
the value cut short (:func:`nnmath.errors.must_be`).

The rules:

- a **number** is a Python or NumPy int or float, finite, never a bool
  (``True`` is not 1 epoch, ``"0.1"`` is not a learning rate);
- a **whole number** is a Python or NumPy integer (``2.0`` is refused where a
  count is asked for, as scikit-learn does);
- a **seed** is ``None`` (fresh randomness from the operating system) or a
  whole number >= 0: the same seed gives the same numbers. A
  ``numpy.random.Generator`` is not a seed: a seed is recorded
  (``History.settings``, the model file's ``"training"``) so a run can be
  repeated from its record, and a generator cannot be written down. (The
  layer's ``Dense(rng=...)`` takes a generator: it only draws one layer's weights.)
- **callbacks** are a sequence of callables, or one callable (taken as a
  sequence of one);
- a **dtype** of a network is float32 or float64;
- a **path** is a ``str`` or ``os.PathLike``.

>>> check_int(3, "epochs", minimum=1), check_number(0.1, "learning_rate", minimum=0, open_min=True)
(3, 0.1)
>>> check_int(True, "epochs", minimum=1)
Traceback (most recent call last):
...
nnmath.errors.ConfigError: epochs must be a whole number of at least 1. Got True.
>>> check_seed(-1)
Traceback (most recent call last):
...
nnmath.errors.ConfigError: seed must be None or a whole number >= 0. Got -1. For example seed=0: the same seed gives the same run.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

from .errors import ConfigError, must_be

__all__ = ["check_int", "check_number", "check_bool", "check_seed", "check_callbacks",
           "check_dtype", "check_path", "is_whole", "is_number", "is_json_number"]


def is_whole(value) -> bool:
    """A Python or NumPy integer that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def is_number(value) -> bool:
    """A finite Python or NumPy int or float that is not a bool."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        return False
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:   # an int beyond 1.8e308
        return False


def check_int(value, what: str, minimum: int | None = None, maximum: int | None = None,
              fix: str = "") -> int:
    """``value`` as an ``int``: a whole number in ``[minimum, maximum]`` (either may be None).

    >>> check_int(np.int64(5), "patience", minimum=1)
    5
    >>> check_int(0, "--row", minimum=1, maximum=24)
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: --row must be a whole number from 1 to 24. Got 0.
    """
    if minimum is not None and maximum is not None:
        constraint = f"a whole number from {minimum} to {maximum}"
    elif minimum is not None:
        constraint = f"a whole number of at least {minimum}"
    elif maximum is not None:
        constraint = f"a whole number of at most {maximum}"
    else:
        constraint = "a whole number"
    if not is_whole(value) or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum):
        raise ConfigError(must_be(what, constraint, value, fix))
    return int(value)


def check_number(value, what: str, minimum: float | None = None, maximum: float | None = None,
                 *, open_min: bool = False, open_max: bool = False,
                 constraint: str | None = None, fix: str = "") -> float:
    """``value`` as a ``float``: a finite number between ``minimum`` and ``maximum``.

    ``open_min`` / ``open_max`` exclude the bound itself. ``constraint`` replaces
    the generated wording ("a positive number", "a number >= 0", "a fraction in
    (0, 1)", "a number in [0, 1]", ...).

    >>> check_number(1, "alpha", minimum=0)
    1.0
    >>> check_number("x", "tol", minimum=0)
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: tol must be a number >= 0. Got 'x'.
    >>> check_number(float("nan"), "validation_fraction", 0, 1, open_min=True, open_max=True)
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: validation_fraction must be a fraction in (0, 1). Got nan.
    """
    if constraint is None:
        constraint = _range_words(minimum, maximum, open_min, open_max)
    ok = is_number(value)
    if ok and minimum is not None:
        ok = value > minimum if open_min else value >= minimum
    if ok and maximum is not None:
        ok = value < maximum if open_max else value <= maximum
    if not ok:
        raise ConfigError(must_be(what, constraint, value, fix))
    return float(value)


def _range_words(minimum, maximum, open_min, open_max) -> str:
    if minimum is None and maximum is None:
        return "a number"
    if maximum is None:
        if minimum == 0 and open_min:
            return "a positive number"
        return f"a number {'>' if open_min else '>='} {minimum:g}"
    if minimum is None:
        return f"a number {'<' if open_max else '<='} {maximum:g}"
    if (minimum, maximum, open_min, open_max) == (0, 1, True, True):
        return "a fraction in (0, 1)"
    left, right = "(" if open_min else "[", ")" if open_max else "]"
    return f"a number in {left}{minimum:g}, {maximum:g}{right}"


def check_bool(value, what: str) -> bool:
    """``value`` as a ``bool``: True or False (a NumPy bool too), nothing else.

    >>> check_bool("no", "shuffle")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: shuffle must be True or False. Got 'no'.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(must_be(what, "True or False", value))
    return bool(value)


def check_seed(seed, what: str = "seed") -> int | None:
    """A seed: ``None`` or a whole number >= 0 (see the module docstring).

    >>> check_seed(None), check_seed(np.int32(7))
    (None, 7)
    >>> check_seed(np.random.default_rng(0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: seed must be None or a whole number >= 0. Got Generator(PCG64) at 0x.... For example seed=0: the same seed gives the same run (a Generator cannot be recorded).
    """
    if seed is None:
        return None
    if not is_whole(seed) or seed < 0:
        fix = f"For example {_example(what, '0')}: the same seed gives the same run"
        fix += " (a Generator cannot be recorded)." if isinstance(seed, np.random.Generator) \
            else "."
        constraint = "a whole number >= 0" if what.startswith("--") else \
            "None or a whole number >= 0"
        raise ConfigError(must_be(what, constraint, seed, fix))
    return int(seed)


def check_callbacks(callbacks, what: str = "callbacks", called_as: str = "") -> tuple:
    """A tuple of callables from a sequence of callables, one callable, or None.

    >>> check_callbacks(print) == (print,), check_callbacks(None)
    (True, ())
    >>> check_callbacks([print, 1])
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: callbacks[1] must be a callable. Got 1.
    """
    if callbacks is None:
        return ()
    if callable(callbacks):
        return (callbacks,)
    if isinstance(callbacks, (str, bytes)) or not _iterable(callbacks):
        raise ConfigError(must_be(what, "a sequence of callables (or one callable)",
                                  callbacks, called_as))
    callbacks = tuple(callbacks)
    for i, callback in enumerate(callbacks):
        if not callable(callback):
            raise ConfigError(must_be(f"{what}[{i}]", "a callable", callback, called_as))
    return callbacks


def _iterable(value) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_dtype(dtype, what: str = "dtype") -> np.dtype:
    """float32 or float64 (any spelling NumPy knows: ``np.float32``, ``"float32"``, ``"f4"``).

    >>> check_dtype("float32")
    dtype('float32')
    >>> check_dtype(int)
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: dtype must be float32 or float64. Got <class 'int'>. The math is in floating point: float64 (exact, the default) or float32 (faster).
    """
    try:
        resolved = np.dtype(dtype)
    except (TypeError, ValueError):
        resolved = None
    if dtype is None or resolved is None or resolved not in FLOAT_DTYPES:
        raise ConfigError(must_be(what, "float32 or float64", dtype, "The math is in floating "
                                  "point: float64 (exact, the default) or float32 (faster)."))
    return resolved


def check_path(path, what: str = "path", example: str = "'model.json'"):
    """``path`` itself when it is a ``str`` or ``os.PathLike`` (not empty).

    >>> check_path(None, "path", "'model.json'")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: path must be a file path (a str or pathlib.Path). Got None. For example 'model.json'.
    """
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ConfigError(must_be(what, "a file path (a str or pathlib.Path)", path,
                                  f"For example {example}."))
    return path


def _example(what: str, value: str) -> str:
    return f"{what} {value}" if what.startswith("--") else f"{what}={value}"


def is_json_number(value) -> bool:
    """A finite number as JSON gives it: a Python ``int`` or ``float``, never a bool (the
    fast check for the millions of values of a model file).

    >>> is_json_number(0.5), is_json_number(True), is_json_number(10 ** 400), is_json_number("1")
    (True, False, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)   # an int beyond 1.8e308 does not fit a float
    except OverflowError:
        return False
