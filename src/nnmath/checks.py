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

A range is stated declaratively, as scikit-learn's parameter constraints do:
an :class:`Interval` of whole numbers or of numbers, :class:`Options` for a fixed
set of strings. :func:`check_int` and :func:`check_number` check one of each kind;
:func:`check_param` checks a hyperparameter of a scikit-learn estimator against a
list of them (in scikit-learn's message template, raising a plain ``ValueError``).

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
from dataclasses import dataclass

import numpy as np

from .errors import ConfigError, must_be, parameter_message

__all__ = ["check_int", "check_number", "check_bool", "check_seed", "check_callbacks",
           "check_dtype", "check_path", "check_param", "is_whole", "is_number", "Interval",
           "Options", "is_json_number"]


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


@dataclass(frozen=True)
class Interval:
    """Whole numbers or finite numbers between two bounds, as scikit-learn's ``Interval``.

    Parameters
    ----------
    type : numbers.Integral or numbers.Real
        Whole numbers (:func:`is_whole`) or finite numbers (:func:`is_number`): a bool is
        neither.
    left, right : number or None
        The bounds (None: no bound on that side).
    closed : {"both", "left", "right", "neither"}, default "both"
        Which bounds belong to the interval.
    words : str, optional
        What a message says the value must be, in place of the generated words.

    >>> 3 in Interval(numbers.Integral, 1), True in Interval(numbers.Integral, 1)
    (True, False)
    >>> 0.0 in Interval(numbers.Real, 0, 1, closed="right"), 2.5 in Interval(numbers.Integral)
    (False, False)
    >>> Interval(numbers.Integral, 1, 24).words_for()
    'a whole number from 1 to 24'
    >>> Interval(numbers.Real, 0, None, closed="neither").words_for()
    'a positive number'
    >>> Interval(numbers.Real, 0.0, 1.0, "neither").words_for("sklearn")
    'a number > 0.0 and < 1.0'
    """

    type: type
    left: float | None = None
    right: float | None = None
    closed: str = "both"
    words: str | None = None

    @property
    def whole(self) -> bool:
        return issubclass(self.type, numbers.Integral)

    @property
    def open_left(self) -> bool:
        return self.closed in ("right", "neither")

    @property
    def open_right(self) -> bool:
        return self.closed in ("left", "neither")

    def __contains__(self, value) -> bool:
        if not (is_whole(value) if self.whole else is_number(value)):
            return False
        if self.left is not None and (value < self.left or self.open_left and
                                      value == self.left):
            return False
        return self.right is None or not (value > self.right or self.open_right and
                                          value == self.right)

    def words_for(self, template: str = "nnmath") -> str:
        """What the value must be: "a whole number of at least 1", "a positive number"
        (nnmath's template) or "an integer >= 1", "a number > 0.0" (``"sklearn"``)."""
        if self.words is not None:
            return self.words
        if template == "sklearn":
            bounds = [f"{op} {bound}" for op, bound in
                      ((">" if self.open_left else ">=", self.left),
                       ("<" if self.open_right else "<=", self.right)) if bound is not None]
            return " ".join(["an integer" if self.whole else "a number",
                             " and ".join(bounds)]).strip()
        if self.whole:   # an open bound of whole numbers is the next whole number inside
            return _whole_words(None if self.left is None else self.left + self.open_left,
                                None if self.right is None else self.right - self.open_right)
        return _range_words(self.left, self.right, self.open_left, self.open_right)


class Options:
    """Strings from a fixed set, as scikit-learn's ``StrOptions``.

    >>> "relu" in Options({"relu", "tanh"}), 1 in Options({"relu"})
    (True, False)
    >>> Options({"tanh", "relu"}).words_for(), Options({"auto"}).words_for()
    ("one of ['relu', 'tanh']", "'auto'")
    """

    def __init__(self, options):
        self.options = frozenset(options)

    def __contains__(self, value) -> bool:
        return isinstance(value, str) and value in self.options

    def words_for(self, template: str = "sklearn") -> str:
        """``'auto'`` for one option, else ``one of [...]`` (sorted; in either template)."""
        if len(self.options) == 1:
            return repr(next(iter(self.options)))
        return f"one of {sorted(self.options)}"

    def __repr__(self) -> str:
        return "Options({" + ", ".join(map(repr, sorted(self.options))) + "})"


def check_int(value, what: str, minimum: int | None = None, maximum: int | None = None,
              fix: str = "", constraint: str | None = None) -> int:
    """``value`` as an ``int``: a whole number in ``[minimum, maximum]`` (either may be None).

    ``constraint`` replaces the generated wording ("a whole number of at least 1").

    >>> check_int(np.int64(5), "patience", minimum=1)
    5
    >>> check_int(0, "--row", minimum=1, maximum=24)
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: --row must be a whole number from 1 to 24. Got 0.
    """
    return int(_check(value, what, Interval(numbers.Integral, minimum, maximum, words=constraint),
                      fix))


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
    closed = {(False, False): "both", (False, True): "left", (True, False): "right",
              (True, True): "neither"}[bool(open_min), bool(open_max)]
    return float(_check(value, what, Interval(numbers.Real, minimum, maximum, closed,
                                              constraint), fix))


def _check(value, what: str, interval: Interval, fix: str):
    if value not in interval:
        raise ConfigError(must_be(what, interval.words_for(), value, fix))
    return value


def check_param(owner: str, key: str, value, *constraints):
    """``value`` when it meets one of ``constraints`` (an :class:`Interval`, :class:`Options`
    or None, which allows None), else scikit-learn's ``ValueError``.

    The message names the parameter and its estimator, as scikit-learn's does, and says
    what the constraints allow (None, when allowed, goes unsaid).

    >>> check_param("NNClassifier", "epochs", 10, Interval(numbers.Integral, 1))
    10
    >>> check_param("NNClassifier", "loss", "hinge", None, Options({"mse", "bce"}))
    Traceback (most recent call last):
    ...
    ValueError: The 'loss' parameter of NNClassifier must be one of ['bce', 'mse']. Got 'hinge' instead.
    """
    if any(value is None if c is None else value in c for c in constraints):
        return value
    words = " or ".join(c.words_for("sklearn") for c in constraints if c is not None)
    raise ValueError(parameter_message(owner, key, words, value))


def _whole_words(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f"a whole number from {minimum} to {maximum}"
    if minimum is not None:
        return f"a whole number of at least {minimum}"
    if maximum is not None:
        return f"a whole number of at most {maximum}"
    return "a whole number"


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
