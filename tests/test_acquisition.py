"""acquisition_gain and acquisition_order: which missing modality to acquire next, per sample."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from sklearn_redcore import RedCoreClassifier, RedCoreRegressor, mask_modalities
from sklearn_redcore._acquisition import acquisition_gain, acquisition_order
from sklearn_redcore.datasets import make_multimodal_classification

from .conftest import FAST, load_benchmark, small_estimator

SPEC = {"signal": range(0, 6), "noise": range(6, 11), "echo": range(11, 14)}


@pytest.fixture(scope="module")
def signal_and_noise():
    """Three modalities: one carries the class, one is pure noise, one is a noisy copy of the first's signal."""
    data = make_multimodal_classification(
        600,
        modality_dims=(6, 3),
        n_classes=3,
        informative=1.0,
        noise=(0.5, 1.5),
        shared=1.0,
        class_sep=2.0,
        random_state=0,
    )
    noise = np.random.default_rng(0).normal(size=(600, 5))
    X = np.hstack([data.data[:, :6], noise, data.data[:, 6:]])
    return mask_modalities(X, SPEC, 0.4, random_state=0), X, data.target


@pytest.fixture(scope="module")
def fitted(mfeat_small):
    X, y, spec = mfeat_small
    return small_estimator(RedCoreClassifier, spec, max_epochs=8, random_state=0).fit(X[:450], y[:450]), X


@pytest.fixture(scope="module")
def classifier(signal_and_noise):
    X, _, y = signal_and_noise
    return RedCoreClassifier(SPEC, random_state=0, **FAST).fit(X[:400], y[:400])


def _only(X, keep):
    """X with every modality but ``keep`` set to NaN."""
    out = X.copy()
    for name, cols in SPEC.items():
        if name != keep:
            out[:, list(cols)] = np.nan
    return out


def test_one_gain_per_missing_modality_in_the_order_of_modalities(fitted):
    model, X = fitted
    gain = acquisition_gain(model, X[450:], X_reference=X[:450], random_state=0)
    present = model.inputs_.presence(X[450:])
    assert gain.shape == (150, 3)
    assert np.array_equal(np.isnan(gain), present)
    assert np.all(gain[~present] >= 0) and np.isfinite(gain[~present]).all()
    # a row's gains do not depend on the other rows of X
    np.testing.assert_allclose(acquisition_gain(model, X[460:461], X_reference=X[:450]), gain[10:11], rtol=1e-4)


def test_deterministic_given_random_state(fitted):
    model, X = fitted
    first = acquisition_gain(model, X[450:], X_reference=X[:450], max_reference=40, random_state=3)
    np.testing.assert_array_equal(
        first, acquisition_gain(model, X[450:], X_reference=X[:450], max_reference=40, random_state=3)
    )
    other = acquisition_gain(model, X[450:], X_reference=X[:450], max_reference=40, random_state=4)
    assert not np.allclose(first, other, equal_nan=True)  # another subset of reference rows


def test_the_informative_modality_is_worth_acquiring_and_the_noise_is_not(signal_and_noise, classifier):
    X, full, _ = signal_and_noise
    test = full[400:]
    # only the noise present: acquiring the signal (or its echo) tells the class, and gains up to log(3)
    gain = acquisition_gain(classifier, _only(test, "noise"), X_reference=X[:400], random_state=0)
    assert np.isnan(gain[:, 1]).all()
    assert gain[:, 0].mean() > 0.4 and (gain[:, 0] <= np.log(3) + 1e-9).all()
    assert (gain[:, 0] > gain[:, 2]).mean() > 0.8  # the clean signal before its noisy echo
    # only the signal present: nothing more to learn from the noise
    assert acquisition_gain(classifier, _only(test, "signal"), X_reference=X[:400])[:, 1].mean() < 0.05
    order = acquisition_order(classifier, _only(test, "noise"), X_reference=X[:400], random_state=0)
    assert (order[:, 0] == "signal").mean() > 0.8 and (order[:, 2] == None).all()  # noqa: E711


