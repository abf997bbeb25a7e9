"""Continuous targets: RedCoreRegressor against scikit-learn's regressors, modalities missing.

Protocol (``redcore benchmark --task regression``'s, through ``run_study``):
per seed a 70/30 split, the training part masked at each setting's missing
rates, every model fitted and scored by R² on every combination of available
modalities of the complete test part; the table gives the R² averaged over
the combinations ("Ave."), mean over the seeds, and the median fit time.

Data sets (offline):

* "diabetes": scikit-learn's diabetes data (442 patients; a disease
  progression score after one year), two natural groups: the clinical
  measurements (age, sex, body-mass index, blood pressure) and the six blood
  serum measurements;
* "friedman": scikit-learn's ``make_friedman1`` (2000 samples, the target a
  non-linear function of five inputs plus noise), the five informative
  inputs split 3 + 2 between two modalities, each padded with independent
  noise columns.

Run ``python benchmarks/bench_regression.py --help`` for the options; the
figures of the default command are in docs/benchmarks.md ("Continuous
targets").
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

SETTINGS = {"shared 0.5": [0.5, 0.5], "imbalanced (0.8, 0.2)": [0.8, 0.2], "imbalanced (0.2, 0.8)": [0.2, 0.8]}
MODELS = ["RedCore", "Core", "HGB", "Impute+Ridge", "Impute+MLP"]


def load(name: str) -> tuple[np.ndarray, np.ndarray, dict[str, list[int]]]:
    """X, y and the two modalities of a data set of this study."""
    from sklearn.datasets import load_diabetes, make_friedman1

    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
        return X, y, {"clinical": [0, 1, 2, 3], "serum": [4, 5, 6, 7, 8, 9]}
    if name == "friedman":
        X, y = make_friedman1(2000, n_features=10, noise=1.0, random_state=0)
        return X, y, {"a": [0, 1, 2, 5, 6], "b": [3, 4, 7, 8, 9]}
    raise ValueError(f"unknown data set {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["diabetes", "friedman"])
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="RedCore parameter")
    parser.add_argument("--out", help="CSV file for every run")
    args = parser.parse_args(argv)

    from sklearn_redcore._benchmark import parse_params, run_study

    frames = []
    start = time.perf_counter()
    for name in args.datasets:
        X, y, modalities = load(name)
        print(f"{name}: {X.shape[0]} samples, modalities {list(modalities)}", file=sys.stderr)
        results = run_study(
            X,
            y,
            modalities,
            {setting: SETTINGS[setting] for setting in args.settings},
            models=args.models,
            seeds=args.seeds,
            n_jobs=args.n_jobs,
            redcore_params=parse_params(args.param),
            task="regression",
        )
        frames.append(results.assign(dataset=name))
    results = pd.concat(frames, ignore_index=True)
    if args.out:
        results.drop(columns=[c for c in results.columns if c.endswith("history")]).to_csv(args.out, index=False)
    table = results.groupby(["dataset", "setting", "model"], sort=False).agg(
        r2=("Ave.", "mean"), r2_sd=("Ave.", "std"), fit_time=("fit_time", "median")
    )
    print(table.round(3).to_markdown())
    print(f"\n{len(results)} fits in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
