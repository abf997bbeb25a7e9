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

import sys
import time

from sklearn.utils import Bunch

from sklearn_redcore._benchmark import parse_params, run_suite
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._settings import named_settings

SETTINGS = named_settings((0.5, 0.5), (0.8, 0.2), (0.2, 0.8))
MODELS = ["RedCore", "Core", "HGB", "Impute+Ridge", "Impute+MLP"]


def load(name: str) -> Bunch:
    """X (``data``), y (``target``) and the two modalities of a data set of this study."""
    from sklearn.datasets import load_diabetes, make_friedman1

    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
        return Bunch(data=X, target=y, modalities={"clinical": [0, 1, 2, 3], "serum": [4, 5, 6, 7, 8, 9]})
    if name == "friedman":
        X, y = make_friedman1(2000, n_features=10, noise=1.0, random_state=0)
        return Bunch(data=X, target=y, modalities={"a": [0, 1, 2, 5, 6], "b": [3, 4, 7, 8, 9]})
    raise ValueError(f"unknown data set {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(
        __doc__, settings=list(SETTINGS), models=MODELS, param_help="RedCore parameter", out="file",
        out_help="CSV file for every run",
    )  # fmt: skip
    parser.add_argument("--datasets", nargs="+", default=["diabetes", "friedman"])
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results = run_suite(
        {name: lambda name=name: load(name) for name in args.datasets},
        {setting: SETTINGS[setting] for setting in args.settings},
        column="dataset", models=args.models, seeds=args.seeds, n_jobs=args.n_jobs,
        redcore_params=parse_params(args.param), task="regression",
    )  # fmt: skip
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
