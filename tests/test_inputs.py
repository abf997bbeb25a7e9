"""ModalityInputs: the fitted map from the columns of X to the network's inputs."""

import numpy as np
import pytest

from sklearn_redcore import SequenceModality
from sklearn_redcore._inputs import FEATURE_TRANSFORMS, ModalityInputs, column_stats, modality_presence
from sklearn_redcore._inputs._statistics import feature_values, quantile_stats


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 7)) * [1, 2, 3, 4, 5, 6, 7] + 10
    X[:10, 0:2] = np.nan  # vector modality "v" missing in 10 rows
    X[5:20, 2:6] = np.nan  # sequence "s" (2 steps x 2 features) missing in 15 rows
    X[30:40, 4:6] = np.nan  # and its second step is padding in 10 more
    return X


SPEC = {"v": [0, 1], "s": SequenceModality([2, 3, 4, 5], n_steps=2), "w": [6]}


def test_layout_statistics_and_transform(X):
    inputs = ModalityInputs.from_spec(SPEC, X.shape[1]).fit(X)
    assert inputs.sizes == [2, 4, 1] and inputs.sequence_shapes == [None, (2, 2), None]
    # a sequence feature is described over all its observed steps, the same for every step
    steps = X[:, 2:6].reshape(-1, 2)
    np.testing.assert_allclose(inputs.mean_[2:6], np.tile(np.nanmean(steps, axis=0), 2))
    np.testing.assert_allclose(inputs.scale_[2:6], np.tile(np.nanstd(steps, axis=0), 2))
    np.testing.assert_allclose(inputs.mean_[[0, 1, 6]], np.nanmean(X[:, [0, 1, 6]], axis=0))
    data = inputs.transform(X)
    np.testing.assert_array_equal(data.present, modality_presence(X, inputs.modalities))
    np.testing.assert_array_equal(data.observed_steps, ~np.isnan(X[:, 2:6].reshape(-1, 2, 2)).all(axis=2))
    observed = ~np.isnan(X)
    expected = np.where(observed, (X - inputs.mean_) / inputs.scale_, 0.0)
    np.testing.assert_allclose(data.x, expected, rtol=1e-6, atol=1e-6)
    assert data.x.dtype == np.float32


def test_a_given_presence_matrix_is_used_as_it_is(X):
    inputs = ModalityInputs.from_spec(SPEC, X.shape[1]).fit(X)
    present = inputs.presence(X)
    np.testing.assert_array_equal(inputs.transform(X, present=present).present, present)
    stand_in = np.zeros_like(present)  # not recomputed from X
    assert not inputs.transform(X, present=stand_in).present.any()


@pytest.mark.parametrize("transform", FEATURE_TRANSFORMS)
def test_state_round_trip(X, transform):
    inputs = ModalityInputs.from_spec(SPEC, X.shape[1], feature_transform=transform).fit(X)
    again = ModalityInputs.from_state(inputs.get_state())
    np.testing.assert_array_equal(again.transform(X).x, inputs.transform(X).x)
    assert again.shapes == inputs.shapes and again.feature_transform == transform
    bad = inputs.get_state() | {"mean": inputs.mean_[:3]}
    with pytest.raises(ValueError, match="do not match"):
        ModalityInputs.from_state(bad)
    if transform == "auto":
        np.testing.assert_array_equal(again.robust_columns_, inputs.robust_columns_)
        for robust_columns in (None, inputs.robust_columns_[:3]):
            with pytest.raises(ValueError, match="do not match"):
                ModalityInputs.from_state(inputs.get_state() | {"robust_columns": robust_columns})
    if transform == "quantile":
        with pytest.raises(ValueError, match="do not match"):
            ModalityInputs.from_state(inputs.get_state() | {"quantiles": inputs.quantiles_[:3]})
        with pytest.raises(ValueError, match="do not match"):
            ModalityInputs.from_state(inputs.get_state() | {"quantile_counts": None})


def _smooth_clip(u):
    return u / np.sqrt(1 + (u / 3) ** 2)


