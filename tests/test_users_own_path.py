"""A user's own path (issue "Off the article's path"): the positive class, early
stopping's kept model, thresholds, --debug anywhere, set-up, and the Python
conveniences (History's repr, Network.summary, fit(progress=True), 1-D labels).

Oracles: the numbers of the saved model file recomputed with NumPy (forward pass,
counts of the positive class), the History the command printed as JSON.
"""

import json
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import nnmath
from nnmath.errors import DataError, ShapeError

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def psa_csv(tmp_path, name="psa.csv"):
    path = tmp_path / name
    path.write_text(resources.files("nnmath.datasets").joinpath("psa.csv").read_text())
    return path


def one_json(result):
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    return json.loads(result.stdout)


def forward(model: dict, X):
    """The saved model's forward pass written out with NumPy (scaling first)."""
    a = (np.asarray(X, float) - model["scaling"]["mean"]) / model["scaling"]["std"]
    for layer in model["layers"]:
        z = a @ np.array(layer["W"]) + np.array(layer["b"])
        if layer["activation"] == "relu":
            a = np.maximum(z, 0)
        elif layer["activation"] == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        elif layer["activation"] == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        else:
            a = z
    return a


# -- the positive class --------------------------------------------------------------

def test_psa_cancer_is_the_positive_class_and_sensitivity_is_about_cancer(cli, tmp_path):
    data, model = psa_csv(tmp_path), tmp_path / "m.json"
    out = one_json(cli("train", str(data), "--target", "status", "--hidden", "3", "--epochs",
                       "50", "--learning-rate", "0.05", "--test-size", "0", "--save",
                       str(model), "--json"))
    assert out["class_names"] == ["Healthy", "Cancer"] and out["positive_class"] == "Cancer"
    saved = json.loads(model.read_text())
    assert saved["positive_class"] == "Cancer" and saved["class_names"] == ["Healthy", "Cancer"]
    # sensitivity = Cancer rows predicted Cancer / Cancer rows, from the file's own numbers
    X, y = nnmath.datasets.psa()               # y: Cancer = 1, in the article's row order
    p_cancer = forward(saved, X)[:, 1]
    found = np.sum((p_cancer >= 0.5) & (y == 1))
    assert out["train"]["sensitivity"] == pytest.approx(found / 7, abs=1e-15)
    assert out["train"]["positive_class"] == "Cancer"
    text = cli("evaluate", str(model), str(data), "--target", "status")
    assert "positive class: Cancer" in text.stdout and "share of Cancer rows found" in text.stdout


def test_positive_chooses_the_other_class(cli, tmp_path):
    data, model = psa_csv(tmp_path), tmp_path / "m.json"
    out = one_json(cli("train", str(data), "--target", "status", "--positive", "Healthy",
                       "--epochs", "5", "--test-size", "0", "--save", str(model), "--json"))
    assert out["class_names"] == ["Cancer", "Healthy"] and out["positive_class"] == "Healthy"
    text = cli("train", str(data), "--target", "status", "--epochs", "3", "--positive",
               "Healthy")
    assert "positive class: Healthy (class 1)" in text.stdout and "--positive" in text.stdout


@pytest.mark.parametrize("names, expected", [
    (["benign", "malignant"], ["benign", "malignant"]),
    (["yes", "no"], ["no", "yes"]),
    (["spam", "ham"], ["ham", "spam"]),
    (["0", "1"], ["0", "1"]),
    (["b", "a"], ["a", "b"]),            # nothing known: sorted order, the second is positive
])
def test_default_positive_class(tmp_path, names, expected):
    path = tmp_path / "d.csv"
    path.write_text("x,label\n" + "".join(f"{i},{names[i % 2]}\n" for i in range(6)))
    data = nnmath.datasets.load_csv(path, target="label")
    assert list(data.class_names) == expected
    assert [data.class_names[k] for k in data.y] == [names[i % 2] for i in range(6)]


def test_positive_conflicting_with_classes_is_an_error(tmp_path):
    with pytest.raises(DataError, match="the last of --classes"):
        nnmath.datasets.load_csv(psa_csv(tmp_path), target="status",
                                 classes=["Cancer", "Healthy"], positive="Cancer")


