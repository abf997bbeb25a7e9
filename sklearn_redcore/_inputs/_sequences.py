"""Sequence modalities: declaring them, and building X from sequences of varying length.

A sequence modality of T steps of d features is stored in X as T * d
consecutive columns, step-major (the d features of step 0, then those of
step 1, ...), so that X stays a 2-D table for scikit-learn. A step whose d
values are all NaN is padding; a sample whose steps are all NaN misses the
modality.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["SequenceModality", "flatten_sequences"]


def _check_count(value: Any, name: str, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


class SequenceModality:
    """Declare a modality as a sequence of ``n_steps`` steps of equal width.

    Use it as a value of the ``modalities`` specification of the package's
    estimators and tools, next to plain column groups. The columns hold the
    sequence step-major: with T steps of d features, column ``t * d + j`` of
    the group (in the order given) is feature j of step t, so the group has
    exactly T * d columns. A step whose features are all NaN is padding
    (sequences of different lengths are padded with NaN steps); a sample
    whose steps are all NaN misses the modality.

    Parameters
    ----------
    columns : int, slice, range, sequence of int or of str
        The columns of the modality, as for a plain column group.
    n_steps : int
        Number of steps T.
    n_features : int or None, default=None
        Number of features d per step. None infers it as the number of
        columns divided by ``n_steps``; given, it is checked.

    See Also
    --------
    flatten_sequences : build X and the specification from arrays of sequences.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import SequenceModality, modality_presence
    >>> # 2 samples: modality "audio" has 3 steps of 2 features (columns 0-5),
    >>> # "age" is a plain column; the second sample has 1 step and 2 padding steps.
    >>> X = np.array([[1, 2, 3, 4, 5, 6, 40.0],
    ...               [1, 2, np.nan, np.nan, np.nan, np.nan, 35.0]])
    >>> spec = {"audio": SequenceModality(slice(0, 6), n_steps=3), "age": [6]}
    >>> modality_presence(X, spec)
    array([[ True,  True],
           [ True,  True]])
    """

    def __init__(self, columns: Any, n_steps: int, n_features: int | None = None) -> None:
        if isinstance(columns, SequenceModality):
            raise TypeError("SequenceModality columns must be a column group, not another SequenceModality.")
        self.columns = columns
        self.n_steps = _check_count(n_steps, "n_steps")
        self.n_features = _check_count(n_features, "n_features", allow_none=True)

    def __repr__(self) -> str:
        extra = f", n_features={self.n_features}" if self.n_features is not None else ""
        return f"SequenceModality({self.columns!r}, n_steps={self.n_steps}{extra})"

    def _key(self) -> tuple:
        columns = self.columns
        if isinstance(columns, slice):
            key: tuple = ("slice", columns.start, columns.stop, columns.step)
        elif isinstance(columns, (str, numbers.Integral)):
            key = (columns,)
        else:
            key = tuple(np.asarray(list(columns), dtype=object).tolist())
        return key, self.n_steps, self.n_features

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SequenceModality):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # mutable columns: not hashable

    def shape(self, name: str, n_columns: int) -> tuple[int, int]:
        """(T, d) for a group of ``n_columns`` columns; ValueError if they do not match."""
        T = self.n_steps
        if self.n_features is not None and T * self.n_features != n_columns:
            raise ValueError(
                f"Modality {name!r} is declared a sequence of n_steps={T} steps of n_features={self.n_features} "
                f"features, which takes {T * self.n_features} columns, but its column group has {n_columns}."
            )
        if n_columns % T:
            raise ValueError(
                f"Modality {name!r} is declared a sequence of n_steps={T} steps, but its column group has "
                f"{n_columns} columns, not a multiple of {T}: a sequence of T steps of d features takes "
                "T * d consecutive columns (step-major)."
            )
        return T, n_columns // T


def _as_steps(name: str, item: Any, n_features: int | None) -> np.ndarray:
    """One sample's sequence as a float array (T_i, d); None or an empty array gives 0 steps."""
    if item is None:
        return np.empty((0, n_features or 0))
    values = np.asarray(item)
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(float)
    if values.ndim == 1 and values.size == 0:
        values = values.reshape(0, n_features or 0)
    if values.ndim == 1:
        values = values.reshape(1, -1)  # a single step
    if values.ndim != 2:
        raise ValueError(
            f"Sequence modality {name!r}: each sample must be an array of shape (steps, features), "
            f"got an array with {values.ndim} dimensions."
        )
    return values


