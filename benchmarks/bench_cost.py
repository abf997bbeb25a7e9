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

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from sklearn_redcore._presets import preset_params

SETTINGS = {
    "shared 0.0": (0.0, 0.0, 0.0),
    "shared 0.5": (0.5, 0.5, 0.5),
    "shared 0.8": (0.8, 0.8, 0.8),
    "imbalanced (0.8, 0.5, 0.2)": (0.8, 0.5, 0.2),
    "imbalanced (0.2, 0.5, 0.8)": (0.2, 0.5, 0.8),
}

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


def _one(config: str, params: dict, views: list[str], setting: str, rates, seed: int, test_size: float) -> dict:
    import torch
    from sklearn.model_selection import train_test_split

    from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations, mask_modalities
    from sklearn_redcore.datasets import load_mfeat

    torch.set_num_threads(1)
    data = load_mfeat(views=views)
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=test_size, stratify=data.target, random_state=seed
    )
    if len(rates) != len(views):  # a shared rate applies to any number of views
        if len(set(rates)) > 1:
            raise ValueError(f"setting {setting!r} gives rates for {len(rates)} views, not {len(views)}")
        rates = [rates[0]] * len(views)
    X_train = mask_modalities(X_train, data.modalities, rates, random_state=seed)
    model = RedCoreClassifier(data.modalities, random_state=seed, **params)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    scores = evaluate_modality_combinations(model, X_test, y_test, data.modalities)
    return {
        "config": config,
        "setting": setting,
        "seed": seed,
        "f1": float(scores["Ave."].iloc[0]),
        "fit_time": fit_time,
        "epochs": model.n_iter_,
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


def summarize(results: pd.DataFrame) -> pd.DataFrame:
    """One row per configuration: F1 per setting (mean over seeds), their mean, fit time and epochs."""
    f1 = results.pivot_table(index="config", columns="setting", values="f1", aggfunc="mean", sort=False)
    table = f1.round(3)
    table["mean F1"] = f1.mean(axis=1).round(4)
    grouped = results.groupby("config", sort=False)
    table["fit s (median)"] = grouped["fit_time"].median().round(2)
    table["epochs (median)"] = grouped["epochs"].median()
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", nargs="+", default=["today", "default"], choices=list(CONFIGS))
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--views", nargs="+", default=["fou", "zer", "mor"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--test-size", type=float, default=0.3)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a parameter of every configuration, e.g. max_epochs=50",
    )
    parser.add_argument("--out", type=Path, default=None, help="write results.csv and summary.md there")
    parser.add_argument("--scale", type=int, default=None, metavar="N", help="one fit on N synthetic samples instead")
    args = parser.parse_args(argv)
    from sklearn_redcore._benchmark import parse_params

    overrides = parse_params(args.param)
    if args.scale is not None:
        print(scale(args.scale, overrides))
        return 0

    from joblib import Parallel, delayed

    jobs = [
        (config, CONFIGS[config] | overrides, setting, SETTINGS[setting], seed)
        for config in args.config
        for setting in args.settings
        for seed in args.seeds
    ]
    start = time.perf_counter()
    rows = Parallel(n_jobs=args.n_jobs, verbose=0)(
        delayed(_one)(config, params, args.views, setting, rates, seed, args.test_size)
        for config, params, setting, rates, seed in jobs
    )
    wall = time.perf_counter() - start
    results = pd.DataFrame(rows)
    table = summarize(results)
    text = (
        f"mfeat views {'+'.join(args.views)}, seeds {args.seeds}, {len(rows)} fits, --n-jobs {args.n_jobs}, "
        f"{wall:.0f} s\n\n{table.to_markdown()}\n"
    )
    print(text)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        results.to_csv(args.out / "results.csv", index=False)
        (args.out / "summary.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
