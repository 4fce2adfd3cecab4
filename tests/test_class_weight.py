"""Class weights in the loss (issue 20, imbalanced classes): the engine's weighted loss and
its gradient against PyTorch float64 autograd and finite differences, scikit-learn's
"balanced" weights, the fast paths never running a weighted loss unweighted, the
estimator's ``class_weight``, and ``--class-weight`` through the real command line
(train, cv, explain, evaluate, the model file).

nnmath's normalisation: ``L = (1/n) sum_s w_s l_s`` (the mean over the samples, as
Keras); torch's ``reduction="mean"`` divides by ``sum_s w_s`` instead, so the oracle is
torch's ``reduction="sum"`` divided by ``n`` (and, checked too, torch's mean times
``sum(w) / n``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from nnmath import Dense, Network
from nnmath.errors import ConfigError, ModelFileError
from nnmath.gradcheck import numeric_gradients
from nnmath.losses import class_weights, get_loss

sk_datasets = pytest.importorskip("sklearn.datasets")


def _torch_grads(net, X, lose):
    """``(loss, {name: grad})`` of the network in float64 torch, ``lose(z_L)`` the loss."""
    a, params = torch.tensor(X), {}
    for ell, layer in enumerate(net.layers, start=1):
        W = torch.tensor(layer.W, requires_grad=True)
        b = torch.tensor(layer.b, requires_grad=True)
        params[f"W{ell}"], params[f"b{ell}"] = W, b
        z = a @ W + b
        a = torch.tanh(z) if layer.activation == "tanh" else z
    value = lose(z)
    value.backward()
    return value.item(), {k: p.grad.numpy() for k, p in params.items()}


def _random(shape, output, seed=1):
    return Network.random(shape, activation="tanh", output_activation=output, seed=seed)


@pytest.mark.parametrize("batch", [1, 7])
def test_weighted_cross_entropy_is_torch_weight_sum_over_n(batch):
    rng = np.random.default_rng(batch)
    net = _random([3, 4, 3], "softmax")
    X, y = rng.normal(size=(batch, 3)), rng.integers(0, 3, batch)
    c = np.array([0.5, 2.0, 3.25])
    loss, grads = net.gradients(X, np.eye(3)[y], get_loss("cross_entropy").weighted(c))
    target, weight = torch.tensor(y), torch.tensor(c)
    want, want_grads = _torch_grads(net, X, lambda z: torch.nn.functional.cross_entropy(
        z, target, weight=weight, reduction="sum") / batch)
    assert loss == pytest.approx(want, rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(g, want_grads[name], rtol=0, atol=1e-10)
    # torch's own weighted mean divides by sum(w): the same number times sum(w) / n
    mean = torch.nn.functional.cross_entropy(
        torch.tensor(net.layers[-1].weighted_sum(net.layers[0].forward(X).a)), target,
        weight=weight).item()
    assert loss == pytest.approx(mean * c[y].sum() / batch, rel=1e-12)


def test_weighted_bce_of_one_sigmoid_output_is_torch_bce_with_weight():
    rng = np.random.default_rng(3)
    net = _random([2, 5, 1], "sigmoid")
    X, t = rng.normal(size=(9, 2)), rng.integers(0, 2, 9).astype(float)
    c = np.array([0.6, 4.0])                    # class 0, class 1
    loss, grads = net.gradients(X, t[:, None], get_loss("bce").weighted(c))
    w = torch.tensor(np.where(t == 1, c[1], c[0])[:, None])
    want, want_grads = _torch_grads(net, X, lambda z: torch.nn.functional.binary_cross_entropy(
        torch.sigmoid(z), torch.tensor(t[:, None]), weight=w, reduction="sum") / 9)
    assert loss == pytest.approx(want, rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(g, want_grads[name], rtol=0, atol=1e-10)


@pytest.mark.parametrize("output,loss_name,k", [("softmax", "cross_entropy", 3),
                                                ("sigmoid", "bce", 1), ("sigmoid", "ssr", 2),
                                                ("identity", "mse", 3)])
def test_weighted_gradients_match_finite_differences(output, loss_name, k):
    rng = np.random.default_rng(4)
    net = _random([2, 3, k], output)
    X = rng.normal(size=(6, 2))
    y = np.array([0, 1, 1, 0, 1, 0]) if k <= 2 else rng.integers(0, k, 6)
    T = y[:, None].astype(float) if k == 1 else np.eye(k)[y]
    c = np.array([0.3, 2.5]) if k <= 2 else np.array([0.3, 2.5, 1.7])
    weighted = get_loss(loss_name).weighted(c)
    loss, grads = net.gradients(X, T, weighted)
    numeric = numeric_gradients(net, X, T, weighted)
    for name, g in grads.items():
        np.testing.assert_allclose(g, numeric[name], rtol=1e-6, atol=1e-9)
    # the weighted loss is the mean of w_s * l_s: weights of 1 give the plain loss
    assert net.loss(X, T, get_loss(loss_name).weighted(np.ones(len(c)))) == \
        pytest.approx(net.loss(X, T, loss_name), rel=1e-15)
    assert loss == pytest.approx(np.mean(c[y] * get_loss(loss_name).per_sample(
        net.forward(X), T)), rel=1e-9)


def test_balanced_is_scikit_learns_and_dicts_leave_others_at_one():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([0, 0, 0, 0, 0, 0, 1, 2, 2])
    want = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose(class_weights("balanced", np.eye(3)[y]), want, rtol=1e-15)
    two = np.array([0, 0, 0, 1])
    np.testing.assert_allclose(class_weights("balanced", two[:, None].astype(float)),
                               compute_class_weight("balanced", classes=np.arange(2), y=two))
    assert class_weights({2: 5.0}, np.eye(3)[y]).tolist() == [1.0, 1.0, 5.0]
    for bad in ("heavy", {3: 1.0}, {0: -1.0}, [1.0, 2.0], [0.0, 0.0, 0.0], [1, np.nan, 1]):
        with pytest.raises(ConfigError, match="class_weight"):
            class_weights(bad, np.eye(3)[y])
    with pytest.raises(ConfigError, match="no row of class 2"):
        class_weights("balanced", np.eye(3)[[0, 1, 1]])


@pytest.mark.parametrize("engine", ["numpy", "python", "auto"])
def test_a_weighted_loss_never_runs_unweighted_on_a_fast_path(engine):
    """The fast paths know the unweighted losses only: a weighted run is the readable
    engine's, whatever engine is asked for, and differs from the unweighted run."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 2))
    T = np.eye(2)[(X[:, 0] > 0.8).astype(int)]
    runs = {}
    for name, chosen, weight in (("readable", "readable", "balanced"),
                                 ("asked", engine, "balanced"), ("plain", engine, None)):
        net = _random([2, 4, 2], "softmax", seed=2)
        history = net.fit(X, T, loss="cross_entropy", learning_rate=0.05, epochs=5,
                          batch_size=8, shuffle=True, seed=0, optimizer="adam",
                          engine=chosen, class_weight=weight)
        runs[name] = (history, net.params())
    np.testing.assert_array_equal(runs["asked"][0].loss, runs["readable"][0].loss)
    for key, value in runs["asked"][1].items():
        np.testing.assert_array_equal(value, runs["readable"][1][key])
    assert runs["plain"][0].loss != runs["readable"][0].loss
    assert runs["readable"][0].settings["class_weight"] == pytest.approx(
        (40 / (2 * T.sum(axis=0))).tolist(), rel=1e-15)


