"""Time to accuracy: what a fit of RedCoreClassifier costs, and what it buys, per configuration.

Each configuration (a named set of RedCoreClassifier parameters, ``--config``)
is fitted on the protocol of the README's benchmark: the shipped mfeat
digits (views ``--views``, default fou + zer + mor), a stratified 70/30 split
per seed, the training part masked at each missing-rate setting; scored by
the weighted F1 on the complete test part, averaged over every non-empty
combination of modalities. Reported per configuration: that F1 per setting
(mean over seeds), its mean over the settings, the median fit time and the
median number of epochs run. Fits run ``--n-jobs`` at a time, one torch
thread each (on 2 cores, ``--n-jobs 2`` gives each fit a core).

The configurations are those of the frontier study in docs/speed.md ("today"
is the defaults before the cost work, "default" the current defaults), and
the presets "paper" and "authors_code" (``RedCoreClassifier.from_preset``);
``--param KEY=VALUE`` changes one parameter of every configuration.

``--scale N [N ...]`` measures large fits instead: N synthetic samples
(``make_multimodal_classification``, 5 modalities of 20 columns, 10
classes), 80% for training with the defaults (and ``--param``), every
modality missing in 30% of them, and the complete 20% to score. For each N,
seed (``--seeds``) and batch size (``--batch-sizes``, default the
estimator's "auto"), one row: the fit time, the epochs, the batch size and
patience the fit used, the training throughput, the F1 averaged over the
combinations and the peak memory of the fit above the process's size
before it, against the size of X (only the first fit of a run measures it
well: later ones reuse memory that earlier ones freed); ``--hgb`` adds scikit-learn's
HistGradientBoostingClassifier on the same data, with its default
threads (all cores; ``--hgb-threads`` to limit them). ``--threads`` sets
the torch threads of the fits (default 1, the estimator's default). Run
``python benchmarks/bench_cost.py --help`` for the options.
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from sklearn_redcore._benchmark import Model, parse_params, run_study
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._data import large_fit_data
from sklearn_redcore._benchmark._report import config_fits, config_table, report_table
from sklearn_redcore._benchmark._run import epochs
from sklearn_redcore._benchmark._settings import DEFAULT_SETTINGS as SETTINGS
from sklearn_redcore._benchmark._settings import rates_for
from sklearn_redcore._presets import preset_params

# The defaults before the cost work, for comparison with the current ones.
TODAY = dict(
    max_epochs=100,
    batch_size=128,
    lr=1e-3,
    early_stopping=False,
    tol=None,
    n_latent=64,
    encoder_hidden=(128,),
    xenc_hidden=128,
    xenc_widths=(64, 32),
    xenc_blocks=2,
    classifier_hidden=128,
)
SMALL = dict(
    n_latent=32, encoder_hidden=(64,), xenc_hidden=64, xenc_widths=(32, 16), xenc_blocks=1, classifier_hidden=64
)
STOP = dict(early_stopping=True)

CONFIGS: dict[str, dict] = {
    "today": TODAY,
    "default": {},
    "today+stop": TODAY | STOP,
    "small": TODAY | SMALL,
    "small+stop": TODAY | SMALL | STOP,
    "stop+b256": TODAY | STOP | dict(batch_size=256, lr=2e-3),
    "small+stop+b256": TODAY | SMALL | STOP | dict(batch_size=256, lr=2e-3),
    "epochs50": TODAY | dict(max_epochs=50),
    "small+epochs50": TODAY | SMALL | dict(max_epochs=50),
    "small+b256": TODAY | SMALL | dict(batch_size=256, lr=2e-3),
    "small+b256+e60": TODAY | SMALL | dict(batch_size=256, lr=2e-3, max_epochs=60),
    "small+lr2e-3+e60": TODAY | SMALL | dict(lr=2e-3, max_epochs=60),
    "small+b256+lr3e-3+e50": TODAY | SMALL | dict(batch_size=256, lr=3e-3, max_epochs=50),
    "today+tol": TODAY | dict(tol=1e-3),
    "small+b256+lr3e-3+tol": TODAY | SMALL | dict(batch_size=256, lr=3e-3, tol=1e-3),
    "small+b256+lr3e-3+tol1e-2": TODAY | SMALL | dict(batch_size=256, lr=3e-3, tol=1e-2),
    "small+b256+lr3e-3+tol+p5": TODAY | SMALL | dict(batch_size=256, lr=3e-3, tol=1e-3, n_iter_no_change=5),
    # RedCoreClassifier.from_preset's settings
    "paper": preset_params("paper"),
    "authors_code": preset_params("authors_code"),
}


def _resident_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field))
    return int(line.split()[1]) / 1024


def _timed_fit(model, X, y) -> tuple[float, float, float]:
    """Fit time, and the peak memory of the fit above the process's size before it (MiB)."""
    before = _resident_mib("VmRSS")
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets the peak (VmHWM) to the current size
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, _resident_mib("VmHWM") - before, before


