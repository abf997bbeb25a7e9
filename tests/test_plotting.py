"""Plots: they draw what they are given, from real fitted estimators too."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations  # noqa: E402
from sklearn_redcore.plotting import (  # noqa: E402
    plot_combination_heatmap,
    plot_missing_rate_curves,
    plot_modality_importance,
    plot_regulation_curves,
    plot_regulation_history,
)

from .conftest import FAST  # noqa: E402


def test_missing_rate_curves_average_over_seeds(tmp_path):
    results = pd.DataFrame(
        {
            "missing_rate": [0.0, 0.0, 0.5, 0.5, 0.0, 0.5],
            "model": ["A", "A", "A", "A", "B", "B"],
            "Ave.": [0.8, 0.9, 0.6, 0.7, 0.5, 0.4],
        }
    )
    fig = plot_missing_rate_curves(results, title="t")
    line_a = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line_a.get_ydata(), [0.85, 0.65])
    fig.savefig(tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="lack the column"):
        plot_missing_rate_curves(results.drop(columns="model"))


def test_regulation_history_and_heatmap_of_a_fitted_model(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 6})).fit(X, y)
    fig = plot_regulation_history(clf, title="RedCore")
    assert "RedCore" in [text.get_text() for text in fig.texts]
    eta_lines = fig.axes[1].get_lines()
    assert [line.get_label() for line in eta_lines] == list(spec)
    np.testing.assert_allclose(eta_lines[2].get_ydata(), clf.eta_history_[:, 2])
    fig.savefig(tmp_path / "history.png")

    table = evaluate_modality_combinations(clf, X, y, spec)
    fig = plot_combination_heatmap(table.rename(index={"f1_weighted": "RedCore"}))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[-1] == f"{table['Ave.'].iloc[0]:.3f}" and len(texts) == 8
    with pytest.raises(ValueError, match="fitted"):
        plot_regulation_history(RedCoreClassifier())


@pytest.mark.parametrize("title_added_by", ["keyword", "caller"])
def test_regulation_curves_from_arrays_leave_room_for_the_title(title_added_by):
    rng = np.random.default_rng(0)
    eta, advantage, loss = rng.uniform(size=(3, 7, 3))
    title = "RedCore, imbalanced (0.8, 0.5, 0.2), seed 0"
    fig = plot_regulation_curves(
        eta, advantage, loss, modality_names=["a", "b", "c"], title=title if title_added_by == "keyword" else None
    )
    if title_added_by == "caller":  # as the command line does, after the function has laid the figure out
        fig.suptitle(title)

    assert len(fig.axes) == 3
    # One line per modality; the first panel also has its line at zero.
    assert [len(ax.get_lines()) for ax in fig.axes] == [4, 3, 3]
    for ax, values in zip(fig.axes, [advantage, eta, loss]):
        assert [line.get_label() for line in ax.get_lines()[:3]] == ["a", "b", "c"]
        np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), values[:, 2])
        np.testing.assert_allclose(ax.get_lines()[2].get_xdata(), np.arange(1, 8))

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    [suptitle] = [text for text in fig.texts if text.get_text() == title]
    box = suptitle.get_window_extent(renderer)
    assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1  # inside the figure
    for ax in fig.axes:
        assert not box.overlaps(ax.title.get_window_extent(renderer))
        assert box.y0 >= ax.get_tightbbox(renderer).y1  # above the whole panel, its title included


def test_regulation_curves_check_shapes():
    history = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"eta_history must have shape \(n_epochs, 3\).*\(4, 2\)"):
        plot_regulation_curves(history, history, history, modality_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="imputation_loss_history"):
        plot_regulation_curves(history, history, history[:, 0], modality_names=["a", "b"])


def test_modality_importance_bars_carry_the_spread_and_the_score(tmp_path):
    from sklearn_redcore import modality_importance
    from sklearn_redcore.datasets import make_multimodal_classification

    data = make_multimodal_classification(120, modality_dims=(4, 3), random_state=0)
    clf = RedCoreClassifier(data.modalities, random_state=0, **(FAST | {"max_epochs": 3})).fit(data.data, data.target)
    importance = modality_importance(clf, data.data, data.target, n_repeats=3, random_state=0)
    fig = plot_modality_importance(importance, title="t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["m0", "m1"]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    expected = sorted(round(v, 6) for v in [*importance["removed"], *importance["permuted_mean"]])
    assert widths == expected
    assert "score with every modality" in ax.get_xlabel()
    fig.savefig(tmp_path / "importance.png")
    with pytest.raises(ValueError, match="permuted_std"):
        plot_modality_importance(importance.drop(columns="permuted_std"))


def test_missing_rate_lines_can_be_told_apart_and_redcore_is_on_top():
    results = pd.DataFrame(
        {
            "missing_rate": [0.0, 0.5] * 3,
            "model": ["HGB", "HGB", "RedCore", "RedCore", "Core", "Core"],
            "Ave.": [0.8, 0.7, 0.8, 0.7, 0.8, 0.7],  # the same values: only their style tells them apart
        }
    )
    fig = plot_missing_rate_curves(results, score_name="weighted F1")
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    styles = {(line.get_marker(), line.get_linestyle()) for line in lines.values()}
    assert len(styles) == 3
    others = [lines["HGB"], lines["Core"]]
    assert all(lines["RedCore"].get_zorder() > line.get_zorder() for line in others)
    assert all(lines["RedCore"].get_linewidth() > line.get_linewidth() for line in others)
    assert fig.axes[0].get_ylabel() == "weighted F1, mean over modality combinations"


def test_heatmap_takes_a_colour_scale_and_labels_its_bar():
    table = pd.DataFrame({"a": [0.7, 0.6], "a+b": [0.8, 0.7]}, index=["RedCore", "HGB"])
    fig = plot_combination_heatmap(table, vmin=0.5, vmax=1.0, colorbar_label="weighted F1")
    assert fig.axes[0].images[0].get_clim() == (0.5, 1.0) and fig.axes[1].get_ylabel() == "weighted F1"
