"""``nnmath plot``: each kind writes a real PNG/SVG/GIF and reports the numbers drawn."""

import json
from xml.etree import ElementTree

import pytest

pytest.importorskip("matplotlib")

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
