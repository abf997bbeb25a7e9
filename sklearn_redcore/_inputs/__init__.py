"""What goes into the networks: modality specifications, sequences, statistics, the fitted input object.

* ``_modalities``: which columns form which modality, and the presence matrix C;
* ``_sequences``: :class:`SequenceModality` and :func:`flatten_sequences`;
* ``_statistics``: column statistics and their transforms, read in blocks;
* ``_transforms``: the maths of the robust and quantile transforms, on one feature's values;
* ``_modality_inputs``: :class:`ModalityInputs`, fitted on X, which turns rows of
  X into :class:`NetworkInputs`;
* ``_labels``: checks of y beyond scikit-learn's.
"""

from ._labels import check_label_types
from ._modalities import ModalitySpec, contiguous_modalities, modality_presence, resolve_modalities
from ._modality_inputs import FEATURE_TRANSFORMS, ModalityInputs, NetworkInputs, step_slices
from ._sequences import SequenceModality, flatten_sequences
from ._statistics import column_stats, row_blocks, standardize_block

__all__ = [
    "FEATURE_TRANSFORMS",
    "ModalityInputs",
    "ModalitySpec",
    "NetworkInputs",
    "SequenceModality",
    "check_label_types",
    "column_stats",
    "contiguous_modalities",
    "flatten_sequences",
    "modality_presence",
    "resolve_modalities",
    "row_blocks",
    "standardize_block",
    "step_slices",
]
