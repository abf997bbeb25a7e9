"""The figures of ``redcore benchmark``, from a study's results made up here (no model is trained)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402  (the tests patch Figure.savefig; not loaded by "import matplotlib")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sklearn_redcore import plotting  # noqa: E402
from sklearn_redcore._benchmark._figures import figure_slug, regulation_row, write_figures  # noqa: E402
from sklearn_redcore._benchmark._study import summarize_study  # noqa: E402

SETTINGS = {"shared 0.0": [0.0, 0.0], "shared 0.5": [0.5, 0.5], "imbalanced (0.8, 0.2)": [0.8, 0.2]}


@pytest.fixture
def results():
    rng = np.random.default_rng(0)
    rows = []
    for setting, rates in SETTINGS.items():
        for model in ["RedCore", "HGB"]:
            scores = rng.uniform(0.3, 0.9, size=3)
            row = {"setting": setting, "seed": 0, "model": model, "missing_rates": rates, "fit_time": 1.0}
            row |= {"a": scores[0], "b": scores[1], "a+b": scores[2], "Ave.": scores.mean()}
            if model == "RedCore":
                histories = ["eta_history", "relative_advantage_history", "imputation_loss_history"]
                row |= {key: rng.uniform(size=(4, 2)).tolist() for key in histories}
            rows.append(row)
    return pd.DataFrame(rows)


def _importance():
    rows = [
        {"setting": s, "model": "RedCore", "modality": m, "removed": 0.1, "permuted_mean": 0.2, "permuted_std": 0.01}
        for s in SETTINGS
        for m in ["a", "b"]
    ]
    return pd.DataFrame(rows)


def test_file_names_say_the_metric_and_the_setting(results, tmp_path):
    tables = summarize_study(results)
    write_figures(results, tables, _importance(), tmp_path, data="toy", modality_names=["a", "b"], score_name="R²")
    assert {p.name for p in tmp_path.glob("*.png")} == {
        "r2_vs_shared_missing_rate.png",
        "combinations_r2_shared_0.0.png",
        "combinations_r2_shared_0.5.png",
        "combinations_r2_imbalanced_0.8_0.2.png",
        "regulation_history_imbalanced_0.8_0.2.png",
        "modality_importance_r2_redcore.png",
    }
    assert figure_slug("Impute+LR") == "impute+lr"


def test_heat_maps_share_one_labelled_colour_scale(results, tmp_path, monkeypatch):
    drawn = []

    def record(table, **kwargs):
        fig = plot(table, **kwargs)
        drawn.append((kwargs, fig.axes[0].get_title(), fig.axes[1].get_ylabel(), fig.axes[0].images[0].get_clim()))
        return fig

    plot = plotting.plot_combination_heatmap
    monkeypatch.setattr(plotting, "plot_combination_heatmap", record)
    tables = summarize_study(results)
    write_figures(results, tables, _importance(), tmp_path, data="toy data", modality_names=["a", "b"])
    scores = results[["a", "b", "a+b", "Ave."]].to_numpy()
    assert len(drawn) == 3 and {clim for *_, clim in drawn} == {(scores.min(), scores.max())}
    for (_, title, label, _), setting in zip(drawn, SETTINGS):
        assert label == "weighted F1" and setting in title and "toy data" in title and "weighted F1" in title


def test_regulation_history_comes_from_a_setting_where_modalities_are_missing(results):
    assert regulation_row(results)["setting"] == "imbalanced (0.8, 0.2)"
    shared = results[~results["setting"].str.startswith("imbalanced")]
    assert regulation_row(shared)["setting"] == "shared 0.5"
    assert regulation_row(results[results["model"] == "HGB"]) is None


def test_importance_is_a_grid_with_one_axis_and_one_legend(results, tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", lambda fig, *args, **kwargs: figures.append(fig))
    write_figures(results, summarize_study(results), _importance(), tmp_path, data="toy", modality_names=["a", "b"])
    fig = figures[-1]
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == list(SETTINGS)
    assert len({ax.get_xlim() for ax in panels}) == 1  # one scale
    assert len(fig.legends) == 1 and not any(ax.get_legend() for ax in panels)
    assert {ax.get_xlabel() for ax in panels} == {"weighted F1 lost"}
    assert "RedCore" in fig.get_suptitle() and "toy" in fig.get_suptitle()
