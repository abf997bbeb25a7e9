"""The speed benchmark script runs end to end on tiny sizes (--quick)."""

import json
import math

import pytest
from sklearn.base import clone

from .conftest import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("bench_speed")


def test_quick_run_writes_tables_and_json(bench, tmp_path, capsys):
    out = tmp_path / "speed.json"
    assert (
        bench.main(
            [
                "--quick",
                "--samples",
                "150",
                "--modalities",
                "2",
                "--widths",
                "6",
                "--base-samples",
                "150",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    for title in (
        "Fit, by number of samples",
        "Fit, by number of modalities",
        "Fit, by columns per modality",
        "Prediction",
        "Peak memory",
        "Load average",
    ):
        assert title in printed
    results = json.loads(out.read_text())
    cases = {tuple(row["case"].values()) for row in results["fit"]}
    assert cases == {(150, 3, 16, 1), (150, 2, 16, 1), (150, 3, 6, 1)}
    for row in results["fit"]:
        # The plain loop is the same computation: same seed, same probabilities.
        assert row["max_abs_diff"] == 0.0
        assert len(row["ours"]["seconds"]) == len(row["plain"]["seconds"]) == 2
        assert all(t > 0 for t in row["ours"]["seconds"] + row["plain"]["seconds"])
        assert math.isfinite(row["overhead_median"])
        # the epochs alone take part of the whole fit; the rest is its set-up
        assert all(0 < loop < total for loop, total in zip(row["ours"]["loop_seconds"], row["ours"]["seconds"]))
        assert row["ours"]["setup_median"] > 0
    for row in results["predict"]:
        assert row["rows"] == 150
        assert row["ours"]["latency_calls"] == row["plain"]["latency_calls"] > 0
    overall = results["overall"]
    assert overall["cases"] == 3
    assert (
        min(r["overhead_median"] for r in results["fit"])
        <= overall["fit"]
        <= max(r["overhead_median"] for r in results["fit"])
    )
    (memory,) = results["memory"]
    assert memory["ours"]["peak_mib"] >= memory["ours"]["before_mib"] > 0
    assert results["meta"]["load_1min"]["max"] >= results["meta"]["load_1min"]["min"]


@pytest.mark.parametrize(
    "changed",
    [
        {"K": 1, "p": 1.0, "unimodal_heads": False},
        {"regulate": False, "kl_weight": 0.01, "stop_target_gradient": False},
    ],
)
def test_plain_loop_follows_the_estimator_parameters(bench, changed):
    """A changed parameter reaches both variants alike (else the probabilities would differ)."""
    case = bench.Case(120, 2, 5, 2)
    X, y, modalities = bench.make_data(case)
    params = bench.estimator_params(
        {
            "n_latent": 4,
            "encoder_hidden": (8,),
            "xenc_hidden": 8,
            "xenc_widths": (4,),
            "classifier_hidden": 8,
            "batch_size": 32,
            **changed,
        }
    )
    clf = bench.make_estimator(modalities, params, case.epochs, seed=3)
    inputs, data = bench.prepare(clf, X)
    ours = clone(clf).fit(X, y).predict_proba(X)
    plain, epoch_seconds = bench.train_plain(clf, inputs, data, y)
    assert (ours == bench.predict_plain(plain, data)).all()
    assert len(epoch_seconds) == case.epochs
    # ... and the plain loop does follow them: another seed, or eta regulated or not, gives other probabilities.
    for change in ({"random_state": 4}, {"regulate": not clf.regulate}):
        other, _ = bench.train_plain(clone(clf).set_params(**change), inputs, data, y)
        assert not (ours == bench.predict_plain(other, data)).all(), change
