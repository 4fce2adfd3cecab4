"""The error hierarchy and what the CLI makes of each kind of exception.

Bad input (an NnmathError): one line on stderr, exit 2. A bug (any other
exception): one short "this is a bug" line, exit 1, the traceback only with
--debug. Ctrl-C: one line, exit 130. Called in-process through
``nnmath.cli.main`` with a command replaced by one that raises.
"""

import inspect

import pytest

import nnmath.commands.demo
import nnmath.errors as errors
from nnmath.cli import main


def _raising(exc):
    def run(args):
        raise exc
    return run


def test_every_error_class_is_an_nnmath_error():
    classes = [obj for _, obj in inspect.getmembers(errors, inspect.isclass)
               if issubclass(obj, Exception)]
    assert set(errors.__all__) == {c.__name__ for c in classes}
    for cls in classes:
        assert issubclass(cls, errors.NnmathError), cls
    # the built-in base each one also is, so `except ValueError` in user code keeps working
    assert issubclass(errors.ConfigError, ValueError)
    assert issubclass(errors.ShapeError, ValueError)
    assert issubclass(errors.ModelFileError, ValueError)
    assert issubclass(errors.DataError, ValueError)
    assert issubclass(errors.TrainingError, RuntimeError)


@pytest.mark.parametrize("cls", [errors.NnmathError, errors.ConfigError, errors.ShapeError,
                                 errors.ModelFileError, errors.DataError,
                                 errors.TrainingError])
def test_nnmath_errors_are_one_line_exit_2(monkeypatch, capsys, cls):
    message = errors.must_be("epochs", "at least 1", 0, "Try --epochs 100.")
    monkeypatch.setattr(nnmath.commands.demo, "run", _raising(cls(message + "\n  second line")))
    assert main(["demo"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("nnmath demo: error: epochs must be at least 1. Got 0. Try --epochs 100. "
                   "second line\n")


def test_a_bug_is_exit_1_with_a_short_line_and_no_traceback(monkeypatch, capsys):
    monkeypatch.setattr(nnmath.commands.demo, "run", _raising(RuntimeError("kaboom")))
    assert main(["demo"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "this is a bug" in err and "RuntimeError: kaboom" in err and "--debug" in err


def test_a_bug_with_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setattr(nnmath.commands.demo, "run", _raising(ZeroDivisionError("x / 0")))
    with pytest.raises(ZeroDivisionError, match="x / 0"):
        main(["--debug", "demo"])


def test_debug_does_not_change_bad_input_handling(monkeypatch, capsys):
    monkeypatch.setattr(nnmath.commands.demo, "run",
                        _raising(errors.ConfigError("loss must be one of 'ssr'. Got 'x'.")))
    assert main(["--debug", "demo"]) == 2
    assert capsys.readouterr().err == "nnmath demo: error: loss must be one of 'ssr'. Got 'x'.\n"


def test_ctrl_c_is_one_line_exit_130(monkeypatch, capsys):
    monkeypatch.setattr(nnmath.commands.demo, "run", _raising(KeyboardInterrupt()))
    assert main(["demo"]) == 130
    assert capsys.readouterr().err == "nnmath demo: interrupted\n"


def test_argparse_errors_are_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["explain", "--learning-rate", "fast"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid float value: 'fast'" in err


@pytest.mark.parametrize("spelling, value", [("-1e-3", -1e-3), ("-2.5E+2", -250.0),
                                             ("-1", -1.0), ("-.5", -0.5), ("-7.", -7.0)])
def test_negative_numbers_in_any_spelling_are_values(spelling, value):
    from nnmath.cli import build_parser

    args = build_parser().parse_args(["explain", "--x", spelling, "--y", spelling])
    assert args.x == [[value]] and args.y == [[spelling]]
    assert float(args.y[0][0]) == value


def test_must_be_template():
    assert errors.must_be("b", "a list", {"a": 1}) == "b must be a list. Got {'a': 1}."
