"""The API behind the page's guided tour, loss landscape, SSR beside BCE, neuron pictures,
held-out rows, L2, the derivation of the step just taken, and the sessions' memory budget.

Oracles: the engine called directly (``run_article``, ``nnmath.explain``, ``Network.loss``,
``Network.fit``, ``nnmath.training.train``, ``forward_pass``), the article's published
numbers, and an independent count of the bytes the server's sessions hold (the arrays
reachable through ``gc.get_referents``, not the server's own accounting).
"""

from __future__ import annotations

import gc
import io

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from nnmath import datasets, explain  # noqa: E402
from nnmath.article import network_b, run_article  # noqa: E402
from nnmath.backprop import forward_pass  # noqa: E402
from nnmath.datasets.split import split_indices  # noqa: E402
from nnmath.network import Network  # noqa: E402
from nnmath.regularization import l2_penalty  # noqa: E402
from nnmath.training import train  # noqa: E402
from nnmath.web.app import create_app  # noqa: E402
from nnmath.web.limits import LIMITS  # noqa: E402

from oracles.bounds import forward_bound  # noqa: E402

# not in make test-fast: network A trains, grids of losses, two runs per comparison
pytestmark = pytest.mark.slow

PSA = datasets.psa()
T_PSA = PSA.targets(1)
SCRIPT = {"X-Requested-With": "tests"}   # the proof a script gives (same-origin rule)


@pytest.fixture
def client():
    with TestClient(create_app(), base_url="http://127.0.0.1", headers=SCRIPT) as c:
        yield c


@pytest.fixture
def session(client):
    return f"/api/sessions/{client.post('/api/sessions').json()['session']}"


# -- the tour ---------------------------------------------------------------------------

def test_the_tour_is_the_engines_article(client):
    tour = client.get("/api/tour").json()
    run = run_article(epochs_b=1)
    a = tour["network_a"]
    assert a["p"] == run.a_probabilities.tolist() and a["predicted"] == "Healthy"
    assert a["W1"] == run.a.params()["W1"].tolist() and a["epochs"] == run.a_history.epochs
    # what the article prints, close to the engine's numbers (it rounds its own run's)
    said = tour["article"]
    assert said["p_cancer"] == "43 %" and said["p_healthy"] == "57 %"
    assert abs(100 * a["p"][1] - 43) < 1 and abs(100 * a["p"][0] - 57) < 1
    trace = explain(network_b(), [2.0], [0.0], loss="ssr", learning_rate=0.1)
    step = tour["step"]
    assert step["y_hat"] == float(trace.y_hat[0, 0]) and step["loss"] == trace.loss
    assert step["output_after"] == float(trace.y_hat_after[0, 0])
    assert step["loss_after"] == trace.loss_after
    for key, tol in (("output", 2e-4), ("loss", 5e-5), ("output_after", 5e-4),
                     ("loss_after", 5e-5)):
        engine = step["y_hat" if key == "output" else key]
        assert abs(engine - float(said[key])) < tol, (key, engine, said[key])
    assert (round(step["y_hat"], 6), round(step["loss"], 7)) == (0.324962, 0.0528003)
    assert (round(step["output_after"], 6), round(step["loss_after"], 7)) == (0.322266,
                                                                              0.0519276)
    # the six factors of the article's table, in its order, with the engine's values
    names = [f["name"] for f in tour["factors"]]
    assert names == ["dL/dy_hat", "dy_hat/dz2", "dz2/dw2", "dz2/da1", "da1/dz1", "dz1/dw1"]
    values = {f.name: f.value for c in trace.chains.values() for f in c.factors}
    assert [f["value"] for f in tour["factors"]] == [values[n] for n in names]
    assert [round(f["value"], 6) for f in tour["factors"]] == [0.324962, 0.219362, 0.731059,
                                                              -1.0, 0.196612, 2.0]
    assert {c["param"]: c["gradient"] for c in tour["chains"]} == \
        {name: float(g.ravel()[0]) for name, g in trace.gradients.items()}
    assert step["updated"] == {k: float(v.ravel()[0]) for k, v in trace.updated.items()}
    # the neuron of section 1: network B's hidden neuron along x
    n = tour["neuron"]
    layer = network_b().layers[0]
    fwd = layer.forward(np.array(n["x"])[:, None])
    assert n["a"] == fwd.a[:, 0].tolist() and n["x"][n["start"]] == 2.0
    # the rows are numbered from 1, as nnmath explain --row numbers them
    rows = tour["data"]["rows"]
    assert [r["row"] for r in rows] == list(range(1, 15)) and tour["data"]["test_row"] == 9
    assert rows[8]["x"] == 2.0 and rows[8]["class"] == "Healthy"
    cost = tour["cost"]
    assert cost["mean"] == pytest.approx(run.a.loss(PSA.X, PSA.targets(2), "ssr"), rel=1e-12)
    assert cost["after"] == run.a_cost_ssr[1]


