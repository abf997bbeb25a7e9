"""scikit-learn's estimator checks over every public estimator of the package (found by the registry)."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_redcore._registry import all_estimators

from .conftest import FAST

# Checks that are expected to fail (strictly, with an AssertionError: a check that passes, or fails otherwise,
# fails the test), with the reason.
_NEURAL_FAILURES = {
    # The check fits once with integer weights and once with each sample repeated that many times,
    # and wants the same model. Mini-batch training cannot give that: the repeated rows change the
    # number and the make-up of the mini-batches (and so the shuffling and every update), as for
    # scikit-learn's own SGD-trained models. What does hold, and is tested in tests/test_weights.py:
    # weight 0 is the sample left out, equal weights are no weights, and the weighted loss equals
    # the loss of the repeated rows on one batch.
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch training: repeated rows change the batches, so no exact equivalence (tests/test_weights.py)"
    ),
}
EXPECTED_FAILURES: dict[str, dict[str, str]] = {name: _NEURAL_FAILURES for name, _ in all_estimators("multimodal")}

# The comparison methods at a comparable small size. They train on every
# sample (training="all"): the checks' data have a single modality, and
# perfect data training would behave the same there.
_BASELINE = dict(
    n_latent=16, encoder_hidden=(32,), classifier_hidden=32, lr=3e-3, max_epochs=40, batch_size=64, training="all"
)

# Small settings per estimator, so that the checks run in a few minutes on 2 cores. An estimator
# that the registry finds and that is missing here fails test_every_estimator_has_check_settings.
CHECK_SETTINGS = {
    "RedCoreClassifier": {**FAST, "max_epochs": 40},
    "RedCoreRegressor": {**FAST, "max_epochs": 40},
    "MMINClassifier": dict(cra_widths=(16, 8), cra_blocks=2, **_BASELINE),
    "CRAClassifier": dict(cra_widths=(16, 8), cra_blocks=2, **_BASELINE),
    "AMAEClassifier": dict(n_heads=2, feedforward=32, **_BASELINE),
    "ModalityMasker": dict(missing_rates=0.3, random_state=0),
}

ESTIMATORS = [cls(**CHECK_SETTINGS.get(name, {})) for name, cls in all_estimators()]


def test_every_estimator_has_check_settings():
    assert sorted(CHECK_SETTINGS) == sorted(name for name, _ in all_estimators())


def test_registry_finds_exactly_the_exported_estimators():
    """The registry walks the modules; what it finds must be what the package exports, and nothing else."""
    from sklearn.base import BaseEstimator

    import sklearn_redcore

    exported = sorted(
        name
        for name in sklearn_redcore.__all__
        if isinstance(obj := getattr(sklearn_redcore, name), type) and issubclass(obj, BaseEstimator)
    )
    assert [name for name, _ in all_estimators()] == exported
    assert exported == [
        "AMAEClassifier",
        "CRAClassifier",
        "MMINClassifier",
        "ModalityMasker",
        "RedCoreClassifier",
        "RedCoreRegressor",
    ]
    assert [name for name, _ in all_estimators("multimodal")] == [name for name in exported if name != "ModalityMasker"]
    with pytest.raises(ValueError, match="kind"):
        all_estimators("regressor")


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check, request):
    # (parametrize_with_checks's expected_failed_checks marks them xfail without strict or raises)
    reason = EXPECTED_FAILURES.get(type(estimator).__name__, {}).get(check.func.__name__)
    if reason is not None:
        request.applymarker(pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))
    check(estimator)
