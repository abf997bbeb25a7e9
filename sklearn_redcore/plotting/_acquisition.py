"""The score of the predictions against the number of modalities acquired per sample, one line per policy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._plots import plot_missing_rate_curves

__all__ = ["plot_acquisition_curves"]


def plot_acquisition_curves(
    results: pd.DataFrame,
    *,
    x: str = "n_acquired",
    y: str = "accuracy",
    hue: str = "policy",
    ax: Any = None,
    title: str | None = None,
):
    """Score against the number of modalities acquired per sample, one line per acquisition policy.

    Rows with the same ``x`` and ``hue`` (e.g. several seeds) are averaged;
    the band shows their standard deviation (the drawing of
    :func:`plot_missing_rate_curves`, with this figure's axes).

    Parameters
    ----------
    results : pandas.DataFrame
        Long table with one row per policy, number of acquired modalities
        (and seed): e.g. scores after choosing modalities with
        :func:`~sklearn_redcore.acquisition_gain`, at random, or in a fixed
        order.
    x, y, hue : str
        Columns holding the number of modalities acquired, the score and the
        policy's name.
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
    >>> from sklearn_redcore.plotting import plot_acquisition_curves
    >>> results = pd.DataFrame({"policy": ["gain", "gain", "random", "random"],
    ...                         "n_acquired": [0, 1, 0, 1], "accuracy": [0.8, 0.95, 0.8, 0.9]})
    >>> fig = plot_acquisition_curves(results)
    >>> fig.axes[0].get_xlabel()
    'modalities acquired per sample'
    """
    fig = plot_missing_rate_curves(results, x=x, y=y, hue=hue, ax=ax, title=title)
    axes = ax if ax is not None else fig.axes[0]
    axes.set_xlabel("modalities acquired per sample")
    axes.set_ylabel(y)
    axes.set_xticks(np.sort(pd.unique(results[x])))
    return fig