def test_the_step_of_the_articles_network_with_a_weight_is_w_times_the_unweighted():
    """One sample: every gradient is w times the unweighted one (the loss is w * l)."""
    net = Network([Dense(W=[[0.5]], b=[0.0]), Dense(W=[[-1.0]], b=[0.0])])
    loss1, g1 = net.gradients([[2.0]], [[0.0]], get_loss("ssr"))
    loss3, g3 = net.gradients([[2.0]], [[0.0]], get_loss("ssr").weighted([3.0, 1.0]))
    assert loss3 == pytest.approx(3 * loss1, rel=1e-15)
    for name in g1:
        np.testing.assert_allclose(g3[name], 3 * g1[name], rtol=1e-15)


def test_the_estimator_follows_scikit_learns_class_weight():
    from sklearn.base import clone
    from sklearn.utils.class_weight import compute_class_weight

    from nnmath.estimator import NNClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.where(X[:, 0] > 1.0, "rare", "common")
    plain = NNClassifier(hidden_layer_sizes=(4,), epochs=5, random_state=0).fit(X, y)
    model = NNClassifier(hidden_layer_sizes=(4,), epochs=5, random_state=0,
                         class_weight="balanced").fit(X, y)
    assert clone(model).get_params()["class_weight"] == "balanced"
    np.testing.assert_allclose(model.class_weight_, compute_class_weight(
        "balanced", classes=model.classes_, y=y), rtol=1e-15)
    assert plain.class_weight_ is None and model.loss_curve_ != plain.loss_curve_
    given = NNClassifier(hidden_layer_sizes=(4,), epochs=2, random_state=0,
                         class_weight={"rare": 7.0}).fit(X, y)
    assert given.class_weight_.tolist() == [1.0, 7.0]
    with pytest.raises(ValueError, match="partial_fit"):
        NNClassifier(class_weight="balanced").partial_fit(X, y, classes=["common", "rare"])
    with pytest.raises(ValueError, match="class_weight"):
        NNClassifier(class_weight="heavy", epochs=1).fit(X, y)


