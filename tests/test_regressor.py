"""RedCoreRegressor: what it learns, its targets, its missing-data rules, and its place in scikit-learn."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_redcore import (
    RedCoreClassifier,
    RedCoreRegressor,
    evaluate_modality_combinations,
    load_model,
    mask_modalities,
    save_model,
)

from .conftest import FAST

SPEC = {"a": [0, 1, 2, 3], "b": [4, 5, 6, 7, 8]}


def _linear_data(n=600, seed=0, missing=0.3):
    """Targets that both modalities explain: y = a.w_a + b.w_b + small noise, a and b correlated."""
    rng = np.random.RandomState(seed)
    latent = rng.normal(size=(n, 3))
    X = np.hstack([latent @ rng.normal(size=(3, 4)), latent @ rng.normal(size=(3, 5))]) + 0.1 * rng.normal(size=(n, 9))
    y = latent @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n)
    return mask_modalities(X, SPEC, missing, random_state=seed), X, y


@pytest.fixture(scope="module")
def fitted():
    X, _, y = _linear_data()
    return RedCoreRegressor(SPEC, random_state=0, **(FAST | {"max_epochs": 60})).fit(X[:450], 3.0 * y[:450] + 100.0)


def test_learns_from_incomplete_samples_and_predicts_in_the_targets_units(fitted):
    X, _, y = _linear_data()
    prediction = fitted.predict(X[450:])
    assert prediction.shape == (150,)
    assert r2_score(3.0 * y[450:] + 100.0, prediction) > 0.95  # measured 0.993
    assert fitted.score(X[450:], 3.0 * y[450:] + 100.0) == pytest.approx(r2_score(3.0 * y[450:] + 100.0, prediction))
    # standardised inside: the statistics are those of the training targets
    np.testing.assert_allclose(fitted.target_mean_, [np.mean(3.0 * y[:450] + 100.0)])
    np.testing.assert_allclose(fitted.target_scale_, [np.std(3.0 * y[:450] + 100.0)])
    assert fitted.eta_history_.shape == (fitted.n_iter_, 2)
    assert np.isfinite(fitted.net_.history[:, "regression"]).all()


def test_each_modality_alone_still_predicts(fitted):
    X_full = _linear_data()[1][450:]
    y = 3.0 * _linear_data()[2][450:] + 100.0
    table = evaluate_modality_combinations(fitted, X_full, y, SPEC)
    assert list(table.index) == ["r2"]
    assert (table.iloc[0] > 0.95).all(), table  # measured 0.990 (a), 0.992 (b), 0.994 (a+b)


def test_rows_without_any_modality_get_the_training_mean(fitted):
    X = np.full((3, 9), np.nan)
    np.testing.assert_array_equal(fitted.predict(X), np.repeat(fitted.target_mean_, 3))


def test_several_targets_each_on_its_own_scale():
    X, _, y = _linear_data(n=400)
    Y = np.c_[y, 1e6 * -y + 5e6]
    reg = RedCoreRegressor(SPEC, random_state=0, **(FAST | {"max_epochs": 40})).fit(X, Y)
    assert reg.n_outputs_ == 2 and reg.predict(X).shape == (400, 2)
    np.testing.assert_allclose(reg.target_scale_, Y.std(axis=0))
    per_target = r2_score(Y, reg.predict(X), multioutput="raw_values")
    assert (per_target > 0.95).all(), per_target  # measured 0.991 each
    # one column is a single target: 1-D predictions, with the warning scikit-learn's neural networks give
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        single = RedCoreRegressor(SPEC, random_state=0, max_epochs=2).fit(X, y[:, None])
    assert single.predict(X).shape == (400,)


def test_targets_near_the_float64_limit_are_standardised_without_overflow():
    X, _, y = _linear_data(n=200)
    reg = RedCoreRegressor(SPEC, random_state=0, max_epochs=3).fit(X, 1e307 * np.sign(y) + 1e306 * y)
    assert np.isfinite(reg.target_mean_).all() and np.isfinite(reg.target_scale_).all() and reg.target_scale_[0] > 1e306
    assert np.isfinite(reg.predict(X)).all()


def test_a_constant_target_is_predicted_as_the_constant():
    X, _, y = _linear_data(n=200)
    targets = np.column_stack([np.full(200, 7.0), y])  # a constant target beside one that varies
    reg = RedCoreRegressor(SPEC, random_state=0, max_epochs=5).fit(X, targets)
    assert reg.target_mean_[0] == 7.0 and reg.target_scale_[0] == 7.0  # max(1, |mean|), as for a constant column of X
    np.testing.assert_array_equal(reg.target_constant_, [True, False])
    prediction = reg.predict(X)
    assert (prediction[:, 0] == 7.0).all()  # exactly, not the network's residual times the scale
    assert np.ptp(prediction[:, 1]) > 1.0  # the other target is predicted from the data
    assert (reg.predict(np.full((1, 9), np.nan)) == reg.target_mean_).all()  # no modality: the training means


@pytest.mark.parametrize(
    "y, match",
    [
        (np.r_[np.nan, np.ones(199)], "NaN"),
        (np.r_[np.inf, np.ones(199)], "infinity"),
        (np.array(["a", "b"] * 100), "needs numeric targets.*RedCoreClassifier"),
    ],
)
def test_bad_targets_raise_clear_errors(y, match):
    X, _, _ = _linear_data(n=200)
    with pytest.raises(ValueError, match=match):
        RedCoreRegressor(SPEC, max_epochs=1).fit(X, y)


@pytest.mark.parametrize(
    "spec, match",
    [
        ({"a": [0, 1], "b": [1, 2]}, "belongs to two modalities"),
        ({"a": [0, 1], "b": [9, 10]}, "column index 9 is out of range"),
        ({"a": [0, 1], "b": []}, "b"),
    ],
)
def test_bad_modality_specifications_raise_clear_errors(spec, match):
    X, _, y = _linear_data(n=50)
    with pytest.raises(ValueError, match=match):
        RedCoreRegressor(spec, max_epochs=1).fit(X, y)


def test_missing_data_rules_as_in_the_classifier():
    X, _, y = _linear_data(n=200)
    with pytest.warns(UserWarning, match="miss every modality and are ignored") as record:
        RedCoreRegressor(SPEC, max_epochs=1).fit(np.r_[np.full((1, 9), np.nan), X], np.r_[0.0, y])
    assert record[0].filename == __file__  # the warning points at the user's call of fit
    with pytest.warns(UserWarning, match="belong to no modality") as record:
        RedCoreRegressor({"a": SPEC["a"]}, max_epochs=1).fit(X, y)
    assert record[0].filename == __file__
    X[:, SPEC["b"]] = np.nan
    with pytest.raises(ValueError, match="missing in every training sample"):
        RedCoreRegressor(SPEC, max_epochs=1).fit(X, y)
    with pytest.raises(TypeError, match="class_weight"):
        RedCoreRegressor(SPEC, class_weight="balanced")  # a classifier's parameter only


def test_warm_start_continues_and_checks_the_targets():
    X, _, y = _linear_data(n=300)
    reg = RedCoreRegressor(SPEC, random_state=0, warm_start=True, max_epochs=3, tol=None).fit(X, y)
    mean = reg.target_mean_.copy()
    reg.fit(X, y + 1000.0)
    assert reg.n_iter_ == 6
    np.testing.assert_array_equal(reg.target_mean_, mean)  # the first fit's standardisation is kept
    with pytest.raises(ValueError, match="target"):
        reg.fit(X, np.c_[y, y])


def test_sample_weight_zero_is_the_sample_left_out():
    X, _, y = _linear_data(n=300)
    weight = np.r_[np.ones(200), np.zeros(100)]
    params = dict(random_state=0, max_epochs=4, tol=None)
    weighted = RedCoreRegressor(SPEC, **params).fit(X, y, sample_weight=weight)
    subset = RedCoreRegressor(SPEC, **params).fit(X[:200], y[:200])
    np.testing.assert_allclose(weighted.predict(X), subset.predict(X), rtol=1e-5, atol=1e-6)
    # weights count in the targets' statistics
    heavy = RedCoreRegressor(SPEC, **params).fit(X, y, sample_weight=np.r_[np.full(150, 3.0), np.ones(150)])
    np.testing.assert_allclose(heavy.target_mean_, [np.average(y, weights=np.r_[np.full(150, 3.0), np.ones(150)])])


def test_early_stopping_holds_out_unstratified_data():
    X, _, y = _linear_data(n=300)
    reg = RedCoreRegressor(SPEC, random_state=0, early_stopping=True, n_iter_no_change=3, max_epochs=30).fit(X, y)
    assert reg.do_early_stopping_ and np.isfinite(reg.net_.history[:, "valid_loss"]).all()


def test_save_load_round_trip(fitted, tmp_path):
    X, _, _ = _linear_data()
    save_model(fitted, tmp_path / "reg.pt")
    loaded = load_model(tmp_path / "reg.pt")
    assert type(loaded) is RedCoreRegressor and loaded.get_params() == fitted.get_params()
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))
    np.testing.assert_array_equal(loaded.target_scale_, fitted.target_scale_)


def test_pipeline_search_cross_validate_clone_and_preset():
    X, _, y = _linear_data(n=300)
    pipe = make_pipeline(FunctionTransformer(), RedCoreRegressor(SPEC, random_state=0, max_epochs=3))
    search = GridSearchCV(pipe, {"redcoreregressor__xi1": [0.01, 0.05]}, cv=2).fit(X, y)
    scores = cross_validate(clone(pipe).set_params(redcoreregressor__xi1=0.05), X, y, cv=2)["test_score"]
    # the same folds and seeds: the search scored the candidate as cross_validate does (R² 0.13 and 0.08 after 3 epochs)
    np.testing.assert_array_equal(scores, [search.cv_results_[f"split{i}_test_score"][1] for i in range(2)])
    assert np.all(scores > 0.03)
    preset = RedCoreRegressor.from_preset("paper", SPEC, max_epochs=2)
    assert type(preset) is RedCoreRegressor and preset.kl_weight == 125.0
    assert type(RedCoreClassifier.from_preset("paper", SPEC)) is RedCoreClassifier


@pytest.mark.parametrize("encoder", ["conv", "transformer"])
def test_sequence_modalities_with_either_encoder(encoder):
    from sklearn_redcore.datasets import make_sequence_classification

    data = make_sequence_classification(120, modality_shapes=[(6, 2), (5, 3)], n_classes=2, random_state=0)
    y = data.target + 0.1 * np.random.RandomState(0).normal(size=120)
    reg = RedCoreRegressor(data.modalities, sequence_encoder=encoder, max_epochs=2, random_state=0).fit(data.data, y)
    prediction = reg.predict(data.data)
    assert prediction.shape == (120,) and np.isfinite(prediction).all()
    assert reg.modality_shapes_ == {name: shape for name, shape in zip(data.modalities, [(6, 2), (5, 3)])}
