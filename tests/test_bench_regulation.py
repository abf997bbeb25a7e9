"""The paired study of RedCore against Core (benchmarks/bench_regulation.py): its helpers and a tiny run."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sklearn_redcore import RedCoreClassifier

from .conftest import FAST, load_benchmark

TINY = ["n_latent=8", "encoder_hidden=(16,)", "xenc_hidden=8", "xenc_widths=(4,)", "classifier_hidden=16"]


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("bench_regulation")


def test_paired_difference_is_the_t_interval_of_the_differences(bench):
    rng = np.random.RandomState(0)
    a, b = rng.normal(size=10), rng.normal(size=10)
    mean, low, high = bench.paired_difference(a, b)
    d = a - b
    expected = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
    assert mean == pytest.approx(d.mean())
    assert (low, high) == pytest.approx(expected)
    # A constant shift is estimated exactly, with an interval of zero width.
    assert bench.paired_difference(b + 0.01, b) == pytest.approx((0.01, 0.01, 0.01))
    assert np.isnan(bench.paired_difference([1.0], [0.5])[1])
    with pytest.raises(ValueError, match="equal-length"):
        bench.paired_difference([], [])


def test_format_difference_marks_intervals_that_exclude_zero(bench):
    assert bench.format_difference(0.01, 0.005, 0.015).endswith("▲")
    assert bench.format_difference(-0.01, -0.015, -0.005).endswith("▼")
    assert bench.format_difference(0.0, -0.01, 0.01) == "+0.000 [-0.010, +0.010]"


def test_decision_rule(bench):
    up, flat, down = (0.001, 0.01), (-0.01, 0.01), (-0.01, -0.001)
    assert bench.decision({"a": [up, flat], "b": [flat, up]}) == (True, 2, 0)
    assert bench.decision({"a": [up], "b": [up], "c": [down, up]}) == (False, 3, 1)  # a loss anywhere vetoes
    assert bench.decision({"a": [up, up, up], "b": [flat]}) == (False, 1, 0)  # one data set is not enough
    assert bench.decision({"a": [(float("nan"), float("nan"))]}) == (False, 0, 0)


def test_variants_that_only_act_through_eta_share_their_core(bench):
    models = bench.study_models(["paper", "initial", "strong-imputation"], {}, {"sequence_encoder": "mlp"})
    labels = [model.label for model in models]
    # One Core for paper and initial, one for strong-imputation (a different objective).
    assert labels == ["Core", "RedCore[paper]", "RedCore[initial]", "Core", "RedCore[strong-imputation]"]
    assert all(model.params["sequence_encoder"] == "mlp" for model in models)  # the data set's options
    assert "sequence_encoder" not in models[0].columns["params"]  # (not in the results' parameters)
    assert bench.model_params("unimodal", False, {}) == {"regulate": False}
    assert bench.model_params("strong-imputation", False, {})["imputation_weight"] == 10.0


def test_tiny_study_writes_paired_tables(bench, tmp_path, capsys):
    argv = ["--datasets", "synthetic", "--settings", "(0.8, 0.5, 0.2)", "--seeds", "0", "1", "--out", str(tmp_path)]
    argv += ["--variant", "paper", "unimodal", *sum((["--param", p] for p in [*TINY, "max_epochs=2"]), [])]
    assert bench.main(argv) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert summary in capsys.readouterr().out
    results = pd.read_csv(tmp_path / "results.csv")
    assert sorted(results["model"].unique()) == ["Core", "RedCore[paper]", "RedCore[unimodal]"]
    assert len(results) == 6 and results["Ave."].between(0, 1).all()
    row = next(line for line in summary.splitlines() if line.startswith("| synthetic | (0.8, 0.5, 0.2) | 0."))
    assert row.count("[") == 2  # one interval per variant
    assert "m0 (0.8):" in summary and "* unimodal: above 0 on" in summary
    # The same tables from the saved results, without fitting.
    again = tmp_path / "again"
    argv = ["--results", str(tmp_path / "results.csv"), "--out", str(again), *argv[argv.index("--variant") :]]
    assert bench.main(argv) == 0
    assert (again / "summary.md").read_text().split("\n\n")[:4] == summary.split("\n\n")[:4]


def test_each_data_set_runs_the_settings_with_one_rate_per_modality(bench, tmp_path):
    """The six views run under the six-rate setting alone, the 3-modality sets under the three-rate ones."""
    wide = "wide views missing (0.5, 0.8, 0.5, 0.8, 0.2, 0.2)"
    argv = ["--datasets", "mfeat six views, 300 rows", "synthetic", "--settings", "(0.8, 0.5, 0.2)", wide]
    argv += ["--seeds", "0", "--out", str(tmp_path), "--variant", "paper", "spread"]
    argv += sum((["--param", p] for p in [*TINY, "max_epochs=2"]), [])
    assert bench.main(argv) == 0
    results = pd.read_csv(tmp_path / "results.csv")
    settings = results.groupby("dataset")["setting"].unique()
    assert list(settings["mfeat six views, 300 rows"]) == [wide]
    assert list(settings["synthetic"]) == ["(0.8, 0.5, 0.2)"]
    assert sorted(results["model"].unique()) == ["Core", "RedCore[paper]", "RedCore[spread]"]
    assert "fac (0.8):" in (tmp_path / "summary.md").read_text()


@pytest.mark.parametrize("stop", [True, False])
def test_gradient_shares_see_where_the_imputation_gradient_goes(bench, mfeat_small, stop):
    X, y, spec = mfeat_small
    model = RedCoreClassifier(spec, stop_target_gradient=stop, random_state=0, **(FAST | {"max_epochs": 2}))
    model.fit(X, y)
    shares = bench.gradient_shares(model, X, y, n_batches=2, batch_size=64)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert "eta0 L0" in shares.columns and "cross-modal encoder 0" in shares.index
    # The self-modal encoder of m receives eta^m L^m only without the stop.
    own = shares.loc["self-modal encoder 0", "eta0 L0"]
    assert (own == 0) if stop else (own > 0)
    # The cross-modal encoder of m never sees another modality's imputation loss; heads never see any.
    assert shares.loc["cross-modal encoder 0", ["eta1 L1", "eta2 L2"]].sum() == 0
    assert shares.loc["joint head", ["eta0 L0", "eta1 L1", "eta2 L2"]].sum() == 0
