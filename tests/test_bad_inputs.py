"""The bad-input corpus: every case in tests/bad_inputs/*.json through the real CLI.

Each case runs ``python -m nnmath ARGV`` in a subprocess, in its own empty
temporary folder, and states the exit code and a message fragment
(tests/bad_inputs/README.md describes the format). An error must be one line
on stderr, exit 2, no traceback, nothing on stdout; a success nothing on
stderr (no warning). No case may leave a temporary file behind.

Python's start-up (importing NumPy and nnmath: ~0.3 s) is paid once per worker,
not once per case: each case runs in a fresh process forked from a process
that has only imported nnmath, doing what ``python -m nnmath`` does
(tests/bad_inputs/forkserver.py). ``test_forked_runs_equal_python_dash_m``
checks that this gives the same exit code, stdout and stderr as a real
``python -m nnmath`` subprocess, for one case of every kind.
"""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# starts the command line in processes
pytestmark = pytest.mark.process

HERE = Path(__file__).parent / "bad_inputs"
FILES = HERE / "files"
KINDS = sorted(p.stem for p in HERE.glob("*.json"))
CASES = [{**case, "kind": kind} for kind in KINDS
         for case in json.loads((HERE / f"{kind}.json").read_text(encoding="utf-8"))]
BY_ID = {case["id"]: case for case in CASES}


class _Skip(Exception):
    """A case that cannot be set up here (the reason is the message)."""


def _sub(text: str, tmp: Path) -> str:
    return text.replace("{files}", str(FILES)).replace("{tmp}", str(tmp))


def _setup(action: dict, tmp: Path, cleanups: list) -> None:
    if "write" in action:
        path = Path(_sub(action["write"], tmp))
        if "text" in action:
            path.write_text(action["text"], encoding="utf-8")
        elif "repeat" in action:
            path.write_text("".join(text * n for text, n in action["repeat"]), encoding="utf-8")
        elif "random_bytes" in action:
            path.write_bytes(random.Random(action["seed"]).randbytes(action["random_bytes"]))
        elif "random_text" in action:   # random bytes mapped onto the alphabet: fast
            alphabet = action["alphabet"].encode("ascii")
            table = bytes(alphabet[i % len(alphabet)] for i in range(256))
            data = random.Random(action["seed"]).randbytes(action["random_text"])
            path.write_bytes(data.translate(table))
        else:
            raise ValueError(f"write action without content: {action}")
    elif "sparse" in action:
        with open(_sub(action["sparse"], tmp), "wb") as f:
            f.truncate(action["bytes"])
    elif "copy" in action:
        shutil.copy(_sub(action["copy"], tmp), _sub(action["to"], tmp))
    elif "mkfifo" in action:
        os.mkfifo(_sub(action["mkfifo"], tmp))
        if "feed" in action:
            _feed(Path(_sub(action["mkfifo"], tmp)), Path(_sub(action["feed"], tmp)), cleanups)
    elif "symlink" in action:
        os.symlink(_sub(action["to"], tmp), _sub(action["symlink"], tmp))
    elif "link" in action:
        os.link(_sub(action["to"], tmp), _sub(action["link"], tmp))
    elif "chmod" in action:
        os.chmod(_sub(action["chmod"], tmp), int(action["mode"], 8))
    elif "mkdir" in action:
        path = Path(_sub(action["mkdir"], tmp))
        path.mkdir()
        if action.get("readonly"):
            _make_read_only(path, cleanups)
    else:
        raise ValueError(f"unknown setup action: {action}")


def _feed(fifo: Path, source: Path, cleanups: list) -> None:
    """A writer (a thread) that writes ``source``'s bytes into ``fifo`` once a reader
    opens it, as ``<(cat source)`` does; the cleanup opens the FIFO itself (so that a
    writer whose reader never came stops waiting) and drains it."""
    def write():
        try:
            with open(fifo, "wb") as f:
                f.write(source.read_bytes())
        except BrokenPipeError:   # the reader stopped early (an error found in the data)
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()

    def stop():
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)   # lets a waiting writer open it
        os.set_blocking(fd, True)
        try:
            while writer.is_alive() and os.read(fd, 1 << 16):
                pass
        finally:
            os.close(fd)
        writer.join(timeout=30)

    cleanups.append(stop)


def _make_read_only(path: Path, cleanups: list) -> None:
    path.chmod(0o555)
    cleanups.append(lambda: path.chmod(0o755))
    if os.geteuid() != 0:
        return
    # root ignores permissions; an immutable folder stops root too.
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        raise _Skip("running as root, and `chattr +i` is not possible here: no way to make "
                    "a folder read-only for root")
    cleanups.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=True))


def _dig(data, dotted: str):
    for key in dotted.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