def test_robust_transform_is_the_median_the_interquartile_range_and_the_smooth_clip(X):
    X = X.copy()
    X[10:45, 0] = 1.0  # column 0: 35 ones and 5 zeros, interquartile range 0
    X[45:, 0] = 0.0
    inputs = ModalityInputs.from_spec(SPEC, X.shape[1], feature_transform="robust").fit(X)
    for column in (1, 6):
        observed = X[~np.isnan(X[:, column]), column]
        assert inputs.mean_[column] == np.median(observed)
        assert inputs.scale_[column] == pytest.approx(np.subtract(*np.percentile(observed, [75, 25])), rel=1e-12)
    assert (inputs.mean_[0], inputs.scale_[0]) == (1.0, 0.5)  # median 1, half the range 0..1
    steps = X[:, 2:6].reshape(-1, 2)  # a sequence feature: over all its observed steps
    steps = [column[~np.isnan(column)] for column in steps.T]
    np.testing.assert_allclose(inputs.mean_[2:6], np.tile([np.median(c) for c in steps], 2))
    data = inputs.transform(X)
    expected = np.where(np.isnan(X), 0.0, _smooth_clip((X - inputs.mean_) / inputs.scale_))
    np.testing.assert_allclose(data.x, expected, rtol=1e-6, atol=1e-6)
    assert np.abs(inputs.transform(X * 1e6).x).max() <= 3  # (3 itself after rounding to float32)


def test_auto_maps_each_column_by_its_own_choice_and_a_sequence_feature_over_its_steps():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(400, 7))
    X = z * 5 + 10  # light tails: standardised
    X[:, 1] = np.exp(2 * z[:, 1])  # log-normal: robust
    X[:, [2, 4]] = np.exp(2 * z[:, [2, 4]])  # the sequence's first feature, log-normal at both steps
    X[:, 4] = X[:, 2] * 1e3  # (its second step on another scale: the pooled values decide)
    X[::7, 0:2] = np.nan
    X[::5, 2:6] = np.nan
    spec = {"v": [6, 1, 0], "s": SequenceModality([2, 3, 4, 5], n_steps=2)}  # not in X's order
    inputs = ModalityInputs.from_spec(spec, 7, feature_transform="auto").fit(X)
    np.testing.assert_array_equal(inputs.robust_columns_, [False, True, True, False, True, False, False])
    standard = ModalityInputs.from_spec(spec, 7, feature_transform="standard").fit(X)
    robust = ModalityInputs.from_spec(spec, 7, feature_transform="robust").fit(X)
    chosen = inputs.robust_columns_
    np.testing.assert_array_equal(inputs.mean_, np.where(chosen, robust.mean_, standard.mean_))
    np.testing.assert_array_equal(inputs.scale_, np.where(chosen, robust.scale_, standard.scale_))
    z_auto, z_standard, z_robust = (m.transform(X).x for m in (inputs, standard, robust))
    in_order = chosen[inputs.column_order]
    np.testing.assert_array_equal(z_auto[:, in_order], z_robust[:, in_order])
    np.testing.assert_array_equal(z_auto[:, ~in_order], z_standard[:, ~in_order])


def test_auto_with_one_choice_everywhere_is_that_transform():
    rng = np.random.default_rng(4)
    spec = {"a": [0, 1], "b": [2]}
    for X, same in ((rng.normal(size=(100, 3)), "standard"), (rng.lognormal(sigma=2, size=(100, 3)), "robust")):
        inputs = ModalityInputs.from_spec(spec, 3, feature_transform="auto").fit(X)
        other = ModalityInputs.from_spec(spec, 3, feature_transform=same).fit(X)
        assert inputs.robust_columns_.all() == (same == "robust") and inputs.robust_columns_.any() == (same == "robust")
        np.testing.assert_array_equal(inputs.transform(X).x, other.transform(X).x)


def test_auto_keeps_the_float32_range_error_of_its_standardised_columns():
    X = np.column_stack([np.linspace(-1, 1, 40), np.exp(3 * np.linspace(-2, 2, 40))])  # standard, robust
    inputs = ModalityInputs.from_spec([[0], [1]], 2, feature_transform="auto").fit(X)
    assert inputs.robust_columns_.tolist() == [False, True]
    assert np.isfinite(inputs.transform(np.array([[0.0, 1e300]])).x).all()
    with pytest.raises(ValueError, match=r"X\[0, 0\] = 1e\+300 is too large"):
        inputs.transform(np.array([[1e300, 1.0]]))


