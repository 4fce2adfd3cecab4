"""Every command on every kind of model a user makes (issue "Off the article's path").

Models are trained by ``nnmath train`` from CSV files written from scikit-learn's
bundled datasets: a regression model (diabetes, 10 inputs), a one-input regression
model (diabetes' bmi), a two-class classifier (breast cancer, 30 inputs), a
three-class classifier (wine, 13 inputs), a two-input three-class classifier (iris
petals), and a model written by hand with ``nnmath new`` (the article's network B).
Each command then runs on each model as a user would call it.

Oracles: the saved model file's own numbers pushed through a forward pass written
with NumPy (stored scaling first), metrics recomputed from those outputs, and the
other commands' outputs (explain's ``output`` equals predict's).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from nnmath.cli import main

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

sk_datasets = pytest.importorskip("sklearn.datasets")   # the dev extra installs it


def run(*argv) -> tuple[int, str, str]:
    """``nnmath ARGV`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:   # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def ok_json(*argv) -> dict:
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


def forward(model: dict, X) -> np.ndarray:
    """The model file's forward pass, by NumPy: scaling, then z = a @ W + b, a = g(z), and
    a regression target's scaling undone (y = y_hat * std + mean)."""
    a = np.asarray(X, dtype=float)
    if "scaling" in model:
        a = (a - np.array(model["scaling"]["mean"])) / np.array(model["scaling"]["std"])
    for layer in model["layers"]:
        z = a @ np.array(layer["W"]) + np.array(layer["b"])
        g = layer["activation"]
        if g == "relu":
            a = np.maximum(z, 0.0)
        elif g == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        elif g == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        elif g == "tanh":
            a = np.tanh(z)
        else:
            a = z
    if "target_scaling" in model:
        a = a * np.array(model["target_scaling"]["std"]) + np.array(
            model["target_scaling"]["mean"])
    return a


def _csv(path: Path, frame) -> Path:
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """{name: (model path, data path, target column, task, X, y)}."""
    folder = tmp_path_factory.mktemp("models")
    diabetes = sk_datasets.load_diabetes(as_frame=True).frame
    cancer = sk_datasets.load_breast_cancer(as_frame=True).frame
    cancer.columns = [c.replace(" ", "_") for c in cancer.columns]
    wine = sk_datasets.load_wine(as_frame=True).frame
    iris = sk_datasets.load_iris(as_frame=True)
    petals = iris.frame[["petal length (cm)", "petal width (cm)"]].copy()
    petals.columns = ["petal_length", "petal_width"]
    petals["species"] = [str(iris.target_names[k]) for k in iris.target]
    files = {
        "regression": (_csv(folder / "diabetes.csv", diabetes), "target", []),
        "regression_1": (_csv(folder / "bmi.csv", diabetes[["bmi", "target"]]), "target", []),
        "binary": (_csv(folder / "cancer.csv", cancer), "target", []),
        "three": (_csv(folder / "wine.csv", wine), "target", ["--hidden", "6"]),
        "petals": (_csv(folder / "petals.csv", petals), "species", []),
    }
    out = {}
    for name, (data, target, extra) in files.items():
        model = folder / f"{name}.json"
        code, _, err = run("train", data, "--target", target, "--epochs", "40", "--save",
                           model, *extra)
        assert code == 0, err
        saved = json.loads(model.read_text())
        out[name] = (model, data, target, saved["task"], saved)
    psa = folder / "psa.csv"
    psa.write_text("psa,status\n3.8,Cancer\n2.5,Healthy\n2.0,Healthy\n1.6,Cancer\n0.8,Healthy\n")
    hand = folder / "hand.json"
    code, _, err = run("new", 1, 1, 1, "--set", "W1=0.5", "b1=0", "W2=-1", "b2=0",
                       "--feature-names", "psa", "--class-names", "Healthy", "Cancer", "-o",
                       hand)
    assert code == 0, err
    out["hand"] = (hand, psa, "status", "classification", json.loads(hand.read_text()))
    return out


def _rows(data: Path, model: dict, target: str):
    import pandas as pd

    frame = pd.read_csv(data)
    features = model.get("feature_names") or [c for c in frame.columns if c != target]
    return frame[features].to_numpy(float), frame[target]


ALL = ["regression", "regression_1", "binary", "three", "petals", "hand"]


@pytest.mark.parametrize("name", ALL)
def test_summary_predict_evaluate_explain_agree(models, name):
    model, data, target, task, saved = models[name]
    X, y = _rows(data, saved, target)
    y_hat = forward(saved, X)
    assert ok_json("summary", model)["sizes"] == [X.shape[1]] + \
        [len(layer["b"]) for layer in saved["layers"]]

    predicted = ok_json("predict", model, "--data", data)
    report = ok_json("evaluate", model, data, "--target", target)
    if task == "regression":
        got = np.array([p["y_hat"] for p in predicted["predictions"]])
        np.testing.assert_allclose(got, y_hat, rtol=1e-12, atol=1e-12)
        t = y.to_numpy(float)[:, None]
        assert report["mse"] == pytest.approx(np.mean((t - y_hat) ** 2), rel=1e-12)
        r2 = 1 - np.sum((t - y_hat) ** 2) / np.sum((t - t.mean()) ** 2)
        assert report["r2"] == pytest.approx(r2, rel=1e-10)
    else:
        names = predicted["class_names"]
        proba = np.array([[p["probabilities"][c] for c in names]
                          for p in predicted["predictions"]])
        expected = np.c_[1 - y_hat, y_hat] if y_hat.shape[1] == 1 else y_hat
        np.testing.assert_allclose(proba, expected, rtol=1e-12, atol=1e-15)
        labels = [str(v) for v in y]
        hits = [names[int(np.argmax(row))] == label for row, label in zip(proba, labels)]
        if len(names) == 2:    # the positive class (class 1) at P >= 0.5
            hits = [names[int(row[1] >= 0.5)] == label for row, label in zip(proba, labels)]
            assert report["positive_class"] == names[1]
        assert report["accuracy"] == pytest.approx(np.mean(hits), abs=1e-15)

    # explain takes the same raw row and computes what predict computes
    row = 3
    step = ok_json("explain", "--model", model, "--data", data, "--row", row, "--target", target)
    output = step["output_units"] if "target_scaling" in saved else step["output"]
    np.testing.assert_allclose(output, y_hat[row - 1], rtol=1e-12, atol=1e-15)
    assert step["x"] == pytest.approx(X[row - 1].tolist(), abs=0)


@pytest.mark.parametrize("name", ALL)
def test_predict_table_shows_every_output_at_80_columns(models, name, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    model, data, target, task, saved = models[name]
    X, _ = _rows(data, saved, target)
    code, out, err = run("predict", model, "--x", *X[0].tolist())
    assert code == 0 and err == ""
    assert max(map(len, out.splitlines())) <= 80 and "…" not in out
    y_hat = forward(saved, X[:1])[0]
    from nnmath.render.mathexpr import num

    if task == "regression":
        assert num(y_hat[0]) in out
    else:
        names = saved.get("class_names")
        assert names[int(np.argmax(y_hat))] in out if len(y_hat) > 1 else \
            names[int(y_hat[0] >= 0.5)] in out


PICTURES = {   # kind: which models it is for (else: a one-line error, exit 2)
    "network": ALL, "loss": [n for n in ALL if n != "hand"],
    "fit": ["regression", "regression_1"], "residuals": ["regression", "regression_1"],
    "curve": ["regression_1", "hand"], "map": ["petals"],
    "confusion": ["binary", "three", "petals", "hand"], "roc": ["binary", "hand"],
}


@pytest.mark.parametrize("kind", list(PICTURES))
def test_every_picture_on_every_model(models, kind, tmp_path):
    for name in ALL:
        model, data, target, task, saved = models[name]
        png = tmp_path / f"{name}-{kind}.png"
        code, out, err = run("plot", kind, "--model", model, "--data", data, "--target", target,
                             "-o", png)
        if name in PICTURES[kind]:
            assert code == 0, (name, err)
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        else:
            assert code == 2 and out == "" and err.count("\n") == 1, (name, code, err)
            assert not png.exists(), name


@pytest.mark.parametrize("name", ["regression", "three"])
def test_report_and_train_plots_on_a_users_model(models, name, tmp_path):
    model, data, target, task, saved = models[name]
    code, out, err = run("report", "--model", model, "--data", data, "--output-dir",
                         tmp_path / "report")
    assert code == 0, err
    page = (tmp_path / "report" / "index.html").read_text()
    assert ("R²" in page) == (task == "regression")
    code, out, err = run("train", data, "--target", target, "--epochs", "3", "--plots",
                         tmp_path / "pictures")
    assert code == 0, err
    written = sorted(p.stem for p in (tmp_path / "pictures").iterdir())
    expected = {"regression": ["fit", "loss", "network", "residuals"],
                "three": ["confusion", "loss", "network"]}[name]
    assert written == expected


@pytest.mark.parametrize("name", ALL)
def test_serve_takes_every_model_with_its_data(models, name):
    # nnmath serve's API (no server started: FastAPI's test client): the CSV file, then
    # the model; its step on a data row is explain's on that row, and it trains.
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from nnmath.web.app import create_app

    model, data, target, task, saved = models[name]
    with TestClient(create_app(), base_url="http://127.0.0.1",
                    headers={"X-Requested-With": "tests"}) as client:
        url = f"/api/sessions/{client.post('/api/sessions').json()['session']}"
        response = client.post(f"{url}/csv", files={"file": (data.name, data.read_bytes())},
                               data={"target": target})
        assert response.status_code == 200, response.text
        response = client.post(f"{url}/model",
                               files={"file": (model.name, model.read_bytes())})
        assert response.status_code == 200, response.text
        state = response.json()
        assert state["network"]["sizes"] == ok_json("summary", model)["sizes"]
        n_inputs = len(state["data"]["feature_names"])
        assert state["view"]["kind"] == {1: "curve", 2: "map"}.get(n_inputs, "none")
        assert client.put(f"{url}/sample", json={"index": 2}).status_code == 200
        step = client.post(f"{url}/step").json()
        rate = state["config"]["learning_rate"]   # the model's training settings, if any
        assert rate == saved.get("training", {}).get("learning_rate", 0.1)
        cli = ok_json("explain", "--model", model, "--data", data, "--row", 3, "--target", target,
                      "--learning-rate", rate)
        for key in ("x", "target", "output", "loss", "gradients", "updated", "loss_after"):
            assert step[key] == cli[key], key
        derivation = client.get(f"{url}/derivation", params={"param": "W1", "i": 0, "j": 0})
        assert derivation.json()["value"] == cli["gradients"]["W1"][0][0]
        trained = client.post(f"{url}/train", json={"epochs": 1})
        assert trained.status_code == 200, trained.text
        trained = trained.json()
        assert trained["epoch"] == 1 and trained["network"] != state["network"]
