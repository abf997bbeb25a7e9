"""Checks and preparation of the inputs: label types, column statistics, standardization.

The column statistics work through X in blocks of rows, so that a large X is
read in place instead of being copied whole; the estimators standardize X
block by block too (:func:`standardize_block`), so that the only full-size
array they create is the float32 input of the network.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["check_label_types", "column_stats", "standardize_block"]

_BLOCK_VALUES = 2**18  # values per block of rows (2 MB of float64)
_HUGE = 1e100  # columns with larger values are rescaled for their statistics
_FLOAT32_MAX = float(np.finfo(np.float32).max)  # the network computes in float32


def _row_blocks(n_rows: int, n_columns: int) -> Iterator[slice]:
    step = max(1, _BLOCK_VALUES // max(n_columns, 1))
    for start in range(0, n_rows, step):
        yield slice(start, start + step)


def check_label_types(y: np.ndarray) -> None:
    """Raise a TypeError when labels of an object array cannot be sorted together.

    Labels are sorted to define ``classes_``; for an array mixing, e.g., str
    and int, numpy would fail with a message that does not mention y.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels.
    """
    if y.dtype != object:
        return
    values = y.tolist()
    try:
        sorted(set(values))
    except TypeError:
        types = sorted({type(value).__name__ for value in values})
        raise TypeError(f"y mixes labels of types {types} that cannot be sorted together; "
                        "give labels of one kind, e.g. all str or all int.") from None


def column_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the observed (non-NaN) values of each column.

    A column holding values beyond ``1e100`` in magnitude is divided by its
    largest magnitude while summing, so that squares do not overflow: a
    column of values about 1e300 gets its true mean and spread.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float data, NaN marking missing values; not copied.

    Returns
    -------
    mean, std : ndarray of shape (n_features,)
        NaN for a column without any observed value.
    """
    n_rows, n_columns = X.shape
    count = np.zeros(n_columns, dtype=np.intp)
    largest = np.zeros(n_columns)
    total = np.zeros(n_columns)
    for rows in _row_blocks(n_rows, n_columns):
        block = X[rows]
        observed = ~np.isnan(block)
        count += np.count_nonzero(observed, axis=0)
        largest = np.fmax.reduce(np.abs(block), axis=0, initial=0.0, out=largest)
        with np.errstate(over="ignore", invalid="ignore"):  # redone below for columns of huge values
            total += np.add.reduce(block, axis=0, where=observed)
    unit = np.where(largest > _HUGE, largest, 1.0)  # 1: the sums are those of X itself
    rescale = bool((unit != 1.0).any())
    if rescale:
        total[:] = 0.0
        for rows in _row_blocks(n_rows, n_columns):
            block = X[rows] / unit
            total += np.add.reduce(block, axis=0, where=~np.isnan(block))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    squares = np.zeros(n_columns)
    for rows in _row_blocks(n_rows, n_columns):
        deviation = (X[rows] / unit if rescale else X[rows]) - mean
        np.square(deviation, out=deviation)
        squares += np.add.reduce(deviation, axis=0, where=~np.isnan(deviation))
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.sqrt(squares / count)
    return mean * unit, std * unit


def standardize_block(block: np.ndarray, mean: np.ndarray, scale: np.ndarray, *, out: np.ndarray,
                     missing: np.ndarray, first_row: int, columns: np.ndarray) -> np.ndarray:
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
            "of its training values).")
    np.putmask(out, missing, 0.0)
    return out