def test_a_row_with_nothing_present_gets_the_gains_from_the_prior(signal_and_noise, classifier):
    X, full, _ = signal_and_noise
    empty = np.full((2, full.shape[1]), np.nan)
    gain = acquisition_gain(classifier, empty, X_reference=X[:400])
    assert np.isfinite(gain).all() and np.array_equal(gain[0], gain[1])  # the same for every such row
    signal, noise, echo = gain[0]
    assert signal > echo > noise and signal > 0.5 and noise < 0.1


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_a_dataframe_gives_a_dataframe_with_the_modalities_and_the_index(signal_and_noise):
    X, _, y = signal_and_noise
    columns = [f"c{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns, index=np.arange(1000, 1600))
    named = {name: [columns[i] for i in cols] for name, cols in SPEC.items()}
    model = RedCoreClassifier(named, random_state=0, **(FAST | {"max_epochs": 3})).fit(frame, y)
    gain = acquisition_gain(model, frame.iloc[:5], X_reference=frame)
    assert list(gain.columns) == list(SPEC) and list(gain.index) == list(range(1000, 1005))
    np.testing.assert_allclose(gain.to_numpy(), acquisition_gain(model, frame.to_numpy()[:5], X_reference=X))


def test_regressor_gain_is_the_variance_its_prediction_would_lose(signal_and_noise):
    X, full, y = signal_and_noise
    target = y * 10.0 + 5.0
    model = small_estimator(RedCoreRegressor, SPEC, random_state=0).fit(X[:400], target[:400])
    gain = acquisition_gain(model, _only(full[400:], "noise"), X_reference=X[:400])
    # in the target's units: acquiring the signal explains much of the variance of 10 * class (66.7)
    assert gain[:, 0].mean() > 10 and gain[:, 0].mean() > 2 * gain[:, 2].mean()
    assert acquisition_gain(model, _only(full[400:], "signal"), X_reference=X[:400])[:, 1].mean() < 1


def test_substitution_takes_the_values_of_the_nearest_reference_rows(signal_and_noise):
    """Given n_draws copies of each sample's complete row, its nearest rows are those copies: one value, no gain;
    with too few rows that have all its modalities, rows are drawn at random (the prior) instead."""
    X, full, y = signal_and_noise
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X[:400], y[:400])
    test = _only(full[400:410], "noise")
    copies = np.concatenate([X[:400], np.repeat(full[400:410], 16, axis=0)])
    gain = acquisition_gain(model, test, X_reference=copies, modalities=SPEC, n_draws=16, random_state=0)
    assert np.all(gain[:, 0] < 1e-9) and np.all(gain[:, 2] < 1e-9)
    few = acquisition_gain(model, test, X_reference=X[:400], modalities=SPEC, n_draws=4000, random_state=0)
    assert few[:, 0].mean() > 0.3  # every row with the signal (fewer than n_draws): the prior


def test_substitution_finds_the_nearest_rows_in_bounded_blocks(signal_and_noise, monkeypatch):
    from sklearn_redcore._acquisition import _substitution

    X, full, y = signal_and_noise
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X[:400], y[:400])
    test = _only(full[400:450], "noise")
    whole = acquisition_gain(model, test, X_reference=X[:400], modalities=SPEC, n_draws=16, random_state=0)
    monkeypatch.setattr(_substitution, "MAX_DISTANCES", 1000)  # a few rows of X at a time
    blocks = acquisition_gain(model, test, X_reference=X[:400], modalities=SPEC, n_draws=16, random_state=0)
    np.testing.assert_array_equal(whole, blocks)


