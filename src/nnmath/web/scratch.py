"""The temporary folders of requests under way (an upload being read, a report being
drawn): each is removed when its request ends, and all of them when the server stops,
even a request cut short by a second Ctrl-C (its thread cannot be stopped; the
process ends while it runs).

A folder and its subfolders are made here, under a lock, before the request writes in
them; afterwards the request only writes files into folders that exist. So once
:meth:`Scratch.close` has removed them, a request still running cannot make them again:
its next file fails to be written, and nothing is left in the temporary directory
(``$TMPDIR``).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError, NnmathError

__all__ = ["Scratch", "SCRATCH", "StoppingError"]


class StoppingError(NnmathError):
    """The server is stopping: no new temporary folder (HTTP 503)."""


class Scratch:
    """Temporary folders, each removed when its request ends, all of them by :meth:`close`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folders: set[Path] = set()
        self.closed = False

    @contextmanager
    def folder(self, *subfolders: str, prefix: str = "nnmath-serve-") -> Iterator[Path]:
        """A new private temporary folder with ``subfolders`` made in it, removed (with
        everything in it) when the block ends."""
        with self._lock:
            if self.closed:
                raise StoppingError("the server is stopping: it takes no new work. Start "
                                    "nnmath serve again.")
            try:
                root = Path(tempfile.mkdtemp(prefix=prefix))
            except OSError as exc:
                raise ConfigError(_cannot(exc)) from None
            self._folders.add(root)
            try:
                for sub in subfolders:
                    (root / sub).mkdir(parents=True)
            except OSError as exc:
                self._remove(root)
                raise ConfigError(_cannot(exc)) from None
            except BaseException:
                self._remove(root)
                raise
        try:
            yield root
        finally:
            with self._lock:
                self._remove(root)

    def close(self) -> None:
        """Remove every folder of a request still under way; make no new one."""
        with self._lock:
            self.closed = True
            for root in list(self._folders):
                self._remove(root)

    def __len__(self) -> int:
        return len(self._folders)

    def _remove(self, root: Path) -> None:
        shutil.rmtree(root, ignore_errors=True)
        self._folders.discard(root)


def _cannot(exc: OSError) -> str:
    return (f"the server cannot make a temporary folder: {exc.strerror or type(exc).__name__}"
            ". Free some space in its temporary directory ($TMPDIR), then try again.")


SCRATCH = Scratch()
"""The temporary folders of this process's requests (``nnmath serve`` closes it as it
stops)."""
