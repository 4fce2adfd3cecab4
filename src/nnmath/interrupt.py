"""Ctrl-C and SIGTERM in the ``nnmath`` command: one line on stderr, exit code 130 or 143.

SIGTERM (what ``timeout``, ``docker stop``, systemd and batch schedulers send) is handled
as Ctrl-C is: it raises :class:`Terminated`, a ``KeyboardInterrupt``, so every path that
keeps the last good state on Ctrl-C (``nnmath train --save`` saves the last good epoch)
does so on SIGTERM too; the exit code is 128 + the signal (130 for SIGINT, 143 for
SIGTERM) and the line says which (:func:`exit_code`, :func:`what`).

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

__all__ = ["SEEN", "SIGNALS", "Terminated", "install", "installed", "raise_if_seen",
           "exit_code", "what", "exit_now"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""The signals the command line stops on cleanly."""

SEEN: list = []
"""Every SIGINT or SIGTERM received since :func:`install` (a swallowed one too)."""

_default_unraisablehook = sys.unraisablehook


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as a KeyboardInterrupt: stopped from outside, as by Ctrl-C."""


def _exception(signum) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def handler(signum, frame):
    SEEN.append(signum)
    raise _exception(signum)


def exit_code(exc: BaseException | None = None) -> int:
    """128 + the signal: 143 for SIGTERM (``exc`` a :class:`Terminated`, or the last
    signal seen), else 130 (Ctrl-C)."""
    terminated = isinstance(exc, Terminated) or (exc is None and SEEN
                                                  and SEEN[-1] == signal.SIGTERM)
    return 128 + (signal.SIGTERM if terminated else signal.SIGINT)


def what(exc: BaseException | None = None) -> str:
    """``"terminated"`` (SIGTERM) or ``"interrupted"`` (Ctrl-C), as :func:`exit_code` decides."""
    return "terminated" if exit_code(exc) == 128 + signal.SIGTERM else "interrupted"


def _unraisable(info) -> None:
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        SEEN.append(signal.SIGINT)   # swallowed by Python: noted, not printed
        return
    _default_unraisablehook(info)


def install(signals=SIGNALS) -> None:
    """Note (and raise) every Ctrl-C and SIGTERM (``signals``) from now on; silence the
    swallowed ones' report."""
    for signum in signals:
        signal.signal(signum, handler)
    sys.unraisablehook = _unraisable


def installed() -> bool:
    return signal.getsignal(signal.SIGINT) is handler


def raise_if_seen(*_args) -> bool:
    """A training callback: raise KeyboardInterrupt (:class:`Terminated` for SIGTERM) if a
    signal was seen (and swallowed)."""
    if SEEN:
        raise _exception(SEEN[-1])
    return False


def exit_now(code: int) -> None:
    """Flush stdout and stderr, then end the process with ``code`` (no SIGINT re-kill)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing more to say
            pass
    os._exit(code)