def test_other_estimators_substitute_reference_values(signal_and_noise):
    X, full, y = signal_and_noise
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X[:400], y[:400])
    test = _only(full[400:450], "noise")
    gain = acquisition_gain(model, test, X_reference=X[:400], modalities=SPEC, n_draws=16, random_state=0)
    assert np.isnan(gain[:, 1]).all() and gain[:, 0].mean() > 0.3
    again = acquisition_gain(model, test, X_reference=X[:400], modalities=SPEC, n_draws=16, random_state=0)
    np.testing.assert_array_equal(gain, again)
    regressor = HistGradientBoostingRegressor(max_iter=30).fit(X[:400], y[:400] * 10.0)
    gain = acquisition_gain(regressor, test, X_reference=X[:400], modalities=SPEC, n_draws=16, random_state=0)
    assert gain[:, 0].mean() > 10
    with pytest.raises(ValueError, match="pass modalities"):
        acquisition_gain(model, test, X_reference=X[:400])
    with pytest.raises(TypeError, match="predict_proba"):
        acquisition_gain(StandardScaler().fit(X), test, X_reference=X[:400], modalities=SPEC)


def test_pooling_moves_each_gain_toward_the_mean_of_the_samples_with_the_same_modalities(fitted):
    model, X = fitted
    own = acquisition_gain(model, X[450:], X_reference=X[:450], random_state=0)
    np.testing.assert_array_equal(own, acquisition_gain(model, X[450:], X_reference=X[:450], random_state=0, pooling=0))
    pooled = acquisition_gain(model, X[450:], X_reference=X[:450], random_state=0, pooling=1.0)
    half = acquisition_gain(model, X[450:], X_reference=X[:450], random_state=0, pooling=0.5)
    assert np.array_equal(np.isnan(pooled), np.isnan(own)) and np.array_equal(np.isnan(half), np.isnan(own))
    present = model.inputs_.presence(X[450:])
    patterns = np.unique(present, axis=0)
    assert len(patterns) > 2
    for pattern in patterns:
        rows = (present == pattern).all(1)
        np.testing.assert_allclose(pooled[rows], np.broadcast_to(own[rows].mean(0), pooled[rows].shape))
    np.testing.assert_allclose(half, (own + pooled) / 2)
    # pooled gains depend on the other rows of X: a group cut in two gets other means
    first = acquisition_gain(model, X[450:500], X_reference=X[:450], random_state=0, pooling=1.0)
    assert not np.allclose(first, pooled[:50], equal_nan=True)
    order = acquisition_order(model, X[450:], X_reference=X[:450], random_state=0, pooling=1.0)
    for pattern in patterns:
        assert len({tuple(row) for row in order[(present == pattern).all(1)]}) == 1  # one order per group


def test_pooled_gains_give_each_group_of_samples_its_best_modality_on_average(signal_and_noise, classifier):
    X, full, _ = signal_and_noise
    test = np.vstack([_only(full[400:], "noise"), _only(full[400:], "signal")])  # two groups of 200
    own = acquisition_gain(classifier, test, X_reference=X[:400], random_state=0)
    pooled = acquisition_gain(classifier, test, X_reference=X[:400], random_state=0, pooling=1.0)
    noise, signal = slice(0, 200), slice(200, 400)
    assert (np.nanargmax(pooled[noise], 1) == 0).all() and pooled[0, 0] > 0.4  # the signal, from its own group
    assert np.isnan(pooled[signal, 0]).all() and np.isnan(pooled[noise, 1]).all()
    best = 1 + np.argmax(own[signal, 1:].mean(0))  # the noise or the echo, whichever gains more on average
    assert (np.nanargmax(pooled[signal], 1) == best).all()


@pytest.mark.parametrize("pooling", [-0.1, 1.5, True, "all", np.nan])
def test_bad_pooling(fitted, pooling):
    model, X = fitted
    with pytest.raises(ValueError, match="pooling must be a float in"):
        acquisition_gain(model, X[450:460], X_reference=X[:450], pooling=pooling)