def test_hand_written_positive_class_must_be_class_1(tmp_path):
    from nnmath.errors import ModelFileError

    model = {"format": "nnmath.network/1", "class_names": ["Healthy", "Cancer"],
             "positive_class": "Healthy",
             "layers": [{"activation": "softmax", "W": [[1.0, -1.0]], "b": [0.0, 0.0]}]}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model))
    with pytest.raises(ModelFileError, match='"positive_class" must be the second class name'):
        nnmath.load(path)


# -- early stopping: the model kept, and why training stopped -----------------------

def test_early_stopping_reports_the_loss_of_the_model_it_kept(cli, tmp_path):
    iris = nnmath.datasets.iris()
    path = tmp_path / "iris.csv"
    path.write_text("a,b,c,d,species\n" + "".join(
        ",".join(map(repr, x.tolist())) + f",{iris.class_names[k]}\n"
        for x, k in zip(iris.X, iris.y)))
    args = ["train", str(path), "--target", "species", "--early-stopping", "--epochs", "100",
            "--learning-rate", "0.1", "--patience", "5"]
    out = one_json(cli(*args, "--json"))
    best = out["best_epoch"]
    assert best is not None and best < out["epochs_run"]   # the case the issue saw
    assert out["kept_epoch"] == best
    assert out["kept_loss"] == out["history"]["loss"][best - 1]
    text = cli(*args).stdout
    flat = " ".join(text.split())
    assert f"epoch {best} (the lowest validation loss) was kept" in flat
    from nnmath.render.mathexpr import num

    assert f"→ {num(out['kept_loss'])} at epoch {best}, the model kept" in flat
    assert num(out["history"]["loss"][-1]) not in flat.split("loss", 2)[1][:40]
    assert "(epochs)" not in flat


def test_history_describes_why_it_stopped():
    h = nnmath.History(loss=[0.3, 0.2], stop_reason="epochs")
    assert h.describe_stop() == "all 2 epochs ran"
    X, y = nnmath.datasets.psa()
    net = nnmath.Network.random([1, 2, 1], seed=0)
    h = net.fit(X, y, loss="bce", epochs=50, learning_rate=0.5, early_stopping=True,
                patience=3, seed=0)
    assert h.kept_epoch == (h.best_epoch or h.epochs)
    assert h.kept_loss == h.loss[h.kept_epoch - 1]


# -- thresholds, --debug, hints ------------------------------------------------------

def test_threshold_is_refused_for_multiclass_and_regression(tmp_path):
    from nnmath.errors import ConfigError
    from nnmath.inference import predict

    three = nnmath.Network.random([2, 3], output_activation="softmax", seed=0)
    with pytest.raises(ConfigError, match="two classes only. Got 0.3 for a model with 3"):
        predict(three, [[0.0, 1.0]], threshold=0.3)
    line = nnmath.Network.random([2, 1], activation="identity", seed=0)
    with pytest.raises(ConfigError, match="for a regression model"):
        predict(line, [[0.0, 1.0]], threshold=0.3)
    assert predict(three, [[0.0, 1.0]]).classes.shape == (1,)   # no threshold: fine


def test_debug_is_accepted_after_the_sub_command(cli, tmp_path):
    result = cli("explain", "--json", "--debug")
    assert result.returncode == 0, result.stderr
    a1 = 1 / (1 + np.exp(-1.0))                         # the article: sigmoid(0.5 * 2)
    assert json.loads(result.stdout)["output"] == pytest.approx([1 / (1 + np.exp(a1))],
                                                                abs=1e-15)
    from nnmath.cli import build_parser

    assert build_parser().parse_args(["--debug", "demo"]).debug is True
    assert build_parser().parse_args(["demo", "--debug"]).debug is True
    assert build_parser().parse_args(["demo"]).debug is False