# -- the loss landscape -------------------------------------------------------------------

def test_the_landscape_is_network_loss_on_its_grid(client, session):
    land = client.get(f"{session}/landscape").json()
    assert (land["x"]["key"], land["y"]["key"]) == ("W1-0-0", "W2-0-0")
    assert (land["x"]["symbol"], land["y"]["symbol"]) == ("w1", "w2")
    engine = network_b().loss(PSA.X, T_PSA, "ssr")
    assert abs(land["current_loss"] - engine) <= 1e-12
    m = land["side"] // 2                    # the default grid is centred on the point
    assert land["x"]["values"][m] == 0.5 and land["y"]["values"][m] == -1.0
    assert abs(land["loss"][m][m] - engine) <= 1e-12
    assert [h["symbol"] for h in land["held"]] == ["b1", "b2"] and land["n_held"] == 2
    rng = np.random.default_rng(0)
    for r, c in rng.integers(0, land["side"], size=(12, 2)):
        net = network_b().set_params({"W1": [[land["x"]["values"][c]]],
                                      "W2": [[land["y"]["values"][r]]]})
        assert abs(land["loss"][r][c] - net.loss(PSA.X, T_PSA, "ssr")) <= 1e-12, (r, c)


def test_the_landscape_of_held_out_rows_and_l2(client, session):
    config = {"dataset": "circle", "hidden": [3], "n_samples": 60, "test_share": 0.25,
              "alpha": 0.5, "seed": 3}
    state = client.put(f"{session}/config", json=config).json()
    data = datasets.circle(n_samples=60, noise=0.1, seed=3)
    train_rows, test_rows = split_indices(data.y, test_size=0.25, seed=3)
    assert state["test_rows"] == test_rows.tolist()
    params = {f"{k}": np.array(v) for k, v in (
        (f"W{i + 1}", layer["W"]) for i, layer in enumerate(state["network"]["layers"]))}
    params |= {f"b{i + 1}": np.array(layer["b"])
               for i, layer in enumerate(state["network"]["layers"])}
    land = client.get(f"{session}/landscape", params={
        "x": "W1-1-2", "y": "b2-0", "side": 7, "x_lo": -2, "x_hi": 2, "y_lo": -1,
        "y_hi": 3}).json()
    assert land["side"] == 7 and land["rows"] == len(train_rows)
    X, T = data.X[train_rows], data.targets(1)[train_rows]
    for r in range(7):
        for c in (0, 3, 6):
            net = Network.random([2, 3, 1], seed=0)
            net.set_params({**params})
            p = net.params()
            p["W1"][1, 2], p["b2"][0] = land["x"]["values"][c], land["y"]["values"][r]
            expected = net.loss(X, T, "ssr") + l2_penalty(p, 0.5, len(X))
            assert abs(land["loss"][r][c] - expected) <= 1e-12
    assert land["x"]["values"][0] == -2 and land["x"]["values"][-1] == 2