def test_order_by_gain_per_unit_of_cost(fitted):
    model, X = fitted
    gain = acquisition_gain(model, X[450:], X_reference=X[:450], random_state=0)
    cost = {"zer": 1.0, "mor": 0.5, "fou": 4.0}
    order = acquisition_order(model, X[450:], X_reference=X[:450], cost=cost, random_state=0)
    assert order.shape == gain.shape and order.dtype == object
    names = np.array(list(cost))
    for row, gains in zip(order, gain):
        missing = ~np.isnan(gains)
        expected = names[missing][np.argsort(-(gains / list(cost.values()))[missing], kind="stable")]
        assert list(row) == [*expected, *[None] * (~missing).sum()]
    same = acquisition_order(model, X[450:], X_reference=X[:450], cost=[1.0, 0.5, 4.0], random_state=0)
    np.testing.assert_array_equal(order, same)
    np.testing.assert_array_equal(
        acquisition_order(model, X[450:], X_reference=X[:450], random_state=0)[:, 0],
        np.where(np.isnan(gain).all(1), None, names[np.argmax(np.nan_to_num(gain, nan=-1), 1)]),
    )


def _with_views(model, X, keep):
    """Rows of X that have every view, with only the views of ``keep`` left."""
    columns = model.modalities_
    X = X[np.all([~np.isnan(X[:, cols]).all(axis=1) for cols in columns.values()], axis=0)].copy()
    for name, cols in columns.items():
        if name not in keep:
            X[:, cols] = np.nan
    return X


def test_neighbours_fall_back_to_partial_matches_then_to_the_prior(fitted):
    """Too few reference rows with all of a sample's views: those sharing some of them; none: every row alike."""
    model, X = fitted
    query = _with_views(model, X[450:], {"zer", "fou"})[:20]
    ref_all = _with_views(model, X[:450], {"zer", "mor", "fou"})
    partial = np.concatenate([_with_views(model, X[:450], {"zer", "mor"}), ref_all[:5]])
    alone = _with_views(model, X[:450], {"mor"})
    for reference in (ref_all, partial, alone):
        gain = acquisition_gain(model, query, X_reference=reference, random_state=0)
        assert np.isnan(gain[:, [0, 2]]).all() and np.isfinite(gain[:, 1]).all() and (gain[:, 1] >= 0).all()
        again = acquisition_gain(model, query, X_reference=reference, random_state=0)
        assert np.array_equal(gain, again, equal_nan=True)
    # which rows are the neighbours matters: the prior (every row alike) gives other gains
    assert not np.allclose(
        acquisition_gain(model, query, X_reference=alone, random_state=0)[:, 1],
        acquisition_gain(model, query, X_reference=ref_all, random_state=0)[:, 1],
    )


def test_the_plausible_values_are_those_of_the_nearest_rows(fitted):
    """A reference that holds many copies of each sample's complete row: its nearest rows are those copies, all
    of one value, so acquiring the missing view cannot change the prediction: no gain."""
    model, X = fitted
    complete = _with_views(model, X[450:], {"zer", "mor", "fou"})[:3]
    query = complete.copy()
    query[:, model.modalities_["mor"]] = np.nan
    others = _with_views(model, X[:450], {"zer", "mor", "fou"})
    copies = np.concatenate([others, np.repeat(complete, 20, axis=0)])
    assert 20 >= max(5, int(np.sqrt(len(copies))))  # the neighbours are all copies
    with_copies = acquisition_gain(model, query, X_reference=copies, random_state=0)[:, 1]
    without = acquisition_gain(model, query, X_reference=others, random_state=0)[:, 1]
    assert np.all(with_copies < 1e-6) and without.max() > 1e-4


