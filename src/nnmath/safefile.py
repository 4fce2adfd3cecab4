"""A user's files: nothing they have is lost, and nothing nnmath reads is endless.

Three rules, each enforced here and nowhere else:

1. **An output is never an input.** :func:`check_not_input`: no file a command
   writes may be a file the same command reads (the same path, a symbolic link
   to it or a hard link of it); checked before any work, so a refused command
   changes nothing.
2. **All of the new file or all of the old one, never half.** :func:`write_atomic`
   writes to a temporary file in the same folder, flushes and fsyncs it, then
   renames it over the target (``os.replace``: atomic on POSIX and Windows) and
   fsyncs the folder. A crash, a kill or a full disk at any moment leaves
   either the old file or the complete new one (at worst a stray
   ``.NAME.*.tmp`` beside it after a SIGKILL). :class:`atomic_path` does the
   same for writers that need a file name (matplotlib, Pillow); an ``OSError``
   while they write (a full disk) is one clear error. :func:`check_writable`
   makes the same checks up front, so that a long training run does not end
   with "cannot write". A read-only file is not replaced (not even by root, who
   could). :func:`new_folder` undoes a failed command's files: the folders it
   made are removed, and in a folder that was there, the files it wrote are
   removed (new ones) or put back as they were (a hard link keeps the old file
   until the command ends), so "Nothing was changed" is true.
3. **Every file read is checked for kind and size** (in :mod:`nnmath.inputfile`):
   :func:`open_input` and :func:`read_input`: a regular file of at most the reader's limit, or a pipe
   (``<(cat data.csv)``, ``/dev/stdin``, a FIFO) read as a stream of at most
   that limit; never a device (``/dev/zero``) or a folder. A path that cannot be
   opened (missing, not a folder on the way, a symbolic-link loop, a name too
   long, permission denied) is one line naming the reason.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .errors import ConfigError, ModelFileError, must_be, shown
from .inputfile import InputFile, open_input, read_input  # noqa: F401 (rule 3, kept here too)

__all__ = ["write_atomic", "check_writable", "atomic_path", "check_not_input",
           "check_not_inside", "new_folder",
           "InputFile", "open_input", "read_input"]


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


def write_atomic(path, text) -> None:
    """Write ``text`` to ``path``: temporary file in the same folder, fsync, rename.

    ``text`` is a str, or an iterable of str written one after the other (a large
    file made a block at a time).

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
    """The file to replace and its folder, after the checks that need no writing.

    Messages name the path as the user gave it (``/dev/stdout``), never what a link
    resolves to (``/proc/1234/fd/1``)."""
    given = path
    if path.exists() and not path.is_dir() and not path.is_file():
        # a device (/dev/null), a FIFO, a socket, or a link to one (/dev/stdout on a pipe
        # or a terminal): nothing to replace atomically
        raise ModelFileError(must_be("the output path", "a regular file", str(given),
                                     "Choose a file name in a folder, e.g. model.json."))
    if path.is_symlink():   # replace the file the link points to, keep the link
        path = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not path.name:
        raise ModelFileError(must_be("the output path", "a file, not a folder", str(given),
                                     "Add a file name, e.g. model.json."))
    if path.exists() and not path.is_file():
        raise ModelFileError(must_be("the output path", "a regular file", str(given),
                                     "Choose a file name in a folder, e.g. model.json."))
    if path.is_file() and _read_only(path):
        raise ModelFileError(must_be("the output file", "writable (nnmath does not replace a "
                                     "read-only file)", str(given), "Make it writable (chmod "
                                     "u+w FILE) or choose another name; nothing was changed."))
    if not folder.is_dir():
        shown_folder = folder if path == given else (given.parent if str(given.parent) else ".")
        raise ModelFileError(must_be("the output folder", "an existing folder",
                                     str(shown_folder), "Create it first, or choose another "
                                     "path."))
    return path, folder


def _read_only(path: Path) -> bool:
    """No one may write the file (``chmod a-w``), or we may not. Root may write anyway and
    a rename needs only the folder: the permissions say what the owner wants kept."""
    try:
        return not path.stat().st_mode & 0o222 or not os.access(path, os.W_OK)
    except OSError:
        return False


