"""Ctrl-C in the ``nnmath`` command: one line on stderr and exit code 130, at any moment.

Three things stand between a Ctrl-C and that promise, each met here once:

1. **A Ctrl-C that Python swallows.** A KeyboardInterrupt raised while Python
   runs an import's cleanup or a ``__del__`` cannot propagate: Python reports
   it through ``sys.unraisablehook`` ("Exception ignored ... KeyboardInterrupt",
   four lines) and goes on. :func:`install` notes every SIGINT in :data:`SEEN`
   before raising, and replaces the hook for KeyboardInterrupt only (silent);
   :func:`raise_if_seen` (an epoch callback of ``nnmath train``) raises it again.
2. **The exit code.** A KeyboardInterrupt that passes out of ``exec()`` (which
   ``dataclasses`` uses for every class it makes, e.g. while a module is
   imported lazily) sets CPython's "unhandled interrupt" flag, and then the
   interpreter kills itself with SIGINT at exit, even after ``sys.exit(130)``.
   :func:`exit_now` flushes and ends the process with ``os._exit``.
3. **Start-up.** ``import nnmath`` imports no NumPy until a name is used
   (:mod:`nnmath`'s ``__getattr__``), so :func:`nnmath.cli.entry` installs this
   before any heavy import. Before that only Python's own start-up runs (a few
   milliseconds); a Ctrl-C there is Python's.

Only the command line installs this; ``import nnmath`` changes no signal handler.
"""

from __future__ import annotations

import os
import signal
import sys

__all__ = ["SEEN", "install", "installed", "raise_if_seen", "exit_now"]

SEEN: list = []
"""Every SIGINT received since :func:`install` (a swallowed one too)."""

_default_unraisablehook = sys.unraisablehook


def handler(signum, frame):
    SEEN.append(signum)
    raise KeyboardInterrupt


def _unraisable(info) -> None:
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        SEEN.append(signal.SIGINT)   # swallowed by Python: noted, not printed
        return
    _default_unraisablehook(info)


def install() -> None:
    """Note (and raise) every Ctrl-C from now on; silence the swallowed ones' report."""
    signal.signal(signal.SIGINT, handler)
    sys.unraisablehook = _unraisable


def installed() -> bool:
    return signal.getsignal(signal.SIGINT) is handler


def raise_if_seen(*_args) -> bool:
    """A training callback: raise KeyboardInterrupt if a Ctrl-C was seen (and swallowed)."""
    if SEEN:
        raise KeyboardInterrupt
    return False


def exit_now(code: int) -> None:
    """Flush stdout and stderr, then end the process with ``code`` (no SIGINT re-kill)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing more to say
            pass
    os._exit(code)
