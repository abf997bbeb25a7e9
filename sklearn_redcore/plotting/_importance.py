"""The importance of each modality to a fitted model, as bars: the score its removal and its permutation cost."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._plots import _pyplot, _require_columns

__all__ = ["plot_modality_importance"]


def plot_modality_importance(
    importance: pd.DataFrame,
    *,
    ax: Any = None,
    title: str | None = None,
    score_name: str | None = None,
    legend: bool = True,
):
    """Bars of the score each modality's absence and permutation cost, with the spread over repeats.

    Parameters
    ----------
    importance : pandas.DataFrame
        As returned by :func:`~sklearn_redcore.modality_importance`: one row
        per modality, columns ``removed``, ``permuted_mean`` and
        ``permuted_std``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.
    title : str, optional
        Title of the axes.
    score_name : str, optional
        The metric, for the axis label (e.g. ``"weighted F1"``).
    legend : bool, default=True
        Whether the axes get a legend (a figure of several panels may rather
        have one legend for all).

    Returns
    -------
    fig : matplotlib.figure.Figure
        Two horizontal bars per modality: "removed" (set to NaN) and
        "permuted" (with an error bar of one standard deviation).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_redcore.plotting import plot_modality_importance
    >>> importance = pd.DataFrame(
    ...     {"removed": [0.03, 0.01], "permuted_mean": [0.27, 0.04], "permuted_std": [0.01, 0.003]},
    ...     index=["zer", "mor"],
    ... )
    >>> fig = plot_modality_importance(importance)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['zer', 'mor']
    """
    _require_columns(importance, ["removed", "permuted_mean", "permuted_std"])
    if importance.empty:
        raise ValueError("importance is empty.")
    plt = _pyplot()
    n = len(importance)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 0.7 * n + 1.4))
    else:
        fig = ax.figure
    rows = np.arange(n)
    height = 0.38
    ax.barh(rows - height / 2, importance["removed"], height, label="removed (set to NaN)")
    ax.barh(
        rows + height / 2,
        importance["permuted_mean"],
        height,
        xerr=importance["permuted_std"],
        capsize=3,
        label="permuted across samples",
    )
    ax.set_yticks(rows, [str(i) for i in importance.index])
    ax.invert_yaxis()  # the first modality on top
    ax.axvline(0.0, color="black", linewidth=0.8)
    score = importance.attrs.get("score")
    metric = score_name or "score"
    ax.set_xlabel(f"{metric} lost" + (f" ({metric} with every modality: {score:.3f})" if score is not None else ""))
    if legend:
        ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    return fig
