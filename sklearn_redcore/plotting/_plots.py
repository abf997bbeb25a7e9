"""Figures in the style of the paper: F1 against missing rate (Figure 3), relative
advantage and eta over training (Figure 5), scores per modality combination (Table 3);
the importance of each modality to a fitted model is in ``_importance``.

Each function returns a matplotlib Figure for the caller to show or save.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "plot_missing_rate_curves",
    "plot_regulation_curves",
    "plot_regulation_history",
    "plot_combination_heatmap",
]


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


#: Markers and dash patterns that tell lines apart without their colour.
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
_DASHES = ("-", "--", "-.", ":")


def plot_missing_rate_curves(
    results: pd.DataFrame,
    *,
    x: str = "missing_rate",
    y: str = "Ave.",
    hue: str = "model",
    ax: Any = None,
    title: str | None = None,
    score_name: str | None = None,
    highlight: str | None = "RedCore",
):
    """Score against training missing rate, one line per model (the paper's Figure 3).

    Rows with the same ``x`` and ``hue`` (e.g. several seeds) are averaged; the
    band shows their standard deviation. Each line has its own marker and dash
    pattern, so that lines can be told apart where they overlap.

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
    score_name : str, optional
        The metric, for the y axis label (e.g. ``"weighted F1"``); the
        column's name otherwise.
    highlight : str or None, default="RedCore"
        The line drawn thicker and on top of the others, when ``hue`` has it.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_redcore.plotting import plot_missing_rate_curves
    >>> results = pd.DataFrame({"missing_rate": [0.0, 0.5, 0.0, 0.5],
    ...                         "model": ["A", "A", "B", "B"], "Ave.": [0.8, 0.7, 0.6, 0.65]})
    >>> fig = plot_missing_rate_curves(results, score_name="weighted F1")
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['A', 'B']
    >>> fig.axes[0].get_ylabel()
    'weighted F1, mean over modality combinations'
    """
    plt = _pyplot()
    _require_columns(results, [x, y, hue])
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    else:
        fig = ax.figure
    stats = results.groupby([hue, x], sort=True)[y].agg(["mean", "std"]).reset_index()
    for i, name in enumerate(pd.unique(results[hue])):
        part = stats[stats[hue] == name]
        emphasised = highlight is not None and str(name) == highlight
        style = dict(linewidth=2.8, markersize=8, zorder=4) if emphasised else dict(linewidth=1.4, markersize=6)
        line = ax.plot(
            part[x],
            part["mean"],
            marker=_MARKERS[i % len(_MARKERS)],
            linestyle=_DASHES[i % len(_DASHES)] if not emphasised else "-",
            label=str(name),
            **style,
        )[0]
        spread = part["std"].fillna(0.0)
        ax.fill_between(
            part[x], part["mean"] - spread, part["mean"] + spread, color=line.get_color(), alpha=0.12, linewidth=0
        )
    ax.set_xticks(sorted(pd.unique(results[x])))
    ax.set_xlabel("training missing rate")
    metric = score_name or y
    ax.set_ylabel(f"{metric}, mean over modality combinations" if y == "Ave." else metric)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if title:
        ax.set_title(title)
    return fig


def plot_regulation_curves(
    eta_history, relative_advantage_history, imputation_loss_history, *, modality_names, title: str | None = None
):
    """Relative advantage, eta and imputation loss of each modality over training, from arrays.

    The figure of the paper's Figure 5, drawn from the histories themselves, e.g.
    those kept in a benchmark's results; :func:`plot_regulation_history` draws the
    same figure from a fitted estimator. The figure lays itself out when drawn,
    so a title added later with ``fig.suptitle`` gets room above the panels too.

    Parameters
    ----------
    eta_history : array-like of shape (n_epochs, n_modalities)
        Supervision weight eta of each modality at the end of each epoch (eq. 8).
    relative_advantage_history : array-like of shape (n_epochs, n_modalities)
        Relative advantage of each modality at the end of each epoch (eq. 5).
    imputation_loss_history : array-like of shape (n_epochs, n_modalities)
        Mean imputation loss of each modality over each epoch.
    modality_names : list of str
        Legend labels, one per column of the histories.
    title : str, optional
        Title of the figure, above the three panels.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Three panels, in this order: relative advantage (with a line at zero),
        eta, imputation loss; one line per modality in each.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore.plotting import plot_regulation_curves
    >>> advantage = np.array([[0.1, -0.1], [0.2, -0.2], [0.15, -0.15]])
    >>> eta = np.array([[0.1, 0.1], [0.08, 0.12], [0.07, 0.13]])
    >>> loss = np.array([[1.0, 1.3], [0.8, 1.1], [0.7, 0.9]])
    >>> fig = plot_regulation_curves(eta, advantage, loss, modality_names=["audio", "text"], title="RedCore")
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['epoch', 'epoch', 'epoch']
    >>> [line.get_label() for line in fig.axes[1].get_lines()]
    ['audio', 'text']
    >>> fig.axes[1].get_lines()[1].get_ydata()
    array([0.1 , 0.12, 0.13])
    """
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    names = [str(name) for name in modality_names]
    histories = {}
    for parameter, values in [
        ("eta_history", eta_history),
        ("relative_advantage_history", relative_advantage_history),
        ("imputation_loss_history", imputation_loss_history),
    ]:
        values = np.asarray(values, dtype=float)
        if values.ndim != 2 or values.shape[1] != len(names):
            raise ValueError(
                f"{parameter} must have shape (n_epochs, {len(names)}), one column per name in "
                f"modality_names; got shape {values.shape}."
            )
        histories[parameter] = values
    panels = [
        (histories["relative_advantage_history"], "relative advantage $RA^m$ (eq. 5)"),
        (histories["eta_history"], r"supervision $\eta^m$ (eq. 8)"),
        (histories["imputation_loss_history"], r"imputation loss $L^m_{MSE}$"),
    ]
    # "tight" lays the figure out at every draw, including a suptitle added by the
    # caller after this function returns (and a later fig.tight_layout() is no change
    # of layout engine, so matplotlib does not warn).
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), layout="tight")
    for ax, (values, label) in zip(axes, panels):
        epochs = np.arange(1, len(values) + 1)
        for m, name in enumerate(names):
            ax.plot(epochs, values[:, m], label=name)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(label)
        ax.grid(alpha=0.3)
    axes[0].axhline(0.0, color="grey", linewidth=0.8)
    axes[0].legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_regulation_history(estimator: Any, *, modality_names: list[str] | None = None, title: str | None = None):
    """Relative advantage and eta of each modality over training (the paper's Figure 5).

    Draws :func:`plot_regulation_curves` from the histories of a fitted estimator.

    Parameters
    ----------
    estimator : fitted RedCoreClassifier
        Reads ``relative_advantage_history_``, ``eta_history_`` and
        ``imputation_loss_history_``.
    modality_names : list of str, optional
        Legend labels; default the keys of ``estimator.modalities_``.
    title : str, optional
        Title of the figure, above the three panels.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Three panels: relative advantage (eq. 5), eta (eq. 8), imputation loss.

    Examples
    --------
    >>> from sklearn_redcore import RedCoreClassifier
    >>> from sklearn_redcore.datasets import make_multimodal_classification
    >>> from sklearn_redcore.plotting import plot_regulation_history
    >>> data = make_multimodal_classification(60, modality_dims=(4, 3), random_state=0)
    >>> clf = RedCoreClassifier(data.modalities, max_epochs=2, random_state=0).fit(data.data, data.target)
    >>> fig = plot_regulation_history(clf, title="RedCore")
    >>> [line.get_label() for line in fig.axes[1].get_lines()]
    ['m0', 'm1']
    """
    try:
        histories = (estimator.eta_history_, estimator.relative_advantage_history_, estimator.imputation_loss_history_)
        names = modality_names if modality_names is not None else list(estimator.modalities_)
    except AttributeError:
        raise ValueError("plot_regulation_history needs a fitted RedCoreClassifier.") from None
    return plot_regulation_curves(*histories, modality_names=names, title=title)


def plot_combination_heatmap(
    table: pd.DataFrame,
    *,
    ax: Any = None,
    title: str | None = None,
    cmap: str = "viridis",
    fmt: str = "{:.3f}",
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str | None = None,
):
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
    vmin, vmax : float, optional
        The scores at the ends of the colour scale; the table's lowest and
        highest by default. Give the same to several heat maps to compare
        their colours.
    colorbar_label : str, optional
        Label of the colour bar: the metric, e.g. ``"weighted F1"``.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_redcore.plotting import plot_combination_heatmap
    >>> table = pd.DataFrame({"a": [0.7, 0.6], "b": [0.5, 0.55], "a+b": [0.8, 0.7]}, index=["RedCore", "HGB"])
    >>> fig = plot_combination_heatmap(table, vmin=0.0, vmax=1.0, colorbar_label="weighted F1")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['RedCore', 'HGB']
    >>> fig.axes[1].get_ylabel()
    'weighted F1'
    """
    plt = _pyplot()
    values = table.to_numpy(dtype=float)
    if values.size == 0:
        raise ValueError("table is empty.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.1 * values.shape[1] + 2, 0.55 * values.shape[0] + 1.5))
    else:
        fig = ax.figure
    image = ax.imshow(values, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(values.shape[1]), [str(c) for c in table.columns], rotation=35, ha="right")
    ax.set_yticks(range(values.shape[0]), [str(i) for i in table.index])
    for (i, j), value in np.ndenumerate(values):
        light = image.norm(value) > 0.5  # the upper half of the usual maps is light: dark text there
        ax.text(j, i, fmt.format(value), ha="center", va="center", color="black" if light else "white", fontsize=8)
    colorbar = fig.colorbar(image, ax=ax, fraction=0.04)
    if colorbar_label:
        colorbar.set_label(colorbar_label)
    if title:
        ax.set_title(title)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    return fig
