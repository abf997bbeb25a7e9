"""The figures of ``redcore benchmark``, each named and titled by its setting, data and metric.

* ``<metric>_vs_shared_missing_rate.png``: the score of each model against
  the shared missing rate (with two shared settings or more), RedCore on top;
* ``combinations_<metric>_<setting>.png``: one heat map per setting of the
  score of each model on each combination of modalities, all on one colour
  scale;
* ``modality_importance_<metric>_<model>.png``: what removing or permuting
  each modality costs RedCore (or the first model), one panel per setting;
* ``regulation_history_<setting>.png``: RedCore's relative advantages and
  supervision weights over training, at the first imbalanced setting (or
  the highest shared rate), where the regulation has something to do;
* ``acquisition_accuracy.png``: RedCore's accuracy against the number of
  modalities acquired per test row, one line per policy, one panel per
  setting (where the study drew acquisition curves: :mod:`._acquisition`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

__all__ = ["figure_slug", "regulation_row", "write_figures"]

_DPI = 120
#: Most panels in a row of a figure with one panel per setting.
_PANELS_PER_ROW = 3


def figure_slug(text: str) -> str:
    """A name for a file: ``"imbalanced (0.8, 0.5, 0.2)"`` -> ``"imbalanced_0.8_0.5_0.2"``, ``"R²"`` -> ``"r2"``.

    >>> figure_slug("imbalanced (0.8, 0.5, 0.2)"), figure_slug("weighted F1"), figure_slug("R²")
    ('imbalanced_0.8_0.5_0.2', 'weighted_f1', 'r2')
    """
    text = text.replace("²", "2").lower()
    return re.sub(r"[^a-z0-9.+-]+", "_", text).strip("_")


def regulation_row(results: pd.DataFrame) -> pd.Series | None:
    """RedCore's first run at the first imbalanced setting, else at the highest shared rate; None without RedCore.

    At a shared rate of 0 nothing is missing, and nothing is regulated.
    """
    redcore = results[results["model"] == "RedCore"]
    if "eta_history" not in redcore or redcore.empty:
        return None
    imbalanced = redcore[[len(set(rates)) > 1 for rates in redcore["missing_rates"]]]
    if len(imbalanced):
        return imbalanced.iloc[0]
    highest = max(redcore["missing_rates"], key=lambda rates: rates[0])
    return redcore[[rates == highest for rates in redcore["missing_rates"]]].iloc[0]


def _missing_rate_figure(results, out: Path, plt, data: str, score_name: str) -> None:
    from ..plotting import plot_missing_rate_curves

    shared = results[[len(set(rates)) == 1 for rates in results["missing_rates"]]].copy()
    if shared["setting"].nunique() < 2:
        return
    shared["missing_rate"] = [rates[0] for rates in shared["missing_rates"]]
    fig = plot_missing_rate_curves(shared, score_name=score_name, title=f"{score_name} against the shared missing rate")
    fig.suptitle(data, fontsize=9, color="dimgray")
    fig.savefig(out / f"{figure_slug(score_name)}_vs_shared_missing_rate.png", dpi=_DPI, bbox_inches="tight")
    plt.close(fig)


def _combination_figures(tables: dict, out: Path, plt, data: str, score_name: str) -> None:
    from ..plotting import plot_combination_heatmap

    scores = {setting: table.drop(columns="fit_time") for setting, table in tables.items()}
    values = pd.concat(scores.values()).to_numpy(dtype=float)
    vmin, vmax = float(pd.Series(values.ravel()).min()), float(pd.Series(values.ravel()).max())
    for setting, table in scores.items():
        title = f"{score_name} per combination of test modalities, {setting}\n{data}"
        fig = plot_combination_heatmap(table, title=title, vmin=vmin, vmax=vmax, colorbar_label=score_name)
        fig.savefig(out / f"combinations_{figure_slug(score_name)}_{figure_slug(setting)}.png", dpi=_DPI)
        plt.close(fig)


def _setting_panels(plt, settings: list, panel_height: float, sharex: bool):
    """A grid of panels, one per setting, ``_PANELS_PER_ROW`` per row at most (the others hidden).

    Returns the figure, the visible axes in the settings' order, and whether
    each is the lowest of its column (the one that labels the x axis).
    """
    n_columns = min(len(settings), _PANELS_PER_ROW)
    n_rows = math.ceil(len(settings) / n_columns)
    fig, axes = plt.subplots(
        n_rows,
        n_columns,
        sharex=sharex,
        sharey=True,
        squeeze=False,
        figsize=(4.2 * n_columns, panel_height * n_rows + 1.2),
        layout="constrained",
    )
    for ax in axes.flat[len(settings) :]:
        ax.set_visible(False)
    lowest = [k + n_columns >= len(settings) for k in range(len(settings))]
    return fig, list(axes.flat[: len(settings)]), lowest


def _one_legend(fig, ax) -> None:
    """The legend of the panels, once, below them."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)


