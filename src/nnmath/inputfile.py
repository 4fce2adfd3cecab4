"""Every file nnmath reads is checked for kind and size (the third rule of
:mod:`nnmath.safefile`).

:func:`open_input` and :func:`read_input` accept a regular file of at most the
reader's limit, or a pipe (``<(cat data.csv)``, ``/dev/stdin``, a FIFO) read as a
stream of at most that limit; never a device (``/dev/zero``) or a folder. A path
that cannot be opened (missing, not a folder on the way, a symbolic-link loop, a
name too long, permission denied) is one line naming the reason.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from dataclasses import dataclass

from .errors import NnmathError, must_be, shown

__all__ = ["InputFile", "open_input", "read_input"]


@dataclass(frozen=True)
class InputFile:
    """What a reader of a user's file accepts, and the words of its messages.

    name : ``"the CSV file"`` (``<name> 'path' does not exist``)
    path_name : ``"the data path"`` (``<path_name> must be a CSV file, not a folder``)
    kind : ``"a CSV file"``; noun : the same as a noun phrase for the device message
    limit : the most bytes read (a larger file, or a longer stream, is refused)
    limit_fix : how to get under the limit
    error : the NnmathError subclass raised
    missing_fix : what to do about a missing file
    """

    name: str
    path_name: str
    kind: str
    noun: str
    limit: int
    limit_fix: str = ""
    error: type = NnmathError
    missing_fix: str = "Check the path."


# looked up by OSError.errno, which may be None
_READ_REASONS: dict[int | None, tuple[str, str]] = {
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "Check the path."),
    errno.ELOOP: ("its symbolic links form a loop", "Check where they point (ls -l)."),
    errno.ENAMETOOLONG: ("the name is longer than the system allows", "Use a shorter path."),
    errno.EACCES: ("permission denied", "Make the file readable (chmod u+r FILE) or ask "
                   "its owner."),
    errno.EPERM: ("permission denied", "Make the file readable (chmod u+r FILE) or ask "
                  "its owner."),
}


def open_input(path, spec: InputFile):
    """Open a user's file for reading, checked: a binary stream of at most ``spec.limit``
    bytes (use it in a ``with``).

    A regular file larger than the limit is refused before reading; a pipe (a FIFO,
    ``<(cat data.csv)``, ``/dev/stdin``) is read as a stream and refused once it goes
    past the limit; a folder or a device (``/dev/zero``, a terminal) is refused.
    Every refusal is ``spec.error`` with one line.
    """
    name = _input_name(path, spec)
    try:
        mode, size = _stat(name)
        if stat.S_ISDIR(mode):
            raise spec.error(must_be(spec.path_name, f"{spec.kind}, not a folder", name))
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise spec.error(must_be(spec.path_name, spec.kind, name, f"A device such as "
                                     f"/dev/zero is not {spec.noun}: give a file (or a pipe, "
                                     "such as <(cat FILE))."))
        if stat.S_ISREG(mode) and size > spec.limit:
            raise _too_big(name, spec, f"{size} bytes")
        raw = open(name, "rb", buffering=0)
    except IsADirectoryError:
        raise spec.error(must_be(spec.path_name, f"{spec.kind}, not a folder", name)) from None
    except OSError as exc:
        raise _cannot_read(name, spec, exc) from None
    return io.BufferedReader(_Bounded(raw, name, spec), buffer_size=1 << 20)


def read_input(path, spec: InputFile) -> bytes:
    """The bytes of a user's file, checked as :func:`open_input` checks it."""
    with open_input(path, spec) as f:
        return f.read()


def _input_name(path, spec) -> str:
    try:
        name = os.fsdecode(os.fspath(path))
    except TypeError:
        raise spec.error(must_be(spec.path_name, "a file name (str or Path)",
                                 type(path).__name__)) from None
    if "\0" in name or not name:
        raise spec.error(must_be(spec.path_name, "a file name", name))
    return name


def _stat(name):
    info = os.stat(name)
    return info.st_mode, info.st_size


def _too_big(name, spec, got) -> NnmathError:
    return spec.error(must_be(f"{spec.name} {shown(name)}", f"at most {_megabytes(spec.limit)}"
                              " (the most nnmath reads)", got, spec.limit_fix))


def _megabytes(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _cannot_read(name, spec, exc: OSError) -> NnmathError:
    if exc.errno == errno.ENOENT:
        return spec.error(f"{spec.name} {shown(name)} does not exist. {spec.missing_fix}")
    reason, fix = _READ_REASONS.get(exc.errno, (exc.strerror or str(exc), "Check the path."))
    detail = f" ({exc.strerror})" if exc.strerror and exc.errno in _READ_REASONS else ""
    return spec.error(f"cannot read {spec.name} {shown(name)}: {reason}{detail}. {fix}")


class _Bounded(io.RawIOBase):
    """A raw file that raises ``spec.error`` once more than ``spec.limit`` bytes were read."""

    def __init__(self, raw, name, spec):
        super().__init__()
        self._raw, self._name, self._spec, self.count = raw, name, spec, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            n = self._raw.readinto(buffer)
        except OSError as exc:   # an I/O error, or a folder found after all
            raise _cannot_read(self._name, self._spec, exc) from None
        self.count += n or 0
        if self.count > self._spec.limit:
            raise _too_big(self._name, self._spec, "a longer stream")
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()
