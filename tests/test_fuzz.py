"""Fuzzing: whatever comes in, a valid result or an NnmathError, never another exception.

Properties, each run on a modest fixed set of examples in CI and on many fresh
ones under ``make fuzz`` (tests/fuzzing.py):

- the model-file parser (``from_dict``, ``load``) on arbitrary JSON, on
  near-valid model dicts, and on arbitrary or mutated bytes;
- the CSV loader (``load_csv``, ``read_features``) on arbitrary bytes and on
  CSV-like text;
- a loaded network then predicts, saves and reloads without surprises;
- the engine on random architectures and values: finite loss and gradients,
  no floating-point warning, gradients equal to central finite differences
  (tests/oracles/finite_diff.py) where the loss is smooth;
- training with random settings ends with finite losses or a TrainingError;
- the command line (``nnmath.cli.main``: explain, predict, evaluate) on random
  arguments and files exits 0 or 2, never 1 (a bug).

pytest turns warnings into errors, so a NumPy RuntimeWarning anywhere fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

from nnmath import Dense, Network
from nnmath.datasets import load_csv
from nnmath.datasets.csvfile import read_features
from nnmath.errors import NnmathError, TrainingError
from nnmath.modelfile import FORMAT, from_dict, load

from fuzzing import budget
from oracles.finite_diff import assert_gradients_match, numeric_gradients

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity", "softmax"]
HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
FITS = {"sigmoid": ["ssr", "mse", "bce"], "softmax": ["ssr", "mse", "cross_entropy"],
        "tanh": ["ssr", "mse"], "relu": ["ssr", "mse"], "identity": ["ssr", "mse"]}
RAISE = dict(over="raise", divide="raise", invalid="raise")

# -- strategies ---------------------------------------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
                | st.text(max_size=12))
any_json = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=5)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=5),
                        max_leaves=30)
good_numbers = st.integers(-10**6, 10**6) | st.floats(-1e6, 1e6) | st.sampled_from(
    [0, -0.0, 1e308, -1e308, 5e-324, 2**1023])
bad_numbers = st.sampled_from([10**400, -10**309, True, None, "1", [1.0], math.nan, math.inf])


@st.composite
def numbers(draw):
    """Mostly numbers a model file may hold; one in 200 is not."""
    return draw(bad_numbers if draw(st.integers(0, 199)) == 0 else good_numbers)


@st.composite
def matrices(draw, rows=None, cols=None):
    rows = draw(st.integers(0, 4)) if rows is None else rows
    cols = draw(st.integers(0, 4)) if cols is None else cols
    W = [[draw(numbers()) for _ in range(cols)] for _ in range(rows)]
    if draw(st.integers(0, 9)) == 0 and W:   # sometimes ragged
        W[0] = W[0] + [0.5]
    return W


@st.composite
def near_valid_models(draw):
    """Model dicts that are often valid and otherwise wrong in one or two places."""
    sizes = draw(st.lists(st.integers(0 if draw(st.integers(0, 9)) == 0 else 1, 4),
                          min_size=2, max_size=4))
    layers = []
    for ell, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        fits = draw(st.integers(0, 5)) > 0
        layer = {"activation": draw(st.sampled_from(ACTIVATIONS + ["swish", None, 3]))
                 if draw(st.integers(0, 5)) == 0 else
                 draw(st.sampled_from(HIDDEN if ell < len(sizes) - 2 else ACTIVATIONS)),
                 "W": draw(matrices(n_in, n_out)) if fits else draw(matrices()),
                 "b": [draw(numbers()) for _ in range(n_out if fits else draw(st.integers(0, 4)))]}
        if draw(st.integers(0, 7)) == 0:
            layer[draw(st.sampled_from(["W", "b", "activation"]))] = draw(any_json)
        layers.append(layer)
    data = {"format": FORMAT if draw(st.integers(0, 9)) else draw(any_json), "layers": layers}
    for key in draw(st.lists(st.sampled_from(["task", "loss", "feature_names", "class_names",
                                              "target_name", "scaling", "training", "extra"]),
                             max_size=3, unique=True)):
        data[key] = draw(any_json if draw(st.integers(0, 4)) == 0 else _info_value(key, sizes))
    return data


def _info_value(key, sizes):
    n_in, n_out = sizes[0], sizes[-1]
    return {
        "task": st.sampled_from(["classification", "regression"]),
        "loss": st.sampled_from(["ssr", "mse", "bce", "cross_entropy"]),
        "feature_names": st.lists(st.text(max_size=4), min_size=n_in, max_size=n_in),
        "class_names": st.lists(st.text(max_size=4) | st.integers(),
                                min_size=max(2, n_out), max_size=max(2, n_out)),
        "target_name": st.text(max_size=5),
        "scaling": st.fixed_dictionaries({
            "method": st.just("standard"),
            "mean": st.lists(numbers(), min_size=n_in, max_size=n_in),
            "std": st.lists(numbers(), min_size=n_in, max_size=n_in)}),
        "training": st.dictionaries(st.text(max_size=4), json_scalars, max_size=3),
        "extra": any_json,
    }[key]


def _valid_model_text(seed: int) -> str:
    net = Network.random([2, 3, 2], activation="tanh", output_activation="softmax", seed=seed)
    from nnmath.modelfile import to_dict

    return json.dumps(to_dict(net, feature_names=["a", "b"], class_names=["x", "y"],
                              loss="cross_entropy", task="classification"), indent=1)


@st.composite
def mutated_bytes(draw):
    """A valid model file with bytes flipped, cut, inserted or duplicated."""
    data = bytearray(_valid_model_text(draw(st.integers(0, 3))).encode())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "duplicate"]))
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 20))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"[", b"]", b"{", b"}", b",", b"-", b"e999",
                                                b"NaN", b"\xff", b"\x00", b'"', b"1" * 400]))
        elif kind == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 60))]
    return bytes(data)


csv_text = st.lists(st.sampled_from(list("abxy,;\t\n\r\"' .-+eE0123456789\ufeffé") +
                                    ["nan", "inf", "1e308", "1e400", "a,b,y\n", "\n1,2,"]),
                    max_size=120).map("".join)

# -- the model-file parser ----------------------------------------------------------------


def _check_network(net):
    """A network that loaded must be usable: finite parameters, predictions (or a clear
    error when its weights of up to 1e308 overflow), a bit-exact round trip."""
    from nnmath.inference import predict

    event("a valid network")
    assert isinstance(net, Network)
    for p in net.params().values():
        assert np.all(np.isfinite(p))
    for X in (np.zeros((1, net.n_inputs)), np.full((2, net.n_inputs), -3.5)):
        try:
            result = predict(net, X)
        except NnmathError:
            continue
        assert np.all(np.isfinite(result.y_hat))
    again = from_dict(json.loads(json.dumps(_to_dict(net))))
    for name, p in net.params().items():
        assert np.array_equal(again.params()[name], p)


def _to_dict(net):
    from nnmath.modelfile import to_dict

    return to_dict(net)


def _from_dict_or_error(data):
    try:
        net = from_dict(data)
    except NnmathError:
        return
    _check_network(net)


def _load_or_error(tmp_path_factory, content: bytes):
    path = tmp_path_factory.mktemp("fuzz") / "model.json"
    path.write_bytes(content)
    try:
        net = load(path)
    except NnmathError:
        return
    _check_network(net)


@budget(150)
@given(any_json)
def test_from_dict_on_arbitrary_json(data):
    _from_dict_or_error(data)


@budget(150)
@given(near_valid_models())
def test_from_dict_on_near_valid_models(data):
    _from_dict_or_error(data)


@budget(200)
@given(st.binary(max_size=400))
def test_load_on_arbitrary_bytes(tmp_path_factory, content):
    _load_or_error(tmp_path_factory, content)


@budget(300)
@given(mutated_bytes())
def test_load_on_mutated_model_files(tmp_path_factory, content):
    _load_or_error(tmp_path_factory, content)


# -- the CSV loader --------------------------------------------------------------------------


def _check_dataset(data):
    assert data.X.ndim == 2 and data.X.shape[0] == data.y.shape[0] >= 1
    assert np.all(np.isfinite(data.X))
    if data.task == "classification":
        assert set(np.unique(data.y).tolist()) <= set(range(len(data.class_names)))


@budget(200)
@given(st.binary(max_size=300), st.sampled_from(["a", "b", "y", "x"]))
def test_load_csv_on_arbitrary_bytes(tmp_path_factory, content, target):
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(content)
    try:
        _check_dataset(load_csv(path, target=target))
    except NnmathError:
        pass


@budget(150)
@given(csv_text, st.sampled_from(["a", "b", "y", "x", "ab"]),
       st.sampled_from(["auto", "classification", "regression"]))
def test_load_csv_on_csv_like_text(tmp_path_factory, text, target, task):
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_text(text, encoding="utf-8")
    try:
        _check_dataset(load_csv(path, target=target, task=task))
    except NnmathError:
        pass
    try:
        X, names = read_features(path)
        assert X.shape[1] == len(names) and np.all(np.isfinite(X))
    except NnmathError:
        pass


# -- the engine ------------------------------------------------------------------------------------


@st.composite
def networks(draw, scale=3.0):
    sizes = [draw(st.integers(1, 4))] + draw(st.lists(st.integers(1, 5), max_size=3)) \
        + [draw(st.integers(1, 4))]
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in sizes[1:-1]]
    output = draw(st.sampled_from(ACTIVATIONS))
    if output == "softmax":   # over one output it is refused (always 1)
        sizes[-1] = max(sizes[-1], 2)
    loss = draw(st.sampled_from(FITS[output]))
    values = st.floats(-scale, scale, allow_subnormal=False)
    layers = [Dense(W=[[draw(values) for _ in range(n_out)] for _ in range(n_in)],
                    b=[draw(values) for _ in range(n_out)], activation=act)
              for n_in, n_out, act in zip(sizes[:-1], sizes[1:], hidden + [output])]
    n = draw(st.integers(1, 5))
    X = np.array([[draw(values) for _ in range(sizes[0])] for _ in range(n)])
    if loss == "cross_entropy":
        T = np.eye(sizes[-1])[[draw(st.integers(0, sizes[-1] - 1)) for _ in range(n)]]
    elif loss == "bce":
        T = np.array([[draw(st.sampled_from([0.0, 1.0, 0.25])) for _ in range(sizes[-1])]
                      for _ in range(n)])
    else:
        T = np.array([[draw(values) for _ in range(sizes[-1])] for _ in range(n)])
    return Network(layers), X, T, loss


@budget(150)
@given(networks(scale=1e4))
def test_engine_is_finite_and_silent_at_large_values(case):
    # |W|, |b|, |X| up to 1e4 over at most 4 layers of at most 5 neurons: z stays far
    # below 1e154, so the squared errors cannot overflow; any inf or NaN is a bug.
    net, X, T, loss = case
    with np.errstate(**RAISE):
        try:
            value, grads = net.gradients(X, T, loss=loss)
        except FloatingPointError as exc:   # an overflow the math does not have
            pytest.fail(f"{exc} for {net} on X={X.tolist()}")
    assert math.isfinite(value)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


@budget(60)
@given(networks(scale=2.0))
def test_engine_gradients_match_finite_differences(case):
    net, X, T, loss = case
    # relu is not differentiable at 0: keep every relu pre-activation clear of the kink
    a = X
    for layer in net.layers:
        step = layer.forward(a)
        if layer.activation == "relu":
            assume(np.all(np.abs(step.z) > 1e-3))
        a = step.a
    _, analytic = net.gradients(X, T, loss=loss)
    assert_gradients_match(analytic, numeric_gradients(net, X, T, loss), rtol=1e-5, atol=1e-7)


@budget(40)
@given(networks(scale=3.0), st.floats(1e-6, 1e3), st.sampled_from(["sgd", "momentum", "adam"]),
       st.integers(1, 6), st.integers(1, 8))
def test_training_ends_finite_or_with_a_training_error(case, learning_rate, optimizer,
                                                       batch_size, epochs):
    net, X, T, loss = case
    try:
        history = net.fit(X, T, loss=loss, learning_rate=learning_rate, epochs=epochs,
                          batch_size=batch_size, optimizer=optimizer, shuffle=True, seed=0)
    except TrainingError:
        pass   # diverged: the last finite parameters were kept
    else:
        assert len(history.loss) == epochs and all(map(math.isfinite, history.loss))
    assert all(np.all(np.isfinite(p)) for p in net.params().values())


# -- the command line -------------------------------------------------------------------------------------

floats_text = st.one_of(st.floats(allow_nan=True).map(repr), st.integers().map(str),
                        st.sampled_from(["1e400", "-1e-3", "abc", "", "--json", "0x10"]))


def _main(argv) -> tuple[int, str]:
    """``nnmath.cli.main(argv)`` in this process: (exit code, stderr)."""
    from nnmath.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:   # argparse
            code = exc.code
    return code, err.getvalue()


TRAINED = str(Path(__file__).parent / "bad_inputs" / "files" / "model" / "trained.json")


@budget(60)
@given(st.lists(st.lists(floats_text, min_size=1, max_size=3), min_size=1, max_size=3),
       floats_text, csv_text, st.sampled_from(["--json", "--csv", "--output", "table"]))
def test_predict_and_evaluate_commands_never_crash(tmp_path_factory, xs, threshold, text, mode):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "data.csv").write_text(text, encoding="utf-8")
    argv = ["predict", TRAINED, "--threshold=" + threshold]
    if mode == "--csv":
        argv += ["--data", str(folder / "data.csv"), "--csv"]
    else:
        for x in xs:
            argv += ["--x", *x]
        argv += {"--json": ["--json"], "--output": ["--output", str(folder / "p.csv")],
                 "table": []}[mode]
    for args in (argv, ["evaluate", TRAINED, str(folder / "data.csv"), "--target", "y",
                        "--threshold=" + threshold, "--json"]):
        code, err = _main(args)
        assert code in (0, 2), (args, err)
        assert code == 0 or err.count("\n") == 1, (args, err)


@budget(60)
@given(st.lists(floats_text, min_size=0, max_size=3), st.lists(floats_text, max_size=3),
       floats_text, st.sampled_from([None, "ssr", "mse", "bce", "cross_entropy", "hinge"]),
       st.sampled_from([None, "a", "b"]), st.sampled_from(["--json", "--check", "--format"]))
def test_explain_command_never_crashes(x, target, learning_rate, loss, article, flag):
    argv = ["explain", "--learning-rate=" + learning_rate]
    argv += ["--x", *x] if x else []
    argv += ["--y", *target] if target else []
    argv += ["--loss", loss] if loss else []
    argv += ["--article", article] if article else []
    argv += [flag, "markdown"] if flag == "--format" else [flag]
    code, err = _main(argv)
    assert code in (0, 2), (argv, err)
    assert code == 0 or err.count("\n") == 1, (argv, err)
