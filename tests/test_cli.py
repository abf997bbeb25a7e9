"""``redcore benchmark`` end to end on a small file, and its one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sklearn_redcore._benchmark import main
from sklearn_redcore.datasets import make_multimodal_classification


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    data = make_multimodal_classification(240, modality_dims=(4, 3, 2), n_classes=3, noise=0.5, random_state=0)
    names = {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b2", "b3"], "c": ["c1", "c2"]}
    frame = pd.DataFrame(data.data, columns=[c for cols in names.values() for c in cols])
    frame["kind"] = np.array(["x", "y", "z"])[data.target]
    folder = tmp_path_factory.mktemp("data")
    frame.to_csv(folder / "table.csv", index=False)
    (folder / "spec.json").write_text(json.dumps(names))
    (folder / "spec.toml").write_text("[modalities]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in names.items()))
    return folder


FAST = ["--max-epochs", "3", "--models", "RedCore", "Impute+LR", "--quiet"]


def test_benchmark_on_a_user_csv_writes_tables_and_figures(table, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        [
            "benchmark",
            "--data",
            str(table / "table.csv"),
            "--label",
            "kind",
            "--modalities",
            str(table / "spec.json"),
            "--shared",
            "0.0",
            "0.5",
            "--imbalanced",
            "0.6,0.3,0.0",
            "--seeds",
            "0",
            "1",
            "--out",
            str(out),
            *FAST,
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "imbalanced (0.6, 0.3, 0.0)" in printed and "a+b+c" in printed
    results = pd.read_csv(out / "results.csv")
    assert len(results) == 3 * 2 * 2  # settings x seeds x models
    assert results["model"].tolist()[:2] == ["RedCore", "Impute+LR"]
    assert {"a", "b", "c", "a+b", "a+b+c", "Ave."} <= set(results.columns)
    assert json.loads((out / "results.json").read_text())[0]["eta_history"]
    assert {p.name for p in out.glob("*.png")} == {
        "weighted_f1_vs_shared_missing_rate.png",
        "combinations_weighted_f1_shared_0.0.png",
        "combinations_weighted_f1_shared_0.5.png",
        "combinations_weighted_f1_imbalanced_0.6_0.3_0.0.png",
        "regulation_history_imbalanced_0.6_0.3_0.0.png",  # where the rates differ, not where nothing is missing
        "modality_importance_weighted_f1_redcore.png",
        "acquisition_accuracy.png",
    }
    curves = pd.read_csv(out / "acquisition.csv")  # RedCore's, per setting and seed: 3 policies x 0, 1, 2 acquired
    assert len(curves) == 3 * 2 * 3 * 3 and set(curves["model"]) == {"RedCore"}
    assert set(curves["policy"]) == {"gain", "fixed order", "random"} and set(curves["n_acquired"]) == {0, 1, 2}
    by_count = curves.groupby(["setting", "seed", "n_acquired"])["accuracy"]
    # every policy starts from the same rows, and ends with the complete rows
    assert (by_count.nunique().xs(0, level="n_acquired") == 1).all()
    assert (by_count.nunique().xs(2, level="n_acquired") == 1).all()
    assert "Which modality to acquire next" in (out / "summary.md").read_text()
    importance = pd.read_csv(out / "modality_importance.csv")
    assert len(importance) == 3 * 2 * 3  # settings x models x modalities
    assert list(importance.columns) == ["setting", "model", "modality", "removed", "permuted_mean", "permuted_std"]
    assert importance["removed"].notna().all() and (importance["permuted_std"] >= 0).all()
    # same seeds, same figures
    again = tmp_path / "again"
    main(
        [
            "benchmark",
            "--data",
            str(table / "table.csv"),
            "--label",
            "kind",
            "--modalities",
            str(table / "spec.toml"),
            "--shared",
            "0.0",
            "0.5",
            "--imbalanced",
            "0.6,0.3,0.0",
            "--seeds",
            "0",
            "1",
            "--out",
            str(again),
            "--no-plots",
            "--no-acquisition",
            *FAST,
        ]
    )
    scores = ["a", "b", "c", "a+b", "a+b+c", "Ave."]
    pd.testing.assert_frame_equal(pd.read_csv(again / "results.csv")[scores], results[scores])
    assert not (again / "acquisition.csv").exists() and "acquire" not in (again / "summary.md").read_text()


def test_modality_options_and_module_entry_point(table, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sklearn_redcore",
            "benchmark",
            "--data",
            str(table / "table.csv"),
            "--label",
            "kind",
            "--modality",
            "a=a1,a2,a3,a4",
            "--modality",
            "b=b1,b2,b3",
            "--shared",
            "0.3",
            "--out",
            str(out),
            "--no-plots",
            *FAST,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert list(pd.read_csv(out / "results.csv").columns[-3:]) == ["b", "a+b", "Ave."]
    assert not (out / "acquisition.csv").exists()  # two modalities: a row keeping one has no choice to make


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--data", "nope.csv", "--label", "kind"], "data file not found"),
        (["--label", "nope"], "label column 'nope' is not in table.csv"),
        (
            ["--label", "kind", "--modality", "a=a1,a2", "--modality", "b=a2,b1"],
            "Column 'a2' belongs to two modalities, 'a' and 'b'",
        ),
        (["--label", "a1", "--modality", "a=kind"], "feature column 'kind' is not numeric"),
        (["--label", "kind", "--modality", "a=a1", "--shared", "1.2"], r"missing rate 1.2 is outside \[0, 1\)"),
        (
            ["--label", "kind", "--modality", "a=a1", "--modality", "b=b1", "--imbalanced", "0.1,0.2,0.3"],
            "gives 3 missing rates for 2 modalities",
        ),
        (["--label", "kind"], "say which columns form which modality"),
        (["--label", "kind", "--modality", "a=zz"], "unknown column name"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(table, tmp_path, extra, message, capsys):
    out = tmp_path / "out"
    args = ["benchmark", "--out", str(out), *FAST]
    if "--data" not in extra:
        args += ["--data", str(table / "table.csv")]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(table)
        code = main(args + extra)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("redcore: error: ") and "\n" not in err and "Traceback" not in err
    assert pd.Series([err]).str.contains(message).all(), err
    assert not out.exists()
    assert not list(tmp_path.glob(".redcore-*"))


def test_refuses_a_non_empty_output_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["benchmark", "--out", str(tmp_path), *FAST]) == 2
    assert "exists and is not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_model_that_cannot_train_is_reported_not_fatal(table, tmp_path, capsys):
    """Perfect data training with no complete sample: NaN scores and the reason, the rest goes on."""
    out = tmp_path / "out"
    code = main(
        [
            "benchmark",
            "--data",
            str(table / "table.csv"),
            "--label",
            "kind",
            "--modalities",
            str(table / "spec.json"),
            "--shared",
            "0.95",
            "--imbalanced",
            "--models",
            "CRA",
            "Impute+LR",
            "--max-epochs",
            "2",
            "--quiet",
            "--no-plots",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Note: CRA was not trained at shared 0.95 (seed 0)" in printed and "training='all'" in printed
    results = pd.read_csv(out / "results.csv").set_index("model")
    assert np.isnan(results.loc["CRA", "Ave."]) and results.loc["Impute+LR", "Ave."] > 0
    assert "Note: CRA was not trained" in (out / "summary.md").read_text()


@pytest.fixture(scope="module")
def sequence_table(tmp_path_factory):
    """A table with a sequence modality "s" (4 steps x 2 features, padded with NaN) and a vector modality "v"."""
    from sklearn_redcore.datasets import make_sequence_classification

    data = make_sequence_classification(150, modality_shapes=[(4, 2)], n_classes=2, signal=2.0, random_state=0)
    names = [f"s{t}_{j}" for t in range(4) for j in range(2)]
    frame = pd.DataFrame(data.data, columns=names)
    frame["v1"], frame["v2"] = np.random.RandomState(0).normal(size=(2, 150))
    frame["kind"] = data.target
    folder = tmp_path_factory.mktemp("sequences")
    frame.to_csv(folder / "table.csv", index=False)
    (folder / "spec.json").write_text(json.dumps({"v": ["v1", "v2"], "s": {"columns": names, "n_steps": 4}}))
    return folder, names


def test_sequence_modalities_from_a_file_or_options(sequence_table, tmp_path):
    from sklearn_redcore import SequenceModality
    from sklearn_redcore._benchmark._cli import build_parser
    from sklearn_redcore._benchmark._user_data import load_data

    folder, names = sequence_table
    data = ["benchmark", "--data", str(folder / "table.csv"), "--label", "kind"]
    from_file = build_parser().parse_args([*data, "--modalities", str(folder / "spec.json")])
    from_options = build_parser().parse_args(
        [*data, "--modality", "v=v1,v2", "--modality", f"s={','.join(names)}", "--sequence", "s=4"]
    )
    for args in (from_file, from_options):
        X, y, spec, _ = load_data(args)
        # X holds the modalities side by side in the order given; the sequence keeps its declaration.
        assert spec == {"v": [0, 1], "s": SequenceModality(list(range(2, 10)), n_steps=4, n_features=2)}
        frame = pd.read_csv(folder / "table.csv")
        np.testing.assert_array_equal(X, frame[["v1", "v2", *names]].to_numpy())
    out = tmp_path / "out"
    code = main(
        [
            *data,
            "--modalities",
            str(folder / "spec.json"),
            "--shared",
            "0.3",
            "--out",
            str(out),
            "--no-plots",
            "--max-epochs",
            "2",
            "--models",
            "RedCore",
            "Impute+LR",
            "--quiet",
        ]
    )
    assert code == 0
    results = pd.read_csv(out / "results.csv").set_index("model")
    assert results.loc["RedCore", "Ave."] > 0 and {"v", "s", "v+s"} <= set(results.columns)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--modality", "s=s0_0,s0_1,s1_0", "--sequence", "s=2"], "not a multiple of 2"),
        (["--modality", "s=s0_0,s0_1", "--sequence", "t=2"], "--sequence takes name=n_steps for a modality"),
        (["--modality", "s=s0_0,s0_1", "--sequence", "s=two"], "n_steps must be a whole number"),
        (["--modalities", "bad.json"], r"a sequence is given as \{\"columns\": \[...\], \"n_steps\": T\}"),
    ],
)
def test_bad_sequence_declarations_are_one_line_errors(sequence_table, extra, message, capsys):
    folder, _ = sequence_table
    (folder / "bad.json").write_text(json.dumps({"s": {"columns": ["s0_0", "s0_1"], "steps": 2}}))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        code = main(["benchmark", "--data", "table.csv", "--label", "kind", *extra, *FAST])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and pd.Series([err]).str.contains(message).all(), err


def test_class_weight_reaches_every_model_that_takes_one(table, tmp_path):
    out = tmp_path / "weighted"
    data = ["--data", str(table / "table.csv"), "--label", "kind", "--modalities", str(table / "spec.json")]
    code = main(
        ["benchmark", *data, "--shared", "0.5", "--class-weight", "balanced", "--out", str(out), "--no-plots", *FAST]
    )
    assert code == 0
    assert "class_weight='balanced'" in (out / "summary.md").read_text()
    from sklearn_redcore._benchmark import make_model

    for name in ("RedCore", "MMIN-PDT"):
        model = make_model(name, {"a": [0], "b": [1]}, 0, rates=[0.5, 0.5], class_weight="balanced")
        assert model.get_params()["class_weight"] == "balanced", name
    assert make_model("HGB", {"a": [0]}, 0, class_weight="balanced")[-1].class_weight == "balanced"
    assert make_model("Impute+LR", {"a": [0]}, 0, class_weight="balanced")[-1].class_weight == "balanced"
    with pytest.raises(ValueError, match="for regression studies only"):
        make_model("Impute+Ridge", {"a": [0]}, 0)


@pytest.fixture(scope="module")
def regression_table(tmp_path_factory):
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True)
    frame = data.frame.iloc[:200]
    folder = tmp_path_factory.mktemp("regression")
    frame.to_csv(folder / "diabetes.csv", index=False)
    noisy = frame.assign(target=frame["target"] + 0.25)  # non-integer values: unambiguously continuous
    noisy.to_csv(folder / "continuous.csv", index=False)
    return folder


def _regression_args(path, out, *extra):
    return [
        "benchmark",
        "--data",
        str(path),
        "--label",
        "target",
        "--modality",
        "clinical=age,sex,bmi,bp",
        "--modality",
        "serum=s1,s2,s3,s4,s5,s6",
        "--shared",
        "0.5",
        "--max-epochs",
        "3",
        "--out",
        str(out),
        "--no-plots",
        *extra,
    ]


def test_benchmark_of_a_continuous_target(regression_table, tmp_path, capsys):
    # whole numbers with many distinct values: classes or a target? The command asks.
    code = main(_regression_args(regression_table / "diabetes.csv", tmp_path / "a"))
    assert code == 2 and "--task regression" in capsys.readouterr().err
    code = main(_regression_args(regression_table / "diabetes.csv", tmp_path / "b", "--task", "regression"))
    assert code == 0
    captured = capsys.readouterr()
    assert "task: regression (--task)" in captured.err and "(R²;" in captured.out
    results = pd.read_csv(tmp_path / "b" / "results.csv")
    assert results["model"].tolist() == ["RedCore", "Core", "HGB", "Impute+Ridge", "Impute+MLP"]
    assert (results["Ave."] < 1).all() and results["Ave."].notna().all()  # R²
    assert "R² per modality combination" in (tmp_path / "b" / "summary.md").read_text()
    # non-integer numbers are a continuous target without being told
    code = main(_regression_args(regression_table / "continuous.csv", tmp_path / "c", "--models", "RedCore"))
    assert code == 0 and "task: regression (the label column holds non-integer numbers)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--task", "regression", "--models", "MMIN"], "not available for regression"),
        (["--task", "regression", "--class-weight", "balanced"], "does not apply to a regression study (--task)"),
    ],
)
def test_regression_study_errors(regression_table, tmp_path, capsys, extra, message):
    assert main(_regression_args(regression_table / "diabetes.csv", tmp_path / "out", *extra)) == 2
    assert message in capsys.readouterr().err


def test_infinite_labels_and_regression_without_data(regression_table, tmp_path, capsys):
    frame = pd.read_csv(regression_table / "continuous.csv")
    frame.loc[0, "target"] = np.inf
    frame.to_csv(tmp_path / "inf.csv", index=False)
    assert main(_regression_args(tmp_path / "inf.csv", tmp_path / "out")) == 2
    assert "infinite values" in capsys.readouterr().err
    assert main(["benchmark", "--task", "regression", "--out", str(tmp_path / "o2"), "--no-plots"]) == 2
    assert "mfeat digits have class labels" in capsys.readouterr().err


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_gradient_boosting_baseline_skips_columns_never_observed(task):
    """Padding steps that no training sequence reaches are NaN-only columns, on which scikit-learn's
    gradient boosting fails; the study's "HGB" drops them (and keeps every column otherwise)."""
    from sklearn_redcore._benchmark._models import make_model

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 6))
    X[:, 4:] = np.nan  # the last steps of a sequence modality, never observed
    y = np.arange(60) % 2 if task == "classification" else rng.normal(size=60)
    model = make_model("HGB", {"a": [0, 1], "b": [2, 3, 4, 5]}, 0, task=task).fit(X, y)
    np.testing.assert_array_equal(model[0].support_, [True, True, True, True, False, False])
    assert np.isfinite(model.predict(X)).all()
    complete = rng.normal(size=(60, 6))
    assert model[0].fit(complete).support_.all()


def test_version_prints_the_package_version(capsys):
    from sklearn_redcore import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"redcore {__version__}"