def test_the_landscape_keeps_its_limits(client, session):
    assert client.get(f"{session}/landscape",
                      params={"side": LIMITS.max_landscape_side + 1}).status_code == 422
    assert client.get(f"{session}/landscape", params={"x": "W1-0-0", "y": "W1-0-0"}
                      ).status_code == 400
    assert client.get(f"{session}/landscape", params={"x": "W9-0-0", "y": "W1-0-0"}
                      ).status_code == 404
    assert client.get(f"{session}/landscape", params={"x_lo": 1}).status_code == 400
    assert client.get(f"{session}/landscape", params={"x_lo": "nan", "x_hi": 1}
                      ).status_code == 422
    state = client.put(f"{session}/config", json={"dataset": "spiral", "n_samples": 1000,
                                                  "hidden": [40]}).json()
    land = client.get(f"{session}/landscape", params={"side": 41}).json()
    rows_params = 1000 * state["network"]["n_params"]
    assert land["side"] == int(np.sqrt(LIMITS.max_landscape_work // rows_params)) < 41
    assert "max_landscape_work" in land["coarser"]
    client.put(f"{session}/config", json={"hidden": [64, 64]})
    response = client.get(f"{session}/landscape")
    assert response.status_code == 413 and "max_landscape_work" in response.json()["detail"]


def test_descent_paths_are_trainings_and_say_overshoot_and_crawl(client, session):
    before = client.get(session).json()
    out = client.post(f"{session}/paths", json={"learning_rates": [0.01, 0.1, 10],
                                                "epochs": 30}).json()
    assert out["start"] == {"epoch": 0, "x": 0.5, "y": -1.0,
                            "loss": network_b().loss(PSA.X, T_PSA, "ssr")}
    for path, rate in zip(out["paths"], (0.01, 0.1, 10)):
        net = network_b()
        points = []
        net.fit(PSA.X, T_PSA, loss="ssr", learning_rate=rate, epochs=30, batch_size=1,
                engine="numpy",   # the page's engine: the readable engine's bits
                callbacks=lambda epoch, h: points.append(
                    (epoch, net.params()["W1"][0, 0], net.params()["W2"][0, 0], h.loss[-1])))
        assert [(p["epoch"], p["x"], p["y"], p["loss"]) for p in path["points"]] == points
    crawl, steady, jump = (p["words"] for p in out["paths"])
    assert "crawls" in crawl and "steadily" in steady and "overshoot" in jump
    assert out["paths"][2]["rises"] > 0 and out["paths"][0]["rises"] == 0
    assert client.get(session).json()["network"] == before["network"]   # unchanged
    limits = client.post(f"{session}/paths", json={
        "learning_rates": [0.1] * (LIMITS.max_paths + 1)})
    assert limits.status_code == 422


# -- SSR beside BCE ---------------------------------------------------------------------

def test_ssr_beside_bce_is_explains_deltas_and_fits_runs(client, session):
    out = client.post(f"{session}/compare", json={"epochs": 20}).json()
    assert out["losses"] == ["ssr", "bce"]
    selected = out["selected"]
    assert (selected["row"], selected["row_number"]) == (8, 9)
    for d in selected["deltas"]:
        trace = explain(network_b(), [2.0], [0.0], loss=d["loss"], learning_rate=0.1)
        assert d["delta"] == float(trace.layers[-1].delta[0, 0])
        assert d["y_hat"] == float(trace.y_hat[0, 0])
    ssr, bce = selected["deltas"]
    y_hat = ssr["y_hat"]
    assert ssr["delta"] == pytest.approx((y_hat - 0) * y_hat * (1 - y_hat), rel=1e-15)
    assert bce["delta"] == pytest.approx(y_hat - 0, rel=1e-15)
    assert (round(ssr["delta"], 7), round(bce["delta"], 6)) == (0.0712844, 0.324962)
    # the worst row: the one furthest from its target at the start
    y_all = network_b().forward(PSA.X)[:, 0]
    worst = int(np.argmax(np.abs(y_all - PSA.y)))
    assert out["worst"]["row"] == worst
    for d in out["worst"]["deltas"]:
        trace = explain(network_b(), PSA.X[worst], T_PSA[worst], loss=d["loss"])
        assert d["delta"] == float(trace.layers[-1].delta[0, 0])
    # both runs: Network.fit from the same start
    for run in out["runs"]:
        net = network_b()
        history = net.fit(PSA.X, T_PSA, loss=run["loss"], learning_rate=0.1, epochs=20,
                          batch_size=1, engine="numpy")   # the page's engine
        assert [p["loss"] for p in run["history"]] == [history.initial_loss, *history.loss]
    words = " ".join(out["sentences"])
    assert "0.0712844" in words and "0.324962" in words
    assert f"{bce['delta'] / ssr['delta']:.3g} times" in words
    assert "row 9 (psa = 2, t = 0)" in words


def test_ssr_beside_bce_needs_one_output_with_its_own_loss(client, session):
    client.put(f"{session}/config", json={"dataset": "blobs", "n_classes": 3,
                                          "activations": ["sigmoid", "softmax"],
                                          "loss": "cross_entropy"})
    response = client.post(f"{session}/compare", json={})
    assert response.status_code == 400
    assert "one output neuron" in response.json()["detail"]
    assert client.post(f"{session}/compare", json={
        "epochs": LIMITS.max_epochs_per_request + 1}).status_code == 422


# -- what each neuron sees ---------------------------------------------------------------

def test_each_neurons_curve_is_the_forward_record(client, session):
    out = client.get(f"{session}/neurons").json()
    assert out["kind"] == "curve" and [n["name"] for n in out["neurons"]] == ["a1", "ŷ"]
    assert out["neurons"][0]["formula"] == "a1 = sigmoid(0.5·psa + 0)"
    assert out["neurons"][1]["formula"] == "ŷ = sigmoid(−1·a1 + 0)"
    X = np.array(out["x"])[:, None]
    net = network_b()
    for k, neuron in enumerate(out["neurons"]):
        record = forward_pass(net.layers, X)[k].a[:, 0]
        bound = 2 * forward_bound(net.layers[:k + 1], X)[:, 0]
        assert np.all(np.abs(np.array(neuron["values"]) - record) <= bound)


def test_each_neurons_map_is_the_forward_record(client, session):
    state = client.put(f"{session}/config", json={"dataset": "circle", "hidden": [3, 2],
                                                  "seed": 4}).json()
    out = client.get(f"{session}/neurons").json()
    assert out["kind"] == "map" and len(out["neurons"]) == 3 + 2 + 1
    net = Network.random([2, 3, 2, 1], seed=0)
    net.set_params({f"{p}{i + 1}": layer[p] for i, layer in enumerate(state["network"]["layers"])
                    for p in ("W", "b")})
    xx, yy = np.meshgrid(out["x"], out["y"])
    X = np.c_[xx.ravel(), yy.ravel()]
    forwards = forward_pass(net.layers, X)
    side = len(out["x"])
    for neuron in out["neurons"]:
        ell, j = neuron["layer"], neuron["index"]
        record = forwards[ell - 1].a[:, j].reshape(side, side)
        bound = 2 * forward_bound(net.layers[:ell], X)[:, j].reshape(side, side)
        assert np.all(np.abs(np.array(neuron["values"]) - record) <= bound), neuron["name"]
        W, b = net.layers[ell - 1].W, net.layers[ell - 1].b
        signs = [" − " if w < 0 else " + " for w in W[1:, j]]
        terms = "".join(f"{sign}{abs(w):.6g}·" for sign, w in zip(signs, W[1:, j]))
        assert f"{W[0, j]:.6g}".replace("-", "−") in neuron["formula"]
        assert all(t in neuron["formula"] for t in terms.split("·") if t)
        assert neuron["formula"].endswith(f"{' − ' if b[j] < 0 else ' + '}{abs(b[j]):.6g})")


def test_neuron_pictures_are_bounded(client, session):
    client.put(f"{session}/config", json={"dataset": "circle", "hidden": [64, 64]})
    response = client.get(f"{session}/neurons")
    assert response.status_code == 413 and "max_neuron_views" in response.json()["detail"]
    one = client.get(f"{session}/neurons", params={"layer": 2}).json()
    assert [n["layer"] for n in one["neurons"]] == [2] * 64
    assert client.get(f"{session}/neurons", params={"layer": 4}).status_code == 404


# -- held-out rows and L2 ------------------------------------------------------------------

def test_held_out_rows_and_l2_train_as_train_does(client, session):
    state = client.put(f"{session}/config", json={"test_share": 0.25, "alpha": 0.1}).json()
    train_rows, test_rows = split_indices(PSA.y, test_size=0.25, seed=0)
    assert state["test_rows"] == test_rows.tolist() and state["epoch"] == 0
    net = network_b()
    X, T = PSA.X[train_rows], T_PSA[train_rows]
    expected0 = net.loss(X, T, "ssr") + l2_penalty(net.params(), 0.1, len(X))
    assert state["history"] == [{"epoch": 0, "loss": expected0}]
    assert state["test_history"] == [{"epoch": 0, "loss": net.loss(PSA.X[test_rows],
                                                                   T_PSA[test_rows], "ssr")}]
    state = client.post(f"{session}/train", json={"epochs": 5}).json()
    history = train(net, X, T, loss="ssr", learning_rate=0.1, epochs=5, batch_size=1,
                    seed=0, alpha=0.1, engine="numpy", validation_data=(PSA.X[test_rows], T_PSA[test_rows]))
    assert [p["loss"] for p in state["history"][1:]] == history.loss
    assert [p["loss"] for p in state["test_history"][1:]] == history.val_loss
    assert state["test_loss"] == history.val_loss[-1]
    assert state["config"]["test_share"] == 0.25 and state["config"]["alpha"] == 0.1
    back = client.put(f"{session}/config", json={"test_share": 0}).json()
    assert back["test_rows"] == [] and back["test_history"] == [] and back["epoch"] == 0
    assert client.put(f"{session}/config", json={
        "test_share": LIMITS.max_test_share + 0.1}).status_code == 422


# -- the derivation says where it stands ------------------------------------------------------

def test_the_derivation_of_the_step_just_taken_and_at_the_current_weights(client, session):
    query = {"param": "W1", "i": 0, "j": 0}
    none = client.get(f"{session}/derivation", params={**query, "at": "step"})
    assert none.status_code == 404 and "Update" in none.json()["detail"]
    assert client.get(session).json()["stepped"] is False
    state = client.post(f"{session}/update").json()
    assert state["stepped"] is True
    step = client.get(f"{session}/derivation", params={**query, "at": "step"}).json()
    now = client.get(f"{session}/derivation", params=query).json()
    assert round(step["value"], 7) == -0.0280307          # the step the update used
    after = network_b().set_params(explain(network_b(), [2.0], [0.0]).updated)
    assert now["value"] == float(explain(after, [2.0], [0.0]).gradients["W1"][0, 0])
    assert round(now["value"], 7) == -0.0277315
    client.post(f"{session}/train", json={"epochs": 1})
    assert client.get(f"{session}/derivation", params={**query, "at": "step"}
                      ).status_code == 404


# -- memory: a total budget across sessions ----------------------------------------------------

def _arrays_held(sessions) -> int:
    """The bytes of the NumPy arrays reachable from ``sessions`` through the garbage
    collector's referents (a second count, not the server's): each buffer once."""
    owners: dict[int, int] = {}
    seen: set[int] = set()
    stack = list(sessions)
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (type, str, bytes, int, float)):
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            while isinstance(item.base, np.ndarray):
                item = item.base
            owners[id(item)] = item.nbytes
            continue
        module = type(item).__module__ or ""
        if isinstance(item, (dict, list, tuple, set, frozenset)) or module.startswith("nnmath"):
            stack.extend(gc.get_referents(item))
    return sum(owners.values())


def _csv(rows: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 8))
    lines = ["a,b,c,d,e,f,g,h,target"] + [",".join(f"{v:.6f}" for v in x) + f",{int(x[0] > 0)}"
                                          for x in X]
    return ("\n".join(lines) + "\n").encode()


