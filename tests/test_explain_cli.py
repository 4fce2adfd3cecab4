"""``nnmath explain`` options: --format, --output (atomic), --check, --json alias, bad input."""

import json

import numpy as np
import pytest

from nnmath import Dense, Network


@pytest.fixture
def model_232(tmp_path):
    path = tmp_path / "mine.json"
    Network([Dense(W=[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], b=[0, 0.1, -0.1]),
             Dense(W=[[0.7, -0.8], [0.9, 0.1], [-0.3, 0.2]], b=[0.05, -0.05])]).save(path)
    return path


def test_json_alias_equals_format_json(cli):
    a, b = cli("explain", "--json"), cli("explain", "--format", "json")
    assert a.returncode == b.returncode == 0
    assert json.loads(a.stdout) == json.loads(b.stdout)
    assert a.stdout.count("\n") == 1                      # one JSON object, nothing else


def test_markdown_to_stdout(cli):
    result = cli("explain", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# One training step") and "$$" in result.stdout
    assert "0.502803" in result.stdout and r"\frac{\partial L}{\partial w_{1}}" in result.stdout


@pytest.mark.parametrize("fmt, probe", [("html", "<!DOCTYPE html>"), ("markdown", "$$"),
                                        ("text", "Chain-rule factors"), ("json", '"loss"')])
def test_output_file_is_written_atomically(cli, tmp_path, fmt, probe):
    out = tmp_path / f"step.{fmt}"
    out.write_text("old content")
    result = cli("explain", "--format", fmt, "--output", str(out))
    assert result.returncode == 0, result.stderr
    content = out.read_text(encoding="utf-8")
    assert probe in content and "old content" not in content
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]   # no temporary file left
    if fmt == "json":   # full precision; dL/dw2 = 0.0521131 (hand computation in test_article)
        assert result.stdout == ""
        assert json.loads(content)["gradients"]["W2"][0][0] == pytest.approx(0.0521131, abs=1e-7)
    else:
        assert "0.0521131" in content


def test_check_in_text_and_json(cli, model_232):
    args = ("explain", "--model", str(model_232), "--x", "1", "0.5", "--y", "1", "0",
            "--loss", "ssr", "--check")
    text = cli(*args)
    assert text.returncode == 0 and "Largest relative difference" in text.stdout
    assert "finite differences" in text.stdout
    data = json.loads(cli(*args, "--json").stdout)
    assert data["check"]["max_rel_diff"] < 1e-6
    assert [len(r) for r in data["check"]["numeric"]["W1"]] == [3, 3]
    for name, grad in data["gradients"].items():
        np.testing.assert_allclose(grad, data["check"]["numeric"][name], rtol=1e-6, atol=1e-9)


def test_article_a_shows_the_softmax_shortcut_beside_the_full_product(cli):
    result = cli("explain", "--article", "a")
    assert result.returncode == 0, result.stderr
    assert "full product" in result.stdout and "softmax + cross_entropy" in result.stdout


@pytest.mark.parametrize("extra, fragment", [
    (["--x", "1", "0.5", "--y", "1", "0", "1"], "--y must be 2 number(s), one per output of "
     "the network, or one class name ('0', '1'). Got ['1', '0', '1']."),
    (["--x", "1", "--y", "1", "0"], "--x must be 2 value(s) per sample, one per input of the "
     "network. Got [1.0]."),
    (["--x", "1", "0.5", "--y", "1", "0", "--loss", "cross_entropy"],
     "must be used with a softmax output layer"),
    (["--x", "1", "0.5", "--y", "1", "0", "--format", "pdf"], "invalid choice: 'pdf'"),
    (["--x", "1", "0.5", "--y", "1", "0", "--format", "html", "--json"],
     "--json and --format html must not be combined"),
    (["--x", "1", "0.5", "--y", "1", "0", "--output", "/no/such/folder/step.html"],
     "the output folder must be an existing folder"),
])
def test_bad_input_one_line_exit_2(cli, model_232, extra, fragment):
    result = cli("explain", "--model", str(model_232), *extra)
    assert result.returncode == 2, result.stdout
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr


def test_bce_on_a_softmax_output_is_refused(cli, tmp_path):
    path = tmp_path / "a.json"
    Network([Dense(W=[[1.0, -1.0]], b=[0, 0], activation="softmax")]).save(path)
    result = cli("explain", "--model", str(path), "--x", "1", "--y", "1", "0",
                 "--loss", "bce")
    assert result.returncode == 2 and "must be used with a sigmoid output layer" in result.stderr
