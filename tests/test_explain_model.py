"""``nnmath explain`` is the model's real computation, for every model ``nnmath train`` writes.

Models are trained by the real command line on CSV files this module writes
from scikit-learn's bundled datasets (iris, wine, breast cancer, diabetes):
3-class softmax, 2-class softmax, 2-class sigmoid + bce, and one-target
regression. For raw rows of those files, ``explain``'s ``output`` must be what
``nnmath predict`` computes (to 1e-12), the stored scaling must be shown as a
step of its own with its numbers, and ``--data FILE --row N`` must give the
same step as typing that row's values and target.
"""

import contextlib
import csv
import io
import json

import numpy as np
import pytest

import nnmath
from nnmath.cli import main
from nnmath.errors import ConfigError
from nnmath.render.mathexpr import num

sk = pytest.importorskip("sklearn.datasets")   # the dev extra installs it

# name -> (loader, target names or None for numbers, extra `nnmath train` options)
MODELS = {
    "iris": ("load_iris", True, []),                                  # 3 classes, softmax
    "wine": ("load_wine", False, []),                                 # 3 classes named 0, 1, 2
    "cancer": ("load_breast_cancer", True, []),                       # 2 classes, softmax
    "cancer_sigmoid": ("load_breast_cancer", True,
                       ["--output-activation", "sigmoid", "--loss", "bce"]),   # 2, sigmoid
    "diabetes": ("load_diabetes", None, []),                          # regression
}


