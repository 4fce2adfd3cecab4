"""``nnmath report``: the article's worked example, every number, and every picture it links.

The numbers are recomputed here by hand (math.exp), independent of the
engine, and must appear in both the HTML page and the Markdown file, written
as the report writes numbers (6 significant digits).
"""

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from nnmath.article import run_article  # noqa: E402
from nnmath.report import write_article_report  # noqa: E402

from browsers import needs_chromium

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

S = lambda z: 1.0 / (1.0 + math.exp(-z))  # noqa: E731  (the hand computation)


def hand_step():
    """The article's step at PSA 2.0, target 0, η = 0.1, by hand."""
    a1 = S(0.5 * 2.0)
    y = S(-1.0 * a1)
    dy, dz2, da1 = y, y * (1 - y), a1 * (1 - a1)
    g = {"w2": dy * dz2 * a1, "b2": dy * dz2, "w1": dy * dz2 * -1.0 * da1 * 2.0,
         "b1": dy * dz2 * -1.0 * da1}
    new = {"w1": 0.5 - 0.1 * g["w1"], "b1": 0.0 - 0.1 * g["b1"],
           "w2": -1.0 - 0.1 * g["w2"], "b2": 0.0 - 0.1 * g["b2"]}
    y_after = S(new["w2"] * S(new["w1"] * 2.0 + new["b1"]) + new["b2"])
    return [y, 0.5 * y**2, dz2, da1, *g.values(), *new.values(), y_after, 0.5 * y_after**2]


def six(v):
    return f"{v:.6g}"


def test_hand_numbers_are_the_articles():
    # The brief's list, so the hand computation above is the article's example.
    assert [six(v) for v in hand_step()] == [
        "0.324962", "0.0528003", "0.219362", "0.196612", "0.0521131", "0.0712844",
        "-0.0280307", "-0.0140154", "0.502803", "0.00140154", "-1.00521", "-0.00712844",
        "0.322266", "0.0519276"]


@pytest.fixture(scope="module")
def run():
    return run_article(epochs_b=40)


@pytest.fixture(scope="module")
def report(run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    files = write_article_report(folder, run=run)
    return folder, files


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.src = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.src.append(dict(attrs)["src"])


def test_every_number_of_the_worked_example(report, run):
    folder, _ = report
    html = (folder / "index.html").read_text(encoding="utf-8")
    md = (folder / "report.md").read_text(encoding="utf-8")
    for value in hand_step():
        assert six(value) in html, six(value)
        assert six(value) in md, six(value)
    # Network A's answer at PSA 2.0: softmax of z = 2.0 * W1 + b1, by hand from its weights.
    (w0, w1), (b0, b1) = run.a.layers[0].W[0], run.a.layers[0].b
    z0, z1 = 2.0 * w0 + b0, 2.0 * w1 + b1
    p_cancer = math.exp(z1) / (math.exp(z0) + math.exp(z1))
    assert six(p_cancer).startswith("0.435")
    assert f"| P(Cancer \\| PSA 2.0) | {six(p_cancer)} |" in md
    assert f'<td>P(Cancer | PSA 2.0)</td><td class="num">{six(p_cancer)}</td>' in html


def test_sections_in_the_articles_order(report):
    folder, _ = report
    md = (folder / "report.md").read_text(encoding="utf-8")
    titles = re.findall(r"^## (.+)$", md, flags=re.M)
    assert titles == ["A neuron: weighted sum, then activation", "The PSA dataset",
                      "Network A: no hidden layer", "The cost", "Network B: one hidden neuron",
                      "Backpropagation: one step at PSA 2.0, target 0", "Forward pass",
                      "Loss (ssr)", "Backward pass: the chain rule",
                      "Update: gradient descent, η = 0.1",
                      "The updated network: forward pass after",
                      "Scaling up: training over epochs"]
    for row in ("| 1 | Cancer | 3.8 | 1 |", "| 14 | Healthy | 0.8 | 0 |"):
        assert row in md


def test_every_image_linked_exists_and_is_valid(report):
    from PIL import Image

    folder, files = report
    parser = _Images()
    parser.feed((folder / "index.html").read_text(encoding="utf-8"))
    md_links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (folder / "report.md").read_text())
    assert parser.src == md_links and len(parser.src) == 10
    for src in parser.src:
        path = folder / src
        assert path.is_file(), src
        with Image.open(path) as image:
            image.verify()
            assert image.format == "PNG"
    written = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert written == sorted(str(Path(f).relative_to(folder)) for f in files)  # no temp files


