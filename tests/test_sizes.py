"""Every size a user gives has a named limit, checked before the work it bounds, and deep
inputs cost work linear in their depth (issue 10: "Nothing lost, nothing endless").

Sizes here are compared, never times: the output of a step grows linearly with the
depth of the network, the memory of a refused size stays small, an endless training
run keeps a bounded History. benchmarks/scaling.py measures the times.
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

import nnmath
import nnmath.history
from nnmath import Dense, Network
from nnmath.cli import main
from nnmath.errors import ConfigError, ModelFileError
from nnmath.layers import MAX_PARAMS
from nnmath.network import MAX_LAYERS
from nnmath.plots.animation import MAX_FRAMES, animate_training, count_frames
from nnmath.summary import MAX_TABLE_LAYERS
from nnmath.trace import MAX_CHAIN_LAYERS

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow


def deep(n_layers, seed=0) -> Network:
    """The article's network B, ``n_layers`` deep: one sigmoid neuron per layer."""
    w = np.random.default_rng(seed).uniform(0.5, 1.5, n_layers)
    return Network([Dense(W=[[v]], b=[0.0], activation="sigmoid") for v in w])


def peak_bytes(fn) -> int:
    """The peak of Python's allocations while ``fn()`` runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- one limit on parameters, one on layers: checked from the sizes, before any array ---

HUGE = {
    "Dense(10**6, 10**6)": lambda: Dense(10**6, 10**6),
    "Network.random([1, 100000, 100000, 1])": lambda: Network.random([1, 100_000, 100_000, 1]),
    "Network.random([1, 10**9, 1])": lambda: Network.random([1, 10**9, 1]),
    "MAX_LAYERS + 1 layers": lambda: Network.random([1] * (MAX_LAYERS + 2)),
}


@pytest.mark.parametrize("name", HUGE)
def test_huge_sizes_are_refused_before_any_array_is_made(name):
    def refused():
        with pytest.raises(ConfigError, match=r"must be at most .* \((MAX_PARAMS|MAX_LAYERS)"):
            HUGE[name]()

    # The largest thing made is the list of 100 002 sizes (0.8 MB), never the weights.
    assert peak_bytes(refused) < 4_000_000


def test_the_limit_is_exact():
    n = MAX_PARAMS // 2                       # 1 input, n outputs: n weights, n biases
    assert Network.random([1, n], seed=0).n_params() == MAX_PARAMS
    with pytest.raises(ConfigError, match=r"Got '2,000,002 for sizes 1 1000001'"):
        Network.random([1, n + 1])
    with pytest.raises(ConfigError, match=r"Got '2,000,002 for a layer with W of shape"):
        Dense(W=np.zeros((1, n + 1)))
    h = 666_667                               # given arrays, each within: their total counts
    with pytest.raises(ConfigError, match=r"Got '2,000,002 for the layers given'"):
        Network([Dense(W=np.zeros((1, h))), Dense(W=np.zeros((h, 1)))])


def test_every_command_uses_the_one_limit(tmp_path, capsys):
    """nnmath new and nnmath train --hidden say the same limit, before any work."""
    assert main(["new", "1", "666667", "1", "-o", str(tmp_path / "m.json")]) == 2
    new_error = capsys.readouterr().err
    # The CSV file does not exist: --hidden is refused before it is looked for.
    assert main(["train", str(tmp_path / "missing.csv"), "--target", "t", "--hidden",
                 "666667"]) == 2
    train_error = capsys.readouterr().err
    limit = f"must be at most {MAX_PARAMS:,} (MAX_PARAMS, the limit of every network)"
    assert limit in new_error and limit in train_error
    assert "2,000,002 for sizes 1 666667 1" in new_error
    assert "2,000,002 for --hidden 666667 (with one input and one output)" in train_error
    assert not (tmp_path / "m.json").exists()


def test_a_model_file_beyond_the_limits_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    layers = ",".join(['{"activation": "relu", "W": [[0]], "b": [0]}'] * (MAX_LAYERS + 1_001))
    path = tmp_path / "deep.json"
    path.write_text('{"format": "nnmath.network/1", "layers": [' + layers + "]}")

    def no_parsing(*args, **kwargs):
        raise AssertionError("json.loads was called")

    monkeypatch.setattr(nnmath.modelfile.json, "loads", no_parsing)
    with pytest.raises(ModelFileError, match=r"at most 100,000 layers \(MAX_LAYERS\)\. "
                                             r"Got '101,002 JSON objects"):
        Network.load(path)


def test_a_model_file_within_the_limits_loads_the_same(tmp_path):
    net = deep(300, seed=1)
    net.save(tmp_path / "m.json")
    back = Network.load(tmp_path / "m.json")
    for name, p in net.params().items():
        np.testing.assert_array_equal(back.params()[name], p)
    assert back.forward([[0.3]]).item() == net.forward([[0.3]]).item()


# -- explain: linear in the depth ----------------------------------------------------------

def test_chains_up_to_max_chain_layers_then_the_delta_recursion():
    assert MAX_CHAIN_LAYERS == 10
    at_limit = nnmath.explain(deep(MAX_CHAIN_LAYERS), [1.0], [0.0])
    assert list(at_limit.chains) == [f"{k}{ell}" for ell in range(1, 11) for k in "Wb"]
    assert at_limit.chains_omitted is None
    assert len(at_limit.chains["W1"].factors) == 2 + 2 * 9 + 1
    net = deep(MAX_CHAIN_LAYERS + 1)
    beyond = nnmath.explain(net, [1.0], [0.0])
    assert beyond.chains == {}
    assert "up to 10 layers (MAX_CHAIN_LAYERS); this one has 11" in beyond.chains_omitted
    _, grads = net.gradients([[1.0]], [[0.0]])
    for name, g in grads.items():                      # every gradient still there
        np.testing.assert_array_equal(beyond.gradients[name], g)
    data = beyond.to_dict()
    assert data["chains"] == {} and data["chains_omitted"] == beyond.chains_omitted
    assert at_limit.to_dict()["chains_omitted"] is None


def test_the_explanation_says_why_the_chains_are_left_out(tmp_path, capsys):
    deep(12).save(tmp_path / "m.json")
    assert main(["explain", "--model", str(tmp_path / "m.json"), "--x", "1", "--y", "0"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "up to 10 layers (MAX_CHAIN_LAYERS); this one has 12" in text
    assert "layers 1–12: 1 sigmoid neuron each" in text
    assert "δ11 = (δ12·w12)·g'(z11)" in text           # the article's scalar names


@pytest.mark.parametrize("fmt", ["json", "text", "html", "markdown"])
@pytest.mark.parametrize("depth", [20, 150])            # entry by entry; summarised per layer
def test_explain_output_grows_linearly_with_depth(tmp_path, capsys, fmt, depth):
    sizes = []
    for n in (depth, 2 * depth):
        deep(n).save(tmp_path / f"m{n}.json")
        out = tmp_path / f"out{n}"
        assert main(["explain", "--model", str(tmp_path / f"m{n}.json"), "--x", "1", "--y", "0",
                     "--format", fmt, "--output", str(out)]) == 0
        sizes.append(out.stat().st_size)
    capsys.readouterr()
    # Twice the layers, about twice the output (a little more: longer layer numbers).
    # Chains of every parameter would give 2.8 to 4 times (the base of issue 10).
    assert sizes[1] / sizes[0] < 2.15, sizes


# -- summary: a terminal table shows at most MAX_TABLE_LAYERS layers -----------------------

def test_summary_table_is_capped_and_json_has_every_layer(tmp_path, capsys):
    deep(1000).save(tmp_path / "m.json")
    assert main(["summary", str(tmp_path / "m.json")]) == 0
    table = capsys.readouterr().out
    assert MAX_TABLE_LAYERS == 50
    assert "… 950 more layers" in " ".join(table.split())
    shown = [line.split()[0] for line in table.splitlines() if line.split()[:1] and
             line.split()[0].startswith("dense_")]
    assert shown == [f"dense_{ell}" for ell in [*range(1, 41), *range(991, 1001)]]
    assert "total params: 2,000" in table
    assert main(["summary", str(tmp_path / "m.json"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [layer["name"] for layer in data["layers"]] == [f"dense_{ell}" for ell in range(1, 1001)]
    plain = str(Network.load(tmp_path / "m.json").summary()).splitlines()
    assert len(plain) == 1 + MAX_TABLE_LAYERS + 1 + 1 and "… 950 more layers" in plain[41]


# -- plot animation: at most MAX_FRAMES, checked before training ---------------------------

def test_animation_frames_are_checked_before_training(tmp_path, monkeypatch):
    net = deep(2)
    before = {k: v.copy() for k, v in net.params().items()}

    def no_training(*args, **kwargs):
        raise AssertionError("training ran")

    monkeypatch.setattr(Network, "fit", no_training)
    assert MAX_FRAMES == 100 and count_frames(200, 2) == 101 and count_frames(200, 3) == 68
    with pytest.raises(ConfigError, match=r"at most 100 \(MAX_FRAMES.*Got '101 for epochs 200 "
                                          r"every 2'\. Give every 3 or more"):
        animate_training(net, [[1.0], [2.0]], [[0.0], [1.0]], tmp_path / "a.gif", every=2,
                         epochs=200)
    for name, p in net.params().items():
        np.testing.assert_array_equal(p, before[name])
    assert not (tmp_path / "a.gif").exists()


def test_animation_cli_refuses_before_training(tmp_path, monkeypatch, capsys):
    def no_training(*args, **kwargs):
        raise AssertionError("training ran")

    monkeypatch.setattr(Network, "fit", no_training)
    assert main(["plot", "animation", "--epochs", "500", "--every", "5", "--output",
                 str(tmp_path / "a.gif")]) == 2
    assert "Got '101 for --epochs 500 --every 5'. Give --every 6 or more" in capsys.readouterr().err


# -- an endless run keeps a bounded History ------------------------------------------------

X = np.linspace(-1.0, 1.0, 8)[:, None]
T = (X > 0).astype(float)


def test_history_keeps_at_most_max_kept_epochs(monkeypatch):
    assert nnmath.history.MAX_KEPT_EPOCHS == 100_000
    full = deep(2).fit(X, T, epochs=300, learning_rate=0.5, metrics=("accuracy",))
    monkeypatch.setattr(nnmath.history, "MAX_KEPT_EPOCHS", 16)
    net = deep(2)
    thin = net.fit(X, T, epochs=300, learning_rate=0.5, metrics=("accuracy",))
    assert thin.epochs == 300 and len(thin.loss) <= 16
    kept = thin.epoch_numbers()
    assert kept[0] == 1 and kept[-1] == 300 and kept == sorted(set(kept))
    assert all(e % 32 == 0 for e in kept[1:-1])         # evenly: every 32nd epoch
    assert thin.loss == [full.loss[e - 1] for e in kept]  # the same numbers, fewer of them
    assert thin.metrics["accuracy"] == [full.metrics["accuracy"][e - 1] for e in kept]
    assert thin.loss[-1] == net.loss(X, T) == thin.kept_loss
    record = thin.record()
    assert record["recorded_epochs"] == kept and record["epochs"] == 300


def test_history_thinning_keeps_the_best_epoch(monkeypatch):
    monkeypatch.setattr(nnmath.history, "MAX_KEPT_EPOCHS", 8)
    rng = np.random.default_rng(0)
    X_val = rng.normal(size=(6, 1))
    T_val = (X_val > 0.3).astype(float)
    h = deep(2).fit(X, T, epochs=200, learning_rate=2.0, early_stopping=True, patience=40,
                    validation_data=(X_val, T_val))
    assert len(h.loss) <= 8 and len(h.val_loss) == len(h.loss)
    assert h.best_epoch in h.epoch_numbers()
    assert h.kept_loss == h.loss[h.epoch_numbers().index(h.best_epoch)]


def test_an_endless_run_stays_bounded(monkeypatch):
    """Memory after 3 000 epochs is what it was after 1 000: the History holds 64 values."""
    monkeypatch.setattr(nnmath.history, "MAX_KEPT_EPOCHS", 64)
    seen = {}

    def watch(epoch, history):
        if epoch in (1000, 3000):
            seen[epoch] = tracemalloc.get_traced_memory()[0]
        return False

    tracemalloc.start()
    try:
        h = deep(2).fit(X, T, epochs=3000, learning_rate=0.1, callbacks=[watch],
                        metrics=("accuracy",))
    finally:
        tracemalloc.stop()
    assert len(h.loss) <= 64 and h.epochs == 3000
    # At 32 bytes a value and 2 values an epoch, keeping all would add 128 kB.
    assert seen[3000] - seen[1000] < 20_000, seen
