"""The names of the study's models, known without importing them, and the match of a name a user typed.

The command line lists these names in its help and checks the names it is
given against them before anything heavy (torch, scikit-learn) is imported;
``_models`` builds the models and derives the same names from the package's
registry (a test checks that both agree).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

__all__ = ["DEFAULT_MODELS", "DEFAULT_REGRESSION_MODELS", "MODEL_NAMES", "REGRESSION_MODEL_NAMES", "match_model"]

#: Every model of a classification study (as ``_models.MODEL_NAMES``).
MODEL_NAMES = (
    "AMAE",
    "CRA",
    "MMIN",
    "RedCore",
    "Core",
    "Red",
    "RedCore-paper",
    "RedCore-authors",
    "AMAE-IDT",
    "CRA-IDT",
    "MMIN-IDT",
    "AMAE-PDT",
    "CRA-PDT",
    "MMIN-PDT",
    "HGB",
    "Impute+LR",
    "Impute+MLP",
    "Impute+Ridge",
    "MiniRocket",
    "RealMLP",
    "TabM",
    "Specialist-LR",
    "Specialist-HGB",
    "Specialist-MLP",
)
#: The models of a regression study (as ``_models.regression_models()``).
REGRESSION_MODEL_NAMES = (
    "RedCore",
    "Core",
    "Red",
    "RedCore-paper",
    "RedCore-authors",
    "HGB",
    "Impute+Ridge",
    "Impute+MLP",
)
DEFAULT_MODELS = ("RedCore", "Core", "Red", "HGB", "Impute+LR", "Impute+MLP")
DEFAULT_REGRESSION_MODELS = ("RedCore", "Core", "HGB", "Impute+Ridge", "Impute+MLP")


def match_model(name: str, choices: Sequence[str] = MODEL_NAMES) -> str:
    """The model of ``choices`` that ``name`` names, whatever its case.

    Parameters
    ----------
    name : str
        A model name as typed, e.g. ``"redcore"`` or ``"impute+lr"``.
    choices : sequence of str, default=MODEL_NAMES
        The names it may stand for.

    Returns
    -------
    str
        The name as ``choices`` spell it.

    Raises
    ------
    ValueError
        When no name matches; the message suggests the closest name, if any.

    Examples
    --------
    >>> match_model("impute+lr")
    'Impute+LR'
    >>> match_model("RedCor")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown model 'RedCor'; did you mean 'RedCore'? Choose among AMAE, CRA, ...
    """
    by_lower = {choice.lower(): choice for choice in choices}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), by_lower, n=1, cutoff=0.6)
    hint = f"did you mean {by_lower[close[0]]!r}? " if close else ""
    raise ValueError(f"unknown model {name!r}; {hint}{'C' if hint else 'c'}hoose among {', '.join(choices)}")
