"""What ``redcore`` does before and around a study: help, model names, progress line, output folder."""

import subprocess
import sys
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from sklearn_redcore._benchmark._cli import build_parser, default_out, main
from sklearn_redcore._benchmark._names import match_model


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 4)), columns=["a1", "a2", "b1", "b2"])
    frame["kind"] = np.where(frame["a1"] + frame["b1"] > 0, "x", "y")
    path = tmp_path_factory.mktemp("data") / "table.csv"
    frame.to_csv(path, index=False)
    return path


def _quick(table, *extra):
    data = ["--data", str(table), "--label", "kind", "--modality", "a=a1,a2", "--modality", "b=b1,b2"]
    return ["benchmark", *data, "--shared", "0.3", "--imbalanced", "--models", "impute+lr", "--no-plots", *extra]


@pytest.mark.parametrize("args", [["--help"], ["benchmark", "--help"], ["--version"]])
def test_help_and_version_import_neither_torch_nor_sklearn(args):
    code = (
        "import sys\n"
        "from sklearn_redcore._benchmark._cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [name for name in ('torch', 'skorch', 'sklearn', 'pandas') if name in sys.modules]\n"
        "print('heavy:', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "heavy: []" in result.stdout, result.stdout[-300:]


def test_help_gives_every_option_a_text_and_its_default():
    parser = build_parser()
    benchmark = parser._subparsers._group_actions[0].choices["benchmark"]
    for action in benchmark._actions:
        assert action.help, action.option_strings
    text = " ".join(benchmark.format_help().split())
    assert "--seeds SEED [SEED ...] one run per seed and setting" in text
    assert "(default: 0)" in text and "(default: 0.3)" in text and "(default: 0.0 0.5 0.8)" in text
    assert "(default: None)" not in text and "(default: False)" not in text


def test_the_names_of_the_help_are_those_of_the_study():
    from sklearn_redcore._benchmark import _names
    from sklearn_redcore._benchmark._models import MODEL_NAMES, regression_models
    from sklearn_redcore._benchmark._study import DEFAULT_MODELS

    assert _names.MODEL_NAMES == MODEL_NAMES
    assert _names.REGRESSION_MODEL_NAMES == regression_models()
    assert set(DEFAULT_MODELS) <= set(MODEL_NAMES)
    assert set(_names.DEFAULT_REGRESSION_MODELS) <= set(regression_models())


def test_model_names_ignore_case_and_a_typo_gets_a_suggestion(table, tmp_path, capsys):
    assert match_model("impute+mlp") == "Impute+MLP" and match_model("REDCORE-PAPER") == "RedCore-paper"
    assert main(_quick(table, "--models", "RedCroe", "--out", str(tmp_path / "out"))) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("redcore: error: unknown model 'RedCroe'; did you mean 'RedCore'?") and "\n" not in err
    with pytest.raises(ValueError, match="unknown model 'zzz'; choose among AMAE"):
        match_model("zzz")
    assert not (tmp_path / "out").exists()


def test_progress_starts_at_zero_and_tells_the_time_left(table, tmp_path, capsys):
    args = _quick(table, "--seeds", "0", "1", "--out", str(tmp_path / "out"))
    assert main(args) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if " runs, " in line]
    assert lines[0].endswith("0/2 runs, 0 s elapsed"), lines
    assert "1/2 runs" in lines[1] and "elapsed, about" in lines[1] and lines[1].endswith(" left")
    assert "2/2 runs" in lines[-1]
    assert pd.read_csv(tmp_path / "out" / "results.csv")["model"].unique().tolist() == ["Impute+LR"]


def test_each_run_without_out_gets_a_new_folder(table, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(_quick(table, "--quiet")) == 0
    assert main(_quick(table, "--quiet")) == 0
    folders = sorted(tmp_path.glob("redcore-benchmark-*"))
    assert len(folders) == 2 and all((folder / "results.csv").is_file() for folder in folders)
    printed = capsys.readouterr().out
    assert all(f"results in {folder.name}/" in printed for folder in folders)
    stamp = datetime(2024, 2, 20, 9, 30, 5)
    assert str(default_out(stamp)) == "redcore-benchmark-20240220-093005"
    (tmp_path / "redcore-benchmark-20240220-093005").mkdir()
    assert str(default_out(stamp)) == "redcore-benchmark-20240220-093005-2"
