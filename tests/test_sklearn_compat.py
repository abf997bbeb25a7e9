"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_redcore import ModalityMasker, RedCoreClassifier

from .conftest import FAST

# Checks that are expected to fail, with the reason. None so far: keep the
# dictionaries so that a future exception is listed here with its reason.
EXPECTED_FAILURES: dict[str, str] = {}

CHECK_PARAMS = {**FAST, "max_epochs": 40}


@parametrize_with_checks(
    [RedCoreClassifier(**CHECK_PARAMS), ModalityMasker(missing_rates=0.3, random_state=0)],
    expected_failed_checks=lambda est: EXPECTED_FAILURES if isinstance(est, RedCoreClassifier) else {},
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
