"""Missing-modality studies: every model, at every missing-rate setting, for every seed.

This is the machinery behind ``python -m sklearn_redcore benchmark`` and the
scripts in ``benchmarks/``: for each (setting, seed), a split (stratified by
class in a classification study), the training part masked at the setting's
missing rates, every model fitted and scored on every combination of
available modalities of the complete test part (weighted F1, or R² in a
regression study).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._models import is_pdt, make_model

__all__ = ["IMPORTANCE_COLUMNS", "SCORING", "importance_table", "run_study", "summarize_study"]

#: The score of a study, by task (a scikit-learn scorer name).
SCORING = {"classification": "f1_weighted", "regression": "r2"}
_HISTORY_COLUMNS = ("eta_history", "relative_advantage_history", "imputation_loss_history")
#: Per modality (lists in the modalities' order): the score lost when it is removed or permuted.
IMPORTANCE_COLUMNS = ("importance_removed", "importance_permuted")
_META_COLUMNS = {
    "setting",
    "seed",
    "model",
    "fit_time",
    "missing_rates",
    "realised_rates",
    "error",
    *_HISTORY_COLUMNS,
    *IMPORTANCE_COLUMNS,
}


def _run_one(
    X: np.ndarray,
    y: np.ndarray,
    modalities: dict,
    setting: str,
    rates: Sequence[float],
    seed: int,
    models: Sequence[str],
    test_size: float,
    redcore_params: dict | None,
    class_weight: str | dict | None = None,
    task: str = "classification",
) -> list[dict]:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from .._evaluation import evaluate_modality_combinations
    from .._importance import modality_importance
    from .._masking import mask_modalities, modality_presence

    stratify = None
    if task == "classification":
        counts = np.unique(y, return_counts=True)[1]
        stratify = y if counts.min() >= 2 else None
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, stratify=stratify, random_state=seed)
    unmasked = X_train  # perfect data training (the "-PDT" models) learns from it, simulating the rates
    X_train = mask_modalities(X_train, modalities, list(rates), random_state=seed)
    realised = (~modality_presence(X_train, modalities)).mean(axis=0)
    rows = []
    for name in models:
        model = make_model(name, modalities, seed, redcore_params, [float(r) for r in rates], class_weight, task)
        start = time.perf_counter()
        row = {
            "setting": setting,
            "seed": seed,
            "model": name,
            "missing_rates": [float(r) for r in rates],
            "realised_rates": np.round(realised, 4).tolist(),
        }
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(unmasked if is_pdt(name) else X_train, y_train)
        except ValueError as exc:
            # A model that cannot learn from this data (perfect data training with
            # fewer than two complete samples) scores nothing, and says why.
            rows.append(row | {"fit_time": np.nan, "error": str(exc)})
            continue
        row["fit_time"] = time.perf_counter() - start
        scoring = SCORING[task]
        table = evaluate_modality_combinations(model, X_test, y_test, modalities, scoring=scoring)
        row.update(table.iloc[0].to_dict())
        importance = modality_importance(
            model, X_test, y_test, modalities, scoring=scoring, n_repeats=3, random_state=seed
        )
        row["importance_removed"] = importance["removed"].tolist()
        row["importance_permuted"] = importance["permuted_mean"].tolist()
        if hasattr(model, "eta_history_"):
            row["eta_history"] = model.eta_history_.tolist()
            row["relative_advantage_history"] = model.relative_advantage_history_.tolist()
            row["imputation_loss_history"] = model.imputation_loss_history_.tolist()
        rows.append(row)
    return rows


def run_study(
    X: Any,
    y: Any,
    modalities: dict,
    settings: dict[str, Sequence[float]],
    *,
    models: Sequence[str] = ("RedCore", "Core", "Red", "HGB", "Impute+LR", "Impute+MLP"),
    seeds: Sequence[int] = (0,),
    test_size: float = 0.3,
    n_jobs: int = 1,
    redcore_params: dict | None = None,
    class_weight: str | dict | None = None,
    task: str = "classification",
    progress: bool = True,
) -> pd.DataFrame:
    """Fit and score every model at every missing-rate setting for every seed.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Complete data (missing values, if any, stay missing).
    y : array-like of shape (n_samples,)
        Labels, or continuous targets in a regression study.
    modalities : dict of str to columns
        Resolved-style modality specification (int positions).
    settings : dict of str to sequence of float
        Name of each setting -> one missing rate per modality.
    models : sequence of str, default=("RedCore", "Core", "Red", "HGB", "Impute+LR", "Impute+MLP")
        Models to run.
    seeds : sequence of int, default=(0,)
        One split, mask and model seed per entry.
    test_size : float, default=0.3
        Share of the samples held out (complete) for scoring.
    n_jobs : int, default=1
        (setting, seed) runs in parallel through joblib.
    redcore_params : dict, optional
        Parameters passed to every neural model of the package (each takes
        the ones it has).
    class_weight : dict, "balanced" or None, default=None
        Given to every model that takes it (all but "Impute+MLP").
    task : {"classification", "regression"}, default="classification"
        The models' task: "regression" makes "RedCore" and its variants
        :class:`~sklearn_redcore.RedCoreRegressor`, scores by R² instead of
        the weighted F1 and does not stratify the split.
    progress : bool, default=True
        Print a progress bar on standard error.

    Returns
    -------
    results : pandas.DataFrame
        One row per (setting, seed, model): fit time, requested and realised
        rates, the score (weighted F1, or R²) of every combination and their
        average ``"Ave."``; the score each modality's removal and permutation
        cost (``modality_importance``, 3 repeats), as lists in the
        modalities' order; RedCore-family rows also hold their training
        histories.
        A model that could not be trained on a run's data has NaN scores and
        its reason in ``"error"``.
    """
    from joblib import Parallel, delayed

    for name in models:
        make_model(name, modalities, 0, class_weight=class_weight, task=task)  # unknown names fail before any work
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    jobs = [(setting, rates, seed) for setting, rates in settings.items() for seed in seeds]
    runner = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_run_one)(X, y, modalities, setting, rates, seed, models, test_size, redcore_params, class_weight, task)
        for setting, rates, seed in jobs
    )
    rows: list[dict] = []
    start = time.perf_counter()
    for done, result in enumerate(runner, start=1):
        rows.extend(result)
        if progress:
            width = 30
            filled = int(width * done / len(jobs))
            print(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{len(jobs)} runs, "
                f"{time.perf_counter() - start:.0f} s",
                end="" if done < len(jobs) else "\n",
                file=sys.stderr,
                flush=True,
            )
    frame = pd.DataFrame(rows)
    keys = {
        "_setting": frame["setting"].map({s: i for i, s in enumerate(settings)}),
        "_model": frame["model"].map({m: i for i, m in enumerate(models)}),
    }
    frame = frame.assign(**keys).sort_values(["_setting", "seed", "_model"], kind="stable")
    frame = frame.drop(columns=list(keys))
    return frame.reset_index(drop=True)


def summarize_study(results: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per setting, the mean over seeds of every combination's score, one row per model."""
    score_columns = [c for c in results.columns if c not in _META_COLUMNS]
    tables = {}
    for setting, part in results.groupby("setting", sort=False):
        # A seed where a model could not be trained makes its mean NaN, not a mean of the others.
        table = part.groupby("model", sort=False)[score_columns].agg(lambda column: column.mean(skipna=False))
        table["fit_time"] = part.groupby("model", sort=False)["fit_time"].median()
        tables[str(setting)] = table
    return tables


def importance_table(results: pd.DataFrame, modality_names: list[str]) -> pd.DataFrame:
    """The modalities' importance per (setting, model): mean and spread over the seeds.

    One row per (setting, model, modality), with the columns of
    :func:`~sklearn_redcore.modality_importance`: ``removed``,
    ``permuted_mean`` and ``permuted_std`` (here the standard deviation over
    the seeds of the permutation cost, each seed's cost a mean of 3 repeats).
    """
    rows = []
    trained = results.dropna(subset=[IMPORTANCE_COLUMNS[0]]) if IMPORTANCE_COLUMNS[0] in results else results[:0]
    for (setting, model), part in trained.groupby(["setting", "model"], sort=False):
        removed = np.array(part["importance_removed"].tolist(), dtype=float)
        permuted = np.array(part["importance_permuted"].tolist(), dtype=float)
        for i, name in enumerate(modality_names):
            rows.append(
                {
                    "setting": setting,
                    "model": model,
                    "modality": name,
                    "removed": removed[:, i].mean(),
                    "permuted_mean": permuted[:, i].mean(),
                    "permuted_std": permuted[:, i].std(),
                }
            )
    return pd.DataFrame(rows, columns=["setting", "model", "modality", "removed", "permuted_mean", "permuted_std"])
