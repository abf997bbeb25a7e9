"""The models a study compares, by name: the package's estimators, their variants, scikit-learn's baselines.

The package's estimators come from the registry
(:func:`~sklearn_redcore._registry.all_estimators`), each under its class
name without ``Classifier`` ("RedCore", "MMIN", "CRA", "AMAE"); for a
regression study (``task="regression"``), "RedCore" and its variants are
:class:`~sklearn_redcore.RedCoreRegressor`, and "HGB", "Impute+Ridge" and
"Impute+MLP" scikit-learn's regressors. The study adds variants of them,
and the scikit-learn pipelines a user would try first:

* "Core" and "Red": RedCore's ablations (eta fixed; no unimodal heads);
* "RedCore-paper" and "RedCore-authors": RedCore with every setting of the
  paper, or of the authors' code (``RedCoreClassifier.from_preset``); the
  study's RedCore parameters go on top;
* three regimes of each comparison method: under its plain name, the
  complete rows of the masked training part (``training="complete"``);
  "<name>-PDT", the paper's perfect data training: the *unmasked* training
  part, with the setting's missing rates simulated in every mini-batch
  (``missing_rates``), the hidden modalities still targets; "<name>-IDT",
  every sample of the masked training part (``training="all"``, imperfect
  data training, as RedCore);
* "HGB", "Impute+LR", "Impute+MLP": scikit-learn's gradient boosting (on
  the columns observed at least once in training: it fails on a column of
  NaN only, such as a padding step no training sequence reaches), and
  imputation (with missing indicators) before a logistic regression or an MLP;
  "Impute+Ridge": the same imputation before a ridge regression whose
  penalty is chosen by leave-one-out (regression only); in a regression
  study "Impute+MLP" learns the standardised target;
* "MiniRocket": the time-series anchor for sequence modalities (every
  modality's channels stacked, missing parts set to 0; needs ``aeon``, see
  ``_anchors.py``);
* "RealMLP", "TabM": pytabkit's tuned-by-default tabular networks after
  imputation with missing indicators (need ``pytabkit``, see ``_pytabkit.py``);
* "Specialist-LR", "Specialist-HGB": one standardised logistic regression,
  or one gradient boosting, per combination of modalities, each sample
  predicted by the one for the modalities it has (``_specialists.py``): the
  reference on complete training data.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._presets import preset_params
from .._registry import all_estimators
from . import _pytabkit

__all__ = ["MODEL_NAMES", "is_pdt", "make_model", "parse_params", "regression_models"]

#: Variants of the package's estimators: name -> (estimator's short name, parameters set).
_VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "Core": ("RedCore", {"regulate": False}),
    "Red": ("RedCore", {"unimodal_heads": False}),
}
#: RedCore under a preset of ``RedCoreClassifier.from_preset``: name -> preset.
_PRESET_VARIANTS = {"RedCore-paper": "paper", "RedCore-authors": "authors_code"}


def _estimators(task: str = "classification") -> dict[str, type]:
    """The package's multimodal estimators of a task by short name ("RedCore", "MMIN", ...)."""
    suffix = "Regressor" if task == "regression" else "Classifier"
    return {name.removesuffix(suffix): cls for name, cls in all_estimators("multimodal") if name.endswith(suffix)}


class ObservedColumns(TransformerMixin, BaseEstimator):
    """Keep the columns with at least one observed (non-NaN) training value (a pipeline step before HGB)."""

    def fit(self, X: Any, y: Any = None) -> ObservedColumns:  # noqa: D102
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.support_ = ~np.isnan(X).all(axis=0)
        return self

    def transform(self, X: Any) -> np.ndarray:  # noqa: D102
        check_is_fitted(self)
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64, reset=False)
        return X[:, self.support_]

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def observed_columns() -> ObservedColumns:
    """A fresh :class:`ObservedColumns`."""
    return ObservedColumns()


def missing_value_imputer() -> Any:
    """The imputation every scikit-learn baseline of the study starts with: column means, and missing indicators."""
    from sklearn.impute import SimpleImputer

    return SimpleImputer(add_indicator=True, keep_empty_features=True)


def _sklearn_models(seed: int, class_weight: str | dict | None = None) -> dict[str, Callable[[], Any]]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "HGB": lambda: make_pipeline(
            observed_columns(), HistGradientBoostingClassifier(class_weight=class_weight, random_state=seed)
        ),
        "Impute+LR": lambda: make_pipeline(
            StandardScaler(), missing_value_imputer(), LogisticRegression(max_iter=2000, class_weight=class_weight)
        ),  # (scikit-learn's MLPClassifier has no class_weight)
        "Impute+MLP": lambda: make_pipeline(
            StandardScaler(), missing_value_imputer(), MLPClassifier(max_iter=500, random_state=seed)
        ),
    }


def _regression_models(seed: int) -> dict[str, Callable[[], Any]]:
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import RidgeCV
    from sklearn.neural_network import MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "HGB": lambda: make_pipeline(observed_columns(), HistGradientBoostingRegressor(random_state=seed)),
        "Impute+Ridge": lambda: make_pipeline(
            StandardScaler(), missing_value_imputer(), RidgeCV(alphas=np.logspace(-3, 3, 13))
        ),
        # the MLP learns the standardised target, as RedCoreRegressor does (raw targets cost it most of its R²)
        "Impute+MLP": lambda: TransformedTargetRegressor(
            make_pipeline(
                StandardScaler(),
                missing_value_imputer(),
                MLPRegressor(max_iter=500, early_stopping=True, random_state=seed),
            ),
            transformer=StandardScaler(),
        ),
    }


