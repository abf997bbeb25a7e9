"""UCI Multiple Features (mfeat), shipped inside the package."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import numpy as np

from .._inputs import contiguous_modalities
from ._bunch import table_bunch

__all__ = ["load_mfeat", "MFEAT_VIEWS"]

#: The six views of mfeat and their number of features, in file order.
MFEAT_VIEWS = {"fou": 76, "fac": 216, "kar": 64, "pix": 240, "zer": 47, "mor": 6}

DESCR = """\
UCI Multiple Features (mfeat)
=============================

2,000 handwritten digits ('0' to '9', 200 each) extracted from Dutch utility
maps, described by six feature sets ("views") computed from the same images:

====  ========  ===========================================
view  features  description
====  ========  ===========================================
fou         76  Fourier coefficients of the character shapes
fac        216  profile correlations
kar         64  Karhunen-Loeve coefficients
pix        240  pixel averages in 2 x 3 windows
zer         47  Zernike moments
mor          6  morphological features
====  ========  ===========================================

Rows are in the order of the original files (sorted by class). No value is
missing in the original data; simulate missing modalities with
``sklearn_redcore.mask_modalities``.

Source and licence: Robert P.W. Duin, "Multiple Features", UCI Machine
Learning Repository, https://doi.org/10.24432/C5HC70, licensed under
Creative Commons Attribution 4.0 International (CC BY 4.0). The copy shipped
here holds the same values as the UCI files, stored as a compressed NumPy
archive (see DEVELOPERS.md for how it was made).
"""


def load_mfeat(*, views: Sequence[str] | None = None, return_X_y: bool = False, as_frame: bool = False):
    """Load the UCI Multiple Features data set (handwritten digits, six views).

    Works offline: a compressed copy ships with the package.

    ==================  ============
    Classes                       10
    Samples total               2000
    Views (modalities)             6
    Features            649 in total
    ==================  ============

    Parameters
    ----------
    views : sequence of str or None, default=None
        Views to load, in this order, among ``"fou", "fac", "kar", "pix",
        "zer", "mor"``. None loads all six.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame (columns ``"fou_0"``, ...) and
        ``target`` as a Series.

    Returns
    -------
    data : Bunch
        ``data`` (2000, n_features) float64, ``target`` (2000,) int digits,
        ``modalities`` dict view -> column positions (the modality
        specification for RedCoreClassifier), ``feature_names``,
        ``target_names``, ``frame`` (with ``as_frame``) and ``DESCR``.
    (data, target) : tuple
        With ``return_X_y=True``.

    Examples
    --------
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["fou", "zer", "mor"])
    >>> data.data.shape
    (2000, 129)
    >>> {name: len(cols) for name, cols in data.modalities.items()}
    {'fou': 76, 'zer': 47, 'mor': 6}
    """
    views = list(MFEAT_VIEWS) if views is None else [str(v) for v in views]
    unknown = [v for v in views if v not in MFEAT_VIEWS]
    if unknown or not views or len(set(views)) != len(views):
        raise ValueError(f"views must be distinct names among {list(MFEAT_VIEWS)}, got {views}.")
    with resources.files(__package__).joinpath("data", "mfeat.npz").open("rb") as handle:
        with np.load(handle, allow_pickle=False) as archive:
            blocks = [archive[v] for v in views]
            target = archive["target"].astype(np.int64)
    data = np.hstack(blocks)
    feature_names = [f"{v}_{i}" for v, block in zip(views, blocks) for i in range(block.shape[1])]
    return table_bunch(
        data,
        target,
        feature_names=feature_names,
        target_column="digit",
        return_X_y=return_X_y,
        as_frame=as_frame,
        modalities=contiguous_modalities({v: block.shape[1] for v, block in zip(views, blocks)}),
        target_names=np.arange(10),
        DESCR=DESCR,
    )
