"""The Python API checks what it is given (issue 10, points 10, 13, 17, 18).

Every bad argument raises an NnmathError subclass whose one-line message names
the argument and shows the value, cut short (nnmath.checks, nnmath.errors.must_be);
what is accepted is documented and works: one callable as ``callbacks``, a
NumPy integer as a seed, a number of rows as ``test_size``.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnmath
from nnmath import Dense, Network, datasets
from nnmath.checks import check_seed
from nnmath.errors import ConfigError, DataError, ModelFileError, NnmathError, ShapeError
from nnmath.workflow import fit_dataset

X1, T1 = [[0.5], [1.5]], [[0.0], [1.0]]


def net11():
    return Network.random([1, 1], seed=0)


def fit(**options):
    return net11().fit(X1, T1, **options)


# (what is called, error class, fragments the message must hold: the argument and the value)
BAD_CALLS = {
    # point 10: seeds
    "Network.random seed -1": (lambda: Network.random([1, 2], seed=-1), ConfigError,
                               ["seed must be None or a whole number >= 0", "Got -1"]),
    "Network.random seed 'abc'": (lambda: Network.random([1, 2], seed="abc"), ConfigError,
                                  ["seed must be", "Got 'abc'"]),
    "Network.random seed 1.5": (lambda: Network.random([1, 2], seed=1.5), ConfigError,
                                ["seed must be", "Got 1.5"]),
    "Network.random seed True": (lambda: Network.random([1, 2], seed=True), ConfigError,
                                 ["seed must be", "Got True"]),
    "fit seed -1": (lambda: fit(seed=-1, shuffle=True), ConfigError, ["seed must be", "Got -1"]),
    "fit seed 'abc'": (lambda: fit(seed="abc"), ConfigError, ["seed must be", "Got 'abc'"]),
    "fit seed Generator": (lambda: fit(seed=np.random.default_rng(0)), ConfigError,
                           ["seed must be", "Got Generator(PCG64)", "cannot be recorded"]),
    "split_indices seed -2": (lambda: datasets.split_indices([0, 1, 0, 1], 0.5, seed=-2),
                              ConfigError, ["seed must be", "Got -2"]),
    "train_test_split seed 'x'": (lambda: datasets.train_test_split(datasets.psa(), seed="x"),
                                  ConfigError, ["seed must be", "Got 'x'"]),
    "xor seed -1": (lambda: datasets.xor(seed=-1), ConfigError, ["seed must be", "Got -1"]),
    "circle seed 'abc'": (lambda: datasets.circle(seed="abc"), ConfigError,
                          ["seed must be", "Got 'abc'"]),
    "blobs seed 0.5": (lambda: datasets.blobs(seed=0.5), ConfigError, ["seed must be", "0.5"]),
    "spiral seed -3": (lambda: datasets.spiral(seed=-3), ConfigError, ["seed must be", "-3"]),
    "fit_dataset seed -1": (lambda: fit_dataset(datasets.xor(n_samples=40), seed=-1),
                            ConfigError, ["seed must be", "Got -1"]),
    "Dense rng -1": (lambda: Dense(1, 1, rng=-1), ConfigError, ["rng must be", "Got -1"]),
    # point 13: fit's arguments
    "fit tol 'x'": (lambda: fit(tol="x", epochs=3), ConfigError,
                    ["tol must be None or a number >= 0", "Got 'x'"]),
    "fit tol -1": (lambda: fit(tol=-1.0), ConfigError, ["tol must be", "Got -1.0"]),
    "fit tol nan": (lambda: fit(tol=float("nan")), ConfigError, ["tol must be", "Got nan"]),
    "fit callbacks [1]": (lambda: fit(callbacks=[1]), ConfigError,
                          ["callbacks[0] must be a callable", "Got 1",
                           "callback(epoch, history)"]),
    "fit callbacks 5": (lambda: fit(callbacks=5), ConfigError,
                        ["callbacks must be a sequence of callables (or one callable)",
                         "Got 5"]),
    "fit callbacks 'print'": (lambda: fit(callbacks="print"), ConfigError,
                              ["callbacks must be", "Got 'print'"]),
    "fit batch_callbacks [print, 1]": (lambda: fit(batch_callbacks=[print, 1]), ConfigError,
                                       ["batch_callbacks[1] must be a callable", "Got 1"]),
    "fit shuffle 'yes'": (lambda: fit(shuffle="yes"), ConfigError,
                          ["shuffle must be True or False", "Got 'yes'"]),
    "fit early_stopping 'x'": (lambda: fit(early_stopping="x"), ConfigError,
                               ["early_stopping must be True or False", "Got 'x'"]),
    "fit validation_fraction nan": (lambda: fit(validation_fraction=float("nan")), ConfigError,
                                    ["validation_fraction must be a fraction in (0, 1)",
                                     "Got nan"]),
    "fit epochs True": (lambda: fit(epochs=True), ConfigError,
                        ["epochs must be a whole number of at least 1", "Got True"]),
    # point 13: dtypes
    "astype(int).fit": (lambda: net11().astype(int).fit(X1, T1), ConfigError,
                        ["dtype must be float32 or float64", "Got <class 'int'>"]),
    "astype(complex).save": (lambda: net11().astype(complex).save("m.json"), ConfigError,
                             ["dtype must be float32 or float64", "complex"]),
    "astype('float16')": (lambda: net11().astype("float16"), ConfigError,
                          ["dtype must be float32 or float64", "Got 'float16'"]),
    "astype(None)": (lambda: net11().astype(None), ConfigError, ["dtype must be", "Got None"]),
    "astype('nonsense')": (lambda: net11().astype("nonsense"), ConfigError,
                           ["dtype must be", "Got 'nonsense'"]),
    "astype(float32) of 1e300": (lambda: Network([Dense(W=[[1e300]])]).astype(np.float32),
                                 ConfigError, ["to be float32", "at most 3.4e+38",
                                               "up to 1e+300"]),
    "Network.random dtype int": (lambda: Network.random([1, 1], dtype=int), ConfigError,
                                 ["dtype must be float32 or float64"]),
    "Dense dtype bool": (lambda: Dense(W=[[1.0]], dtype=bool), ConfigError,
                         ["dtype must be float32 or float64"]),
    "Dense float32 1e300": (lambda: Dense(W=[[1e300]], dtype=np.float32), ConfigError,
                            ["W must be numbers that fit float32", "up to 1e+300"]),
    # point 13: paths
    "load(None)": (lambda: Network.load(None), ConfigError,
                   ["path must be a file path (a str or pathlib.Path)", "Got None"]),
    "nnmath.load(None)": (lambda: nnmath.load(None), ConfigError, ["path must be", "Got None"]),
    "load(5)": (lambda: Network.load(5), ConfigError, ["path must be", "Got 5"]),
    "save(None)": (lambda: net11().save(None), ConfigError, ["path must be", "Got None"]),
    "nnmath.save(None, path)": (lambda: nnmath.save(None, "m.json"), ConfigError,
                                ["network must be a nnmath.Network", "Got None"]),
    "load_csv(None)": (lambda: datasets.load_csv(None, target="y"), ConfigError,
                       ["path must be", "Got None"]),
    # more of the same kind in the public API
    "Network(None)": (lambda: Network(None), ConfigError,
                      ["layers must be a non-empty list of Dense layers", "Got None"]),
    "Network(5)": (lambda: Network(5), ConfigError, ["layers must be", "Got 5"]),
    "Network.random(None)": (lambda: Network.random(None), ConfigError,
                             ["sizes must be", "Got None"]),
    "Dense W 'abc'": (lambda: Dense(W="abc"), ShapeError,
                      ["W must be an array of numbers", "Got 'abc'"]),
    "Dense W object": (lambda: Dense(W=[[object()]]), ShapeError,
                       ["W must be an array of numbers", "object"]),
    "Dense b 'x'": (lambda: Dense(W=[[1.0]], b="x"), ShapeError,
                    ["b must be an array of numbers", "Got 'x'"]),
    "Dense W 10**400": (lambda: Dense(W=[[10 ** 400]]), ShapeError,
                        ["W must be an array of numbers", "Got [[1000000"]),
    "set_params(1)": (lambda: net11().set_params(1), ConfigError,
                      ["params must be a dict", "Got 1"]),
    "set_params W1 'a'": (lambda: net11().set_params({"W1": "a"}), ConfigError,
                          ["W1 must be an array of numbers", "Got 'a'"]),
    "explain(None, ...)": (lambda: nnmath.explain(None, [1.0], [0.0]), ConfigError,
                           ["network must be a nnmath.Network", "Got None"]),
    "explain check 'yes'": (lambda: nnmath.explain(net11(), [1.0], [0.0], check="yes"),
                            ConfigError, ["check must be True or False", "Got 'yes'"]),
    "gradients X 'abc'": (lambda: net11().gradients("abc", [[0.0]]), ShapeError,
                          ["X must be a 2-D array of numbers", "Got 'abc'"]),
    "forward X inf": (lambda: net11().forward([[1.0], [np.inf]]), ShapeError,
                      ["X must be finite numbers", "inf at X[1, 0]", "infinite"]),
    "forward X nan": (lambda: net11().forward([[np.nan]]), ShapeError,
                      ["X must be finite numbers", "nan at X[0, 0]", "missing values"]),
    "fit T nan": (lambda: fit(T=None) if False else net11().fit(X1, [[0.0], [np.nan]]),
                  ShapeError, ["target must be finite numbers", "nan at T[1, 0]"]),
    "float32 X 1e300": (lambda: net11().astype("float32").forward([[1e300]]), ShapeError,
                        ["X must be numbers that fit float32", "1e+300 at X[0, 0]"]),
    "evaluate y None": (lambda: nnmath.inference.evaluate(net11(), [[1.0]], None), ShapeError,
                        ["y must be 1 labels or targets, one per row of X", "Got None"]),
    "load_csv features one str": (lambda: datasets.load_csv(
        datasets.__path__[0] + "/psa.csv", target="status", features="age"), DataError,
        ["a feature column must be one of the columns", "Got 'age'"]),
    "fit_dataset hidden '8'": (lambda: fit_dataset(datasets.xor(n_samples=40), hidden="8"),
                               ConfigError, ["hidden must be a sequence of whole numbers",
                                             "Got '8'"]),
    "fit_dataset hidden (4, 0)": (lambda: fit_dataset(datasets.xor(n_samples=40),
                                                      hidden=(4, 0)), ConfigError,
                                  ["hidden[1] must be a whole number of at least 1", "Got 0"]),
    "fit_dataset scale 'no'": (lambda: fit_dataset(datasets.xor(n_samples=40), scale="no"),
                               ConfigError, ["scale must be True or False", "Got 'no'"]),
    # point 17: test_size
    "split_indices test_size 1.0": (lambda: datasets.split_indices([0, 1] * 5, 1.0),
                                    ConfigError, ["test_size must be a fraction in (0, 1) or "
                                                  "a number of rows", "Got 1.0"]),
    "split_indices test_size 0": (lambda: datasets.split_indices([0, 1] * 5, 0), ConfigError,
                                  ["test_size must be", "Got 0"]),
    "split_indices test_size True": (lambda: datasets.split_indices([0, 1] * 5, True),
                                     ConfigError, ["test_size must be", "Got True"]),
    "split_indices test_size 10 of 10": (lambda: datasets.split_indices([0, 1] * 5, 10),
                                         DataError, ["the test part must be between 1 and 9 "
                                                     "rows of 10", "Got 10"]),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_arguments_raise_an_nnmath_error_naming_the_argument_and_the_value(name, tmp_path,
                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)   # nothing may be written; if it were, it lands here
    call, cls, fragments = BAD_CALLS[name]
    with pytest.raises(NnmathError) as info:
        call()
    assert type(info.value) is cls, (name, type(info.value), str(info.value))
    message = str(info.value)
    assert "\n" not in message and len(message) < 400, message
    for fragment in fragments:
        assert fragment in message, (name, message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("make, fragment", [
    (lambda: fit(callbacks=[1] * 10_000), "callbacks[0] must be a callable. Got 1."),
    (lambda: fit(callbacks=tuple(range(10_000))), "callbacks[0] must be a callable. Got 0."),
    (lambda: fit(tol="x" * 100_000), "tol must be None or a number >= 0. Got 'xxxx"),
    (lambda: Network.random([1, 1], seed=10 ** 5000 * -1), "seed must be None or a whole "
                                                            "number >= 0. Got an integer with"),
    (lambda: Network(list(range(100_000))), "layers must be a non-empty list of Dense layers. "
                                            "Got [0, 1, 2,"),
])
def test_a_huge_value_is_cut_short_in_the_message(make, fragment):
    with pytest.raises(ConfigError) as info:
        make()
    message = str(info.value)
    assert fragment in message
    assert len(message) < 250, len(message)


# -- what is accepted, and documented ----------------------------------------------

def test_a_seed_is_none_or_a_whole_number_and_numpy_integers_count():
    assert check_seed(None) is None and check_seed(np.uint8(3)) == 3 and check_seed(0) == 0
    a = Network.random([2, 3, 1], seed=np.int64(7)).params()
    b = Network.random([2, 3, 1], seed=7).params()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    big = 123456789012345678901234567890   # any whole number >= 0 seeds NumPy's generator
    assert Network.random([1, 1], seed=big).params()["W1"].shape == (1, 1)
    h1 = fit(seed=np.int32(3), shuffle=True, epochs=3)
    h2 = fit(seed=3, shuffle=True, epochs=3)
    assert h1.loss == h2.loss and h1.settings["seed"] == 3 and type(h1.settings["seed"]) is int


def test_dense_rng_takes_a_generator_but_a_seed_does_not():
    W = Dense(2, 3, rng=np.random.default_rng(5)).W
    assert np.array_equal(W, Dense(2, 3, rng=5).W)
    with pytest.raises(ConfigError, match="cannot be recorded"):
        Network.random([2, 3], seed=np.random.default_rng(5))


def test_one_callable_is_taken_as_a_list_of_one():
    seen, batches = [], []
    net = net11()
    history = net.fit(X1, T1, epochs=3, callbacks=lambda epoch, h: seen.append(epoch),
                      batch_callbacks=lambda *args: batches.append(args[:3]))
    assert seen == [1, 2, 3] and history.epochs == 3
    assert batches == [(e, b, 2) for e in (1, 2, 3) for b in (1, 2)]
    stopped = net11().fit(X1, T1, epochs=9, callbacks=lambda epoch, h: epoch == 2)
    assert stopped.epochs == 2 and stopped.stop_reason == "callback"


def test_one_callable_with_the_progress_bar():
    seen = []
    net11().fit(X1, T1, epochs=2, callbacks=lambda epoch, h: seen.append(epoch),
                progress=False)
    assert seen == [1, 2]


def test_astype_keeps_the_info_and_gives_the_same_outputs_in_float32():
    net = Network.random([2, 3, 1], seed=0)
    net.info = {"feature_names": ["a", "b"], "loss": "mse"}
    small = net.astype("float32")
    assert small.dtype == np.float32 and small.info == net.info and small.info is not net.info
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    assert np.allclose(small.forward(X), net.forward(X), rtol=1e-6)
    assert small.astype(np.float64).dtype == np.float64


def test_tol_zero_and_a_numpy_float_are_numbers():
    h = fit(tol=np.float32(0.5), patience=2, epochs=50, learning_rate=1e-12)
    assert h.settings["tol"] == 0.5 and h.stop_reason == "converged" and h.epochs == 2
    assert fit(tol=0, epochs=2).settings["tol"] == 0.0


def test_test_size_is_a_fraction_or_a_number_of_rows():
    y = [0, 1] * 10
    train, test = datasets.split_indices(y, 6, seed=0)
    assert len(test) == 6 and len(train) == 14
    assert len(datasets.split_indices(y, np.int64(1), seed=0)[1]) == 1
    assert len(datasets.split_indices(y, 0.25, seed=0)[1]) == 5   # ceil(0.25 * 20)
    assert sorted(int(y[i]) for i in test) == [0, 0, 0, 1, 1, 1]   # still stratified


def test_fit_dataset_takes_one_whole_number_as_one_hidden_layer():
    result = fit_dataset(datasets.xor(n_samples=40, seed=1), hidden=5, epochs=2, seed=0)
    assert result.net.sizes == [2, 5, 2] and result.net.info["training"]["hidden"] == [5]


def test_load_csv_takes_one_column_name_as_features(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,age,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    data = datasets.load_csv(path, target="y", features="age")   # not 'a', 'g', 'e'
    assert data.feature_names == ("age",) and data.X[:, 0].tolist() == [2, 4, 6, 8]


# -- huge finite values (point 14): the right error, with advice that fits ----------

def test_a_starting_loss_that_overflows_says_what_is_too_large():
    for X, T, fragment in [([[1e300], [2.0]], [[0.0], [1.0]], "The inputs (up to 1e+300)"),
                           ([[1.0], [2.0]], [[1e300], [1.0]], "The targets (up to 1e+300)")]:
        net = Network.random([1, 1], activation="identity", seed=0)
        before = net.params()["W1"].copy()
        with pytest.raises(DataError) as info:
            net.fit(X, T, loss="mse")
        message = str(info.value)
        assert message.startswith("the loss before training must be a finite number. Got inf.")
        assert fragment in message and "learning rate" not in message, message
        assert np.array_equal(net.params()["W1"], before)   # nothing trained


def test_a_run_that_starts_from_a_huge_loss_is_told_to_scale_not_to_slow_down():
    net = Network.random([1, 1], activation="identity", seed=0)
    with pytest.raises(nnmath.errors.TrainingError) as info:
        net.fit([[100.0], [200.0]], [[1e152], [2e152]], loss="mse", epochs=5)
    message = str(info.value)
    assert "The loss before training was already" in message
    assert "The targets (up to 2e+152) are too large. Scale the targets" in message
    assert "smaller learning rate" not in message


def test_outputs_that_overflow_name_the_weights():
    net = Network([Dense(W=[[1e308]], b=[0.0], activation="identity")])
    with pytest.raises(DataError) as info:
        net.forward([[10.0]])
    assert str(info.value) == (
        "the network's outputs must be finite numbers. Got '[inf] for sample 0'. The numbers "
        "overflowed. The weights (up to 1e+308) are too large. Retrain, or write smaller "
        "weights.")


def test_an_overflow_that_a_sigmoid_absorbs_is_a_right_result():
    net = Network([Dense(W=[[1e308]], b=[0.0], activation="sigmoid")])
    assert net.forward([[10.0], [-10.0]]).tolist() == [[1.0], [0.0]]   # no warning, no error


def test_regression_scores_say_which_side_is_too_large():
    from nnmath.inference import regression_scores

    with pytest.raises(DataError, match=r"The network's outputs \(up to 1e\+300\)"):
        regression_scores([[1.0], [2.0]], [[1e300], [2.0]])
    with pytest.raises(DataError, match=r"the loss must be a finite number. Got inf. The "
                                        r"targets \(up to 1e\+300\)"):
        regression_scores([[1e300], [2.0]], [[1.0], [2.0]], loss=float("inf"))
    assert regression_scores([[1.0], [3.0]], [[1.0], [2.0]]) == {
        "mse": 0.5, "r2": 0.5, "mae": 0.5, "rmse": 0.5 ** 0.5}


def test_the_model_file_error_class_is_unchanged_for_bad_files(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{")
    with pytest.raises(ModelFileError):
        Network.load(str(path))


def test_layers_and_sizes_may_be_any_iterable():
    assert Network(Dense(1, 1, rng=0) for _ in range(3)).sizes == [1, 1, 1, 1]
    assert Network.random(range(1, 4), seed=0).sizes == [1, 2, 3]
    with pytest.raises(ConfigError, match="sizes must be a list .* Got 'ab'"):
        Network.random("ab")
