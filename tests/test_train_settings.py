"""``nnmath train``: the settings a model file records, --seed and --test-size (issue 10,
points 10, 17, 18).

A model saved on Ctrl-C or on divergence records the settings it was trained with, the
same as a finished run records (only ``epochs_run`` and ``stop_reason`` differ);
``--test-size N`` holds out N rows, as scikit-learn's train_test_split does for an int.
"""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

import nnmath.progress
from nnmath import load
from nnmath.cli import main
from nnmath.datasets import load_csv, split_indices

sk_datasets = pytest.importorskip("sklearn.datasets")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:   # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "wine.csv"
    sk_datasets.load_wine(as_frame=True).frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def diabetes(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "diabetes.csv"
    sk_datasets.load_diabetes(as_frame=True).frame.to_csv(path, index=False)
    return path


def _ctrl_c_after(monkeypatch, epoch_to_stop: int):
    """The progress bar's epoch callback presses Ctrl-C at the end of that epoch."""
    real = nnmath.progress.training_progress

    @contextlib.contextmanager
    def pressing(epochs, *args, **kwargs):
        with real(epochs, *args, **kwargs) as (on_epoch, on_batch):
            def on_epoch_then_ctrl_c(epoch, history):
                on_epoch(epoch, history)
                if epoch == epoch_to_stop:
                    raise KeyboardInterrupt
            yield on_epoch_then_ctrl_c, on_batch

    monkeypatch.setattr(nnmath.progress, "training_progress", pressing)


@pytest.mark.parametrize("dataset, options", [
    ("wine", ["--target", "target", "--hidden", "6", "3", "--learning-rate", "0.02",
              "--batch-size", "16", "--test-size", "40", "--seed", "4", "--alpha", "0.001"]),
    ("diabetes", ["--target", "target", "--early-stopping", "--validation-fraction", "0.2",
                  "--optimizer", "momentum", "--learning-rate", "0.001", "--seed", "2"]),
])
def test_a_model_saved_on_ctrl_c_records_the_settings_of_a_finished_run(
        dataset, options, request, tmp_path, monkeypatch):
    data = request.getfixturevalue(dataset)
    finished, stopped = tmp_path / "finished.json", tmp_path / "stopped.json"
    code, _, err = run("train", data, *options, "--epochs", "12", "--save", finished)
    assert code == 0, err
    _ctrl_c_after(monkeypatch, 3)
    code, out, err = run("train", data, *options, "--epochs", "12", "--save", stopped)
    assert code == 130 and out == "" and err.count("\n") == 1, err
    assert "The parameters after epoch 3 (the last good one) were saved" in err
    done, cut = load(finished).info["training"], load(stopped).info["training"]
    assert cut["epochs_run"] == 3 and cut["stop_reason"] == "interrupted"
    assert done["epochs_run"] >= 3 and done["stop_reason"] in ("epochs", "early_stopping")
    assert list(cut) == list(done)   # the same keys, in the same order
    assert {k: v for k, v in cut.items() if k not in ("epochs_run", "stop_reason")} == \
        {k: v for k, v in done.items() if k not in ("epochs_run", "stop_reason")}
    assert cut["seed"] == int(options[options.index("--seed") + 1]) and cut["epochs"] == 12
    assert cut["hidden"] == done["hidden"] and "test_size" in cut and "loss" in cut


def test_a_model_saved_on_divergence_records_its_settings(tmp_path):
    data = tmp_path / "line.csv"
    data.write_text("x,y\n" + "".join(f"{i},{3 * i}\n" for i in range(1, 11)))
    model = tmp_path / "m.json"
    code, _, err = run("train", data, "--target", "y", "--task", "regression", "--hidden",
                       "--optimizer", "sgd", "--learning-rate", "0.5", "--epochs", "200",
                       "--no-scale", "--test-size", "0", "--batch-size", "0", "--save", model)
    assert code == 2 and "became non-finite" in err, err
    training = load(model).info["training"]
    assert training["stop_reason"] == "diverged" and training["epochs_run"] >= 1
    assert training["learning_rate"] == 0.5 and training["optimizer"] == "sgd"
    assert training["hidden"] == [] and training["test_size"] == 0 and training["epochs"] == 200


def test_test_size_rows_holds_out_that_many_rows_like_split_indices(wine, tmp_path):
    code, out, err = run("train", wine, "--target", "target", "--test-size", "40",
                         "--epochs", "2", "--json")
    assert code == 0, err
    report = json.loads(out)
    data = load_csv(wine, target="target")
    train, test = split_indices(data.y, 40, seed=0)
    assert report["n_test"] == len(test) == 40 and report["n_train"] == len(train) == 138
    assert report["settings"]["test_size"] == 40
    assert report["test"]["n_samples"] == 40
    # a fraction still means a fraction: ceil(0.25 * 178) = 45
    code, out, err = run("train", wine, "--target", "target", "--test-size", "0.25",
                         "--epochs", "2", "--json")
    assert code == 0 and json.loads(out)["n_test"] == 45


def test_the_help_says_what_test_size_takes():
    code, out, _ = run("train", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "a fraction of the rows (default 0.25) or a number of rows (e.g. 30); 0: none" in text


@pytest.mark.parametrize("seed, fragment", [
    ("-1", "--seed must be a whole number >= 0. Got -1. For example --seed 0"),
    ("-99999999999999999999", "--seed must be a whole number >= 0. Got -99999999999999999999."),
])
def test_a_negative_seed_is_one_line_before_reading_the_data(seed, fragment, tmp_path):
    code, out, err = run("train", tmp_path / "missing.csv", "--target", "y", "--seed", seed)
    assert code == 2 and out == "" and err.count("\n") == 1 and fragment in err, err


def test_the_same_seed_gives_the_same_model(wine, tmp_path):
    paths = [tmp_path / f"m{i}.json" for i in range(3)]
    for path, seed in zip(paths, ["7", "7", "8"]):
        assert run("train", wine, "--target", "target", "--epochs", "3", "--seed", seed,
                   "--save", path)[0] == 0
    W = [load(p).params()["W1"] for p in paths]
    assert np.array_equal(W[0], W[1]) and not np.array_equal(W[0], W[2])
