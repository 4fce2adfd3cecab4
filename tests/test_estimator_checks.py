"""scikit-learn's own conformance checks, every one of them, on both estimators.

No check is skipped or marked as expected to fail: ``expected_failed_checks``
is not passed, so a failing check fails this test. Two checks skip themselves
unless their setting is present, so both are provided here: the array-API
check (numpy namespace only, as the estimators declare no array-API support)
needs ``SCIPY_ARRAY_API=1``; the pandas-input check needs pandas (dev extra).

The instances are checked with smaller settings than the defaults (16 hidden
neurons, learning rate 0.01, 50 epochs) to keep the suite fast, as
scikit-learn's own test suite lowers ``max_iter`` for its checks; the checks
that train to a score (``check_classifiers_train``, ``check_regressors_train``)
still hold them to scikit-learn's thresholds. A second classifier runs every
check with plain SGD, ``early_stopping`` and the softmax/cross-entropy output.
"""

import pytest

pytest.importorskip("sklearn")  # the dev extra installs it; CI runs these
pytest.importorskip("pandas")   # the dev extra installs it: check_pandas inputs

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nnmath.estimator import NNClassifier, NNRegressor  # noqa: E402

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

FAST = dict(hidden_layer_sizes=(16,), learning_rate=0.01, epochs=50)


@parametrize_with_checks([
    NNClassifier(**FAST),
    NNRegressor(**FAST),
    NNClassifier(hidden_layer_sizes=(16,), optimizer="sgd", learning_rate=0.1, epochs=50,
                 early_stopping=True, output_activation="softmax", batch_size=16),
])
def test_sklearn_compatible_estimator(estimator, check, monkeypatch):
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)
