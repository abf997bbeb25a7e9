"""Shared docstring texts, written once and substituted into the estimators' docstrings.

:class:`Substitution` fills the placeholders (``_substitution.py``); the
texts of the training loop's parameters and of the fitted attributes every
estimator shares are in ``_training.py``, those of RedCore's own
parameters in ``_redcore.py``.
"""

from ._redcore import REDCORE_ATTRIBUTES, REDCORE_PARAMETERS
from ._substitution import Substitution
from ._training import (
    CLASSIFIER_ATTRIBUTES,
    COMMON_ATTRIBUTES,
    REGRESSOR_ATTRIBUTES,
    TRAINING_PARAMETERS,
    common_attributes,
    training_parameters,
)

__all__ = [
    "CLASSIFIER_ATTRIBUTES",
    "COMMON_ATTRIBUTES",
    "REDCORE_ATTRIBUTES",
    "REDCORE_PARAMETERS",
    "REGRESSOR_ATTRIBUTES",
    "TRAINING_PARAMETERS",
    "Substitution",
    "common_attributes",
    "training_parameters",
]
