"""Metrics against scikit-learn where it is installed, and against hand counts."""

import numpy as np
import pytest

from nnmath import metrics

sk = pytest.importorskip("sklearn.metrics")  # installed by the dev extra in CI


def cases():
    rng = np.random.default_rng(0)
    for n in (6, 31, 200):
        y = rng.integers(0, 2, size=n)
        y[:2] = [0, 1]
        score = np.round(rng.random(n), 1)   # rounding makes ties
        yield y, score


@pytest.mark.parametrize("y, score", list(cases()))
def test_binary_metrics_match_sklearn(y, score):
    pred = metrics.predict_binary(score, 0.5)
    assert metrics.accuracy(y, pred) == pytest.approx(sk.accuracy_score(y, pred))
    assert metrics.precision(y, pred) == pytest.approx(sk.precision_score(y, pred, zero_division=0))
    assert metrics.recall(y, pred) == pytest.approx(sk.recall_score(y, pred))
    assert metrics.specificity(y, pred) == pytest.approx(sk.recall_score(1 - y, 1 - pred))
    assert metrics.f1(y, pred) == pytest.approx(sk.f1_score(y, pred, zero_division=0))
    np.testing.assert_array_equal(metrics.confusion_matrix(y, pred), sk.confusion_matrix(y, pred))
    assert metrics.roc_auc(y, score) == pytest.approx(sk.roc_auc_score(y, score), abs=1e-12)
    fpr, tpr, _ = metrics.roc_curve(y, score)
    fpr_sk, tpr_sk, _ = sk.roc_curve(y, score, drop_intermediate=False)
    np.testing.assert_allclose(fpr, fpr_sk)
    np.testing.assert_allclose(tpr, tpr_sk)


def test_regression_and_log_loss_match_sklearn():
    rng = np.random.default_rng(1)
    y, p = rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
    assert metrics.mean_squared_error(y, p) == pytest.approx(sk.mean_squared_error(y, p))
    assert metrics.r2(y, p) == pytest.approx(sk.r2_score(y, p))
    labels = rng.integers(0, 3, size=20)
    probs = rng.dirichlet(np.ones(3), size=20)
    assert metrics.log_loss(np.eye(3)[labels], probs) == pytest.approx(
        sk.log_loss(labels, probs, labels=[0, 1, 2]))


def test_psa_style_hand_count():
    # 7 cancer, 7 healthy; the network calls 5 cancers and 1 healthy positive.
    y = [1] * 7 + [0] * 7
    pred = [1, 1, 1, 1, 1, 0, 0] + [1, 0, 0, 0, 0, 0, 0]
    assert metrics.sensitivity(y, pred) == 5 / 7
    assert metrics.specificity(y, pred) == 6 / 7
    assert metrics.confusion_matrix(y, pred).tolist() == [[6, 1], [2, 5]]