def test_two_hundred_sessions_stay_under_the_memory_budget():
    budget = 6 * 1024 * 1024
    app = create_app(max_sessions=1000, max_total_bytes=budget)
    store = app.state.store
    with TestClient(app, base_url="http://127.0.0.1", headers=SCRIPT) as client:
        sids = []
        for k in range(200):
            sid = client.post("/api/sessions").json()["session"]
            sids.append(sid)
            response = client.post(f"/api/sessions/{sid}/csv", data={"target": "target"},
                                   files={"file": ("own.csv", io.BytesIO(_csv(2000, k)),
                                                   "text/csv")})
            assert response.status_code == 200, response.text
            if k % 20 == 19:
                client.get(f"/api/sessions/{sids[0]}")      # the first one, kept in use
            held = _arrays_held(store._sessions.values())
            assert held <= budget, (k, held)
            assert store.total_bytes <= budget
        assert 0 < len(store) < 200
        one = _arrays_held([store._sessions[sids[-1]]])
        assert one > 100_000                                # each session holds its data
        assert len(store) >= budget // one - 1              # and the budget is used
        assert sids[0] in store._sessions                   # used recently: kept
        ended = client.get(f"/api/sessions/{sids[1]}")
        assert ended.status_code == 404
        detail = ended.json()["detail"]
        assert "this tab's session was ended" in detail and "max_total_bytes" in detail
        assert "Reload the page" in detail and "idle the longest" in detail


