"""The input transforms of RedCoreClassifier (``feature_transform``) on mfeat and on skewed synthetic data.

Each transform is fitted with the current defaults otherwise, on the protocol
of ``bench_cost.py`` (the README's): for each seed a stratified 70/30 split,
the training part masked at each missing-rate setting (``mask_modalities``),
and the weighted F1 on the complete test part averaged over every non-empty
combination of modalities. Two data sets (``--data``):

* "mfeat": the shipped digits, views fou + zer + mor;
* "skewed": ``make_multimodal_classification(2000, modality_dims=(20, 20, 20),
  n_classes=5, random_state=seed)`` whose columns, scaled to unit variance,
  go in turn through ``exp(1.5 z)`` (right-skewed, log-normal), ``z ** 3``
  (heavy tails on both sides) or stay as they are: the same information as
  the Gaussian data, in the shapes of tabular features where gradient
  boosting beats an MLP fed standardised inputs.

Reported per data set and transform: the F1 per setting (mean over seeds),
their mean, the median fit time and epochs. Fits run ``--n-jobs`` at a time,
one torch thread each, the transforms of one split and setting one after
the other (so that a change in the machine's load touches them alike);
``--param KEY=VALUE`` sets another parameter of every fit (``--param
max_epochs=30 --param tol=None``: a fixed number of epochs, to time the
transforms alone). ``--cost`` times the input object alone instead
(``ModalityInputs.fit`` and ``transform``, best of a few runs) on mfeat's
training part and on two larger log-normal arrays. Run ``python benchmarks/bench_transforms.py --help``
for the options; docs/benchmarks.md ("Input transforms") has the figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_cost import SETTINGS, summarize  # the sibling script (benchmarks/ is on the path of a script run)

TRANSFORMS = ["standard", "center", "robust", "quantile", "auto"]


def skewed_data(seed: int):
    """The "skewed" data: Gaussian synthetic modalities, two thirds of the columns made skewed or heavy-tailed."""
    from sklearn_redcore.datasets import make_multimodal_classification

    data = make_multimodal_classification(2000, modality_dims=(20, 20, 20), n_classes=5, random_state=seed)
    z = data.data / data.data.std(axis=0)
    X = z.copy()
    X[:, 0::3] = np.exp(1.5 * z[:, 0::3])
    X[:, 1::3] = z[:, 1::3] ** 3
    data.data = X
    return data


def _one(data_name: str, transform: str, setting: str, rates, seed: int, test_size: float, params: dict) -> dict:
    import torch
    from sklearn.model_selection import train_test_split

    from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations, mask_modalities
    from sklearn_redcore.datasets import load_mfeat

    torch.set_num_threads(1)
    data = load_mfeat(views=["fou", "zer", "mor"]) if data_name == "mfeat" else skewed_data(seed)
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=test_size, stratify=data.target, random_state=seed
    )
    X_train = mask_modalities(X_train, data.modalities, list(rates), random_state=seed)
    model = RedCoreClassifier(data.modalities, feature_transform=transform, random_state=seed, **params)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    scores = evaluate_modality_combinations(model, X_test, y_test, data.modalities)
    return {
        "config": f"{data_name} {transform}",
        "setting": setting,
        "seed": seed,
        "f1": float(scores["Ave."].iloc[0]),
        "fit_time": fit_time,
        "epochs": model.n_iter_,
    }


def cost() -> str:
    """Milliseconds of ``ModalityInputs.fit`` and ``transform`` per transform, best of a few runs (Markdown)."""
    from sklearn_redcore import mask_modalities
    from sklearn_redcore._inputs import ModalityInputs
    from sklearn_redcore.datasets import load_mfeat

    def best(repeat: int, call, *args, **kwargs) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call(*args, **kwargs)
            times.append(time.perf_counter() - start)
        return min(times)

    data = load_mfeat(views=["fou", "zer", "mor"])
    cases = [
        ("mfeat 980 x 129", mask_modalities(data.data[:980], data.modalities, 0.5, random_state=0), data.modalities)
    ]
    rng = np.random.default_rng(0)
    for n, d in [(100_000, 100), (10_000, 1000)]:
        spec = [list(range(start, start + d // 4)) for start in range(0, d, d // 4)]
        cases.append((f"{n:,} x {d}", mask_modalities(rng.lognormal(size=(n, d)), spec, 0.3, random_state=0), spec))
    rows = []
    for name, X, spec in cases:
        repeat = 20 if len(X) < 5000 else 3
        for transform in TRANSFORMS:
            inputs = ModalityInputs.from_spec(spec, X.shape[1], feature_transform=transform)
            fit = best(repeat, inputs.fit, X, random_state=0)
            mapped = best(repeat, inputs.transform, X)
            rows.append({"X": name, "transform": transform, "fit ms": 1e3 * fit, "transform ms": 1e3 * mapped})
    return pd.DataFrame(rows).round(1).to_markdown(index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", default=["mfeat", "skewed"], choices=["mfeat", "skewed"])
    parser.add_argument("--transforms", nargs="+", default=["standard", "robust", "quantile"], choices=TRANSFORMS)
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--test-size", type=float, default=0.3)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="set a parameter of every fit"
    )
    parser.add_argument("--out", type=Path, default=None, help="write results.csv and summary.md there")
    parser.add_argument("--cost", action="store_true", help="time the input transforms alone instead")
    args = parser.parse_args(argv)
    if args.cost:
        print(cost())
        return 0

    from joblib import Parallel, delayed

    from sklearn_redcore._benchmark import parse_params

    params = parse_params(args.param)
    jobs = [
        (data, transform, setting, SETTINGS[setting], seed)
        for data in args.data
        for setting in args.settings
        for seed in args.seeds
        for transform in args.transforms
    ]
    start = time.perf_counter()
    rows = Parallel(n_jobs=args.n_jobs, verbose=0)(delayed(_one)(*job, args.test_size, params) for job in jobs)
    wall = time.perf_counter() - start
    results = pd.DataFrame(rows)
    order = [f"{data} {transform}" for data in args.data for transform in args.transforms]
    table = summarize(results.set_index("config").loc[order].reset_index())
    text = (
        f"seeds {args.seeds}, {len(rows)} fits, --n-jobs {args.n_jobs}, parameters {params}, {wall:.0f} s\n\n"
        f"{table.to_markdown()}\n"
    )
    print(text)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        results.to_csv(args.out / "results.csv", index=False)
        (args.out / "summary.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
