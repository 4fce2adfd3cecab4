"""Refusals instead of lies, and messages that say what happened (issue 19, point 11's
ONNX part and point 13's command-line items). Through the real command line, except
``set_params`` (a Python method)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import nnmath


def _model(path, layers, scaling=None):
    data = {"format": "nnmath.network/1", "layers": layers}
    if scaling:
        data["scaling"] = {"method": "standard", **scaling}
    path.write_text(json.dumps(data))
    return path


def _one_line(result):
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    return result.stderr


# -- point 11: ONNX in float32 ------------------------------------------------------------

@pytest.mark.parametrize("layers, scaling, value, what", [
    ([{"activation": "sigmoid", "W": [[1e308]], "b": [0.0]}], None, "1e+308", "W1"),
    ([{"activation": "identity", "W": [[1.0]], "b": [-5e40]}], None, "-5e+40", "b1"),
    ([{"activation": "sigmoid", "W": [[1.0]], "b": [0.0]}], {"mean": [1e39], "std": [1.0]},
     "1e+39", "mean"),
    ([{"activation": "sigmoid", "W": [[1.0]], "b": [0.0]}], {"mean": [0.0], "std": [1e-300]},
     "1e-300", "std"),
])
def test_onnx_float32_refuses_values_that_do_not_fit(cli, tmp_path, layers, scaling, value,
                                                      what):
    """A weight, bias or mean beyond float32 (inf) or a std below it (0) gave, with exit 0
    and a raw RuntimeWarning, a graph that outputs only NaN (or inf)."""
    pytest.importorskip("onnx")
    model = _model(tmp_path / "m.json", layers, scaling)
    result = cli("export", str(model), "--to", "onnx", "-o", str(tmp_path / "m.onnx"))
    message = _one_line(result)
    assert value in message and what in message and "--dtype float64" in message
    assert not (tmp_path / "m.onnx").exists()
    # float64 holds them: the export the message suggests works
    result = cli("export", str(model), "--to", "onnx", "--dtype", "float64", "-o",
                 str(tmp_path / "m.onnx"))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    if what == "W1":
        pytest.importorskip("onnxruntime")
        from nnmath.interop.onnx import run_onnx

        assert run_onnx(str(tmp_path / "m.onnx"), np.array([[1e-300]]))[0, 0] == \
            pytest.approx(1 / (1 + np.exp(-1e8)))


# -- point 13 ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["summary"], ["predict", "--x", "1"], ["evaluate"],
                                  ["plot-network"]])
def test_softmax_over_one_output_is_refused(cli, tmp_path, args):
    """It is always 1: predict said P = 1.0 for every input."""
    model = _model(tmp_path / "m.json", [
        {"activation": "sigmoid", "W": [[1.0]], "b": [0.0]},
        {"activation": "softmax", "W": [[2.0]], "b": [0.5]}])
    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n")
    argv = {"summary": ["summary", str(model)],
            "predict": ["predict", str(model), *args[1:]],
            "evaluate": ["evaluate", str(model), str(tmp_path / "d.csv"), "--target", "y"],
            "plot-network": ["plot", "network", "--model", str(model), "-o",
                             str(tmp_path / "n.png")]}[args[0]]
    message = _one_line(cli(*argv))
    assert "softmax layer must be 2 or more" in message and "sigmoid" in message


def test_softmax_over_one_neuron_is_refused_by_dense_and_new(cli, tmp_path):
    with pytest.raises(nnmath.errors.ConfigError, match="softmax layer must be 2 or more"):
        nnmath.Dense(W=[[1.0]], activation="softmax")
    layer = nnmath.Dense(W=[[1.0]])
    with pytest.raises(nnmath.errors.ConfigError, match="softmax"):
        layer.activation = "softmax"
    assert layer.activation == "sigmoid"
    _one_line(cli("new", "1", "1", "--output-activation", "softmax", "-o",
                  str(tmp_path / "n.json")))


@pytest.mark.slow
def test_huge_csv_values_are_said_to_overflow_not_to_be_missing(cli, tmp_path):
    """±1e308 in a picture's data: the axis range overflowed to NaN, and the message was
    "Got 'nan' … Remove or replace the missing values"."""
    model = _model(tmp_path / "m.json", [{"activation": "sigmoid", "W": [[1.0]], "b": [0.0]}])
    (tmp_path / "d.csv").write_text("x,y\n1e308,1\n-1e308,0\n1,1\n")
    message = _one_line(cli("plot", "curve", "--model", str(model), "--data",
                            str(tmp_path / "d.csv"), "--target", "y", "-o",
                            str(tmp_path / "c.png")))
    assert "overflow" in message and "-1e+308 to 1e+308" in message
    assert "missing" not in message and "nan" not in message.lower()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["predict", "plot"])
def test_a_tiny_stored_std_is_named(cli, tmp_path, command):
    """(x − mean) / 1e-300 overflows: the message named the user's X "not finite", after a
    raw RuntimeWarning from NumPy."""
    model = _model(tmp_path / "m.json", [{"activation": "sigmoid", "W": [[1.0]], "b": [0.0]}],
                   {"mean": [0.0], "std": [1e-300]})
    (tmp_path / "d.csv").write_text("x,y\n1e10,1\n2,0\n")
    argv = ["predict", str(model), "--x", "1e10"] if command == "predict" else \
        ["plot", "roc", "--model", str(model), "--data", str(tmp_path / "d.csv"), "--target",
         "y", "-o", str(tmp_path / "r.png")]
    message = _one_line(cli(*argv))
    assert "std 1e-300 is too small" in message and "(1e+10 − 0) / 1e-300" in message
    assert "X must be" not in message


def test_set_params_names_nan_and_inf():
    """NaN was accepted and later reported as "the weights are too large"."""
    net = nnmath.Network.random([1, 2, 1], seed=0)
    before = {k: v.copy() for k, v in net.params().items()}
    with pytest.raises(nnmath.errors.ConfigError, match=r"NaN \(not a number\) at W1\[0, 1\]"):
        net.set_params({"W1": [[0.5, float("nan")]]})
    with pytest.raises(nnmath.errors.ConfigError, match=r"inf at b2\[0\]"):
        net.set_params({"b2": [float("inf")]})
    with pytest.raises(nnmath.errors.ConfigError, match="fit float32"):
        net.astype(np.float32).set_params({"W2": [[1e300], [0.0]]})
    for name, value in net.params().items():   # nothing was changed
        np.testing.assert_array_equal(value, before[name])


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["explain", "-o", "/dev/stdout"],
                                  ["new", "1", "1", "-o", "/dev/stdout"]])
def test_dev_stdout_is_named_as_given(cli, argv):
    """stdout is a pipe here: it cannot be replaced atomically; the message named
    /proc/PID/fd, not the path the user gave."""
    message = _one_line(cli(*argv))
    assert "'/dev/stdout'" in message and "/proc/" not in message


@pytest.mark.slow
@pytest.mark.parametrize("suffix, argv", [
    (".json", ["new", "1", "1", "-o"]),
    (".png", ["plot", "network", "-o"]),
    (".md", ["explain", "--format", "markdown", "-o"]),
])
def test_a_long_legal_output_name_is_written(cli, tmp_path, suffix, argv):
    """A 250-byte name is legal (NAME_MAX is 255), but the temporary file's name (the name
    plus 15 characters) was not: "cannot write to '.'"."""
    name = "n" * (250 - len(suffix)) + suffix
    result = cli(*argv, name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [name]   # and no temporary file left


@pytest.mark.slow
def test_an_unwritable_home_gives_no_matplotlib_warning(cli, tmp_path, monkeypatch):
    """matplotlib printed two lines about a temporary cache folder when HOME (and so
    ~/.config and ~/.cache) cannot be written; /proc cannot be, even by root."""
    for name in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/proc")
    result = cli("plot", "network", "-o", str(tmp_path / "n.png"))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert (tmp_path / "n.png").stat().st_size > 0
    assert os.environ["HOME"] == "/proc"
