"""A saved estimator's parameters and fitted attributes, checked against its class before anything is built.

The parameters go through the estimator's own checks (its declared
constraints, ``_check_params`` and, once the inputs are known,
``_check_model_params``). The fitted attributes must be exactly those that a
fit of that class sets (:func:`fitted_attribute_names`), each of the type
and shape that the others imply: ``n_features_in_`` sets the length of every
per-column statistic and bounds the modalities' column indices, the
modalities set the length of every per-modality array, ``classes_`` or
``n_outputs_`` that of the target statistics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .._base import BaseMultimodalEstimator
from .._inputs import FEATURE_TRANSFORMS, ModalityInputs, SequenceModality
from .._inputs._modality_inputs import N_QUANTILES
from .._redcore_base import RedCoreEstimatorMixin
from .._tasks import ClassificationTask, RegressionTask
from ._container import ModelFileError
from ._values import SavedInputs

__all__ = ["MAX_THREADS", "check_fitted", "checked_estimator", "fitted_attribute_names"]

#: Most torch threads a loaded model may ask for (a file must not make the process start thousands of threads).
MAX_THREADS = 1024

#: The fitted attributes that a fit sets, by the class whose code sets them.
_FITTED_BY = {
    BaseMultimodalEstimator: (
        "n_features_in_",
        "inputs_",
        "do_early_stopping_",
        "missing_rate_",
        "n_training_samples_",
        "interrupted_",
        "n_iter_",
    ),
    ClassificationTask: ("classes_", "class_prior_"),
    RegressionTask: ("n_outputs_", "target_mean_", "target_scale_", "target_constant_"),
    RedCoreEstimatorMixin: (
        "network_sizes_",
        "eta_",
        "eta_history_",
        "relative_advantage_history_",
        "imputation_loss_history_",
    ),
}
#: What ``ModalityInputs.get_state`` holds.
_INPUTS_STATE = frozenset(
    ["modalities", "shapes", "feature_transform", "mean", "scale", "quantiles", "quantile_counts", "robust_columns"]
)
#: Set only by some fits (X with column names), or only by recent versions (derived from the rest when absent).
_OPTIONAL = frozenset({"feature_names_in_", "batch_size_", "n_iter_no_change_"})


def fitted_attribute_names(cls: type) -> frozenset[str]:
    """The fitted attributes that every fit of ``cls`` sets."""
    return frozenset(name for base, names in _FITTED_BY.items() if issubclass(cls, base) for name in names)


def checked_estimator(cls: type[BaseMultimodalEstimator], params: Any) -> BaseMultimodalEstimator:
    """An unfitted ``cls`` with the saved parameters, once the estimator's own checks accept them."""
    name = cls.__name__
    if not isinstance(params, dict):
        raise ModelFileError("its parameters are not a dict")
    expected = set(cls._get_param_names())
    unknown, missing = sorted(set(params) - expected), sorted(expected - set(params))
    if unknown:
        raise ModelFileError(f"it holds parameters that {name} does not accept: {unknown[:5]}")
    if missing:
        raise ModelFileError(f"it lacks the parameters {missing[:5]} of {name}")
    estimator = cls(**params)
    try:
        estimator._check_all_params()
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"it holds parameters that {name} does not accept: {exc}") from None
    if estimator.n_threads is not None and estimator.n_threads > MAX_THREADS:
        raise ModelFileError(f"it holds parameters that {name} does not accept: n_threads above {MAX_THREADS}")
    return estimator


