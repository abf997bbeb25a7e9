"""Data sets that work offline."""

from ._mfeat import load_mfeat

__all__ = ["load_mfeat"]