def test_a_partial_match_is_scaled_to_all_present_views(fitted):
    """A candidate compared on one of two present views counts its distance twice (the sum over all of P)."""
    from sklearn_redcore._acquisition._redcore import _encode, _Gains

    model, X = fitted
    query = _with_views(model, X[450:], {"zer", "fou"})[:3]
    reference = _with_views(model, X[:450], {"zer", "mor", "fou"})[:4]
    computation = _Gains(model, _encode(model, query), _encode(model, reference))
    pattern, rows, candidates = np.array([True, False, True]), np.arange(3), np.arange(4)
    both = computation.distances(rows, pattern, candidates, np.ones((4, 2), dtype=bool))
    first = computation.distances(rows, pattern, candidates, np.array([[True, False]] * 4))
    second = computation.distances(rows, pattern, candidates, np.array([[False, True]] * 4))
    assert torch.allclose(first + second, 2 * both, rtol=1e-5)
    assert torch.all(first > 0) and torch.all(second > 0)


def test_costs_may_leave_out_modalities_no_sample_misses(fitted):
    model, X = fitted
    fou = model.modalities_["fou"]
    X_new = X[~np.isnan(X[:, fou]).all(axis=1)][:10]  # every row has fou, and misses the others
    X_new[:, model.modalities_["zer"]] = np.nan
    X_new[:, model.modalities_["mor"]] = np.nan
    order = acquisition_order(model, X_new, X_reference=X[:450], cost={"zer": 1.0, "mor": 1e6}, random_state=0)
    assert (order[:, 0] == "zer").all() and (order[:, 2] == None).all()  # noqa: E711


@pytest.mark.parametrize(
    "cost, match",
    [
        ({"zer": 1, "mor": 1}, r"each modality that some sample misses; none for \['fou'\]"),
        ({"zer": 1, "mor": 1, "fou": 1, "pix": 1}, r"\['pix'\], which are not modalities"),
        ([1, 2], "2 entries"),
        ([1, 0, 1], "positive"),
        ([1, np.inf, 1], "positive"),
    ],
)
def test_bad_costs(fitted, cost, match):
    model, X = fitted
    with pytest.raises(ValueError, match=match):
        acquisition_order(model, X[450:460], X_reference=X[:450], cost=cost)


def test_clear_errors(fitted, mfeat_small):
    model, X = fitted
    _, y, spec = mfeat_small
    with pytest.raises(NotFittedError, match="fit it first"):
        acquisition_gain(RedCoreClassifier(spec), X, X_reference=X)
    with pytest.raises(NotFittedError, match="fit it first"):
        acquisition_gain(HistGradientBoostingClassifier(), X, X_reference=X, modalities=spec)
    with pytest.raises(ValueError, match="X: X has 10 features"):
        acquisition_gain(model, X[:, :10], X_reference=X)
    with pytest.raises(ValueError, match="X_reference: X has 10 features"):
        acquisition_gain(model, X, X_reference=X[:, :10])
    without_fou = X[:450].copy()
    without_fou[:, spec["fou"]] = np.nan
    with pytest.raises(ValueError, match="no row with the modality 'fou'"):
        acquisition_gain(model, X[450:], X_reference=without_fou)
    has_fou = X[450:][model.inputs_.presence(X[450:])[:, 2]]
    assert acquisition_gain(model, has_fou, X_reference=without_fou).shape == (len(has_fou), 3)  # fou is not needed
    with pytest.raises(ValueError, match="modalities is for other estimators"):
        acquisition_gain(model, X, X_reference=X, modalities=spec)
    for bad in (0, True, 2.5):
        with pytest.raises(ValueError, match="max_reference"):
            acquisition_gain(model, X, X_reference=X, max_reference=bad)
    with pytest.raises(ValueError, match="n_draws"):
        acquisition_gain(model, X, X_reference=X, n_draws=0)


def test_the_curves_of_the_policies():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sklearn_redcore.plotting import plot_acquisition_curves

    results = pd.DataFrame(
        {
            "policy": ["gain"] * 4 + ["random"] * 2,
            "n_acquired": [0, 1, 0, 1, 0, 1],
            "accuracy": [0.8, 0.9, 0.8, 1.0, 0.8, 0.85],
        }
    )
    fig, ax = plt.subplots()
    assert plot_acquisition_curves(results, ax=ax, title="t") is fig
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["gain", "random"]
    np.testing.assert_allclose(lines["gain"].get_ydata(), [0.8, 0.95])  # the mean over the seeds
    assert list(ax.get_xticks()) == [0, 1] and ax.get_xlabel() == "modalities acquired per sample"
    plt.close(fig)
    with pytest.raises(ValueError, match="lack the column"):
        plot_acquisition_curves(results.drop(columns="accuracy"))


