"""Figures in the style of the paper: F1 against missing rate (Figure 3), relative
advantage and eta over training (Figure 5), scores per modality combination (Table 3).

Each function returns a matplotlib Figure for the caller to show or save.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_missing_rate_curves", "plot_regulation_history", "plot_combination_heatmap"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("Plotting needs matplotlib: pip install 'sklearn-redcore[plot]'.") from exc
    return plt


def _require_columns(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"results lack the column(s) {missing}; it has {list(frame.columns)}.")


def plot_missing_rate_curves(results: pd.DataFrame, *, x: str = "missing_rate", y: str = "Ave.",
                             hue: str = "model", ax: Any = None, title: str | None = None):
    """Score against training missing rate, one line per model (the paper's Figure 3).

    Rows with the same ``x`` and ``hue`` (e.g. several seeds) are averaged; the
    band shows their standard deviation.

    Parameters
    ----------
    results : pandas.DataFrame
        Long table with one row per fitted model, e.g. the ``results.csv`` of
        the benchmark with a numeric missing-rate column.
    x, y, hue : str
        Columns holding the missing rate, the score and the model name.
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.
    title : str, optional
        Title of the axes.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_redcore.plotting import plot_missing_rate_curves
    >>> results = pd.DataFrame({"missing_rate": [0.0, 0.5, 0.0, 0.5],
    ...                         "model": ["A", "A", "B", "B"], "Ave.": [0.8, 0.7, 0.6, 0.65]})
    >>> fig = plot_missing_rate_curves(results)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['A', 'B']
    """
    plt = _pyplot()
    _require_columns(results, [x, y, hue])
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    else:
        fig = ax.figure
    stats = results.groupby([hue, x], sort=True)[y].agg(["mean", "std"]).reset_index()
    for name in pd.unique(results[hue]):
        part = stats[stats[hue] == name]
        ax.plot(part[x], part["mean"], marker="o", label=str(name))
        spread = part["std"].fillna(0.0)
        ax.fill_between(part[x], part["mean"] - spread, part["mean"] + spread, alpha=0.15)
    ax.set_xlabel("training missing rate")
    ax.set_ylabel(y if y != "Ave." else "score averaged over modality combinations")
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


def plot_regulation_history(estimator: Any, *, modality_names: list[str] | None = None):
    """Relative advantage and eta of each modality over training (the paper's Figure 5).

    Parameters
    ----------
    estimator : fitted RedCoreClassifier
        Reads ``relative_advantage_history_``, ``eta_history_`` and
        ``imputation_loss_history_``.
    modality_names : list of str, optional
        Legend labels; default the keys of ``estimator.modalities_``.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Three panels: relative advantage (eq. 5), eta (eq. 8), imputation loss.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> from sklearn_redcore.plotting import plot_regulation_history
    >>> history = np.array([[0.1, -0.1], [0.2, -0.2]])
    >>> fake = SimpleNamespace(relative_advantage_history_=history, eta_history_=np.abs(history),
    ...                        imputation_loss_history_=1 + history, modalities_={"a": [0], "b": [1]})
    >>> len(plot_regulation_history(fake).axes)
    3
    """
    plt = _pyplot()
    try:
        panels = [
            (estimator.relative_advantage_history_, "relative advantage $RA^m$ (eq. 5)"),
            (estimator.eta_history_, r"supervision $\eta^m$ (eq. 8)"),
            (estimator.imputation_loss_history_, r"imputation loss $L^m_{MSE}$"),
        ]
    except AttributeError:
        raise ValueError("plot_regulation_history needs a fitted RedCoreClassifier.") from None
    names = modality_names if modality_names is not None else list(estimator.modalities_)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for ax, (values, label) in zip(axes, panels):
        values = np.asarray(values, dtype=float)
        epochs = np.arange(1, len(values) + 1)
        for m, name in enumerate(names):
            ax.plot(epochs, values[:, m], label=str(name))
        ax.set_xlabel("epoch")
        ax.set_title(label)
        ax.grid(alpha=0.3)
    axes[0].axhline(0.0, color="grey", linewidth=0.8)
    axes[0].legend()
    fig.tight_layout()
    return fig


def plot_combination_heatmap(table: pd.DataFrame, *, ax: Any = None, title: str | None = None,
                             cmap: str = "viridis", fmt: str = "{:.3f}"):
    """Heat map of scores per tested modality combination (the paper's Table 3).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model or setting, one column per combination (as returned
        by :func:`~sklearn_redcore.evaluate_modality_combinations`, or several
        of its rows concatenated).
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.
    title : str, optional
        Title of the axes.
    cmap : str, default="viridis"
        Colour map.
    fmt : str, default="{:.3f}"
        Format of the numbers written in the cells.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_redcore.plotting import plot_combination_heatmap
    >>> table = pd.DataFrame({"a": [0.7, 0.6], "b": [0.5, 0.55], "a+b": [0.8, 0.7]}, index=["RedCore", "HGB"])
    >>> fig = plot_combination_heatmap(table)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['RedCore', 'HGB']
    """
    plt = _pyplot()
    values = table.to_numpy(dtype=float)
    if values.size == 0:
        raise ValueError("table is empty.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.1 * values.shape[1] + 2, 0.55 * values.shape[0] + 1.5))
    else:
        fig = ax.figure
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(range(values.shape[1]), [str(c) for c in table.columns], rotation=35, ha="right")
    ax.set_yticks(range(values.shape[0]), [str(i) for i in table.index])
    middle = np.nanmean(values)
    for (i, j), value in np.ndenumerate(values):
        ax.text(j, i, fmt.format(value), ha="center", va="center",
                color="black" if value > middle else "white", fontsize=8)
    fig.colorbar(image, ax=ax, fraction=0.04)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
