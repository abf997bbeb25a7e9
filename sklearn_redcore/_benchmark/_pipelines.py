"""The first steps of the study's scikit-learn baselines: imputation, and dropping the columns never observed.

Both the baselines of ``_models`` and pytabkit's networks (``_pytabkit``)
start with them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["ObservedColumns", "missing_value_imputer", "observed_columns"]


class ObservedColumns(TransformerMixin, BaseEstimator):
    """Keep the columns with at least one observed (non-NaN) training value (a pipeline step before HGB)."""

    def fit(self, X: Any, y: Any = None) -> ObservedColumns:  # noqa: D102
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.support_ = ~np.isnan(X).all(axis=0)
        return self

    def transform(self, X: Any) -> np.ndarray:  # noqa: D102
        check_is_fitted(self)
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64, reset=False)
        return X[:, self.support_]

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def observed_columns() -> ObservedColumns:
    """A fresh :class:`ObservedColumns`."""
    return ObservedColumns()


def missing_value_imputer() -> Any:
    """The imputation every scikit-learn baseline of the study starts with: column means, and missing indicators."""
    from sklearn.impute import SimpleImputer

    return SimpleImputer(add_indicator=True, keep_empty_features=True)
