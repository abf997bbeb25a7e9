"""Statistics of X's columns and their transforms, read in blocks.

X is never copied whole: :func:`row_blocks` cuts it into blocks of about
:data:`BLOCK_VALUES` values, so that the temporaries of every pass (NaN
masks, float64 copies, deviations) stay small however large X is. The one
full-size array the estimators create is the float32 input of the network
(:func:`standardize_block` and :func:`robust_block` write it block by
block, :func:`quantile_columns` column by column). The order statistics of the robust and quantile
transforms need a feature's values together: :func:`feature_values` reads
X in blocks of features (about :data:`BLOCK_VALUES` values, one feature at
least), so that the largest temporary is one feature's values (pooled over
the steps of a sequence).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._transforms import normal_scores, quantile_knots, robust_centre_and_spread, smooth_clip

__all__ = [
    "BLOCK_VALUES",
    "column_stats",
    "feature_values",
    "quantile_columns",
    "quantile_stats",
    "robust_block",
    "robust_stats",
    "row_blocks",
    "standardize_block",
    "usable_statistics",
]

#: Values per block of rows (2 MB of float64): the unit of every pass over X.
BLOCK_VALUES = 2**18
_HUGE = 1e100  # columns with larger values are rescaled for their statistics
_FLOAT32_MAX = float(np.finfo(np.float32).max)  # the network computes in float32


def row_blocks(n_rows: int, n_columns: int) -> Iterator[slice]:
    """Slices of consecutive rows holding about :data:`BLOCK_VALUES` values each."""
    step = max(1, BLOCK_VALUES // max(n_columns, 1))
    for start in range(0, n_rows, step):
        yield slice(start, start + step)


def column_stats(
    X: np.ndarray, columns: np.ndarray | None = None, *, n_steps: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the observed (non-NaN) values of each column or feature.

    With ``n_steps = T > 1`` the columns hold a sequence of T steps of
    ``d = len(columns) / T`` features, step-major, and the statistics are
    those of each of the d features over all observed steps (pooled over the
    steps). A column holding values beyond ``1e100`` in magnitude is divided
    by its largest magnitude while summing, so that squares do not overflow:
    a column of values about 1e300 gets its true mean and spread.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float data, NaN marking missing values; read in blocks of
        rows, not copied.
    columns : ndarray of int or None, default=None
        The columns to describe (all when None).
    n_steps : int, default=1
        Number of steps T of the sequence the columns hold.

    Returns
    -------
    mean, std : ndarray of shape (len(columns) // n_steps,)
        NaN for a column (feature) without any observed value.
    """
    n_columns = X.shape[1] if columns is None else len(columns)
    width = n_columns // n_steps

    def blocks(unit: np.ndarray | None) -> Iterator[np.ndarray]:
        for rows in row_blocks(len(X), n_columns):
            block = X[rows] if columns is None else X[rows][:, columns]
            block = np.asarray(block, dtype=np.float64).reshape(-1, width)
            yield block / unit if unit is not None else block

    count = np.zeros(width, dtype=np.intp)
    largest = np.zeros(width)
    total = np.zeros(width)
    for block in blocks(None):
        observed = ~np.isnan(block)
        count += np.count_nonzero(observed, axis=0)
        np.fmax(largest, np.fmax.reduce(np.abs(block), axis=0, initial=0.0), out=largest)  # over every block
        with np.errstate(over="ignore", invalid="ignore"):  # redone below for columns of huge values
            total += np.add.reduce(block, axis=0, where=observed)
    unit = np.where(largest > _HUGE, largest, 1.0)  # 1: the sums are those of X itself
    rescale = bool((unit != 1.0).any())
    if rescale:
        total[:] = 0.0
        for block in blocks(unit):
            total += np.add.reduce(block, axis=0, where=~np.isnan(block))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    squares = np.zeros(width)
    for block in blocks(unit if rescale else None):
        deviation = block - mean
        np.square(deviation, out=deviation)
        squares += np.add.reduce(deviation, axis=0, where=~np.isnan(deviation))
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.sqrt(squares / count)
    return mean * unit, std * unit


