"""Statistics and standardisation of X, read in blocks of rows.

X is never copied whole: :func:`row_blocks` cuts it into blocks of about
:data:`BLOCK_VALUES` values, so that the temporaries of every pass (NaN
masks, float64 copies, deviations) stay small however large X is. The one
full-size array the estimators create is the float32 input of the network
(:func:`standardize_block` writes it block by block).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["BLOCK_VALUES", "column_stats", "row_blocks", "standardize_block", "usable_statistics"]

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
            f"({_FLOAT32_MAX:.3g}). Rescale that column of X (standardize=True scales each column by the spread "
            "of its training values)."
        )
    np.putmask(out, missing, 0.0)
    return out
