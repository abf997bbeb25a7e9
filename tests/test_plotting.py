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
    plot_regulation_history,
)

from .conftest import FAST  # noqa: E402


def test_missing_rate_curves_average_over_seeds(tmp_path):
    results = pd.DataFrame({
        "missing_rate": [0.0, 0.0, 0.5, 0.5, 0.0, 0.5],
        "model": ["A", "A", "A", "A", "B", "B"],
        "Ave.": [0.8, 0.9, 0.6, 0.7, 0.5, 0.4],
    })
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
    fig = plot_regulation_history(clf)
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
