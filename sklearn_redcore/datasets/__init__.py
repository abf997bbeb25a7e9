"""Offline data sets (digits, image segments, penguins), synthetic data, loaders of the paper's feature files."""

from ._mfeat import load_mfeat
from ._paper_features import load_iemocap_features, load_mosei_features
from ._sequence_synthetic import make_sequence_classification
from ._synthetic import make_multimodal_classification
from ._tabular_data import load_image_segments, load_penguins
from ._tabular_synthetic import make_tabular_classification
from ._time_series import load_basic_motions, load_japanese_vowels

__all__ = [
    "load_mfeat",
    "load_iemocap_features",
    "load_mosei_features",
    "make_multimodal_classification",
    "make_sequence_classification",
    "make_tabular_classification",
    "load_image_segments",
    "load_penguins",
    "load_basic_motions",
    "load_japanese_vowels",
]
