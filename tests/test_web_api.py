"""``nnmath serve``'s JSON API through FastAPI's test client, and the command itself.

Oracles: the article's published numbers (network B, PSA 2.0, target 0, learning rate
0.1), and the engine called directly (``nnmath.explain``, ``Network.fit``, ``load_csv``,
``Network.load``, the CLI's ``explain --format``): the API must give the same numbers and
the same words.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import subprocess
import sys
import urllib.request
import zipfile

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from nnmath import explain  # noqa: E402
from nnmath.article import network_b  # noqa: E402
from nnmath.web.app import create_app  # noqa: E402
from nnmath.web.limits import LIMITS, LimitError  # noqa: E402
from nnmath.web.uploads import read_bounded  # noqa: E402

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

ARTICLE = {"output": 0.324962, "loss": 0.0528003, "W1": -0.0280307, "b1": -0.0140154,
           "W2": 0.0521131, "b2": 0.0712844, "W1 after": 0.502803, "W2 after": -1.00521,
           "output_after": 0.322266, "loss_after": 0.0519276}
FACTORS_W1 = [("dL/dy_hat", 0.324962), ("dy_hat/dz2", 0.219362), ("dz2/da1", -1.0),
              ("da1/dz1", 0.196612), ("dz1/dw1", 2.0)]
PSA_CSV = b"psa,status\n3.8,Cancer\n0.8,Healthy\n2.5,Healthy\n1.9,Cancer\n"


def close(value, expected) -> bool:
    return abs(value - expected) <= 5e-7 * max(1.0, abs(expected)) * 10


SCRIPT = {"X-Requested-With": "tests"}
"""What a script sends to change state (the page sends its Origin too): app.SameOrigin."""


@pytest.fixture
def client():
    with TestClient(create_app(), base_url="http://127.0.0.1", headers=SCRIPT) as c:
        yield c


@pytest.fixture
def session(client):
    """The URL of a new default session (the article's network B on PSA)."""
    response = client.post("/api/sessions")
    assert response.status_code == 201
    return f"/api/sessions/{response.json()['session']}"


def one_line_error(response, status: int, *fragments) -> str:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and "Traceback" not in detail
    for fragment in fragments:
        assert fragment in detail, detail
    return detail


# -- the article through the API ------------------------------------------------------

def test_options(client):
    out = client.get("/api/options").json()
    assert out["datasets"] == ["psa", "circle", "xor", "blobs", "spiral", "csv"]
    assert out["activations"] == ["sigmoid", "tanh", "relu", "identity", "softmax"]
    assert out["losses"] == ["ssr", "mse", "bce", "cross_entropy"]
    assert out["optimizers"] == ["sgd", "momentum", "adam"]
    assert out["limits"]["max_params"] == 10_000 and out["limits"]["max_upload_bytes"] == 5242880
    assert out["defaults"]["hidden"] == [1] and out["defaults"]["learning_rate"] == 0.1


def test_options_are_the_engines_registries_and_the_servers_limits(client):
    from nnmath import Network
    from nnmath.activations import ACTIVATIONS
    from nnmath.errors import ConfigError
    from nnmath.layers import Dense
    from nnmath.losses import LOSSES
    from nnmath.optimizers import OPTIMIZERS

    out = client.get("/api/options").json()
    assert out["activations"] == list(ACTIVATIONS)
    assert out["losses"] == list(LOSSES)
    assert out["optimizers"] == list(OPTIMIZERS)
    assert out["limits"] == LIMITS.model_dump()
    assert out["config_keys"] == list(out["defaults"])
    state = client.post("/api/sessions").json()
    assert list(state["config"]) == out["config_keys"] and state["limits"] == out["limits"]
    assert "n_classes" in out["config_keys"]
    for name in ACTIVATIONS:            # the hidden layers' choices: what Network accepts
        try:
            Network([Dense(1, 2, name), Dense(2, 2, "softmax")])
            accepted = True
        except ConfigError:
            accepted = False
        assert (name in out["hidden_activations"]) == accepted, name
    assert set(out["dataset_keys"]) == set(out["datasets"]) and out["uploaded_dataset"] == "csv"
    # the schema's choices are the registries too
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ConfigIn"]
    enum = {key: next(s for s in schema["properties"][key]["anyOf"] if s.get("type") != "null")
            for key in ("dataset", "loss", "optimizer", "activations")}
    assert enum["activations"]["items"]["enum"] == list(ACTIVATIONS)
    assert enum["loss"]["enum"] == list(LOSSES) and enum["optimizer"]["enum"] == list(OPTIMIZERS)
    assert enum["dataset"]["enum"] == out["datasets"]


def test_the_limits_shown_are_the_limits_kept(client, session):
    limits = client.get("/api/options").json()["limits"]
    edges = [({"hidden": [limits["max_neurons"]]}, {"hidden": [limits["max_neurons"] + 1]}),
             ({"hidden": [1] * limits["max_hidden_layers"]},
              {"hidden": [1] * (limits["max_hidden_layers"] + 1)}),
             ({"dataset": "blobs", "n_classes": limits["max_classes"]},
              {"dataset": "blobs", "n_classes": limits["max_classes"] + 1}),
             ({"n_samples": limits["min_samples"]}, {"n_samples": limits["min_samples"] - 1}),
             ({"n_samples": limits["max_samples"]}, {"n_samples": limits["max_samples"] + 1}),
             ({"learning_rate": limits["max_learning_rate"]},
              {"learning_rate": limits["max_learning_rate"] * 1.5}),
             ({"seed": limits["max_seed"]}, {"seed": limits["max_seed"] + 1}),
             ({"batch_size": limits["max_rows"]}, {"batch_size": limits["max_rows"] + 1})]
    for inside, outside in edges:
        assert client.put(f"{session}/config", json=inside).status_code == 200, inside
        assert client.put(f"{session}/config", json=outside).status_code == 422, outside
    client.put(f"{session}/config", json=client.get("/api/options").json()["defaults"])
    for value, status in ((limits["max_weight"], 200), (-limits["max_weight"] * 1.5, 422)):
        response = client.put(f"{session}/param", json={"name": "W1", "index": [0, 0],
                                                        "value": value})
        assert response.status_code == status, (value, response.text)


def test_a_model_files_recorded_settings_are_taken_where_valid():
    from nnmath.web.schemas import recorded_settings

    recorded = {"optimizer": "adam", "learning_rate": 0.05, "batch_size": 4, "shuffle": True,
                "seed": 7}
    assert recorded_settings({"training": recorded}) == recorded
    bad = {"optimizer": "Adam", "learning_rate": float("nan"), "batch_size": True,
           "shuffle": 1, "seed": -1}
    assert recorded_settings({"training": bad}) == {}
    assert recorded_settings({"training": {"learning_rate": 11, "batch_size": 2.0,
                                           "seed": 2**32, "loss": "bce"}}) == {}
    assert recorded_settings({"training": "sgd"}) == recorded_settings({}) == {}


def test_a_new_session_is_the_articles_network_b_on_psa(client, session):
    state = client.get(session).json()
    assert [(layer["W"], layer["b"]) for layer in state["network"]["layers"]] == \
        [([[0.5]], [0.0]), ([[-1.0]], [0.0])]
    assert state["network"]["sizes"] == [1, 1, 1] and state["network"]["n_params"] == 4
    data = state["data"]
    assert data["name"] == "psa" and data["class_names"] == ["Healthy", "Cancer"]
    assert data["task"] == "binary" and data["n_samples"] == data["n_shown"] == 14
    data |= client.get(f"{session}/data").json()        # the rows: asked for once
    assert state["sample"] == 8 and data["X"][8] == [2.0] and data["y"][8] == 0
    assert state["epoch"] == 0 and state["history"] == [{"epoch": 0, "loss": state["loss"]}]
    X, y = np.array(data["X"]), np.array(data["y"], dtype=float)[:, None]
    assert close(state["loss"], network_b().loss(X, y, loss="ssr"))
    view = state["view"]
    assert view["kind"] == "curve" and len(view["x"]) == 200 and view["outputs"] == ["P(Cancer)"]
    np.testing.assert_allclose(view["p"], network_b().forward(np.array(view["x"])[:, None]))


def test_step_gives_the_articles_numbers(client, session):
    step = client.post(f"{session}/step", json={}).json()
    assert step["x"] == [2.0] and step["target"] == [0.0] and step["loss_name"] == "ssr"
    assert close(step["output"][0], ARTICLE["output"]) and close(step["loss"], ARTICLE["loss"])
    for name in ("W1", "b1", "W2", "b2"):
        assert close(np.ravel(step["gradients"][name])[0], ARTICLE[name]), name
    assert close(step["updated"]["W1"][0][0], ARTICLE["W1 after"])
    assert close(step["updated"]["W2"][0][0], ARTICLE["W2 after"])
    assert close(step["output_after"][0], ARTICLE["output_after"])
    assert close(step["loss_after"], ARTICLE["loss_after"])
    first, second = step["layers"]
    assert close(first["z"][0], 1.0) and close(first["delta"][0], -0.0140154)
    assert close(second["W_after"][0][0], ARTICLE["W2 after"])
    assert "<math" in step["html"] and "0.324962" in step["html"]
    oracle = explain(network_b(), [2.0], [0.0], loss="ssr", learning_rate=0.1).to_dict()
    assert step["gradients"] == oracle["gradients"] and step["updated"] == oracle["updated"]


def test_update_applies_the_step_and_forward_again_gives_the_lower_loss(client, session):
    before = client.post(f"{session}/step").json()
    state = client.post(f"{session}/update", json={}).json()
    assert state["epoch"] == 0
    assert [layer["W"] for layer in state["network"]["layers"]] == \
        [before["updated"]["W1"], before["updated"]["W2"]]
    after = client.post(f"{session}/step").json()
    assert close(after["output"][0], ARTICLE["output_after"])
    assert close(after["loss"], ARTICLE["loss_after"])


def test_derivation_of_w1_has_the_articles_factors(client, session):
    d = client.get(f"{session}/derivation", params={"param": "W1", "i": 0, "j": 0}).json()
    assert d["param"] == "W1" and d["index"] == [0, 0] and d["symbol"] == "w1"
    assert close(d["value"], ARTICLE["W1"])
    assert [f["name"] for f in d["factors"]] == [name for name, _ in FACTORS_W1]
    for factor, (_, value) in zip(d["factors"], FACTORS_W1):
        assert close(factor["value"], value) and factor["meaning"]
    assert "<math" in d["html"] and "<mn>0.196612</mn>" in d["html"]
    b2 = client.get(f"{session}/derivation", params={"param": "b2", "j": 0}).json()
    assert b2["index"] == [0] and close(b2["value"], ARTICLE["b2"])


def test_derivation_of_a_wider_network_is_the_recursion(client, session):
    state = client.put(f"{session}/config", json={"dataset": "xor", "hidden": [3],
                                                  "activations": ["tanh", "sigmoid"],
                                                  "loss": "bce"}).json()
    assert state["network"]["sizes"] == [2, 3, 1]
    step = client.post(f"{session}/step").json()
    d = client.get(f"{session}/derivation", params={"param": "W1", "i": 1, "j": 2}).json()
    assert d["symbol"] == "W1[1,2]" and d["value"] == step["gradients"]["W1"][1][2]
    names = [f["name"] for f in d["factors"]]
    assert names == ["x[1]", "delta1[2]", "dL/da1[2]", "g'(z1[2])"]
    a_prev, delta, dL_da, slope = (f["value"] for f in d["factors"])
    assert a_prev == step["x"][1] and delta == step["layers"][0]["delta"][2]
    assert close(a_prev * delta, d["value"]) and close(dL_da * slope, delta)


def test_two_sessions_are_independent(client):
    one = client.post("/api/sessions").json()["session"]
    two = client.post("/api/sessions").json()["session"]
    assert one != two
    client.post(f"/api/sessions/{one}/update")
    client.put(f"/api/sessions/{one}/sample", json={"index": 0})
    other = client.get(f"/api/sessions/{two}").json()
    assert other["network"]["layers"][0]["W"] == [[0.5]] and other["sample"] == 8


# -- editing, sampling, training ------------------------------------------------------------

def test_typing_network_b_into_a_random_network(client):
    sid = client.post("/api/sessions", json={"config": {"seed": 1}}).json()["session"]
    url = f"/api/sessions/{sid}"
    assert client.get(url).json()["network"]["layers"][0]["W"] != [[0.5]]
    for name, index, value in (("W1", [0, 0], 0.5), ("b1", [0], 0.0), ("W2", [0, 0], -1.0),
                               ("b2", [0], 0.0)):
        state = client.put(f"{url}/param", json={"name": name, "index": index, "value": value})
        assert state.status_code == 200
    assert state.json()["epoch"] == 0
    assert close(client.post(f"{url}/step").json()["loss"], ARTICLE["loss"])


def test_bad_parameters(client, session):
    one_line_error(client.put(f"{session}/param", json={"name": "W3", "index": [0, 0],
                                                        "value": 1}), 404, "W1, b1, W2, b2")
    one_line_error(client.put(f"{session}/param", json={"name": "W1", "index": [1, 0],
                                                        "value": 1}), 404, "shape [1, 1]")
    one_line_error(client.put(f"{session}/param", json={"name": "b1", "index": [0, 0],
                                                        "value": 1}), 404, "b1")
    assert client.put(f"{session}/param", json={"name": "x", "index": [0],
                                                "value": 1}).status_code == 422
    assert client.put(f"{session}/param", json={"name": "W1", "index": [0, 0],
                                                "value": "big"}).status_code == 422
    one_line_error(client.get(f"{session}/derivation", params={"param": "W3"}), 404, "W3")
    one_line_error(client.get(f"{session}/derivation", params={"param": "W1", "i": 1}), 404,
                   "[1, 1]")


def test_selecting_a_sample(client, session):
    state = client.put(f"{session}/sample", json={"index": 0}).json()
    assert state["sample"] == 0
    step = client.post(f"{session}/step").json()
    assert step["x"] == [3.8] and step["target"] == [1.0]
    one_line_error(client.put(f"{session}/sample", json={"index": 14}), 400, "from 0 to 13")
    assert client.put(f"{session}/sample", json={"index": -1}).status_code == 422


def test_training_is_the_engines_and_the_loss_falls(client, session):
    state = client.post(f"{session}/train", json={"epochs": 50}).json()
    assert state["epoch"] == 50 and len(state["history"]) == 51
    losses = [point["loss"] for point in state["history"]]
    assert losses[-1] < losses[0]
    assert close(state["loss"], losses[-1])
    net = network_b()
    rows = client.get(f"{session}/data").json()
    X, y = np.array(rows["X"]), np.array(rows["y"], dtype=float)[:, None]
    history = net.fit(X, y, loss="ssr", learning_rate=0.1, epochs=50, batch_size=1)
    assert np.allclose(losses[1:], history.loss, rtol=1e-12)
    assert np.allclose(state["network"]["layers"][0]["W"], net.layers[0].W, rtol=1e-12)
    more = client.post(f"{session}/train", json={"epochs": 10}).json()
    assert more["epoch"] == 60 and more["history"][-1]["epoch"] == 60


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_many_train_requests_are_one_run_of_the_optimizer(client, session, optimizer):
    """Run on the page is a train request after another: momentum's velocity and Adam's
    moments go on from one request to the next, so 3 requests of 1 epoch give the bits of
    one 3-epoch run; an edited weight starts a fresh optimizer (as a new run would)."""
    client.put(f"{session}/config", json={"optimizer": optimizer, "learning_rate": 0.05})
    for _ in range(3):
        state = client.post(f"{session}/train", json={"epochs": 1}).json()
    rows = client.get(f"{session}/data").json()
    X, y = np.array(rows["X"]), np.array(rows["y"], dtype=float)[:, None]
    net = network_b()
    history = net.fit(X, y, loss="ssr", learning_rate=0.05, epochs=3, batch_size=1,
                      optimizer=optimizer, engine="numpy")   # the page's engine, its bits
    assert [p["loss"] for p in state["history"][1:]] == history.loss
    assert state["network"]["layers"][0]["W"] == net.layers[0].W.tolist()
    edited = client.put(f"{session}/param", json={"name": "b2", "index": [0], "value": 0.25})
    net.layers[1].b[0] = 0.25
    after = client.post(f"{session}/train", json={"epochs": 2}).json()
    fresh = net.fit(X, y, loss="ssr", learning_rate=0.05, epochs=2, batch_size=1,
                    optimizer=optimizer, engine="numpy")
    assert edited.status_code == 200
    assert [p["loss"] for p in after["history"][-2:]] == fresh.loss


def test_configurations(client, session):
    state = client.put(f"{session}/config", json={"dataset": "circle", "hidden": [4, 4],
                                                  "activations": ["tanh", "tanh", "sigmoid"],
                                                  "loss": "bce", "n_samples": 100}).json()
    assert state["network"]["sizes"] == [2, 4, 4, 1] and state["data"]["n_samples"] == 100
    view = state["view"]
    assert view["kind"] == "map" and len(view["x"]) == len(view["y"]) == 50
    assert np.array(view["p"]).shape == (50, 50) and view["classes"] == ["outside", "inside"]
    soft = client.put(f"{session}/config", json={"dataset": "blobs", "hidden": [3],
                                                 "activations": ["relu", "softmax"],
                                                 "loss": "cross_entropy"}).json()
    assert soft["network"]["sizes"] == [2, 3, 2] and soft["config"]["optimizer"] == "sgd"
    kept = client.put(f"{session}/config", json={"learning_rate": 0.5,
                                                 "optimizer": "adam"}).json()
    assert kept["network"] == soft["network"] and kept["config"]["learning_rate"] == 0.5
    trained = client.post(f"{session}/train", json={"epochs": 2}).json()
    assert trained["epoch"] == 2 and trained["network"] != soft["network"]


def test_bad_configurations_get_the_engines_words(client, session):
    one_line_error(client.put(f"{session}/config", json={"loss": "cross_entropy"}), 400,
                   "loss 'cross_entropy' must be used with a softmax output layer")
    one_line_error(client.put(f"{session}/config", json={"activations": ["sigmoid"]}), 400,
                   "activations must be one per layer")
    one_line_error(client.put(f"{session}/config", json={"hidden": [2], "activations": [
        "softmax", "softmax"]}), 400, "softmax must be used on the output layer only")
    one_line_error(client.put(f"{session}/config", json={"dataset": "csv"}), 400,
                   "Upload a CSV file")
    for body in ({"hidden": [65]}, {"learning_rate": 0}, {"dataset": "moons"}, {"lr": 1},
                 {"hidden": [1] * 7}, {"n_samples": 3}, {"noise": 2}, {"seed": -1}):
        response = client.put(f"{session}/config", json=body)
        assert response.status_code == 422, body
    assert client.get(session).json()["network"]["layers"][0]["W"] == [[0.5]]   # unchanged


def test_unknown_session(client):
    detail = one_line_error(client.get("/api/sessions/nope"), 404, "Reload the page")
    assert "nope" in detail
    one_line_error(client.post("/api/sessions/nope/step"), 404)


def test_delete(client, session):
    assert client.delete(session).status_code == 204
    one_line_error(client.get(session), 404)


# -- teaching mode ---------------------------------------------------------------------------

def test_quiz_hides_a_value_and_checks_the_answer(client, session):
    for _ in range(6):
        quiz = client.post(f"{session}/quiz", json={}).json()
        d = client.get(f"{session}/derivation", params={
            "param": quiz["param"], "i": quiz["index"][0], "j": quiz["index"][-1]}).json()
        if quiz["asks"] == "gradient":
            assert quiz["factor"] is None and quiz["question"] == f"What is dL/d{d['symbol']}?"
            expected = d["value"]
        else:
            expected = next(f["value"] for f in d["factors"] if f["name"] == quiz["factor"])
        assert "?" in quiz["html"] and "<math" in quiz["html"]
        right = client.post(f"{session}/quiz/{quiz['quiz']}",
                            json={"answer": round(expected, 4)}).json()
        assert right["correct"] and right["expected"] == expected and right["html"] == d["html"]
        wrong = client.post(f"{session}/quiz/{quiz['quiz']}", json={"answer": expected + 1})
        assert wrong.json()["correct"] is False
    one_line_error(client.post(f"{session}/quiz/nope", json={"answer": 1}), 404,
                   "Ask a new question")
    assert client.post(f"{session}/quiz/nope", json={}).status_code == 422


# -- files in and out -------------------------------------------------------------------------

def test_csv_upload(client, session):
    state = client.post(f"{session}/csv", files={"file": ("mine.csv", PSA_CSV)},
                        data={"target": "status"}).json()
    assert state["config"]["dataset"] == "csv" and state["data"]["n_samples"] == 4
    assert state["data"]["class_names"] == ["Healthy", "Cancer"] and state["epoch"] == 0
    assert client.get(f"{session}/data").json()["y"] == [1, 0, 0, 1]
    assert client.post(f"{session}/step").status_code == 200


@pytest.mark.parametrize("dataset,task,activation,loss", [
    ("diabetes", "regression", "identity", "mse"), ("wine", "multiclass", "softmax",
                                                    "cross_entropy"),
    ("breast_cancer", "binary", "sigmoid", "bce")])
def test_a_csv_of_your_own_trains_as_nnmath_train_would(client, session, tmp_path, cli,
                                                         dataset, task, activation, loss):
    """scikit-learn's bundled sets as a user's CSV files: the output layer and the loss fit
    the task (as ``nnmath train`` chooses them), the inputs are standardised, and the
    model the page gives back is one the CLI evaluates to the page's own loss."""
    sklearn = pytest.importorskip("sklearn.datasets")
    frame = getattr(sklearn, f"load_{dataset}")(as_frame=True).frame
    data = tmp_path / f"{dataset}.csv"
    frame.to_csv(data, index=False)
    state = client.post(f"{session}/csv", files={"file": (data.name, data.read_bytes())},
                        data={"target": "target"}).json()
    assert state["data"]["task"] == task and state["config"]["loss"] == loss
    assert state["config"]["activations"] == ["sigmoid", activation]
    state = client.post(f"{session}/train", json={"epochs": 3}).json()
    assert state["loss"] < state["history"][0]["loss"]
    model = tmp_path / "page.json"
    model.write_bytes(client.get(f"{session}/model").content)
    saved = json.loads(model.read_text())
    X = frame.drop(columns="target").to_numpy(dtype=float)
    assert np.allclose(saved["scaling"]["mean"], X.mean(axis=0), rtol=1e-12)
    assert saved["feature_names"] == list(frame.columns[:-1])
    result = cli("evaluate", str(model), str(data), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["loss"] == pytest.approx(state["loss"], rel=1e-9)


@pytest.mark.parametrize("content,target", [
    (PSA_CSV, "nope"), (b"a,b\n1,x\n", "b"), (b"a,b\n1,\n2,\n", "b"), (b"", "b"),
    (b"a,b\n1,inf\n2,3\n", "a"), (b"\xff\xfe\x00", "b")])
def test_bad_csv_files_get_load_csvs_words(client, session, tmp_path, content, target):
    from nnmath.datasets import load_csv
    from nnmath.errors import NnmathError

    path = tmp_path / "mine.csv"
    path.write_bytes(content)
    with pytest.raises(NnmathError) as expected:
        load_csv(path, target=target)
    response = client.post(f"{session}/csv", files={"file": ("mine.csv", content)},
                           data={"target": target})
    detail = one_line_error(response, 400)
    assert detail == " ".join(str(expected.value).replace(str(path), "mine.csv").split())
    assert "nnmath-upload" not in detail and "/tmp" not in detail
    assert client.get(session).json()["data"]["name"] == "psa"   # nothing changed


def test_csv_needs_a_target(client, session):
    assert client.post(f"{session}/csv", files={"file": ("m.csv", PSA_CSV)}).status_code == 422


def test_model_download_and_upload(client, session, tmp_path):
    from nnmath.modelfile import load

    client.post(f"{session}/update")
    response = client.get(f"{session}/model")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="model.json"'
    path = tmp_path / "model.json"
    path.write_bytes(response.content)
    net = load(path)
    assert close(net.layers[0].W[0, 0], ARTICLE["W1 after"])
    assert net.info["class_names"] == ["Healthy", "Cancer"] and net.info["loss"] == "ssr"
    other = client.post("/api/sessions").json()["session"]
    state = client.post(f"/api/sessions/{other}/model",
                        files={"file": ("model.json", response.content)}).json()
    assert close(state["network"]["layers"][0]["W"][0][0], ARTICLE["W1 after"])
    step = client.post(f"/api/sessions/{other}/step").json()
    assert close(step["output"][0], ARTICLE["output_after"])


@pytest.mark.parametrize("content", [
    b'{"format": "x"}', b"not json", b'{"format": "nnmath.network/1", "layers": []}',
    b'{"format": "nnmath.network/1", "layers": [{"activation": "sigmoid", "W": [[1]], '
    b'"b": [0, 1]}]}'])
def test_bad_model_files_get_network_loads_words(client, session, tmp_path, content):
    from nnmath import Network
    from nnmath.errors import NnmathError

    path = tmp_path / "mine.json"
    path.write_bytes(content)
    with pytest.raises(NnmathError) as expected:
        Network.load(path)
    response = client.post(f"{session}/model", files={"file": ("mine.json", content)})
    detail = one_line_error(response, 400)
    assert detail == " ".join(str(expected.value).replace(str(path), "mine.json").split())


def test_a_model_that_fits_no_data(client, session):
    model = {"format": "nnmath.network/1", "layers": [
        {"activation": "sigmoid", "W": [[1.0, 2.0, 3.0]], "b": [0.0, 0.0, 0.0]}]}
    response = client.post(f"{session}/model",
                           files={"file": ("m.json", json.dumps(model).encode())})
    one_line_error(response, 400, "outputs")


def test_a_model_with_a_stored_scaling_is_explained_as_predict_does(client, session, tmp_path):
    from nnmath.inference import outputs
    from nnmath.modelfile import load

    model = {"format": "nnmath.network/1", "scaling": {"method": "standard", "mean": [2.0],
                                                       "std": [0.5]},
             "layers": [{"activation": "sigmoid", "W": [[0.5]], "b": [0.0]},
                        {"activation": "sigmoid", "W": [[-1.0]], "b": [0.0]}]}
    path = tmp_path / "scaled.json"
    path.write_text(json.dumps(model))
    state = client.post(f"{session}/model", files={"file": ("s.json", path.read_bytes())})
    assert state.status_code == 200
    step = client.post(f"{session}/step").json()
    assert step["x"] == [2.0]     # the raw input; the network sees (2 - 2)/0.5 = 0
    expected = outputs(load(path), np.array([[2.0]]))
    assert close(step["output"][0], float(np.ravel(getattr(expected, "y_hat", expected))[0]))
    assert close(step["output"][0], 1 / (1 + np.exp(0.5)))


def test_explanation_downloads_are_the_clis(client, session):
    from nnmath.cli import main

    for fmt, name in (("html", "explanation.html"), ("markdown", "explanation.md")):
        response = client.get(f"{session}/explanation", params={"format": fmt})
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["explain", "--format", fmt]) == 0
        assert response.text == out.getvalue()
    assert client.get(f"{session}/explanation", params={"format": "pdf"}).status_code == 422


def test_report_is_a_zip_of_the_report_folder(client, session):
    response = client.get(f"{session}/report")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "report/index.html" in names and "report/report.md" in names
    assert any(n.startswith("report/figures/") for n in names)


# -- safety and limits ------------------------------------------------------------------------

def test_a_foreign_host_is_refused(client):
    for host in ("evil.example", "127.0.0.1.evil.example", "attacker.test:8000"):
        response = client.get("/api/options", headers={"host": host})
        assert response.status_code == 400, host
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert client.get("/api/options", headers={"host": host}).status_code == 200, host


def test_no_cors_permission_for_other_origins(client):
    response = client.get("/api/options", headers={"origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/sessions", headers={
        "origin": "http://evil.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_network_size_is_limited(client, session):
    one_line_error(client.put(f"{session}/config", json={
        "dataset": "circle", "hidden": [64] * 4, "activations": ["relu"] * 4 + ["sigmoid"]}),
        413, "max_params", "10,000")


def test_epochs_and_work_are_limited(client, session):
    one_line_error(client.post(f"{session}/train", json={"epochs": 501}), 413,
                   "max_epochs_per_request")
    state = client.put(f"{session}/config", json={
        "dataset": "spiral", "n_samples": 1000, "hidden": [64, 64],
        "activations": ["tanh", "tanh", "sigmoid"], "loss": "bce"}).json()
    n_params = state["network"]["n_params"]
    assert state["max_epochs_now"] == 20_000_000 // (1000 * n_params)
    one_line_error(client.post(f"{session}/train",
                               json={"epochs": state["max_epochs_now"] + 1}), 413, "max_work")
    assert client.post(f"{session}/train", json={"epochs": 0}).status_code == 422


def test_uploads_are_limited(client, session):
    big = b"a,b\n" + b"1,0\n" * (LIMITS.max_upload_bytes // 4 + 10)
    one_line_error(client.post(f"{session}/csv", files={"file": ("big.csv", big)},
                               data={"target": "b"}), 413, "max_upload_bytes")
    with pytest.raises(LimitError, match="max_upload_bytes"):
        read_bounded(io.BytesIO(b"x" * (LIMITS.max_upload_bytes + 1)))
    most = LIMITS.max_upload_bytes
    assert read_bounded(io.BytesIO(b"x" * most)) == b"x" * most


def test_a_csv_of_too_many_rows(client, session):
    rows = b"a,b\n" + b"1,0\n2,1\n" * 5001
    one_line_error(client.post(f"{session}/csv", files={"file": ("rows.csv", rows)},
                               data={"target": "b"}), 413, "max_rows")


def test_sessions_are_limited_and_the_oldest_idle_is_evicted():
    app = create_app(max_sessions=2)
    with TestClient(app, base_url="http://127.0.0.1", headers=SCRIPT) as client:
        first, second, third = (client.post("/api/sessions").json()["session"]
                                for _ in range(3))
        assert client.get(f"/api/sessions/{first}").status_code == 404
        store = app.state.store
        held = [store.get(sid).lock for sid in (second, third)]
        for lock in held:
            lock.acquire()
        try:
            one_line_error(client.post("/api/sessions"), 413, "max_sessions")
        finally:
            for lock in held:
                lock.release()
        assert client.post("/api/sessions").status_code == 201


def test_a_busy_session_answers_409(client, session):
    store = client.app.state.store
    lock = store.get(session.rsplit("/", 1)[1]).lock
    lock.acquire()
    try:
        one_line_error(client.post(f"{session}/step"), 409, "busy")
    finally:
        lock.release()
    assert client.post(f"{session}/step").status_code == 200


def test_bad_bodies_get_4xx(client, session):
    for method, path, kwargs in (
            ("post", "/api/sessions", {"content": b"{not json", "headers": {
                "content-type": "application/json"}}),
            ("post", "/api/sessions", {"json": {"config": {"hidden": "many"}}}),
            ("put", f"{session}/config", {"json": [1, 2]}),
            ("post", f"{session}/train", {"json": {"epochs": "ten"}}),
            ("post", f"{session}/train", {"json": {"epochs": 1.5}}),
            ("put", f"{session}/sample", {"json": {}}),
            ("post", f"{session}/model", {"data": {"x": "1"}})):
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code == 422, (path, kwargs, response.text)
        assert isinstance(response.json()["detail"], list)


def test_the_page_and_its_files(client):
    response = client.get("/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    schema = client.get("/openapi.json").json()
    assert "/api/sessions/{sid}/derivation" in schema["paths"]


# -- the command ----------------------------------------------------------------------------------

def start_server(*args):
    """``nnmath serve --port 0 ARGS`` in a subprocess; (process, URL) once it says its URL."""
    proc = subprocess.Popen([sys.executable, "-m", "nnmath", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()      # the server's own readiness signal
    match = re.search(r"(http://\S+/)", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, match.group(1)


def stop_server(proc) -> tuple:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_serve_prints_its_url_and_stops_with_one_line_on_ctrl_c():
    proc, url = start_server()
    try:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "api/options") as response:
            assert json.load(response)["defaults"]["dataset"] == "psa"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
    finally:
        code, out, err = stop_server(proc)
    assert code == 0 and out == "nnmath serve: stopped\n" and err == ""


def test_serve_on_every_interface_warns():
    proc, url = start_server("--host", "0.0.0.0")
    try:
        with urllib.request.urlopen(url + "api/options") as response:
            assert response.status == 200
    finally:
        code, out, err = stop_server(proc)
    assert code == 0 and err.count("\n") == 1 and "warning: --host 0.0.0.0" in err


@pytest.mark.parametrize("args,fragment", [
    (["--port", "70000"], "--port must be a port number from 0 to 65535"),
    (["--port", "many"], "invalid int value"),
    (["--model", "no-such-file.json"], "no-such-file.json"),
    (["--host", "no.such.host.invalid"], "cannot listen on")])
def test_serve_bad_arguments_are_one_line_and_exit_2(args, fragment):
    done = subprocess.run([sys.executable, "-m", "nnmath", "serve", *args], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1
    assert fragment in done.stderr and "Traceback" not in done.stderr


def test_serve_help_has_an_example():
    done = subprocess.run([sys.executable, "-m", "nnmath", "serve", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "nnmath serve --port 8765 --open" in done.stdout


def test_serve_with_a_model_starts_every_session_with_it(tmp_path):
    path = tmp_path / "m.json"
    network_b().save(path)
    model = json.loads(path.read_text())
    model["layers"][0]["W"] = [[0.25]]
    path.write_text(json.dumps(model))
    proc, url = start_server("--model", str(path))
    try:
        request = urllib.request.Request(url + "api/sessions", data=b"{}", method="POST",
                                         headers={"content-type": "application/json",
                                                  **SCRIPT})
        with urllib.request.urlopen(request) as response:
            assert json.load(response)["network"]["layers"][0]["W"] == [[0.25]]
    finally:
        assert stop_server(proc)[0] == 0


@pytest.fixture(scope="module")
def regression_model(tmp_path_factory):
    """A regression model trained by ``nnmath train`` on scikit-learn's linnerud data
    (3 inputs: neither PSA nor a toy set fits it), and its CSV file."""
    sklearn = pytest.importorskip("sklearn.datasets")
    folder = tmp_path_factory.mktemp("linnerud")
    bunch = sklearn.load_linnerud(as_frame=True)
    frame = bunch.data.join(bunch.target[["Weight"]])
    data, model = folder / "linnerud.csv", folder / "reg.json"
    frame.to_csv(data, index=False)
    trained = subprocess.run([sys.executable, "-m", "nnmath", "train", str(data), "--target",
                              "Weight", "--task", "regression", "--hidden", "4", "--epochs", "50",
                              "--save", str(model)], capture_output=True, text=True, timeout=120)
    assert trained.returncode == 0, trained.stderr
    return model, data


def test_serve_with_a_model_and_its_data_steps_as_explain_does(regression_model, cli):
    """``nnmath serve --model M --data CSV``: every session starts with the model on its
    own data; the step on a row is ``nnmath explain --data CSV --row``'s."""
    from nnmath import datasets
    from nnmath.modelfile import load

    model, data = regression_model
    net = load(model)
    rows = datasets.load_csv(data, target="Weight", task="regression")
    with TestClient(create_app(model=net, data=rows), base_url="http://127.0.0.1",
                    headers=SCRIPT) as client:
        state = client.post("/api/sessions").json()
        assert state["data"]["task"] == "regression" and state["network"]["sizes"] == [3, 4, 1]
        url = f"/api/sessions/{state['session']}"
        assert client.put(f"{url}/sample", json={"index": 4}).status_code == 200
        step = client.post(f"{url}/step").json()
    explained = cli("explain", "--model", str(model), "--data", str(data), "--row", "5",
                    "--learning-rate", str(state["config"]["learning_rate"]), "--json")
    assert explained.returncode == 0, explained.stderr
    expected = json.loads(explained.stdout)
    for key in ("x", "output", "loss", "gradients", "updated", "loss_after"):
        assert step[key] == expected[key], key
    with TestClient(create_app(data=rows), base_url="http://127.0.0.1",
                    headers=SCRIPT) as client:
        alone = client.post("/api/sessions").json()   # --data without --model: as an upload
    assert alone["config"]["dataset"] == "csv" and alone["config"]["loss"] == "mse"
    assert alone["config"]["activations"][-1] == "identity"


def test_serve_says_when_a_model_needs_its_data(regression_model, tmp_path):
    model, data = regression_model
    rows = tmp_path / "rows.csv"
    rows.write_text("x,t\n" + "1,0\n2,1\n" * 5_001)
    for args, fragment in [(["--model", str(model)], "give --data CSV"),
                           (["--data", str(data)], "--data needs --target COL"),
                           (["--data", str(rows), "--target", "t"], "at most 10,000 (max_rows")]:
        done = subprocess.run([sys.executable, "-m", "nnmath", "serve", "--port", "0", *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1
        assert fragment in done.stderr, done.stderr


def test_state_carries_the_selected_samples_activations(client, session):
    state = client.get(session).json()
    step = client.post(f"{session}/step").json()
    assert state["activations"] == [layer["a"] for layer in step["layers"]]
    assert close(state["activations"][-1][0], ARTICLE["output"])
    after = client.post(f"{session}/update").json()
    assert close(after["activations"][-1][0], ARTICLE["output_after"])


@pytest.mark.parametrize("hide,value", [("da1/dz1", "0.196612"), ("gradient", "-0.0280307"),
                                        ("dy_hat/dz2", "0.219362")])
def test_a_hidden_value_appears_nowhere_in_the_question(hide, value):
    from nnmath.render.derivation import derivation, derivation_html

    trace = explain(network_b(), [2.0], [0.0])
    full = derivation_html(derivation(trace, "W1", (0, 0)))
    asked = derivation_html(derivation(trace, "W1", (0, 0), hide=hide))
    assert value in full and value not in asked and "<mi>?</mi>" in asked


def test_derivation_refuses_what_it_cannot_derive():
    from nnmath.errors import ConfigError
    from nnmath.render.derivation import derivation

    trace = explain(network_b(), [2.0], [0.0])
    with pytest.raises(ConfigError, match="the value to hide must be 'gradient' or a factor"):
        derivation(trace, "W1", (0, 0), hide="dz9/dw9")
    with pytest.raises(ConfigError, match="the index of W1 must be 2 number"):
        derivation(trace, "W1", (0,))
    with pytest.raises(ConfigError, match="of one sample"):
        derivation(explain(network_b(), [[2.0], [1.0]], [[0.0], [1.0]]), "W1", (0, 0))


def test_three_blobs_and_a_softmax_map(client, session):
    state = client.put(f"{session}/config", json={
        "dataset": "blobs", "n_classes": 3, "hidden": [4], "activations": ["tanh", "softmax"],
        "loss": "cross_entropy"}).json()
    assert state["network"]["sizes"] == [2, 4, 3] and len(state["data"]["class_names"]) == 3
    assert state["data"]["task"] == "multiclass"
    assert set(client.get(f"{session}/data").json()["y"]) == {0, 1, 2}
    view = state["view"]
    assert view["kind"] == "map" and view["value"] == "the predicted class (index)"
    assert set(np.ravel(view["p"])) <= {0, 1, 2}
    assert client.post(f"{session}/train", json={"epochs": 3}).status_code == 200
    assert client.put(f"{session}/config", json={"n_classes": 7}).status_code == 422
