"""How to search xi1, xi2 and beta in minutes: a plain grid, fits in parallel, successive halving.

The search of the gallery example (``examples/plot_grid_search.py``): mfeat
views fou + zer + mor, the 70% training part masked at (0.8, 0.5, 0.2), the
grid ``xi1 in {0.005, 0.02}``, ``xi2 in {0.1, 0.2}``, ``beta in {0.3, 0.7}``
(8 candidates), three stratified folds, scored by the weighted F1 averaged
over the combinations of modalities; RedCoreClassifier with its defaults.
Strategies (``--strategy``):

* ``grid``: ``GridSearchCV``, one fit at a time;
* ``grid-parallel``: the same with ``n_jobs=2`` (one fit per core, one torch
  thread each);
* ``halving``: ``HalvingGridSearchCV`` over the training rows (``factor=2``,
  from a quarter of them), ``n_jobs=2``.

Reported: wall time of the search (refit included), the best candidate,
its cross-validated score and the test score of the refitted model. Run
``python benchmarks/bench_search.py --help`` for the options.
"""

from __future__ import annotations

import sys
import time

from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._run import split_and_mask
from sklearn_redcore._benchmark._settings import SETTINGS

GRID = {"xi1": [0.005, 0.02], "xi2": [0.1, 0.2], "beta": [0.3, 0.7]}
SETTING = "imbalanced (0.8, 0.5, 0.2)"


def run(strategy: str) -> str:
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, StratifiedKFold

    from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations
    from sklearn_redcore.datasets import load_mfeat

    data = load_mfeat(views=["fou", "zer", "mor"])
    X_train, X_test, y_train, y_test, *_ = split_and_mask(data.data, data.target, data.modalities, SETTINGS[SETTING], 0)

    def score(estimator, X, y):
        return evaluate_modality_combinations(estimator, X, y, data.modalities)["Ave."].iloc[0]

    common = dict(scoring=score, cv=StratifiedKFold(3, shuffle=True, random_state=0))
    estimator = RedCoreClassifier(data.modalities, random_state=0)
    if strategy == "halving":
        search = HalvingGridSearchCV(
            estimator,
            GRID,
            factor=2,
            resource="n_samples",
            min_resources=len(y_train) // 4,
            n_jobs=2,
            random_state=0,
            **common,
        )
    else:
        search = GridSearchCV(estimator, GRID, n_jobs=2 if strategy == "grid-parallel" else 1, **common)
    start = time.perf_counter()
    search.fit(X_train, y_train)
    wall = time.perf_counter() - start
    n_fits = len(search.cv_results_["params"]) * 3
    return (
        f"| {strategy} | {wall:.0f} | {n_fits} | {search.best_params_} | {search.best_score_:.3f} | "
        f"{score(search, X_test, y_test):.3f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(__doc__, seeds=None, n_jobs=None, param=None, out=None)
    parser.add_argument(
        "--strategy",
        nargs="+",
        default=["grid", "grid-parallel", "halving"],
        choices=["grid", "grid-parallel", "halving"],
    )
    args = parser.parse_args(argv)
    print("| strategy | wall s | fits | best parameters | CV score | test score |")
    print("|---|---:|---:|---|---:|---:|")
    for strategy in args.strategy:
        print(run(strategy), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
