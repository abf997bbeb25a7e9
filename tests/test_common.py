"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_redcore import AMAEClassifier, CRAClassifier, MMINClassifier, ModalityMasker, RedCoreClassifier

from .conftest import FAST

# Checks that are expected to fail, with the reason. None so far: keep the
# dictionaries so that a future exception is listed here with its reason.
EXPECTED_FAILURES: dict[str, str] = {}

CHECK_PARAMS = {**FAST, "max_epochs": 40}


# The comparison methods at a comparable small size. They train on every
# sample (training="all"): the checks' data have a single modality, and
# perfect data training would behave the same there.
BASELINE_PARAMS = dict(n_latent=16, encoder_hidden=(32,), classifier_hidden=32, lr=3e-3, max_epochs=40,
                       batch_size=64, training="all")

ESTIMATORS = [
    RedCoreClassifier(**CHECK_PARAMS),
    MMINClassifier(cra_widths=(16, 8), cra_blocks=2, **BASELINE_PARAMS),
    CRAClassifier(cra_widths=(16, 8), cra_blocks=2, **BASELINE_PARAMS),
    AMAEClassifier(n_heads=2, feedforward=32, **BASELINE_PARAMS),
    ModalityMasker(missing_rates=0.3, random_state=0),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_compatible(estimator, check):
    check(estimator)
