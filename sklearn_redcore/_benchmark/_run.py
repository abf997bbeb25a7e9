"""One run of a study: a split, its training part masked at a setting's rates, every model fitted and scored.

For a (setting, seed): a split (stratified by class in a classification
study), the training part masked at the setting's missing rates
(``mask_modalities``, ``random_state=seed``), then every model of the study
made with that seed, fitted on the masked training part (the unmasked one
for perfect data training) and scored on every combination of available
modalities of the complete test part (weighted F1, or R² in a regression
study). A study (``_study``) runs this for every setting and seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ._models import is_pdt, make_model

__all__ = ["IMPORTANCE_COLUMNS", "SCORING", "Model", "Split", "epochs", "run_one", "split_and_mask"]

#: The score of a study, by task (a scikit-learn scorer name).
SCORING = {"classification": "f1_weighted", "regression": "r2"}
#: Per modality (lists in the modalities' order): the score lost when it is removed or permuted.
IMPORTANCE_COLUMNS = ("importance_removed", "importance_permuted")


class Model(NamedTuple):
    """One model of a study: a name :func:`~._models.make_model` knows, set as this study sets it.

    Attributes
    ----------
    label : str
        Its name in the results (the ``"model"`` column).
    name : str
        The model to make ("RedCore", "HGB", "MMIN-IDT", ...).
    params : dict or None, default=None
        Parameters of the package's neural models (``redcore_params``).
    class_weight : dict, "balanced" or None, default=None
        Given to the model if it takes one.
    columns : dict or None, default=None
        Constant columns of its rows (e.g. its parameters, as text).
    """

    label: str
    name: str
    params: dict | None = None
    class_weight: str | dict | None = None
    columns: dict | None = None

    def make(self, modalities: dict, seed: int, rates: list[float] | None = None, task: str = "classification") -> Any:
        """A fresh, unfitted instance for a run of the given seed and missing rates."""
        return make_model(self.name, modalities, seed, self.params, rates, self.class_weight, task)


class Split(NamedTuple):
    """The parts of one run: the masked training part, the complete test part, the unmasked training part."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    unmasked: np.ndarray
    modalities: dict


def split_and_mask(
    X: Any,
    y: Any,
    modalities: dict,
    rates: Sequence[float],
    seed: int,
    test_size: float = 0.3,
    task: str = "classification",
) -> Split:
    """Split (stratified by class when every class has two samples) and mask the training part at ``rates``."""
    from sklearn.model_selection import train_test_split

    from .._masking import mask_modalities

    stratify = None
    if task == "classification":
        counts = np.unique(y, return_counts=True)[1]
        stratify = y if counts.min() >= 2 else None
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, stratify=stratify, random_state=seed)
    masked = mask_modalities(X_train, modalities, list(rates), random_state=seed)
    return Split(masked, X_test, y_train, y_test, X_train, modalities)


def epochs(model: Any, split: Split) -> dict[str, int]:
    """The epochs a fitted model of the package ran (``n_iter_``): a ``measure`` of a study."""
    return {"epochs": model.n_iter_}


def _histories(model: Any) -> dict[str, list]:
    """The per-epoch histories a fitted model holds (its attributes ``<key>_history_``), by ``<key>_history``."""
    histories = {name: value for name, value in vars(model).items() if name.endswith("_history_")}
    return {name.removesuffix("_"): np.asarray(value).tolist() for name, value in histories.items()}


def _fit_and_score(
    model: Any,
    split: Split,
    row: dict,
    *,
    pdt: bool,
    task: str,
    seed: int,
    importance: bool,
    combinations: bool,
    measure: Callable[[Any, Split], dict] | None,
    acquisition: bool = False,
) -> dict:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from .._evaluation import evaluate_modality_combinations
    from .._importance import modality_importance

    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(split.unmasked if pdt else split.X_train, split.y_train)
    except ValueError as exc:
        # A model that cannot learn from this data (perfect data training with
        # fewer than two complete samples) scores nothing, and says why.
        return row | {"fit_time": np.nan, "error": str(exc)}
    row["fit_time"] = time.perf_counter() - start
    scoring = SCORING[task]
    modalities = split.modalities
    if combinations:
        table = evaluate_modality_combinations(model, split.X_test, split.y_test, modalities, scoring=scoring)
        row.update(table.iloc[0].to_dict())
    if importance:
        scores = modality_importance(
            model, split.X_test, split.y_test, modalities, scoring=scoring, n_repeats=3, random_state=seed
        )
        row["importance_removed"] = scores["removed"].tolist()
        row["importance_permuted"] = scores["permuted_mean"].tolist()
    row.update(_histories(model))
    if acquisition:
        from ._acquisition import ACQUISITION_COLUMN, acquisition_curve

        row[ACQUISITION_COLUMN] = acquisition_curve(model, split, seed)
    if measure is not None:
        row.update(measure(model, split))
    return row


def run_one(
    data: Any,
    setting: str,
    rates: Sequence[float],
    seed: int,
    models: Sequence[Model],
    *,
    test_size: float = 0.3,
    task: str = "classification",
    importance: bool = True,
    combinations: bool = True,
    measure: Callable[[Any, Split], dict] | None = None,
    acquisition: bool = False,
) -> list[dict]:
    """Rows of one run: every model fitted on the split of ``seed`` masked at ``rates``, and scored.

    Parameters
    ----------
    data : Bunch or callable
        ``data``, ``target`` and ``modalities`` (int positions), or a
        function of the seed that returns them.
    setting, rates, seed
        The setting's name and missing rates, and the seed of the split, the
        mask and the models.
    models : sequence of Model
        The models, fitted in turn.
    test_size, task, importance, combinations, measure, acquisition
        As for :func:`~._study.run_data_study`.

    Returns
    -------
    rows : list of dict
        One per model, with ``"_model"`` its position in ``models``.
    """
    from .._masking import modality_presence

    if callable(data):
        data = data(seed)
    X, y = np.asarray(data.data, dtype=float), np.asarray(data.target)
    split = split_and_mask(X, y, data.modalities, rates, seed, test_size, task)
    realised = (~modality_presence(split.X_train, data.modalities)).mean(axis=0)
    rows = []
    rates = [float(r) for r in rates]
    for index, spec in enumerate(models):
        row = {
            "_model": index,
            "setting": setting,
            "seed": seed,
            "model": spec.label,
            "missing_rates": rates,
            "realised_rates": np.round(realised, 4).tolist(),
            **(spec.columns or {}),
        }
        model = spec.make(data.modalities, seed, rates, task)
        options = dict(importance=importance, combinations=combinations, measure=measure)
        options["acquisition"] = acquisition and spec.name == "RedCore" and task == "classification"
        rows.append(_fit_and_score(model, split, row, pdt=is_pdt(spec.name), task=task, seed=seed, **options))
    return rows
