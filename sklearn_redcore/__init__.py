"""sklearn-redcore: RedCore (Sun et al., AAAI 2024) for scikit-learn.

Classification (and regression) from several modalities (groups of feature
columns) when whole modalities are missing for many samples, at missing rates
that differ from one modality to another.

Where things live (see DEVELOPERS.md for the whole map): the estimators in
``_redcore.py`` and ``_redcore_regressor.py`` (what depends on the kind of
target in ``_tasks.py``), their network in ``_network/``, Algorithm 1 in
``_regulation.py`` and its training loop in ``_redcore_training.py``; the
inputs in ``_inputs/``; the comparison methods in ``_baselines/``; the
missing-modality tools in ``_masking.py``, ``_evaluation.py`` and
``_importance.py``; which missing modality to acquire next in ``_acquisition/``;
the benchmark command in ``_benchmark/``; data sets in
``datasets`` and figures in ``plotting``.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_getattr
from ._version import __version__

if TYPE_CHECKING:  # the names, for type checkers and editors; at run time they load on first use
    from ._acquisition import acquisition_gain, acquisition_order
    from ._baselines import AMAEClassifier, CRAClassifier, MMINClassifier
    from ._evaluation import evaluate_modality_combinations
    from ._importance import modality_importance
    from ._inputs import SequenceModality, flatten_sequences
    from ._masking import ModalityMasker, mask_modalities, modality_presence
    from ._persistence import load_model, save_model
    from ._redcore import RedCoreClassifier
    from ._redcore_regressor import RedCoreRegressor

#: Where each public name lives: importing the package imports neither torch nor
#: scikit-learn (the command line's ``--help`` stays fast); a name loads its module when first used.
_MODULES = {
    "acquisition_gain": "._acquisition",
    "acquisition_order": "._acquisition",
    "AMAEClassifier": "._baselines",
    "CRAClassifier": "._baselines",
    "MMINClassifier": "._baselines",
    "evaluate_modality_combinations": "._evaluation",
    "modality_importance": "._importance",
    "SequenceModality": "._inputs",
    "flatten_sequences": "._inputs",
    "ModalityMasker": "._masking",
    "mask_modalities": "._masking",
    "modality_presence": "._masking",
    "load_model": "._persistence",
    "save_model": "._persistence",
    "RedCoreClassifier": "._redcore",
    "RedCoreRegressor": "._redcore_regressor",
}


__getattr__ = lazy_getattr(__name__, _MODULES)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "RedCoreClassifier",
    "RedCoreRegressor",
    "MMINClassifier",
    "CRAClassifier",
    "AMAEClassifier",
    "ModalityMasker",
    "SequenceModality",
    "flatten_sequences",
    "evaluate_modality_combinations",
    "modality_importance",
    "acquisition_gain",
    "acquisition_order",
    "mask_modalities",
    "modality_presence",
    "save_model",
    "load_model",
    "__version__",
]
