"""Declared parameters: the constraints every estimator shares, and helpers for the others.

scikit-learn's ``_validate_params`` checks each parameter against its
constraints at the start of ``fit``, with an error that names the parameter
(``InvalidParameterError``, a ``ValueError``); the documentation of the
shared parameters is in ``_docstring/``. Rules that involve several
parameters, or the modalities, are checked by the estimators themselves.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._inputs import FEATURE_TRANSFORMS

__all__ = [
    "AUTO_EARLY_STOPPING_ROWS",
    "AUTO_TRAINING_ROWS",
    "auto_batch_size",
    "auto_patience",
    "CLASSIFICATION_CONSTRAINTS",
    "TRAINING_CONSTRAINTS",
    "WIDTHS",
    "check_widths",
    "positive_int",
    "reject_bools",
]

#: ``early_stopping="auto"`` holds out validation data from this many training rows on.
AUTO_EARLY_STOPPING_ROWS = 10_000


#: ``batch_size="auto"`` and ``n_iter_no_change="auto"`` keep their small-data values up to this many rows per epoch.
AUTO_TRAINING_ROWS = 16_384

#: ``batch_size="auto"``: the batch size up to ``AUTO_TRAINING_ROWS`` rows per epoch, and the largest one.
AUTO_BATCH_SIZES = (256, 4096)


def auto_batch_size(n_rows: int) -> int:
    """``batch_size="auto"`` for ``n_rows`` training rows per epoch.

    256 up to ``AUTO_TRAINING_ROWS`` rows; above, 256 times the largest
    power of two not above ``n_rows / AUTO_TRAINING_ROWS``, at most 4096
    (1024 for 80,000 rows). The learning rate stays as set: docs/speed.md
    has the measurements behind both choices.
    """
    small, largest = AUTO_BATCH_SIZES
    if n_rows <= AUTO_TRAINING_ROWS:
        return small
    return min(largest, small * 2 ** int(math.log2(n_rows / AUTO_TRAINING_ROWS)))


def auto_patience(n_rows: int) -> int:
    """``n_iter_no_change="auto"`` for ``n_rows`` training rows per epoch.

    10 epochs up to ``AUTO_TRAINING_ROWS`` rows; above, as many epochs as
    hold ``10 * AUTO_TRAINING_ROWS`` rows, at least 3 (3 for 80,000 rows):
    a large training set improves the network many times within one epoch,
    and ten epochs without progress would be ten passes over all of it.
    """
    if n_rows <= AUTO_TRAINING_ROWS:
        return 10
    return max(3, math.ceil(10 * AUTO_TRAINING_ROWS / n_rows))


def positive_int() -> list:
    """The constraint of a parameter that takes an int >= 1."""
    return [Interval(Integral, 1, None, closed="left")]


#: The constraint of layer widths: a tuple of ints (or one int); :func:`check_widths` checks the entries.
WIDTHS = ["array-like", *positive_int()]

#: The parameters of the training loop (documented by ``_docstring.TRAINING_PARAMETERS``).
TRAINING_CONSTRAINTS: dict[str, Any] = {
    "modalities": "no_validation",  # resolve_modalities gives the errors, naming the modality
    "max_epochs": positive_int(),
    "batch_size": [*positive_int(), StrOptions({"auto"})],
    "lr": [Interval(Real, 0, None, closed="neither")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "n_iter_no_change": [*positive_int(), StrOptions({"auto"})],
    "tol": [Interval(Real, 0, 1, closed="left"), None],
    "feature_transform": [StrOptions(set(FEATURE_TRANSFORMS))],
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


def reject_bools(estimator: Any) -> None:
    """Refuse True and False for numeric parameters (scikit-learn's constraints take them for 1 and 0)."""
    for name, constraints in estimator._parameter_constraints.items():
        value = getattr(estimator, name)
        if isinstance(value, (bool, np.bool_)) and constraints != "no_validation":
            if not any(c in ("boolean", "verbose", "random_state") for c in constraints if isinstance(c, str)):
                raise ValueError(f"{name} must be a number, got the bool {value!r}.")
