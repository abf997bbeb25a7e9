"""Declared parameters: the constraints every estimator shares, and helpers for the others.

scikit-learn's ``_validate_params`` checks each parameter against its
constraints at the start of ``fit``, with an error that names the parameter
(``InvalidParameterError``, a ``ValueError``); the documentation of the
shared parameters is in ``_docstring.py``. Rules that involve several
parameters, or the modalities, are checked by the estimators themselves.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Hidden, Interval, StrOptions

from ._inputs import FEATURE_TRANSFORMS

__all__ = [
    "AUTO_EARLY_STOPPING_ROWS",
    "CLASSIFICATION_CONSTRAINTS",
    "TRAINING_CONSTRAINTS",
    "WIDTHS",
    "check_widths",
    "positive_int",
    "resolve_feature_transform",
]

#: ``early_stopping="auto"`` holds out validation data from this many training rows on.
AUTO_EARLY_STOPPING_ROWS = 10_000


def positive_int() -> list:
    """The constraint of a parameter that takes an int >= 1."""
    return [Interval(Integral, 1, None, closed="left")]


#: The constraint of layer widths: a tuple of ints (or one int); :func:`check_widths` checks the entries.
WIDTHS = ["array-like", *positive_int()]

#: The parameters of the training loop (documented by ``_docstring.TRAINING_PARAMETERS``).
TRAINING_CONSTRAINTS: dict[str, Any] = {
    "modalities": "no_validation",  # resolve_modalities gives the errors, naming the modality
    "max_epochs": positive_int(),
    "batch_size": positive_int(),
    "lr": [Interval(Real, 0, None, closed="neither")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "n_iter_no_change": positive_int(),
    "tol": [Interval(Real, 0, 1, closed="left"), None],
    "feature_transform": [StrOptions(set(FEATURE_TRANSFORMS))],
    "standardize": ["boolean", Hidden(StrOptions({"deprecated"}))],  # deprecated in 0.2, removed in 0.4
    "warm_start": ["boolean"],
    "device": [str],  # which devices exist is known at fit time (resolve_device)
    "n_threads": [*positive_int(), None],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


#: The parameters of every classifier beyond the training loop's.
CLASSIFICATION_CONSTRAINTS: dict[str, Any] = {"class_weight": [dict, StrOptions({"balanced"}), None]}


def check_widths(widths: Any, name: str, *, allow_empty: bool = True) -> tuple[int, ...]:
    """Validate layer widths (the value of the parameter ``name``) and return them as a tuple of int."""
    values = tuple(np.atleast_1d(np.asarray(widths, dtype=object)).tolist()) if widths is not None else ()
    if not all(isinstance(w, Integral) and not isinstance(w, bool) and w >= 1 for w in values):
        raise ValueError(f"{name} must be a tuple of positive integers, got {widths!r}.")
    if not values and not allow_empty:
        raise ValueError(f"{name} must not be empty.")
    return tuple(int(w) for w in values)


def resolve_feature_transform(feature_transform: str, standardize: bool | str) -> str:
    """The transform in force, from ``feature_transform`` and the deprecated ``standardize``.

    ``standardize`` left at its sentinel "deprecated" changes nothing. Set to
    True or False it gives a FutureWarning and decides ("standard" or
    "center"), unless ``feature_transform`` is set to a transform other than
    the default ("auto"), the default before it ("standard": models saved or
    pickled then hold it beside their ``standardize``) and the one
    ``standardize`` names, which is an error (the two would disagree).
    """
    if isinstance(standardize, str):
        return feature_transform
    legacy = "standard" if standardize else "center"
    warnings.warn(
        "`standardize` was deprecated in 0.2 and will be removed in 0.4; use "
        f"feature_transform={legacy!r} instead of standardize={bool(standardize)}.",
        FutureWarning,
        stacklevel=4,  # the user's call of fit (through the task's fit and the base's)
    )
    if feature_transform not in ("auto", "standard", legacy):
        raise ValueError(
            f"standardize={bool(standardize)} and feature_transform={feature_transform!r} disagree; "
            "set feature_transform only (standardize is deprecated)."
        )
    return legacy
