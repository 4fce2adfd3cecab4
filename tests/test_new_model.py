"""`nnmath new`: a model file from layer sizes, activations and chosen weights.

Oracles: the article's step worked out by hand (math only) for network B typed in
one line; ``Network.random`` for the weights left unset; the model-file loader
for every file written.
"""

import itertools
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from nnmath import Network
from nnmath.inference import predict
from nnmath.modelfile import load


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nnmath", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, "COLUMNS": "80"})


def article_step():
    """Network B at x = 2, target 0, ssr, learning rate 0.1, by hand (the article)."""
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    w1, b1, w2, b2, x, t, eta = 0.5, 0.0, -1.0, 0.0, 2.0, 0.0, 0.1
    a1 = s(w1 * x + b1)
    y = s(w2 * a1 + b2)
    dy = (y - t) * y * (1 - y)                 # dL/dy_hat · dy_hat/dz2
    dw2, db2 = dy * a1, dy
    da1 = dy * w2 * a1 * (1 - a1)              # · dz2/da1 · da1/dz1
    dw1, db1 = da1 * x, da1
    w1, b1, w2, b2 = w1 - eta * dw1, b1 - eta * db1, w2 - eta * dw2, b2 - eta * db2
    y_after = s(w2 * s(w1 * x + b1) + b2)
    return y, 0.5 * (y_after - t) ** 2


def test_network_b_in_one_line_gives_the_articles_step(tmp_path):
    done = run("new", "1", "1", "1", "--activation", "sigmoid", "--set", "W1=0.5", "b1=0",
               "W2=-1", "b2=0", "-o", tmp_path / "b.json")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith(f"wrote {tmp_path / 'b.json'}: network 1-1-1")
    trace = run("explain", "--model", tmp_path / "b.json", "--x", "2", "--y", "0", "--json")
    assert trace.returncode == 0, trace.stderr
    out = json.loads(trace.stdout)
    y, loss_after = article_step()
    assert out["output"] == [pytest.approx(y, abs=1e-15)]
    assert out["loss_after"] == pytest.approx(loss_after, rel=1e-12)
    assert f"{out['output'][0]:.6f}" == "0.324962" and f"{out['loss_after']:.7f}" == "0.0519276"
    # the same file as the article's network in Python
    from nnmath.article import network_b

    net = load(tmp_path / "b.json")
    for name, value in network_b().params().items():
        np.testing.assert_array_equal(net.params()[name], value)


def test_unset_weights_are_network_random_and_biases_zero(tmp_path):
    done = run("new", "3", "4", "2", "--activation", "tanh", "--output-activation", "softmax",
               "--seed", "7", "--set", "b1=0.5", "W2=[[1, 2], [3, 4], [5, 6], [7, 8]]",
               "-o", tmp_path / "m.json")
    assert done.returncode == 0, done.stderr
    net = load(tmp_path / "m.json")
    expected = Network.random([3, 4, 2], activation="tanh", output_activation="softmax",
                              seed=7)
    np.testing.assert_array_equal(net.params()["W1"], expected.params()["W1"])
    np.testing.assert_array_equal(net.params()["b1"], np.full(4, 0.5))    # a scalar fills
    np.testing.assert_array_equal(net.params()["W2"], [[1, 2], [3, 4], [5, 6], [7, 8]])
    np.testing.assert_array_equal(net.params()["b2"], [0, 0])
    assert [layer.activation for layer in net.layers] == ["tanh", "softmax"]
    assert "random weights (seed 7): W1" in done.stdout
    # the default seed is 0, and the same command gives the same bytes
    a, b = run("new", "2", "3", "1"), run("new", "2", "3", "1", "--seed", "0")
    assert a.stdout == b.stdout
    np.testing.assert_array_equal(json.loads(a.stdout)["layers"][0]["W"],
                                  Network.random([2, 3, 1], seed=0).params()["W1"])
    assert run("new", "2", "3", "1", "--seed", "1").stdout != a.stdout


def test_without_output_it_prints_the_file_and_json_is_one_line(tmp_path):
    args = ["new", "2", "2", "--output-activation", "softmax", "--class-names", "no", "yes",
            "--feature-names", "psa", "age", "--loss", "cross_entropy", "--task",
            "classification", "--set", "W1=[[0.5, -1.0], [0.25, 2e-3]]"]
    printed = run(*args)
    assert printed.returncode == 0 and printed.stderr == ""
    assert run(*args, "-o", tmp_path / "m.json").returncode == 0
    assert (tmp_path / "m.json").read_text() == printed.stdout
    # readable: one line per row of W; every key the loader reads
    assert '"W": [[0.5, -1.0],\n         [0.25, 0.002]],' in printed.stdout
    data = json.loads(printed.stdout)
    assert {k: data[k] for k in ("task", "loss", "feature_names", "class_names")} == {
        "task": "classification", "loss": "cross_entropy", "feature_names": ["psa", "age"],
        "class_names": ["no", "yes"]}
    as_json = run(*args, "--json")
    assert as_json.stdout.count("\n") == 1 and json.loads(as_json.stdout) == data
    summary = run(*args, "--json", "-o", tmp_path / "n.json")
    assert json.loads(summary.stdout) == {
        "output": str(tmp_path / "n.json"), "format": "nnmath.network/1", "sizes": [2, 2],
        "activations": ["softmax"], "n_params": 6, "set": ["W1"], "random": [], "seed": 0}


