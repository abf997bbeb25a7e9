"""Plots of missing-modality studies (needs matplotlib: ``pip install sklearn-redcore[plot]``)."""

from ._acquisition import plot_acquisition_curves
from ._importance import plot_modality_importance
from ._plots import (
    plot_combination_heatmap,
    plot_missing_rate_curves,
    plot_regulation_curves,
    plot_regulation_history,
)

__all__ = [
    "plot_missing_rate_curves",
    "plot_regulation_curves",
    "plot_regulation_history",
    "plot_combination_heatmap",
    "plot_modality_importance",
    "plot_acquisition_curves",
]
