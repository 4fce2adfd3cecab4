"""scikit-learn's own conformance checks, every one of them, on both estimators.

No check is skipped or marked as expected to fail: ``expected_failed_checks``
is not passed, so a failing check fails this test. Two checks skip themselves
unless their setting is present, so both are provided here: the array-API
check (numpy namespace only, as the estimators declare no array-API support)
needs ``SCIPY_ARRAY_API=1``; the pandas-input check needs pandas (dev extra).
"""

import pytest

pytest.importorskip("sklearn")  # the dev extra installs it; CI runs these
pytest.importorskip("pandas")   # the dev extra installs it: check_pandas inputs

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nnmath.estimator import NNClassifier, NNRegressor  # noqa: E402


@parametrize_with_checks([NNClassifier(), NNRegressor()])
def test_sklearn_compatible_estimator(estimator, check, monkeypatch):
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)