def test_an_evicted_session_is_told_why():
    app = create_app(max_sessions=2)
    with TestClient(app, base_url="http://127.0.0.1", headers=SCRIPT) as client:
        first = client.post("/api/sessions").json()["session"]
        client.post("/api/sessions")
        client.post("/api/sessions")
        detail = client.get(f"/api/sessions/{first}").json()["detail"]
        assert "this tab's session was ended" in detail and "max_sessions" in detail


def test_an_overshooting_rate_that_ends_lowest_is_said_to():
    """The words of the descent paths follow their numbers: a rate whose loss rose on the
    way but ended lowest of all is said to overshoot *and* to have ended lowest (the
    article's "too large overshoots" is not "ends worse"); the others are left as they are."""
    from nnmath.web.landscape import _describe

    def path(rate, losses):
        return {"learning_rate": rate, "stopped": None,
                "points": [{"loss": v} for v in losses]}

    paths = [path(0.01, [0.45, 0.449]), path(0.1, [0.40, 0.30]), path(10, [0.2, 0.35, 0.1])]
    _describe(paths, first=0.46)
    crawl, steady, jumpy = (p["words"] for p in paths)
    assert "crawls" in crawl and "ended lower" not in crawl
    assert "steadily" in steady and "ended lower" not in steady
    assert "overshoot" in jumpy and "went up in 1 of 3" in jumpy
    assert "ended lower than every other rate" in jumpy
    paths = [path(0.1, [0.40, 0.05]), path(10, [0.2, 0.35, 0.1])]
    _describe(paths, first=0.46)
    assert "ended lower" not in paths[1]["words"]


def test_the_tours_forward_again_carries_the_hidden_activation_after_the_update():
    """Section 6's last part draws network B after its step with every value: a1 after the
    update is the engine's forward pass of the updated weights (sigmoid(0.502803 · 2 +
    0.00140154) = 0.732369...), and ŷ after is the trace's."""
    from nnmath.web.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        step = client.get("/api/tour").json()["step"]
    after = network_b()
    after.set_params({k: np.atleast_2d(v) if k.startswith("W") else np.atleast_1d(v)
                      for k, v in step["updated"].items()})
    layers = forward_pass(after.layers, np.array([[2.0]]))
    assert step["a1_after"] == float(layers[0].a[0, 0])
    assert step["output_after"] == float(layers[1].a[0, 0])
    w1, b1 = step["updated"]["W1"], step["updated"]["b1"]
    assert abs(step["a1_after"] - 1 / (1 + np.exp(-(w1 * 2 + b1)))) < 1e-15
