"""Tabular modalities where gradient boosting is strong: RedCore against the tabular baselines, on seven data sets.

The suite (``--datasets``, default all seven; each works offline):

* ``breast_cancer``: scikit-learn's Wisconsin diagnostic breast cancer (569
  samples, 2 classes); the cell nuclei's 10 measurements as their mean,
  their standard error and their worst value: three modalities of 10;
* ``digits``: scikit-learn's 8 x 8 digits (1,797, 10 classes), split by
  image region: rows 0-2, 3-4 and 5-7 of the image (24, 16 and 24 pixels);
* ``mfeat``: the shipped UCI digits' views fou, kar and mor (2,000, 10
  classes; 76, 64 and 6 columns), the views on which boosting scores at
  least as well as a logistic regression;
* ``segment``: ``load_image_segments``, UCI Image Segmentation (2,310, 7
  classes): position and texture, RGB, HSV (8, 7 and 3 columns);
* ``penguins``: ``load_penguins``, the 330 birds with every measurement (3
  species): bill, body, blood isotopes (2 columns each);
* ``synthetic``: ``make_tabular_classification(2000, random_state=0)``:
  three modalities of 8 skewed, heavy-tailed, coded and normal columns, a
  class with thresholds and cross-modal products (3 classes);
* ``mfeat_wide``: mfeat's six views on 300 rows (drawn once), widest first:
  pix, fac, fou, kar, zer and mor (240, 216, 76, 64, 47 and 6 columns), so
  that "imbalanced" (0.8 down to 0.2) takes the widest views away most often.

Outside the default suite, ``--datasets segment_two`` runs the image
segments in two modalities (spatial and texture, 8 columns; colour, 10), a
split on which gradient boosting leads RedCore's defaults.

Protocol: the study of ``redcore benchmark`` (``run_study``): per seed a
stratified 70/30 split, the training part masked at each setting's rates
(shared 0.0, shared 0.5, and imbalanced: (0.8, 0.5, 0.2) for three
modalities, evenly spaced from 0.8 to 0.2 for more), every model scored
by the weighted F1 on the complete test part averaged over every
combination of modalities, 3 seeds. Models (``--models``): RedCore with its
defaults (``--param`` changes them), Core (RedCore with eta fixed), HGB,
Impute+LR, Impute+MLP, and RealMLP where pytabkit is installed; TabM
(pytabkit's too) only when named, since it costs 14 to 33 times
RedCore's fit time on a CPU (docs/benchmarks_archive.md, "Tabular suite"). At shared
0.0 the reference is the per-combination specialist: for each combination,
the better (on average over the seeds) of a logistic regression and a
gradient boosting trained on that combination's columns alone
("Specialist-LR", "Specialist-HGB").

Writes ``results.csv`` (one row per data set, setting, seed and model) and
``summary.md`` (every model's F1, mean and standard deviation over seeds,
and median fit time; then per setting RedCore minus the best baseline, and
minus the specialist at shared 0.0) to ``--out``, and prints the summary.
Run ``python benchmarks/bench_tabular_suite.py --help`` for the options;
docs/benchmarks.md ("The tabular suite") gives the figures of the default
command.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sklearn_redcore._benchmark import parse_params, run_suite
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._pytabkit import pytabkit_available
from sklearn_redcore._benchmark._report import write_outputs
from sklearn_redcore._benchmark._run import IMPORTANCE_COLUMNS
from sklearn_redcore._benchmark._settings import settings_for
from sklearn_redcore._benchmark._suites import TABULAR_EXTRA
from sklearn_redcore._benchmark._suites import TABULAR_SUITE as DATASETS
from sklearn_redcore._evaluation import modality_combinations

#: The comparison models, scored against RedCore (Core is RedCore's ablation, not a baseline).
BASELINES = ["HGB", "Impute+LR", "Impute+MLP", "RealMLP", "TabM"]
SPECIALISTS = ["Specialist-LR", "Specialist-HGB"]
SETTINGS = ["shared 0.0", "shared 0.5", "imbalanced"]


def specialist_reference(results: pd.DataFrame, combinations: list[str]) -> pd.DataFrame:
    """Per seed, the per-combination specialist: each combination scored by the better specialist on average."""
    part = results[results["model"].isin(SPECIALISTS)]
    if part.empty:
        return part
    means = part.groupby("model")[combinations].mean()
    best = means.idxmax()  # per combination, the specialist with the higher mean over the seeds
    rows = []
    for (setting, seed), runs in part.groupby(["setting", "seed"], sort=False):
        runs = runs.set_index("model")
        row = {"setting": setting, "seed": seed, "model": "Specialist (best)"}
        row |= {combo: runs.loc[best[combo], combo] for combo in combinations}
        row["Ave."] = float(np.mean([row[combo] for combo in combinations]))
        row["fit_time"] = runs.loc[best.unique(), "fit_time"].sum()  # both, where both are used
        rows.append(row)
    return pd.DataFrame(rows)


def score_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per data set and setting, one column per model: F1 as "mean ± std" over the seeds."""
    grouped = results.groupby(["data", "setting", "model"], sort=False)["Ave."]
    text = grouped.mean().map("{:.3f}".format) + " ± " + grouped.std().fillna(0).map("{:.3f}".format)
    return _wide(text)


