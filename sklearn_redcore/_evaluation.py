"""Scoring a fitted model on every combination of available modalities."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_regressor
from sklearn.metrics import check_scoring
from sklearn.utils.validation import check_is_fitted

from ._inputs import ModalitySpec, resolve_modalities
from ._masking import _feature_names

__all__ = ["modality_combinations", "evaluate_modality_combinations", "float_copy", "like_input"]


def float_copy(X: Any) -> np.ndarray:
    """A float copy of X to alter (float32 stays float32), whatever X is (array, list, DataFrame)."""
    return np.array(X, dtype=np.float32 if getattr(X, "dtype", None) == np.float32 else float, copy=True)


def like_input(values: np.ndarray, X: Any) -> Any:
    """``values`` in the form of X: a DataFrame with X's columns and index when X is one, else the array."""
    if _feature_names(X) is None:
        return values
    return pd.DataFrame(values, columns=X.columns, index=X.index)


def modalities_of(estimator: Any, modalities: ModalitySpec, purpose: str) -> ModalitySpec:
    """``modalities``, or with None the modalities the fitted ``estimator`` was trained on.

    Raises scikit-learn's ``NotFittedError`` for an unfitted estimator (the
    tools read a fitted model), and a ``ValueError`` when the estimator
    has no ``modalities_`` of its own and none are given.
    """
    check_is_fitted(estimator, msg=f"This %(name)s is not fitted yet: fit it first, then {purpose}.")
    if modalities is not None:
        return modalities
    found = getattr(estimator, "modalities_", None)
    if found is None:
        raise ValueError(
            f"modalities=None takes the estimator's modalities_, which {type(estimator).__name__} does "
            "not have; pass modalities (which columns form which modality)."
        )
    return found


def modality_combinations(names: list[str]) -> list[tuple[str, ...]]:
    """All non-empty combinations of ``names``: singles first, then pairs, ..., all."""
    return [combo for size in range(1, len(names) + 1) for combo in itertools.combinations(names, size)]


def evaluate_modality_combinations(
    estimator: Any, X: Any, y: Any, modalities: ModalitySpec, scoring: Any = None
) -> pd.DataFrame:
    """Score a fitted estimator on every non-empty combination of modalities.

    For each combination, the columns of the other modalities are set to NaN
    in a copy of X, as if only that combination had been observed (values
    already missing in X stay missing). This is the layout of the paper's
    Table 3: one column per tested modality combination, plus their average.

    Parameters
    ----------
    estimator : fitted estimator
        Any fitted scikit-learn compatible estimator that accepts NaN.
    X : array-like or DataFrame of shape (n_samples, n_features)
        Test data.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        True labels, or true targets for a regressor.
    modalities : dict, list or None
        Modality specification, as for :class:`RedCoreClassifier`.
    scoring : str, callable or None, default=None
        A scikit-learn scorer name or a callable ``scorer(estimator, X, y)``.
        None: "r2" for a regressor (scikit-learn's ``is_regressor``),
        "f1_weighted" otherwise.

    Returns
    -------
    scores : pandas.DataFrame
        One row (named after the scorer), one column per combination
        (``"fou+zer"``, ...) and a last column ``"Ave."``.

    Examples
    --------
    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> from sklearn_redcore import evaluate_modality_combinations
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["zer", "mor"])
    >>> model = HistGradientBoostingClassifier(max_iter=20).fit(data.data, data.target)
    >>> table = evaluate_modality_combinations(model, data.data, data.target, data.modalities)
    >>> list(table.columns)
    ['zer', 'mor', 'zer+mor', 'Ave.']
    """
    if scoring is None:
        scoring = "r2" if is_regressor(estimator) else "f1_weighted"
    modalities = modalities_of(estimator, modalities, "score it on each combination of modalities")
    names = _feature_names(X)
    values = float_copy(X)
    resolved = resolve_modalities(modalities, values.shape[1], names, warn_unused=False)
    scorer = check_scoring(estimator, scoring=scoring)
    row: dict[str, float] = {}
    for combo in modality_combinations(list(resolved)):
        masked = values.copy()
        for name, cols in resolved.items():
            if name not in combo:
                masked[:, cols] = np.nan
        row["+".join(combo)] = float(scorer(estimator, like_input(masked, X), y))
    row["Ave."] = float(np.mean(list(row.values())))
    label = scoring if isinstance(scoring, str) else "score"
    return pd.DataFrame([row], index=[label])
