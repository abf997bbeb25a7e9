"""The presets of RedCoreClassifier and the parameters they introduced (loss weights, heads, lr schedule)."""

import ast
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from sklearn_redcore import RedCoreClassifier, load_model, save_model
from sklearn_redcore._callbacks import LinearDecay
from sklearn_redcore._network import RedCoreLoss, RedCoreModule, redcore_objective
from sklearn_redcore._presets import PRESETS, preset_params
from sklearn_redcore._registry import all_estimators

from .conftest import FAST, network_arguments

METHOD_PAGE = Path(__file__).parents[1] / "docs" / "user_guide" / "method.rst"


def _user_guide_table() -> dict[str, list[str]]:
    """The rows of the presets table of the method page: parameter -> [default, "paper", "authors_code", source]."""
    text = METHOD_PAGE.read_text()
    block = text[text.index(".. _presets-table:") :]
    block = block[: block.index("\nEach difference")]
    rows: list[list[str]] = []
    for line in block.splitlines():
        if line.startswith("   * - "):
            rows.append([line[len("   * - ") :]])
        elif line.startswith("     - ") and rows:
            rows[-1].append(line[len("     - ") :])
    header, *body = rows
    assert header[:4] == ["Parameter", "Default", '``"paper"``', '``"authors_code"``']
    return {re.fullmatch(r"``(\w+)``", row[0]).group(1): row[1:] for row in body}


def _value(cell: str):
    return ast.literal_eval(cell.strip("`")) if cell != "—" else None


@pytest.mark.parametrize("column, preset", [(1, "paper"), (2, "authors_code")])
def test_user_guide_table_pins_every_value_of_each_preset(column, preset):
    table = _user_guide_table()
    params = preset_params(preset)
    set_here = {name for name, row in table.items() if row[column] != "—"}
    assert set_here == set(params), "the table and the preset set different parameters"
    for name in set_here:
        assert _value(table[name][column]) == params[name], name


def test_user_guide_table_gives_the_defaults_and_covers_every_preset():
    table = _user_guide_table()
    defaults = RedCoreClassifier().get_params()
    assert set(table) == {name for params in PRESETS.values() for name in params}
    for name, row in table.items():
        assert _value(row[0]) == defaults[name], name
        assert row[3].strip(), f"{name} has no source"


def test_from_preset_sets_the_preset_and_explicit_parameters_win():
    clf = RedCoreClassifier.from_preset("paper", [[0, 1], [2, 3]], lr=1e-3, regulate=False)
    params = clf.get_params()
    assert params["modalities"] == [[0, 1], [2, 3]]
    assert params["lr"] == 1e-3 and params["regulate"] is False
    assert params["kl_weight"] == params["imputation_weight"] == 125.0
    assert params["xenc_widths"] == (128, 64, 32) and params["max_epochs"] == 60
    with pytest.raises(ValueError, match="Unknown preset 'papr'"):
        RedCoreClassifier.from_preset("papr")
    preset_params("paper")["lr"] = 1.0  # a copy: the preset itself does not change
    assert preset_params("paper")["lr"] == 2e-4