def check_fitted(estimator: BaseMultimodalEstimator, fitted: Any) -> dict[str, Any]:
    """The saved fitted attributes, checked, with ``inputs_`` rebuilt (``ModelFileError`` for any mismatch)."""
    if not isinstance(fitted, dict):
        raise ModelFileError("its fitted attributes are not a dict")
    expected = fitted_attribute_names(type(estimator))
    unexpected = sorted(set(fitted) - expected - _OPTIONAL)
    if unexpected:
        raise ModelFileError(f"it holds an unexpected fitted attribute {unexpected[0][:80]!r}")
    missing = sorted(expected - set(fitted))
    if missing:
        raise ModelFileError(
            f"it lacks the fitted attribute {missing[0]!r}, which every fitted {type(estimator).__name__} has"
        )
    n_features = _count(fitted["n_features_in_"], "n_features_in_", minimum=1)
    _check_parameter_values(estimator.get_params(deep=False), n_features)
    fitted = dict(fitted, inputs_=_inputs(fitted["inputs_"], n_features))
    estimator_inputs = fitted["inputs_"]
    try:
        estimator._check_model_params(estimator_inputs)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"its parameters do not fit its modalities: {exc}") from None
    n_modalities = len(estimator_inputs.modalities)
    if "feature_names_in_" in fitted:
        names = _array(fitted["feature_names_in_"], "feature_names_in_", (n_features,), "OU")
        if not all(isinstance(name, str) for name in names.tolist()):
            raise ModelFileError("feature_names_in_ holds something other than strings")
    for name in ("do_early_stopping_", "interrupted_"):
        if not isinstance(fitted[name], bool):
            raise ModelFileError(f"{name} is not a bool")
    _count(fitted["n_training_samples_"], "n_training_samples_", minimum=1)
    for name in ("batch_size_", "n_iter_no_change_"):
        if name in fitted:
            _count(fitted[name], name, minimum=1)
    _count(fitted["n_iter_"], "n_iter_", minimum=0)
    rates = _array(fitted["missing_rate_"], "missing_rate_", (n_modalities,), "f")
    if not np.all((rates >= 0) & (rates < 1)):
        raise ModelFileError("missing_rate_ holds values outside [0, 1)")
    if isinstance(estimator, ClassificationTask):
        _check_classes(fitted)
    if isinstance(estimator, RegressionTask):
        n_outputs = _count(fitted["n_outputs_"], "n_outputs_", minimum=1)
        _array(fitted["target_mean_"], "target_mean_", (n_outputs,), "f")
        if not np.all(_array(fitted["target_scale_"], "target_scale_", (n_outputs,), "f") > 0):
            raise ModelFileError("target_scale_ holds values that are not positive")
        _array(fitted["target_constant_"], "target_constant_", (n_outputs,), "b")
    if isinstance(estimator, RedCoreEstimatorMixin):
        _check_redcore(estimator, fitted, n_modalities)
    return fitted


def _check_parameter_values(value: Any, n_features: int) -> None:
    """Refuse among the parameters what only the fitted state holds (tensors, input statistics), and a range
    (a modality's columns) longer than X is wide, which the next fit would list."""
    if isinstance(value, (torch.Tensor, SavedInputs)):
        raise ModelFileError(f"its parameters hold a {type(value).__name__}, which no parameter takes")
    if isinstance(value, range) and len(value) > n_features:
        raise ModelFileError(f"its parameters hold a range of {len(value)} columns, and X has {n_features}")
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, SequenceModality):
        value = [value.columns]
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_parameter_values(item, n_features)


def _check_classes(fitted: dict[str, Any]) -> None:
    classes = fitted["classes_"]
    if not isinstance(classes, np.ndarray) or classes.ndim != 1 or len(classes) < 2:
        raise ModelFileError("classes_ is not an array of at least two labels")
    try:
        distinct = len(np.unique(classes)) == len(classes)
    except TypeError:
        distinct = False
    if not distinct:
        raise ModelFileError("classes_ does not hold distinct labels of one type")
    prior = _array(fitted["class_prior_"], "class_prior_", classes.shape, "f")
    if not np.all(prior >= 0) or not abs(prior.sum() - 1.0) < 1e-6:
        raise ModelFileError("class_prior_ is not a distribution over classes_")


def _check_redcore(estimator: Any, fitted: dict[str, Any], n_modalities: int) -> None:
    sizes = fitted["network_sizes_"]
    if not isinstance(sizes, dict) or not sizes or not set(sizes) <= set(estimator.get_params(deep=False)):
        raise ModelFileError("network_sizes_ is not a dict of the estimator's size parameters")
    try:  # the sizes are parameters' values: the parameters' own checks apply
        clone = type(estimator)(**(estimator.get_params(deep=False) | sizes))
        clone._check_all_params()
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"network_sizes_ holds sizes that the estimator does not accept: {exc}") from None
    _array(fitted["eta_"], "eta_", (n_modalities,), "f")
    for name in ("eta_history_", "relative_advantage_history_", "imputation_loss_history_"):
        history = _array(fitted[name], name, None, "f", finite=False)  # (NaN: no record that epoch)
        if history.ndim != 2 or history.shape[1] != n_modalities:
            raise ModelFileError(f"{name} does not have one column per modality")


