"""The figures: checked through their artists (what is drawn, with which numbers).

Oracles: the network's own parameters and ``net.forward`` at the drawn x
(the curve must *be* the network), the closed-form boundary of network A
(softmax of two lines crosses 0.5 where the lines meet), scikit-learn's
ROC curve and hand-counted confusion matrices.
"""

import subprocess
import sys
from xml.etree import ElementTree

import numpy as np
import pytest

import nnmath
from nnmath.article import network_a_trained, network_b
from nnmath.errors import ConfigError, ShapeError

plots = pytest.importorskip("nnmath.plots")   # matplotlib is in the dev extra; CI installs it
from nnmath.render.mathexpr import num  # noqa: E402

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def net_a():
    return network_a_trained()


@pytest.fixture(scope="module")
def psa():
    return nnmath.datasets.psa()


def random_243(seed=3):
    return nnmath.Network.random([2, 4, 3], activation="tanh", output_activation="softmax",
                                 seed=seed)


def _center(circle):
    return tuple(np.round(circle.center, 9))


# -- network diagram ----------------------------------------------------------------------
def test_article_network_b_is_drawn_with_its_step():
    net = network_b()
    trace = nnmath.explain(net, [2.0], [0.0], loss="ssr", learning_rate=0.1)
    art = plots.draw_network(net, trace, feature_names=["PSA"]).artists
    assert [len(c) for c in art["neurons"]] == [1, 1, 1]
    assert sorted(art["edges"]) == [(1, 0, 0), (2, 0, 0)]
    assert art["weight_labels"][(1, 0, 0)].get_text() == "w1 = 0.5"
    assert art["weight_labels"][(2, 0, 0)].get_text() == "w2 = -1"
    assert art["bias_labels"][(1, 0)].get_text() == "b1 = 0"
    # Values inside the neurons: x = 2, a1 = sigmoid(1) = 0.7311, y_hat = 0.3250 (4 digits).
    assert [art["value_labels"][(k, 0)].get_text() for k in range(3)] == \
        ["2", "0.7311", "0.325"]
    # Gradients on the edges: the article's -0.0280307 and 0.0521131 (4 digits).
    assert art["gradient_labels"][("W", 1, 0, 0)].get_text() == "∂L/∂w1 = -0.02803"
    assert art["gradient_labels"][("W", 2, 0, 0)].get_text() == "∂L/∂w2 = 0.05211"
    assert art["gradient_labels"][("b", 2, 0)].get_text() == "∂L/∂b2 = 0.07128"
    # Colour by sign: w1 > 0 blue, w2 < 0 red; width grows with |w|.
    e1, e2 = art["edges"][(1, 0, 0)], art["edges"][(2, 0, 0)]
    assert e1.get_color() == plots.figure.POSITIVE and e2.get_color() == plots.figure.NEGATIVE
    assert e2.get_linewidth() > e1.get_linewidth()


def test_random_243_network_every_edge_and_weight(tmp_path):
    net = random_243()
    drawing = plots.draw_network(net)
    art = drawing.artists
    assert [len(c) for c in art["neurons"]] == [2, 4, 3]
    assert len(art["edges"]) == 2 * 4 + 4 * 3
    for (ell, i, j), line in art["edges"].items():
        W = net.layers[ell - 1].W
        # The label is the weight W_l[i, j] and the edge joins neuron i to neuron j.
        assert float(art["weight_labels"][(ell, i, j)].get_text()) == float(num(W[i, j], 4))
        xs, ys = line.get_data()
        assert (round(xs[0], 9), round(ys[0], 9)) == _center(art["neurons"][ell - 1][i])
        assert (round(xs[1], 9), round(ys[1], 9)) == _center(art["neurons"][ell][j])
    for (ell, j), text in art["bias_labels"].items():
        assert text.get_text() == f"b = {num(net.layers[ell - 1].b[j], 4)}"
    assert art["gradient_labels"] == {} and art["value_labels"] == {}
    drawing.save(tmp_path / "net.svg")
    ElementTree.parse(tmp_path / "net.svg")


def test_random_243_with_a_trace_shows_activations_and_gradients():
    net = random_243()
    trace = nnmath.explain(net, [[0.5, -1.0], [1.0, 2.0]], [[0, 1, 0], [1, 0, 0]],
                           loss="cross_entropy", learning_rate=0.1)
    art = plots.draw_network(net, trace, sample=1).artists
    for j in range(4):
        assert float(art["value_labels"][(1, j)].get_text()) == \
            float(num(trace.layers[0].a[1, j], 4))
    for (kind, ell, *idx), text in art["gradient_labels"].items():
        grad = trace.gradients[f"{kind}{ell}"][tuple(idx)]
        assert float(text.get_text()) == float(num(grad, 4))
    assert len(art["gradient_labels"]) == net.n_params()


