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
