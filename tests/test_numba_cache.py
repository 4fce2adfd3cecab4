"""The numba cache cannot break training (nnmath.kernelcache).

Each case runs a fresh Python process (the compiled kernel is made once per process)
that trains on the numba engine with ``NUMBA_CACHE_DIR`` pointing at a folder in a given
state, and checks: training finishes, its parameters are the readable engine's (1e-12: the
kernel sums in another order than NumPy), and stderr holds exactly the one line expected.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys

import numpy as np
import pytest

from nnmath import Network

pytest.importorskip("numba", reason="the cache belongs to the numba engine; without numba "
                                    "the kernel is never compiled")

pytestmark = pytest.mark.slow   # each case compiles the kernel (several seconds)

JOB = """
import json, sys
import numpy as np
from nnmath import Network
rng = np.random.default_rng(0)
X = rng.normal(size=(30, 3)); T = (X[:, :1] > 0).astype(float)
net = Network.random([3, 4, 1], activation="tanh", output_activation="sigmoid", seed=1)
net.fit(X, T, loss="bce", epochs=3, batch_size=1, learning_rate=0.1, engine=sys.argv[1])
print(json.dumps({name: p.tolist() for name, p in net.params().items()}))
"""


def _readable_params():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    T = (X[:, :1] > 0).astype(float)
    net = Network.random([3, 4, 1], activation="tanh", output_activation="sigmoid", seed=1)
    net.fit(X, T, loss="bce", epochs=3, batch_size=1, learning_rate=0.1, engine="readable")
    return net.params()


ANNOUNCE = "from nnmath.kernelcache import announce_compiles; announce_compiles(True)\n"
FULL_DISK = """
import errno
from numba.core import caching
def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")
caching.IndexDataCacheFile._save_index = caching.IndexDataCacheFile._save_data = full
"""


def _train(cache_dir, before=""):
    """The job in a fresh process on the numba engine (after the code ``before``):
    its parameters checked, stderr's lines returned."""
    env = {k: v for k, v in os.environ.items() if k != "NNMATH_ENGINE"}
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    ran = subprocess.run([sys.executable, "-c", before + JOB, "numba"], capture_output=True,
                         text=True, env=env, timeout=600)
    assert ran.returncode == 0, ran.stderr
    params = json.loads(ran.stdout)
    for name, p in _readable_params().items():
        np.testing.assert_allclose(np.array(params[name]), p, rtol=0, atol=1e-12,
                                   err_msg=name)
    return ran.stderr.splitlines()


@pytest.fixture
def unwritable(tmp_path):
    """A cache folder that cannot be written: a folder with mode 0o500, unless this runs
    as root (root writes into it anyway), then a path under a regular file, where even
    root's mkdir fails."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        (folder / "probe").write_text("")
    except OSError:
        yield folder
    else:   # root: the mode does not stop it
        (folder / "probe").unlink()
        a_file = tmp_path / "a-file"
        a_file.write_text("not a folder")
        yield a_file / "cache"
    folder.chmod(stat.S_IRWXU)


def test_an_unwritable_cache_folder_compiles_without_it(unwritable):
    lines = _train(unwritable)
    assert len(lines) == 1, lines
    assert lines[0].startswith("nnmath: the numba cache folder NUMBA_CACHE_DIR=")
    assert "cannot be written" in lines[0] and "without a cache" in lines[0]


def test_a_corrupted_cache_entry_is_rebuilt(tmp_path):
    cache = tmp_path / "cache"
    assert _train(cache) == []                    # compiled and cached; the API says nothing
    entries = [p for p in cache.rglob("*") if p.suffix in (".nbi", ".nbc")]
    assert {p.suffix for p in entries} == {".nbi", ".nbc"}
    for entry in entries:
        entry.write_bytes(b"garbage, not a pickle")
    lines = _train(cache)
    assert len(lines) == 1, lines
    assert lines[0].startswith("nnmath: the numba cache of the training kernel could not be "
                               "read") and "rebuilding it" in lines[0]
    # the rebuilt entry is read: no notice, and no compile (it would be announced)
    assert _train(cache, before=ANNOUNCE) == []
    assert _train(tmp_path / "empty", before=ANNOUNCE) == [
        "nnmath: compiling the training kernel (numba, once, about 4 s)"]   # (the check can fail)


def test_a_cache_that_cannot_be_saved_is_skipped(tmp_path):
    # a full disk, as numba meets it when it writes the entry (issue 19: an OSError that
    # ended Network.fit): the kernel is compiled again without the cache, and trains
    lines = _train(tmp_path / "cache", before=FULL_DISK)
    assert len(lines) == 1, lines
    assert lines[0].startswith("nnmath: the numba cache of the training kernel cannot be "
                               "written (OSError: [Errno 28] No space left on device)")
    assert not list((tmp_path / "cache").rglob("*.nbi"))


def _in_a_terminal(args, env):
    """Run ``args`` with stderr on a pseudo-terminal (the announcement is for a person at
    a terminal); stdout piped. Returns (exit code, the lines written to stderr)."""
    import pty
    import threading

    main, child = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=child, env=env)
    os.close(child)
    received = []

    def read():     # all along: a full terminal buffer would stop the child
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:     # EIO: the child has closed its end
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    proc.communicate(timeout=600)
    reader.join(timeout=60)
    os.close(main)
    text = b"".join(received).decode(errors="replace")
    return proc.returncode, text.replace("\r", "\n").splitlines()


def test_the_command_line_announces_the_compile_once(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,y\n" + "".join(f"{i % 7},{(i * 3) % 5},{i % 2}\n"
                                          for i in range(40)))
    env = {**os.environ, "NNMATH_ENGINE": "numba", "NUMBA_CACHE_DIR": str(tmp_path / "c")}
    notices = []
    for _ in range(2):
        code, lines = _in_a_terminal([sys.executable, "-m", "nnmath", "train", str(data),
                                      "--target", "y", "--epochs", "2"], env)
        assert code == 0, lines
        # the terminal also shows the progress bar: the lines of nnmath's own notices
        # (rich clears the bar's line before it: its escape sequences are taken out)
        notices.append([re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line).strip()
                        for line in lines if "nnmath: " in line])
    assert notices[0] == ["nnmath: compiling the training kernel (numba, once, about 4 s)"]
    assert notices[1] == []                       # read from the cache: nothing to say


def test_piped_the_command_line_writes_nothing_but_errors(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,y\n" + "".join(f"{i % 7},{(i * 3) % 5},{i % 2}\n"
                                          for i in range(40)))
    env = {**os.environ, "NNMATH_ENGINE": "numba", "NUMBA_CACHE_DIR": str(tmp_path / "c")}
    ran = subprocess.run([sys.executable, "-m", "nnmath", "train", str(data), "--target", "y",
                          "--epochs", "2"], capture_output=True, text=True, env=env,
                         timeout=600)
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr   # compiled, not announced
    assert list((tmp_path / "c").rglob("*.nbi"))                  # but cached
