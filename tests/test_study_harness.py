"""The study harness of the benchmarks (sklearn_redcore/_benchmark): settings, runs, suites, outputs, imports."""

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

from sklearn_redcore._benchmark import Model, run_data_study, run_suite
from sklearn_redcore._benchmark._report import write_outputs
from sklearn_redcore._benchmark._settings import (
    DEFAULT_SETTINGS,
    SETTINGS,
    rates_for,
    settings_for,
    settings_from_options,
)
from sklearn_redcore.datasets import make_multimodal_classification


def _data(seed: int) -> Bunch:
    """Data drawn anew for each seed, 100 + 20 * seed samples."""
    return make_multimodal_classification(100 + 20 * seed, modality_dims=(3, 2), n_classes=2, random_state=seed)


def test_named_settings_are_defined_once_and_named_by_their_rates():
    assert set(DEFAULT_SETTINGS) <= set(SETTINGS) and SETTINGS["imbalanced (0.8, 0.5, 0.2)"] == (0.8, 0.5, 0.2)
    assert list(settings_from_options(["0.5"], ["0.8,0.2"], 2)) == ["shared 0.5", "imbalanced (0.8, 0.2)"]
    assert rates_for("shared 0.5", SETTINGS["shared 0.5"], 2) == [0.5, 0.5]
    with pytest.raises(ValueError, match="rates for 3 modalities, not 2"):
        rates_for("x", (0.8, 0.5, 0.2), 2)
    with pytest.raises(ValueError, match="outside"):
        settings_from_options(["1.5"], [], 2)
    assert settings_for(3, ["shared 0.0", "imbalanced"]) == {
        "shared 0.0": (0.0, 0.0, 0.0),
        "imbalanced (0.8, 0.5, 0.2)": (0.8, 0.5, 0.2),
    }


def test_a_study_on_data_drawn_per_seed_with_its_own_models_and_measures():
    models = [
        Model("plain", "Impute+LR", columns={"weighting": "none"}),
        Model("weighted", "Impute+LR", class_weight="balanced", columns={"weighting": "balanced"}),
        Model("plain", "Impute+LR", params={"max_epochs": 1}),  # labels need not be unique: rows keep the order
    ]
    settings = {"shared 0.5": (0.5, 0.5), "imbalanced (0.8, 0.2)": (0.8, 0.2)}

    def n_train(model, split):
        return {"n_train": len(split.y_train), "complete": int((~np.isnan(split.unmasked)).all(axis=1).sum())}

    results = run_data_study(
        _data, settings, models=models, seeds=[1, 0], importance=False, measure=n_train, progress=False
    )
    assert list(results["setting"]) == ["shared 0.5"] * 6 + ["imbalanced (0.8, 0.2)"] * 6
    assert list(results["seed"][:6]) == [0, 0, 0, 1, 1, 1]
    assert list(results["model"][:3]) == ["plain", "weighted", "plain"]
    assert results["weighting"][:2].tolist() == ["none", "balanced"] and pd.isna(results["weighting"][2])
    # each seed its own data (70% of 100 or 120 samples to train on); the unmasked training part is complete
    assert (results["n_train"] == results["seed"].map({0: 70, 1: 84})).all()
    assert (results["complete"] == results["n_train"]).all()
    assert results["Ave."].between(0, 1).all() and "importance_removed" not in results
    rates = results.groupby("setting", sort=False)["realised_rates"].first()
    assert rates["imbalanced (0.8, 0.2)"][0] > rates["imbalanced (0.8, 0.2)"][1]


def test_a_suite_names_each_data_set_and_takes_its_own_arguments():
    suite = {"x": lambda: _data(0), "y": lambda: _data(1)}
    results = run_suite(
        suite,
        lambda n_modalities: {"shared 0.3": (0.3,) * n_modalities},
        column="dataset",
        per_dataset=lambda name: {"models": ["Impute+LR"] if name == "x" else ["Impute+LR", "Specialist-LR"]},
        importance=False,
        combinations=False,
        progress=False,
    )
    assert list(results["dataset"]) == ["x", "y", "y"]
    assert list(results["model"]) == ["Impute+LR", "Impute+LR", "Specialist-LR"]
    assert "Ave." not in results and results["fit_time"].notna().all()


def test_outputs_are_written_by_kind(tmp_path):
    frame = pd.DataFrame({"a": [1, 2]})
    write_outputs(tmp_path / "out", {"t.csv": frame, "s.md": "text\n", "r.json": {"k": [1]}})
    assert pd.read_csv(tmp_path / "out" / "t.csv").equals(frame)
    assert (tmp_path / "out" / "s.md").read_text() == "text\n"
    assert json.loads((tmp_path / "out" / "r.json").read_text()) == {"k": [1]}
    write_outputs(None, {"t.csv": frame})  # no folder: nothing written, no error


def test_no_import_cycle_inside_the_harness():
    folder = Path(__file__).resolve().parents[1] / "sklearn_redcore" / "_benchmark"
    graph = {}
    for path in folder.glob("*.py"):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                imported |= {node.module} if node.module else {alias.name for alias in node.names}
        graph[path.stem] = {name for name in imported if (folder / f"{name}.py").exists()}

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph[start])

    assert [name for name in graph if reaches(name, name)] == []


def test_benchmark_scripts_import_nothing_from_each_other():
    folder = Path(__file__).resolve().parents[1] / "benchmarks"
    scripts = {path.stem for path in folder.glob("*.py")}
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        names |= {alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names}
        assert not names & scripts, path.name
