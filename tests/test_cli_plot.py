"""``nnmath plot``: each kind writes a real PNG/SVG/GIF and reports the numbers drawn."""

import json
from xml.etree import ElementTree

import pytest

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

PNG = b"\x89PNG\r\n\x1a\n"


def test_network_of_the_article_step(cli, tmp_path):
    out = tmp_path / "b.png"
    result = cli("plot", "network", "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # The article's gradients, drawn on the edges (hand values in test_article.py).
    assert data["gradients"]["W1"] == [[pytest.approx(-0.0280307, abs=1e-7)]]
    assert data["gradients"]["b2"] == [pytest.approx(0.0712844, abs=1e-7)]
    assert out.read_bytes()[:8] == PNG


@pytest.mark.parametrize("kind", ["curve", "roc", "confusion"])
def test_classifier_pictures_of_network_a(cli, tmp_path, kind):
    out = tmp_path / f"{kind}.svg"
    result = cli("plot", kind, "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert ElementTree.parse(out).getroot().tag.endswith("svg")
    if kind == "curve":
        assert len(data["boundaries"]) == 1 and 2.0 < data["boundaries"][0] < 2.5
    if kind == "confusion":
        assert sum(map(sum, data["confusion_matrix"])) == 14


def test_loss_and_map_of_a_model_file(cli, tmp_path):
    import nnmath

    model = tmp_path / "m.json"
    nnmath.Network.random([2, 3, 1], seed=0).save(model)
    result = cli("plot", "map", "--model", str(model), "--output", str(tmp_path / "m.png"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.png").read_bytes()[:8] == PNG
    result = cli("plot", "loss", "--epochs", "3", "--log", "--output", str(tmp_path / "l.png"),
                 "--json")
    data = json.loads(result.stdout)
    assert data["epochs"] == 3 and data["loss"] < data["initial_loss"]


@pytest.mark.parametrize("args, message", [
    (["map", "--output", "m.png"], "must be one with two inputs"),
    (["curve", "--output", "c.jpg"], "suffix must be .png or .svg"),
    (["animation", "--output", "a.png"], "suffix must be .gif"),
    (["network", "--output", "nowhere/n.png"], "an existing folder"),
    (["loss", "--epochs", "0", "--output", "l.png"], "--epochs must be at least 1"),
])
def test_bad_requests_get_one_line(cli, tmp_path, args, message):
    result = cli("plot", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def circle_csv(tmp_path_factory):
    """A two-feature CSV (the Playground's circle) and a model trained on it by `nnmath train`."""
    import csv

    import nnmath

    folder = tmp_path_factory.mktemp("circle")
    data = nnmath.datasets.circle(n_samples=80, noise=0.1, seed=0)
    path = folder / "circle.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*data.feature_names, "label"])
        for x, y in zip(data.X, data.y):
            writer.writerow([*x, data.class_names[y]])
    return path


def test_train_plots_writes_the_usual_set(cli, circle_csv, tmp_path):
    from PIL import Image

    result = cli("train", str(circle_csv), "--target", "label", "--hidden", "4",
                 "--epochs", "8", "--early-stopping", "--save", str(tmp_path / "m.json"),
                 "--plots", str(tmp_path / "plots"), "--json")
    assert result.returncode == 0, result.stderr
    plots = json.loads(result.stdout)["plots"]
    assert [p.rsplit("/", 1)[1] for p in plots] == ["network.png", "loss.png", "map.png",
                                                    "confusion.png", "roc.png"]
    for p in plots:
        with Image.open(p) as image:
            assert image.format == "PNG"


def test_plot_with_data_and_a_stored_scaling(cli, circle_csv, tmp_path):
    import nnmath
    from nnmath.inference import scaling_of

    model = tmp_path / "m.json"
    assert cli("train", str(circle_csv), "--target", "label", "--hidden", "3", "--epochs", "3",
               "--save", str(model)).returncode == 0
    args = ["--model", str(model), "--data", str(circle_csv), "--target", "label", "--json"]
    result = cli("plot", "network", "--output", str(tmp_path / "n.png"), *args)
    assert result.returncode == 0, result.stderr
    # The step is on the first row, scaled as the model file says, with its one-hot target.
    net = nnmath.load(model)
    data = nnmath.datasets.load_csv(circle_csv, target="label",
                                    classes=net.info["class_names"])
    trace = nnmath.explain(net, scaling_of(net).apply(data.X[:1]), data.targets(2)[:1],
                           loss=net.info["loss"], learning_rate=0.1, scaling=None)
    assert json.loads(result.stdout)["loss"] == pytest.approx(trace.loss, rel=1e-12)
    result = cli("plot", "confusion", "--output", str(tmp_path / "c.png"), *args)
    assert sum(map(sum, json.loads(result.stdout)["confusion_matrix"])) == 80
    result = cli("plot", "curve", "--output", str(tmp_path / "c.png"), *args)
    assert result.returncode == 2 and "one with one input" in result.stderr


# -- regression models: their own pictures -------------------------------------------------
@pytest.fixture(scope="module")
def diabetes(tmp_path_factory):
    """scikit-learn's diabetes data as CSVs (all ten features; bmi alone; bmi and bp) and a
    regression model trained by `nnmath train` on each."""
    import subprocess
    import sys

    sk = pytest.importorskip("sklearn.datasets")
    folder = tmp_path_factory.mktemp("diabetes")
    frame = sk.load_diabetes(as_frame=True).frame
    made = {}
    for name, columns in (("all", list(frame.columns)), ("bmi", ["bmi", "target"]),
                          ("bmi_bp", ["bmi", "bp", "target"])):
        csv = folder / f"{name}.csv"
        frame[columns].to_csv(csv, index=False)
        model = folder / f"{name}.json"
        out = subprocess.run([sys.executable, "-m", "nnmath", "train", str(csv), "--target",
                              "target", "--hidden", "8", "--epochs", "40",
                              "--learning-rate", "0.05", "--save", str(model)],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        made[name] = (csv, model)
    return made


def _drawn(monkeypatch):
    """Keep every Drawing the command saves (to read what it drew)."""
    from nnmath.plots.figure import Drawing

    drawn, save = [], Drawing.save
    monkeypatch.setattr(Drawing, "save", lambda self, path: (drawn.append(self),
                                                             save(self, path))[1])
    return drawn


@pytest.mark.parametrize("kind", ["fit", "residuals"])
def test_fit_and_residuals_of_a_regression_model(cli, diabetes, tmp_path, kind):
    import numpy as np

    import nnmath
    from nnmath.inference import outputs

    csv, model = diabetes["all"]
    out = tmp_path / f"{kind}.png"
    result = cli("plot", kind, "--model", str(model), "--data", str(csv), "--target", "target",
                 "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    evaluated = json.loads(cli("evaluate", str(model), str(csv), "--target", "target",
                               "--json").stdout)
    assert shown["r2"] == pytest.approx(evaluated["r2"], rel=1e-12)
    assert shown["mse"] == pytest.approx(evaluated["mse"], rel=1e-12)
    # by hand: the stored scaling, the forward pass, the target's scaling undone, then R²
    data = nnmath.datasets.load_csv(csv, target="target", task="regression")
    net = nnmath.load(model)
    scaling, target = net.info["scaling"], net.info["target_scaling"]
    y_hat = net.forward((data.X - scaling["mean"]) / np.asarray(scaling["std"]))[:, 0]
    y_hat = y_hat * target["std"][0] + target["mean"][0]
    np.testing.assert_allclose(y_hat, outputs(net, data.X)[:, 0], rtol=1e-12)
    r2 = 1 - np.sum((data.y - y_hat) ** 2) / np.sum((data.y - data.y.mean()) ** 2)
    assert shown["r2"] == pytest.approx(r2, rel=1e-10) and shown["n_samples"] == 442
    assert out.read_bytes()[:8] == PNG


def test_curve_and_map_of_a_regression_model_draw_y_hat(diabetes, tmp_path, monkeypatch,
                                                        capsys):
    import numpy as np

    import nnmath
    from nnmath.cli import main
    from nnmath.inference import outputs

    drawn = _drawn(monkeypatch)
    csv, model = diabetes["bmi"]
    assert main(["plot", "curve", "--model", str(model), "--data", str(csv), "--target",
                 "target", "--output", str(tmp_path / "c.png")]) == 0
    curve = drawn[-1]
    x, y_hat = curve["curves"][0].get_data()
    # the line is the model's prediction at the raw x drawn (its stored scaling applied)
    np.testing.assert_allclose(y_hat, outputs(nnmath.load(model), x[:, None])[:, 0],
                               rtol=1e-12)
    assert curve.ax.get_ylabel() == "target" and "P(" not in curve.ax.get_title()
    assert len(curve["points"][0].get_offsets()) == 442
    # without --data: the curve alone (not the PSA data), over the training rows' range
    assert main(["plot", "curve", "--model", str(model), "--output", str(tmp_path / "c.png")]) == 0
    x, y_hat = drawn[-1]["curves"][0].get_data()
    scaling = nnmath.load(model).info["scaling"]
    assert drawn[-1]["points"] == [] and x[0] == pytest.approx(
        scaling["mean"][0] - 3 * scaling["std"][0])
    np.testing.assert_allclose(y_hat, outputs(nnmath.load(model), x[:, None])[:, 0],
                               rtol=1e-12)
    csv, model = diabetes["bmi_bp"]
    assert main(["plot", "map", "--model", str(model), "--output", str(tmp_path / "m.png")]) == 0
    g1, g2 = drawn[-1]["grid"]
    G1, G2 = np.meshgrid(g1, g2)
    net = nnmath.load(model)
    expected = outputs(net, np.column_stack([G1.ravel(), G2.ravel()]))[:, 0]
    np.testing.assert_allclose(drawn[-1]["values"].ravel(), expected, rtol=1e-12)
    # without --data the plane spans the training rows: mean ± 3 std of the stored scaling
    mean, std = net.info["scaling"]["mean"], net.info["scaling"]["std"]
    assert g1[0] == pytest.approx(mean[0] - 3 * std[0]) and g2[-1] == pytest.approx(
        mean[1] + 3 * std[1])
    capsys.readouterr()


def test_train_plots_of_a_regression_model(cli, diabetes, tmp_path):
    from PIL import Image

    csv, _ = diabetes["bmi"]
    result = cli("train", str(csv), "--target", "target", "--hidden", "4", "--epochs", "5",
                 "--plots", str(tmp_path / "plots"), "--json")
    assert result.returncode == 0, result.stderr
    plots = json.loads(result.stdout)["plots"]
    assert [p.rsplit("/", 1)[1] for p in plots] == ["network.png", "loss.png", "fit.png",
                                                    "residuals.png", "curve.png"]
    for p in plots:
        with Image.open(p) as image:
            assert image.format == "PNG"


def test_classification_pictures_of_a_regression_model_fail_at_once(diabetes, tmp_path,
                                                                     monkeypatch, capsys):
    import nnmath.datasets
    from nnmath.cli import main

    def no_data(*args, **kwargs):
        raise AssertionError("the data must not be read")

    monkeypatch.setattr(nnmath.datasets, "load_csv", no_data)
    csv, model = diabetes["all"]
    for kind in ("roc", "confusion"):
        assert main(["plot", kind, "--model", str(model), "--data", str(csv), "--target",
                     "target", "--output", str(tmp_path / "x.png")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "must be a classifier" in err and "'fit'" in err
    assert list(tmp_path.iterdir()) == []


def test_confusion_of_a_classifier_from_iris(cli, tmp_path):
    sk = pytest.importorskip("sklearn.datasets")
    iris = sk.load_iris(as_frame=True)
    frame = iris.frame.assign(target=[iris.target_names[t] for t in iris.target])
    frame.to_csv(tmp_path / "iris.csv", index=False)
    assert cli("train", str(tmp_path / "iris.csv"), "--target", "target", "--epochs", "30",
               "--save", str(tmp_path / "iris.json")).returncode == 0
    args = ["--model", str(tmp_path / "iris.json"), "--data", str(tmp_path / "iris.csv"),
            "--target", "target"]
    result = cli("plot", "confusion", *args, "--output", str(tmp_path / "c.png"), "--json")
    assert result.returncode == 0, result.stderr
    matrix = json.loads(result.stdout)["confusion_matrix"]
    evaluated = json.loads(cli("evaluate", str(tmp_path / "iris.json"),
                               str(tmp_path / "iris.csv"), "--target", "target",
                               "--json").stdout)
    assert matrix == evaluated["confusion_matrix"] and sum(map(sum, matrix)) == 150
    result = cli("plot", "fit", *args, "--output", str(tmp_path / "f.png"))
    assert result.returncode == 2 and "must be a regression model" in result.stderr
