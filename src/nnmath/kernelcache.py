"""The compiled training kernel, with a disk cache that cannot break training.

:func:`nnmath.kernels.compiled` compiles the kernel with numba and caches the machine
code on disk (numba's cache: the folder ``NUMBA_CACHE_DIR``, else the package's
``__pycache__``, else the user's cache folder), so that only the first process pays the
compile (about 4 s). The cache is a speed-up, never a condition for training.
:func:`compiled_kernel` gives the kernel guarded so that:

- a cache folder that cannot be written (``NUMBA_CACHE_DIR`` unwritable, or no folder at
  all that numba could use) gives a kernel compiled without a cache;
- a cache entry that cannot be read (a corrupted ``.nbi`` or ``.nbc`` file) or written
  (a full disk) is rebuilt: the cache's index is emptied and the kernel compiled and saved
  again; if even that fails, the kernel is compiled without the cache;

each with one line of notice on stderr (:data:`NOTICE` first), and training goes on with
the same numbers. An error that does not come from numba's cache is raised as it is.

The command line also announces the one-time compile, when it happens (a cache miss),
with one line on stderr when stderr is a terminal (:func:`announce_compiles`;
``nnmath.cli`` turns it on there, as it shows the progress bar only there).

numba is imported here only when the kernel is asked for (``import nnmath`` stays
NumPy-only).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # the command line imports this module; the kernel only when it trains
    from .kernels import RunEpochs

__all__ = ["compiled_kernel", "announce_compiles", "NOTICE", "GuardedKernel"]

NOTICE = "nnmath: "
"""How each line this module writes on stderr starts."""

_ANNOUNCE: list[bool] = [False]
_KERNEL: list[GuardedKernel | None] = []


def announce_compiles(on: bool = True) -> None:
    """Say on stderr, in one line, when the kernel is compiled (not when it is read from
    the cache): the command line's few seconds of silence get a reason."""
    _ANNOUNCE[0] = bool(on)


def compiled_kernel() -> GuardedKernel | None:
    """The compiled kernel (:func:`nnmath.kernels.run_epochs`), guarded against its
    cache; None without numba. Made once per process."""
    if not _KERNEL:
        _KERNEL.append(_load())
    return _KERNEL[0]


def _notice(text: str) -> None:
    sys.stderr.write(f"{NOTICE}{text}\n")
    sys.stderr.flush()


def _load() -> GuardedKernel | None:
    try:
        import numba
    except ImportError:
        return None
    from .kernels import compiled

    problem = _cache_dir_problem(numba)
    try:
        kernel = compiled()
    except Exception as exc:     # numba found no folder to cache in: RuntimeError
        if not _from_the_cache(exc):
            raise
        problem = f"no folder for numba's cache can be written ({_short(exc)})"
        kernel = _made_with_a_folder(numba)
    if kernel is None:
        return None
    if problem is None:
        return GuardedKernel(kernel, cached=True)
    guarded = GuardedKernel(kernel, cached=False, explained=True)
    guarded.uncache()     # before its first call: the compile neither reads nor writes
    _notice(f"{problem}: compiling the training kernel without a cache (about 4 s, "
            "in every process)")
    return guarded


def _made_with_a_folder(numba: ModuleType) -> RunEpochs | None:
    """The kernel's functions made with a passing cache folder (numba wants one to make a
    cached function at all); :meth:`GuardedKernel.uncache` then takes the cache away."""
    from .kernels import compiled

    saved = numba.config.CACHE_DIR
    with tempfile.TemporaryDirectory() as folder:
        numba.config.CACHE_DIR = folder
        try:
            return compiled()
        finally:
            numba.config.CACHE_DIR = saved


def _cache_dir_problem(numba: ModuleType) -> str | None:
    """What is wrong with ``NUMBA_CACHE_DIR``, if it is set and cannot be written (numba
    would quietly cache elsewhere, or nowhere); None if it is fine or not set."""
    folder = getattr(numba.config, "CACHE_DIR", "")
    if not folder:
        return None
    try:   # what numba itself tries: make the folder, write a file in it
        os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        return f"the numba cache folder NUMBA_CACHE_DIR={folder!r} cannot be written " \
               f"({exc.strerror or type(exc).__name__})"
    return None