def test_next_step_hint_names_the_model_and_new_rows_not_the_training_file(cli, tmp_path):
    """Was: the hint suggested evaluating on the training file itself (issue 20, point 9)."""
    data = psa_csv(tmp_path, "my patients.csv")
    model = tmp_path / "my model.json"
    text = cli("train", str(data), "--target", "status", "--epochs", "2", "--save", str(model))
    flat = "".join(text.stdout.split())      # rich wraps long lines
    assert f"nnmathpredict'{model}'--dataNEW.csv".replace(" ", "") in flat
    assert f"nnmathevaluate'{model}'NEW.csv(rowsithasnotseen)".replace(" ", "") in flat
    assert "patients" not in text.stdout.split("next:")[-1]


# -- Python conveniences ------------------------------------------------------------

def test_history_repr_is_short():
    h = nnmath.History(loss=[float(i) for i in range(5000, 0, -1)], initial_loss=6000.0)
    text = repr(h)
    assert text == "History(epochs=5000, loss 6000 → 1, stop_reason='epochs')"


def test_network_summary_in_python():
    net = nnmath.Network.random([4, 8, 3], activation="relu", output_activation="softmax",
                                seed=0)
    summary = net.summary()
    assert summary.to_dict()["total_params"] == 4 * 8 + 8 + 8 * 3 + 3 == 67
    lines = str(summary).splitlines()
    assert lines[1].split() == ["dense_1", "(Dense)", "(None,", "8)", "W1", "(4,", "8)", "b1",
                                "(8,)", "relu", "40"]
    assert lines[3] == "total params: 67 · trainable: 67 · non-trainable: 0"


def test_fit_shows_progress_when_asked(capsys):
    X, y = nnmath.datasets.psa()
    net = nnmath.Network.random([1, 2, 1], seed=0)
    net.fit(X, y, loss="bce", epochs=7, learning_rate=0.5)
    assert capsys.readouterr().err == ""
    history = net.fit(X, y, loss="bce", epochs=7, learning_rate=0.5, progress=True)
    err = capsys.readouterr().err
    assert "7/7" in err and f"{history.loss[-1]:.6g}" in err


def test_one_dimensional_labels_on_two_outputs_say_what_to_do():
    X, y = nnmath.datasets.psa()
    net = nnmath.Network.random([1, 2], output_activation="softmax", seed=0)
    with pytest.raises(ShapeError, match=r"a 1-D array of 14 values, one per sample.*one_hot"):
        net.fit(X, y, loss="cross_entropy")


# -- set-up: a plain install gives every command; make demo installs the runtime set --

def test_plain_install_brings_the_libraries_of_every_command():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {dep.split(">")[0].split("=")[0].strip() for dep in project["dependencies"]}
    assert {"numpy", "rich", "matplotlib", "pillow"} <= names
    assert not {"torch", "pytest", "hypothesis", "playwright", "scikit-learn"} & names
    assert all(project["optional-dependencies"].values())   # every extra brings a library


def test_make_demo_installs_the_runtime_set_only(tmp_path):
    def plan(target):
        return subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout

    demo, test = plan("demo"), plan("test")
    assert "-e ." in demo and "[dev]" not in demo and "nnmath demo" in demo
    assert "-e '.[dev]'" in test and "pytest" in test


def test_demo_runs_without_matplotlib_or_scikit_learn():
    code = ("import sys; sys.modules.update(dict.fromkeys(['matplotlib', 'PIL', 'sklearn'])); "
            "from nnmath.cli import main; raise SystemExit(main(['demo', '--epochs', '5']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "0.324962" in result.stdout and "0.0519276" in result.stdout


def test_target_column_defaults_to_the_models(cli, tmp_path):
    data, model = psa_csv(tmp_path), tmp_path / "m.json"
    assert cli("train", str(data), "--target", "status", "--epochs", "5", "--save",
               str(model)).returncode == 0
    named = one_json(cli("evaluate", str(model), str(data), "--target", "status", "--json"))
    default = one_json(cli("evaluate", str(model), str(data), "--json"))
    assert default == named and default["target"] == "status"
    hand = tmp_path / "hand.json"
    hand.write_text('{"format": "nnmath.network/1", "layers": [{"activation": "sigmoid", '
                    '"W": [[1.0]], "b": [0.0]}]}')
    refused = cli("evaluate", str(hand), str(data))
    assert refused.returncode == 2 and "--target must be given" in refused.stderr
