"""Missing-modality studies: every model, at every missing-rate setting, for every seed.

This is the machinery behind ``python -m sklearn_redcore benchmark`` and the
scripts in ``benchmarks/``: for each (setting, seed), one run (``_run``): a
split, the training part masked at the setting's missing rates, every model
fitted and scored on every combination of available modalities of the
complete test part (weighted F1, or R² in a regression study). The runs go
in parallel through joblib, with a progress bar; :func:`run_suite` runs a
study on each of several data sets.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._acquisition import ACQUISITION_COLUMN
from ._names import DEFAULT_MODELS
from ._progress import Progress
from ._run import IMPORTANCE_COLUMNS, SCORING, Model, Split, run_one

__all__ = [
    "IMPORTANCE_COLUMNS",
    "SCORING",
    "importance_table",
    "run_data_study",
    "run_jobs",
    "run_study",
    "run_suite",
    "score_columns",
    "summarize_study",
]

_META_COLUMNS = {
    "setting",
    "seed",
    "model",
    "fit_time",
    "missing_rates",
    "realised_rates",
    "error",
    ACQUISITION_COLUMN,
    *IMPORTANCE_COLUMNS,
}


def run_jobs(function: Callable, jobs: Sequence[tuple], *, n_jobs: int = 1, progress: bool = True) -> list:
    """``function(*job)`` for every job, ``n_jobs`` at a time (joblib), in the order they finish.

    With ``progress``, a progress line on standard error from the start
    (``0/N runs``), with the time elapsed and, after the first run, the time left.
    """
    from joblib import Parallel, delayed

    runner = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(delayed(function)(*job) for job in jobs)
    if not progress:
        return list(runner)
    results = []
    with Progress(len(jobs)) as line:
        for result in runner:
            results.append(result)
            line.advance()
    return results


def _models(models: Sequence[str | Model], redcore_params: dict | None, class_weight: str | dict | None) -> list[Model]:
    """The study's models: a name is the model of that name, with the study's parameters and class weights."""
    return [m if isinstance(m, Model) else Model(m, m, redcore_params, class_weight) for m in models]


def run_data_study(
    data: Any,
    settings: Mapping[str, Sequence[float]],
    *,
    models: Sequence[str | Model] = DEFAULT_MODELS,
    seeds: Sequence[int] = (0,),
    test_size: float = 0.3,
    n_jobs: int = 1,
    redcore_params: dict | None = None,
    class_weight: str | dict | None = None,
    task: str = "classification",
    progress: bool = True,
    importance: bool = True,
    combinations: bool = True,
    measure: Callable[[Any, Split], dict] | None = None,
    acquisition: bool = False,
) -> pd.DataFrame:
    """:func:`run_study` on a data set given as a Bunch, or as a function of the seed.

    Parameters
    ----------
    data : Bunch or callable
        ``data``, ``target`` and ``modalities`` (int positions), or a
        function of the seed that makes them (data drawn anew for each seed).
    settings : dict of str to sequence of float
        Name of each setting -> one missing rate per modality.
    models : sequence of str or Model, default=("RedCore", "Core", "Red", "HGB", "Impute+LR", "Impute+MLP")
        Names (with the study's ``redcore_params`` and ``class_weight``) or
        :class:`~._run.Model` entries: a label, a name, and their own
        parameters, class weights and constant columns.
    seeds, test_size, n_jobs, redcore_params, class_weight, task, progress
        As for :func:`run_study`.
    importance : bool, default=True
        Score each modality's removal and permutation (``modality_importance``).
    combinations : bool, default=True
        Score every combination of modalities (and their average ``"Ave."``).
    measure : callable, optional
        ``measure(model, split)``: further columns of the row of each fitted
        model (``split``: a :class:`~._run.Split`).
    acquisition : bool, default=False
        In a classification study with three modalities or more, RedCore's
        scores after acquiring the test rows' missing modalities one at a
        time, under three policies (:mod:`._acquisition`), in the column
        ``"acquisition_curve"``.

    Returns
    -------
    results : pandas.DataFrame
        One row per (setting, seed, model), in that order (the settings' and
        the models' order, the seeds ascending).
    """
    from ._models import make_model

    models = _models(models, redcore_params, class_weight)
    if not callable(data):
        for model in models:  # unknown names fail before any work
            make_model(model.name, data.modalities, 0, class_weight=model.class_weight, task=task)
    run = partial(run_one, models=models, test_size=test_size, task=task)
    run = partial(run, importance=importance, combinations=combinations, measure=measure, acquisition=acquisition)
    jobs = [(data, setting, rates, seed) for setting, rates in settings.items() for seed in seeds]
    rows = [row for result in run_jobs(run, jobs, n_jobs=n_jobs, progress=progress) for row in result]
    frame = pd.DataFrame(rows)
    frame["_setting"] = frame["setting"].map({s: i for i, s in enumerate(settings)})
    frame = frame.sort_values(["_setting", "seed", "_model"], kind="stable")
    return frame.drop(columns=["_setting", "_model"]).reset_index(drop=True)


def run_study(
    X: Any,
    y: Any,
    modalities: dict,
    settings: dict[str, Sequence[float]],
    *,
    models: Sequence[str] = DEFAULT_MODELS,
    seeds: Sequence[int] = (0,),
    test_size: float = 0.3,
    n_jobs: int = 1,
    redcore_params: dict | None = None,
    class_weight: str | dict | None = None,
    task: str = "classification",
    progress: bool = True,
    **options: Any,
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
    models : sequence of str or Model, default=("RedCore", "Core", "Red", "HGB", "Impute+LR", "Impute+MLP")
        Models to run (a :class:`~._run.Model` sets its own parameters).
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
    **options
        ``importance``, ``combinations``, ``measure``, ``acquisition``: see :func:`run_data_study`.

    Returns
    -------
    results : pandas.DataFrame
        One row per (setting, seed, model): fit time, requested and realised
        rates, the score (weighted F1, or R²) of every combination and their
        average ``"Ave."``; the score each modality's removal and permutation
        cost (``modality_importance``, 3 repeats), as lists in the
        modalities' order; models that keep per-epoch histories (the
        RedCore family) have them in ``<key>_history`` columns.
        A model that could not be trained on a run's data has NaN scores and
        its reason in ``"error"``.
    """
    data = Bunch(data=X, target=y, modalities=modalities)
    study = dict(models=models, seeds=seeds, test_size=test_size, n_jobs=n_jobs, redcore_params=redcore_params)
    study |= dict(class_weight=class_weight, task=task, progress=progress)
    return run_data_study(data, settings, **study, **options)


def run_suite(
    datasets: Mapping[str, Callable[[], Any]],
    settings: Mapping[str, Sequence[float]] | Callable[[int], Mapping[str, Sequence[float]]],
    *,
    column: str = "data",
    per_dataset: Callable[[str], dict] | None = None,
    **study: Any,
) -> pd.DataFrame:
    """:func:`run_data_study` on each data set in turn, its name in ``column``.

    Parameters
    ----------
    datasets : dict of str to callable
        Name -> a function that loads the data set (a Bunch, or a function
        of the seed, as ``data`` of :func:`run_data_study`).
    settings : dict or callable
        The settings, or a function of the number of modalities that gives
        them (for data sets given as a Bunch).
    column : str, default="data"
        The column of the data set's name.
    per_dataset : callable, optional
        ``per_dataset(name)``: arguments of that data set's study on top of
        ``study`` (e.g. its own models).
    **study
        Arguments of :func:`run_data_study`.

    Returns
    -------
    results : pandas.DataFrame
        The data sets' results one after the other; a line per data set on
        standard error says how many fits it took and how long.
    """
    frames = []
    for name, load in datasets.items():
        data = load()
        start = time.perf_counter()
        chosen = settings(len(data.modalities)) if callable(settings) else settings
        results = run_data_study(data, chosen, **(study | (per_dataset(name) if per_dataset else {})))
        frames.append(results.assign(**{column: name}))
        print(f"{name}: {len(results)} fits in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return pd.concat(frames, ignore_index=True)


def score_columns(results: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """The columns of a study's results that hold scores: every combination's, and ``"Ave."``.

    ``exclude``: further columns that are not scores (a script's own measures).
    """
    other = _META_COLUMNS.union(exclude)
    return [c for c in results.columns if c not in other and not c.endswith("_history")]


def summarize_study(results: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per setting, the mean over seeds of every combination's score, one row per model."""
    scores = score_columns(results)
    tables = {}
    for setting, part in results.groupby("setting", sort=False):
        # A seed where a model could not be trained makes its mean NaN, not a mean of the others.
        table = part.groupby("model", sort=False)[scores].agg(lambda column: column.mean(skipna=False))
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