def _from_the_cache(exc: BaseException) -> bool:
    """Whether ``exc`` was raised in numba's cache code (reading, writing or locating it)."""
    return _cache_frames(exc.__traceback__) != set()


def _cache_frames(tb: TracebackType | None) -> set[str]:
    """The names of the functions of numba's cache module the traceback passes through."""
    where = os.path.join("numba", "core", "caching.py")
    names = set()
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(where):
            names.add(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    return names


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class GuardedKernel:
    """The compiled kernel, called as it is; a call that fails in numba's cache (the
    compile that loads or saves it) is repaired (see the module) and made again. The
    kernel raises such an error before it runs a step, so the retry starts from the
    same parameters."""

    def __init__(self, kernel: RunEpochs, cached: bool, explained: bool = False) -> None:
        self.kernel, self.cached, self.explained = kernel, cached, explained

    def __call__(self, *args: Any) -> tuple[int, int, int]:
        with self._announced():
            try:
                return self.kernel(*args)
            except Exception as exc:
                if not _from_the_cache(exc):
                    raise
                return self._rebuilt(exc, args)

    def _dispatchers(self) -> list[Any]:
        """The kernel's compiled functions: ``run_epochs`` and the helpers it calls (one
        cache entry each)."""
        from numba.core.dispatcher import Dispatcher

        namespace = self.kernel.py_func.__globals__    # type: ignore[attr-defined]
        return [f for f in namespace.values() if isinstance(f, Dispatcher)]

    def _rebuilt(self, exc: Exception, args: tuple[Any, ...]) -> tuple[int, int, int]:
        self.explained = True     # by the notice below: the compile is not announced again
        if any("save" in name for name in _cache_frames(exc.__traceback__)):
            return self._without_cache(f"cannot be written ({_short(exc)})", args)
        try:
            for dispatcher in self._dispatchers():   # an empty index: entries made anew
                dispatcher._cache.flush()
        except OSError as failed:
            return self._without_cache(f"cannot be read ({_short(exc)}) nor rewritten "
                                       f"({_short(failed)})", args)
        _notice(f"the numba cache of the training kernel could not be read ({_short(exc)}): "
                "rebuilding it (compiling the kernel, about 4 s)")
        try:
            return self.kernel(*args)
        except Exception as again:
            if not _from_the_cache(again):
                raise
            return self._without_cache(f"cannot be rewritten ({_short(again)})", args)

    def uncache(self) -> None:
        """Take the disk cache away from the kernel's functions: compiled, not read or
        saved."""
        from numba.core.caching import NullCache

        for dispatcher in self._dispatchers():
            dispatcher._cache = NullCache()
        self.cached = False

    def _without_cache(self, why: str, args: tuple[Any, ...]) -> tuple[int, int, int]:
        """The call again, the kernel compiled with no cache at all (one line says so)."""
        self.uncache()
        _notice(f"the numba cache of the training kernel {why}: compiling the kernel "
                "without it (about 4 s)")
        return self.kernel(*args)

    def _announced(self) -> Any:
        """While the kernel runs: one line on stderr when numba starts compiling it (a
        cache miss), with the command line's :func:`announce_compiles` on, unless a
        notice has explained the compile already."""
        if not _ANNOUNCE[0] or self.explained:
            return nullcontext()
        return _listening(self)


@contextmanager
def _listening(kernel: GuardedKernel) -> Iterator[None]:
    from numba.core import event

    said: list[bool] = []

    class Announce(event.Listener):
        def on_start(self, _event: Any) -> None:
            if not said and not kernel.explained:
                said.append(True)
                kernel.explained = True     # once a process
                # short: a terminal of 80 columns shows it on one line
                _notice("compiling the training kernel (numba, once, about 4 s)")

        def on_end(self, _event: Any) -> None:
            pass

    with event.install_listener("numba:compile", Announce()):
        yield
