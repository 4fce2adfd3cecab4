"""Several targets, --init, imbalanced-class metrics, ``plot pr`` and ``nnmath cv`` (issue
20, point 7 and "What to build"). Each failed on the code before (commit 16a310c): the
options, the keys and the command did not exist.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

sk_datasets = pytest.importorskip("sklearn.datasets")


def _json(done) -> dict:
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sets")
    sk_datasets.load_linnerud(as_frame=True).frame.to_csv(folder / "linnerud.csv",
                                                          index=False)
    sk_datasets.load_breast_cancer(as_frame=True).frame.to_csv(folder / "cancer.csv",
                                                               index=False)
    sk_datasets.load_wine(as_frame=True).frame.to_csv(folder / "wine.csv", index=False)
    return folder


def test_several_targets_train_one_multi_output_regressor(cli, files, tmp_path):
    """Point 7. Was: `--target Weight Waist Pulse` gave "unrecognized arguments"."""
    model = tmp_path / "m.json"
    out = _json(cli("train", files / "linnerud.csv", "--target", "Weight", "Waist", "Pulse",
                    "--test-size", "0", "--epochs", "300", "--save", model, "--json"))
    assert out["task"] == "regression" and out["sizes"] == [3, 8, 3]
    assert out["target"] == ["Weight", "Waist", "Pulse"]
    saved = json.loads(model.read_text())
    assert saved["target_names"] == ["Weight", "Waist", "Pulse"]
    frame = sk_datasets.load_linnerud(as_frame=True).frame
    T = frame[["Weight", "Waist", "Pulse"]].to_numpy(float)
    np.testing.assert_allclose(saved["target_scaling"]["mean"], T.mean(axis=0), rtol=1e-15)
    predicted = _json(cli("predict", model, "--data", files / "linnerud.csv", "--json"))
    y_hat = np.array([p["y_hat"] for p in predicted["predictions"]])
    assert y_hat.shape == (20, 3) and 100 < y_hat[:, 0].mean() < 250   # Weight in pounds
    report = _json(cli("evaluate", model, files / "linnerud.csv", "--json"))
    r2 = np.mean([1 - np.sum((T[:, j] - y_hat[:, j]) ** 2) / np.sum((T[:, j] - T[:, j].mean())
                                                                     ** 2) for j in range(3)])
    assert report["r2"] == pytest.approx(r2, rel=1e-12) and report["r2"] > 0
    assert report["mae"] == pytest.approx(np.mean(np.abs(T - y_hat)), rel=1e-12)
    step = _json(cli("explain", "--model", model, "--data", files / "linnerud.csv", "--row",
                     "4", "--json"))
    np.testing.assert_allclose(step["output_units"], y_hat[3], rtol=1e-12, atol=1e-12)
    assert step["target_raw"] == T[3].tolist()
    done = cli("predict", model, "--data", files / "linnerud.csv", "--csv")
    header = next(csv.reader(io.StringIO(done.stdout)))
    assert header[-3:] == ["predicted_1", "predicted_2", "predicted_3"]


def test_init_continues_from_a_model_files_weights_and_preprocessing(cli, files, tmp_path):
    first = tmp_path / "first.json"
    trained = _json(cli("train", files / "wine.csv", "--target", "target", "--test-size", "0",
                        "--epochs", "30", "--save", first, "--json"))
    again = _json(cli("train", files / "wine.csv", "--target", "target", "--test-size", "0",
                      "--init", first, "--epochs", "5", "--json"))
    # the start of the second run is the end of the first: its loss, with its scaling
    assert again["history"]["initial_loss"] == pytest.approx(
        trained["history"]["loss"][-1], rel=1e-12)
    assert again["settings"]["init"] is True
    new = tmp_path / "new.json"
    assert cli("new", "13", "4", "3", "--output-activation", "softmax", "-o",
               new).returncode == 0
    fresh = _json(cli("train", files / "wine.csv", "--target", "target", "--init", new,
                      "--epochs", "40", "--json"))
    assert fresh["sizes"] == [13, 4, 3] and fresh["test"]["accuracy"] > 0.5
    done = cli("train", files / "cancer.csv", "--target", "target", "--init", first)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "the data's feature columns must be the --init model's feature_names" in done.stderr


def test_evaluate_reports_balanced_accuracy_and_average_precision(cli, files, tmp_path):
    from sklearn.metrics import average_precision_score, balanced_accuracy_score

    model = tmp_path / "c.json"
    _json(cli("train", files / "cancer.csv", "--target", "target", "--epochs", "10",
              "--save", model, "--json"))
    report = _json(cli("evaluate", model, files / "cancer.csv", "--json"))
    predicted = _json(cli("predict", model, "--data", files / "cancer.csv", "--json"))
    y = sk_datasets.load_breast_cancer().target
    positive = report["positive_class"]
    score = np.array([p["probabilities"][positive] for p in predicted["predictions"]])
    y1 = (y == int(positive)).astype(int)
    labels = np.array([p["predicted"] == positive for p in predicted["predictions"]], int)
    assert report["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y1, labels),
                                                        rel=1e-12)
    assert report["average_precision"] == pytest.approx(average_precision_score(y1, score),
                                                        rel=1e-12)


def test_plot_pr_draws_the_precision_recall_curve(cli, files, tmp_path):
    pytest.importorskip("matplotlib")
    from sklearn.metrics import average_precision_score

    model = tmp_path / "c.json"
    _json(cli("train", files / "cancer.csv", "--target", "target", "--epochs", "5",
              "--save", model, "--json"))
    out = _json(cli("plot", "pr", "--model", model, "--data", files / "cancer.csv",
                    "--output", tmp_path / "pr.png", "--json"))
    report = _json(cli("evaluate", model, files / "cancer.csv", "--json"))
    assert out["average_precision"] == pytest.approx(report["average_precision"], rel=1e-12)
    assert (tmp_path / "pr.png").stat().st_size > 0
    del average_precision_score


def test_cv_folds_are_stratified_and_learn_inside_each_fold(cli, files, tmp_path):
    """Each fold's score is exactly `nnmath train` on the other folds' rows alone, scored
    on the fold: nothing is learned from the held-out rows (no leakage)."""
    from nnmath.datasets import load_csv
    from nnmath.datasets.split import fold_indices

    options = ["--epochs", "20", "--seed", "3", "--hidden", "4"]
    out = _json(cli("cv", files / "wine.csv", "--target", "target", "--folds", "4",
                    *options, "--json"))
    assert out["n_folds"] == 4 and sum(out["fold_sizes"]) == 178
    data = load_csv(files / "wine.csv", target="target")
    folds = fold_indices(data.y, 4, seed=3)
    for fold in folds:      # stratified: each class's share within one row of its share
        counts = np.bincount(data.y[fold], minlength=3)
        assert np.all(np.abs(counts - np.bincount(data.y) * len(fold) / 178) <= 1)
    lines = (files / "wine.csv").read_text().splitlines()
    k = 2
    held = set(folds[k].tolist())
    (tmp_path / "rest.csv").write_text("\n".join(
        [lines[0]] + [line for i, line in enumerate(lines[1:]) if i not in held]) + "\n")
    (tmp_path / "fold.csv").write_text("\n".join(
        [lines[0]] + [line for i, line in enumerate(lines[1:]) if i in held]) + "\n")
    model = tmp_path / "rest.json"
    _json(cli("train", tmp_path / "rest.csv", "--target", "target", "--test-size", "0",
              *options, "--save", model, "--json"))
    report = _json(cli("evaluate", model, tmp_path / "fold.csv", "--json"))
    assert out["folds"][k]["accuracy"] == report["accuracy"]
    assert out["folds"][k]["log_loss"] == pytest.approx(report["log_loss"], rel=1e-12)
    accuracies = [f["accuracy"] for f in out["folds"]]
    assert out["mean"]["accuracy"] == pytest.approx(np.mean(accuracies), rel=1e-15)
    assert out["std"]["accuracy"] == pytest.approx(np.std(accuracies), rel=1e-12)
    done = cli("cv", files / "wine.csv", "--target", "target", "--folds", "1")
    assert done.returncode == 2 and "the number of folds (--folds) must be a whole number " \
                                    "from 2 to the 178 rows" in done.stderr