def fit_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per data set and setting, one column per model: the median fit time in seconds."""
    return _wide(results.groupby(["data", "setting", "model"], sort=False)["fit_time"].median().round(1))


def _wide(values: pd.Series) -> pd.DataFrame:
    models = list(dict.fromkeys(values.index.get_level_values("model")))
    table = values.unstack("model")[models]
    rows = list(dict.fromkeys(values.index.droplevel("model")))  # first-seen order of (data, setting)
    return table.reindex(pd.MultiIndex.from_tuples(rows, names=["data", "setting"])).fillna("").reset_index()


def margins(results: pd.DataFrame) -> pd.DataFrame:
    """Per data set and setting: RedCore, the best baseline, their difference, and the specialist's reference."""
    rows = []
    means = results.groupby(["data", "setting", "model"], sort=False)["Ave."].mean()
    fit = results.groupby(["data", "setting", "model"], sort=False)["fit_time"].median()
    for (data, setting), scores in means.groupby(level=["data", "setting"], sort=False):
        scores = scores.droplevel(["data", "setting"])
        if "RedCore" not in scores:
            continue
        baselines = scores[[m for m in BASELINES if m in scores]].dropna()
        row = {"data": data, "setting": setting, "RedCore": scores["RedCore"]}
        if len(baselines):
            best = baselines.idxmax()
            row |= {
                "best baseline": best,
                "its F1": baselines[best],
                "RedCore - best": scores["RedCore"] - baselines[best],
                "RedCore >= best + 0.01": bool(scores["RedCore"] >= baselines[best] + 0.01),
                "RedCore fit s": round(fit[(data, setting, "RedCore")], 1),
                "best's fit s": round(fit[(data, setting, best)], 1),
            }
        if "Specialist (best)" in scores:
            row["specialist"] = scores["Specialist (best)"]
            row["RedCore - specialist"] = scores["RedCore"] - scores["Specialist (best)"]
        rows.append(row)
    table = pd.DataFrame(rows).round(3)
    differences = [c for c in ("RedCore - best", "RedCore - specialist") if c in table]
    table[differences] = pd.DataFrame(rows)[differences].round(4)  # finer, to show which side of 0.01 they fall
    return table


def report(results: pd.DataFrame, header: str) -> str:
    """The summary's text: the scores, the fit times, and RedCore's margins."""
    baselines = ", ".join(m for m in BASELINES if m in set(results["model"]))
    return (
        f"{header}\n\n{score_table(results).to_markdown(index=False)}\n\n"
        f"Median fit time (s)\n\n{fit_table(results).to_markdown(index=False)}\n\n"
        f"RedCore minus the best baseline ({baselines}), and minus the per-combination specialist at shared 0.0\n\n"
        f"{margins(results).fillna('').to_markdown(index=False)}\n"
    )


def main(argv: list[str] | None = None) -> int:
    default_models = ["RedCore", "Core", "HGB", "Impute+LR", "Impute+MLP"]
    if pytabkit_available():
        default_models.append("RealMLP")
    parser = study_parser(
        __doc__, settings=SETTINGS, models=default_models, n_jobs=2, n_jobs_help="(setting, seed) runs in parallel",
        param_help="a RedCore parameter", out_help="write results.csv and summary.md there",
    )  # fmt: skip
    parser.add_argument(
        "--datasets", nargs="+", default=list(DATASETS), choices=[*DATASETS, *TABULAR_EXTRA], help="default: the suite"
    )
    parser.add_argument(
        "--no-specialists", action="store_true", help="skip the per-combination specialists at shared 0.0"
    )
    parser.add_argument(
        "--from-results", type=Path, default=None, metavar="CSV", help="fit nothing: summarise a results.csv"
    )
    args = parser.parse_args(argv)
    if args.from_results is not None:
        print(report(pd.read_csv(args.from_results), f"From {args.from_results}"))
        return 0
    with threadpool_limits(1):  # one thread per fit, as RedCore's default n_threads=1 (joblib's workers do the same)
        return _run(args)


def _combinations(name: str) -> list[str]:
    return ["+".join(combo) for combo in modality_combinations(list(_loaders()[name]().modalities))]


def _loaders() -> dict:
    return DATASETS | TABULAR_EXTRA


def _run(args: argparse.Namespace) -> int:
    params = parse_params(args.param)
    datasets = {name: _loaders()[name] for name in args.datasets}
    study = dict(seeds=args.seeds, n_jobs=args.n_jobs)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # samples that lost every modality; RealMLP's logging
        results = run_suite(
            datasets, partial(settings_for, names=args.settings), models=args.models, redcore_params=params, **study
        )
        if "shared 0.0" in args.settings and not args.no_specialists:
            complete = partial(settings_for, names=["shared 0.0"])
            specialists = run_suite(datasets, complete, models=SPECIALISTS, **study)
            references = [
                specialist_reference(part, _combinations(name)).assign(data=name)
                for name, part in specialists.groupby("data", sort=False)
            ]
            results = pd.concat([results, specialists, *references], ignore_index=True)
    order = results["data"].map({name: i for i, name in enumerate(args.datasets)})
    results = results.iloc[order.argsort(kind="stable")].reset_index(drop=True)  # each data set's rows together
    wall = time.perf_counter() - start
    results = results.drop(columns=[c for c in results.columns if c.endswith("_history") or c in IMPORTANCE_COLUMNS])
    header = (
        f"Weighted F1 averaged over the combinations of modalities, mean ± std over seeds {args.seeds}; "
        f"RedCore: {params or 'defaults'}; --n-jobs {args.n_jobs}, {wall / 60:.1f} min"
    )
    text = report(results, header)
    print(text)
    columns = ["data", "setting", "seed", "model", "Ave.", "fit_time"]
    results = results[columns + [c for c in results.columns if c not in columns]]
    write_outputs(args.out, {"results.csv": results, "summary.md": text})
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