def test_authors_code_preset_builds_its_network_and_decays_the_learning_rate(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier.from_preset("authors_code", spec, max_epochs=4, random_state=0).fit(X, y)
    assert clf.network_sizes_["classifier_hidden"] == (128, 128)
    dropouts = [m.p for m in clf.net_.module_.joint_head.modules() if isinstance(m, torch.nn.Dropout)]
    assert dropouts == [0.5, 0.5]
    linear = [m for m in clf.net_.module_.joint_head.modules() if isinstance(m, torch.nn.Linear)]
    assert [layer.out_features for layer in linear] == [128, 128, len(np.unique(y))]
    assert clf.net_.imputation_weight == 0.15
    # 4 epochs: 2 at the full rate, then 1 - 1/3 and 1 - 2/3 of it
    np.testing.assert_allclose(clf.net_.history[:, "event_lr"], 2e-4 * np.array([1, 1, 2 / 3, 1 / 3]))
    assert clf.n_iter_ == 4  # a fixed number of epochs
    save_model(clf, tmp_path / "model.pt")
    loaded = load_model(tmp_path / "model.pt")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_linear_decay_matches_the_authors_schedule():
    factor = LinearDecay(60)
    assert [factor(e) for e in (0, 29)] == [1.0, 1.0]
    assert factor(30) == pytest.approx(1 - 1 / 31) and factor(59) == pytest.approx(1 / 31)


def test_imputation_weight_scales_only_the_imputation_term():
    parts = RedCoreLoss(
        vib=torch.tensor(2.0),
        imputation=torch.tensor([1.0, 3.0]),
        observed=torch.tensor([True, True]),
        joint=torch.tensor(1.5),
        joint_part=RedCoreModule.joint_loss_part,
    )
    eta = np.array([0.1, 0.2])
    assert redcore_objective(parts, eta).item() == pytest.approx(2.0 + 0.7)
    assert redcore_objective(parts, eta, imputation_weight=125.0).item() == pytest.approx(2.0 + 125 * 0.7)


def test_a_larger_imputation_weight_brings_the_imputations_closer(mfeat_small):
    X, y, spec = mfeat_small
    fits = {w: RedCoreClassifier(spec, imputation_weight=w, random_state=0, **FAST).fit(X, y) for w in (0.0, 1.0, 50.0)}
    losses = {w: clf.imputation_loss_history_[-1].mean() for w, clf in fits.items()}
    assert losses[50.0] < losses[1.0] < losses[0.0]


@pytest.mark.parametrize("hidden, n_linear", [((), 1), (16, 2), ((16, 8), 3)])
def test_classifier_hidden_takes_widths(hidden, n_linear):
    module = RedCoreModule(**network_arguments([4, 3], 5, classifier_hidden=hidden))
    joint = [m for m in module.joint_head.modules() if isinstance(m, torch.nn.Linear)]
    assert len(joint) == n_linear and joint[-1].out_features == 5
    out = module(torch.zeros(2, 7), torch.ones(2, 2, dtype=torch.bool))
    assert out.logits.shape == (2, 5) and out.unimodal_logits.shape == (2, 2, 5)


def test_bad_classifier_widths_are_refused_with_the_parameter_named():
    X = np.random.default_rng(0).normal(size=(20, 4))
    with pytest.raises(ValueError, match="classifier_hidden"):
        RedCoreClassifier([[0, 1], [2, 3]], classifier_hidden=(16, 0)).fit(X, np.arange(20) % 2)


def test_the_study_names_the_presets_and_its_parameters_go_on_top():
    from sklearn_redcore._benchmark import MODEL_NAMES, make_model

    assert {"RedCore-paper", "RedCore-authors"} <= set(MODEL_NAMES)
    model = make_model("RedCore-authors", {"a": [0], "b": [1]}, seed=3, redcore_params={"max_epochs": 2})
    assert (
        model.get_params() | {"max_epochs": 60}
        == RedCoreClassifier.from_preset("authors_code", {"a": [0], "b": [1]}, random_state=3).get_params()
    )
    assert model.max_epochs == 2


@pytest.mark.parametrize("cls", [cls for _, cls in all_estimators("multimodal") if hasattr(cls, "from_preset")])
@pytest.mark.parametrize("preset", ["paper", "authors_code"])
def test_every_estimator_with_presets_takes_each_preset_and_overrides(cls, preset):
    model = cls.from_preset(preset, [[0, 1], [2, 3]], max_epochs=2)
    assert type(model) is cls
    assert model.get_params() | {"max_epochs": preset_params(preset)["max_epochs"]} == (
        cls([[0, 1], [2, 3]]).get_params() | preset_params(preset)
    )
    assert model.max_epochs == 2