def test_quantile_transform_makes_a_skewed_feature_normal_and_pools_sequence_steps():
    rng = np.random.default_rng(5)
    X = np.column_stack([rng.lognormal(sigma=2, size=(3000, 2)), rng.pareto(1.5, size=(3000, 4))])
    X[:500, 2:6] = np.nan
    X[500:900, 4:6] = np.nan  # second step padding
    spec = {"v": [0, 1], "s": SequenceModality([2, 3, 4, 5], n_steps=2)}
    inputs = ModalityInputs.from_spec(spec, X.shape[1], feature_transform="quantile").fit(X)
    assert inputs.quantiles_.shape == (6, 1000) and inputs.quantile_counts_.tolist() == [3000] * 2 + [4600] * 4
    np.testing.assert_array_equal(inputs.quantiles_[2:4], inputs.quantiles_[4:6])  # one map for every step
    pooled = X[:, 2:6].reshape(-1, 2)
    np.testing.assert_allclose(inputs.quantiles_[2, [0, -1]], [np.nanmin(pooled[:, 0]), np.nanmax(pooled[:, 0])])
    z = inputs.transform(X).x.astype(float)
    observed = ~np.isnan(X)
    features = [z[observed[:, j], j] for j in (0, 1)]  # a vector column; a sequence feature over its steps
    features += [np.concatenate([z[observed[:, j], j] for j in (j, j + 2)]) for j in (2, 3)]
    for values in features:
        assert abs(values.mean()) < 0.01 and abs(values.std() - 1) < 0.03
        assert abs(np.mean(values**3)) < 0.05  # symmetric, where the input's skewness is large
    np.testing.assert_array_equal(z[np.isnan(X)], 0.0)
    np.testing.assert_array_equal((inputs.mean_, inputs.scale_), (np.zeros(6), np.ones(6)))


