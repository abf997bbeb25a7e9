"""The acquisition gains of any fitted estimator that accepts NaN: values of the modality from reference rows.

For a sample missing modality m, the ``n_draws`` reference rows nearest to
it on its present modalities' columns, among those that have m and every
modality the sample has (each column standardised over them; a missing
value counts as the column's mean); each gives m's columns to one copy of
the sample (its other columns as they are), and the gain is
:mod:`._criteria`'s on the estimator's predictions of these copies, every
row equally likely. A sample with no modality, or fewer such rows than
``n_draws``, gets ``n_draws`` rows that have m drawn at random (the prior).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import is_regressor

from .._inputs import modality_presence
from ._criteria import entropy_reduction, explained_variance

__all__ = ["MAX_DISTANCES", "MAX_PREDICTED_ROWS", "substitution_gains"]

#: Most rows of one call of the estimator's prediction (samples times drawn rows).
MAX_PREDICTED_ROWS = 65_536
#: Most distances (samples times candidate rows) held at once when finding the nearest rows (32 MB).
MAX_DISTANCES = 2**22


def _nearest(X: np.ndarray, reference: np.ndarray, candidates: np.ndarray, columns: np.ndarray, k: int):
    """(n, k): the ``k`` candidate rows nearest to each row of X on ``columns``, standardised over the candidates."""
    values = reference[np.ix_(candidates, columns)]
    with warnings.catch_warnings():  # a column without values among the candidates: all-NaN slices
        warnings.simplefilter("ignore", RuntimeWarning)
        centre, scale = np.nanmean(values, axis=0), np.nanstd(values, axis=0)
    centre, scale = np.nan_to_num(centre), np.where(scale > 0, scale, 1.0)
    bank = np.nan_to_num((values - centre) / scale)
    bank_norms = (bank**2).sum(1)
    nearest = []
    step = max(MAX_DISTANCES // len(candidates), 1)  # rows of X at a time: bounds the memory
    for start in range(0, len(X), step):
        query = np.nan_to_num((X[start : start + step, columns] - centre) / scale)
        squared = (query**2).sum(1)[:, None] + bank_norms[None, :] - 2.0 * query @ bank.T
        nearest.append(candidates[np.argsort(squared, axis=1, kind="stable")[:, :k]])
    return np.concatenate(nearest)


def substitution_gains(
    estimator: Any,
    X: np.ndarray,
    reference: np.ndarray,
    modalities: dict[str, np.ndarray],
    n_draws: int,
    rng: np.random.RandomState,
    columns: Any = None,
) -> np.ndarray:
    """The gains (n_samples, n_modalities); NaN where present (see the module).

    ``columns``: X's column names when the estimator was given a DataFrame
    (its predictions then receive DataFrames with these columns).
    """
    present = modality_presence(X, modalities)
    reference_present = modality_presence(reference, modalities)
    gains = np.full(present.shape, np.nan)
    predict = estimator.predict if is_regressor(estimator) else estimator.predict_proba
    criterion = explained_variance if is_regressor(estimator) else entropy_reduction
    blocks = list(modalities.values())
    patterns, inverse = np.unique(present, axis=0, return_inverse=True)
    for index, pattern in enumerate(patterns):
        members = np.flatnonzero(inverse.reshape(-1) == index)
        shown = np.concatenate([np.asarray(blocks[p]) for p in np.flatnonzero(pattern)]) if pattern.any() else None
        for m in np.flatnonzero(~pattern):
            having = np.flatnonzero(reference_present[:, m])
            if not len(having):
                raise ValueError(
                    f"X_reference has no row with the modality {list(modalities)[m]!r}, which some rows of X miss: "
                    "its plausible values come from the reference rows that have it. Pass rows that have it (the "
                    "training data)."
                )
            k = min(n_draws, len(having))
            candidates = having[reference_present[having][:, pattern].all(axis=1)]
            if shown is None or len(candidates) < k:  # the prior: rows that have m, drawn at random
                donors = np.tile(np.sort(rng.choice(having, k, replace=False)), (len(members), 1))
            else:
                donors = _nearest(X[members], reference, candidates, shown, k)
            gains[members, m] = _gains_with(predict, criterion, X, reference, members, donors, blocks[m], columns)
    return gains


def _gains_with(predict, criterion, X, reference, members, donors, cols, columns) -> np.ndarray:
    """The gains of the rows ``members`` of X, each predicted with the values of ``cols`` of its ``donors`` rows."""
    k = donors.shape[1]
    weights = torch.full((1, k), 1.0 / k, dtype=torch.float64)
    gains = np.empty(len(members))
    step = max(MAX_PREDICTED_ROWS // k, 1)
    for start in range(0, len(members), step):
        rows, drawn = members[start : start + step], donors[start : start + step]
        batch = np.repeat(X[rows], k, axis=0)
        batch[:, cols] = reference[np.ix_(drawn.ravel(), cols)]
        outputs = np.asarray(predict(batch if columns is None else pd.DataFrame(batch, columns=columns)))
        outputs = torch.as_tensor(outputs, dtype=torch.float64).reshape(len(rows), k, -1)
        gains[start : start + len(rows)] = criterion(outputs, weights.expand(len(rows), -1)).numpy()
    return gains