def usable_statistics(mean: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Statistics the network can use: 0 for a mean that could not be computed, and
    ``max(1, |mean|)`` for a scale that is not finite or is zero (a constant column's
    rounding residue is then scaled by the column's size)."""
    mean = np.where(np.isfinite(mean), mean, 0.0)
    size = np.maximum(1.0, np.abs(mean))
    scale = np.where(np.isfinite(scale) & (scale > 1e-12 * size), scale, size)
    return mean, scale


def standardize_block(
    block: np.ndarray,
    mean: np.ndarray,
    scale: np.ndarray,
    *,
    out: np.ndarray,
    missing: np.ndarray,
    first_row: int,
    columns: np.ndarray,
) -> np.ndarray:
    """Write ``(block - mean) / scale`` into the float32 ``out``, with NaN (missing) set to 0, the training mean.

    Parameters
    ----------
    block : ndarray of shape (n_rows, n_columns)
        Rows ``first_row:first_row + n_rows`` of X, columns ``columns``:
        finite values or NaN; not modified.
    mean, scale : ndarray of shape (n_columns,)
        Centre and (finite, positive) scale of those columns.
    out : float32 ndarray of shape (n_rows, n_columns)
        Where the result goes.
    missing : bool ndarray of shape (n_rows, n_columns)
        ``np.isnan(block)``, which the caller has at hand.
    first_row : int
        Row of X where the block starts (for the error message).
    columns : ndarray of int
        Columns of X that the block holds, in its order (for the error message).

    Returns
    -------
    out : float32 ndarray
        Finite values.

    Raises
    ------
    ValueError
        A standardised value lies beyond the float32 range (the network
        computes in float32).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        values = block - mean
        values /= scale
        out[...] = values  # beyond the float32 range: inf
    beyond = np.isinf(out)
    if beyond.any():
        row, col = np.argwhere(beyond)[0]
        raise ValueError(
            f"X[{first_row + row}, {columns[col]}] = {block[row, col]:.3g} is too large for the network: centred "
            f"and scaled by the training statistics it becomes {values[row, col]:.3g}, beyond the float32 range "
            f"({_FLOAT32_MAX:.3g}). Rescale that column of X (feature_transform='standard' scales each column by "
            "the spread of its training values; 'robust' and 'quantile' bound every value)."
        )
    np.putmask(out, missing, 0.0)
    return out


def feature_values(X: np.ndarray, columns: np.ndarray | None = None, *, n_steps: int = 1) -> Iterator[np.ndarray]:
    """The observed (non-NaN) values of each column or feature, one after the other, as float64.

    With ``n_steps = T > 1`` the columns hold a sequence of T steps of
    ``d = len(columns) / T`` features, step-major, and the values of a
    feature are those of its T columns pooled. X is read in blocks of
    features of about :data:`BLOCK_VALUES` values (one feature at least).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float data, NaN marking missing values; not modified.
    columns : ndarray of int or None, default=None
        The columns to read (all when None).
    n_steps : int, default=1
        Number of steps T of the sequence the columns hold.

    Yields
    ------
    ndarray of shape (n_observed,)
        The values of each feature in turn (``len(columns) // n_steps`` arrays).
    """
    columns = np.arange(X.shape[1]) if columns is None else np.asarray(columns)
    grid = columns.reshape(n_steps, -1).T  # row j: the columns of feature j
    per_block = max(1, BLOCK_VALUES // max(len(X) * n_steps, 1))
    for start in range(0, len(grid), per_block):
        features = grid[start : start + per_block]
        block = np.asarray(X[:, features.ravel()], dtype=np.float64).reshape(len(X), len(features), n_steps)
        for j in range(len(features)):
            values = block[:, j].ravel()
            yield values[~np.isnan(values)]


def robust_stats(
    X: np.ndarray, columns: np.ndarray | None = None, *, n_steps: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Median and robust spread (:func:`~._transforms.robust_centre_and_spread`) of each column or feature.

    Parameters and layout as for :func:`feature_values`.

    Returns
    -------
    centre, spread : ndarray of shape (len(columns) // n_steps,)
        NaN for a column (feature) without any observed value.
    """
    stats = [robust_centre_and_spread(values) for values in feature_values(X, columns, n_steps=n_steps)]
    centre, spread = np.array(stats, dtype=np.float64).reshape(-1, 2).T
    return centre, spread


def quantile_stats(
    X: np.ndarray,
    columns: np.ndarray | None = None,
    *,
    n_steps: int = 1,
    n_quantiles: int,
    max_values: int,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Knots of the quantile map (:func:`~._transforms.quantile_knots`) of each column or feature.

    A feature with more than ``max_values`` observed values is described by
    ``max_values`` of them drawn without replacement by ``rng``.

    Parameters
    ----------
    X, columns, n_steps
        As for :func:`feature_values`.
    n_quantiles : int
        Number of knots per feature (>= 2).
    max_values : int
        Most values a feature's knots are computed from.
    rng : numpy Generator or None, default=None
        Draws the subsamples; needed only when some feature has more than
        ``max_values`` observed values.

    Returns
    -------
    knots : ndarray of shape (len(columns) // n_steps, n_quantiles)
        Zeros for a feature without any observed value.
    n_values : ndarray of int64, shape (len(columns) // n_steps,)
        Number of values behind each feature's knots.
    """
    knots, counts = [], []
    for values in feature_values(X, columns, n_steps=n_steps):
        if len(values) > max_values:
            if rng is None:
                raise ValueError(f"a feature has {len(values)} values, more than {max_values}: rng is needed")
            values = rng.choice(values, max_values, replace=False, shuffle=False)
        knots.append(quantile_knots(values, n_quantiles) if len(values) else np.zeros(n_quantiles))
        counts.append(len(values))
    return np.array(knots, dtype=np.float64).reshape(-1, n_quantiles), np.array(counts, dtype=np.int64)


def robust_block(
    block: np.ndarray, centre: np.ndarray, scale: np.ndarray, *, out: np.ndarray, missing: np.ndarray
) -> np.ndarray:
    """Write :func:`~._transforms.smooth_clip` of ``(block - centre) / scale`` into the float32 ``out``, NaN set to 0.

    Arguments as for :func:`standardize_block`; the values are within +-3,
    so no value is too large for the network.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        values = block - centre
        values /= scale
    out[...] = smooth_clip(values)
    np.putmask(out, missing, 0.0)
    return out


def quantile_columns(
    X: np.ndarray, columns: np.ndarray, knots: np.ndarray, n_values: np.ndarray, *, out: np.ndarray
) -> np.ndarray:
    """Write the quantile map (:func:`~._transforms.normal_scores`) of some columns of X into float32 ``out``, NaN as 0.

    The map is a binary search per value, column by column: X is read one
    column at a time, in chunks of :data:`BLOCK_VALUES` // 8 rows (so that
    each call has rows enough to pay for itself, and its temporaries stay
    near the size of a block).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite values or NaN; not modified.
    columns : ndarray of int of shape (n_columns,)
        The columns of X to map, in the order of ``out``'s columns.
    knots : ndarray of shape (n_columns, n_quantiles)
        The knots of each of these columns.
    n_values : ndarray of shape (n_columns,)
        Number of values behind each column's knots.
    out : float32 ndarray of shape (n_samples, n_columns)
        Where the result goes.

    Returns
    -------
    out : float32 ndarray
        Finite values.
    """
    step = max(1, BLOCK_VALUES // 8)
    for c, column in enumerate(columns):
        for start in range(0, len(X), step):
            z = normal_scores(X[start : start + step, column], knots[c], int(n_values[c]))
            z[np.isnan(z)] = 0.0
            out[start : start + step, c] = z
    return out