def flatten_sequences(
    sequences: Mapping[str, Any], n_steps: int | Mapping[str, int] | None = None, *, dtype: Any = np.float32
) -> tuple[np.ndarray, dict[str, Any]]:
    """Stack modalities, sequences included, into one 2-D X and its modality specification.

    Parameters
    ----------
    sequences : dict of str to array-like
        For each modality, in column order, one of:

        * a 3-D array of shape (n_samples, T, d): a sequence modality whose
          steps are all kept (NaN steps stay padding);
        * a list of n_samples arrays of shape (T_i, d), of varying length
          T_i; None or an array with no step marks a sample that misses the
          modality;
        * a 2-D array of shape (n_samples, d): a plain vector modality.
    n_steps : int, dict of str to int, or None, default=None
        Number of steps T given to each sequence modality (an int for all, or
        per modality name). Shorter sequences are padded with NaN steps,
        longer ones are cut to their first T steps. None: the longest
        sequence of each modality.
    dtype : numpy dtype, default=np.float32
        Type of X. float32 halves the memory of long sequences; the
        package's estimators accept it without making a copy.

    Returns
    -------
    X : ndarray of shape (n_samples, n_columns)
        The modalities side by side, sequences step-major with NaN padding.
    modalities : dict
        The specification: ``name -> SequenceModality`` for sequences and
        ``name -> list of column positions`` for vectors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import flatten_sequences
    >>> audio = [np.ones((3, 2)), np.zeros((1, 2)), None]     # 3 samples, 2 features per step
    >>> age = np.array([[40.0], [35.0], [50.0]])
    >>> X, spec = flatten_sequences({"audio": audio, "age": age})
    >>> X.shape, spec["audio"]
    ((3, 7), SequenceModality(range(0, 6), n_steps=3))
    >>> X[1]
    array([ 0.,  0., nan, nan, nan, nan, 35.], dtype=float32)
    """
    if not isinstance(sequences, Mapping) or not sequences:
        raise ValueError("sequences must be a non-empty dict: modality name -> arrays.")
    n_samples = None
    blocks: list[np.ndarray] = []
    spec: dict[str, Any] = {}
    start = 0
    for name, value in sequences.items():
        name = str(name)
        limit = n_steps.get(name) if isinstance(n_steps, Mapping) else n_steps
        if isinstance(value, np.ndarray) and value.ndim == 2:
            block = np.asarray(value, dtype=dtype)
            columns: Any = list(range(start, start + block.shape[1]))
        elif isinstance(value, np.ndarray) and value.ndim == 3:
            n, T_stored, d = value.shape
            T = _check_count(limit, f"n_steps for {name!r}") if limit is not None else T_stored
            block = np.full((n, T, d), np.nan, dtype=dtype)
            block[:, : min(T, T_stored)] = value[:, :T]
            block = block.reshape(n, T * d)
            columns = SequenceModality(range(start, start + T * d), n_steps=T)
        else:
            items = list(value)
            width = next((np.shape(it)[-1] for it in items if it is not None and np.size(it)), None)
            steps = [_as_steps(name, item, width) for item in items]
            widths = {s.shape[1] for s in steps if len(s)}
            if len(widths) > 1:
                raise ValueError(
                    f"Sequence modality {name!r}: samples have different numbers of features per step {sorted(widths)}."
                )
            if not widths:
                raise ValueError(f"Sequence modality {name!r} has no step in any sample.")
            d = widths.pop()
            T = _check_count(limit, f"n_steps for {name!r}") if limit is not None else max(len(s) for s in steps)
            block = np.full((len(steps), T * d), np.nan, dtype=dtype)
            for i, s in enumerate(steps):
                kept = s[:T]
                block[i, : kept.size] = kept.ravel()
            columns = SequenceModality(range(start, start + T * d), n_steps=T)
        if n_samples is None:
            n_samples = len(block)
        elif len(block) != n_samples:
            raise ValueError(f"Modality {name!r} has {len(block)} samples, the first modality {n_samples}.")
        blocks.append(block)
        spec[name] = columns
        start += block.shape[1]
    return np.hstack(blocks), spec
