"""Data sets that work offline."""

from ._mfeat import load_mfeat
from ._synthetic import make_multimodal_classification

__all__ = ["load_mfeat", "make_multimodal_classification"]
