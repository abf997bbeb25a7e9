"""One model per combination of modalities: the reference a multimodal model is measured against.

:class:`CombinationSpecialists` trains, for every non-empty combination of
modalities, a copy of a plain scikit-learn estimator on that combination's
columns alone, from the training rows in which all of its modalities are
observed; a sample is then predicted by the copy trained on exactly the
modalities it has. On complete training data this is the strongest simple
answer to "which modalities will I have at test time?": a specialist per
answer, none of them ever seeing a missing value. A single multimodal model
that matches the best specialist of every combination has lost nothing by
being one model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from .._evaluation import modality_combinations
from .._inputs import ModalitySpec, modality_presence, resolve_modalities

__all__ = ["CombinationSpecialists"]


class CombinationSpecialists(ClassifierMixin, BaseEstimator):
    """A copy of ``estimator`` per combination of modalities, each sample predicted by the copy for its own.

    Parameters
    ----------
    modalities : dict, list or None, default=None
        The modality specification, as for :class:`~sklearn_redcore.RedCoreClassifier`.
    estimator : estimator object, default=None
        The scikit-learn classifier cloned for every combination (None: a
        logistic regression on standardised columns).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    specialists_ : dict of tuple of str to estimator
        The fitted copy of each combination (modality names in their order),
        or None where no training row had all of its modalities.
    majority_ : object
        The most frequent training class: the prediction for a sample whose
        combination has no specialist.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore._benchmark._specialists import CombinationSpecialists
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(40, 3)), np.arange(40) % 2
    >>> model = CombinationSpecialists({"a": [0, 1], "b": [2]}).fit(X, y)
    >>> sorted(model.specialists_)
    [('a',), ('a', 'b'), ('b',)]
    >>> model.predict(np.array([[0.1, 0.2, np.nan]])).shape
    (1,)
    """

    def __init__(self, modalities: ModalitySpec = None, estimator: Any = None):
        self.modalities = modalities
        self.estimator = estimator

    def _base(self) -> Any:
        if self.estimator is not None:
            return self.estimator
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))

    def fit(self, X: Any, y: Any) -> CombinationSpecialists:
        """Fit one copy of the estimator per combination, on the rows that have all its modalities."""
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        self._resolved = resolve_modalities(self.modalities, X.shape[1], getattr(self, "feature_names_in_", None))
        names = list(self._resolved)
        present = modality_presence(X, self._resolved)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[counts.argmax()]
        self.specialists_ = {}
        for combo in modality_combinations(names):
            rows = present[:, [names.index(name) for name in combo]].all(axis=1)
            if len(np.unique(y[rows])) < 2:  # nothing to learn from: the majority answers
                self.specialists_[combo] = None
                continue
            columns = np.concatenate([self._resolved[name] for name in combo])
            self.specialists_[combo] = clone(self._base()).fit(X[rows][:, columns], y[rows])
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Class of each sample, from the specialist of the modalities it has."""
        check_is_fitted(self)
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64, reset=False)
        names = list(self._resolved)
        present = modality_presence(X, self._resolved)
        predictions = np.full(len(X), self.majority_, dtype=self.classes_.dtype)
        patterns, groups = np.unique(present, axis=0, return_inverse=True)
        for group, pattern in enumerate(patterns):
            combo = tuple(name for name, observed in zip(names, pattern) if observed)
            model = self.specialists_.get(combo)
            if model is None:
                continue
            rows = groups.ravel() == group
            columns = np.concatenate([self._resolved[name] for name in combo])
            predictions[rows] = model.predict(X[rows][:, columns])
        return predictions

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