def _cli(*argv):
    """``nnmath.cli.main`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _write_csv(path, loader, named):
    bunch = getattr(sk, loader)()
    header = [*bunch.feature_names, "target"]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for x, t in zip(bunch.data, bunch.target):
            label = bunch.target_names[int(t)] if named else (int(t) if named is False
                                                               else float(t))
            writer.writerow([*map(repr, x.tolist()), label])


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """name -> (model file, CSV file, the CSV's rows as text): trained by `nnmath train`."""
    folder = tmp_path_factory.mktemp("models")
    out = {}
    for name, (loader, named, options) in MODELS.items():
        data, model = folder / f"{loader}.csv", folder / f"{name}.json"
        if not data.exists():
            _write_csv(data, loader, named)
        code, _, err = _cli("train", data, "--target", "target", "--epochs", "5", "--seed",
                            "3", "--save", model, "--json", *options)
        assert code == 0, err
        with open(data, newline="") as f:
            rows = list(csv.reader(f))[1:]
        out[name] = (model, data, rows)
    return out


def _explain_json(*argv):
    code, out, err = _cli("explain", *argv, "--json")
    assert code == 0 and err == "", err
    return json.loads(out)


def _predicted(model, row):
    code, out, err = _cli("predict", model, "--x", *row, "--json")
    assert code == 0, err
    p = json.loads(out)["predictions"][0]
    return p["y_hat"] if "y_hat" in p else list(p["probabilities"].values())


@pytest.mark.parametrize("name", list(MODELS))
def test_explain_output_is_predicts_for_every_trained_model(models, name):
    model, data, rows = models[name]
    net = nnmath.load(model)
    assert net.info["scaling"]          # nnmath train stores one: the case issue 9 found
    for r in (0, 1, len(rows) // 2, len(rows) - 1):
        x, target = rows[r][:-1], rows[r][-1]
        step = _explain_json("--model", model, "--x", *x, "--y", target)
        predicted = _predicted(model, x)
        output = step.get("output_units", step["output"])   # a regression: target's units
        if len(output) == 1 and name != "diabetes":   # one sigmoid output: P(class 1)
            output = [1 - output[0], output[0]]
        np.testing.assert_allclose(output, predicted, rtol=0, atol=1e-12)
        # The step starts from the raw row; x_scaled is the stored scaling's, by NumPy.
        mean, std = np.array(step["scaling"]["mean"]), np.array(step["scaling"]["std"])
        assert step["x"] == [float(v) for v in x]
        np.testing.assert_allclose(step["x_scaled"], (np.array(step["x"]) - mean) / std,
                                   rtol=1e-15, atol=0)
        assert mean.tolist() == net.info["scaling"]["mean"]
        # The target: the row's class one-hot (softmax), 0/1 (sigmoid), or its number.
        if name == "diabetes":    # standardised: target_raw is the row's number
            assert step["target_raw"] == [float(target)]
        else:
            k = net.info["class_names"].index(target)
            expected = [float(k)] if len(step["output"]) == 1 else np.eye(len(output))[k].tolist()
            assert step["target"] == expected
        # --data FILE --row N is the same step as typing the row.
        assert _explain_json("--model", model, "--data", data, "--row", r + 1) == step


def test_the_scaling_step_is_shown_with_its_numbers_in_text_markdown_and_html(models):
    model, _, rows = models["iris"]
    x = rows[7][:-1]
    step = _explain_json("--model", model, "--x", *x, "--y", rows[7][-1])
    X, mean, std = (np.array(v, dtype=float) for v in
                    (step["x"], step["scaling"]["mean"], step["scaling"]["std"]))
    scaled = (X - mean) / std
    code, text, _ = _cli("explain", "--model", model, "--x", *x, "--y", rows[7][-1])
    assert code == 0 and "Scaling the input" in text
    assert text.index("Scaling the input") < text.index("Forward pass")
    flat = " ".join(text.split())
    for i in range(4):
        assert (f"x_scaled[{i}] = (x[{i}] − mean[{i}])/std[{i}] = ({num(X[i])} − "
                f"{num(mean[i])})/{num(std[i])} = {num(scaled[i])}") in flat
    # the forward pass starts from x_scaled, not from the raw x
    assert "Σ_i x_scaled[i]·W1[i,0] + b1[0]" in flat
    code, md, _ = _cli("explain", "--model", model, "--x", *x, "--y", rows[7][-1],
                       "--format", "markdown")
    assert (rf"x_{{\mathrm{{scaled}}}}[0] &= (x[0] - \mathrm{{mean}}[0])/\mathrm{{std}}[0] = "
            f"({num(X[0])} - {num(mean[0])})/{num(std[0])} = {num(scaled[0])}") in md
    code, html, _ = _cli("explain", "--model", model, "--x", *x, "--y", rows[7][-1],
                         "--format", "html")
    assert "<h2>Scaling the input</h2>" in html
    assert (f"<mo>(</mo><mn>{num(X[3])}</mn><mo>−</mo><mn>{num(mean[3])}</mn><mo>)</mo>"
            f"<mo>/</mo><mn>{num(std[3])}</mn><mo>=</mo><mn>{num(scaled[3])}</mn>") in html
    assert "<msub><mi>x</mi><mtext>scaled</mtext></msub>" in html


def test_a_large_model_shows_the_scaling_as_a_table(models):
    model, _, rows = models["cancer"]          # 30 features, 266 parameters: a summary
    x = rows[0][:-1]
    code, text, _ = _cli("explain", "--model", model, "--x", *x, "--y", rows[0][-1])
    assert code == 0 and "Summary per layer" in text and "Scaling the input" in text
    step = _explain_json("--model", model, "--x", *x, "--y", rows[0][-1])
    lines = [line.split() for line in text.splitlines()]
    names = nnmath.load(model).info["feature_names"]
    for i in (0, 29):      # each feature by its name (was: feature 0 ... feature 29)
        assert [*names[i].split(), num(step["x"][i]), num(step["scaling"]["mean"][i]),
                num(step["scaling"]["std"][i]), num(step["x_scaled"][i])] in lines


def test_a_batch_of_raw_rows_with_class_names_as_targets(models):
    model, _, rows = models["iris"]
    a, b = rows[0], rows[120]                     # setosa, virginica
    assert (a[-1], b[-1]) == ("setosa", "virginica")
    step = _explain_json("--model", model, "--x", *a[:-1], "--y", "setosa",
                         "--x", *b[:-1], "--y", "virginica")
    assert step["target"] == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert step["x"] == [[float(v) for v in a[:-1]], [float(v) for v in b[:-1]]]
    code, out, _ = _cli("predict", model, "--x", *a[:-1], "--x", *b[:-1], "--json")
    predicted = [list(p["probabilities"].values()) for p in json.loads(out)["predictions"]]
    np.testing.assert_allclose(step["output"], predicted, rtol=0, atol=1e-12)
    # numbers, one per output, are the same target as the class name
    assert _explain_json("--model", model, "--x", *a[:-1], "--y", "1", "0", "0",
                         "--x", *b[:-1], "--y", "0", "0", "1") == step


def test_sigmoid_output_class_names_give_0_and_1(models):
    model, _, rows = models["cancer_sigmoid"]
    names = nnmath.load(model).info["class_names"]
    x = rows[3][:-1]
    assert _explain_json("--model", model, "--x", *x, "--y", names[1])["target"] == [1.0]
    assert _explain_json("--model", model, "--x", *x, "--y", names[0])["target"] == [0.0]


def test_data_row_target_column_by_name(models, tmp_path):
    """--target COL names the target column when the file calls it otherwise."""
    model, data, rows = models["diabetes"]
    renamed = tmp_path / "renamed.csv"
    text = data.read_text().splitlines()
    renamed.write_text("\n".join([text[0].replace(",target", ",progression"), *text[1:]]))
    step = _explain_json("--model", model, "--data", renamed, "--target", "progression",
                         "--row", 10)
    assert step["target_raw"] == [float(rows[9][-1])]    # the model standardises its target
    assert step["x"] == list(map(float, rows[9][:-1]))
    code, _, err = _cli("explain", "--model", model, "--data", renamed, "--row", 10)
    assert code == 2 and "the target column must be one of the columns" in err


@pytest.mark.slow
def test_plot_network_draws_the_real_step_from_the_raw_row(models, tmp_path):
    model, data, rows = models["wine"]
    step = _explain_json("--model", model, "--data", data, "--row", 5)
    for sample in (["--data", data, "--row", 5], ["--x", *rows[4][:-1], "--y", rows[4][-1]]):
        code, out, err = _cli("plot", "network", "--model", model, *sample, "--output",
                              tmp_path / "n.png", "--json")
        assert code == 0, err
        drawn = json.loads(out)
        assert drawn["loss"] == step["loss"] and drawn["gradients"] == step["gradients"]


@pytest.mark.slow
def test_the_report_step_starts_from_the_raw_row(models, tmp_path):
    from nnmath.report import write_model_report

    model, data, rows = models["iris"]
    net = nnmath.load(model)
    dataset = nnmath.datasets.load_csv(data, target="target", classes=net.info["class_names"])
    small = dataset.subset(np.arange(0, 150, 10))
    files = write_model_report(tmp_path / "r", net, small)
    md = next(f for f in files if f.suffix == ".md").read_text()
    step = nnmath.explain(net, small.X[0], small.targets(3)[0], loss="cross_entropy")
    assert "## Scaling the input" in md and step.scaling is not None
    assert f"= {num(step.X[0, 0])}" in md            # x_scaled[0], by the engine's scaling
    assert num(step.loss) in md


# -- the library: explain(..., scaling=) -------------------------------------------------

def test_explain_scaling_argument(models):
    from nnmath.datasets import Scaling
    from nnmath.inference import outputs, scaling_of

    net = nnmath.load(models["iris"][0])
    x, t = [6.0, 2.5, 4.5, 1.5], [0.0, 1.0, 0.0]
    trace = nnmath.explain(net, x, t, loss="cross_entropy")          # "model": the default
    assert np.array_equal(trace.y_hat, outputs(net, [x]))            # bit for bit
    assert trace.X_raw.tolist() == [x]
    assert np.array_equal(trace.scaling.mean, scaling_of(net).mean)
    assert np.array_equal(trace.X, scaling_of(net).apply([x]))
    raw = nnmath.explain(net, x, t, loss="cross_entropy", scaling=None)
    assert raw.X.tolist() == [x] and raw.X_raw is None and raw.scaling is None
    assert "x_scaled" not in raw.to_dict() and "scaling" not in raw.to_dict()
    mine = Scaling(mean=np.array([6.0, 3.0, 4.0, 1.0]), std=np.array([1.0, 0.5, 2.0, 0.5]))
    other = nnmath.explain(net, x, t, loss="cross_entropy", scaling=mine)
    assert other.X.tolist() == [[0.0, -1.0, 0.25, 1.0]]
    with pytest.raises(ConfigError, match='scaling must be "model", None or a'):
        nnmath.explain(net, x, t, scaling="standard")
    with pytest.raises(ConfigError, match="the scaling must be one mean and std per input"):
        nnmath.explain(net, x, t, scaling=Scaling(np.zeros(2), np.ones(2)))


def test_class_targets():
    from nnmath.article import network_b
    from nnmath.inference import class_targets

    net = network_b()                       # one sigmoid output
    net.info = {"class_names": ["2", "5"]}
    assert class_targets(net, ["5", "2.0"]).tolist() == [[1.0], [0.0]]
    net.info = {"task": "regression"}
    with pytest.raises(ConfigError, match="a class name as the target must be given for a "
                                          "classifier"):
        class_targets(net, ["1"])
