"""One hierarchy of errors for everything a user can get wrong.

Every message follows one template: ``<what> must be <constraint>. Got
<value!r>. <how to fix>``. The CLI prints the message as one line on stderr
and exits with code 2.
"""

from __future__ import annotations

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


LIMIT = 80   # characters of a value shown in a message


def must_be(what: str, constraint: str, got: object, fix: str = "") -> str:
    """Build a message in the project's template; ``got`` is shown cut to ``LIMIT``
    characters (:func:`short_repr`), so a huge value still gives one short line.

    >>> must_be("learning_rate", "a positive number", -1.0, "Try 0.1.")
    'learning_rate must be a positive number. Got -1.0. Try 0.1.'
    >>> must_be("callbacks", "callables", [1] * 100)[:60]
    'callbacks must be callables. Got [1, 1, 1, 1, 1, 1, 1, 1, 1,'
    >>> len(must_be("callbacks", "callables", [1] * 100))
    114
    """
    msg = f"{what} must be {constraint}. Got {short_repr(got)}."
    return f"{msg} {fix}" if fix else msg


def short_repr(value: object, limit: int = LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters (ending in ``...``).

    Never fails: an int too long to print, or an object whose ``repr`` raises,
    is described by its type.

    >>> short_repr("x" * 100, limit=10)
    "'xxxxxx..."
    >>> short_repr(10 ** 5000)
    'an integer of about 5001 digits'
    """
    try:
        text = repr(value)
    except ValueError:   # an int with more digits than Python prints
        digits = int(abs(value).bit_length() * 0.30103) + 1 if isinstance(value, int) else 0
        text = f"an integer of about {digits} digits" if digits else f"a {type(value).__name__}"
    except Exception:    # noqa: BLE001 - a user's object whose repr fails
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[:limit - 3] + "..."
