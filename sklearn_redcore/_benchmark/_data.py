"""Data of the benchmarks that time the machinery rather than measure accuracy: a masked sample of mfeat."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["mfeat_sample"]


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

    data = load_mfeat(views=list(views))
    rows = np.random.RandomState(seed).permutation(len(data.target))[:n_samples]
    X = mask_modalities(data.data[rows], data.modalities, list(rates), random_state=seed)
    return X, data.target[rows], data.modalities