def test_wide_layers_are_drawn_without_numbers_and_say_so():
    net = nnmath.Network.random([3, 9, 2], seed=0)
    art = plots.draw_network(net).artists
    assert sum(len(c) for c in art["neurons"]) == 14 and len(art["edges"]) == 27 + 18
    assert art["weight_labels"] == {} and art["bias_labels"] == {}
    assert "more than 8 neurons" in art["note"].get_text()
    assert plots.draw_network(nnmath.Network.random([8, 8, 2], seed=0)).artists["note"] is None


def test_a_trace_of_another_network_is_refused():
    trace = nnmath.explain(network_b(), [2.0], [0.0])
    with pytest.raises(ShapeError, match="the trace must be a step of this network"):
        plots.draw_network(random_243(), trace)


def test_drawing_into_a_given_axes_composes(net_a):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    first = plots.draw_network(net_a, ax=left)
    second = plots.loss_curve(nnmath.History(loss=[0.5, 0.25], initial_loss=1.0), ax=right)
    assert first.figure is fig and second.figure is fig and first.ax is left


# -- curves -----------------------------------------------------------------------------
def test_probability_curve_is_the_network(net_a, psa):
    art = plots.probability_curve(net_a, psa.X, psa.y, class_names=psa.class_names,
                                  feature_name="PSA").artists
    x, p = art["curve"].get_data()
    np.testing.assert_array_equal(p, net_a.forward(x[:, None])[:, 1])
    # Oracle: softmax(z)[1] = 0.5 exactly where z_0 = z_1, i.e. x = (b0 - b1) / (w1 - w0).
    (w0, w1), (b0, b1) = net_a.layers[0].W[0], net_a.layers[0].b
    assert art["boundaries"] == [pytest.approx((b0 - b1) / (w1 - w0), abs=1e-9)]
    assert 2.0 < art["boundaries"][0] < 2.5        # between the healthy 2.0 and the 2.5
    # The data: seven Cancer rows drawn at height 1, seven Healthy at 0.
    heights = {c.get_label(): c.get_offsets()[:, 1] for c in art["points"]}
    assert list(heights["Cancer"]) == [1.0] * 7 and list(heights["Healthy"]) == [0.0] * 7


def test_probability_curve_of_one_output_network():
    net = network_b()
    art = plots.probability_curve(net, x_range=(0, 4)).artists
    x, p = art["curve"].get_data()
    np.testing.assert_array_equal(p, net.forward(x[:, None])[:, 0])
    assert art["boundaries"] == []             # y_hat < 0.5 everywhere: no boundary drawn
    with pytest.raises(ShapeError, match="one input"):
        plots.probability_curve(random_243())


def test_decision_boundary_of_one_neuron_is_closed_form():
    net = nnmath.Network([nnmath.Dense(W=[[-3.0]], b=[1.5], activation="sigmoid")])
    assert plots.decision_boundary(net, -2, 2) == [pytest.approx(0.5, abs=1e-12)]


def test_loss_curve_with_and_without_validation():
    history = network_b().fit([[2.0], [1.0]], [[0.0], [1.0]], epochs=5)
    art = plots.loss_curve(history, log=True).artists
    epochs, values = art["train"].get_data()
    assert list(epochs) == [0, 1, 2, 3, 4, 5]
    assert list(values) == [history.initial_loss] + history.loss
    assert art["validation"] is None and art["train"].axes.get_yscale() == "log"
    history.val_loss = [0.3, 0.2, 0.2, 0.1, 0.1]
    art = plots.loss_curve(history).artists
    assert list(art["validation"].get_data()[1]) == history.val_loss
    with pytest.raises(ConfigError, match="at least one epoch"):
        plots.loss_curve(nnmath.History())


def test_decision_map_one_output_and_three_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    net = nnmath.Network.random([2, 4, 1], activation="tanh", output_activation="sigmoid",
                                seed=0)
    art = plots.decision_map(net, X, y, resolution=40).artists
    g1, g2 = art["grid"]
    G1, G2 = np.meshgrid(g1, g2)
    expected = net.forward(np.column_stack([G1.ravel(), G2.ravel()]))[:, 0]
    np.testing.assert_array_equal(art["values"], expected.reshape(40, 40))
    assert sum(len(p.get_offsets()) for p in art["points"]) == 30

    net3 = random_243()
    art = plots.decision_map(net3, X, rng.integers(0, 3, 30), resolution=25).artists
    g1, g2 = art["grid"]
    G1, G2 = np.meshgrid(g1, g2)
    y_hat = net3.forward(np.column_stack([G1.ravel(), G2.ravel()]))
    np.testing.assert_array_equal(art["values"], np.argmax(y_hat, axis=1).reshape(25, 25))
    with pytest.raises(ShapeError, match="two inputs"):
        plots.decision_map(network_b())


