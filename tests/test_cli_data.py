"""The CSV workflow from the command line: train, summary, evaluate, predict.

Oracles: hand computations from the numbers in the saved model file (forward
pass written out with math/numpy, counts by loop, AUC by comparing every
positive with every negative), and nnmath's Python API on the same files.
"""

import csv
import io
import json
import math
import re
from importlib import resources

import numpy as np
import pytest

from nnmath import datasets
from nnmath.article import B_EPOCHS, B_LEARNING_RATE, network_b
from nnmath.inference import predict


def psa_csv(tmp_path):
    path = tmp_path / "psa.csv"
    path.write_text(resources.files("nnmath.datasets").joinpath("psa.csv").read_text())
    return path


def iris_csv(tmp_path):
    data = datasets.iris()
    path = tmp_path / "iris.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        for x, y in zip(data.X, data.y):
            w.writerow([*x.tolist(), data.class_names[y]])
    return path


def one_json(result):
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1           # one JSON object, nothing else
    return json.loads(result.stdout)


def test_network_b_evaluation_matches_a_hand_computation(cli, tmp_path):
    data = datasets.psa()
    net = network_b()                                   # the article's scaling-up run
    net.fit(data.X, data.targets(1), loss="ssr", learning_rate=B_LEARNING_RATE,
            epochs=B_EPOCHS, batch_size=1)
    model = tmp_path / "b.json"
    net.save(model, class_names=["Healthy", "Cancer"], loss="ssr")
    report = one_json(cli("evaluate", str(model), str(psa_csv(tmp_path)), "--target", "status",
                          "--json"))

    saved = json.loads(model.read_text())
    (w1,), = saved["layers"][0]["W"]
    (w2,), = saved["layers"][1]["W"]
    b1, b2 = saved["layers"][0]["b"][0], saved["layers"][1]["b"][0]
    sigmoid = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    rows = list(csv.DictReader(io.StringIO(psa_csv(tmp_path).read_text())))
    scores = [sigmoid(w2 * sigmoid(w1 * float(r["psa"]) + b1) + b2) for r in rows]
    cancer = [r["status"] == "Cancer" for r in rows]
    tp = sum(s >= 0.5 and c for s, c in zip(scores, cancer))
    fn = sum(s < 0.5 and c for s, c in zip(scores, cancer))
    tn = sum(s < 0.5 and not c for s, c in zip(scores, cancer))
    fp = sum(s >= 0.5 and not c for s, c in zip(scores, cancer))
    pos = [s for s, c in zip(scores, cancer) if c]
    neg = [s for s, c in zip(scores, cancer) if not c]
    auc = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg) / (7 * 7)

    assert report["confusion_matrix"] == [[tn, fp], [fn, tp]]
    assert report["sensitivity"] == pytest.approx(tp / (tp + fn), abs=1e-15)
    assert report["specificity"] == pytest.approx(tn / (tn + fp), abs=1e-15)
    assert report["auc"] == pytest.approx(auc, abs=1e-15)
    assert report["accuracy"] == pytest.approx((tp + tn) / 14, abs=1e-15)
    assert report["loss"] == pytest.approx(
        sum(0.5 * (s - c) ** 2 for s, c in zip(scores, cancer)) / 14, rel=1e-12)
    text = cli("evaluate", str(model), str(psa_csv(tmp_path)), "--target", "status")
    assert text.returncode == 0
    assert f"{tp / (tp + fn):.4g}" in text.stdout and f"{auc:.4g}" in text.stdout


