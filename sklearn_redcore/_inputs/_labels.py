"""Checks of the labels y beyond scikit-learn's own."""

from __future__ import annotations

import numpy as np

__all__ = ["check_label_types"]


def check_label_types(y: np.ndarray) -> None:
    """Raise a TypeError when labels of an object array cannot be sorted together.

    Labels are sorted to define ``classes_``; for an array mixing, e.g., str
    and int, numpy would fail with a message that does not mention y.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels.
    """
    if y.dtype != object:
        return
    values = y.tolist()
    try:
        sorted(set(values))
    except TypeError:
        types = sorted({type(value).__name__ for value in values})
        raise TypeError(
            f"y mixes labels of types {types} that cannot be sorted together; "
            "give labels of one kind, e.g. all str or all int."
        ) from None
