"""Training history travels with the model: recorded by ``nnmath train``, read back, drawn.

Oracles: the History that training returned (the record must hold its exact
floats), hand-made long histories for the thinning, and the model file
itself; ``plot loss --model`` and ``report --model`` are run with training
made impossible (``Network.fit`` and ``nnmath.training.train`` raise), so
they can only draw the record.
"""

import json
import math

import numpy as np
import pytest

import nnmath
from nnmath import datasets
from nnmath.errors import ModelFileError
from nnmath.history import MAX_RECORDED_EPOCHS, History
from nnmath.modelfile import from_dict, load
from nnmath.workflow import fit_dataset

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    """A model trained by fit_dataset with early stopping, saved and loaded back."""
    result = fit_dataset(datasets.xor(n_samples=120, seed=0), hidden=(6,), epochs=300,
                         learning_rate=0.1, early_stopping=True, patience=5, seed=0)
    path = tmp_path_factory.mktemp("early") / "m.json"
    result.net.save(path)
    return result, path


def test_fit_dataset_records_the_exact_history(early):
    result, path = early
    h = result.history
    record = load(path).info["history"]
    assert record["loss"] == h.loss and record["initial_loss"] == h.initial_loss   # exact floats
    assert record["val_loss"] == h.val_loss and record["metrics"] == h.metrics
    assert record["val_metrics"] == h.val_metrics and record["epochs"] == h.epochs
    assert record["stop_reason"] == h.stop_reason == "early_stopping"
    assert record["best_epoch"] == h.best_epoch and 1 <= h.best_epoch < h.epochs
    assert "recorded_epochs" not in record                     # nothing thinned
    assert load(path).info["training"]["epochs_run"] == h.epochs   # the settings: still there
    back = History.from_dict(record, settings=load(path).info["training"])
    assert back.loss == h.loss and back.val_loss == h.val_loss and back.epochs == h.epochs
    assert back.metrics == h.metrics and back.best_epoch == h.best_epoch
    assert back.settings["learning_rate"] == 0.1


def test_a_long_run_is_thinned_evenly_with_its_epoch_numbers():
    n, best = 25_001, 12_346
    loss = [1.0 / e for e in range(1, n + 1)]
    h = History(loss=loss, initial_loss=2.0, val_loss=[2 * v for v in loss],
                metrics={"accuracy": [min(1.0, e / n) for e in range(1, n + 1)]},
                best_epoch=best, stop_reason="early_stopping")
    record = h.record()
    epochs = record["recorded_epochs"]
    assert MAX_RECORDED_EPOCHS - 1 <= len(epochs) <= MAX_RECORDED_EPOCHS
    assert epochs[0] == 1 and epochs[-1] == n and best in epochs and record["epochs"] == n
    gaps = np.diff(epochs)
    assert gaps.min() >= 1 and gaps.max() <= math.ceil((n - 1) / (MAX_RECORDED_EPOCHS - 2))
    # each value kept is the value of its epoch, in every series
    for key, series in (("loss", loss), ("val_loss", h.val_loss)):
        assert record[key] == [series[e - 1] for e in epochs]
    assert record["metrics"]["accuracy"] == [h.metrics["accuracy"][e - 1] for e in epochs]
    back = from_dict({"format": "nnmath.network/1",
                      "layers": [{"activation": "sigmoid", "W": [[1.0]], "b": [0.0]}],
                      "history": json.loads(json.dumps(record))})
    drawn = History.from_dict(back.info["history"])
    assert drawn.epochs == n and drawn.epoch_numbers() == epochs
    plots = pytest.importorskip("nnmath.plots")
    x, y = plots.loss_curve(drawn)["train"].get_data()
    assert list(x) == [0] + epochs and list(y) == [2.0] + record["loss"]
    # a record of a record stays the same
    assert drawn.record() == record


def test_a_history_of_few_epochs_is_kept_whole():
    h = History(loss=[0.5, 0.25, 0.125], initial_loss=1.0)
    assert h.record() == {"initial_loss": 1.0, "loss": [0.5, 0.25, 0.125], "epochs": 3,
                          "stop_reason": "epochs", "val_loss": [], "metrics": {},
                          "val_metrics": {}, "best_epoch": None}


def test_checkpoint_files_carry_the_history_so_far(tmp_path):
    from nnmath.checkpoint import Checkpoint

    net = nnmath.Network.random([1, 2, 1], seed=0)
    path = tmp_path / "m.json"
    ckpt = Checkpoint(path, every=3)
    ckpt.start(net)
    seen = []

    def read(epoch, history):
        seen.append(load(path).info["history"] if path.exists() else None)

    history = net.fit([[0.5], [1.5]], [[0.0], [1.0]], epochs=7, learning_rate=0.5,
                      callbacks=(ckpt, read))
    assert seen[:2] == [None, None]
    for record in seen[2:]:
        saved = record["epochs"]
        assert saved in (3, 6) and record["loss"] == history.loss[:saved]
        assert record["stop_reason"] == "checkpoint"
    history.loss.append(99.0)       # an 8th epoch under way when Ctrl-C comes: not saved
    assert ckpt.save_last_good("interrupted") == 7
    record = load(path).info["history"]
    assert record["loss"] == history.loss[:7] and record["stop_reason"] == "interrupted"


