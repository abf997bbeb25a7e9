"""The missing-modality study and the ``redcore benchmark`` command.

* ``_models``: the models a study compares, by name;
* ``_study``: fitting them at every missing-rate setting and seed, scored on
  every combination of modalities;
* ``_cli``: the command line around the study (tables, figures, output folder).
"""

from ._cli import main
from ._models import MODEL_NAMES, make_model, parse_params
from ._study import run_study, summarize_study

__all__ = ["MODEL_NAMES", "main", "make_model", "parse_params", "run_study", "summarize_study"]
