"""The speed benchmark: its plain PyTorch loop is the estimator's computation, and the script runs (--quick)."""

import gc
import json
import math
import pickle

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_redcore._benchmark._plain_loop import PlainLoop
from sklearn_redcore._benchmark._speed import Case, estimator_params, make_data, make_estimator, run_worker

from .conftest import load_benchmark

#: A tiny network: four mini-batches per epoch, two epochs.
SMALL = dict(n_latent=4, encoder_hidden=(8,), xenc_hidden=8, xenc_widths=(4,), classifier_hidden=8, batch_size=16)
CASE = Case(60, 2, 4, 2)

#: Each loss or Algorithm 1 parameter, moved away from its default.
CHANGED = {
    "imputation_weight": 3.0,
    "eta_scope": "imputation+unimodal",
    "kl_weight": 0.1,
    "K": 1,
    "p": 1.0,
    "beta": 0.2,
    "alpha1": 1.0,
    "xi1": 0.1,
    "regulate": False,
    "unimodal_heads": False,
    "stop_target_gradient": False,
    "modality_dropout": 0.0,
}


def both_variants(changed: dict) -> tuple[np.ndarray, np.ndarray]:
    """The probabilities of the estimator and of its plain loop, with ``changed`` parameters."""
    X, y, modalities = make_data(CASE)
    estimator = make_estimator(modalities, estimator_params({**SMALL, **changed}), CASE.epochs, seed=3)
    loop = PlainLoop(estimator, X, y)
    module, epoch_seconds = loop.train()
    assert len(epoch_seconds) == CASE.epochs
    return clone(estimator).fit(X, y).predict_proba(X), loop.predict_proba(module)


@pytest.fixture(scope="module")
def defaults():
    return both_variants({})


def test_plain_loop_is_the_estimator_computation(defaults):
    ours, plain = defaults
    assert (ours == plain).all()


@pytest.mark.parametrize("name", list(CHANGED))
def test_a_changed_parameter_changes_both_alike(name, defaults):
    """Each loss or Algorithm 1 parameter reaches the plain loop (identical), and changes the result (seen)."""
    ours, plain = both_variants({name: CHANGED[name]})
    assert (ours == plain).all()
    assert not (ours == defaults[0]).all()


@pytest.mark.parametrize(
    "changed",
    [
        {"weight_averaging": 0.5},
        {"tol": 1e-3},
        {"lr_schedule": "linear"},
        {"early_stopping": True, "validation_fraction": 0.3},
    ],
)
def test_plain_loop_refuses_what_it_does_not_reproduce(changed):
    X, y, modalities = make_data(CASE)
    estimator = make_estimator(modalities, estimator_params(SMALL), CASE.epochs, seed=3).set_params(**changed)
    with pytest.raises(ValueError, match="does not reproduce"):
        PlainLoop(estimator, X, y)


def test_memory_worker_measures_the_peak(tmp_path, capsys):
    """What each fresh process of the memory measurement runs (here in this process, to keep the test fast)."""
    X, y, modalities = make_data(CASE)
    params = estimator_params(SMALL)
    with open(tmp_path / "plain.pkl", "wb") as file:
        pickle.dump(PlainLoop(make_estimator(modalities, params, 1, 0), X, y), file)
    spec = {"worker": "memory", "case": CASE._asdict(), "params": params, "variant": "plain"}
    run_worker(json.dumps({**spec, "plain_loop": str(tmp_path / "plain.pkl")}))
    memory = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert memory["peak_mib"] >= memory["before_mib"] > 0
    assert memory["increase_mib"] == pytest.approx(memory["peak_mib"] - memory["before_mib"])


def test_quick_run_writes_tables_and_json(tmp_path, capsys):
    bench = load_benchmark("bench_speed")
    out = tmp_path / "speed.json"
    argv = ["--quick", "--samples", "150", "--modalities", "2", "--widths", "6", "--base-samples", "150"]
    gc.freeze()  # the benchmark collects garbage before each fit: not through the test session's objects
    try:
        assert bench.main([*argv, "--latency-calls", "4", "--no-memory", "--out", str(out)]) == 0
    finally:
        gc.unfreeze()
    printed = capsys.readouterr().out
    for title in ("Fit, by number of samples", "Fit, by number of modalities", "Fit, by columns per modality"):
        assert title in printed
    assert "Prediction" in printed and "Load average" in printed
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
    assert results["memory"] == []
    assert results["meta"]["load_1min"]["max"] >= results["meta"]["load_1min"]["min"]
