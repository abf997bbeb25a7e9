"""Simulated modality missingness, as in the paper's experiments."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Union

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._inputs import ModalitySpec, resolve_modalities
from ._inputs import modality_presence as _presence

MissingRates = Union[float, Sequence[float], Mapping[str, float]]  # noqa: UP007 (runtime alias, py3.10)

__all__ = ["mask_modalities", "modality_presence", "ModalityMasker"]


def _feature_names(X: Any) -> np.ndarray | None:
    columns = getattr(X, "columns", None)
    return None if columns is None else np.asarray(columns, dtype=object).astype(str)


def missing_rates_of(missing_rates: MissingRates, names: list[str]) -> np.ndarray:
    """One rate per modality of ``names`` from a rate, a sequence or a dict by name; each in [0, 1)."""
    if isinstance(missing_rates, numbers.Real):
        rates = np.full(len(names), float(missing_rates))
    elif isinstance(missing_rates, Mapping):
        unknown = set(map(str, missing_rates)) - set(names)
        if unknown:
            raise ValueError(f"missing_rates names unknown modalities {sorted(unknown)}; known: {names}.")
        rates = np.array([float(missing_rates.get(name, 0.0)) for name in names])
    else:
        rates = np.asarray(missing_rates, dtype=float).ravel()
        if rates.size != len(names):
            raise ValueError(f"missing_rates has {rates.size} entries but there are {len(names)} modalities {names}.")
    if not np.all((rates >= 0) & (rates < 1)):
        raise ValueError(f"Every missing rate must lie in [0, 1), got {rates.tolist()}.")
    return rates


def modality_presence(X: Any, modalities: ModalitySpec = None) -> np.ndarray:
    """Which modality of which sample is available: the matrix C of the paper.

    A modality of a sample is missing when all of its columns are NaN.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        Data, NaN marking missing values.
    modalities : dict, list or None, default=None
        Modality specification, as for :class:`RedCoreClassifier`.

    Returns
    -------
    ndarray of bool of shape (n_samples, n_modalities)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import modality_presence
    >>> X = np.array([[1.0, 2.0, np.nan], [np.nan, np.nan, 3.0]])
    >>> modality_presence(X, {"a": [0, 1], "b": [2]})
    array([[ True, False],
           [False,  True]])
    """
    names = _feature_names(X)
    values = np.asarray(X, dtype=float)
    return _presence(values, resolve_modalities(modalities, values.shape[1], names, warn_unused=False))


def mask_modalities(
    X: Any,
    modalities: ModalitySpec,
    missing_rates: MissingRates,
    random_state: int | np.random.RandomState | None = None,
) -> Any:
    """Hide whole modalities of random samples, as the paper simulates missingness.

    Each modality m independently loses ``round(rate_m * n_samples)`` samples
    drawn at random among all samples (its columns become NaN). A sample that
    would lose every modality then gets one of them back, chosen uniformly at
    random, so that every sample keeps at least one modality. The realised
    missing rates are therefore a little lower than asked when the rates are
    high (for three modalities at 0.8, about 0.63); :func:`modality_presence`
    measures them. Values already missing in X stay missing.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        Data to mask. It is not modified.
    modalities : dict, list or None
        Modality specification, as for :class:`RedCoreClassifier`.
    missing_rates : float, sequence of float or dict
        One shared rate, one rate per modality in order, or a dict
        ``name -> rate`` (absent names: 0). Each in [0, 1).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Returns
    -------
    X_masked : ndarray or DataFrame
        A float copy of X (same type; float32 if X is a float32 array, else
        float64) with the hidden modalities set to NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import mask_modalities, modality_presence
    >>> X = np.ones((1000, 4))
    >>> spec = {"a": [0, 1], "b": [2, 3]}
    >>> Xm = mask_modalities(X, spec, [0.5, 0.2], random_state=0)
    >>> (~modality_presence(Xm, spec)).mean(axis=0).round(2)  # 10% lost both: one restored
    array([0.46, 0.15])
    >>> bool(modality_presence(Xm, spec).any(axis=1).all())
    True
    """
    rng = check_random_state(random_state)
    names = _feature_names(X)
    # float32 stays float32 (long sequences take half the memory); anything else becomes float64.
    values = np.array(X, dtype=np.float32 if getattr(X, "dtype", None) == np.float32 else float, copy=True)
    if values.ndim != 2:
        raise ValueError(f"X must be 2-D, got an array of shape {values.shape}.")
    resolved = resolve_modalities(modalities, values.shape[1], names, warn_unused=False)
    rates = missing_rates_of(missing_rates, list(resolved))
    n = values.shape[0]
    hide = np.zeros((n, len(resolved)), dtype=bool)
    for m, rate in enumerate(rates):
        hide[rng.choice(n, size=int(round(rate * n)), replace=False), m] = True
    lost_all = np.flatnonzero(hide.all(axis=1))
    hide[lost_all, rng.randint(len(resolved), size=lost_all.size)] = False
    for m, cols in enumerate(resolved.values()):
        rows = np.flatnonzero(hide[:, m])
        values[np.ix_(rows, cols)] = np.nan
    if names is not None:
        import pandas as pd

        return pd.DataFrame(values, columns=X.columns, index=X.index)
    return values


class ModalityMasker(TransformerMixin, BaseEstimator):
    """Transformer form of :func:`mask_modalities`.

    Every call to ``transform`` (and ``fit_transform``) hides modalities at
    random as :func:`mask_modalities` does. In a :class:`~sklearn.pipeline.Pipeline`
    it therefore simulates missingness for the training data *and* for data
    passed to ``predict``; use it to study robustness, not in a production
    pipeline. With an integer ``random_state`` each call draws the same mask
    for the same number of samples.

    Parameters
    ----------
    modalities : dict, list or None, default=None
        Modality specification, as for :class:`RedCoreClassifier`.
    missing_rates : float, sequence of float or dict, default=0.5
        Missing rate(s), each in [0, 1).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit`` (DataFrame input only).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import ModalityMasker
    >>> X = np.arange(12.0).reshape(4, 3)
    >>> ModalityMasker({"a": [0], "b": [1, 2]}, missing_rates=0.5, random_state=0).fit_transform(X).shape
    (4, 3)
    """

    def __init__(
        self,
        modalities: ModalitySpec = None,
        missing_rates: MissingRates = 0.5,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.modalities = modalities
        self.missing_rates = missing_rates
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> ModalityMasker:
        """Check X and the settings; learn nothing else.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data.
        y : ignored
            Not used, present for API consistency.

        Returns
        -------
        self : ModalityMasker
        """
        values = validate_data(self, X, ensure_all_finite="allow-nan", dtype=float)
        resolved = resolve_modalities(
            self.modalities, values.shape[1], getattr(self, "feature_names_in_", None), warn_unused=False
        )
        missing_rates_of(self.missing_rates, list(resolved))
        return self

    def transform(self, X: Any) -> Any:
        """Return a copy of X with modalities hidden at random.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data.

        Returns
        -------
        X_masked : ndarray or DataFrame
        """
        check_is_fitted(self)
        validate_data(self, X, ensure_all_finite="allow-nan", dtype=float, reset=False)
        return mask_modalities(X, self.modalities, self.missing_rates, self.random_state)

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.non_deterministic = self.random_state is None
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
