"""What depends on the kind of target: class labels, or continuous values.

:class:`~sklearn_redcore._base.BaseMultimodalEstimator` trains any network of
the package; it asks the estimator's task for everything that depends on y
(its validation and encoding, the weights of the classes, the statistics of
the targets, the validation loss of early stopping, the form of the
predictions). The two tasks are mixins placed before the base class:

* :class:`ClassificationTask`: labels of any type, encoded as their index
  in ``classes_``; ``class_weight``; the cross-entropy; probabilities from the
  softmax of the joint head; ``class_prior_`` for a sample without any
  modality;
* :class:`RegressionTask`: one or several continuous targets, standardised
  by their training mean and standard deviation and mapped back at
  prediction; the squared error; the training mean for a sample without any
  modality.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._inputs import check_label_types
from ._inputs._statistics import usable_statistics
from ._training import SquaredError

__all__ = ["ClassificationTask", "RegressionTask", "TargetTask"]


class TargetTask:
    """What an estimator of the package must say about its targets (the base of the two tasks below).

    :class:`~sklearn_redcore._base.BaseMultimodalEstimator` calls these hooks
    from its ``fit`` and its prediction; each task implements them.
    """

    def _target_validation(self) -> dict[str, Any]:
        """Keyword arguments of ``validate_data`` for y."""
        return {}

    def _encode_targets(self, y: np.ndarray, warm: bool) -> np.ndarray:
        """y, validated, in the form the network learns from; sets the targets' fitted attributes unless ``warm``."""
        raise NotImplementedError

    def _sample_weight(self, sample_weight: np.ndarray | None, y: np.ndarray) -> np.ndarray | None:
        """The weight of each training sample (None: equal weights)."""
        return sample_weight

    def _fit_target_statistics(self, y: np.ndarray, weight: np.ndarray | None) -> None:
        """First fit: the statistics of the training rows' targets (the prediction without any modality, ...)."""
        raise NotImplementedError

    def _network_targets(self, y: np.ndarray) -> np.ndarray:
        """The network's targets of encoded y, once the statistics are known."""
        return y

    def _n_outputs(self) -> int:
        """Width of every head of the network."""
        raise NotImplementedError

    def _criterion(self) -> dict[str, Any]:
        """skorch's ``criterion`` and its arguments: the validation loss of the joint head, one value per sample."""
        raise NotImplementedError

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        """What the validation split of early stopping is stratified by (None: nothing)."""
        return None

    def _plateau_ceiling(self) -> float:
        """Joint training losses above this never count as a plateau (see ``PlateauStopping``)."""
        raise NotImplementedError

    def _finish_outputs(self, outputs: torch.Tensor) -> torch.Tensor:
        """The joint head's outputs of a batch as the predictions (float64, on the net's device)."""
        raise NotImplementedError

    def _fallback_prediction(self) -> np.ndarray:
        """The prediction for a sample with no modality at all (a row of ``_finish_outputs``'s result)."""
        raise NotImplementedError


