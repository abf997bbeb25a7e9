"""modality_importance: the score lost without a modality, and with it permuted."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import check_scoring
from sklearn.pipeline import make_pipeline

from sklearn_redcore import RedCoreClassifier, modality_importance
from sklearn_redcore.datasets import make_multimodal_classification

from .conftest import FAST


@pytest.fixture(scope="module")
def informative_and_noise():
    """Two modalities: one carries the class, the other is pure noise."""
    data = make_multimodal_classification(
        600, modality_dims=(6,), n_classes=3, informative=1.0, noise=0.5, class_sep=2.0, random_state=0
    )
    noise = np.random.default_rng(0).normal(size=(600, 5))
    X = np.hstack([data.data, noise])
    return X, data.target, {"signal": range(0, 6), "noise": range(6, 11)}


@pytest.mark.parametrize("kind", ["hgb", "redcore"])
def test_a_noise_modality_counts_for_nothing_and_an_informative_one_clearly(informative_and_noise, kind):
    X, y, spec = informative_and_noise
    train, test = slice(0, 400), slice(400, None)
    if kind == "hgb":
        model = HistGradientBoostingClassifier(max_iter=50, random_state=0).fit(X[train], y[train])
    else:
        model = RedCoreClassifier(spec, random_state=0, **FAST).fit(X[train], y[train])
    table = modality_importance(model, X[test], y[test], spec, n_repeats=5, random_state=0)
    assert list(table.index) == ["signal", "noise"]
    # measured: 0.47 and 0.49 (hgb), 0.50 and 0.47 (redcore) for the signal; within 0.005 of 0 for the noise
    assert table.loc["signal", "removed"] > 0.4 and table.loc["signal", "permuted_mean"] > 0.4
    assert abs(table.loc["noise", "removed"]) < 0.05 and abs(table.loc["noise", "permuted_mean"]) < 0.05
    assert table.attrs["score"] == pytest.approx(model.score(X[test], y[test]))


@pytest.mark.parametrize("scoring", [None, "f1_macro"])
def test_each_importance_is_the_score_lost_on_the_altered_copy(informative_and_noise, scoring):
    """Recomputed here: the modality's columns set to NaN, and permuted as one block with the same seed."""
    X, y, spec = informative_and_noise
    model = make_pipeline(SimpleImputer(), LogisticRegression()).fit(X[:400], y[:400])  # (no OpenMP threads)
    X, y = X[400:], y[400:]
    table = modality_importance(model, X, y, spec, scoring=scoring, n_repeats=3, random_state=7)
    scorer = check_scoring(model, scoring=scoring)
    reference = scorer(model, X, y)
    assert table.attrs["score"] == reference
    rng = np.random.RandomState(7)  # what random_state=7 seeds
    for name, cols in spec.items():
        cols = list(cols)
        missing = X.copy()
        missing[:, cols] = np.nan
        assert table.loc[name, "removed"] == reference - scorer(model, missing, y), name
        drops = []
        for _ in range(3):
            permuted = X.copy()
            permuted[:, cols] = X[rng.permutation(len(X))][:, cols]
            drops.append(reference - scorer(model, permuted, y))
        assert table.loc[name, "permuted_mean"] == pytest.approx(np.mean(drops), rel=0, abs=1e-12), name
        assert table.loc[name, "permuted_std"] == pytest.approx(np.std(drops), rel=0, abs=1e-12), name
        assert np.std(drops) > 0, name  # the repeats are different permutations


def test_the_estimators_own_modalities_a_scorer_and_a_dataframe(informative_and_noise):
    X, y, spec = informative_and_noise
    model = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 5})).fit(X, y)
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    from_array = modality_importance(model, X, y, scoring="f1_macro", random_state=1)
    assert list(from_array.index) == ["signal", "noise"]
    # the same permutations on the same values: the same numbers from a DataFrame
    named = {"signal": [f"c{i}" for i in range(6)], "noise": [f"c{i}" for i in range(6, 11)]}
    frame_model = RedCoreClassifier(named, random_state=0, **(FAST | {"max_epochs": 5})).fit(frame, y)
    from_frame = modality_importance(frame_model, frame, y, scoring="f1_macro", random_state=1)
    pd.testing.assert_frame_equal(from_array, from_frame)
    # removing is deterministic; permutations follow random_state
    again = modality_importance(model, X, y, scoring="f1_macro", random_state=1)
    pd.testing.assert_frame_equal(from_array, again)


def test_clear_errors(informative_and_noise):
    X, y, spec = informative_and_noise
    model = HistGradientBoostingClassifier(max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="pass modalities"):
        modality_importance(model, X, y)
    with pytest.raises(ValueError, match="n_repeats"):
        modality_importance(model, X, y, spec, n_repeats=0)
    with pytest.raises(ValueError, match="samples"):
        modality_importance(model, X, y[:-1], spec)


@pytest.mark.parametrize("tool", ["importance", "combinations", "acquisition"])
def test_the_tools_ask_to_fit_an_unfitted_estimator_first(tool, mfeat_small):
    from sklearn.exceptions import NotFittedError

    from sklearn_redcore import RedCoreClassifier, acquisition_gain, evaluate_modality_combinations

    X, y, spec = mfeat_small
    clf = RedCoreClassifier(spec)
    with pytest.raises(NotFittedError, match="not fitted yet: fit it first"):
        if tool == "importance":
            modality_importance(clf, X, y)
        elif tool == "combinations":
            evaluate_modality_combinations(clf, X, y, spec)
        else:
            acquisition_gain(clf, X, X_reference=X)