def test_the_benchmark_script_runs_its_policies(tmp_path):
    bench = load_benchmark("bench_acquisition")
    assert bench.main(["--datasets", "penguins", "--seeds", "1", "--max-epochs", "3", "--out", str(tmp_path)]) == 0
    results = pd.read_csv(tmp_path / "results.csv").set_index("policy")
    assert list(results.index) == bench.POLICIES
    scores = results[["accuracy_1", "f1_1", "accuracy_2", "f1_2"]]
    assert ((scores >= 0) & (scores <= 1)).all().all()
    # the oracle is right wherever some choice is: at least as right as any policy
    assert (results.loc["oracle", "accuracy_1"] >= results["accuracy_1"]).all()
    # three modalities: after two acquisitions every row is complete, whatever the policy
    np.testing.assert_allclose(results["accuracy_2"], results["accuracy_2"].iloc[0])
    summary = (tmp_path / "summary.md").read_text()
    assert "gain - fixed (hindsight)" in summary and "pooled - fixed (hindsight)" in summary


def test_benchmark_script_with_gradient_boosting(tmp_path):
    bench = load_benchmark("bench_acquisition")
    assert bench.main(["--datasets", "penguins", "--seeds", "1", "--model", "hgb", "--out", str(tmp_path)]) == 0
    results = pd.read_csv(tmp_path / "results.csv")
    assert set(results["policy"]) >= {"gain", "fixed (hindsight)", "random"}


def test_benchmark_script_regression_check(capsys):
    bench = load_benchmark("bench_acquisition")
    assert bench.main(["--regression", "--seeds", "1", "--max-epochs", "2"]) == 0
    printed = capsys.readouterr().out
    assert "mean squared error after one acquisition" in printed and "fixed (hindsight)" in printed


def test_study_curves_need_a_choice_and_complete_test_rows():
    """The benchmark's acquisition curves: none without a choice to make or enough complete rows; else every
    policy from the same start to the same complete rows."""
    from sklearn_redcore._benchmark._acquisition import MIN_ROWS, acquisition_curve
    from sklearn_redcore._benchmark._run import split_and_mask

    data = make_multimodal_classification(200, modality_dims=(3, 3, 2), n_classes=2, random_state=0)
    split = split_and_mask(data.data, data.target, data.modalities, [0.3, 0.3, 0.3], seed=0)
    model = RedCoreClassifier(data.modalities, max_epochs=3, random_state=0).fit(split.X_train, split.y_train)
    curve = pd.DataFrame(acquisition_curve(model, split, seed=0))
    assert len(curve) == 3 * 3
    assert curve.groupby("n_acquired")["accuracy"].nunique().loc[[0, 2]].eq(1).all()
    assert curve.equals(pd.DataFrame(acquisition_curve(model, split, seed=0)))  # seeded
    few = split._replace(X_test=split.X_test.copy())
    few.X_test[MIN_ROWS - 1 :, :3] = np.nan  # fewer complete rows than MIN_ROWS
    assert acquisition_curve(model, few, seed=0) == []
    untrained = split._replace(X_train=split.X_train.copy())
    untrained.X_train[:, data.modalities[list(data.modalities)[2]]] = np.nan  # no training row has the third
    assert acquisition_curve(model, untrained, seed=0) == []
    two = RedCoreClassifier(dict(list(data.modalities.items())[:2]), max_epochs=1, random_state=0)
    assert acquisition_curve(two.fit(split.unmasked[:, :6], split.y_train), split, seed=0) == []
