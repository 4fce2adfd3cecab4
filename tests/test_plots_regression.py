"""Regression pictures: checked through their artists against independent computations.

Oracles: R² and the mean squared error by hand in NumPy (and scikit-learn's),
``y − y_hat`` by hand, the network's own forward pass at the x-values drawn
(with the scaling written out by hand), and a closed-form linear network.
"""

import numpy as np
import pytest

import nnmath
from nnmath.datasets import Dataset
from nnmath.errors import ConfigError, DataError, ShapeError
from nnmath.render.mathexpr import num

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

plots = pytest.importorskip("nnmath.plots")


def r2_by_hand(t, y):
    t, y = np.asarray(t, float), np.asarray(y, float)
    return 1 - np.sum((t - y) ** 2) / np.sum((t - t.mean()) ** 2)


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(7)
    t = rng.normal(100, 30, size=60)
    y = t + rng.normal(0, 12, size=60)
    return t, y


def test_predicted_vs_actual_draws_each_row_and_the_identity_line(points):
    t, y = points
    art = plots.predicted_vs_actual(t, y, target_name="price").artists
    np.testing.assert_array_equal(art["points"][0].get_offsets(), np.column_stack([t, y]))
    assert art["r2"] == pytest.approx(r2_by_hand(t, y), rel=1e-12)
    assert art["mse"] == pytest.approx(np.mean((t - y) ** 2), rel=1e-12)
    xs, ys = art["identity"].get_data()
    np.testing.assert_array_equal(xs, ys)                    # the line y_hat = y
    assert xs[0] <= min(t.min(), y.min()) and xs[-1] >= max(t.max(), y.max())
    title = art["points"][0].axes.get_title()
    assert "R² = " + num(r2_by_hand(t, y), 4) in title and "60 rows" in title


def test_r2_agrees_with_scikit_learn(points):
    sk = pytest.importorskip("sklearn.metrics")
    t, y = points
    assert plots.predicted_vs_actual(t, y)["r2"] == pytest.approx(sk.r2_score(t, y), abs=1e-12)


def test_residuals_are_actual_minus_predicted(points):
    t, y = points
    art = plots.residual_plot(t, y).artists
    np.testing.assert_array_equal(art["points"][0].get_offsets(), np.column_stack([y, t - y]))
    assert art["zero"].get_ydata()[0] == 0
    assert art["residuals"].shape == (60, 1)


def test_two_outputs_get_a_series_each():
    T = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 35.0]])
    Y = np.array([[1.5, 11.0], [2.0, 19.0], [2.5, 30.0]])
    art = plots.predicted_vs_actual(T, Y, output_names=["a", "b"]).artists
    assert len(art["points"]) == 2
    np.testing.assert_array_equal(art["points"][1].get_offsets(),
                                  np.column_stack([T[:, 1], Y[:, 1]]))
    # R² of several outputs: the mean of each output's R² (scikit-learn's uniform_average)
    assert art["r2"] == pytest.approx((r2_by_hand(T[:, 0], Y[:, 0])
                                       + r2_by_hand(T[:, 1], Y[:, 1])) / 2, rel=1e-12)
    with pytest.raises(DataError, match="one value per output"):
        plots.residual_plot(T[:, 0], Y)


def test_fitted_curve_is_the_network_through_the_scaling():
    # y_hat = 3 x' + 1 with x' = (x - 10) / 2 (a stored scaling), drawn over raw x.
    net = nnmath.Network([nnmath.Dense(W=[[3.0]], b=[1.0], activation="identity")])
    X = np.array([[8.0], [10.0], [14.0]])
    y = np.array([-2.0, 1.5, 7.0])
    art = plots.regression_curve(net, X, y, transform=lambda Z: (Z - 10.0) / 2.0,
                                 feature_name="age", target_name="cost").artists
    x, y_hat = art["curves"][0].get_data()
    np.testing.assert_allclose(y_hat, 3 * (x - 10.0) / 2.0 + 1, rtol=0, atol=1e-12)
    assert x[0] < 8.0 and x[-1] > 14.0                        # the data's range, padded
    np.testing.assert_array_equal(art["points"][0].get_offsets(), np.column_stack([X[:, 0], y]))
    assert art["curves"][0].axes.get_xlabel() == "age"
    with pytest.raises(ShapeError, match="one input"):
        plots.regression_curve(nnmath.Network.random([2, 1], seed=0))


def test_map_of_y_hat_is_the_network_on_the_grid():
    net = nnmath.Network.random([2, 5, 1], activation="tanh", output_activation="identity",
                                seed=2)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(25, 2))
    y = net.forward(X)[:, 0] + rng.normal(0, 0.1, 25)
    art = plots.regression_map(net, X, y, resolution=30).artists
    g1, g2 = art["grid"]
    G1, G2 = np.meshgrid(g1, g2)
    expected = net.forward(np.column_stack([G1.ravel(), G2.ravel()]))[:, 0].reshape(30, 30)
    np.testing.assert_array_equal(art["values"], expected)
    # the points are coloured by their actual value on the map's own colour scale
    scatter = art["points"][0]
    np.testing.assert_array_equal(scatter.get_array(), y)
    assert scatter.norm.vmin == art["mesh"].norm.vmin and scatter.norm.vmax == art["mesh"].norm.vmax
    with pytest.raises(ShapeError, match="two inputs"):
        plots.regression_map(nnmath.Network.random([1, 1], seed=0))


def test_training_plots_of_a_regressor_are_the_regression_set(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(3)
    X = rng.uniform(-2, 2, size=(40, 1))
    data = Dataset(X=X, y=2 * X[:, 0] + 1, feature_names=("x",), class_names=(),
                   target_name="y", task="regression")
    net = nnmath.Network([nnmath.Dense(W=[[2.0]], b=[1.0], activation="identity")])
    history = nnmath.History(loss=[0.5, 0.2], initial_loss=1.0)
    files = plots.training_plots(tmp_path, net, history, data)
    assert [f.name for f in files] == ["network.png", "loss.png", "fit.png", "residuals.png",
                                       "curve.png"]
    for f in files:
        with Image.open(f) as image:
            assert image.format == "PNG"


def test_confusion_matrix_of_many_classes_is_bounded():
    from nnmath.plots.classifier import MAX_CLASSES, MAX_COUNTS_SHOWN, MAX_SIDE

    k = 30
    y = np.arange(3 * k) % k
    y_pred = (y + (np.arange(3 * k) % 3 == 0)) % k         # a third of the rows one class off
    drawing = plots.confusion_plot(y, y_pred, n_classes=k)
    assert max(drawing.figure.get_size_inches()) <= MAX_SIDE
    assert drawing["counts"] == {} and k > MAX_COUNTS_SHOWN  # unreadable: left to the colours
    assert drawing["matrix"].trace() == 2 * k and drawing["matrix"].sum() == 3 * k
    # a label far beyond the cap (a regression target read as a class) never allocates a grid
    with pytest.raises(ConfigError, match=f"at most {MAX_CLASSES} to be drawn. Got '347 classes'"):
        plots.confusion_plot(np.array([25.0, 346.0]), np.array([0, 0]))