TEMP_NAME_BYTES = 100
"""The most bytes of the file's name a temporary file's name starts with: with the rest
(``.``, ``.``, 8 random characters, ``.tmp`` and a suffix of at most 16) it stays well
within the 255 bytes a name may have (NAME_MAX), whatever the name's length."""


def _temporary(path: Path, folder: Path, suffix: str = "") -> tuple[int, str]:
    """A new temporary file ``.NAME.XXXXXXXX.tmp[SUFFIX]`` in ``folder`` (NAME cut to
    :data:`TEMP_NAME_BYTES` bytes)."""
    name = os.fsencode(path.name)[:TEMP_NAME_BYTES].decode("utf-8", errors="ignore") \
        if len(os.fsencode(path.name)) > TEMP_NAME_BYTES else path.name
    suffix = suffix if len(os.fsencode(suffix)) <= 16 else ""
    try:
        return tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp" + suffix, dir=folder)
    except OSError as exc:
        raise ModelFileError(f"cannot write to {str(folder)!r}: {exc.strerror}. "
                             "Choose a folder you can write to.") from None


@contextmanager
def _interrupts_deferred():
    """Hold a Ctrl-C (SIGINT) or SIGTERM until the block is done, then raise it.

    The kill test found it: a Ctrl-C that lands between creating the temporary
    file and the ``try`` that removes it on failure leaves the file behind. The
    few milliseconds of a write are not worth that; the interrupt comes right after.
    Only in the main thread (where Python runs signal handlers).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous, received = {s: signal.getsignal(s) for s in signals}, []
    try:
        for s in signals:
            signal.signal(s, lambda signum, frame: received.append(signum))
        yield
    finally:
        for s in signals:
            signal.signal(s, previous[s])
    if received:
        handler = previous[received[0]]
        if callable(handler):           # Python's or nnmath's: raises KeyboardInterrupt
            handler(received[0], None)
        elif handler == signal.SIG_DFL:
            if received[0] == signal.SIGTERM:    # what SIGTERM would have done: end it
                signal.raise_signal(signal.SIGTERM)
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
        self.tmp: str | None = None
        try:
            with _interrupts_deferred():
                self.target, folder = _target(self.path)
                fd, tmp = _temporary(self.target, folder, suffix=self.path.suffix)
                self.tmp = tmp
                os.close(fd)
        except OSError as exc:
            raise ModelFileError(f"cannot write {str(self.path)[:200]!r}: "
                                 f"{exc.strerror or exc}. Choose another path.") from None
        except KeyboardInterrupt:   # held during the block, raised now: no __exit__ will come
            if self.tmp:
                _remove(self.tmp)
            raise
        return tmp

    def __exit__(self, kind, value, tb):
        with _interrupts_deferred():
            return self._finish(kind, value)

    def _finish(self, kind, value) -> bool:
        tmp = self.tmp
        assert tmp is not None   # __exit__ runs only after __enter__ made the file
        if kind is not None:
            _remove(tmp)
            if isinstance(value, OSError):   # the writer's: a full disk, a quota, an I/O error
                raise _not_written(self.target, value) from None
            return False
        try:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fchmod(fd, _mode_for(self.target))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.target)
            _fsync_folder(self.target.parent)
        except BaseException as exc:
            _remove(tmp)
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
            for part in [text] if isinstance(text, str) else text:
                f.write(part)
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


# -- 1. an output is never an input -------------------------------------------------------

def check_not_input(output, inputs: dict, option: str = "--output", into: bool = False) -> None:
    """Raise :class:`ConfigError` if the file ``output`` is one of the command's ``inputs``.

    ``inputs`` maps what each input is (``"the data file"``) to its path (None: not
    given). The same file is found through symbolic links and hard links
    (``os.path.samefile``), else by the resolved path. Call it before any work.
    ``into``: ``output`` is a file the command writes into the folder ``option`` names.

    >>> check_not_input("model.json", {"the data file": "data.csv"}, "--save")
    >>> check_not_input("./data.csv", {"the data file": "data.csv"}, "--save")
    Traceback (most recent call last):
    ...
    nnmath.errors.ConfigError: the file --save writes must be another file than the command reads. Got './data.csv'. It is the data file: choose another name for --save; nothing was changed.
    """
    if output is None:
        return
    for what, path in inputs.items():
        if path is not None and _same_file(output, path):
            raise ConfigError(must_be(f"the file {option} writes", "another file than the "
                                      "command reads", str(output), f"It is {what}: choose "
                                      f"another {'folder' if into else 'name'} for {option}; "
                                      "nothing was changed."))


def check_not_inside(folder, inputs: dict, option: str, names=None) -> None:
    """:func:`check_not_input` for a folder a command writes into: no input may be one of
    the files ``folder/NAME`` for NAME in ``names``, or (``names`` None) anywhere in it."""
    if names is not None:
        for name in names:
            check_not_input(Path(folder) / name, inputs, option, into=True)
        return
    inside = os.path.realpath(folder)
    for what, path in inputs.items():
        if path is not None and os.path.realpath(path).startswith(inside + os.sep):
            check_not_input(path, {what: path}, option, into=True)


def _same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError, TypeError):   # one of them does not exist (yet)
        pass
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError, TypeError):
        return False


# -- 2. folders a command makes are removed when it fails ---------------------------------

@contextmanager
def new_folder(folder, what: str = "the output folder"):
    """``with new_folder(path) as written:`` ``path`` exists (made with its missing parents).

    Append each file to ``written`` before writing it. If the block raises, every file
    appended is undone: a new one is removed, one that was there is put back (it was
    kept aside as a hard link when appended, which takes no space on a full disk), then
    the folders made here are removed if they are empty. So a failed command (a full
    disk, a bad value found late, Ctrl-C) leaves no empty or half-filled new folder, and
    a folder that existed before as it was. If the block ends well, the old files kept
    aside are let go.
    """
    folder, made = Path(folder), []
    missing = []
    probe = folder
    while not os.path.lexists(probe) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    try:
        for path in reversed(missing):
            path.mkdir()
            made.append(path)
        if not folder.is_dir():
            raise ConfigError(must_be(what, "a folder", str(folder),
                                      "Choose another folder name."))
    except OSError as exc:
        _remove_made(made, [])
        raise ConfigError(f"cannot create {what} {shown(str(folder))}: "
                          f"{exc.strerror or exc}. Choose a folder you can write to.") from None
    written = _Written()
    try:
        yield written
    except BaseException:
        written.undo()
        _remove_made(made, written)
        raise
    written.let_go()


class _Written(list):
    """The files a block writes (:func:`new_folder`), each appended before it is written:
    one that is there already is kept aside (a hard link ``.NAME.nnmath-old-PID`` beside
    it) until :meth:`undo` puts it back or :meth:`let_go` removes the link."""

    def __init__(self) -> None:
        super().__init__()
        self._before: dict[str, str | None] = {}   # path -> its kept link (None: new)

    def append(self, path) -> None:
        super().append(path)
        name = os.fspath(path)
        if name in self._before:
            return
        if not os.path.lexists(name):
            self._before[name] = None
            return
        if os.path.islink(name) or not os.path.isfile(name):
            return   # not ours to undo: left as it is
        kept = os.path.join(os.path.dirname(name) or ".",
                            f".{os.path.basename(name)}.nnmath-old-{os.getpid()}")
        try:
            if os.path.lexists(kept):
                os.unlink(kept)
            os.link(name, kept)
        except OSError:   # a file system without hard links: left as the block leaves it
            return
        self._before[name] = kept

    def undo(self) -> None:
        """Remove the new files, put back the old ones (best effort: never raises)."""
        for name, kept in self._before.items():
            try:
                if kept is None:
                    if os.path.lexists(name):
                        os.unlink(name)
                else:
                    os.replace(kept, name)
            except OSError:
                pass
        self._before.clear()

    def let_go(self) -> None:
        """The block ended well: remove the links that kept the old files."""
        for kept in self._before.values():
            if kept is not None:
                try:
                    os.unlink(kept)
                except OSError:
                    pass
        self._before.clear()


def _remove_made(made, written) -> None:
    made_set = {os.path.realpath(p) for p in made}
    for path in written:
        if os.path.realpath(Path(path).parent) in made_set:
            try:
                os.unlink(path)
            except OSError:
                pass
    for path in reversed(made):
        try:
            path.rmdir()   # only when empty: never a file we did not write
        except OSError:
            pass
