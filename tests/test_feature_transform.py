"""The estimators' ``feature_transform`` parameter."""

import warnings

import numpy as np
import pytest
from scipy.special import ndtri
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_redcore import RedCoreClassifier
from sklearn_redcore._registry import all_estimators

from .conftest import FAST, small_estimator

MULTIMODAL = all_estimators("multimodal")


def _small(cls, spec, **params):
    return small_estimator(cls, spec, **({"max_epochs": 6, "random_state": 0} | params))


def _skewed(X):
    """mfeat with every column sent through exp: heavy right tails, the same information."""
    return np.exp(X / np.nanstd(X, axis=0) * 2)


@pytest.mark.parametrize("cls", [cls for _, cls in MULTIMODAL], ids=[name for name, _ in MULTIMODAL])
@pytest.mark.parametrize("transform", ["robust", "quantile", "auto"])
def test_every_estimator_fits_through_the_new_transforms(cls, transform, mfeat_small):
    X, y, spec = mfeat_small
    X = _skewed(X) if transform != "auto" else np.where(np.arange(X.shape[1]) % 2, _skewed(X), X)  # "auto": half
    clf = _small(cls, spec, feature_transform=transform).fit(X, y)
    assert clf.inputs_.feature_transform == transform
    outputs = clf.predict_proba(X) if hasattr(clf, "predict_proba") else clf.predict(X)
    assert np.isfinite(outputs).all()
    if hasattr(clf, "predict_proba"):
        np.testing.assert_allclose(outputs.sum(axis=1), 1, rtol=1e-5)
    if transform != "auto":
        assert np.abs(clf.inputs_.transform(X).x).max() <= (3 if transform == "robust" else -ndtri(1 / 1200))
    else:  # the exponentials of every other column of mfeat are scaled robustly, the columns as they are not
        robust = clf.inputs_.robust_columns_
        assert robust[1::2].all() and robust[0::2].mean() < 0.1  # (one Zernike moment of the 600 rows: std > IQR)


@pytest.mark.parametrize("transform", ["robust", "quantile"])
def test_redcore_learns_skewed_features_through_the_new_transforms(transform, mfeat_small):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(spec, feature_transform=transform, random_state=0, **FAST).fit(_skewed(X), y)
    assert clf.score(_skewed(X), y) > 0.8  # ten classes: chance is 0.1; measured 0.855 (robust), 0.848 (quantile)


def test_the_transform_reaches_the_network_and_is_reproducible(mfeat_small):
    X, y, spec = mfeat_small
    X = _skewed(X)
    fits = {
        t: _small(RedCoreClassifier, spec, feature_transform=t, max_epochs=2).fit(X, y)
        for t in ["standard", "quantile"]
    }
    again = _small(RedCoreClassifier, spec, feature_transform="quantile", max_epochs=2).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), fits["quantile"].predict_proba(X))
    assert not np.allclose(fits["standard"].predict_proba(X), fits["quantile"].predict_proba(X))
    assert fits["quantile"].inputs_.quantiles_ is not None and fits["standard"].inputs_.quantiles_ is None


def test_the_defaults_give_no_warning_and_clone_keeps_the_parameters(mfeat_small):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(spec, **(FAST | {"max_epochs": 1}))
    params = clf.get_params()
    assert params["feature_transform"] == "auto"
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        clf.fit(X, y)
    copy = clone(clf.set_params(feature_transform="robust"))
    assert copy.get_params()["feature_transform"] == "robust"


@pytest.mark.parametrize("params", [dict(feature_transform="minmax"), dict(feature_transform=None)])
def test_bad_values_are_refused_by_name(params, mfeat_small):
    X, y, spec = mfeat_small
    name = next(iter(params))
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        RedCoreClassifier(spec, **params).fit(X, y)