def test_quantile_subsample_follows_random_state_and_leaves_global_rngs_alone(monkeypatch):
    from sklearn_redcore._inputs import _modality_inputs

    monkeypatch.setattr(_modality_inputs, "MAX_QUANTILE_VALUES", 300)
    X = np.random.default_rng(6).normal(size=(1000, 2))
    X[:800, 1] = np.nan  # 200 values: all of them, no draw
    spec = [[0], [1]]

    def knots(random_state):
        inputs = ModalityInputs.from_spec(spec, 2, feature_transform="quantile")
        return inputs.fit(X, random_state=random_state)

    before = np.random.get_state()[1].copy()  # noqa: NPY002
    first, again, other = knots(0), knots(0), knots(1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002
    assert first.quantile_counts_.tolist() == [300, 200]
    np.testing.assert_array_equal(first.quantiles_, again.quantiles_)
    assert not np.array_equal(first.quantiles_[0], other.quantiles_[0])
    np.testing.assert_array_equal(first.quantiles_[1], other.quantiles_[1])
    assert set(np.round(first.quantiles_[0, [0, -1]], 12)) <= set(np.round(X[:, 0], 12))  # drawn from column 0


UNFITTABLE = {
    "constant": lambda column: np.full_like(column, 4.0),
    "seen once": lambda column: np.where(np.arange(len(column)) == 3, 2.5, np.nan),
    "never observed": lambda column: np.full_like(column, np.nan),
}


@pytest.mark.parametrize("transform", FEATURE_TRANSFORMS)
@pytest.mark.parametrize("case", list(UNFITTABLE))
def test_columns_that_cannot_be_fitted_give_finite_values(transform, case):
    """The documented rule: never NaN or inf, 0 for the quantile map, the usable scale max(1, |centre|) otherwise."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 3))
    X[:, 1] = UNFITTABLE[case](X[:, 1])
    spec = {"a": [0, 1], "b": [2]}
    inputs = ModalityInputs.from_spec(spec, 3, feature_transform=transform).fit(X)
    assert np.isfinite(inputs.mean_).all() and np.isfinite(inputs.scale_).all() and (inputs.scale_ > 0).all()
    new = rng.normal(size=(5, 3))
    big = 1e300 if transform in ("robust", "quantile") else 1e30  # (beyond float32 after "standard": an error)
    new[:, 1] = [4.0, 2.5, -big, big, 0.0]  # the training value, and anything else
    z = inputs.transform(new).x
    assert np.isfinite(z).all()
    if transform == "quantile":
        np.testing.assert_array_equal(z[:, 1], 0.0)
    else:
        centre = {"constant": 4.0, "seen once": 2.5, "never observed": 0.0}[case]
        assert inputs.mean_[1] == centre and inputs.scale_[1] == (max(1.0, centre) if transform != "center" else 1.0)
    if transform in ("robust", "quantile"):
        assert np.abs(z[:, 1]).max() <= 3


def test_standard_and_center_keep_the_float32_range_error_the_others_are_bounded():
    X = np.array([[0.676, 1.0], [2.0, 2.0], [-3.0, 3.0]])
    far = np.array([[1.0, 2.0], [1e300, 2.0]])
    spec = [[0], [1]]
    for transform in ("standard", "center"):
        inputs = ModalityInputs.from_spec(spec, 2, feature_transform=transform).fit(X)
        with pytest.raises(ValueError, match=r"X\[1, 0\] = 1e\+300 is too large"):
            inputs.transform(far)
    for transform in ("robust", "quantile"):
        inputs = ModalityInputs.from_spec(spec, 2, feature_transform=transform).fit(np.vstack([X, far]))
        z = inputs.transform(np.vstack([X, far, -far])).x
        assert np.isfinite(z).all() and np.abs(z).max() <= 3


def test_feature_values_pool_the_steps_and_read_in_blocks_of_features():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(40, 7))
    X[::3, 1] = np.nan
    values = list(feature_values(X, np.array([1, 2, 3, 4, 5, 6]), n_steps=3))  # 3 steps of 2 features
    assert len(values) == 2
    for j, got in enumerate(values):
        expected = X[:, [1 + j, 3 + j, 5 + j]].ravel()
        np.testing.assert_array_equal(np.sort(got), np.sort(expected[~np.isnan(expected)]))
    wide = rng.normal(size=(3, 100_000))  # many features per block
    for j, got in zip(range(0, 100_000, 9_999), list(feature_values(wide))[::9_999]):
        np.testing.assert_array_equal(got, wide[:, j])


def test_quantile_stats_needs_a_generator_only_to_draw():
    X = np.random.default_rng(9).normal(size=(50, 1))
    knots, counts = quantile_stats(X, n_quantiles=10, max_values=50)
    assert counts.tolist() == [50] and knots.shape == (1, 10)
    with pytest.raises(ValueError, match="rng is needed"):
        quantile_stats(X, n_quantiles=10, max_values=20)


def test_sequence_statistics_hold_for_values_beyond_1e100():
    rng = np.random.default_rng(1)
    unit = rng.normal(size=(40, 6)) + 3.0
    unit[::4, 3:] = np.nan  # padding steps
    mean, std = column_stats(unit * 1e200, np.arange(6), n_steps=2)
    expected = unit.reshape(-1, 3)
    np.testing.assert_allclose(mean / 1e200, np.nanmean(expected, axis=0))
    np.testing.assert_allclose(std / 1e200, np.nanstd(expected, axis=0))


def test_values_beyond_1e100_are_found_in_any_block_of_rows():
    """The rescaling of huge columns looks at every block of rows, not the last one only."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(600, 1000))  # blocks of 262 rows
    X[:200, 0] = 1e306 * (1 + rng.random(200))
    mean_first, std_first = column_stats(X)
    mean_last, std_last = column_stats(X[::-1])
    np.testing.assert_allclose([mean_first[0], std_first[0]], [mean_last[0], std_last[0]], rtol=1e-12)
    expected = X[:, 0] / 1e306
    np.testing.assert_allclose([mean_first[0] / 1e306, std_first[0] / 1e306], [expected.mean(), expected.std()])


@pytest.mark.parametrize("transform", ["robust", "quantile"])
def test_columns_in_any_order_are_mapped_each_by_its_own_statistics(transform):
    from sklearn_redcore._inputs._transforms import normal_scores, smooth_clip

    rng = np.random.default_rng(10)
    X = rng.lognormal(size=(300, 4)) * [1, 10, 100, 1000]
    X[::5, 2] = np.nan
    spec = {"a": [3, 0], "b": [2], "c": [1]}  # not side by side in X
    inputs = ModalityInputs.from_spec(spec, 4, feature_transform=transform).fit(X)
    z = inputs.transform(X).x
    for k, column in enumerate([3, 0, 2, 1]):
        if transform == "robust":
            expected = smooth_clip((X[:, column] - inputs.mean_[column]) / inputs.scale_[column])
        else:
            expected = normal_scores(X[:, column], inputs.quantiles_[column], inputs.quantile_counts_[column])
        np.testing.assert_allclose(z[:, k], np.nan_to_num(expected, nan=0.0), rtol=1e-6, atol=1e-6)
