"""Samples of data sets for the benchmarks: rows drawn at random, and a masked sample of mfeat for timing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils import Bunch

__all__ = ["mfeat_sample", "sample_rows"]


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
