"""NNClassifier / NNRegressor inside scikit-learn: Pipeline, cross_val_score, GridSearchCV,
partial_fit, and the quality bars (breast cancer vs MLPClassifier, digits >= 0.95)."""

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")  # the dev extra installs it

from sklearn.datasets import load_breast_cancer, load_digits, load_iris  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from nnmath.estimator import NNClassifier, NNRegressor  # noqa: E402
from nnmath.network import Network  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_hyperparameter_names_are_the_agreed_ones():
    names = set(NNClassifier().get_params())
    assert {"hidden_layer_sizes", "activation", "output_activation", "loss", "optimizer",
            "learning_rate", "epochs", "batch_size", "alpha", "early_stopping",
            "random_state"} <= names
    # the classifier's own: class_weight (scikit-learn's convention; no meaning for a regressor)
    assert set(NNRegressor().get_params()) == names - {"class_weight"}


@pytest.mark.slow
def test_pipeline_cross_val_score_and_grid_search():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), NNClassifier(hidden_layer_sizes=(8,),
                                                        learning_rate=0.01, epochs=60,
                                                        batch_size=16, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,) and scores.mean() > 0.85
    grid = GridSearchCV(pipe, {"nnclassifier__optimizer": ["sgd", "adam"],
                               "nnclassifier__learning_rate": [0.01, 0.1]}, cv=3)
    grid.fit(X, y)
    assert set(grid.best_params_) == {"nnclassifier__optimizer", "nnclassifier__learning_rate"}
    assert grid.best_score_ > 0.85
    assert grid.predict(X).shape == (150,)


def test_fit_wraps_the_engine_and_string_labels():
    X, y = load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = NNClassifier(hidden_layer_sizes=(5,), activation="tanh", optimizer="momentum",
                       learning_rate=0.05, epochs=30, batch_size=10, alpha=0.01,
                       random_state=1).fit(X, labels)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert isinstance(clf.net_, Network) and clf.net_.sizes == [4, 5, 3]
    np.testing.assert_array_equal(clf.predict_proba(X), clf.net_.forward(X))
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert clf.n_iter_ == 30 and len(clf.loss_curve_) == 30
    assert clf.loss_ == clf.loss_curve_[-1]
    assert set(clf.predict(X)) <= set(clf.classes_)


def test_binary_uses_one_sigmoid_output_and_the_score_is_accuracy():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = NNClassifier(hidden_layer_sizes=(4,), epochs=5, random_state=0).fit(X, y)
    assert clf.net_.sizes == [30, 4, 1] and clf.loss_name_ == "bce"
    p = clf.predict_proba(X)
    np.testing.assert_array_equal(p[:, 1], clf.net_.forward(X)[:, 0])
    assert clf.score(X, y) == np.mean(clf.predict(X) == y)


def test_partial_fit_is_one_epoch_continuing_from_the_last():
    X, y = load_iris(return_X_y=True)
    kwargs = dict(hidden_layer_sizes=(6,), learning_rate=0.01, batch_size=150, shuffle=False,
                  random_state=0)
    stepwise = NNClassifier(**kwargs)
    for _ in range(4):
        stepwise.partial_fit(X, y, classes=[0, 1, 2])
    whole = NNClassifier(epochs=4, **kwargs).fit(X, y)
    np.testing.assert_array_equal(stepwise.predict_proba(X), whole.predict_proba(X))
    assert stepwise.n_iter_ == 4 and stepwise.loss_curve_ == whole.loss_curve_
    with pytest.raises(ValueError, match="classes must be passed"):
        NNClassifier().partial_fit(X, y)


def test_early_stopping_in_the_estimator():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = NNClassifier(hidden_layer_sizes=(16,), learning_rate=0.05, epochs=300,
                       batch_size=32, early_stopping=True, patience=5, random_state=0).fit(X, y)
    assert clf.history_.stop_reason == "early_stopping" and clf.n_iter_ < 300
    assert len(clf.validation_loss_curve_) == clf.n_iter_


@pytest.mark.slow
def test_regressor_learns_a_smooth_function_and_handles_two_targets():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(300, 2))
    y = np.c_[np.sin(X[:, 0]) + 0.5 * X[:, 1], X[:, 0] * X[:, 1]]
    reg = NNRegressor(hidden_layer_sizes=(32,), activation="tanh", learning_rate=0.01,
                      epochs=200, batch_size=32, random_state=0).fit(X, y[:, 0])
    assert reg.predict(X).shape == (300,) and reg.score(X, y[:, 0]) > 0.95
    assert reg.out_activation_ == "identity" and reg.loss_name_ == "mse"
    two = NNRegressor(hidden_layer_sizes=(32,), learning_rate=0.01, epochs=50,
                      random_state=0).fit(X, y)
    assert two.predict(X).shape == (300, 2)


@pytest.mark.parametrize("param, value, message", [
    ("hidden_layer_sizes", (0,), "must be a sequence of positive integers"),
    ("activation", "swish", "'activation' parameter of NNClassifier must be one of"),
    ("optimizer", "rmsprop", "'optimizer' parameter"),
    ("learning_rate", 0.0, "'learning_rate' parameter of NNClassifier must be a number > 0"),
    ("alpha", -1.0, "'alpha'"),
    ("epochs", 0, "'epochs'"),
    ("batch_size", "all", "'batch_size'"),
])
def test_bad_hyperparameters_fail_in_fit_with_sklearn_style_messages(param, value, message):
    X, y = load_iris(return_X_y=True)
    clf = NNClassifier(**{param: value})          # __init__ stores, never checks
    assert clf.get_params()[param] == value
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)


def _compare_module():
    spec = importlib.util.spec_from_file_location("compare_mlp",
                                                  ROOT / "benchmarks" / "compare_mlp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_breast_cancer_cv_accuracy_within_one_point_of_mlpclassifier():
    # benchmarks/compare_mlp.py with its default settings and seed 0: the same folds,
    # architecture (30-32-1), relu, Adam, learning rate 0.001, 100 epochs, batch 32,
    # alpha 1e-4 and random_state for both libraries.
    result = _compare_module().compare(folds=5, seed=0)
    sk, nn = result["scikit-learn"]["mean_accuracy"], result["nnmath"]["mean_accuracy"]
    assert result["settings"]["epochs"] == 100 and result["settings"]["hidden"] == [32]
    assert sk > 0.95 and abs(nn - sk) <= 0.01, f"nnmath {nn:.4f} vs scikit-learn {sk:.4f}"


@pytest.mark.slow
def test_digits_with_64_32_10_reaches_095():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y,
                                                        random_state=0)
    pipe = make_pipeline(StandardScaler(), NNClassifier(hidden_layer_sizes=(32,),
                                                        learning_rate=0.01, epochs=20,
                                                        batch_size=32, random_state=0))
    pipe.fit(X_train, y_train)
    assert pipe[-1].net_.sizes == [64, 32, 10]
    assert pipe.score(X_test, y_test) >= 0.95


def test_same_random_state_same_model_bit_for_bit():
    X, y = load_iris(return_X_y=True)
    kw = dict(hidden_layer_sizes=(7,), learning_rate=0.01, epochs=10, batch_size=16,
              early_stopping=True, random_state=3)
    a, b = NNClassifier(**kw).fit(X, y), NNClassifier(**kw).fit(X, y)
    assert a.loss_curve_ == b.loss_curve_
    assert all(np.array_equal(p, q) for p, q in zip(a.coefs_, b.coefs_))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = NNClassifier(**{**kw, "random_state": 4}).fit(X, y)
    assert c.loss_curve_ != a.loss_curve_