ENV = {"COLUMNS": "100", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def python_dash_m(argv, cwd, hide_modules=()) -> subprocess.CompletedProcess:
    """``python -m nnmath ARGV`` in a new Python process (``hide_modules``: as if not
    installed, ``sys.modules[name] = None`` before nnmath runs)."""
    command = [sys.executable, "-m", "nnmath"]
    if hide_modules:
        command = [sys.executable, "-c", "import runpy, sys; sys.argv[0] = 'nnmath'; "
                   f"sys.modules.update(dict.fromkeys({list(hide_modules)!r})); "
                   "runpy.run_module('nnmath', run_name='__main__', alter_sys=True)"]
    return subprocess.run([*command, *argv], cwd=cwd, capture_output=True,
                          text=True, errors="replace", timeout=120, env={**os.environ, **ENV})


class ForkServer:
    """tests/bad_inputs/forkserver.py: ``python -m nnmath ARGV`` without the start-up."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, str(HERE / "forkserver.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, **ENV})

    def __call__(self, argv, cwd, hide_modules=()) -> subprocess.CompletedProcess:
        with tempfile.TemporaryDirectory() as out:
            request = {"argv": argv, "cwd": str(cwd), "env": ENV,
                       "stdout": f"{out}/stdout", "stderr": f"{out}/stderr",
                       "hide_modules": list(hide_modules)}
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            code = json.loads(self.proc.stdout.readline())["exit"]
            read = lambda name: Path(out, name).read_text(errors="replace")  # noqa: E731
            return subprocess.CompletedProcess(argv, code, read("stdout"), read("stderr"))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def run_case(case: dict, tmp: Path, runner=python_dash_m) -> dict:
    """Set up, run the command, and collect everything the checks need."""
    cleanups: list = []
    try:
        for action in case.get("setup", []):
            _setup(action, tmp, cleanups)
        before = {p: Path(_sub(p, tmp)).read_bytes() for p in case.get("unchanged", [])}
        proc = runner([_sub(a, tmp) for a in case["argv"]], tmp,
                      hide_modules=case.get("hide_modules", ()))
        return {
            "proc": proc,
            "tmp": tmp,
            "changed": [p for p, data in before.items()
                        if Path(_sub(p, tmp)).read_bytes() != data],
            "present": [p for p in case.get("absent", []) if os.path.lexists(_sub(p, tmp))],
            "json": {p: json.loads(Path(_sub(p, tmp)).read_text()) for p in
                     case.get("file_json", {})},
            "temporary": sorted(str(p.relative_to(tmp)) for p in tmp.rglob(".*.tmp*")),
        }
    except _Skip as skip:
        return {"skip": str(skip)}
    finally:
        for undo in reversed(cleanups):
            undo()


@pytest.fixture(scope="session")
def corpus_results(request, tmp_path_factory):
    """Run the selected cases, a few at a time; {id: result}."""
    wanted = [item.callspec.params["case_id"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_bad_input"]

    wanted.sort(key=lambda case_id: "10MB" not in case_id)   # the longest ones first
    folders = {case_id: tmp_path_factory.mktemp("bad") for case_id in wanted}  # not threadsafe

    workers = max(2, min(4, os.cpu_count() or 1))
    servers = queue.Queue()
    for _ in range(workers):
        servers.put(ForkServer())

    def one(case_id):
        server = servers.get()
        try:
            return case_id, run_case(BY_ID[case_id], folders[case_id], server)
        finally:
            servers.put(server)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(pool.map(one, wanted))
    finally:
        for _ in range(workers):
            servers.get().close()


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_bad_input(case_id, corpus_results):
    case, result = BY_ID[case_id], corpus_results[case_id]
    if "skip" in result:
        pytest.skip(result["skip"])
    proc = result["proc"]
    shown = f"\nargv: {case['argv']}\nexit: {proc.returncode}\nstdout: {proc.stdout[:2000]}" \
            f"\nstderr: {proc.stderr[:2000]}"
    assert proc.returncode == case["exit"], shown
    assert "Traceback" not in proc.stderr, shown
    if case["exit"] == 0:
        assert proc.stderr == "", shown
        assert _sub(case["stdout"], result["tmp"]) in proc.stdout, shown
    else:
        assert proc.stdout == "", shown
        assert proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, shown
        assert _sub(case["stderr"], result["tmp"]) in proc.stderr, shown
    assert result["changed"] == [], f"changed although the command failed: {result['changed']}"
    assert result["present"] == [], f"written although it must not be: {result['present']}"
    assert result["temporary"] == [], f"temporary files left behind: {result['temporary']}"
    for path, expected in case.get("file_json", {}).items():
        for key, value in expected.items():
            assert _dig(result["json"][path], key) == value, (path, key)


def test_the_corpus_is_well_formed():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in CASES:
        assert case["exit"] in (0, 2), case["id"]
        assert ("stderr" if case["exit"] else "stdout") in case, case["id"]
        assert case["id"].split("-")[0] in {case["kind"], "explain", "unknown", "demo",
                                            "train", "predict", "evaluate", "summary",
                                            "plot", "report", "numerics", "model", "new", "export",
                                            "import"}, case["id"]


def test_the_corpus_covers_every_kind_with_60_cases_or_more():
    counts = {kind: sum(case["kind"] == kind for case in CASES) for kind in KINDS}
    assert {"model", "args", "numerics"} <= set(counts), counts
    assert sum(counts.values()) >= 60, counts


def test_forked_runs_equal_python_dash_m(tmp_path):
    """The fork server is only faster: the same exit code, stdout and stderr."""
    server = ForkServer()
    try:
        for kind in KINDS:
            for case in [c for c in CASES if c["kind"] == kind][:1]:
                results = []
                for runner in (python_dash_m, server):
                    folder = tmp_path / f"{case['id']}-{len(results)}"
                    folder.mkdir()
                    result = run_case(case, folder, runner)
                    if "skip" in result:
                        break
                    proc = result["proc"]
                    results.append((proc.returncode, proc.stdout.replace(str(folder), "{tmp}"),
                                    proc.stderr.replace(str(folder), "{tmp}")))
                if len(results) == 2:
                    assert results[0] == results[1], case["id"]
    finally:
        server.close()
