"""The field's anchor for time series, MiniRocket, on this package's multimodal X (needs ``aeon``).

:class:`MiniRocketAnchor` is the comparison a time-series practitioner would
run first: every modality's channels stacked into one multivariate series,
each channel standardised on its observed training values, a missing
modality and the padding steps set to 0 (the standardised mean), then
``aeon``'s ``MiniRocketClassifier`` (random convolutional features and a
ridge classifier; Dempster et al., KDD 2021). A vector modality enters as
constant channels, one per column. Modalities of different lengths are
padded with zeros to the longest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._inputs import ModalitySpec, resolve_modalities

__all__ = ["MiniRocketAnchor", "aeon_available"]


def aeon_available() -> bool:
    """Whether the optional dependency ``aeon`` can be imported."""
    try:
        import aeon  # noqa: F401
    except ImportError:
        return False
    return True


class MiniRocketAnchor(ClassifierMixin, BaseEstimator):
    """MiniRocket on the modalities of X, stacked as channels (the time-series anchor of the benchmarks).

    Parameters
    ----------
    modalities : dict, list or None, default=None
        The modality specification, as for :class:`~sklearn_redcore.RedCoreClassifier`;
        sequence modalities are given as :class:`~sklearn_redcore.SequenceModality`.
    n_kernels : int, default=10000
        Number of MiniRocket's convolution kernels.
    random_state : int or None, default=None
        Seeds MiniRocket's kernels.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    channel_mean_, channel_scale_ : ndarray of shape (n_channels,)
        The standardisation of each channel, from the observed training values.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import SequenceModality
    >>> from sklearn_redcore._benchmark._anchors import MiniRocketAnchor
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 24)), np.arange(20) % 2
    >>> anchor = MiniRocketAnchor({"a": SequenceModality(range(12), n_steps=12)}, n_kernels=84, random_state=0)
    >>> anchor.fit(X, y).predict(X).shape  # doctest: +SKIP
    (20,)
    """

    def __init__(self, modalities: ModalitySpec = None, *, n_kernels: int = 10000, random_state: int | None = None):
        self.modalities = modalities
        self.n_kernels = n_kernels
        self.random_state = random_state

    def _stack(self, X: np.ndarray) -> np.ndarray:
        """(n_samples, n_channels, T): the channels of every modality, NaN where missing or padding."""
        blocks = []
        for columns, shape in zip(self._columns, self._shapes):
            values = X[:, columns]
            if shape is None:  # a vector: one constant channel per column
                blocks.append(np.repeat(values[:, :, None], self._n_steps, axis=2))
                continue
            n_steps, n_features = shape
            series = values.reshape(len(X), n_steps, n_features).transpose(0, 2, 1)
            if n_steps < self._n_steps:
                pad = np.full((len(X), n_features, self._n_steps - n_steps), np.nan)
                series = np.concatenate([series, pad], axis=2)
            blocks.append(series)
        return np.concatenate(blocks, axis=1)

    def _standardize(self, stacked: np.ndarray) -> np.ndarray:
        """The stacked channels standardised by the training statistics, missing parts and padding at 0."""
        series = (stacked - self.channel_mean_[None, :, None]) / self.channel_scale_[None, :, None]
        return np.nan_to_num(series, nan=0.0)

    def fit(self, X: Any, y: Any) -> MiniRocketAnchor:
        """Standardise the channels on the observed training values and fit MiniRocket."""
        if not aeon_available():
            raise ImportError("The MiniRocket anchor needs aeon: pip install 'sklearn-redcore[timeseries]'.")
        from aeon.classification.convolution_based import MiniRocketClassifier

        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        names = getattr(self, "feature_names_in_", None)
        resolved, shapes = resolve_modalities(self.modalities, X.shape[1], names, return_shapes=True)
        self._columns = list(resolved.values())
        self._shapes = [shapes[name] for name in resolved]
        steps = [shape[0] for shape in self._shapes if shape is not None]
        self._n_steps = max(steps) if steps else 9  # MiniRocket needs at least 9 steps
        stacked = self._stack(X)
        with np.errstate(all="ignore"):  # a channel never observed gets mean 0 and scale 1
            self.channel_mean_ = np.nan_to_num(np.nanmean(stacked, axis=(0, 2)))
            scale = np.nan_to_num(np.nanstd(stacked, axis=(0, 2)))
        self.channel_scale_ = np.where(scale > 0, scale, 1.0)
        self.classes_ = np.unique(y)
        self.model_ = MiniRocketClassifier(n_kernels=self.n_kernels, random_state=self.random_state)
        self.model_.fit(self._standardize(stacked), y)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Class of each sample."""
        check_is_fitted(self)
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64, reset=False)
        return self.model_.predict(self._standardize(self._stack(X)))

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