def test_the_model_file_key_is_checked_and_old_files_load(tmp_path):
    net = _random([1, 2], "softmax")
    net.info = {"task": "classification", "class_names": ["a", "b"], "class_weight": [1, 3]}
    net.save(tmp_path / "m.json")
    assert Network.load(tmp_path / "m.json").info["class_weight"] == [1, 3]
    for bad in ([1], [1, -2], [0, 0], "balanced", [1, None]):
        data = json.loads((tmp_path / "m.json").read_text())
        data["class_weight"] = bad
        (tmp_path / "bad.json").write_text(json.dumps(data))
        with pytest.raises(ModelFileError, match='"class_weight" must be'):
            Network.load(tmp_path / "bad.json")


# -- the command line ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def imbalanced(tmp_path_factory):
    """Breast cancer with 10 % positives: the 357 benign rows (Healthy) and 39 of the 212
    malignant ones (Cancer), shuffled."""
    frame = sk_datasets.load_breast_cancer(as_frame=True).frame
    healthy = frame[frame.target == 1]
    cancer = frame[frame.target == 0].sample(len(healthy) // 9, random_state=0)
    import pandas as pd

    table = pd.concat([healthy, cancer]).sample(frac=1, random_state=1)
    table["status"] = np.where(table.target == 0, "Cancer", "Healthy")
    path = tmp_path_factory.mktemp("imbalanced") / "cancer10.csv"
    table.drop(columns="target").to_csv(path, index=False)
    return path


def _json(done) -> dict:
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


FEATURES = ("--features", "mean texture", "mean smoothness")


@pytest.mark.slow
def test_balanced_class_weights_raise_balanced_accuracy(cli, imbalanced, tmp_path):
    """Two weak features of a 10 %-positive table: unweighted, the network mostly says
    Healthy (test balanced accuracy 0.60); balanced weights find the Cancer rows (0.76)."""
    plain = _json(cli("train", imbalanced, "--target", "status", *FEATURES, "--json"))
    model = tmp_path / "w.json"
    weighted = _json(cli("train", imbalanced, "--target", "status", *FEATURES,
                         "--class-weight", "balanced", "--save", model, "--json"))
    assert plain["class_weight"] is None
    # scikit-learn's balanced weights of the 297 training rows (class_names order)
    info = json.loads(model.read_text())
    assert info["class_names"] == ["Healthy", "Cancer"]
    counts = np.array([268, 29])
    assert weighted["n_train"] == counts.sum()
    np.testing.assert_allclose(info["class_weight"], counts.sum() / (2 * counts), rtol=1e-15)
    assert info["training"]["class_weight"] == "balanced"
    assert weighted["test"]["balanced_accuracy"] > plain["test"]["balanced_accuracy"] + 0.1
    assert weighted["test"]["sensitivity"] > plain["test"]["sensitivity"]


@pytest.mark.slow
def test_explain_shows_the_weight_as_a_factor_and_equals_predict(cli, imbalanced, tmp_path):
    model = tmp_path / "w.json"
    _json(cli("train", imbalanced, "--target", "status", *FEATURES, "--hidden", "3",
              "--class-weight", "Cancer=4", "--save", model, "--json"))
    info = json.loads(model.read_text())
    assert info["class_weight"] == [1.0, 4.0] and info["training"]["class_weight"] == "given"
    step = _json(cli("explain", "--model", model, "--data", imbalanced, "--row", "1",
                     "--json"))
    predicted = _json(cli("predict", model, "--data", imbalanced, "--json"))
    proba = predicted["predictions"][0]["probabilities"]
    np.testing.assert_allclose(step["output"], [proba["Healthy"], proba["Cancer"]], rtol=0,
                               atol=1e-12)
    w = step["sample_weight"]
    assert step["class_weight"] == [1.0, 4.0] and w == (4.0 if step["target"][1] == 1 else 1.0)
    y_hat, t = np.array(step["output"]), np.array(step["target"])
    assert step["loss"] == pytest.approx(-w * np.sum(t * np.log(y_hat)), rel=1e-12)
    np.testing.assert_allclose(step["dL_dy_hat"], -w * t / y_hat, rtol=1e-12)
    np.testing.assert_allclose(step["layers"][-1]["delta"], w * (y_hat - t), rtol=1e-12,
                               atol=1e-15)
    text = cli("explain", "--model", model, "--data", imbalanced, "--row", "1").stdout
    assert "Class weights [1, 4]" in text
    assert f"= − {w:g}·[" in text and f"{w:g}·(" in text
    report = _json(cli("evaluate", model, imbalanced, "--json"))
    assert report.get("class_weighted") is True
    assert "loss (model's, class-weighted)" in cli("evaluate", model, imbalanced).stdout


@pytest.mark.slow
def test_cv_takes_class_weights(cli, imbalanced):
    out = _json(cli("cv", imbalanced, "--target", "status", *FEATURES, "--folds", "3",
                    "--epochs", "60", "--class-weight", "balanced", "--json"))
    plain = _json(cli("cv", imbalanced, "--target", "status", *FEATURES, "--folds", "3",
                      "--epochs", "60", "--json"))
    assert out["mean"]["balanced_accuracy"] > plain["mean"]["balanced_accuracy"]


@pytest.mark.parametrize("words,message", [
    (["Cancr=3"], "the class of --class-weight must be one of the target's classes: "
                  "Healthy, Cancer. Got 'Cancr'. Did you mean 'Cancer'?"),
    (["Cancer=heavy"], "the weight of class 'Cancer' in --class-weight must be a finite "
                       "number >= 0. Got 'heavy'."),
    (["Cancer=-1"], "must be a finite number >= 0. Got '-1'."),
    (["balanced", "Cancer=3"], "--class-weight must be balanced, or CLASS=WEIGHT pairs. "
                               "Got 'balanced'."),
    (["Cancer=3", "Cancer=2"], "--class-weight must be one weight per class"),
    (["Cancer=0", "Healthy=0"], "--class-weight must be at least one weight > 0"),
])
def test_bad_class_weights_are_one_line(cli, imbalanced, words, message):
    done = cli("train", imbalanced, "--target", "status", "--epochs", "1",
               "--class-weight", *words)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_class_weights_of_a_regression_target_are_refused(cli, imbalanced):
    done = cli("train", imbalanced, "--target", "mean radius", "--epochs", "1",
               "--class-weight", "balanced")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "--class-weight must be given for a target of classes" in done.stderr


@pytest.mark.slow
def test_plot_animation_replays_the_recorded_class_weights(cli, imbalanced, tmp_path):
    pytest.importorskip("matplotlib")
    model = tmp_path / "w.json"
    trained = _json(cli("train", imbalanced, "--target", "status", *FEATURES, "--epochs",
                        "40", "--class-weight", "balanced", "--save", model, "--json"))
    out = _json(cli("plot", "animation", "--model", model, "--data", imbalanced, "--epochs",
                    "4", "--every", "2", "--output", tmp_path / "a.gif", "--json"))
    assert out["replayed"]["class_weight"] == json.loads(model.read_text())["class_weight"]
    # the replay starts at the weighted loss on every row of the file (train's was on 75 %)
    assert out["initial_loss"] == pytest.approx(trained["history"]["loss"][-1], rel=0.15)


def test_the_page_trains_and_explains_a_weighted_models_loss(imbalanced, tmp_path, cli):
    """A model file with class weights on the page: its step is `nnmath explain --model`'s
    (the weight a factor of the loss), and the page's loss is the weighted one."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from nnmath.web.app import create_app

    model = tmp_path / "w.json"
    _json(cli("train", imbalanced, "--target", "status", *FEATURES, "--hidden", "3",
              "--epochs", "20", "--class-weight", "Cancer=4", "--save", model, "--json"))
    net = Network.load(model)
    with TestClient(create_app(), base_url="http://127.0.0.1",
                    headers={"X-Requested-With": "tests"}) as client:
        url = f"/api/sessions/{client.post('/api/sessions').json()['session']}"
        assert client.post(f"{url}/csv", files={"file": (imbalanced.name,
                                                         imbalanced.read_bytes())},
                           data={"target": "status", "features": ",".join(FEATURES[1:])}
                           ).status_code == 200
        state = client.post(f"{url}/model", files={"file": ("w.json", model.read_bytes())})
        assert state.status_code == 200, state.text
        state = state.json()
        step = client.post(f"{url}/step").json()
    X = np.genfromtxt(imbalanced, delimiter=",", names=True, dtype=None, encoding="utf-8")
    inputs = np.c_[X["mean_texture"], X["mean_smoothness"]]
    T = np.eye(2)[(X["status"] == "Cancer").astype(int)]
    weighted = get_loss("cross_entropy").weighted([1.0, 4.0])
    from nnmath.inference import scaling_of

    assert state["loss"] == pytest.approx(net.loss(scaling_of(net).apply(inputs), T,
                                                   weighted), rel=1e-12)
    assert state["loss"] != pytest.approx(net.loss(scaling_of(net).apply(inputs), T,
                                                   "cross_entropy"), rel=1e-3)
    s = state["sample"]
    w = 4.0 if T[s, 1] == 1 else 1.0
    assert step["loss"] == pytest.approx(-w * np.log(step["output"][int(T[s, 1])]), rel=1e-12)
    assert "Class weights [1, 4]" in step["html"]
