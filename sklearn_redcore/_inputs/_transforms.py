"""The per-feature maps beyond standardisation: robust scaling with smooth clipping, the quantile map, the "auto" rule.

Pure functions of one feature's values (NumPy in, NumPy out), written for
:class:`~sklearn_redcore._inputs.ModalityInputs`, which fits them on the
observed (non-NaN) training values of each feature and applies them in blocks
of rows. Every output is finite for finite input, whatever was fitted.

**Robust scaling and smooth clipping** (``feature_transform="robust"``), the
preprocessing of RealMLP (Holzmüller, Grinsztajn and Steinwart, "Better by
default: strong pre-tuned MLPs and boosted trees on tabular data", NeurIPS
2024, Section 3)::

    c = median(v)                                   (centre)
    s = q(v, 3/4) - q(v, 1/4)                       (interquartile range)
    s = (max(v) - min(v)) / 2        if s = 0       (half the range instead)
    u = (x - c) / s
    f(u) = u / sqrt(1 + (u / 3)^2)                  (smooth clipping, |f| < 3)

with ``q`` the quantile by linear interpolation between order statistics.
``f`` is close to the identity for ``|u| << 3`` and tends to +-3, so an
outlier keeps its side and its rank but cannot dominate the network's input.
A column with ``s = 0`` still (a constant column) gets the scale rule of
:func:`~sklearn_redcore._inputs._statistics.usable_statistics`.

**Per-column choice** (``feature_transform="auto"``): a column is scaled
robustly (as above) when its standard deviation exceeds its robust spread,
and standardised otherwise::

    robust  if  std(v) > s       (s: the interquartile range, else half the range)

Standardisation maps the middle half of the values onto an interval of
``IQR / std`` units; ``std > IQR`` means that interval is shorter than one
unit, the bulk squeezed by values far from it. The ratio ``std / IQR`` is
0.58 for a uniform, 0.74 for a normal, 0.83 for a logistic and 0.91 for an
exponential distribution, 1.02 for a Laplace one, 1.13 for Student's t with
3 degrees of freedom, 3.8 for a log-normal of sigma 1.5 and 6.3 for the
cube of a normal: the threshold 1 sits at exponential tails, the usual
boundary of heavy tails, and is not fitted to any data set. A column of
smooth descriptors keeps the standardisation; a log-normal, heavy-tailed or
outlier-laden column gets the median, the IQR and the smooth clipping. A
column whose IQR is 0 (a pixel that is mostly blank) is always standardised:
its spread is then half its range, never below its standard deviation
(Popoviciu's inequality), and the robust map would divide its rare values
by half the range and shrink them. A constant column is standardised.

**Quantile map to a standard normal** (``feature_transform="quantile"``), as
scikit-learn's ``QuantileTransformer(output_distribution="normal")`` with
two changes that keep discrete features and extremes moderate. Given ``n``
observed values and ``q`` levels ``r_k = k / (q - 1)``, the knots are
``Q_k = q(v, r_k)`` and a value ``x`` is mapped to::

    P(x) = r at x, interpolated linearly between the knots around x,
           and the middle of the levels (r_j + r_l) / 2 when Q_j = ... = Q_l = x (a tie)
    P'(x) = (P(x) (n - 1) + 1/2) / n
    z = Phi^-1(P'(x))

Values beyond the extreme knots take the extreme levels. With ``q = n`` the
knots are the order statistics, ``P`` of the i-th is ``(i - 1) / (n - 1)``
and ``P'`` its midpoint plotting position ``(i - 1/2) / n`` (Hazen's), so
the smallest and largest training values become
``-+Phi^-1(1 - 1/(2n))`` (+-3.3 for n = 1,000, +-4.4 for n = 100,000)
instead of +-inf. A tie is given the middle of its levels (the mid-rank):
a binary feature with 70 % zeros maps 0 to ``Phi^-1(0.35) = -0.39`` and 1 to
``Phi^-1(0.85) = 1.04``, where scikit-learn's map, which sends the smallest
and largest knots to the bounds of its clipping, gives -5.2 and +5.2. A
feature whose knots are all equal (a constant column, a value seen once, no
value at all) carries nothing to map and becomes 0.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

__all__ = [
    "SMOOTH_CLIP_BOUND",
    "choose_robust",
    "normal_scores",
    "quantile_knots",
    "robust_centre_and_spread",
    "smooth_clip",
]

#: The bound of :func:`smooth_clip` in RealMLP's preprocessing.
SMOOTH_CLIP_BOUND = 3.0


def smooth_clip(u: np.ndarray, bound: float = SMOOTH_CLIP_BOUND) -> np.ndarray:
    """``u / sqrt(1 + (u / bound)^2)``: near ``u`` for small values, tending to ``+-bound``.

    Written with ``hypot`` so that no square overflows; ``+-inf`` gives ``+-bound``.

    Parameters
    ----------
    u : ndarray
        Centred and scaled values (NaN stays NaN).
    bound : float, default=3.0
        The limit of the output for ``|u| -> inf``.

    Returns
    -------
    ndarray of float64, same shape as ``u``
        Values in ``(-bound, bound)``.
    """
    u = np.asarray(u, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # inf / inf, replaced below
        result = u / np.hypot(1.0, u / bound)
    infinite = np.isinf(u)
    if infinite.any():
        result[infinite] = np.copysign(bound, u[infinite])
    return result


def robust_centre_and_spread(values: np.ndarray) -> tuple[float, float]:
    """RealMLP's centre (the median) and spread (the interquartile range, else half the range) of some values.

    Parameters
    ----------
    values : ndarray of shape (n,)
        Observed (finite) values of one feature.

    Returns
    -------
    centre, spread : float
        NaN for no value; the spread is 0 only when every value is the same.
    """
    values = np.asarray(values, dtype=np.float64)
    if not len(values):
        return float("nan"), float("nan")
    lower, centre, upper = np.quantile(values, [0.25, 0.5, 0.75])
    spread = upper - lower
    if spread == 0.0:
        spread = 0.5 * (values.max() - values.min())
    return float(centre), float(spread)


def choose_robust(std: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """The per-column choice of ``feature_transform="auto"``: robust scaling where ``std > spread``.

    Parameters
    ----------
    std : ndarray of shape (n,)
        Standard deviation of each column's observed values.
    spread : ndarray of shape (n,)
        Robust spread of the same values (:func:`robust_centre_and_spread`:
        the interquartile range, else half the range).

    Returns
    -------
    ndarray of bool, shape (n,)
        True for the columns to scale robustly; False where either statistic
        is NaN (a column never observed).
    """
    std, spread = np.asarray(std, dtype=np.float64), np.asarray(spread, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.greater(std, spread) & np.isfinite(std) & np.isfinite(spread)


def quantile_knots(values: np.ndarray, n_quantiles: int) -> np.ndarray:
    """The knots ``Q_k = q(values, k / (n_quantiles - 1))`` of the quantile map, non-decreasing.

    Parameters
    ----------
    values : ndarray of shape (n,)
        Observed (finite) values of one feature, n >= 1.
    n_quantiles : int
        Number of levels (>= 2); with fewer values than levels the knots
        repeat the values' piecewise linear quantile function.

    Returns
    -------
    ndarray of shape (n_quantiles,)
    """
    knots = np.quantile(np.asarray(values, dtype=np.float64), np.linspace(0.0, 1.0, n_quantiles))
    return np.maximum.accumulate(knots)  # rounding of the interpolation must not break the order


def normal_scores(x: np.ndarray, knots: np.ndarray, n_values: int) -> np.ndarray:
    """The quantile map ``z = Phi^-1(P'(x))`` of one feature (see the module's docstring).

    Parameters
    ----------
    x : ndarray of shape (n,)
        Values to map; NaN stays NaN.
    knots : ndarray of shape (q,)
        Non-decreasing knots from :func:`quantile_knots`, q >= 2.
    n_values : int
        Number of values the knots were computed from (sets the extreme
        plotting positions ``1 / (2 n)`` and ``1 - 1 / (2 n)``).

    Returns
    -------
    ndarray of float64, shape (n,)
        Finite values within ``+-Phi^-1(1 - 1/(2 n))``; all 0 when the knots
        are all equal.
    """
    x = np.asarray(x, dtype=np.float64)
    if knots[0] == knots[-1]:
        return np.where(np.isnan(x), np.nan, 0.0)
    q = len(knots)
    below = np.searchsorted(knots, x, side="left")  # number of knots < x
    inner = np.clip(below, 1, q - 1)  # x lies between knots inner - 1 and inner (or beyond an end)
    left, right = knots[inner - 1], knots[inner]
    with np.errstate(divide="ignore", invalid="ignore"):  # halves: differences of huge values stay finite
        fraction = (0.5 * x - 0.5 * left) / (0.5 * right - 0.5 * left)
    position = inner - 1 + np.clip(fraction, 0.0, 1.0)
    tied = np.flatnonzero(knots[np.minimum(below, q - 1)] == x)  # x is a knot: the middle of its knots
    if len(tied):
        up_to = np.searchsorted(knots, x[tied], side="right")  # number of knots <= x
        position[tied] = 0.5 * (below[tied] + up_to - 1)
    level = position / (q - 1)
    n = max(int(n_values), 1)
    return ndtri((level * (n - 1) + 0.5) / n)
