"""`nnmath predict`: one readable table that fits the terminal, and CSV/JSON for programs.

Oracles: the engine's own predictions (``nnmath.inference.predict`` on the saved
model), formatted by the project's ``num``; every one of those texts must appear in
the table in full (no number cut, no "…"), and no line may be wider than the terminal.
"""

import collections
import csv
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from rich.console import Console

from nnmath import Network
from nnmath.inference import predict
from nnmath.render.tables import predictions_table, probability_text
from nnmath.render.text import num


def run(*args, columns=80):
    return subprocess.run([sys.executable, "-m", "nnmath", *map(str, args)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": str(columns)})


def expected_cells(X, p):
    """Every text the table must show: each input, each output, each predicted class."""
    cells = [num(v) for v in np.ravel(X)]
    if p.task == "regression":
        return cells + [num(v) for v in np.ravel(p.y_hat)]
    return cells + [probability_text(v) for v in np.ravel(p.probabilities)] + list(p.labels)


def assert_fits_and_complete(text, width, cells):
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width, max(lines, key=len)
    assert "…" not in text
    tokens = collections.Counter(text.split())
    missing = collections.Counter(t for cell in cells for t in cell.split()) - tokens
    assert not missing, f"not shown in full: {list(missing)[:10]}"


@pytest.fixture(scope="module")
def cancer(tmp_path_factory):
    """A breast cancer model made by `nnmath train` (30 features) and its CSV."""
    datasets = pytest.importorskip("sklearn.datasets")
    folder = tmp_path_factory.mktemp("cancer")
    frame = datasets.load_breast_cancer(as_frame=True).frame
    frame["target"] = frame["target"].map({0: "malignant", 1: "benign"})
    frame.to_csv(folder / "cancer.csv", index=False)
    done = run("train", folder / "cancer.csv", "--target", "target", "--classes", "benign",
               "malignant", "--epochs", "5", "--seed", "0", "--save", folder / "cancer.json",
               "--json")
    assert done.returncode == 0, done.stderr
    return folder / "cancer.json", folder / "cancer.csv", frame


@pytest.mark.parametrize("columns", [80, 200])
def test_a_30_feature_model_shows_every_input_probability_and_class(cancer, columns):
    """Was: a header and a rule only (nothing else fitted in 80 columns)."""
    model, _, frame = cancer
    X = frame.iloc[:2, :30].to_numpy(dtype=float)
    argv = ["predict", model]
    for x in X:
        argv += ["--x", *map(repr, x.tolist())]
    done = run(*argv, columns=columns)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    p = predict(Network.load(model), X)
    assert_fits_and_complete(done.stdout, columns, expected_cells(X, p))
    assert "predicted malignant when P(malignant) ≥ 0.5" in done.stdout
    assert "mean concave points" in done.stdout or "concave points" in done.stdout


def test_four_features_keep_their_exponents_at_80_columns(tmp_path):
    """Was: cells cut to `2.899e…`, `P(seto…`."""
    datasets = pytest.importorskip("sklearn.datasets")
    frame = datasets.load_iris(as_frame=True).frame
    frame["target"] = frame["target"].map(dict(enumerate(["setosa", "versicolor",
                                                           "virginica"])))
    frame.to_csv(tmp_path / "iris.csv", index=False)
    model = tmp_path / "iris.json"
    assert run("train", tmp_path / "iris.csv", "--target", "target", "--epochs", "60",
               "--save", model).returncode == 0
    X = np.array([[5.1, 3.5, 1.4, 0.2], [6.0, 3.0, 4.5, 1.5], [7.7, 3.8, 6.7, 2.2]])
    argv = ["predict", model]
    for x in X:
        argv += ["--x", *map(str, x)]
    done = run(*argv, columns=80)
    p = predict(Network.load(model), X)
    cells = expected_cells(X, p)
    assert any("<0.0001" in cell for cell in cells)     # the case that was cut (1.8e-05)
    assert_fits_and_complete(done.stdout, 80, cells)
    for name in ("P(setosa)", "P(versicolor)", "P(virginica)", "predicted"):
        assert name in done.stdout


@pytest.mark.parametrize("columns", [80, 200])
def test_many_samples_from_data_fit_and_keep_the_row_order(cancer, columns):
    model, data, frame = cancer
    done = run("predict", model, "--data", data, columns=columns)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    X = frame.iloc[:, :30].to_numpy(dtype=float)
    p = predict(Network.load(model), X)
    # 569 samples of 30 inputs fit neither way: the outputs, one row per sample
    outputs = [probability_text(v) for v in np.ravel(p.probabilities)] + list(p.labels)
    assert_fits_and_complete(done.stdout, columns, outputs)
    assert "The 30 inputs of each sample do not fit" in done.stdout
    rows = [line.split() for line in done.stdout.splitlines()
            if line.split() and line.split()[0].isdigit()]
    assert [int(r[0]) for r in rows] == list(range(1, 570))
    assert [r[-1] for r in rows] == p.labels


def test_regression_table_with_a_model_made_by_train(tmp_path):
    datasets = pytest.importorskip("sklearn.datasets")
    datasets.load_diabetes(as_frame=True).frame.to_csv(tmp_path / "d.csv", index=False)
    model = tmp_path / "d.json"
    assert run("train", tmp_path / "d.csv", "--target", "target", "--epochs", "5",
               "--save", model).returncode == 0
    head = tmp_path / "few.csv"
    head.write_text("".join((tmp_path / "d.csv").read_text().splitlines(True)[:4]))
    for columns in (80, 200):
        done = run("predict", model, "--data", head, columns=columns)
        X = np.loadtxt(head, delimiter=",", skiprows=1)[:, :10]
        p = predict(Network.load(model), X)
        assert p.task == "regression"
        assert_fits_and_complete(done.stdout, columns, expected_cells(X, p))
        assert "ŷ" in done.stdout


@pytest.mark.parametrize("n_samples", [1, 3, 7, 60])
@pytest.mark.parametrize("n_features", [1, 4, 13, 30])
@pytest.mark.parametrize("width", [40, 80, 200])
def test_the_table_always_fits_and_never_cuts_a_number(n_samples, n_features, width):
    rng = np.random.default_rng(n_samples * 100 + n_features)
    net = Network.random([n_features, 5, 3], activation="tanh", output_activation="softmax",
                         seed=1)
    names = [f"feature number {j}" if j % 2 else f"od{j}/feature_{j}_of_the_data"
             for j in range(n_features)]
    net.info = {"feature_names": names, "class_names": ["a", "bb", "a long class name"]}
    X = rng.normal(size=(n_samples, n_features)) * 10.0 ** rng.integers(-8, 8, n_features)
    p = predict(net, X)
    console = Console(width=width, color_system=None, record=True, file=io.StringIO())
    console.print(predictions_table(X, names, p, width=width))
    text = console.export_text()
    cells = [num(v, 4) for v in np.ravel(p.probabilities)] + list(p.labels)
    if "inputs of each sample do not fit" not in text:
        cells += [num(v) for v in np.ravel(X)]
    assert_fits_and_complete(text, width, cells)


def test_data_reads_the_models_columns_by_name(tmp_path):
    """`--data` finds the feature columns by name: any order, extra columns ignored."""
    net = Network.random([2, 3, 1], activation="tanh", output_activation="sigmoid", seed=3)
    net.info = {"feature_names": ["psa", "age"], "class_names": ["Healthy", "Cancer"],
                "scaling": {"method": "standard", "mean": [2.0, 60.0], "std": [1.0, 10.0]}}
    model = tmp_path / "m.json"
    net.save(model)
    data = tmp_path / "new.csv"
    data.write_text("status,age,psa\nCancer,61,3.8\nHealthy,55,0.8\n")
    by_data = json.loads(run("predict", model, "--data", data, "--json").stdout)
    by_x = json.loads(run("predict", model, "--x", "3.8", "61", "--x", "0.8", "55",
                          "--json").stdout)
    assert by_data["predictions"] == by_x["predictions"]
    assert by_data["predictions"][0]["x"] == [3.8, 61.0]
    p = predict(net, [[3.8, 61.0], [0.8, 55.0]])
    assert [r["probabilities"]["Cancer"] for r in by_data["predictions"]] == \
        p.probabilities[:, 1].tolist()


def test_output_styles_csv_json_and_file_agree(tmp_path):
    net = Network.random([2, 4, 3], activation="relu", output_activation="softmax", seed=0)
    net.info = {"feature_names": ["a", "b"], "class_names": ["x", "y", "z"]}
    model = tmp_path / "m.json"
    net.save(model)
    data = tmp_path / "new.csv"
    data.write_text("a,b\n1,2\n-0.5,3e-7\n")
    as_csv = run("predict", model, "--data", data, "--csv")
    assert as_csv.returncode == 0 and as_csv.stderr == ""
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["a", "b", "P(x)", "P(y)", "P(z)", "predicted"]
    p = predict(net, [[1, 2], [-0.5, 3e-7]])
    assert [[float(v) for v in r[2:5]] for r in rows[1:]] == p.probabilities.tolist()
    assert [r[5] for r in rows[1:]] == p.labels
    # -o writes the same CSV (atomically) and says so; --csv with -o does both
    written = tmp_path / "p.csv"
    done = run("predict", model, "--data", data, "-o", written)
    assert written.read_text() == as_csv.stdout and done.stdout.startswith("wrote 2 pred")
    both = run("predict", model, "--data", data, "--csv", "--output", tmp_path / "q.csv")
    assert both.stdout == as_csv.stdout == (tmp_path / "q.csv").read_text()
    # --json: one object, the same numbers
    as_json = run("predict", model, "--data", data, "--json")
    assert as_json.stdout.count("\n") == 1
    record = json.loads(as_json.stdout)
    assert [list(r["probabilities"].values()) for r in record["predictions"]] == \
        p.probabilities.tolist()


def test_csv_takes_no_file_the_samples_are_data(tmp_path):
    """--csv FILE is not --data FILE --csv: an argparse error, one line."""
    model, data = tmp_path / "m.json", tmp_path / "new.csv"
    Network.random([2, 3, 2], output_activation="softmax", seed=0).save(model)
    data.write_text("x1,x2\n1,2\n")
    result = run("predict", model, "--csv", data)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert f"unrecognized arguments: {data}" in result.stderr


def test_threshold_is_stated_and_used_in_the_table(tmp_path):
    net = Network.random([1, 1], activation="sigmoid", seed=0)
    net.layers[0].W[...] = 1.0
    net.info = {"class_names": ["Healthy", "Cancer"], "feature_names": ["psa"]}
    model = tmp_path / "m.json"
    net.save(model)
    done = run("predict", model, "--x", "-0.5", "--threshold", "0.3")   # P(Cancer) = 0.3775
    assert "predicted Cancer when P(Cancer) ≥ 0.3" in done.stdout
    assert done.stdout.split("\n")[3].split()[-1] == "Cancer"
