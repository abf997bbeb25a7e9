"""The acquisition gains of any fitted estimator that accepts NaN: values of the modality from reference rows.

For each missing modality m, ``n_draws`` reference rows that have m are drawn
at random; each sample missing m is predicted once with m's columns taken
from each of them (its other columns as they are), and the gain is
:mod:`._criteria`'s on these predictions, every drawn row equally likely.
Unlike RedCore's gains, the drawn values do not depend on the sample's
present modalities: the model's prediction is explored over the
modality's whole distribution.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import is_regressor

from .._inputs import modality_presence
from ._criteria import entropy_reduction, explained_variance

__all__ = ["MAX_PREDICTED_ROWS", "substitution_gains"]

#: Most rows of one call of the estimator's prediction (samples times drawn rows).
MAX_PREDICTED_ROWS = 65_536


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
    for m, (name, cols) in enumerate(modalities.items()):
        missing = np.flatnonzero(~present[:, m])
        candidates = np.flatnonzero(reference_present[:, m])
        if not len(missing):
            continue
        if not len(candidates):
            raise ValueError(
                f"X_reference has no row with the modality {name!r}, which some rows of X miss: its plausible "
                "values come from the reference rows that have it. Pass rows that have it (the training data)."
            )
        drawn = np.sort(rng.choice(candidates, min(n_draws, len(candidates)), replace=False))
        values = reference[np.ix_(drawn, cols)]
        weights = torch.full((1, len(drawn)), 1.0 / len(drawn), dtype=torch.float64)
        step = max(MAX_PREDICTED_ROWS // len(drawn), 1)
        for start in range(0, len(missing), step):
            rows = missing[start : start + step]
            batch = np.repeat(X[rows], len(drawn), axis=0)
            batch[:, cols] = np.tile(values, (len(rows), 1))
            outputs = np.asarray(predict(batch if columns is None else pd.DataFrame(batch, columns=columns)))
            outputs = torch.as_tensor(outputs, dtype=torch.float64).reshape(len(rows), len(drawn), -1)
            gains[rows, m] = criterion(outputs, weights.expand(len(rows), -1)).numpy()
    return gains