# -- classifier pictures -------------------------------------------------------------------
def test_confusion_plot_counts():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 0, 2]
    art = plots.confusion_plot(y_true, y_pred, class_names=["a", "b", "c"]).artists
    # By hand: row = actual, column = predicted.
    expected = [[1, 1, 0], [1, 2, 0], [0, 0, 1]]
    assert [[art["counts"][(i, j)].get_text() for j in range(3)] for i in range(3)] == \
        [[str(v) for v in row] for row in expected]


def test_roc_plot_matches_scikit_learn(net_a, psa):
    sk = pytest.importorskip("sklearn.metrics")
    score = net_a.forward(psa.X)[:, 1]
    art = plots.roc_plot(psa.y, score).artists
    fpr, tpr, _ = sk.roc_curve(psa.y, score, drop_intermediate=False)
    np.testing.assert_allclose(art["curve"].get_data()[0], fpr)
    np.testing.assert_allclose(art["curve"].get_data()[1], tpr)
    assert art["auc"] == pytest.approx(sk.roc_auc_score(psa.y, score), abs=1e-12)


# -- files ------------------------------------------------------------------------------
def test_png_and_svg_by_suffix_and_atomic(tmp_path):
    drawing = plots.draw_network(network_b())
    png = drawing.save(tmp_path / "n.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = drawing.save(tmp_path / "n.SVG")
    assert ElementTree.parse(svg).getroot().tag.endswith("svg")
    with pytest.raises(ConfigError, match=r"suffix must be \.png or \.svg"):
        drawing.save(tmp_path / "n.jpg")
    with pytest.raises(ConfigError, match="an existing folder"):
        drawing.save(tmp_path / "missing" / "n.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.SVG", "n.png"]   # no temp files


def test_training_gif_has_a_frame_every_n_epochs(tmp_path):
    from PIL import Image

    data = nnmath.datasets.psa()
    net = network_b()
    history = plots.animate_training(net, data.X, data.targets(1), tmp_path / "t.gif",
                                     every=5, epochs=12, loss="ssr", learning_rate=0.1,
                                     plot={"class_names": data.class_names})
    assert history.epochs == 12
    with Image.open(tmp_path / "t.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == 4      # epochs 0, 5, 10, 12


def test_a_recorder_that_saw_no_training_writes_its_one_frame(tmp_path):
    """Epoch 0's loss is unknown before training: the loss panel has no number to scale
    to, and the GIF is still written (it raised a TypeError, None * 1.05)."""
    from PIL import Image

    from nnmath.plots.animation import TrainingRecorder

    data = nnmath.datasets.psa()
    recorder = TrainingRecorder(network_b(), every=5)
    recorder.write_gif(tmp_path / "t.gif", data.X, data.y)
    with Image.open(tmp_path / "t.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == 1


def test_import_nnmath_does_not_import_matplotlib():
    code = "import sys, nnmath, nnmath.cli; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_a_drawing_shows_itself_in_a_notebook():
    png = plots.draw_network(network_b())._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_curves_in_the_data_units_through_a_transform():
    # A stored scaling x' = (x - 2) / 0.5: the curve is drawn over x, the network sees x'.
    net = nnmath.Network([nnmath.Dense(W=[[3.0]], b=[0.0], activation="sigmoid")])
    art = plots.probability_curve(net, x_range=(0, 4), transform=lambda X: (X - 2.0) / 0.5)
    x, p = art.artists["curve"].get_data()
    np.testing.assert_array_equal(p, net.forward((x[:, None] - 2.0) / 0.5)[:, 0])
    assert art.artists["boundaries"] == [pytest.approx(2.0, abs=1e-12)]


def test_training_plots_writes_the_usual_set(tmp_path, net_a, psa):
    from PIL import Image

    history = nnmath.History(loss=[0.6, 0.5], initial_loss=0.7)
    files = plots.training_plots(tmp_path / "p", net_a, history, psa)
    assert [f.name for f in files] == ["network.png", "loss.png", "curve.png",
                                       "confusion.png", "roc.png"]
    for f in files:
        with Image.open(f) as image:
            assert image.format == "PNG"
    from nnmath.datasets import Dataset

    X = np.random.default_rng(0).normal(size=(12, 2))
    data = Dataset(X, np.arange(12) % 3, ("u", "v"), ("p", "q", "r"), "t")
    files = plots.training_plots(tmp_path / "q", random_243(), None, data, fmt="svg")
    assert [f.name for f in files] == ["network.svg", "map.svg", "confusion.svg"]
