"""Modality specifications: which columns of X form which modality.

A specification is a dict ``name -> columns`` or a list of column groups
(named ``"m0"``, ``"m1"``, ...). A column group is an int, a slice, a range,
a sequence or array of ints, or, when X is a DataFrame, a column name or a
sequence of names; wrapped in :class:`~sklearn_redcore.SequenceModality`, it
holds a sequence (T steps of d features, step-major). ``None`` makes all
columns one modality.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Union

import numpy as np

from ._sequences import SequenceModality
from ._statistics import row_blocks

ModalitySpec = Union[None, Mapping[str, Any], Sequence[Any]]  # noqa: UP007 (runtime alias, py3.10)

__all__ = ["ModalitySpec", "resolve_modalities", "modality_presence", "contiguous_modalities"]


def _as_indices(name: str, columns: Any, n_features: int, feature_names: np.ndarray | None) -> np.ndarray:
    """Turn one column group into sorted-as-given int indices, with clear errors."""
    if isinstance(columns, slice):
        indices = np.arange(n_features)[columns]
    elif isinstance(columns, range):
        indices = np.asarray(list(columns), dtype=np.int64)
    elif isinstance(columns, (str, numbers.Integral)):
        return _as_indices(name, [columns], n_features, feature_names)
    else:
        try:
            items = list(columns)
        except TypeError:
            raise TypeError(
                f"Modality {name!r}: columns must be ints, a slice, a range or column names, "
                f"got {type(columns).__name__}."
            ) from None
        if all(isinstance(c, str) for c in items) and items:
            if feature_names is None:
                raise ValueError(
                    f"Modality {name!r} names columns {items[:3]}..., but X has no column "
                    "names: pass a pandas DataFrame or give integer positions."
                )
            lookup = {str(c): i for i, c in enumerate(feature_names)}
            unknown = [c for c in items if c not in lookup]
            if unknown:
                raise ValueError(f"Modality {name!r}: unknown column name(s) {unknown[:5]}.")
            indices = np.array([lookup[c] for c in items], dtype=np.int64)
        elif all(isinstance(c, (numbers.Integral, np.integer)) and not isinstance(c, bool) for c in items):
            indices = np.asarray(items, dtype=np.int64)
            bad = indices[(indices < -n_features) | (indices >= n_features)]
            if bad.size:
                raise ValueError(
                    f"Modality {name!r}: column index {int(bad[0])} is out of range for X with {n_features} columns."
                )
            indices = indices % n_features
        else:
            raise TypeError(f"Modality {name!r}: columns must be all ints or all column names, got {items[:5]}.")
    if indices.size == 0:
        raise ValueError(f"Modality {name!r} has no columns.")
    if np.unique(indices).size != indices.size:
        raise ValueError(f"Modality {name!r} lists a column twice.")
    return indices.astype(np.int64)


def resolve_modalities(
    modalities: ModalitySpec,
    n_features: int,
    feature_names: np.ndarray | None = None,
    *,
    warn_unused: bool = True,
    return_shapes: bool = False,
    stacklevel: int = 3,
) -> Any:
    """Resolve a modality specification to ``{name: int column indices}``.

    Parameters
    ----------
    modalities : dict, list or None
        The specification (see the module docstring).
    n_features : int
        Number of columns of X.
    feature_names : ndarray of str or None
        Column names of X when it is a DataFrame.
    warn_unused : bool, default=True
        Warn when some columns belong to no modality (they are ignored).
    return_shapes : bool, default=False
        Also return the shape of each modality.
    stacklevel : int, default=3
        Where the warning about unused columns points (as for
        :func:`warnings.warn`, counted from this function).

    Returns
    -------
    dict of str to ndarray of int
        The columns of each modality, in the order given.
    shapes : dict of str to tuple or None
        Only with ``return_shapes``: ``(n_steps, n_features)`` for a sequence
        modality, None for a vector one.

    Raises
    ------
    ValueError
        Empty specification or group, overlapping groups, out-of-range
        indices, unknown column names, two modality names that are equal
        as strings (e.g. ``1`` and ``"1"``), a sequence whose columns are not
        T * d.
    """
    if modalities is None:
        everything = {"all": np.arange(n_features, dtype=np.int64)}
        return (everything, {"all": None}) if return_shapes else everything
    if isinstance(modalities, Mapping):
        items = [(str(k), v) for k, v in modalities.items()]
        names = [name for name, _ in items]
        if len(set(names)) < len(names):
            twice = next(name for name in names if names.count(name) > 1)
            raise ValueError(f"Two modalities are named {twice!r} (names are compared as strings): {list(modalities)}.")
    elif isinstance(modalities, (str, bytes)) or not isinstance(modalities, Sequence):
        hint = (
            " (put it in a dict: {'name': SequenceModality(...)})" if isinstance(modalities, SequenceModality) else ""
        )
        raise TypeError(
            "modalities must be None, a dict name -> columns or a list of column groups, "
            f"got {type(modalities).__name__}{hint}."
        )
    else:
        items = [(f"m{i}", v) for i, v in enumerate(modalities)]
    if not items:
        raise ValueError("modalities is empty: give at least one group of columns.")
    resolved: dict[str, np.ndarray] = {}
    shapes: dict[str, tuple[int, int] | None] = {}
    owner: dict[int, str] = {}
    for name, columns in items:
        if isinstance(columns, SequenceModality):
            indices = _as_indices(name, columns.columns, n_features, feature_names)
            shapes[name] = columns.shape(name, len(indices))
        else:
            indices = _as_indices(name, columns, n_features, feature_names)
            shapes[name] = None
        for index in indices:
            if int(index) in owner:
                label = str(feature_names[index]) if feature_names is not None else int(index)
                raise ValueError(f"Column {label!r} belongs to two modalities, {owner[int(index)]!r} and {name!r}.")
            owner[int(index)] = name
        resolved[name] = indices
    unused = n_features - len(owner)
    if unused and warn_unused:
        warnings.warn(
            f"{unused} of the {n_features} columns of X belong to no modality and are ignored.",
            UserWarning,
            stacklevel=stacklevel,
        )
    return (resolved, shapes) if return_shapes else resolved


def modality_presence(X: np.ndarray, modalities: dict[str, np.ndarray]) -> np.ndarray:
    """The presence matrix C of the paper: ``C[n, m]`` is True unless every
    column of modality m is NaN in row n.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Float data with NaN marking missing values.
    modalities : dict of str to ndarray of int
        Resolved modalities (see :func:`resolve_modalities`).

    Returns
    -------
    ndarray of bool of shape (n_samples, n_modalities)
    """
    present = np.empty((len(X), len(modalities)), dtype=bool)
    for rows in row_blocks(len(X), X.shape[1]):  # bounded memory for long sequences
        isnan = np.isnan(X[rows])
        for m, cols in enumerate(modalities.values()):
            present[rows, m] = ~isnan[:, cols].all(axis=1)
    return present


def contiguous_modalities(sizes: Mapping[str, int]) -> dict[str, list[int]]:
    """Specification of modalities stored side by side: ``{name: positions}``.

    ``sizes`` gives the number of columns of each modality, in column order.

    >>> contiguous_modalities({"a": 2, "b": 3})
    {'a': [0, 1], 'b': [2, 3, 4]}
    """
    ends = np.cumsum(list(sizes.values()), dtype=np.int64)
    return {name: list(range(int(end) - int(size), int(end))) for (name, size), end in zip(sizes.items(), ends)}
