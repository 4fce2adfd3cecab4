"""``nnmath explain`` options: --format, --output (atomic), --check, --json alias, bad input."""

import json
import re

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


# -- the sample: --x/--y, class names, batches; --target is a column of --data --------------

def test_target_is_a_column_of_data_not_the_sample_target(cli, model_232):
    """--target COL names the column of --data; the --x sample's target is --y."""
    common = ("explain", "--model", str(model_232), "--x", "1", "0.5")
    one = cli(*common, "--target", "1")
    assert one.returncode == 2 and one.stdout == "" and one.stderr.count("\n") == 1
    assert "--target must be given with --data FILE" in one.stderr and "--y" in one.stderr
    two = cli(*common, "--target", "1", "0")                 # one column: argparse refuses
    assert two.returncode == 2 and two.stderr.count("\n") == 1
    assert "unrecognized arguments: 0" in two.stderr
    data = json.loads(cli(*common, "--y", "1", "0", "--loss", "ssr", "--json").stdout)
    assert data["target"] == [1.0, 0.0] and "x_scaled" not in data and "scaling" not in data


def test_repeated_x_is_a_batch_not_the_last_value(cli, model_232):
    result = cli("explain", "--model", str(model_232), "--x", "1", "0.5", "--y", "1", "0",
                 "--x", "-2", "3", "--y", "0", "1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["x"] == [[1.0, 0.5], [-2.0, 3.0]] and data["target"] == [[1, 0], [0, 1]]
    net = Network.load(model_232)
    np.testing.assert_array_equal(data["output"], net.forward([[1.0, 0.5], [-2.0, 3.0]]))


def test_class_names_without_names_in_the_file_are_0_1(cli, model_232):
    data = json.loads(cli("explain", "--model", str(model_232), "--x", "1", "0.5", "--y", "1",
                          "--json").stdout)
    assert data["target"] == [0.0, 1.0]


@pytest.mark.parametrize("article, target", [("b", [1.0]), ("a", [0.0, 1.0])])
def test_article_targets_by_class_name(cli, article, target):
    data = json.loads(cli("explain", "--article", article, "--y", "Cancer", "--json").stdout)
    assert data["target"] == target and data["x"] == [2.0]


def test_the_article_json_is_unchanged_without_a_scaling(cli):
    data = json.loads(cli("explain", "--json").stdout)
    assert data["x"] == [2.0] and "x_scaled" not in data and "scaling" not in data
    assert data["output"][0] == pytest.approx(0.3249624, abs=1e-7)


def test_short_o_writes_the_file(cli, tmp_path):
    out = tmp_path / "step.md"
    result = cli("explain", "--format", "markdown", "-o", str(out))
    assert result.returncode == 0 and out.read_text().startswith("# One training step")


def test_hand_written_regression_model_with_a_scaling_explains_what_predict_computes(
        cli, tmp_path):
    path = tmp_path / "reg.json"
    path.write_text(json.dumps({
        "format": "nnmath.network/1", "task": "regression", "loss": "mse",
        "feature_names": ["size", "age"], "target_name": "price",
        "scaling": {"method": "standard", "mean": [120.0, 30.0], "std": [40.0, 12.5]},
        "layers": [{"activation": "tanh", "W": [[0.5, -0.25], [0.75, 0.1]], "b": [0.1, 0]},
                   {"activation": "identity", "W": [[2.0], [-1.5]], "b": [0.5]}]}))
    step = json.loads(cli("explain", "--model", str(path), "--x", "150", "18", "--y", "3.5",
                          "--json").stdout)
    predicted = json.loads(cli("predict", str(path), "--x", "150", "18", "--json").stdout)
    assert step["output"] == predicted["predictions"][0]["y_hat"]       # bit for bit
    assert step["x"] == [150.0, 18.0] and step["x_scaled"] == [0.75, -0.96]
    # by hand: z1 = x_scaled @ W1 + b1, a1 = tanh(z1), y_hat = a1 @ W2 + b2
    a1 = np.tanh(np.array([0.75, -0.96]) @ np.array([[0.5, -0.25], [0.75, 0.1]]) + [0.1, 0])
    assert step["output"][0] == pytest.approx(a1 @ [2.0, -1.5] + 0.5, abs=1e-12)
    assert step["scaling"] == {"mean": [120.0, 30.0], "std": [40.0, 12.5]}
    text = cli("explain", "--model", str(path), "--x", "150", "18", "--y", "3.5").stdout
    assert "x_scaled[1] = (x[1] − mean[1])/std[1] = (18 − 30)/12.5 = -0.96" in text


# -- smaller points of issue 9 -------------------------------------------------------------

def _model(tmp_path, layers):
    path = tmp_path / "m.json"
    Network([Dense(**layer) for layer in layers]).save(path)
    return str(path)


def test_no_doubled_parentheses(cli, tmp_path):
    """A hidden layer before a one-neuron output: the recursion has one term."""
    path = _model(tmp_path, [dict(W=[[0.5, -0.3], [0.2, 0.8]], b=[0.0, 0.1]),
                             dict(W=[[-1.0], [0.4]], b=[0.0])])
    doubled = {"text": r"\(\(-[0-9.e+-]+\)\)", "markdown": r"\(\(-[0-9.e+-]+\)\)",
               "html": r"<mo>\(</mo><mo>\(</mo><mn>-"}
    for fmt, pattern in doubled.items():
        out = cli("explain", "--model", path, "--x", "1", "2", "--y", "0", "--format", fmt)
        assert out.returncode == 0 and "-0.0971809" in out.stdout
        assert not re.search(pattern, out.stdout), fmt
    text = " ".join(cli("explain", "--model", path, "--x", "1", "2", "--y", "0").stdout.split())
    # delta2 = 0.0971809, W2[0,0] = -1: dL/da1[0] = -0.0971809, times g'(z1[0]) = 0.2055
    assert "= (0.0971809·(-1))·0.2055 = (-0.0971809)·0.2055 = -0.0199707" in text


def test_a_loss_that_is_0_before_and_after_is_said_so(cli, tmp_path):
    path = _model(tmp_path, [dict(W=[[1000.0, -1000.0]], b=[0.0, 0.0], activation="softmax")])
    out = cli("explain", "--model", path, "--x", "1", "--y", "1", "0", "--loss", "cross_entropy")
    text = " ".join(out.stdout.split())
    assert "NOT go down" not in text
    assert "The loss was already 0 to float64 precision before the step, and stayed 0." in text


def test_two_inputs_one_neuron_is_not_the_scalar_chain(cli, tmp_path):
    """w1 and x are the article's scalar names: a 2-1 network has W1[0,0] and W1[1,0]."""
    path = _model(tmp_path, [dict(W=[[0.5], [0.3]], b=[0.0])])
    text = cli("explain", "--model", path, "--x", "1", "2", "--y", "0").stdout
    assert "Chain-rule factors" not in text and "w1 ←" not in text
    assert "W1[1,0] ← W1[1,0] − η·dL/dW1[1,0] = 0.3 − 0.1·0.281152 = 0.271885" in text
