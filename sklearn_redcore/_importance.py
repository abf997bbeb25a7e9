"""How much a fitted model relies on each modality: the score it loses when the modality is gone or scrambled."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import check_scoring
from sklearn.utils import check_random_state

from ._evaluation import float_copy, like_input, modalities_of
from ._inputs import ModalitySpec, resolve_modalities
from ._masking import _feature_names

__all__ = ["modality_importance"]


def modality_importance(
    estimator: Any,
    X: Any,
    y: Any,
    modalities: ModalitySpec = None,
    *,
    scoring: Any = None,
    n_repeats: int = 5,
    random_state: int | np.random.RandomState | None = None,
) -> pd.DataFrame:
    """The score a fitted model loses when each modality is removed, and when it is permuted.

    Two questions a user with several modalities asks, answered without
    retraining:

    * *What does it cost when this modality is missing?* Its columns are set
      to NaN in every sample (the model's own way of handling a missing
      modality) and the data scored again.
    * *How much does the model rely on it?* Its columns are permuted across
      samples as one block, ``n_repeats`` times, which keeps each sample's
      other modalities and the modality's own distribution but breaks its
      link to the target: permutation importance by group of columns.

    Each importance is the score on X minus the score on the altered copy
    (positive: the modality helps).

    Parameters
    ----------
    estimator : fitted estimator
        Any estimator of this package, or any fitted scikit-learn estimator
        (or pipeline) that accepts NaN in X.
    X : array-like or DataFrame of shape (n_samples, n_features)
        Data to score on, usually held out.
    y : array-like of shape (n_samples,)
        True targets.
    modalities : dict, list or None, default=None
        Modality specification, as for :class:`RedCoreClassifier`. None: the
        estimator's ``modalities_`` (an estimator of this package); other
        estimators need it.
    scoring : str, callable or None, default=None
        A scikit-learn scorer name or a callable ``scorer(estimator, X, y)``;
        None: the estimator's ``score`` (accuracy for a classifier).
    n_repeats : int, default=5
        Permutations per modality.
    random_state : int, RandomState instance or None, default=None
        Seeds the permutations.

    Returns
    -------
    importance : pandas.DataFrame
        One row per modality, with the columns ``removed`` (score lost when
        the modality is missing), ``permuted_mean`` and ``permuted_std``
        (score lost when it is permuted: mean and standard deviation over the
        repeats). ``importance.attrs["score"]`` holds the score on X.

    See Also
    --------
    evaluate_modality_combinations : The score under every combination of
        modalities.
    sklearn_redcore.plotting.plot_modality_importance : The importances as bars.

    Examples
    --------
    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> from sklearn_redcore import modality_importance
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["zer", "mor"])
    >>> model = HistGradientBoostingClassifier(max_iter=20).fit(data.data, data.target)
    >>> table = modality_importance(model, data.data, data.target, data.modalities, random_state=0)
    >>> list(table.index), list(table.columns)
    (['zer', 'mor'], ['removed', 'permuted_mean', 'permuted_std'])
    """
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, (int, np.integer)) or n_repeats < 1:
        raise ValueError(f"n_repeats must be an int >= 1, got {n_repeats!r}.")
    names = _feature_names(X)
    values = float_copy(X)
    if values.ndim != 2:
        raise ValueError(f"X must be 2-D, got an array of shape {values.shape}.")
    if len(values) != len(y):
        raise ValueError(f"X has {len(values)} samples and y has {len(y)}.")
    modalities = modalities_of(estimator, modalities, "measure what its modalities are worth")
    resolved = resolve_modalities(modalities, values.shape[1], names, warn_unused=False)
    scorer = check_scoring(estimator, scoring=scoring)
    rng = check_random_state(random_state)

    def score(data: np.ndarray) -> float:
        return float(scorer(estimator, like_input(data, X), y))

    reference = score(values)
    rows = {}
    for name, cols in resolved.items():
        removed = values.copy()
        removed[:, cols] = np.nan
        drops = []
        for _ in range(n_repeats):
            permuted = values.copy()
            permuted[:, cols] = values[rng.permutation(len(values))][:, cols]
            drops.append(reference - score(permuted))
        rows[name] = {
            "removed": reference - score(removed),
            "permuted_mean": float(np.mean(drops)),
            "permuted_std": float(np.std(drops)),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["score"] = reference
    return table
