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

``--scale N`` measures one large fit instead: N synthetic samples
(``make_multimodal_classification``, 5 modalities of 20 columns, 10
classes), 80% for training with the defaults (and ``--param``), every
modality missing in 30% of them, and the complete 20% to score; it reports the fit time, the
epochs, the training throughput, the F1 averaged over the combinations and
the peak memory of the fit above the process's size before it, against the
size of X. Run ``python benchmarks/bench_cost.py --help`` for the options.
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from sklearn_redcore._benchmark import Model, parse_params, run_study
from sklearn_redcore._benchmark._arguments import study_parser
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


def scale(n_samples: int, params: dict, seed: int = 0) -> str:
    """One fit on a large synthetic set: time, epochs, throughput, F1 and peak memory."""
    import torch
    from sklearn.model_selection import train_test_split

    from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations, mask_modalities
    from sklearn_redcore.datasets import make_multimodal_classification

    torch.set_num_threads(1)
    data = make_multimodal_classification(n_samples, modality_dims=[20] * 5, n_classes=10, random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.2, random_state=seed)
    X_train = mask_modalities(X_train, data.modalities, 0.3, random_state=seed)  # the test part stays complete
    model = RedCoreClassifier(data.modalities, random_state=seed, **params)
    # torch's one-off allocations (libraries, the optimiser's first use) are not the fit's
    RedCoreClassifier(data.modalities, max_epochs=1).fit(X_train[:500], y_train[:500])
    before = _resident_mib("VmRSS")
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets the peak (VmHWM) to the current size
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    increase = _resident_mib("VmHWM") - before
    scores = evaluate_modality_combinations(model, X_test, y_test, data.modalities)
    trained = model.n_iter_ * len(y_train) * (1 - model.validation_fraction * model.do_early_stopping_)
    return (
        f"{len(y_train)} training rows x {X_train.shape[1]} columns ({X_train.nbytes / 2**20:.0f} MiB as float64), "
        f"5 modalities: fit {fit_time:.0f} s, {model.n_iter_} epochs (validation-based stopping: "
        f"{model.do_early_stopping_}), {trained / fit_time:,.0f} training samples/s; weighted F1 averaged over "
        f"the combinations {scores['Ave.'].iloc[0]:.3f}; peak memory of the fit {increase:.0f} MiB above the "
        f"process's {before:.0f} MiB, {increase / (X_train.nbytes / 2**20):.2f}x X"
    )


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
    parser.add_argument("--scale", type=int, default=None, metavar="N", help="one fit on N synthetic samples instead")
    args = parser.parse_args(argv)
    overrides = parse_params(args.param)
    if args.scale is not None:
        print(scale(args.scale, overrides))
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
