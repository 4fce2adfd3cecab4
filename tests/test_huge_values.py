"""Huge but finite numbers through every command (issue 10, point 14).

Features of 1e300, targets of 1e298, a hand-written model with weights near 1e308:
each command gives exit 0 with a right result, or one line, exit 2, whose advice
fits the cause (the targets, the inputs, the weights), and no NumPy RuntimeWarning
reaches stderr. Commands run in this process with every warning recorded (none may
be), on CSV files written from scikit-learn's datasets.
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings

import numpy as np
import pytest

from nnmath.cli import main

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

sk_datasets = pytest.importorskip("sklearn.datasets")
pytest.importorskip("matplotlib")


def run(*argv):
    """``nnmath ARGV`` in this process: (exit code, stdout, stderr, warnings shown)."""
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in argv])
            except SystemExit as exc:   # argparse
                code = exc.code
    return code, out.getvalue(), err.getvalue(), [str(w.message) for w in shown]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("huge")
    diabetes = sk_datasets.load_diabetes(as_frame=True).frame
    iris = sk_datasets.load_iris(as_frame=True).frame
    paths = {name: folder / f"{name}.csv" for name in
             ("diabetes", "iris", "big_x", "big_t", "iris_big_x")}
    diabetes.to_csv(paths["diabetes"], index=False)
    iris.to_csv(paths["iris"], index=False)
    big = diabetes.copy()
    big["bmi"] *= 1e300          # |bmi| <= 0.17: up to 1.7e299
    big.to_csv(paths["big_x"], index=False)
    big = diabetes.copy()
    big["target"] *= 1e298       # up to 3.46e300
    big.to_csv(paths["big_t"], index=False)
    big = iris.copy()
    big["sepal length (cm)"] *= 1e300
    big.to_csv(paths["iris_big_x"], index=False)
    paths["w308"] = folder / "w308.json"
    paths["w308"].write_text(json.dumps({
        "format": "nnmath.network/1", "task": "regression", "feature_names": ["a", "b"],
        "target_name": "target",
        "layers": [{"activation": "relu", "W": [[1e308], [1e308]], "b": [1e308]},
                   {"activation": "identity", "W": [[1e308]], "b": [0.0]}]}))
    paths["saturating"] = folder / "saturating.json"   # z overflows, sigmoid(inf) = 1
    paths["saturating"].write_text(json.dumps({
        "format": "nnmath.network/1", "class_names": ["Healthy", "Cancer"],
        "layers": [{"activation": "sigmoid", "W": [[1e308, -1e308]], "b": [0.0, 1e308]},
                   {"activation": "sigmoid", "W": [[2.0], [-1.0]], "b": [0.0]}]}))
    for name, data in (("reg", "diabetes"), ("cls", "iris")):
        paths[name] = folder / f"{name}.json"
        code, _, err, shown = run("train", paths[data], "--target", "target", "--epochs", "20",
                                  "--save", paths[name])
        assert code == 0 and not shown, err
    paths["folder"] = folder
    return paths


CASES = [
    # (argv with {names}, exit code, a fragment of stdout (exit 0) or stderr (exit 2))
    (["train", "{big_x}", "--target", "target", "--epochs", "5", "--json"], 0, '"n_train": 331'),
    (["train", "{big_x}", "--target", "target", "--epochs", "5", "--no-scale"], 2,
     "the loss before training must be a finite number. Got inf. The inputs (up to 1.71e+299) "
     "are too large. Scale the inputs (nnmath train standardises features, unless --no-scale "
     "is given)."),
    (["train", "{big_t}", "--target", "target", "--epochs", "5", "--save", "{folder}/t.json"], 2,
     "the mse must be a finite number. Got inf. The targets (up to 3.46e+300) are too large "
     "to be squared: scale them (values in the thousands are fine, 1e300 is not)."),
    (["train", "{big_t}", "--target", "target", "--epochs", "5", "--optimizer", "sgd"], 2,
     "The targets (up to 3.46e+300) are too large"),
    (["train", "{iris_big_x}", "--target", "target", "--epochs", "5", "--json"], 0,
     '"n_train": 112'),
    (["train", "{iris_big_x}", "--target", "target", "--epochs", "5", "--no-scale", "--json"],
     0, '"n_train": 112'),
    (["predict", "{reg}", "--data", "{big_x}", "--json"], 0, '"n_samples": 442'),
    (["predict", "{cls}", "--data", "{iris_big_x}", "--json"], 0, '"n_samples": 150'),
    (["predict", "{w308}", "--x", "1", "1", "--json"], 2,
     "the network's outputs must be finite numbers. Got '[inf] for sample 0'. The numbers "
     "overflowed. The weights (up to 1e+308) are too large. Retrain, or write smaller weights."),
    (["predict", "{saturating}", "--x", "3", "--json"], 0, '"predicted": "Cancer"'),
    (["evaluate", "{reg}", "{big_x}", "--target", "target"], 2,
     "the loss must be a finite number. Got inf. The network's outputs (up to 1."),
    (["evaluate", "{reg}", "{big_t}", "--target", "target", "--json"], 2,
     "the loss must be a finite number. Got inf. The targets (up to 3.46e+300) are too large "
     "to be squared: scale them"),
    (["evaluate", "{cls}", "{iris_big_x}", "--target", "target", "--json"], 0, '"accuracy": '),
    (["explain", "--model", "{reg}", "--data", "{big_x}", "--row", "1", "--json"], 0,
     '"output": ['),
    (["explain", "--model", "{reg}", "--data", "{big_t}", "--row", "1", "--json"], 0,
     '"kind": "non_finite"'),
    (["explain", "--model", "{w308}", "--x", "1", "1", "--y", "0"], 0, "overflowed"),
    (["explain", "--model", "{saturating}", "--x", "3", "--y", "Cancer", "--json"], 0,
     '"output": [0.880797077977882'),
    (["summary", "{w308}", "--json"], 0, '"sizes": [2, 1, 1]'),
    (["plot", "network", "--model", "{w308}", "-o", "{folder}/n.png"], 0, "wrote"),
    (["plot", "fit", "--model", "{reg}", "--data", "{big_t}", "-o", "{folder}/f.png"], 2,
     "The targets (up to 3.46e+300) are too large to be squared"),
    (["plot", "residuals", "--model", "{reg}", "--data", "{big_x}", "-o", "{folder}/r.png"], 2,
     "The network's outputs (up to 1."),
    (["plot", "confusion", "--model", "{cls}", "--data", "{iris_big_x}", "-o",
      "{folder}/c.png"], 0, "wrote"),
    (["plot", "curve", "--model", "{saturating}", "-o", "{folder}/curve.png"], 0, "wrote"),
    (["report", "--model", "{reg}", "--data", "{big_t}", "--output-dir", "{folder}/r1"], 2,
     "The targets (up to 3.46e+300) are too large to be squared"),
    (["report", "--model", "{reg}", "--data", "{big_x}", "--output-dir", "{folder}/r2"], 2,
     "The network's outputs (up to 1."),
    (["report", "--model", "{saturating}", "--output-dir", "{folder}/r3"], 0, "wrote"),
]


@pytest.mark.parametrize("argv, code, fragment", CASES,
                         ids=[" ".join(c[0][:2]) + f" {i}" for i, c in enumerate(CASES)])
def test_huge_finite_values_give_a_result_or_one_line_and_no_warning(files, argv, code,
                                                                      fragment):
    names = {k: str(v) for k, v in files.items()}
    got, out, err, shown = run(*[a.format(**names) for a in argv])
    assert shown == [], shown                     # nothing for NumPy to warn about
    assert "RuntimeWarning" not in err and "Traceback" not in err, err
    assert got == code, (got, out[:300], err)
    if code == 0:
        assert err == "" and fragment in out, (out[:500], err)
    else:
        assert out == "" and err.count("\n") == 1 and fragment in err, err


def test_predictions_on_huge_features_are_the_numpy_forward_pass(files):
    code, out, err, shown = run("predict", files["reg"], "--data", files["big_x"], "--json")
    assert code == 0 and not shown, err
    model = json.loads(files["reg"].read_text())
    X = np.loadtxt(files["big_x"], delimiter=",", skiprows=1)[:, :10]
    a = (X - np.array(model["scaling"]["mean"])) / np.array(model["scaling"]["std"])
    for layer in model["layers"]:
        z = a @ np.array(layer["W"]) + np.array(layer["b"])
        a = np.maximum(z, 0.0) if layer["activation"] == "relu" else z
    target = model["target_scaling"]          # the target's scaling undone
    a = a * np.array(target["std"]) + np.array(target["mean"])
    y_hat = [p["y_hat"] for p in json.loads(out)["predictions"]]
    assert np.all(np.isfinite(a)) and np.abs(a).max() > 1e290   # huge, but finite
    assert np.allclose(np.array(y_hat), a, rtol=1e-12)


def test_nothing_is_saved_when_the_starting_loss_overflows(files):
    model = files["folder"] / "t.json"
    code, _, err, _ = run("train", files["big_t"], "--target", "target", "--epochs", "5",
                          "--save", model)
    assert code == 2 and not model.exists(), err