def _inputs(saved: Any, n_features: int) -> ModalityInputs:
    """The fitted input object, once its layout and statistics match ``n_features`` columns."""
    if not isinstance(saved, SavedInputs):
        raise ModelFileError("inputs_ is not the fitted input statistics")
    state = saved.state
    if set(state) != _INPUTS_STATE:
        raise ModelFileError("inputs_ does not hold exactly the input layout and statistics")
    modalities, shapes, transform = state["modalities"], state["shapes"], state["feature_transform"]
    layout = isinstance(modalities, dict) and isinstance(shapes, dict) and set(shapes) == set(modalities)
    if not layout or not modalities:
        raise ModelFileError("inputs_ does not give the columns and the shape of each modality")
    if transform not in FEATURE_TRANSFORMS:
        raise ModelFileError(f"inputs_ names an unknown feature_transform {str(transform)[:40]!r}")
    used = np.zeros(n_features, dtype=bool)
    for name, columns in modalities.items():
        columns = _array(columns, f"the columns of modality {name!r}", None, "i")
        if columns.ndim != 1 or not len(columns) or columns.min() < 0 or columns.max() >= n_features:
            raise ModelFileError(
                f"inputs_: the columns of modality {name!r} are not indices of the {n_features} columns of X"
            )
        if used[columns].any() or len(np.unique(columns)) != len(columns):
            raise ModelFileError(f"inputs_: modality {name!r} shares a column with another or lists one twice")
        used[columns] = True
        shape = shapes[name]
        if shape is not None and not (
            isinstance(shape, tuple)
            and len(shape) == 2
            and all(_is_count(n) for n in shape)
            and shape[0] * shape[1] == len(columns)
        ):
            raise ModelFileError(f"inputs_: the sequence shape of modality {name!r} does not match its columns")
    _array(state["mean"], "inputs_ (mean)", (n_features,), "f")
    if not np.all(_array(state["scale"], "inputs_ (scale)", (n_features,), "f") > 0):
        raise ModelFileError("inputs_ holds scales that are not positive")
    quantile, auto = transform == "quantile", transform == "auto"
    for key, present in (("quantiles", quantile), ("quantile_counts", quantile), ("robust_columns", auto)):
        if (state[key] is not None) != present:
            raise ModelFileError(f"inputs_ holds {'no ' if present else ''}{key} with feature_transform={transform!r}")
    if quantile:
        knots = _array(state["quantiles"], "inputs_ (quantiles)", None, "f")
        if knots.ndim != 2 or len(knots) != n_features or not 2 <= knots.shape[1] <= N_QUANTILES:
            raise ModelFileError("inputs_ holds quantiles that do not match its columns")
        _array(state["quantile_counts"], "inputs_ (quantile_counts)", (n_features,), "i")
    if auto:
        _array(state["robust_columns"], "inputs_ (robust_columns)", (n_features,), "b")
    try:
        return ModalityInputs.from_state(state)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"inputs_: {exc}") from None


def _array(value: Any, name: str, shape: tuple[int, ...] | None, kinds: str, *, finite: bool = True) -> np.ndarray:
    """``value`` if it is an array of one of the dtype ``kinds`` and the ``shape`` (None: any), finite if asked."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in kinds:
        raise ModelFileError(f"{name} is not an array of the expected type")
    if shape is not None and value.shape != shape:
        raise ModelFileError(f"{name} has the shape {value.shape}, not {shape}")
    if finite and value.dtype.kind == "f" and not np.isfinite(value).all():
        raise ModelFileError(f"{name} holds values that are not finite")
    return value


def _count(value: Any, name: str, *, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ModelFileError(f"{name} is not an integer of at least {minimum}")
    return value


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
