"""Paired comparisons of two models over seeds: the mean difference, its t interval, and the adoption rule.

Two models fitted on the same splits, masks and seeds give paired scores;
their differences, not the two spreads, say whether one is better. The
regulation study (``benchmarks/bench_regulation.py``) compares RedCore with
its ablation Core this way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

__all__ = ["decision", "format_difference", "paired_difference"]


def paired_difference(a: Any, b: Any, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of the paired differences ``a - b`` and its two-sided t confidence interval.

    Parameters
    ----------
    a, b : array-like of shape (n,)
        Paired scores (the same seed, split and mask in both).
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    mean, low, high : float
        With a single pair the interval is (nan, nan).

    Examples
    --------
    >>> [round(x, 4) for x in paired_difference([0.80, 0.82, 0.81], [0.79, 0.80, 0.80])]
    [0.0133, -0.001, 0.0277]
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"need two equal-length 1-d samples of at least one pair, got {d.shape}.")
    mean = float(d.mean())
    if d.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + confidence / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    return mean, mean - half, mean + half


def format_difference(mean: float, low: float, high: float) -> str:
    """``+0.004 [-0.001, +0.009]``, with a mark where the interval excludes 0 (▲ above, ▼ below)."""
    if np.isnan(low):
        return f"{mean:+.3f}"
    mark = " ▲" if low > 0 else (" ▼" if high < 0 else "")
    return f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]{mark}"


def decision(intervals: dict[str, list[tuple[float, float]]]) -> tuple[bool, int, int]:
    """The adoption rule: a variant's interval is above 0 on two data sets and below 0 on none.

    Parameters
    ----------
    intervals : dict
        Data set -> the (low, high) 95 % intervals of its settings.

    Returns
    -------
    adopt, n_above, n_below : bool, int, int
        ``n_above`` (``n_below``): the data sets where some setting's interval lies above (below) 0.

    Examples
    --------
    >>> decision({"a": [(0.001, 0.01), (-0.01, 0.01)], "b": [(0.002, 0.02)], "c": [(-0.01, 0.0)]})
    (True, 2, 0)
    """
    above = sum(any(low > 0 for low, _ in bounds) for bounds in intervals.values())
    below = sum(any(high < 0 for _, high in bounds) for bounds in intervals.values())
    return above >= 2 and below == 0, above, below
