"""The command line: JSON output, text output, and bad input (one line, exit 2)."""

import json

import pytest

from nnmath.article import network_b


def test_explain_json_has_the_design_keys(cli):
    result = cli("explain", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("output", "loss", "gradients", "updated", "output_after", "loss_after"):
        assert key in data
    assert data["output"] == pytest.approx([0.324962], abs=1e-6)
    assert data["loss"] == pytest.approx(0.052800, abs=1e-6)
    assert data["gradients"]["W1"] == [[pytest.approx(-0.0280307, abs=1e-7)]]
    assert data["gradients"]["b1"] == [pytest.approx(-0.0140154, abs=1e-7)]
    assert data["gradients"]["W2"] == [[pytest.approx(0.0521131, abs=1e-7)]]
    assert data["gradients"]["b2"] == [pytest.approx(0.0712844, abs=1e-7)]
    assert data["updated"]["W1"] == [[pytest.approx(0.502803, abs=1e-6)]]
    assert data["updated"]["W2"] == [[pytest.approx(-1.005211, abs=1e-6)]]
    assert data["output_after"] == pytest.approx([0.322266], abs=1e-6)
    assert data["loss_after"] == pytest.approx(0.051928, abs=1e-6)
    chain = data["chains"]["W1"]
    assert [f["name"] for f in chain["factors"]] == \
        ["dL/dy_hat", "dy_hat/dz2", "dz2/da1", "da1/dz1", "dz1/dw1"]
    product = 1.0
    for f in chain["factors"]:
        product *= f["value"]
    assert product == pytest.approx(data["gradients"]["W1"][0][0], rel=1e-14)


def test_explain_with_a_model_file(cli, tmp_path):
    path = tmp_path / "b.json"
    network_b().save(path)
    result = cli("explain", "--model", str(path), "--x", "2.0", "--y", "0",
                 "--loss", "ssr", "--learning-rate", "0.1", "--json")
    assert result.returncode == 0, result.stderr
    default = json.loads(cli("explain", "--json").stdout)
    assert json.loads(result.stdout) == default


def test_explain_wide_network_from_file(cli, tmp_path):
    from nnmath import Network

    path = tmp_path / "wide.json"
    Network.random([2, 3, 2], activation="tanh", output_activation="softmax", seed=1).save(path)
    result = cli("explain", "--model", str(path), "--x", "0.5", "-1", "--y", "0", "1",
                 "--loss", "cross_entropy", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [len(r) for r in data["gradients"]["W1"]] == [3, 3]
    assert len(data["gradients"]["b2"]) == 2
    assert data["chains"] == {}
    text = cli("explain", "--model", str(path), "--x", "0.5", "-1", "--y", "0", "1",
               "--loss", "cross_entropy")
    assert text.returncode == 0 and "delta" in text.stdout


def test_explain_text_shows_the_article_step(cli):
    result = cli("explain")
    assert result.returncode == 0, result.stderr
    for value in ("0.324962", "0.0528003", "0.219362", "0.196612", "0.0521131", "0.0712844",
                  "-0.0280307", "-0.0140154", "0.502803", "0.00140154", "-1.00521",
                  "-0.00712844", "0.322266", "0.0519276"):
        assert value in result.stdout, value


def test_explain_article_a(cli):
    data = json.loads(cli("explain", "--article", "a", "--json").stdout)
    assert data["output"][1] == pytest.approx(0.4352, abs=1e-4)
    assert data["loss_name"] == "cross_entropy" and data["shortcut"] is True


def test_demo_json(cli):
    result = cli("demo", "--json", "--epochs", "50")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert 0.425 <= data["network_a"]["p_cancer"] <= 0.445
    assert data["network_a"]["class"] == "Healthy"
    step = data["network_b_step"]
    assert step["output"] == pytest.approx([0.324962], abs=1e-6)
    assert step["loss_after"] == pytest.approx(0.051928, abs=1e-6)
    training = data["network_b_training"]
    assert training["epochs"] == 50 and len(training["loss_curve"]) == 50


def test_demo_text(cli):
    result = cli("demo", "--epochs", "20")
    assert result.returncode == 0, result.stderr
    for value in ("0.435", "Healthy", "0.324962", "0.0521131", "0.322266", "epoch 20"):
        assert value in result.stdout, value


def test_help_shows_an_example(cli):
    for command in ("demo", "explain"):
        result = cli(command, "--help")
        assert result.returncode == 0 and "example" in result.stdout


@pytest.mark.parametrize("args, fragment", [
    (["explain", "--x", "abc"], "invalid float value: 'abc'"),
    (["explain", "--loss", "hinge"], "loss must be one of"),
    (["explain", "--x", "1", "2"], "--x must be 1 value(s) per sample"),
    (["explain", "--y", "0", "1"], "--y must be 1 number(s), one per output of the network"),
    (["explain", "--learning-rate", "-1"], "learning_rate must be a positive number"),
    (["explain", "--loss", "cross_entropy"], "must be used with a softmax output layer"),
    (["explain", "--model", "does-not-exist.json", "--x", "1", "--y", "0"],
     "does not exist"),
    (["demo", "--epochs", "0"], "--epochs must be at least 1"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(cli, args, fragment):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr


@pytest.mark.parametrize("content, fragment", [
    ("{", "is not valid JSON"),
    ('{"format": "other", "layers": []}', '"format" must be'),
    ('{"format": "nnmath.network/1", "layers": [{"activation": "swish", "W": [[1]], "b": [0]}]}',
     '"activation" must be one of'),
    ('{"format": "nnmath.network/1", "layers": [{"activation": "sigmoid", "W": [[1, 2]], '
     '"b": [0]}]}', "b must be a list of 2 numbers"),
    ('{"format": "nnmath.network/1", "layers": ['
     '{"activation": "sigmoid", "W": [[1, 2]], "b": [0, 0]},'
     '{"activation": "sigmoid", "W": [[1]], "b": [0]}]}', "layer 2 must take 2 inputs"),
    ('{"format": "nnmath.network/1", "layers": [{"activation": "sigmoid", "W": [[NaN]], '
     '"b": [0]}]}', "must be finite"),
])
def test_bad_model_file(cli, tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = cli("explain", "--model", str(path), "--x", "1", "--y", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr


def test_python_dash_m_and_version(cli):
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("nnmath ")


@pytest.mark.parametrize("args, word", [
    (["report", "--output", "r"], "--output"),               # the old name of --output-dir
    (["report", "--format", "md"], "--format"),               # the old report format switch
    (["report", "--output-d", "r"], "--output-d"),            # no abbreviations: one spelling
    (["explain", "--ro", "2"], "--ro"),                       # (--row)
])
def test_the_deprecated_aliases_are_gone(cli, args, word, tmp_path):
    """Version 0.1.0 keeps no old spelling: an alias or an abbreviation of an option is
    refused in one line (exit 2) that names it, and writes nothing."""
    run = cli(*args, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert word in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not any(tmp_path.iterdir())


def test_the_empty_plot_extra_is_gone():
    import tomllib
    from pathlib import Path

    extras = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert "plot" not in extras["project"]["optional-dependencies"]
