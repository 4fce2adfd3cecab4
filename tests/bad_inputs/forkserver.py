"""Run ``python -m nnmath ARGV`` many times without paying Python's start-up each time.

Started once (``python forkserver.py``), this process imports nnmath, then
reads one JSON request per line on stdin::

    {"argv": [...], "cwd": "...", "env": {...}, "stdout": FILE, "stderr": FILE,
     "hide_modules": [...]}

and for each forks a child that does exactly what ``python -m nnmath ARGV``
does after start-up: ``runpy.run_module("nnmath", run_name="__main__")`` in
``cwd`` (with each of ``hide_modules`` made unimportable, as if not installed:
``sys.modules[name] = None``), with stdout and stderr going to the two files and stdin empty. An
uncaught exception prints its traceback and exits 1, as Python does. The
child is forked from a process that has run nothing but imports, so no case
sees another's state. The answer, one JSON line per request: ``{"exit": CODE}``
(a negative code: killed by that signal, e.g. -14 after the 120 s alarm).
"""

import json
import os
import runpy
import signal
import sys
import traceback

import nnmath.cli  # noqa: F401  (the imports every case would otherwise pay for)


def run(request: dict) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)
    code = 1
    try:
        signal.alarm(120)
        os.chdir(request["cwd"])
        os.environ.update(request["env"])
        for fd, name in ((1, "stdout"), (2, "stderr")):
            target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        empty = os.open(os.devnull, os.O_RDONLY)
        os.dup2(empty, 0)
        os.close(empty)
        for name in request.get("hide_modules", ()):
            sys.modules[name] = None   # `import name` now raises ModuleNotFoundError
        sys.argv = ["nnmath", *request["argv"]]
        try:
            runpy.run_module("nnmath", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:   # what Python does with sys.exit(value)
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


if __name__ == "__main__":
    for line in sys.stdin:
        print(json.dumps({"exit": run(json.loads(line))}), flush=True)
