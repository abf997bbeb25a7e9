"""The real time series shipped in aeon, and the MiniRocket anchor of the benchmarks (skipped without aeon)."""

import numpy as np
import pytest

from sklearn_redcore import SequenceModality, mask_modalities, modality_presence

pytest.importorskip("aeon")

from sklearn_redcore._benchmark import make_model  # noqa: E402
from sklearn_redcore._benchmark._anchors import MiniRocketAnchor  # noqa: E402
from sklearn_redcore.datasets import load_basic_motions, load_japanese_vowels  # noqa: E402


def test_basic_motions_has_two_sensor_modalities_of_100_steps():
    data = load_basic_motions()
    assert data.data.shape == (80, 600) and data.data.dtype == np.float32
    assert data.modalities["accelerometer"] == SequenceModality(range(0, 300), n_steps=100)
    assert data.modalities["gyroscope"] == SequenceModality(range(300, 600), n_steps=100)
    assert sorted(np.unique(data.target)) == ["badminton", "running", "standing", "walking"]
    assert modality_presence(data.data, data.modalities).all()


def test_japanese_vowels_pads_variable_lengths_with_nan():
    data = load_japanese_vowels()
    assert data.data.shape == (640, 2 * 29 * 6) and len(np.unique(data.target)) == 9
    steps = data.data[:, :174].reshape(640, 29, 6)
    lengths = (~np.isnan(steps).all(axis=2)).sum(axis=1)
    assert lengths.min() == 7 and lengths.max() == 29
    assert np.isnan(steps[np.arange(640), lengths - 1]).sum() == 0  # padding only after the last frame


def test_anchor_stacks_standardised_channels_with_missing_parts_at_zero():
    rng = np.random.default_rng(0)
    n = 60
    y = np.arange(n) % 2
    sequence = rng.normal(5.0, 2.0, size=(n, 20)) + 3.0 * y[:, None]  # 10 steps x 2: the class shifts the level
    X = np.hstack([sequence, rng.normal(size=(n, 2)) + 2.0 * y[:, None]])  # and a vector modality
    spec = {"s": SequenceModality(range(20), n_steps=10), "v": [20, 21]}
    X = mask_modalities(X, spec, [0.3, 0.3], random_state=0)
    X[0, 16:20] = np.nan  # two padding steps
    anchor = MiniRocketAnchor(spec, n_kernels=84, random_state=0).fit(X, y)
    series = anchor._standardize(anchor._stack(X))
    assert series.shape == (n, 4, 10)  # 2 sequence channels + 2 constant ones
    missing = ~modality_presence(X, spec)
    assert (series[missing[:, 0], :2] == 0).all() and (series[missing[:, 1], 2:] == 0).all()
    assert (series[0, :2, 8:] == 0).all()
    observed = series[~missing[:, 0], :2]
    assert abs(observed.mean()) < 0.1 and 0.9 < observed.std() < 1.1
    assert anchor.predict(X).shape == (n,) and anchor.score(X, y) > 0.8


def test_the_study_knows_the_anchor_and_says_when_aeon_is_missing(monkeypatch):
    from sklearn_redcore._benchmark import _anchors

    assert isinstance(make_model("MiniRocket", {"a": [0]}, seed=3), MiniRocketAnchor)
    monkeypatch.setattr(_anchors, "aeon_available", lambda: False)
    with pytest.raises(ValueError, match="needs aeon"):
        make_model("MiniRocket", {"a": [0]}, seed=3)