def test_the_page_needs_no_network(report):
    folder, _ = report
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(" not in html


def test_svg_figures(run, tmp_path):
    files = write_article_report(tmp_path, run=run, fmt="svg")
    assert [f.suffix for f in files] == [".svg"] * 10 + [".md", ".html"]
    for f in files[:-2]:
        assert ElementTree.parse(f).getroot().tag.endswith("svg")
    assert "figures/01-network-a.svg" in files[-1].read_text()


def test_the_command(cli, tmp_path):
    result = cli("report", "--output-dir", str(tmp_path / "r"), "--epochs", "2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["page"] == str(tmp_path / "r" / "index.html") and len(data["files"]) == 12
    assert all(Path(f).is_file() for f in data["files"])
    assert "| after epoch 2 |" in (tmp_path / "r" / "report.md").read_text()
    (tmp_path / "file").write_text("x")
    result = cli("report", "--output-dir", str(tmp_path / "file"))
    assert result.returncode == 2 and "must be a folder" in result.stderr


@needs_chromium
def test_the_page_shows_its_first_figure_in_chromium(report, browser):
    import numpy as np
    from PIL import Image

    folder, _ = report
    shot = folder.parent / "first-figure.png"
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto((folder / "index.html").as_uri())
        first = page.locator("figure img").first
        first.scroll_into_view_if_needed()
        assert page.evaluate("document.images[0].complete && "
                             "document.images[0].naturalWidth") > 300
        first.screenshot(path=str(shot))
        assert page.title() == "The Math Behind a Neural Network"
    finally:
        page.close()
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape[0] > 150 and pixels.std() > 10      # drawn, not blank
    assert (pixels < 100).mean() > 0.005                     # dark strokes: circles, text


def test_a_report_for_a_random_243_network_and_its_data(tmp_path):
    import numpy as np

    import nnmath
    from nnmath.datasets import Dataset
    from nnmath.report import write_model_report

    rng = np.random.default_rng(0)
    X = rng.normal(size=(25, 2))
    y = np.digitize(X[:, 0], [-0.5, 0.5])
    data = Dataset(X=X, y=y, feature_names=("u", "v"), class_names=("lo", "mid", "hi"),
                   target_name="band")
    net = nnmath.Network.random([2, 4, 3], activation="tanh", output_activation="softmax",
                                seed=1)
    before = {k: v.copy() for k, v in net.params().items()}
    files = write_model_report(tmp_path, net, data)
    assert [f.name for f in files] == ["01-network.png", "02-step.png", "03-map.png",
                                       "04-confusion.png", "report.md", "index.html"]
    md = files[-2].read_text()
    assert "A 2-4-3 network" in md and "| 1 | " + six(X[0, 0]) in md
    assert "holds no record of its training" in md   # nothing retrained, and it says so
    # The step is on row 1 with its one-hot target; the file's network is left unchanged.
    # (Markdown: plain text escaped, [ and ] too)
    assert any(rf"target \[{t}\]" in md for t in ("0, 1, 0", "1, 0, 0", "0, 0, 1"))
    for name, value in net.params().items():
        np.testing.assert_array_equal(value, before[name])


def test_report_of_a_model_file_through_the_command(cli, tmp_path):
    import nnmath

    nnmath.Network.random([1, 2, 2], output_activation="softmax", seed=0).save(tmp_path / "m.json")
    result = cli("report", "--model", str(tmp_path / "m.json"),
                 "--output-dir", str(tmp_path / "r"), "--json")
    assert result.returncode == 0, result.stderr
    assert [Path(f).name for f in json.loads(result.stdout)["files"]] == [
        "01-network.png", "02-step.png", "03-curve.png", "04-confusion.png", "05-roc.png",
        "report.md", "index.html"]


def test_report_of_a_model_file_with_csv_data(cli, tmp_path):
    import csv

    import nnmath

    data = nnmath.datasets.circle(n_samples=40, noise=0.1, seed=1)
    with open(tmp_path / "c.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*data.feature_names, "label"])
        writer.writerows([*x, data.class_names[y]] for x, y in zip(data.X, data.y))
    assert cli("train", str(tmp_path / "c.csv"), "--target", "label", "--hidden", "3",
               "--epochs", "2", "--save", str(tmp_path / "m.json")).returncode == 0
    result = cli("report", "--model", str(tmp_path / "m.json"), "--data", str(tmp_path / "c.csv"),
                 "--target", "label", "--output-dir", str(tmp_path / "r"), "--json")
    assert result.returncode == 0, result.stderr
    names = [Path(f).name for f in json.loads(result.stdout)["files"]]
    assert "04-map.png" in names and names[-1] == "index.html"
    md = (tmp_path / "r" / "report.md").read_text()
    assert "standardised with the scaling stored in its model file" in md
    result = cli("report", "--model", str(tmp_path / "m.json"), "--output-dir", str(tmp_path / "s"))
    assert result.returncode == 2 and "--data CSV --target COL" in result.stderr


def test_the_folder_and_the_image_format_have_one_name_each(cli, tmp_path):
    """--output-dir and --image-format; --output, -o and --format are not theirs (nor, as
    prefixes, --output for --output-dir): an argparse error, one line, nothing written."""
    for old in (["--output", str(tmp_path / "old")], ["-o", str(tmp_path / "old")],
                ["--format", "svg"]):
        result = cli("report", *old, "--epochs", "2", cwd=tmp_path)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert f"unrecognized arguments: {' '.join(old)}" in result.stderr
    assert list(tmp_path.iterdir()) == []                     # no folder made
    result = cli("report", "--output-dir", str(tmp_path / "new"), "--epochs", "2",
                 "--image-format", "svg", "--json")
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["files"][0] == str(tmp_path / "new" / "figures" /
                                                         "01-network-a.svg")
    help_text = cli("report", "--help").stdout
    assert "nnmath report --output-dir report/" in help_text
    assert "--output report/" not in help_text and "--format svg" not in help_text


def test_report_of_a_regression_model(cli, tmp_path):
    import numpy as np

    import nnmath
    from nnmath.render.mathexpr import num

    sk = pytest.importorskip("sklearn.datasets")
    frame = sk.load_diabetes(as_frame=True).frame[["bmi", "target"]]
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert cli("train", str(tmp_path / "d.csv"), "--target", "target", "--hidden", "4",
               "--epochs", "20", "--learning-rate", "0.05",
               "--save", str(tmp_path / "m.json")).returncode == 0
    result = cli("report", "--model", str(tmp_path / "m.json"), "--data", str(tmp_path / "d.csv"),
                 "--target", "target", "--output-dir", str(tmp_path / "r"), "--json")
    assert result.returncode == 0, result.stderr
    names = [Path(f).name for f in json.loads(result.stdout)["files"]]
    assert names == ["01-network.png", "02-step.png", "03-loss.png", "04-fit.png",
                     "05-residuals.png", "06-curve.png", "report.md", "index.html"]
    md = (tmp_path / "r" / "report.md").read_text()
    net = nnmath.load(tmp_path / "m.json")
    data = nnmath.datasets.load_csv(tmp_path / "d.csv", target="target", task="regression")
    y_hat = nnmath.inference.outputs(net, data.X)[:, 0]
    r2 = 1 - np.sum((data.y - y_hat) ** 2) / np.sum((data.y - data.y.mean()) ** 2)
    assert f"| R² | {num(r2)} |" in md
    assert f"| loss after epoch 20 | {num(net.info['history']['loss'][-1])} |" in md
    assert "P(" not in md and "confusion" not in md.lower()
