"""Writing files safely: all of the new file or all of the old one, never half.

:func:`write_atomic` writes to a temporary file in the same folder, flushes
and fsyncs it, then renames it over the target (``os.replace``: atomic on
POSIX and Windows) and fsyncs the folder. A crash, a kill or a full disk at
any moment leaves either the old file or the complete new one (at worst a
stray ``.NAME.*.tmp`` beside it after a SIGKILL). :class:`atomic_path` does
the same for writers that need a file name (matplotlib, Pillow).

:func:`check_writable` makes the same checks up front, so that a long
training run does not end with "cannot write".
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .errors import ModelFileError, must_be

__all__ = ["write_atomic", "check_writable", "atomic_path"]


def check_writable(path) -> None:
    """Raise :class:`ModelFileError` now if ``write_atomic(path, ...)`` could not write.

    Checks the path (not a folder, not a device) and that a file can be
    created in its folder; writes nothing and leaves no file behind.
    """
    try:
        path, folder = _target(Path(path))
        fd, tmp = _temporary(path, folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise ModelFileError(f"cannot write {str(path)[:200]!r}: {exc.strerror or exc}. "
                             "Choose another path.") from None


def write_atomic(path, text: str) -> None:
    """Write ``text`` to ``path``: temporary file in the same folder, fsync, rename.

    An existing file at ``path`` is either left as it was or replaced by the
    complete new text, whatever happens (an error, a full disk, a kill). It
    keeps its permissions; a symbolic link keeps pointing at the new file.
    """
    try:
        with _interrupts_deferred():
            _write_atomic(Path(path), text)
    except OSError as exc:   # e.g. a name longer than the system allows
        raise ModelFileError(f"cannot write {str(path)[:200]!r}: {exc.strerror or exc}. "
                             "Choose another path.") from None


def _target(path: Path):
    """The file to replace and its folder, after the checks that need no writing."""
    if path.is_symlink():   # replace the file the link points to, keep the link
        path = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not path.name:
        raise ModelFileError(must_be("the output path", "a file, not a folder", str(path),
                                     "Add a file name, e.g. model.json."))
    if path.exists() and not path.is_file():   # a device (/dev/null), FIFO or socket
        raise ModelFileError(must_be("the output path", "a regular file", str(path),
                                     "Choose a file name in a folder, e.g. model.json."))
    if not folder.is_dir():
        raise ModelFileError(must_be("the output folder", "an existing folder", str(folder),
                                     "Create it first, or choose another path."))
    return path, folder


def _temporary(path: Path, folder: Path, suffix: str = ""):
    try:
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + suffix, dir=folder)
    except OSError as exc:
        raise ModelFileError(f"cannot write to {str(folder)!r}: {exc.strerror}. "
                             "Choose a folder you can write to.") from None


@contextmanager
def _interrupts_deferred():
    """Hold a Ctrl-C (SIGINT) until the block is done, then raise KeyboardInterrupt.

    The kill test found it: a Ctrl-C that lands between creating the temporary
    file and the ``try`` that removes it on failure leaves the file behind. The
    few milliseconds of a write are not worth that; the interrupt comes right after.
    Only in the main thread (where Python runs signal handlers).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous, received = signal.getsignal(signal.SIGINT), []
    try:
        signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        if callable(previous):          # Python's handler: raises KeyboardInterrupt
            previous(signal.SIGINT, None)
        elif previous == signal.SIG_DFL:
            raise KeyboardInterrupt


class atomic_path:
    """``with atomic_path(path) as tmp:`` write the file named ``tmp``; it replaces ``path``.

    For writers that want a file name (matplotlib's ``savefig``, Pillow): the
    temporary file is in the same folder and keeps ``path``'s suffix; on
    success it is fsynced and renamed over ``path``, on any exception removed.
    """

    def __init__(self, path):
        self.path = Path(path)

    def __enter__(self) -> str:
        self.tmp = None
        try:
            with _interrupts_deferred():
                self.target, folder = _target(self.path)
                fd, self.tmp = _temporary(self.target, folder, suffix=self.path.suffix)
                os.close(fd)
        except OSError as exc:
            raise ModelFileError(f"cannot write {str(self.path)[:200]!r}: "
                                 f"{exc.strerror or exc}. Choose another path.") from None
        except KeyboardInterrupt:   # held during the block, raised now: no __exit__ will come
            if self.tmp:
                _remove(self.tmp)
            raise
        return self.tmp

    def __exit__(self, kind, value, tb):
        with _interrupts_deferred():
            return self._finish(kind)

    def _finish(self, kind) -> bool:
        if kind is not None:
            _remove(self.tmp)
            return False
        try:
            fd = os.open(self.tmp, os.O_RDONLY)
            try:
                os.fchmod(fd, _mode_for(self.target))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(self.tmp, self.target)
            _fsync_folder(self.target.parent)
        except BaseException as exc:
            _remove(self.tmp)
            if isinstance(exc, OSError):
                raise _not_written(self.target, exc) from None
            raise
        return False


def _remove(tmp) -> None:
    if os.path.exists(tmp):
        os.unlink(tmp)


def _not_written(path, exc) -> ModelFileError:
    return ModelFileError(f"cannot write {str(path)!r}: {exc.strerror or exc}. Nothing was "
                          "changed; free some space or choose another folder.")


def _write_atomic(path: Path, text: str) -> None:
    path, folder = _target(path)
    fd, tmp = _temporary(path, folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), _mode_for(path))
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_folder(folder)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, OSError):   # disk full, quota, I/O error: the old file is intact
            raise _not_written(path, exc) from None
        raise


def _mode_for(path: Path) -> int:
    """The permissions the file will have: the old file's, else 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