def test_a_new_model_predicts_with_its_names(tmp_path):
    model = tmp_path / "m.json"
    assert run("new", "2", "1", "--set", "W1=[[1.0], [-0.5]]", "b1=0.25", "--feature-names",
               "psa", "age", "--class-names", "Healthy", "Cancer", "-o", model).returncode == 0
    data = tmp_path / "new.csv"
    data.write_text("age,psa\n1,2\n4,0\n")
    out = json.loads(run("predict", model, "--data", data, "--json").stdout)
    z = np.array([2 * 1.0 - 0.5 * 1 + 0.25, 0 * 1.0 - 0.5 * 4 + 0.25])
    p_cancer = 1 / (1 + np.exp(-z))
    assert [r["probabilities"]["Cancer"] for r in out["predictions"]] == \
        pytest.approx(p_cancer.tolist(), abs=1e-15)
    assert [r["predicted"] for r in out["predictions"]] == ["Cancer", "Healthy"]


ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]


@pytest.mark.parametrize("sizes", [[1, 1], [1, 1, 1], [3, 5, 2], [4, 3, 3, 3], [2, 1, 4]])
@pytest.mark.parametrize("hidden, output", list(itertools.product(
    ACTIVATIONS, ACTIVATIONS + ["softmax"]))[::3])
def test_every_model_it_writes_loads(tmp_path, sizes, hidden, output):
    if output == "softmax" and sizes[-1] < 2:
        output = "sigmoid"
    model = tmp_path / "m.json"
    done = run("new", *sizes, "--activation", hidden, "--output-activation", output,
               "--set", "b1=0.125", "-o", model)
    assert done.returncode == 0, done.stderr
    net = load(model)
    assert net.sizes == sizes
    assert [layer.activation for layer in net.layers] == \
        [hidden] * (len(sizes) - 2) + [output]
    X = np.linspace(-1, 1, 2 * sizes[0]).reshape(2, sizes[0])
    np.testing.assert_array_equal(predict(net, X).y_hat, net.forward(X))


def test_new_is_listed_with_an_example():
    from nnmath.cli import build_parser

    text = build_parser().format_help()
    assert "new" in text and "write a new model file" in text
    done = run("new", "--help")
    assert done.returncode == 0 and "nnmath new 1 1 1 --set W1=0.5 b1=0 W2=-1 b2=0" in \
        done.stdout


DOCS = __import__("pathlib").Path(__file__).resolve().parents[1] / "docs"


def model_file_page():
    return (DOCS / "reference" / "model-file.md").read_text(encoding="utf-8")


def test_model_file_page_example_is_network_b_and_every_key_is_explained():
    from nnmath.article import network_b
    from nnmath.modelfile import KNOWN_KEYS, from_dict

    section = model_file_page()
    example = section.split("```json\n", 1)[1].split("```", 1)[0]
    net = from_dict(json.loads(example))
    for name, value in network_b().params().items():
        np.testing.assert_array_equal(net.params()[name], value)
    for key in ("format", "layers", "activation", "W", "b", *KNOWN_KEYS):
        assert f"| `{key}` |" in section, key
    assert "`W[i][j]` is the weight\nfrom input i to neuron j" in section


def test_model_file_page_commands_run(tmp_path):
    import shlex

    section = model_file_page()
    block = section.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [shlex.split(line.split("  #")[0]) for line in block.splitlines() if line]
    assert [c[:2] for c in commands] == [["nnmath", "new"], ["nnmath", "explain"],
                                         ["nnmath", "new"]]
    outputs = []
    for command in commands:
        done = run(*command[1:], cwd=tmp_path)
        assert done.returncode == 0, (command, done.stderr)
        outputs.append(done.stdout)
    assert "y_hat = sigmoid(z2) = sigmoid(-0.731059) = 0.324962" in outputs[1]
    assert "0.0528003 → 0.0519276" in outputs[1]
    m = load(tmp_path / "m.json")
    assert m.info["class_names"] == ["Healthy", "Cancer"] and m.sizes == [2, 3, 2]
    np.testing.assert_array_equal(m.params()["W1"], [[0.5, -1.0, 0.25], [1.0, 0.0, -0.5]])


def test_cli_page_lists_the_new_command():
    command_line = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    assert "\nnnmath new SIZES..." in command_line