def _importance_figure(importance: pd.DataFrame, out: Path, plt, data: str, score_name: str) -> None:
    """One panel per setting, a shared axis of the score lost, one legend."""
    from ..plotting import plot_modality_importance

    if importance.empty:
        return
    models = importance["model"].unique().tolist()
    model = "RedCore" if "RedCore" in models else models[0]
    part = importance[importance["model"] == model]
    settings = part["setting"].unique().tolist()
    fig, axes, lowest = _setting_panels(plt, settings, 0.45 * part["modality"].nunique() + 1.0, sharex=True)
    for setting, ax, labels_x in zip(settings, axes, lowest):
        rows = part[part["setting"] == setting].set_index("modality")
        plot_modality_importance(rows, ax=ax, title=setting, score_name=score_name, legend=False)
        ax.set_xlabel(ax.get_xlabel() if labels_x else "")  # the panel under this one shows the axis label
        ax.tick_params(labelbottom=True)
    _one_legend(fig, axes[0])
    fig.suptitle(f"{model}: {score_name} lost without each modality (removed, or permuted across samples)\n{data}")
    fig.savefig(out / f"modality_importance_{figure_slug(score_name)}_{figure_slug(model)}.png", dpi=_DPI)
    plt.close(fig)


def _regulation_figure(results: pd.DataFrame, out: Path, plt, data: str, modality_names: list[str]) -> None:
    from ..plotting import plot_regulation_curves

    row = regulation_row(results)
    if row is None:
        return
    names = [f"{name} (missing {rate:g})" for name, rate in zip(modality_names, row["missing_rates"])]
    fig = plot_regulation_curves(
        row["eta_history"],
        row["relative_advantage_history"],
        row["imputation_loss_history"],
        modality_names=names,
        title=f"RedCore's regulation over training, {row['setting']}, seed {row['seed']}\n{data}",
    )
    fig.savefig(out / f"regulation_history_{figure_slug(row['setting'])}.png", dpi=_DPI, bbox_inches="tight")
    plt.close(fig)


def _acquisition_figure(curves: pd.DataFrame, out: Path, plt, data: str) -> None:
    """One panel per setting, the accuracy after each acquisition per policy, one legend."""
    from ..plotting import plot_acquisition_curves

    if curves.empty:
        return
    settings = curves["setting"].unique().tolist()
    fig, axes, lowest = _setting_panels(plt, settings, 3.2, sharex=False)
    for k, (setting, ax, labels_x) in enumerate(zip(settings, axes, lowest)):
        plot_acquisition_curves(curves[curves["setting"] == setting], ax=ax, title=setting)
        ax.get_legend().remove()  # one legend for the figure
        ax.set_ylabel("accuracy" if k % _PANELS_PER_ROW == 0 else "")  # the first panel of each row says it
        ax.set_xlabel(ax.get_xlabel() if labels_x else "")  # the bottom panels say it
    _one_legend(fig, axes[0])
    fig.suptitle(f"RedCore: accuracy as each test row's missing modalities are acquired, one at a time\n{data}")
    fig.savefig(out / "acquisition_accuracy.png", dpi=_DPI)
    plt.close(fig)


def write_figures(
    results: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    importance: pd.DataFrame,
    out: Path,
    *,
    data: str,
    modality_names: list[str],
    score_name: str = "weighted F1",
    curves: pd.DataFrame | None = None,
) -> None:
    """Write the PNG figures of a study into ``out`` (see the module's docstring for their names).

    Parameters
    ----------
    results : pandas.DataFrame
        The study's rows (:func:`~._study.run_study`).
    tables : dict of str to pandas.DataFrame
        Per setting, the mean score of each model on each combination (:func:`~._study.summarize_study`).
    importance : pandas.DataFrame
        The modalities' importance (:func:`~._study.importance_table`).
    out : Path
        The folder to write into.
    data : str
        The data, as the titles name it.
    modality_names : list of str
        The modalities, in the order of the results' lists.
    score_name : str, default="weighted F1"
        The metric, as the titles, labels and file names name it.
    curves : pandas.DataFrame, optional
        The acquisition curves (:func:`~._acquisition.acquisition_table`).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _missing_rate_figure(results, out, plt, data, score_name)
    _combination_figures(tables, out, plt, data, score_name)
    _regulation_figure(results, out, plt, data, modality_names)
    _importance_figure(importance, out, plt, data, score_name)
    if curves is not None:
        _acquisition_figure(curves, out, plt, data)
