"""RedCoreClassifier: behaviour, missing data rules, scikit-learn composition."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_redcore import RedCoreClassifier, modality_presence
from sklearn_redcore._regulation import initial_eta

from .conftest import FAST


@pytest.fixture(scope="module")
def fitted(mfeat_small):
    X, y, spec = mfeat_small
    return RedCoreClassifier(spec, random_state=0, **FAST).fit(X, y)


def test_learns_and_records_algorithm_1(fitted, mfeat_small):
    X, y, spec = mfeat_small
    assert fitted.score(X, y) > 0.8
    M = 3
    assert fitted.n_iter_ == FAST["max_epochs"]
    for name in ("eta_history_", "relative_advantage_history_", "imputation_loss_history_"):
        assert getattr(fitted, name).shape == (FAST["max_epochs"], M)
    np.testing.assert_allclose(np.linalg.norm(fitted.eta_), fitted.xi2)
    assert np.all(fitted.eta_ >= fitted.xi1 - 1e-12)
    assert not np.allclose(fitted.eta_, initial_eta(M, fitted.xi2, 2))  # Algorithm 1 moves eta from its start
    np.testing.assert_allclose(fitted.relative_advantage_history_.sum(axis=1), 0, atol=1e-9)
    np.testing.assert_allclose(fitted.missing_rate_, 1 - modality_presence(X, spec).mean(0))
    assert list(fitted.modalities_) == ["zer", "mor", "fou"]
    assert np.isfinite(fitted.imputation_loss_history_).all()


def test_predict_proba_is_finite_normalised_and_deterministic(fitted, mfeat_small):
    X, _, _ = mfeat_small
    proba = fitted.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(proba, fitted.predict_proba(X))  # means, not samples
    # one row alone gives the same answer as inside a batch
    np.testing.assert_allclose(fitted.predict_proba(X[5:6]), proba[5:6], rtol=1e-5)  # float32 sums in other orders


def test_missing_modality_input_values_are_ignored(fitted, mfeat_small):
    """Masks, not zero inputs: whatever stands in a missing modality cannot matter."""
    X, _, spec = mfeat_small
    row = X[[0]].copy()
    row[0, spec["fou"]] = np.nan
    base = fitted.predict_proba(row)
    # The same sample with its zer values NaN in a different way (partially) differs ...
    partial = row.copy()
    partial[0, spec["zer"][0]] = np.nan
    assert not np.allclose(fitted.predict_proba(partial), base)
    # ... but a sample with no modality gets the class prior.
    empty = np.full_like(row, np.nan)
    np.testing.assert_allclose(fitted.predict_proba(empty)[0], fitted.class_prior_)


def test_same_seed_same_predictions_and_global_rng_untouched(mfeat_small):
    X, y, spec = mfeat_small
    # The global states are what this test checks, hence the legacy numpy call.
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()  # noqa: NPY002
    a = RedCoreClassifier(spec, random_state=3, **FAST).fit(X, y).predict_proba(X)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == numpy_state[1].tolist()  # noqa: NPY002
    b = RedCoreClassifier(spec, random_state=3, **FAST).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    c = RedCoreClassifier(spec, random_state=4, **FAST).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, c)


def test_string_labels_and_dataframe_with_named_groups(mfeat_small):
    X, y, spec = mfeat_small
    columns = [f"{name}_{i}" for name, cols in spec.items() for i in range(len(cols))]
    order = np.concatenate(list(spec.values()))
    df = pd.DataFrame(X[:, order], columns=columns)
    named = {name: [c for c in columns if c.startswith(name + "_")] for name in spec}
    labels = np.array(["digit-" + str(v) for v in y], dtype=object)
    clf = RedCoreClassifier(named, random_state=0, **FAST).fit(df, labels)
    assert list(clf.feature_names_in_) == columns
    assert set(clf.predict(df)) <= set(labels)
    assert clf.predict(df).dtype == object
    assert clf.score(df, labels) > 0.8
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(df.rename(columns={columns[0]: "other"}))


def test_missing_data_rules(mfeat_small):
    X, y, spec = mfeat_small
    X = X.copy()
    X[:3] = np.nan  # three training rows with nothing
    with pytest.warns(UserWarning, match="3 training sample"):
        clf = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 2})).fit(X, y)
    assert np.isfinite(clf.predict_proba(X)).all()
    X_no_mor = X.copy()
    X_no_mor[:, spec["mor"]] = np.nan
    with (
        pytest.warns(UserWarning, match="miss every modality"),
        pytest.raises(ValueError, match="Modality 'mor' is missing in every training sample"),
    ):
        RedCoreClassifier(spec, **FAST).fit(X_no_mor, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        RedCoreClassifier(spec, **FAST).fit(X[3:20], np.zeros(17))


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(xi1=0.12), "xi1"),
        (dict(beta=0.0), "beta"),
        (dict(p=0.5), "'p' parameter"),
        (dict(max_epochs=0), "max_epochs"),
        (dict(modality_dropout=1.0), "modality_dropout"),
        (dict(lr=-1.0), "lr"),
        (dict(device="cuda:7"), "cuda"),
        (dict(modalities={"a": [0, 1], "b": [1]}), "two modalities"),
        (dict(advantage_reference="minimum"), "advantage_reference"),
        (dict(eta_scope="unimodal"), "eta_scope"),
    ],
)
def test_bad_parameters_raise_clear_errors(params, match):
    X = np.random.RandomState(0).normal(size=(20, 4))
    y = np.arange(20) % 2
    params = {"modalities": {"a": [0, 1], "b": [2, 3]}} | params
    if "cuda" in match and torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match=match):
        RedCoreClassifier(**params).fit(X, y)


def test_ablations(mfeat_small):
    X, y, spec = mfeat_small
    core = RedCoreClassifier(spec, regulate=False, random_state=0, **FAST).fit(X, y)
    np.testing.assert_allclose(core.eta_history_, np.tile(initial_eta(3, 0.15, 2), (FAST["max_epochs"], 1)))
    red = RedCoreClassifier(spec, unimodal_heads=False, random_state=0, **FAST).fit(X, y)
    assert red.net_.module_.unimodal_heads is None
    assert red.score(X, y) > 0.8  # measured 0.858


def test_regulation_variants_leave_core_alone_and_change_redcore(mfeat_small):
    X, y, spec = mfeat_small
    fast = FAST | {"max_epochs": 8}
    core = RedCoreClassifier(spec, regulate=False, random_state=0, **fast).fit(X, y)
    variants = dict(advantage_reference="initial", eta_scope="imputation+unimodal")
    core_variant = RedCoreClassifier(spec, regulate=False, random_state=0, **variants, **fast).fit(X, y)
    # eta fixed and equal: neither option changes a thing (the paired study's Core is shared).
    np.testing.assert_array_equal(core.predict_proba(X), core_variant.predict_proba(X))
    paper = RedCoreClassifier(spec, random_state=0, **fast).fit(X, y)
    for name, value in variants.items():
        variant = RedCoreClassifier(spec, random_state=0, **{name: value}, **fast).fit(X, y)
        assert not np.allclose(variant.eta_history_, paper.eta_history_), name
        assert not np.array_equal(variant.predict_proba(X), paper.predict_proba(X)), name
    progress = RedCoreClassifier(spec, random_state=0, advantage_reference="initial", **fast).fit(X, y)
    reference = progress.net_.regulator.reference_loss
    assert np.isfinite(reference).all() and (reference > 0).all()


def test_early_stopping_holds_out_data(mfeat_small):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(
        spec, early_stopping=True, n_iter_no_change=2, random_state=0, **(FAST | {"max_epochs": 40})
    ).fit(X, y)
    assert "valid_loss" in clf.net_.history[-1]
    # stopped by the rule: n_iter_no_change epochs after the best one on the validation data (measured: 21 + 2)
    stopper = dict(clf.net_.callbacks_)["early_stopping"]
    assert clf.n_iter_ == stopper.best_epoch_ + 2 < 40


def test_pipeline_gridsearch_cross_validate_clone_pickle(mfeat_small):
    X, y, spec = mfeat_small
    small = FAST
    pipe = make_pipeline(StandardScaler(), RedCoreClassifier(spec, random_state=0, **small))
    grid = GridSearchCV(
        pipe,
        {
            "redcoreclassifier__xi1": [0.01, 0.02],
            "redcoreclassifier__xi2": [0.15, 0.3],
            "redcoreclassifier__beta": [0.5],
        },
        cv=2,
        n_jobs=2,
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        grid.fit(X, y)
    assert len(grid.cv_results_["mean_test_score"]) == 4
    # ten classes, chance 0.1: measured 0.66 to 0.68
    assert np.all(np.array(grid.cv_results_["mean_test_score"]) > 0.6)

    scores = cross_validate(RedCoreClassifier(spec, random_state=0, **small), X, y, cv=2)
    assert scores["test_score"].shape == (2,) and np.all(scores["test_score"] > 0.6)  # measured 0.67, 0.69

    est = RedCoreClassifier(spec, random_state=1, **small)
    copy = clone(est)
    assert copy.get_params() == est.get_params() and not hasattr(copy, "net_")
    est.fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))


def test_labels_of_mixed_types_raise_a_clear_error():
    """An object y mixing str and int raises a TypeError that names the types, not numpy's sort error
    ("'<' not supported ...")."""
    X = np.random.RandomState(0).normal(size=(6, 2))
    for y in (np.array(["0", 1, "0", 1, "1", 0], dtype=object), [1, "a", None, 1, "a", None]):
        with pytest.raises(TypeError, match=r"y mixes labels of types \[.*'int'.*'str'.*\]"):
            RedCoreClassifier(**(FAST | {"max_epochs": 1})).fit(X, y)


def test_huge_values_fit_or_raise_clear_errors():
    """Values about 1e300 get their true mean and scale (no overflowing squares), so fit and
    predict_proba stay finite; a value too large for the network raises a ValueError, never NaN."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 8))
    y = np.arange(40) % 2
    spec = [[0, 1, 2, 3], [4, 5, 6, 7]]
    huge = X.copy()
    huge[:, 0] *= 1e300  # a column on a huge scale
    huge[3, 5] = -1e300  # one huge value
    huge[:, 6] = 1e300  # a huge constant
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        # (standardisation: the mean and scale below; "auto" scales the huge outlier's column robustly)
        clf = RedCoreClassifier(spec, random_state=0, feature_transform="standard", **(FAST | {"max_epochs": 2}))
        clf.fit(huge, y)
        proba = clf.predict_proba(huge)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(
        clf.input_mean_[[0, 5, 6]] / [1e300, 1e300, 1e300],
        [np.mean(huge[:, 0] / 1e300), np.mean(huge[:, 5] / 1e300), 1.0],
        rtol=1e-12,
    )
    np.testing.assert_allclose(clf.input_scale_[0] / 1e300, np.std(huge[:, 0] / 1e300), rtol=1e-12)

    with pytest.raises(ValueError, match=r"X\[0, 0\] = 1.76e\+300 is too large for the network"):
        RedCoreClassifier(spec, feature_transform="center", **FAST).fit(huge, y)
    far = huge[:2].copy()
    far[1, 2] = 1e300
    with pytest.raises(ValueError, match=r"X\[1, 2\] = 1e\+300 is too large for the network"):
        clf.predict_proba(far)

    # Within float32's range but far enough to overflow inside the network: an error, never NaN.
    wide = RedCoreClassifier(spec, max_epochs=1, random_state=0).fit(X, y)
    outcomes = []
    for _ in range(40):
        z = rng.choice([-1, 1], size=8) * rng.choice([3e38, 1e38, 1e37], size=8)
        try:
            proba = wide.predict_proba((wide.input_mean_ + wide.input_scale_ * z)[None])
            outcomes.append("finite" if np.isfinite(proba).all() else "NaN")
        except ValueError as exc:
            assert "the network's output is not finite" in str(exc)
            outcomes.append("error")
    assert "error" in outcomes and "NaN" not in outcomes


def test_diverging_training_stops_with_a_clear_error_and_no_warning():
    """An infinite imputation loss stops training at the end of its epoch with a FloatingPointError that
    names it (read once per epoch from the training device), and nothing warns on the way."""
    X = np.array([[0.676], [3e38]])  # only centred: the network overflows float32
    params = FAST | dict(max_epochs=1, batch_size=2, modality_dropout=0.0, feature_transform="center", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(FloatingPointError, match="training loss became inf at epoch 1"):
            RedCoreClassifier([[0]], **params).fit(X, [0, 1])
