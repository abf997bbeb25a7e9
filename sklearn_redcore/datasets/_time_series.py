"""Real multivariate time series that ship inside the optional dependency ``aeon``, split into modalities."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from .._inputs import flatten_sequences

__all__ = ["load_basic_motions", "load_japanese_vowels"]


def _aeon_loader(name: str):
    try:
        from aeon import datasets
    except ImportError as exc:
        raise ImportError(
            f"{name} reads the copy of the data set that ships with aeon: pip install 'sklearn-redcore[timeseries]'."
        ) from exc
    return getattr(datasets, name)


def _both_splits(loader) -> tuple[list | np.ndarray, np.ndarray]:
    X_train, y_train = loader(split="train")
    X_test, y_test = loader(split="test")
    if isinstance(X_train, np.ndarray):
        return np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test])
    return list(X_train) + list(X_test), np.concatenate([y_train, y_test])


def load_basic_motions() -> Bunch:
    """BasicMotions: four activities from a smartwatch, two sensor modalities of 100 steps.

    80 recordings (the UEA archive's train and test parts together) of a
    student walking, resting, running or playing badminton, 10 s at 10 Hz.
    Two modalities: the accelerometer (x, y, z) and the gyroscope (x, y, z),
    each a sequence of 100 steps of 3 features. Read from the copy that ships
    with ``aeon`` (BSD-3-Clause), so it works offline once aeon is installed.

    Returns
    -------
    data : Bunch
        ``data`` (80, 600) float32, step-major per modality; ``target`` (80,)
        activity names; ``modalities``: ``{"accelerometer":
        SequenceModality(...), "gyroscope": SequenceModality(...)}``;
        ``DESCR``.

    Examples
    --------
    >>> from sklearn_redcore.datasets import load_basic_motions
    >>> data = load_basic_motions()  # doctest: +SKIP
    >>> data.data.shape, sorted(data.modalities)  # doctest: +SKIP
    ((80, 600), ['accelerometer', 'gyroscope'])
    """
    series, target = _both_splits(_aeon_loader("load_basic_motions"))  # (80, 6, 100)
    steps = np.asarray(series, dtype=np.float32).transpose(0, 2, 1)  # (80, 100, 6)
    X, modalities = flatten_sequences({"accelerometer": steps[:, :, :3], "gyroscope": steps[:, :, 3:]})
    descr = "BasicMotions (UEA archive): 4 activities, 80 recordings, accelerometer and gyroscope, 100 steps each."
    return Bunch(data=X, target=np.asarray(target), modalities=modalities, DESCR=descr)


def load_japanese_vowels() -> Bunch:
    """JapaneseVowels: nine speakers from their vowel /ae/, two modalities of variable length.

    640 utterances (train and test parts together) of 9 male speakers, each
    a sequence of 7 to 29 frames of 12 LPC cepstrum coefficients. Two
    modalities: coefficients 1-6 and 7-12, each a sequence of at most 29
    steps of 6 features, shorter ones padded with NaN. Read from the copy that
    ships with ``aeon`` (BSD-3-Clause).

    Returns
    -------
    data : Bunch
        ``data`` (640, 348) float32; ``target`` (640,) speaker labels "1" to
        "9"; ``modalities``: ``{"lpc_1_6": ..., "lpc_7_12": ...}``, each a
        SequenceModality of 29 steps; ``DESCR``.

    Examples
    --------
    >>> from sklearn_redcore.datasets import load_japanese_vowels
    >>> data = load_japanese_vowels()  # doctest: +SKIP
    >>> data.data.shape  # doctest: +SKIP
    (640, 348)
    """
    series, target = _both_splits(_aeon_loader("load_japanese_vowels"))  # list of (12, T_i)
    frames = [np.asarray(s, dtype=np.float32).T for s in series]  # (T_i, 12)
    X, modalities = flatten_sequences({"lpc_1_6": [f[:, :6] for f in frames], "lpc_7_12": [f[:, 6:] for f in frames]})
    descr = "JapaneseVowels (UCI / UEA archive): 9 speakers, 640 utterances, 7-29 frames of 12 LPC coefficients."
    return Bunch(data=X, target=np.asarray(target), modalities=modalities, DESCR=descr)
