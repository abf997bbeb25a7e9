"""Samples of data sets for the benchmarks: rows drawn at random, a masked sample of mfeat for timing, and the
synthetic data of the large fits."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils import Bunch

__all__ = ["large_fit_data", "mfeat_sample", "sample_rows"]


def sample_rows(data: Bunch, n_rows: int, seed: int) -> Bunch:
    """``n_rows`` rows of a data set (data, target, modalities) drawn at random without replacement (``seed``)."""
    rows = np.random.RandomState(seed).permutation(len(data.target))[:n_rows]
    return Bunch(data=data.data[rows], target=data.target[rows], modalities=data.modalities)


def mfeat_sample(
    n_samples: int = 600,
    views: Sequence[str] = ("zer", "mor", "fou"),
    rates: Sequence[float] = (0.2, 0.5, 0.6),
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """``n_samples`` mfeat digits drawn at random (``seed``), masked at ``rates``: X, y and the modalities.

    The defaults are the test suite's small data (views zer + mor + fou,
    imbalanced missingness).
    """
    from .._masking import mask_modalities
    from ..datasets import load_mfeat

    data = sample_rows(load_mfeat(views=list(views)), n_samples, seed)
    X = mask_modalities(data.data, data.modalities, list(rates), random_state=seed)
    return X, data.target, data.modalities


def large_fit_data(n_samples: int, seed: int = 0) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The data of the large fits (docs/speed.md, "Large training sets"): modalities, X_train, X_test, y_train, y_test.

    ``n_samples`` of ``make_multimodal_classification`` (5 modalities of 20
    columns, 10 classes), 80% for training with every modality missing in
    30% of those rows, the complete 20% to score (``seed`` throughout).
    """
    from sklearn.model_selection import train_test_split

    from .._masking import mask_modalities
    from ..datasets import make_multimodal_classification

    data = make_multimodal_classification(n_samples, modality_dims=[20] * 5, n_classes=10, random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.2, random_state=seed)
    X_train = mask_modalities(X_train, data.modalities, 0.3, random_state=seed)  # the test part stays complete
    return data.modalities, X_train, X_test, y_train, y_test
