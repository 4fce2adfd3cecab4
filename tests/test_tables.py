"""Real tables through the real command line (issue 20, "What was seen"): a missing target
is never a class, whole numbers are classes only when likely (and the task is said), a
regression target is standardised, the threshold travels with the model, a user's model
never falls back to the PSA data, and ``plot animation --model`` replays its training.

Each test here failed on the code before the fix (commit 16a310c): its docstring says how.
The data are scikit-learn's bundled sets written to CSV, as a user would export them.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

sk_datasets = pytest.importorskip("sklearn.datasets")


def _frame(name):
    return getattr(sk_datasets, f"load_{name}")(as_frame=True).frame


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """CSV files of diabetes (one target NA, one empty), linnerud, breast cancer, iris."""
    folder = tmp_path_factory.mktemp("tables")
    diabetes = _frame("diabetes")
    diabetes["target"] = diabetes["target"].astype(object)
    diabetes.loc[5, "target"] = "NA"
    diabetes.to_csv(folder / "diabetes.csv", index=False)
    diabetes.loc[40, "target"] = ""
    diabetes.to_csv(folder / "diabetes2.csv", index=False)
    _frame("linnerud").to_csv(folder / "linnerud.csv", index=False)
    _frame("breast_cancer").to_csv(folder / "cancer.csv", index=False)
    _frame("iris").to_csv(folder / "iris.csv", index=False)
    return folder


def _json(done) -> dict:
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


def test_a_missing_target_is_never_a_class_its_rows_are_left_out(cli, tables):
    """Point 1. Was: `NA` made the diabetes target text, so a 215-class softmax trained
    on it, exit 0."""
    model = tables / "diabetes.json"
    out = _json(cli("train", tables / "diabetes.csv", "--target", "target", "--epochs", "5",
                    "--save", model, "--json"))
    assert out["task"] == "regression" and out["sizes"][-1] == 1
    assert out["notes"][0] == "left out 1 row whose target 'target' is missing (line 7)"
    # data rows keep their numbers: row 7 is still the file's 7th row, row 6 has no target
    step = _json(cli("explain", "--model", model, "--data", tables / "diabetes.csv",
                     "--row", "7", "--json"))
    assert step["target_raw"] == [float(_frame("diabetes")["target"][6])]
    done = cli("explain", "--model", model, "--data", tables / "diabetes.csv", "--row", "6")
    assert done.returncode == 2 and "Row 6 of" in done.stderr and "left out" in done.stderr
    out = _json(cli("train", tables / "diabetes2.csv", "--target", "target", "--epochs", "5",
                    "--json"))
    assert out["task"] == "regression" and out["sizes"][-1] == 1
    assert out["n_train"] + out["n_test"] == 440          # 442 rows, two without a target
    assert "left out 2 rows whose target 'target' is missing (lines 7, 42)" in out["notes"]
    assert "r2" in out["test"] and "accuracy" not in out["test"]


def test_whole_numbers_are_classes_only_when_likely_and_the_task_is_said(cli, tables):
    """Point 2. Was: linnerud's Weight (16 distinct whole numbers in 20 rows) trained a
    16-class softmax, with nothing said about the guess."""
    done = cli("train", tables / "linnerud.csv", "--target", "Weight", "--features", "Chins",
               "Situps", "Jumps", "--epochs", "5")
    assert done.returncode == 0, done.stderr
    assert "task: regression (the target has 16 distinct whole numbers, 12 of them in one " \
           "row only; --task classification makes them classes)" in " ".join(done.stdout.split())
    iris = _json(cli("train", tables / "iris.csv", "--target", "target", "--epochs", "5",
                     "--json"))
    assert iris["task"] == "classification" and iris["class_names"] == ["0", "1", "2"]
    assert any(n.startswith("task: classification (the target holds 3 distinct whole "
                            "numbers, each in at least 2 rows") for n in iris["notes"])
    mixed = tables / "mixed.csv"
    mixed.write_text("x,y\n1,5\n2,7\n3,seven\n4,5\n")
    done = cli("train", mixed, "--target", "y")
    assert done.returncode == 2
    assert "the target column 'y' must be numbers (regression) or names of classes. Got " \
           "\"both: '5' in line 2 and 'seven' in line 4\"" in done.stderr


def test_a_regression_target_is_standardised_and_predicted_in_its_units(cli, tables,
                                                                        tmp_path):
    """Point 5. Was: the target was fitted in its own units (Weight in the hundreds), train
    R² −30.9 and no word; evaluate reported MSE and R² only."""
    model = tmp_path / "w.json"
    out = _json(cli("train", tables / "linnerud.csv", "--target", "Weight", "--features",
                    "Chins", "Situps", "Jumps", "--task", "regression", "--test-size", "0",
                    "--save", model, "--json"))
    weight = _frame("linnerud")["Weight"].to_numpy(dtype=float)
    saved = json.loads(model.read_text())
    assert saved["target_scaling"]["mean"] == [pytest.approx(weight.mean(), rel=1e-15)]
    assert saved["target_scaling"]["std"] == [pytest.approx(weight.std(), rel=1e-14)]
    assert out["train"]["r2"] > 0.3
    predicted = _json(cli("predict", model, "--data", tables / "linnerud.csv", "--json"))
    y_hat = np.array([p["y_hat"][0] for p in predicted["predictions"]])
    assert 140 < y_hat.mean() < 210                      # in pounds, not standardised
    report = _json(cli("evaluate", model, tables / "linnerud.csv", "--json"))
    error = y_hat - weight
    assert report["mae"] == pytest.approx(np.mean(np.abs(error)), rel=1e-12)
    assert report["rmse"] == pytest.approx(np.sqrt(np.mean(error ** 2)), rel=1e-12)
    assert report["r2"] == pytest.approx(1 - np.sum(error ** 2) / np.sum(
        (weight - weight.mean()) ** 2), rel=1e-12)
    step = _json(cli("explain", "--model", model, "--data", tables / "linnerud.csv", "--row",
                     "3", "--json"))
    assert step["output_units"][0] == pytest.approx(y_hat[2], rel=1e-12, abs=1e-12)
    assert step["target_raw"] == [weight[2]]
    assert step["loss"] < 10                             # on the standardised target
    short = _json(cli("train", tables / "linnerud.csv", "--target", "Weight", "--features",
                      "Chins", "Situps", "Jumps", "--task", "regression", "--epochs", "20",
                      "--learning-rate", "0.001", "--json"))
    assert any(n.startswith("did not converge") for n in short["notes"])


def test_the_threshold_is_stored_and_used_by_evaluate_and_predict(cli, tables, tmp_path):
    """Point 6. Was: `train --threshold 0.2` was not stored; evaluate and predict used 0.5."""
    model = tmp_path / "c.json"
    _json(cli("train", tables / "cancer.csv", "--target", "target", "--threshold", "0.2",
              "--epochs", "20", "--save", model, "--json"))
    assert json.loads(model.read_text())["threshold"] == 0.2
    report = _json(cli("evaluate", model, tables / "cancer.csv", "--json"))
    predicted = _json(cli("predict", model, "--data", tables / "cancer.csv", "--json"))
    positive = report["positive_class"]
    p = np.array([r["probabilities"][positive] for r in predicted["predictions"]])
    labels = [r["predicted"] for r in predicted["predictions"]]
    assert report["threshold"] == predicted["threshold"] == 0.2
    assert labels == [positive if v >= 0.2 else report["class_names"][0] for v in p]
    y = _frame("breast_cancer")["target"].to_numpy()
    y1 = (y == int(positive)).astype(int)
    tp = int(np.sum((p >= 0.2) & (y1 == 1)))
    assert report["confusion_matrix"][1][1] == tp


def test_a_users_model_is_never_drawn_or_scored_on_the_psa_data(cli, tables, tmp_path):
    """Point 3. Was: a one-input breast cancer model was reported and drawn on the article's
    14 PSA rows (accuracy 0.5, the PSA points labelled "mean radius"), exit 0."""
    model = tmp_path / "radius.json"
    _json(cli("train", tables / "cancer.csv", "--target", "target", "--features",
              "mean radius", "--epochs", "5", "--save", model, "--json"))
    for argv in (("report", "--model", model, "--output-dir", tmp_path / "r"),
                 ("plot", "curve", "--model", model, "--output", tmp_path / "c.png")):
        done = cli(*argv)
        assert done.returncode == 2 and done.stdout == ""
        assert "the data must be given with --data CSV --target COL for a model that is " \
               "not the article's. Got 'no --data'. Give its rows (it was trained on cancer.csv)" \
               in done.stderr
    assert not (tmp_path / "r").exists() and not (tmp_path / "c.png").exists()


@pytest.mark.slow
def test_plot_animation_replays_the_models_recorded_training(cli, tables, tmp_path):
    """Point 4. Was: a model with the default scaling was refused ("Got 'a scaling'"); one
    without was trained on with the article's SGD (η 0.1, one row per step), its loss going
    up from 0.26 to 0.68."""
    pytest.importorskip("matplotlib")
    model = tmp_path / "two.json"
    trained = _json(cli("train", tables / "cancer.csv", "--target", "target", "--features",
                        "mean radius", "mean texture", "--epochs", "60", "--save", model,
                        "--json"))
    out = _json(cli("plot", "animation", "--model", model, "--data", tables / "cancer.csv",
                    "--epochs", "20", "--every", "10", "--output", tmp_path / "a.gif",
                    "--json"))
    assert out["replayed"] == {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 32,
                               "alpha": 0.0, "shuffle": True, "seed": 0}
    assert any("running averages are not recorded" in n for n in out["notes"])
    assert out["loss"] <= 1.05 * out["initial_loss"]
    assert out["initial_loss"] < 1.5 * trained["history"]["loss"][-1]
    assert (tmp_path / "a.gif").stat().st_size > 0
