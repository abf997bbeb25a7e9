"""Small real tables shipped inside the package, whose columns fall into natural groups (modalities)."""

from __future__ import annotations

from importlib import resources

import numpy as np

from .._inputs import contiguous_modalities
from ._bunch import table_bunch

__all__ = ["PENGUIN_MODALITIES", "SEGMENT_MODALITIES", "load_image_segments", "load_penguins"]

#: The modalities of :func:`load_image_segments`: name -> number of columns, in column order.
SEGMENT_MODALITIES = {"spatial": 8, "rgb": 7, "hsv": 3}
#: The modalities of :func:`load_penguins`: name -> number of columns, in column order.
PENGUIN_MODALITIES = {"bill": 2, "body": 2, "isotopes": 2}

SEGMENT_DESCR = """\
Image Segmentation (UCI)
========================

2,310 regions of 3 x 3 pixels drawn at random from 7 hand-segmented outdoor
images, 330 of each class: brickface, cement, foliage, grass, path, sky,
window. 18 numeric columns in three modalities:

========  =======  =====================================================
modality  columns  description
========  =======  =====================================================
spatial         8  the region's position in the image (column, row), the
                   density of low- and high-contrast short lines through
                   it, and the mean and deviation of its horizontal and
                   vertical contrast (edge detectors)
rgb             7  mean intensity, mean raw red, blue and green, and the
                   excess red, blue and green (2R - (G + B), ...)
hsv             3  mean value, saturation and hue
========  =======  =====================================================

No value is missing. The colour modalities are two descriptions of the same
pixels (HSV is a nonlinear transform of RGB), the spatial one is separate
evidence.

Source and licence: Vision Group, University of Massachusetts (donor Carla
Brodley), 1990, "Image Segmentation", UCI Machine Learning Repository,
licensed under Creative Commons Attribution 4.0 International (CC BY 4.0).
The copy shipped here holds the values of the copy inside the river 0.26.1
wheel (BSD-3-Clause), which leaves out the UCI file's constant column
region-pixel-count (always 9); see tools/build_tabular_data.py.
"""

PENGUINS_DESCR = """\
Palmer penguins
===============

342 adult penguins of three species (Adelie 151, Chinstrap 68, Gentoo 123)
from three islands of the Palmer Archipelago, Antarctica (field seasons 2007/08
to 2009/10), with six
measurements in three modalities:

========  =======  ===============================================
modality  columns  description
========  =======  ===============================================
bill            2  bill (culmen) length and depth, in mm
body            2  flipper length (mm) and body mass (g)
isotopes        2  delta 15N and delta 13C of the blood (per mil)
========  =======  ===============================================

The blood isotopes are missing (NaN) for 12 birds, both values for 11 of
them ("not enough blood for isotopes"), delta 15N alone for one: a modality
missing for a real reason. The two birds of the source without any
measurement are left out.

Source and licence: K. B. Gorman, T. D. Williams and W. R. Fraser (2014),
"Ecological sexual dimorphism and environmental variability within a
community of Antarctic penguins (genus Pygoscelis)", PLoS ONE 9(3): e90081;
data of the Palmer Station Long Term Ecological Research program, released
under CC0 (public domain). The copy shipped here holds the values of
penguins-raw.csv inside the palmerpenguins 0.1.6 wheel (MIT); see
tools/build_tabular_data.py.
"""


def _load(filename: str, groups: dict[str, int], descr: str, return_X_y: bool, as_frame: bool):
    """A shipped table as ``load_mfeat`` returns one: a Bunch, or (data, target)."""
    with resources.files(__package__).joinpath("data", filename).open("rb") as handle:
        with np.load(handle, allow_pickle=False) as archive:
            data = archive["data"]
            codes = archive["target"].astype(np.int64)
            target_names = archive["target_names"]
            feature_names = archive["feature_names"].tolist()
    return table_bunch(
        data,
        target_names[codes],
        feature_names=feature_names,
        target_column="target",
        return_X_y=return_X_y,
        as_frame=as_frame,
        modalities=contiguous_modalities(groups),
        target_names=target_names,
        DESCR=descr,
    )


def load_image_segments(*, return_X_y: bool = False, as_frame: bool = False):
    """Load the UCI Image Segmentation data: 7 kinds of outdoor surface, three modalities.

    Works offline: a compressed copy (125 kB) ships with the package. A
    table on which gradient-boosted trees do well (much of the signal is in
    thresholds on position and colour), with three natural groups of
    columns: the region's position and texture, its colour as RGB, and its
    colour as HSV.

    ==================  =====================
    Classes             7 (330 samples each)
    Samples total       2310
    Modalities          spatial, rgb, hsv
    Features            18 (8, 7 and 3)
    ==================  =====================

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame (columns named after the UCI
        attributes, ``"region_centroid_col"``, ...) and ``target`` as a Series.

    Returns
    -------
    data : Bunch
        ``data`` (2310, 18) float64, ``target`` (2310,) class names,
        ``modalities`` (dict ``"spatial"``, ``"rgb"``, ``"hsv"`` -> column
        positions), ``feature_names``, ``target_names``, ``frame`` (with
        ``as_frame``) and ``DESCR`` (the columns, the source and the licence,
        CC BY 4.0).
    (data, target) : tuple
        With ``return_X_y=True``.

    Examples
    --------
    >>> from sklearn_redcore.datasets import load_image_segments
    >>> data = load_image_segments()
    >>> data.data.shape, {name: len(cols) for name, cols in data.modalities.items()}
    ((2310, 18), {'spatial': 8, 'rgb': 7, 'hsv': 3})
    >>> data.target_names.tolist()
    ['brickface', 'cement', 'foliage', 'grass', 'path', 'sky', 'window']
    """
    return _load("segment.npz", SEGMENT_MODALITIES, SEGMENT_DESCR, return_X_y, as_frame)


def load_penguins(*, return_X_y: bool = False, as_frame: bool = False):
    """Load the Palmer penguins: three species, three modalities of two measurements, one sometimes missing.

    Works offline: a compressed copy (8 kB) ships with the package. A small
    table (342 birds) whose third modality, the blood isotopes, is missing
    in the source itself for 11 birds (NaN; a twelfth lacks one of its two
    values), as in the problem this package addresses; keep the complete
    rows (``~np.isnan(data.data).any(axis=1)``, 330 birds) to simulate
    missingness instead.

    ==================  ========================
    Classes             3 (Adelie, Chinstrap, Gentoo)
    Samples total       342
    Modalities          bill, body, isotopes
    Features            6 (2 each)
    ==================  ========================

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame (columns ``"bill_length_mm"``,
        ...) and ``target`` as a Series.

    Returns
    -------
    data : Bunch
        ``data`` (342, 6) float64 with NaN where an isotope was not measured,
        ``target`` (342,) species names, ``modalities`` (dict ``"bill"``,
        ``"body"``, ``"isotopes"`` -> column positions), ``feature_names``,
        ``target_names``, ``frame`` (with ``as_frame``) and ``DESCR`` (the
        source and the licence, CC0).
    (data, target) : tuple
        With ``return_X_y=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import modality_presence
    >>> from sklearn_redcore.datasets import load_penguins
    >>> data = load_penguins()
    >>> data.data.shape, data.target_names.tolist()
    ((342, 6), ['Adelie', 'Chinstrap', 'Gentoo'])
    >>> (~modality_presence(data.data, data.modalities)).sum(axis=0).tolist()  # missing per modality
    [0, 0, 11]
    """
    return _load("penguins.npz", PENGUIN_MODALITIES, PENGUINS_DESCR, return_X_y, as_frame)
