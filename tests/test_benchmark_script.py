"""The accuracy benchmark script runs end to end (on its cheapest model)."""

import pandas as pd
import pytest

from .conftest import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("bench_missing_rates")


@pytest.mark.parametrize("seeds", [["0"], ["0", "1"]])
def test_benchmark_writes_its_table(bench, tmp_path, seeds, capsys):
    assert (
        bench.main(["--settings", "shared 0.5", "--seeds", *seeds, "--models", "Impute+LR", "--out", str(tmp_path)])
        == 0
    )
    summary = (tmp_path / "summary.md").read_text()
    assert summary in capsys.readouterr().out
    row = next(line for line in summary.splitlines() if line.startswith("| shared 0.5"))
    assert ("±" in row) is (len(seeds) > 1)
    results = pd.read_csv(tmp_path / "results.csv")
    assert len(results) == len(seeds) and {"fou+zer+mor", "Ave.", "fit_time"} <= set(results.columns)
    assert results["Ave."].between(0.5, 1.0).all()


def test_sequence_benchmark_runs_end_to_end(tmp_path, capsys):
    module = load_benchmark("bench_sequences")
    tiny = [
        "--n-samples",
        "60",
        "--steps",
        "4",
        "--features",
        "2",
        "--epochs",
        "1",
        "--width",
        "8",
        "--heads",
        "2",
        "--layers",
        "1",
        "--seeds",
        "0",
        "--out",
        str(tmp_path),
    ]
    assert module.main(["accuracy", *tiny]) == 0
    results = pd.read_csv(tmp_path / "results.csv")
    assert results["encoder"].tolist() == ["transformer", "mlp"] and results["Ave."].between(0, 1).all()
    assert module.main(["paper-size", "--n-samples", "40", "--steps", "3", "--out", str(tmp_path)]) == 0
    assert "epoch time (s)" in (tmp_path / "paper_size.md").read_text()
    cost = ["encoder-cost", "--data", "synthetic", "--configs", "conv 32", "transformer 32/1/4", "--epochs", "1"]
    assert module.main([*cost, "--repeats", "1", "--param", "n_latent=4", "--out", str(tmp_path)]) == 0
    results = pd.read_csv(tmp_path / "encoder_cost.csv")
    assert results["config"].tolist() == ["conv 32", "transformer 32/1/4"] and (results["cpu_per_epoch"] > 0).all()
    assert "| conv 32 " in (tmp_path / "encoder_cost.md").read_text()


def test_sequence_suite_names_the_encoder_and_writes_every_fit(tmp_path, capsys):
    module = load_benchmark("bench_sequence_suite")
    args = ["--data", "synthetic", "--models", "RedCore", "--encoder", "conv", "--seeds", "0", "--n-jobs", "1"]
    assert module.main([*args, "--param", "max_epochs=2", "--out", str(tmp_path / "fits.csv")]) == 0
    results = pd.read_csv(tmp_path / "fits.csv")
    assert set(results["model"]) == {"RedCore max_epochs=2, sequence_encoder=conv"} and len(results) == 2
    assert results["Ave."].between(0.0, 1.0).all()
    table = capsys.readouterr().out
    assert "sequence_encoder=conv" in table and "epochs (median)" in table
    with pytest.raises(SystemExit):  # a data set the suite does not know is refused, not replaced
        module.main(["--data", "JapaneseVowels"])
    with pytest.raises(ValueError, match="unknown data set"):
        module._data("JapaneseVowels")


def test_cost_benchmark_reports_f1_time_and_epochs_per_configuration(tmp_path, capsys):
    module = load_benchmark("bench_cost")
    args = ["--config", "today", "default", "--settings", "shared 0.5", "--seeds", "0", "--n-jobs", "1"]
    assert module.main([*args, "--param", "max_epochs=2", "--out", str(tmp_path)]) == 0
    results = pd.read_csv(tmp_path / "results.csv")
    assert list(results["config"]) == ["today", "default"] and (results["epochs"] == 2).all()
    assert results["f1"].between(0.0, 1.0).all() and (results["fit_time"] > 0).all()
    table = (tmp_path / "summary.md").read_text()
    assert "| today " in table and "| default " in table and "mean F1" in table
    with pytest.raises(ValueError, match="rates for 3 modalities, not 2"):  # a shared rate fits any number of views
        module.main(["--views", "fou", "zer", "--settings", "shared 0.5", "imbalanced (0.8, 0.5, 0.2)"])


def test_cost_benchmark_at_scale_reports_each_batch_size_and_the_gradient_boosting(tmp_path):
    module = load_benchmark("bench_cost")
    args = ["--scale", "1500", "--seeds", "0", "--batch-sizes", "auto", "64", "--hgb", "--param", "max_epochs=1"]
    assert module.main([*args, "--out", str(tmp_path)]) == 0
    results = pd.read_csv(tmp_path / "results.csv")
    assert list(results["model"]) == ["RedCore", "RedCore", "HistGradientBoosting"]
    assert list(results["batch_size"].iloc[:2]) == ["auto (256)", "64"] and (results["epochs"].iloc[:2] == 1).all()
    assert results["F1 (31 combinations)"].between(0.0, 1.0).all() and (results["fit s"] > 0).all()