def test_train_save_reload_predict_from_cli_and_python(cli, tmp_path):
    data_path, model = iris_csv(tmp_path), tmp_path / "iris.json"
    out = one_json(cli("train", str(data_path), "--target", "species", "--hidden", "8", "4",
                       "--activation", "relu", "--output-activation", "softmax", "--loss",
                       "cross_entropy", "--optimizer", "adam", "--learning-rate", "0.01",
                       "--epochs", "100", "--batch-size", "16", "--test-size", "0.25",
                       "--seed", "0", "--save", str(model), "--json"))
    assert out["sizes"] == [4, 8, 4, 3] and out["n_train"] == 112 and out["n_test"] == 38
    assert out["class_names"] == ["setosa", "versicolor", "virginica"]
    assert len(out["history"]["loss"]) == 100 == out["epochs_run"]
    assert out["test"]["accuracy"] > 0.9
    saved = json.loads(model.read_text())
    assert saved["format"] == "nnmath.network/1" and saved["scaling"]["method"] == "standard"
    assert saved["class_names"] == out["class_names"] and saved["loss"] == "cross_entropy"

    # the same seed gives the same model, bit for bit
    again = tmp_path / "again.json"
    cli("train", str(data_path), "--target", "species", "--hidden", "8", "4", "--epochs", "100",
        "--batch-size", "16", "--seed", "0", "--save", str(again), "--json")
    assert again.read_text() == model.read_text()

    # predict one sample: by hand from the file (scaling, then the forward pass)
    x = [5.1, 3.5, 1.4, 0.2]
    pred = one_json(cli("predict", str(model), "--x", *map(str, x), "--json"))
    a = (np.array(x) - saved["scaling"]["mean"]) / saved["scaling"]["std"]
    for layer in saved["layers"]:
        z = a @ np.array(layer["W"]) + np.array(layer["b"])
        a = np.maximum(z, 0) if layer["activation"] == "relu" else np.exp(z) / np.exp(z).sum()
    probs = pred["predictions"][0]["probabilities"]
    np.testing.assert_allclose([probs[c] for c in saved["class_names"]], a, rtol=1e-12)
    assert pred["predictions"][0]["predicted"] == saved["class_names"][int(np.argmax(a))]

    # predict a CSV (extra target column ignored): stdout and --output agree with Python
    stdout = cli("predict", str(model), "--data", str(data_path), "--csv")
    assert stdout.returncode == 0
    rows = list(csv.DictReader(io.StringIO(stdout.stdout)))
    assert list(rows[0])[-4:] == ["P(setosa)", "P(versicolor)", "P(virginica)", "predicted"]
    from nnmath import Network

    X = datasets.iris().X
    p = predict(Network.load(model), X)
    assert [r["predicted"] for r in rows] == p.labels
    np.testing.assert_array_equal([[float(r[f"P({c})"]) for c in p.class_names] for r in rows],
                                  p.probabilities)
    written = tmp_path / "predictions.csv"
    done = cli("predict", str(model), "--data", str(data_path), "--output", str(written))
    assert done.returncode == 0 and written.read_text() == stdout.stdout
    assert not [f for f in tmp_path.iterdir() if f.name.endswith(".tmp")]

    # evaluate on all rows agrees with the Python API
    report = one_json(cli("evaluate", str(model), str(data_path), "--target", "species",
                          "--json"))
    assert report["accuracy"] == float(np.mean(p.classes == datasets.iris().y))
    assert np.sum(report["confusion_matrix"]) == 150

    # summary: Keras-style parameter counts, by hand: 4*8+8, 8*4+4, 4*3+3
    summary = one_json(cli("summary", str(model), "--json"))
    assert [layer["params"] for layer in summary["layers"]] == [40, 36, 15]
    assert summary["total_params"] == 91
    assert [layer["output_shape"] for layer in summary["layers"]] == [[None, 8], [None, 4],
                                                                     [None, 3]]
    text = cli("summary", str(model))
    assert text.returncode == 0 and "total params: 91" in text.stdout


def test_train_defaults_and_text_output(cli, tmp_path):
    path = tmp_path / "reg.csv"
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 2))
    path.write_text("a,b,y\n" + "".join(f"{a!r},{b!r},{2 * a - b + 0.5!r}\n" for a, b in X.tolist()))
    model = tmp_path / "reg.json"
    result = cli("train", str(path), "--target", "y", "--epochs", "150", "--save", str(model))
    assert result.returncode == 0, result.stderr
    assert "R²" in result.stdout and "saved to" in result.stdout
    saved = json.loads(model.read_text())
    assert saved["task"] == "regression" and saved["loss"] == "mse"
    assert saved["layers"][-1]["activation"] == "identity"
    pred = one_json(cli("predict", str(model), "--x", "0.5", "0.25", "--x", "0", "0", "--json"))
    assert len(pred["predictions"]) == 2 and "y_hat" in pred["predictions"][0]
    report = one_json(cli("evaluate", str(model), str(path), "--target", "y", "--json"))
    assert report["r2"] > 0.9


def test_early_stopping_and_softmax_default_for_two_classes(cli, tmp_path):
    out = one_json(cli("train", str(psa_csv(tmp_path)), "--target", "status", "--classes",
                       "Healthy", "Cancer", "--epochs", "300", "--early-stopping",
                       "--validation-fraction", "0.3", "--patience", "3", "--test-size",
                       "0.25", "--json"))
    assert out["sizes"][-1] == 2 and out["settings"]["loss"] == "cross_entropy"
    assert len(out["history"]["val_loss"]) == out["epochs_run"]
    if out["stop_reason"] == "early_stopping":
        assert out["best_epoch"] == int(np.argmin(out["history"]["val_loss"])) + 1


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from nnmath.workflow import fit_dataset

    folder = tmp_path_factory.mktemp("cli")
    data = iris_csv(folder)
    fit_dataset(datasets.load_csv(data, target="species"), epochs=2).net.save(folder / "m.json")
    bad = folder / "bad.csv"
    bad.write_text("sepal_length,sepal_width,petal_length,petal_width,species\n"
                   "1,2,3,4,setosa\nx,2,3,4,setosa\n")
    return dict(data=data, model=folder / "m.json", bad=bad, missing=folder / "missing.csv")


@pytest.mark.parametrize("args, message", [
    (["train", "{data}", "--target", "nope"], "target column must be one of the columns"),
    (["train", "{data}", "--target", "species", "--epochs", "0"], "epochs must be"),
    (["train", "{data}", "--target", "species", "--learning-rate", "-1"], "learning_rate"),
    (["train", "{data}", "--target", "species", "--loss", "bce"], "bce"),
    (["train", "{missing}", "--target", "species"], "does not exist"),
    (["predict", "{model}", "--x", "1", "2"], "--x must be given 4 value"),
    (["predict", "{missing}", "--x", "1"], "does not exist"),
    (["evaluate", "{model}", "{bad}", "--target", "species"], r"line 3, column 1"),
])
def test_errors_are_one_line_exit_2(cli, files, args, message):
    result = cli(*[a.format(**{k: str(v) for k, v in files.items()}) for a in args])
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert re.search(message, result.stderr), result.stderr


@pytest.mark.parametrize("command", ["train", "predict", "evaluate", "summary"])
def test_help_has_examples(command, capsys):
    from nnmath.cli import main

    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0 and f"nnmath {command} " in capsys.readouterr().out
