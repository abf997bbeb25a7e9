"""Rebuild ``segment.npz`` and ``penguins.npz`` in ``sklearn_redcore/datasets/data/`` from two wheels.

The files come from the copies of the data sets inside two wheels on PyPI,
read without unpacking them::

    pip download --no-deps river==0.26.1 palmerpenguins==0.1.6 -d /tmp/tab
    python tools/build_tabular_data.py /tmp/tab

* ``segment.npz``: UCI Image Segmentation (2,310 regions of 3 x 3 pixels of
  7 outdoor images, 7 classes of 330; licence CC BY 4.0), from
  ``river/datasets/segment.csv.zip`` of the river wheel (BSD-3-Clause): 18
  columns (the UCI file's constant ``region-pixel-count`` left out) and the
  class name. The script checks the shape, that every value is finite and
  that each class has 330 regions.
* ``penguins.npz``: the Palmer penguins (Gorman, Williams and Fraser 2014,
  Palmer Station LTER; licence CC0), from ``palmerpenguins/data/penguins-raw.csv``
  of the palmerpenguins wheel (MIT): the six measurements and the species
  of the 342 birds that were measured (the two that were not are left out);
  the blood isotopes stay missing (NaN) where the source has none. The
  script checks the counts of birds and of missing values.
"""

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "sklearn_redcore" / "datasets" / "data"

SEGMENT_COLUMNS = [
    "region-centroid-col",
    "region-centroid-row",
    "short-line-density-5",
    "short-line-density-2",
    "vedge-mean",
    "vegde-sd",  # (sic: the UCI file's spelling)
    "hedge-mean",
    "hedge-sd",
    "intensity-mean",
    "rawred-mean",
    "rawblue-mean",
    "rawgreen-mean",
    "exred-mean",
    "exblue-mean",
    "exgreen-mean",
    "value-mean",
    "saturation-mean",
    "hue-mean",
]
PENGUIN_COLUMNS = {
    "Culmen Length (mm)": "bill_length_mm",
    "Culmen Depth (mm)": "bill_depth_mm",
    "Flipper Length (mm)": "flipper_length_mm",
    "Body Mass (g)": "body_mass_g",
    "Delta 15 N (o/oo)": "delta_15_n",
    "Delta 13 C (o/oo)": "delta_13_c",
}


def _member(folder: Path, wheel: str, member: str) -> bytes:
    (path,) = folder.glob(wheel)
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


def build_segment(folder: Path) -> None:
    inner = _member(folder, "river-*.whl", "river/datasets/segment.csv.zip")
    with zipfile.ZipFile(io.BytesIO(inner)) as archive:
        (name,) = archive.namelist()  # one CSV (named "segment.csv.zip" itself)
        table = pd.read_csv(io.BytesIO(archive.read(name)))
    assert list(table.columns) == [*SEGMENT_COLUMNS, "category"], list(table.columns)
    data = table[SEGMENT_COLUMNS].to_numpy(dtype=np.float64)
    assert data.shape == (2310, 18) and np.isfinite(data).all()
    names, target = np.unique(table["category"].to_numpy(dtype=str), return_inverse=True)
    assert np.array_equal(np.bincount(target), np.full(7, 330)), np.bincount(target)
    out = OUT / "segment.npz"
    np.savez_compressed(
        out,
        data=data,
        target=target.astype(np.int8),
        target_names=names,
        feature_names=np.array([name.replace("-", "_") for name in SEGMENT_COLUMNS]),
    )
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")


def build_penguins(folder: Path) -> None:
    raw = _member(folder, "palmerpenguins-*.whl", "palmerpenguins/data/penguins-raw.csv")
    table = pd.read_csv(io.BytesIO(raw))
    table = table.dropna(subset=list(PENGUIN_COLUMNS)[:4], how="all")  # the two birds never measured
    data = table[list(PENGUIN_COLUMNS)].to_numpy(dtype=np.float64)
    assert data.shape == (342, 6) and np.isfinite(data[:, :4]).all()
    assert np.isnan(data[:, 4:]).any(axis=1).sum() == 12, "birds without isotopes"
    species = table["Species"].str.split().str[0].to_numpy(dtype=str)  # "Adelie Penguin (...)" -> "Adelie"
    names, target = np.unique(species, return_inverse=True)
    assert names.tolist() == ["Adelie", "Chinstrap", "Gentoo"] and np.bincount(target).tolist() == [151, 68, 123]
    out = OUT / "penguins.npz"
    np.savez_compressed(
        out,
        data=data,
        target=target.astype(np.int8),
        target_names=names,
        feature_names=np.array(list(PENGUIN_COLUMNS.values())),
    )
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")


def main(folder: str) -> None:
    build_segment(Path(folder))
    build_penguins(Path(folder))


if __name__ == "__main__":
    main(sys.argv[1])
