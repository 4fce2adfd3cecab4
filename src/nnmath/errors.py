"""One hierarchy of errors for everything a user can get wrong.

Every message follows one template: ``<what> must be <constraint>. Got
<value!r>. <how to fix>``. The CLI prints the message as one line on stderr
and exits with code 2.
"""

from __future__ import annotations

import json

__all__ = [
    "NnmathError",
    "ConfigError",
    "ShapeError",
    "ModelFileError",
    "DataError",
    "TrainingError",
    "DependencyError",
]


class NnmathError(Exception):
    """Base class of every error nnmath raises on bad input."""


class ConfigError(NnmathError, ValueError):
    """An unknown name or an out-of-range setting (activation, loss, learning rate, ...)."""


class ShapeError(NnmathError, ValueError):
    """Arrays whose shapes do not fit together (X vs W, T vs y_hat, W vs b)."""


class ModelFileError(NnmathError, ValueError):
    """A model file that cannot be read or does not follow ``nnmath.network/1``."""


class DataError(NnmathError, ValueError):
    """A dataset that cannot be used (non-numeric, NaN, empty, ...)."""


class TrainingError(NnmathError, RuntimeError):
    """Training that cannot go on (for example a loss that became non-finite)."""


class DependencyError(NnmathError, ImportError):
    """A library that this feature needs is not installed (the message names the
    ``pip install`` to run)."""


SHOWN = 80
"""The most characters of a value a message shows (a bad cell may hold megabytes)."""
LIMIT = SHOWN   # the same, by its other name


def must_be(what: str, constraint: str, got: object, fix: str = "") -> str:
    """Build a message in the project's template; the value is :func:`shown` (cut short),
    so a huge value still gives one short line.

    >>> must_be("learning_rate", "a positive number", -1.0, "Try 0.1.")
    'learning_rate must be a positive number. Got -1.0. Try 0.1.'
    >>> must_be("callbacks", "callables", [1] * 100)[:60]
    'callbacks must be callables. Got [1, 1, 1, 1, 1, 1, 1, 1, 1,'
    """
    msg = f"{what} must be {constraint}. Got {shown(got)}."
    return f"{msg} {fix}" if fix else msg


def parameter_message(owner: str, key: str, constraint: str, got: object) -> str:
    """scikit-learn's template for a hyperparameter of an estimator (what
    :class:`nnmath.estimator.NNClassifier` raises, as ``MLPClassifier`` does).

    >>> parameter_message("NNClassifier", "alpha", "a number >= 0.0", -1.0)
    "The 'alpha' parameter of NNClassifier must be a number >= 0.0. Got -1.0 instead."
    """
    return f"The {key!r} parameter of {owner} must be {constraint}. Got {shown(got)} instead."


def shown(value, limit: int = SHOWN) -> str:
    """``repr(value)``, cut to about ``limit`` characters: every error message is one short
    line, whatever the value (a 130 000-character CSV cell, a 5000-digit integer). Never
    fails: a value whose ``repr`` cannot be made is described by its type.

    >>> print(shown("a cell of 130 000 characters", limit=6))
    'a cell'... (28 characters)
    >>> print(shown(list(range(100)), limit=12))
    [0, 1, 2, 3,...
    >>> shown(10 ** 5000)
    'an integer with 16610 bits'
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value)} characters)"
    try:
        text = repr(value)
    except ValueError:   # an int with more digits than Python prints
        return (f"an integer with {value.bit_length()} bits" if isinstance(value, int)
                else f"a {type(value).__name__}")
    except Exception:    # noqa: BLE001 - a user's object whose repr fails
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[:limit] + "..."


short_repr = shown   # the name the argument checks (nnmath.checks) use


def got(value, limit: int = 60):
    """A value read from a file (JSON), as a message shows it: the value itself if it
    prints short, else its JSON text cut to about ``limit`` characters.

    >>> got("nnmath.network/2"), got(["Healthy"]), got(list(range(30)), limit=12)
    ('nnmath.network/2', '["Healthy"]', '[0, 1, 2, 3,...')
    """
    if isinstance(value, (str, int, float, bool, type(None))):
        try:
            if len(repr(value)) <= limit:
                return value
        except ValueError:   # an int with more digits than Python prints
            return shown(value)   # "an integer with N bits"
    return json_shown(value, limit)


def json_shown(value, limit: int = 60) -> str:
    """``value``'s JSON text (a string as it is), cut to about ``limit`` characters."""
    try:
        text = value if isinstance(value, str) else json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[:limit] + "..."
