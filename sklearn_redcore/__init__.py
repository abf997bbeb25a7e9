"""sklearn-redcore: RedCore (Sun et al., AAAI 2024) for scikit-learn.

Classification from several modalities (groups of feature columns) when
whole modalities are missing for many samples, at missing rates that differ
from one modality to another.
"""

from ._baselines import AMAEClassifier, CRAClassifier, MMINClassifier
from ._classifier import RedCoreClassifier
from ._evaluation import evaluate_modality_combinations
from ._masking import ModalityMasker, mask_modalities, modality_presence
from ._persistence import load_model, save_model
from ._sequences import SequenceModality, flatten_sequences

__version__ = "0.1.0"

__all__ = [
    "RedCoreClassifier",
    "MMINClassifier",
    "CRAClassifier",
    "AMAEClassifier",
    "ModalityMasker",
    "SequenceModality",
    "flatten_sequences",
    "evaluate_modality_combinations",
    "mask_modalities",
    "modality_presence",
    "save_model",
    "load_model",
    "__version__",
]