#: Per-combination specialists: name -> the scikit-learn baseline each combination gets a copy of.
_SPECIALISTS = {"Specialist-LR": "Impute+LR", "Specialist-HGB": "HGB"}


def _model_names() -> tuple[str, ...]:
    estimators = _estimators()
    regimes = [name for name, cls in estimators.items() if "training" in cls().get_params()]
    idt, pdt = [f"{name}-IDT" for name in regimes], [f"{name}-PDT" for name in regimes]
    regression_only = (name for name in _regression_models(0) if name not in _sklearn_models(0))
    return (
        *estimators,
        *_VARIANTS,
        *_PRESET_VARIANTS,
        *idt,
        *pdt,
        *_sklearn_models(0),
        *regression_only,
        "MiniRocket",
        *_pytabkit.PYTABKIT_MODELS,
        *_SPECIALISTS,
    )


def regression_models() -> tuple[str, ...]:
    """The names :func:`make_model` knows for ``task="regression"``."""
    return (*_estimators("regression"), *_VARIANTS, *_PRESET_VARIANTS, *_regression_models(0))


#: Every name :func:`make_model` knows.
MODEL_NAMES = _model_names()


def parse_params(items: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` strings (as the benchmark scripts take them) as model parameters.

    A value is read as a Python literal where it is one (``3``, ``1e-3``,
    ``(64, 32)``, ``None``, ``False``), as a string otherwise.

    >>> parse_params(["max_epochs=50", "encoder_hidden=(64,)", "sequence_encoder=mlp"])
    {'max_epochs': 50, 'encoder_hidden': (64,), 'sequence_encoder': 'mlp'}
    """
    params: dict[str, Any] = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def is_pdt(name: str) -> bool:
    """Whether the model learns from the unmasked training part (perfect data training)."""
    return name.endswith("-PDT")


def make_model(
    name: str,
    modalities: dict,
    seed: int,
    redcore_params: dict | None = None,
    rates: list[float] | None = None,
    class_weight: str | dict | None = None,
    task: str = "classification",
) -> Any:
    """A fresh, unfitted model of the study by name (see ``MODEL_NAMES``).

    ``redcore_params`` go to every neural model of the package, each taking
    those of its parameters it has (RedCore takes them all). ``rates``: the
    setting's missing rates, which a "-PDT" model simulates.
    ``class_weight`` goes to every classifier that takes one (all but
    Impute+MLP, RealMLP and TabM). ``task="regression"``: the regressors of
    :func:`regression_models`.
    """
    if task == "regression":
        if class_weight is not None:
            raise ValueError("class_weight applies to classification, not to a regression study")
        if name not in regression_models():
            raise ValueError(
                f"model {name!r} is not available for regression; choose among {', '.join(regression_models())}"
            )
        regressors = _regression_models(seed)
        if name in regressors:
            return regressors[name]()
    estimators = _estimators(task)
    base, fixed = _VARIANTS.get(name, (name, {}))
    if name.endswith("-IDT"):
        base, fixed = name.removesuffix("-IDT"), {"training": "all"}
    if is_pdt(name):
        base, fixed = name.removesuffix("-PDT"), {"training": "complete", "missing_rates": rates}
    if name in _PRESET_VARIANTS:
        base, preset = "RedCore", preset_params(_PRESET_VARIANTS[name])
    else:
        preset = {}
    if base in estimators:
        cls = estimators[base]
        params = preset | dict(redcore_params or {}) | ({"class_weight": class_weight} if task != "regression" else {})
        if cls is not estimators["RedCore"]:
            accepted = cls().get_params()
            params = {key: value for key, value in params.items() if key in accepted}
        return cls(modalities, random_state=seed, **(params | fixed))
    if name == "MiniRocket":
        from ._anchors import MiniRocketAnchor, aeon_available

        if not aeon_available():
            raise ValueError("the model MiniRocket needs aeon: pip install 'sklearn-redcore[timeseries]'")
        return MiniRocketAnchor(modalities, random_state=seed)
    if name in _pytabkit.PYTABKIT_MODELS:
        if not _pytabkit.pytabkit_available():
            raise ValueError(f"the model {name} needs pytabkit: pip install 'sklearn-redcore[tabular]'")
        return _pytabkit.PYTABKIT_MODELS[name](seed)
    sklearn_models = _sklearn_models(seed, class_weight)
    if name in _SPECIALISTS:
        from ._specialists import CombinationSpecialists

        return CombinationSpecialists(modalities, sklearn_models[_SPECIALISTS[name]]())
    if name in _regression_models(seed) and name not in sklearn_models:
        raise ValueError(f"the model {name!r} is for regression studies only (task='regression')")
    if name not in sklearn_models:
        raise ValueError(f"unknown model {name!r}; choose among {', '.join(MODEL_NAMES)}")
    return sklearn_models[name]()
