"""The maths of the robust and quantile transforms (``_inputs/_transforms.py``), one feature at a time."""

import warnings

import numpy as np
import pytest
from scipy.special import ndtri
from sklearn.preprocessing import QuantileTransformer

from sklearn_redcore._inputs._transforms import (
    SMOOTH_CLIP_BOUND,
    choose_robust,
    normal_scores,
    quantile_knots,
    robust_centre_and_spread,
    smooth_clip,
)


# ------------------------------------------------------------- smooth clipping
def test_smooth_clip_is_the_formula_odd_increasing_and_bounded():
    u = np.linspace(-50, 50, 1001)
    np.testing.assert_allclose(smooth_clip(u), u / np.sqrt(1 + (u / 3) ** 2), rtol=1e-13)
    np.testing.assert_array_equal(smooth_clip(-u), -smooth_clip(u))
    assert np.all(np.diff(smooth_clip(u)) > 0)
    assert np.all(np.abs(smooth_clip(u)) < SMOOTH_CLIP_BOUND)
    small = np.array([1e-3, -0.05])
    np.testing.assert_allclose(smooth_clip(small), small, rtol=2e-4)  # the identity near 0


def test_smooth_clip_of_extreme_values_is_finite_and_silent():
    u = np.array([1e300, -1e300, np.inf, -np.inf, np.finfo(float).max, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = smooth_clip(u)
    np.testing.assert_allclose(result[:5], [3, -3, 3, -3, 3])
    assert np.isnan(result[5])
    np.testing.assert_allclose(smooth_clip(np.array([4.0]), bound=1.0), 4 / np.sqrt(17))


# ------------------------------------------------------ the "auto" choice
def _choice(values):
    values = np.asarray(values, dtype=float)
    return bool(choose_robust(np.array([values.std()]), np.array([robust_centre_and_spread(values)[1]]))[0])


def test_auto_chooses_robust_scaling_for_tails_heavier_than_exponential_ones():
    """The documented ratios std / IQR: 0.58 uniform, 0.74 normal, 0.91 exponential; 1.13 t(3), 3.8 and 6.3."""
    z = np.random.default_rng(0).normal(size=200_000)
    rng = np.random.default_rng(1)
    light = {
        "uniform": rng.uniform(size=200_000),
        "normal": z,
        "exponential": rng.exponential(size=200_000),
        "five codes": np.digitize(z, np.quantile(z, [0.2, 0.4, 0.6, 0.8])),
        "binary": (z > 0.5).astype(float),
    }
    heavy = {
        "t(3)": rng.standard_t(3, size=200_000),
        "log-normal": np.exp(1.5 * z),
        "cube": z**3,
        "normal with outliers": np.where(np.arange(len(z)) % 50 == 0, 100.0, z),
    }
    assert not any(_choice(values) for values in light.values())
    assert all(_choice(values) for values in heavy.values())


def test_auto_standardises_a_column_whose_iqr_is_zero_and_one_never_observed():
    mostly_blank = np.r_[np.zeros(900), np.arange(1.0, 101.0)]  # IQR 0, a long tail of values
    assert robust_centre_and_spread(mostly_blank)[1] == 50.0 and mostly_blank.std() < 50.0
    assert not _choice(mostly_blank) and not _choice(np.full(10, 3.0))
    np.testing.assert_array_equal(choose_robust([np.nan, 2.0, 2.0], [1.0, np.nan, 1.0]), [False, False, True])


# -------------------------------------------------------- robust statistics
def test_robust_centre_and_spread_are_the_median_and_the_interquartile_range():
    values = np.random.default_rng(0).lognormal(size=501)
    centre, spread = robust_centre_and_spread(values)
    assert centre == np.median(values)
    assert spread == pytest.approx(np.percentile(values, 75) - np.percentile(values, 25), rel=1e-12)


@pytest.mark.parametrize(
    "values, expected",
    [
        ([0, 0, 0, 0, 0, 0, 0, 10.0], (0.0, 5.0)),  # interquartile range 0: half the range
        ([2.5, 2.5, 2.5], (2.5, 0.0)),  # constant
        ([7.0], (7.0, 0.0)),  # seen once
    ],
)
def test_robust_spread_falls_back_to_half_the_range(values, expected):
    assert robust_centre_and_spread(np.array(values)) == expected


def test_robust_statistics_of_no_value_are_nan():
    assert all(np.isnan(robust_centre_and_spread(np.array([]))))


# ------------------------------------------------------------- quantile map
def test_knots_are_the_quantiles_and_never_decrease():
    values = np.random.default_rng(1).normal(size=300)
    np.testing.assert_array_equal(quantile_knots(values, 11), np.quantile(values, np.linspace(0, 1, 11)))
    # values whose interpolated quantiles could come out of order by rounding
    close = np.array([1.0, 1.0 + 2e-16, 1.0 + 4e-16, 1.0 + 4e-16, 3.0])
    assert np.all(np.diff(quantile_knots(close, 997)) >= 0)


def test_training_values_map_to_their_midpoint_plotting_positions():
    """With as many knots as values, the i-th smallest of n becomes Phi^-1((i - 1/2) / n)."""
    values = np.random.default_rng(2).exponential(size=200)
    z = normal_scores(values, quantile_knots(values, 200), 200)
    ranks = np.argsort(np.argsort(values)) + 1
    np.testing.assert_allclose(z, ndtri((ranks - 0.5) / 200), atol=1e-12)
    assert z.max() == pytest.approx(-ndtri(1 / 400))  # 2.81, not scikit-learn's 5.2


def test_between_the_extremes_the_levels_are_scikit_learns():
    """Inside the training range P(x) is the interpolation of scikit-learn's uniform quantile map."""
    rng = np.random.default_rng(3)
    train, test = rng.lognormal(size=(2, 2000))
    inside = test[(test > train.min()) & (test < train.max())]
    reference = QuantileTransformer(n_quantiles=100, subsample=None).fit(train[:, None])
    levels = reference.transform(inside[:, None]).ravel()
    z = normal_scores(inside, quantile_knots(train, 100), 2000)
    np.testing.assert_allclose(z, ndtri((levels * 1999 + 0.5) / 2000), atol=1e-9)


def test_values_beyond_the_training_range_take_the_extreme_levels():
    values = np.arange(10.0)
    knots = quantile_knots(values, 10)
    z = normal_scores(np.array([-1e300, -5.0, 0.0, 9.0, 12.0, 1e300]), knots, 10)
    np.testing.assert_array_equal(z[:3], z[0])
    np.testing.assert_array_equal(z[3:], z[5])
    assert z[5] == pytest.approx(-ndtri(0.05)) and z[0] == pytest.approx(-z[5])


def test_a_binary_feature_maps_to_the_middle_of_its_ranks_not_to_the_bounds():
    values = np.array([0.0] * 700 + [1.0] * 300)
    z = normal_scores(np.array([0.0, 1.0]), quantile_knots(values, 1000), 1000)
    np.testing.assert_allclose(z, ndtri([0.35, 0.85]), atol=2e-3)
    with_sklearn = QuantileTransformer(n_quantiles=1000, output_distribution="normal").fit(values[:, None])
    assert np.abs(with_sklearn.transform([[0.0], [1.0]])).min() > 5  # what the tie rule avoids


def test_a_discrete_feature_keeps_its_order_and_its_mid_ranks():
    counts = np.array([500, 250, 150, 100])  # a count feature: 0 to 3
    values = np.repeat(np.arange(4.0), counts)
    z = normal_scores(np.arange(4.0), quantile_knots(values, 1000), len(values))
    cumulative = np.cumsum(counts) / counts.sum()
    mid_ranks = cumulative - counts / counts.sum() / 2
    np.testing.assert_allclose(z, ndtri(mid_ranks), atol=3e-3)
    assert np.all(np.diff(z) > 0) and np.abs(z).max() < 2


def test_the_map_never_decreases_and_is_finite():
    rng = np.random.default_rng(4)
    values = np.concatenate([rng.standard_cauchy(500), np.zeros(200), np.full(50, 3.0)])
    knots = quantile_knots(values, 300)
    grid = np.sort(np.concatenate([rng.standard_cauchy(2000) * 10, values, [-1e308, 1e308]]))
    z = normal_scores(grid, knots, len(values))
    assert np.isfinite(z).all() and np.all(np.diff(z) >= 0)
    assert np.abs(z).max() <= -ndtri(0.5 / len(values)) + 1e-12


def test_knots_that_are_all_equal_map_everything_to_zero_and_nan_stays_nan():
    for knots in (np.full(5, 4.2), np.zeros(2)):
        z = normal_scores(np.array([4.2, -1e300, 1e300, np.nan]), knots, 1)
        np.testing.assert_array_equal(z[:3], 0.0)
        assert np.isnan(z[3])
    z = normal_scores(np.array([np.nan, 1.0]), quantile_knots(np.arange(5.0), 5), 5)
    assert np.isnan(z[0]) and np.isfinite(z[1])


def test_knots_spanning_the_float_range_give_finite_scores():
    values = np.array([-1e308, -1.0, 0.0, 1.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = normal_scores(np.array([-1.5e308, -5e307, 0.5, 5e307, 1.7e308]), quantile_knots(values, 5), 5)
    assert np.isfinite(z).all() and np.all(np.diff(z) >= 0)
