"""The tabular suite: data sets, per-combination specialists, RealMLP and TabM (skipped without pytabkit), script."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from sklearn_redcore import mask_modalities, modality_presence
from sklearn_redcore._benchmark import MODEL_NAMES, make_model
from sklearn_redcore._benchmark._specialists import CombinationSpecialists

from .conftest import load_benchmark


@pytest.fixture(scope="module")
def suite():
    return load_benchmark("bench_tabular_suite")


def test_every_data_set_has_complete_modalities_that_cover_its_columns(suite):
    expected = {"mfeat_wide": 6, "segment_two": 2}  # three modalities otherwise
    for name, loader in (suite.DATASETS | suite.TABULAR_EXTRA).items():
        data, again = loader(), loader()
        n_samples, n_columns = data.data.shape
        columns = np.concatenate([np.asarray(c) for c in data.modalities.values()])
        assert len(data.modalities) == expected.get(name, 3), name
        assert np.array_equal(np.sort(columns), np.arange(n_columns)), name
        assert n_samples == len(data.target) >= 300 and not np.isnan(data.data).any(), name
        np.testing.assert_array_equal(data.data, again.data)  # deterministic
    digits = suite.DATASETS["digits"]()
    assert [len(c) for c in digits.modalities.values()] == [24, 16, 24] and digits.modalities["middle"][0] == 24
    wide = suite.DATASETS["mfeat_wide"]()  # widest first, so that "imbalanced" takes the widest away most often
    assert [len(c) for c in wide.modalities.values()] == [240, 216, 76, 64, 47, 6] and len(wide.target) == 300


def test_settings_cover_shared_and_imbalanced_rates(suite):
    assert suite.settings_for(3, suite.SETTINGS) == {
        "shared 0.0": (0.0, 0.0, 0.0),
        "shared 0.5": (0.5, 0.5, 0.5),
        "imbalanced (0.8, 0.5, 0.2)": (0.8, 0.5, 0.2),
    }
    assert suite.settings_for(2, ["imbalanced"]) == {"imbalanced (0.8, 0.2)": (0.8, 0.2)}


def test_specialists_route_each_sample_to_the_model_of_its_modalities():
    rng = np.random.default_rng(0)
    n = 300
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 4)) + np.column_stack([y, y, -y, 0 * y])
    spec = {"a": [0, 1], "b": [2], "c": [3]}
    X_train = mask_modalities(X, spec, [0.3, 0.3, 0.0], random_state=0)
    model = CombinationSpecialists(spec).fit(X_train, y)
    assert len(model.specialists_) == 7
    present = modality_presence(X_train, spec)
    assert model.specialists_[("a", "b")].n_features_in_ == 3
    assert len(model.specialists_[("a", "b")][-1].coef_[0]) == 3
    # each specialist learnt from the rows that have all its modalities
    both = present[:, 0] & present[:, 1]
    refit = make_model("Impute+LR", spec, 0).fit(X_train[both][:, [0, 1, 2]], y[both])
    np.testing.assert_allclose(model.specialists_[("a", "b")][-1].coef_, refit[-1].coef_)
    # a row with modalities a and c only goes to the (a, c) specialist
    X_test = X[:50].copy()
    X_test[:25, 2] = np.nan
    expected = np.concatenate(
        [
            model.specialists_[("a", "c")].predict(X_test[:25][:, [0, 1, 3]]),
            model.specialists_[("a", "b", "c")].predict(X_test[25:]),
        ]
    )
    np.testing.assert_array_equal(model.predict(X_test), expected)
    assert model.score(X, y) > 0.8
    nothing = np.full((2, 4), np.nan)
    np.testing.assert_array_equal(model.predict(nothing), [model.majority_] * 2)


def test_the_study_knows_the_specialists():
    assert {"Specialist-LR", "Specialist-HGB", "RealMLP", "TabM"} <= set(MODEL_NAMES)
    model = make_model("Specialist-HGB", {"a": [0], "b": [1]}, seed=4)
    assert isinstance(model, CombinationSpecialists)
    trees = model.estimator[-1]  # after the step that drops columns never observed
    assert isinstance(trees, HistGradientBoostingClassifier) and trees.random_state == 4


@pytest.mark.parametrize("name", ["RealMLP", "TabM"])
def test_pytabkit_entries_say_what_they_need(monkeypatch, name):
    from sklearn_redcore._benchmark import _pytabkit

    monkeypatch.setattr(_pytabkit, "pytabkit_available", lambda: False)
    with pytest.raises(ValueError, match=rf"{name} needs pytabkit.*\[tabular\]"):
        make_model(name, {"a": [0]}, seed=0)


@pytest.mark.parametrize(("name", "step"), [("RealMLP", "realmlp_td_classifier"), ("TabM", "tabm_d_classifier")])
def test_pytabkit_models_impute_then_fit_with_the_seed_on_one_thread(name, step):
    pytest.importorskip("pytabkit")
    import warnings

    rng = np.random.default_rng(0)
    y = np.arange(120) % 3
    X = rng.normal(size=(120, 5)) + y[:, None]
    spec = {"a": [0, 1, 2], "b": [3, 4]}
    X = mask_modalities(X, spec, [0.3, 0.3], random_state=0)
    predictions = []
    for _ in range(2):
        model = make_model(name, spec, seed=7)
        network = model[-1]
        assert (network.random_state, network.n_threads, network.device) == (7, 1, "cpu")
        model.set_params(**{f"{step}__n_epochs": 3})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch Lightning's
            model.fit(X, y)
            predictions.append(model.predict_proba(X))
        assert model[0].indicator_ is not None  # the missing modalities' indicators go in
    np.testing.assert_array_equal(predictions[0], predictions[1])  # the seed fixes the fit
    assert predictions[0].shape == (120, 3)


def test_script_reports_margins_and_the_specialist(suite, tmp_path, capsys):
    args = ["--datasets", "penguins", "--seeds", "0", "1", "--models", "Impute+LR", "--n-jobs", "1"]
    assert suite.main([*args, "--settings", "shared 0.0", "--out", str(tmp_path)]) == 0
    results = pd.read_csv(tmp_path / "results.csv")
    assert results.groupby("model").size().to_dict() == {
        "Impute+LR": 2,
        "Specialist-LR": 2,
        "Specialist-HGB": 2,
        "Specialist (best)": 2,
    }
    combos = ["bill", "body", "isotopes", "bill+body", "bill+isotopes", "body+isotopes", "bill+body+isotopes"]
    best = results[results["model"] == "Specialist (best)"][combos].to_numpy()
    pair = results[results["model"].isin(["Specialist-LR", "Specialist-HGB"])]
    # per combination, one of the two specialists, the same in both seeds, at least as good as the other on average
    means = pair.groupby("model")[combos].mean()
    for j, combo in enumerate(combos):
        chosen = means[combo].idxmax()
        np.testing.assert_allclose(best[:, j], pair[pair["model"] == chosen][combo].to_numpy())
    summary = (tmp_path / "summary.md").read_text()
    assert summary in capsys.readouterr().out and "Specialist (best)" in summary


def test_margins_compare_redcore_with_the_best_baseline_not_with_core(suite):
    rows = [
        ("shared 0.5", "RedCore", [0.90, 0.92], 2.0),
        ("shared 0.5", "Core", [0.95, 0.95], 1.0),  # an ablation, not a baseline
        ("shared 0.5", "HGB", [0.89, 0.89], 0.5),
        ("shared 0.5", "Impute+LR", [0.85, 0.86], 0.1),
        ("shared 0.0", "RedCore", [0.80, 0.80], 2.0),
        ("shared 0.0", "Impute+LR", [0.81, 0.81], 0.1),
        ("shared 0.0", "Specialist (best)", [0.85, 0.83], 0.3),
    ]
    results = pd.DataFrame(
        [
            {"data": "d", "setting": setting, "model": model, "seed": seed, "Ave.": score, "fit_time": fit}
            for setting, model, scores, fit in rows
            for seed, score in enumerate(scores)
        ]
    )
    table = suite.margins(results).set_index("setting")
    assert table.loc["shared 0.5", "best baseline"] == "HGB"
    assert table.loc["shared 0.5", "RedCore - best"] == pytest.approx(0.02)
    assert bool(table.loc["shared 0.5", "RedCore >= best + 0.01"])
    assert table.loc["shared 0.5", "best's fit s"] == 0.5 and np.isnan(table.loc["shared 0.5", "specialist"])
    assert table.loc["shared 0.0", "RedCore - best"] == pytest.approx(-0.01)
    assert not table.loc["shared 0.0", "RedCore >= best + 0.01"]
    assert table.loc["shared 0.0", "RedCore - specialist"] == pytest.approx(-0.04)