def scale(
    n_samples: int, params: dict, seed: int = 0, threads: int | None = 1, hgb: bool = False, hgb_threads=None
) -> list[dict]:
    """Large fits on one synthetic set: time, epochs, batch size, throughput, F1 and peak memory, one row each."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations

    spec, X_train, X_test, y_train, y_test = large_fit_data(n_samples, seed)
    base = {"n_samples": n_samples, "training rows": len(y_train), "seed": seed, "threads": threads or "all"}
    # torch's one-off allocations (libraries, the optimiser's first use) are not the fit's
    RedCoreClassifier(spec, max_epochs=1).fit(X_train[:500], y_train[:500])
    rows = []
    for batch_size in params.pop("batch_sizes", ["auto"]):
        model = RedCoreClassifier(spec, random_state=seed, n_threads=threads, **(params | {"batch_size": batch_size}))
        fit_time, increase, before = _timed_fit(model, X_train, y_train)
        scores = evaluate_modality_combinations(model, X_test, y_test, spec)
        trained = model.n_iter_ * len(y_train) * (1 - model.validation_fraction * model.do_early_stopping_)
        rows.append(
            base
            | {
                "model": "RedCore",
                "batch_size": f"{batch_size} ({model.batch_size_})" if batch_size == "auto" else batch_size,
                "patience": model.n_iter_no_change_,
                "fit s": round(fit_time, 1),
                "epochs": model.n_iter_,
                "rows/s": round(trained / fit_time),
                "F1 (31 combinations)": round(float(scores["Ave."].iloc[0]), 4),
                "peak MiB": f"{increase:.0f} above {before:.0f} ({increase / (X_train.nbytes / 2**20):.2f}x X)",
            }
        )
        print(rows[-1], flush=True)
    if hgb:
        model = HistGradientBoostingClassifier(random_state=seed)
        with threadpool_limits(limits=hgb_threads):  # (None: all cores, its default)
            fit_time, increase, before = _timed_fit(model, X_train, y_train)
        scores = evaluate_modality_combinations(model, X_test, y_test, spec)
        rows.append(
            base
            | {
                "model": "HistGradientBoosting",
                "threads": hgb_threads or "all",
                "fit s": round(fit_time, 1),
                "epochs": model.n_iter_,
                "F1 (31 combinations)": round(float(scores["Ave."].iloc[0]), 4),
            }
        )
        print(rows[-1], flush=True)
    return rows


def run(configs: list[str], overrides: dict, views: list[str], settings: list[str], **study) -> pd.DataFrame:
    """One row per fit of RedCoreClassifier (configuration, setting, seed): F1, fit time and epochs."""
    from sklearn_redcore.datasets import load_mfeat

    data = load_mfeat(views=views)
    models = [Model(config, "RedCore", CONFIGS[config] | overrides) for config in configs]
    chosen = {setting: rates_for(setting, SETTINGS[setting], len(views)) for setting in settings}
    results = run_study(data.data, data.target, data.modalities, chosen, models=models, importance=False, **study)
    order = results["model"].map({config: i for i, config in enumerate(configs)})
    return config_fits(results.iloc[order.argsort(kind="stable")].reset_index(drop=True))


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(
        __doc__,
        settings=list(SETTINGS),
        n_jobs=2,
        test_size=True,
        param_help="set a parameter of every configuration, e.g. max_epochs=50",
        out_help="write results.csv and summary.md there",
    )
    parser.add_argument("--config", nargs="+", default=["today", "default"], choices=list(CONFIGS))
    parser.add_argument("--views", nargs="+", default=["fou", "zer", "mor"])
    parser.add_argument("--scale", type=int, nargs="+", default=None, metavar="N", help="large synthetic fits instead")
    parser.add_argument("--batch-sizes", nargs="+", default=["auto"], help="with --scale: the batch sizes to try")
    parser.add_argument("--threads", type=int, default=1, help="with --scale: torch threads (0: torch's setting)")
    parser.add_argument("--hgb", action="store_true", help="with --scale: also HistGradientBoosting")
    parser.add_argument("--hgb-threads", type=int, default=None, help="with --hgb: its threads (default: all cores)")
    args = parser.parse_args(argv)
    overrides = parse_params(args.param)
    if args.scale is not None:
        batch_sizes = [size if size == "auto" else int(size) for size in args.batch_sizes]
        threads = args.threads or None
        rows = [
            row
            for n in args.scale
            for seed in args.seeds
            for row in scale(n, overrides | {"batch_sizes": batch_sizes}, seed, threads, args.hgb, args.hgb_threads)
        ]
        table = pd.DataFrame(rows).fillna("").set_index("model")
        report_table(args.out, f"Large fits, {time.strftime('%Y-%m-%d')}", table, table.reset_index())
        return 0
    start = time.perf_counter()
    study = dict(seeds=args.seeds, test_size=args.test_size, n_jobs=args.n_jobs, measure=epochs)
    results = run(args.config, overrides, args.views, args.settings, **study)
    wall = time.perf_counter() - start
    title = f"mfeat views {'+'.join(args.views)}, seeds {args.seeds}, {len(results)} fits, --n-jobs {args.n_jobs}"
    report_table(args.out, f"{title}, {wall:.0f} s", config_table(results), results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
