"""Data sets that work offline, synthetic data, and loaders for the paper's feature files."""

from ._mfeat import load_mfeat
from ._paper_features import load_iemocap_features, load_mosei_features
from ._sequence_synthetic import make_sequence_classification
from ._synthetic import make_multimodal_classification
from ._time_series import load_basic_motions, load_japanese_vowels

__all__ = [
    "load_mfeat",
    "load_iemocap_features",
    "load_mosei_features",
    "make_multimodal_classification",
    "make_sequence_classification",
    "load_basic_motions",
    "load_japanese_vowels",
]
