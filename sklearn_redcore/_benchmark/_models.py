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
* "Specialist-LR", "Specialist-HGB", "Specialist-MLP": one standardised
  logistic regression, gradient boosting or MLP per combination of
  modalities, each sample predicted by the one for the modalities it has
  (``_specialists.py``): the reference on complete training data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._presets import preset_params
from .._registry import all_estimators
from . import _pytabkit
from ._pipelines import missing_value_imputer, observed_columns

__all__ = ["MODEL_NAMES", "SMALL_NETWORK", "is_pdt", "make_model", "regression_models"]

#: Variants of the package's estimators: name -> (estimator's short name, parameters set).
_VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "Core": ("RedCore", {"regulate": False}),
    "Red": ("RedCore", {"unimodal_heads": False}),
}
#: RedCore under a preset of ``RedCoreClassifier.from_preset``: name -> preset.
_PRESET_VARIANTS = {"RedCore-paper": "paper", "RedCore-authors": "authors_code"}
#: A small RedCore network (the test suite's): for timings of the machinery rather than of the network.
SMALL_NETWORK: dict[str, Any] = dict(
    n_latent=16,
    encoder_hidden=(32,),
    xenc_hidden=16,
    xenc_widths=(8,),
    xenc_blocks=1,
    lr=3e-3,
    classifier_hidden=32,
    batch_size=64,
)


def _estimators(task: str = "classification") -> dict[str, type]:
    """The package's multimodal estimators of a task by short name ("RedCore", "MMIN", ...)."""
    suffix = "Regressor" if task == "regression" else "Classifier"
    return {name.removesuffix(suffix): cls for name, cls in all_estimators("multimodal") if name.endswith(suffix)}


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
_SPECIALISTS = {"Specialist-LR": "Impute+LR", "Specialist-HGB": "HGB", "Specialist-MLP": "Impute+MLP"}


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
