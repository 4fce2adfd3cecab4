"""Ctrl-C in the ``nnmath`` program: one line on stderr and exit code 130, whatever Python
does with the KeyboardInterrupt (nnmath.interrupt). Each case runs the real entry point
in a subprocess, with a command replaced by one that meets the situation on purpose.
"""

import subprocess
import sys

import pytest

# starts the command line in processes
pytestmark = pytest.mark.process


def entry_with(run_body: str, tmp_path, call="nnmath.cli.entry(['demo'])"):
    """``nnmath demo`` through ``nnmath.cli.entry``, with demo's run replaced, run as
    ``python -m`` runs ``nnmath`` (runpy: where CPython's unhandled-interrupt flag bites)."""
    (tmp_path / "demo_with.py").write_text(
        "import sys, nnmath.cli, nnmath.commands.demo as demo\n"
        f"def run(args):\n    {run_body}\n"
        "demo.run = run\n" + call + "\n")
    return subprocess.run([sys.executable, "-m", "demo_with"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)


def test_an_interrupt_out_of_exec_still_exits_130(tmp_path):
    # A KeyboardInterrupt that passes out of exec() (dataclasses make every class with
    # exec) sets CPython's unhandled-interrupt flag: under `python -m` the interpreter
    # then kills itself with SIGINT at exit even after sys.exit(130). entry() ends with
    # os._exit. The same command through main() and sys.exit shows the flag at work.
    result = entry_with("exec('raise KeyboardInterrupt')", tmp_path)
    assert result.returncode == 130, result
    assert result.stderr == "nnmath demo: interrupted\n"
    plain = entry_with("exec('raise KeyboardInterrupt')", tmp_path,
                       call="sys.exit(nnmath.cli.main(['demo']))")
    assert plain.returncode == -2 and plain.stderr == "nnmath demo: interrupted\n", plain


def test_an_interrupt_python_swallowed_is_one_line_and_130(tmp_path):
    # Python reports a KeyboardInterrupt it cannot raise ("Exception ignored in ...",
    # four lines) through sys.unraisablehook and goes on; nnmath notes it instead.
    body = ("import os, signal, gc\n"
            "    class Late:\n"
            "        def __del__(self):\n"
            "            os.kill(os.getpid(), signal.SIGINT)\n"
            "            import time; time.sleep(0.5)\n"   # the handler runs in here
            "    Late(); gc.collect()\n"
            "    print('the command went on')\n"
            "    return 0")
    result = entry_with(body, tmp_path)
    assert result.returncode == 130, result
    assert result.stdout == "the command went on\n"
    assert result.stderr == "nnmath: interrupted\n"


def test_an_error_a_ctrl_c_caused_is_an_interruption_not_a_bug(tmp_path):
    # NumPy's C code turns a KeyboardInterrupt in its import into an ImportError.
    body = ("import os, signal, time\n"
            "    try:\n"
            "        os.kill(os.getpid(), signal.SIGINT); time.sleep(0.5)\n"
            "    except KeyboardInterrupt:\n"
            "        raise ImportError('PyCapsule_Import could not import module datetime')")
    result = entry_with(body, tmp_path)
    assert result.returncode == 130, result
    assert result.stderr == "nnmath demo: interrupted\n"


@pytest.mark.parametrize("argv, code", [(["--version"], 0), (["demo", "--epochs", "x"], 2)])
def test_the_entry_point_keeps_argparse_exit_codes(argv, code):
    result = subprocess.run([sys.executable, "-m", "nnmath", *argv], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == code, result
    assert result.stderr.count("\n") == (0 if code == 0 else 1)


def test_import_nnmath_installs_no_signal_handler():
    code = ("import signal, sys, nnmath; net = nnmath.Network.random([1, 1], seed=0); "
            "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
            "sys.unraisablehook is sys.__unraisablehook__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.split() == ["True", "True"]