class ClassificationTask(ClassifierMixin, TargetTask):
    """The classification side of an estimator of the package (a mixin before ``BaseMultimodalEstimator``)."""

    def fit(self, X: Any, y: Any, sample_weight: Any = None):
        """Train the network on X (NaN marks missing values) and y.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data. A modality of a sample is missing when all its
            columns are NaN.
        y : array-like of shape (n_samples,)
            Class labels, of any type.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Non-negative weight of each sample, multiplied by ``class_weight``:
            every per-sample term of the training loss (each head's
            cross-entropy, the KL and imputation terms) and the validation
            loss of early stopping count a sample that many times, and
            ``class_prior_`` is the weighted class frequencies. Samples of
            weight 0 are left out. Equal weights change nothing.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return super().fit(X, y, sample_weight=sample_weight)

    def _encode_targets(self, y: np.ndarray, warm: bool) -> np.ndarray:
        check_label_types(y)
        check_classification_targets(y)
        if warm:
            unknown = np.setdiff1d(np.unique(y), self.classes_)
            if len(unknown):
                raise ValueError(
                    f"warm_start=True: y has classes {unknown.tolist()} that the first fit did "
                    f"not see ({self.classes_.tolist()}); fit afresh with warm_start=False."
                )
            return np.searchsorted(self.classes_, y)
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; got only the class {encoder.classes_[0]}."
            )
        self.classes_ = encoder.classes_
        return encoder.transform(y)

    def _sample_weight(self, sample_weight: np.ndarray | None, y: np.ndarray) -> np.ndarray | None:
        """``sample_weight`` times the weight of each sample's class (``class_weight``); None when neither is set."""
        if self.class_weight is None:
            return sample_weight
        if isinstance(self.class_weight, dict):
            known = set(self.classes_.tolist())
            unknown = [label for label in self.class_weight if label not in known]
            if unknown:
                raise ValueError(
                    f"class_weight names the class {unknown[0]!r}, which is not in y ({self.classes_.tolist()})."
                )
        by_class = compute_class_weight(self.class_weight, classes=self.classes_, y=self.classes_[y])
        weight = by_class[y]
        return weight if sample_weight is None else weight * sample_weight

    def _fit_target_statistics(self, y: np.ndarray, weight: np.ndarray | None) -> None:
        counts = np.bincount(y, weights=weight, minlength=len(self.classes_))
        self.class_prior_ = counts / counts.sum()

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def _criterion(self) -> dict[str, Any]:
        return {"criterion": torch.nn.CrossEntropyLoss, "reduction": "none"}

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        counts = np.bincount(y)
        return y if counts[counts > 0].min() >= 2 else None

    def _plateau_ceiling(self) -> float:
        """0.9 times the cross-entropy of predicting the class frequencies (their entropy)."""
        prior = self.class_prior_[self.class_prior_ > 0]
        return 0.9 * float(-(prior * np.log(prior)).sum())

    def _finish_outputs(self, outputs: torch.Tensor) -> torch.Tensor:
        return torch.softmax(outputs.double(), dim=1)

    def _fallback_prediction(self) -> np.ndarray:
        return self.class_prior_

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities from the available modalities of each sample.

        The network sees which modalities each sample has and predicts from
        those (the model's own way of standing in for the missing ones);
        prediction is deterministic. Rows with every modality missing get
        ``class_prior_``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data, NaN marking missing values.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows are finite and sum to one; columns follow ``classes_``.
        """
        return self._predict_outputs(X)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data, NaN marking missing values.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class RegressionTask(RegressorMixin, TargetTask):
    """The regression side of an estimator of the package (a mixin before ``BaseMultimodalEstimator``).

    The network learns the targets standardised by the (weighted) mean and
    standard deviation of their training values, each target on its own; a
    constant target gets a scale of ``max(1, |mean|)``, as a constant column
    of X does. Predictions are mapped back to the targets' units.
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None):
        """Train the network on X (NaN marks missing values) and y.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data. A modality of a sample is missing when all its
            columns are NaN.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Continuous targets, finite.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Non-negative weight of each sample: every per-sample term of the
            training loss (each head's squared error, the KL and imputation
            terms), the validation loss of early stopping and the targets'
            mean and scale count a sample that many times. Samples of weight
            0 are left out. Equal weights change nothing.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return super().fit(X, y, sample_weight=sample_weight)

    def _target_validation(self) -> dict[str, Any]:
        return {"multi_output": True}

    def _encode_targets(self, y: np.ndarray, warm: bool) -> np.ndarray:
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{type(self).__name__} needs numeric targets, got values such as {np.asarray(y).ravel()[0]!r}; "
                "for class labels use a classifier (RedCoreClassifier)."
            ) from None
        if y.ndim == 2 and y.shape[1] == 1:  # predictions will be 1-D: say so, as scikit-learn's regressors do
            y = column_or_1d(y, warn=True)
        targets = y.reshape(len(y), -1)
        if warm and targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"warm_start=True: y has {targets.shape[1]} target(s), the first fit had {self.n_outputs_}; "
                "fit afresh with warm_start=False."
            )
        if not warm:
            self.n_outputs_ = targets.shape[1]
        return targets

    def _fit_target_statistics(self, y: np.ndarray, weight: np.ndarray | None) -> None:
        # In units of each target's largest magnitude, so that targets near the float64 limit do not overflow.
        unit = np.abs(y).max(axis=0)
        unit[unit == 0] = 1.0
        mean = np.average(y / unit, axis=0, weights=weight)
        spread = np.sqrt(np.average((y / unit - mean) ** 2, axis=0, weights=weight))
        self.target_mean_, self.target_scale_ = usable_statistics(mean * unit, spread * unit)
        # (weight-0 rows are left out of the training rows before this: only the rows learnt from count)
        self.target_constant_ = np.ptp(y, axis=0) == 0

    def _network_targets(self, y: np.ndarray) -> np.ndarray:
        return ((y - self.target_mean_) / self.target_scale_).astype(np.float32)

    def _n_outputs(self) -> int:
        return self.n_outputs_

    def _criterion(self) -> dict[str, Any]:
        return {"criterion": SquaredError}

    def _plateau_ceiling(self) -> float:
        """0.9 times the squared error of predicting the training mean (1 on standardised targets)."""
        return 0.9

    def _finish_outputs(self, outputs: torch.Tensor) -> torch.Tensor:
        # A target that was constant in training is predicted as that constant (its network targets were all 0).
        scale = np.where(self.target_constant_, 0.0, self.target_scale_)
        scale = torch.as_tensor(scale, dtype=torch.float64, device=outputs.device)
        mean = torch.as_tensor(self.target_mean_, dtype=torch.float64, device=outputs.device)
        return outputs.double() * scale + mean

    def _fallback_prediction(self) -> np.ndarray:
        return self.target_mean_

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets from the available modalities of each sample.

        The network sees which modalities each sample has and predicts from
        those; prediction is deterministic. Rows with every modality missing
        get the training mean of the targets (``target_mean_``).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data, NaN marking missing values.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            One column per target; 1-D for a single target (a y of one
            column gives a ``DataConversionWarning`` in ``fit``, as in
            scikit-learn's neural networks).
        """
        predictions = self._predict_outputs(X)
        return predictions[:, 0] if self.n_outputs_ == 1 else predictions

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
