"""The data sets of the benchmark suites, by name: what the scripts in ``benchmarks/`` share.

The tabular suite: scikit-learn's breast cancer (mean, error and worst
values of ten measurements) and digits (the image's top, middle and bottom
bands), mfeat's Fourier, Karhunen-Loeve and morphological views, the image
segments and penguins shipped with the package (penguins' rows with a
missing measurement left out), a synthetic table with skewed,
heavy-tailed and coded columns, and mfeat's six views on 300 rows, widest
first, so that the "imbalanced" setting takes the widest and most
informative views away most often (the shape on which Algorithm 1 as the
paper writes it costs accuracy).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

__all__ = ["TABULAR_EXTRA", "TABULAR_SUITE"]


def _breast_cancer() -> Bunch:
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()  # 10 means, then their 10 standard errors, then the 10 worst values
    modalities = {"mean": list(range(0, 10)), "error": list(range(10, 20)), "worst": list(range(20, 30))}
    return Bunch(data=data.data, target=data.target, modalities=modalities)


def _digits() -> Bunch:
    from sklearn.datasets import load_digits

    data = load_digits()  # pixel 8 * row + column
    bands = {"top": range(0, 3), "middle": range(3, 5), "bottom": range(5, 8)}
    modalities = {name: [8 * row + col for row in rows for col in range(8)] for name, rows in bands.items()}
    return Bunch(data=data.data, target=data.target, modalities=modalities)


def _mfeat() -> Bunch:
    from sklearn_redcore.datasets import load_mfeat

    return load_mfeat(views=["fou", "kar", "mor"])


def _segment() -> Bunch:
    from sklearn_redcore.datasets import load_image_segments

    return load_image_segments()


def _penguins() -> Bunch:
    from sklearn_redcore.datasets import load_penguins

    data = load_penguins()
    complete = ~np.isnan(data.data).any(axis=1)
    return Bunch(data=data.data[complete], target=data.target[complete], modalities=data.modalities)


def _synthetic() -> Bunch:
    from sklearn_redcore.datasets import make_tabular_classification

    return make_tabular_classification(2000, random_state=0)


def _mfeat_wide() -> Bunch:
    from sklearn_redcore.datasets import load_mfeat

    from ._data import sample_rows

    return sample_rows(load_mfeat(views=["pix", "fac", "fou", "kar", "zer", "mor"]), 300, seed=0)  # widest first


#: The tabular suite: name -> a function that loads the data set (a Bunch with data, target, modalities).
TABULAR_SUITE = {
    "breast_cancer": _breast_cancer,
    "digits": _digits,
    "mfeat": _mfeat,
    "segment": _segment,
    "penguins": _penguins,
    "synthetic": _synthetic,
    "mfeat_wide": _mfeat_wide,
}


def _segment_two() -> Bunch:
    from sklearn_redcore.datasets import load_image_segments

    data = load_image_segments()  # spatial and texture (8 columns), then RGB and HSV (10)
    modalities = {"spatial": list(range(8)), "colour": list(range(8, 18))}
    return Bunch(data=data.data, target=data.target, modalities=modalities)


#: Data sets the suite's script can run by name, outside the default suite: the image segments in two
#: modalities, a split on which gradient boosting leads RedCore's defaults.
TABULAR_EXTRA = {"segment_two": _segment_two}