@pytest.mark.parametrize("history, fragment", [
    ("loss", '"history" must be an object'),
    ({"loss": [0.5, float("nan")]}, '"history.loss" must be a list of finite numbers'),
    ({"loss": [0.5], "val_loss": [0.1, 0.2]}, '"history.val_loss" must be empty or one value'),
    ({"loss": [0.5, 0.4], "recorded_epochs": [1, 1]}, '"history.recorded_epochs" must be'),
    ({"loss": [0.5], "metrics": {"r2": "high"}}, '"history.metrics.r2" must be a list'),
    ({"loss": [0.5], "stop_reason": 3}, '"history.stop_reason" must be a string'),
])
def test_a_bad_record_is_one_model_file_error(history, fragment):
    data = {"format": "nnmath.network/1",
            "layers": [{"activation": "sigmoid", "W": [[1.0]], "b": [0.0]}], "history": history}
    with pytest.raises(ModelFileError, match=fragment.replace("(", r"\(")) as info:
        from_dict(data, source="m.json")
    assert str(info.value).startswith("m.json: ")
    del data["history"]
    assert from_dict(data).info == {}           # a file without a record stays valid


# -- the commands draw the record, never a retrained copy -----------------------------------
@pytest.fixture(scope="module")
def cancer_model(tmp_path_factory):
    """A breast-cancer model made by `nnmath train` from a CSV scikit-learn wrote."""
    import sys
    from subprocess import run

    sk = pytest.importorskip("sklearn.datasets")
    folder = tmp_path_factory.mktemp("cancer")
    sk.load_breast_cancer(as_frame=True).frame.to_csv(folder / "cancer.csv", index=False)
    out = run([sys.executable, "-m", "nnmath", "train", str(folder / "cancer.csv"), "--target",
               "target", "--epochs", "25", "--early-stopping", "--patience", "3",
               "--save", str(folder / "m.json"), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return folder, json.loads(out.stdout)


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nothing may be trained here")

    import nnmath.training

    monkeypatch.setattr(nnmath.Network, "fit", refuse)
    monkeypatch.setattr(nnmath.training, "train", refuse)


def test_plot_loss_of_a_model_is_its_record(cancer_model, no_training, tmp_path, capsys):
    from nnmath.cli import main

    folder, trained = cancer_model
    assert main(["plot", "loss", "--model", str(folder / "m.json"), "--output",
                 str(tmp_path / "loss.png"), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    h = trained["history"]
    assert shown["initial_loss"] == h["initial_loss"] and shown["loss"] == h["loss"][-1]
    assert shown["epochs"] == trained["epochs_run"] == len(h["loss"]) and shown["recorded"]
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"


def test_report_of_a_model_shows_its_recorded_training(cancer_model, no_training, tmp_path,
                                                       capsys):
    from nnmath.cli import main
    from nnmath.render.mathexpr import num

    folder, trained = cancer_model
    before = (folder / "m.json").read_bytes()
    assert main(["report", "--model", str(folder / "m.json"), "--data",
                 str(folder / "cancer.csv"), "--target", "target", "--output-dir",
                 str(tmp_path / "r"), "--json"]) == 0
    files = [p.rsplit("/", 1)[1] for p in json.loads(capsys.readouterr().out)["files"]]
    assert files == ["01-network.png", "02-step.png", "03-loss.png", "04-confusion.png",
                     "05-roc.png", "report.md", "index.html"]
    md = (tmp_path / "r" / "report.md").read_text()
    h, epochs = trained["history"], trained["epochs_run"]
    assert f"| loss after epoch {epochs} | {num(h['loss'][-1])} |" in md
    assert f"| loss before training | {num(h['initial_loss'])} |" in md
    assert f"| best epoch (kept) | {trained['best_epoch']} |" in md
    assert "| optimizer | adam |" in md and "| early_stopping | True |" in md
    # the model as it is: the accuracy shown is evaluate's on the same rows
    ev = nnmath.inference.evaluate(load(folder / "m.json"), *datasets.load_csv(
        folder / "cancer.csv", target="target"))
    assert f"| accuracy | {num(ev['accuracy'])} |" in md
    assert f"| ROC AUC | {num(ev['auc'])} |" in md
    assert (folder / "m.json").read_bytes() == before


def test_report_epochs_is_for_the_article_only(cli, cancer_model, tmp_path):
    folder, _ = cancer_model
    result = cli("report", "--model", str(folder / "m.json"), "--data",
                 str(folder / "cancer.csv"), "--target", "target", "--epochs", "5",
                 "--output-dir", str(tmp_path / "r"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--epochs must be given without --model" in result.stderr
    assert not (tmp_path / "r").exists()
    help_text = cli("report", "--help").stdout
    assert "default 100" not in help_text and "not with --model" in help_text
