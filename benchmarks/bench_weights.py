"""Imbalanced classes: RedCore with and without ``class_weight="balanced"``.

Protocol: ``make_multimodal_classification`` (3 modalities of 6 columns, 2
classes, weakly separated), then the positive class thinned to about one in
ten samples (``--ratio``); per seed a stratified 70/30 split, the training
part masked at the missing rates ``--rates``; RedCore with the defaults,
once unweighted and once with ``class_weight="balanced"``, scored on the
complete test part: the recall of each class, the balanced accuracy and the
weighted F1 (mean over seeds). ``--model`` also runs the same comparison for
another estimator of the package (e.g. CRA).

Run ``python benchmarks/bench_weights.py --help`` for the options; the user
guide's hyperparameters page gives the figures of the default command.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd


def _one(seed: int, ratio: float, rates: list[float], class_weight: str | None, model: str) -> dict:
    import torch
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score
    from sklearn.model_selection import train_test_split

    from sklearn_redcore import mask_modalities
    from sklearn_redcore._benchmark import make_model
    from sklearn_redcore.datasets import make_multimodal_classification

    torch.set_num_threads(1)
    data = make_multimodal_classification(
        4000, modality_dims=(6, 6, 6), n_classes=2, class_sep=0.7, noise=1.5, random_state=seed
    )
    keep = (data.target == 0) | (np.random.default_rng(seed).random(len(data.target)) < ratio)
    X, y = data.data[keep], data.target[keep]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)
    X_train = mask_modalities(X_train, data.modalities, rates, random_state=seed)
    estimator = make_model(model, data.modalities, seed, class_weight=class_weight)
    start = time.perf_counter()
    estimator.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    pred = estimator.predict(X_test)
    return {
        "model": model,
        "class_weight": str(class_weight),
        "seed": seed,
        "minority share (training)": float(np.mean(y_train == 1)),
        "recall, minority class": recall_score(y_test, pred, pos_label=1),
        "recall, majority class": recall_score(y_test, pred, pos_label=0),
        "balanced accuracy": balanced_accuracy_score(y_test, pred),
        "weighted F1": f1_score(y_test, pred, average="weighted"),
        "fit_time": fit_time,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--ratio", type=float, default=1 / 9, help="share of the positive class kept")
    parser.add_argument("--rates", nargs=3, type=float, default=[0.5, 0.5, 0.5], help="training missing rates")
    parser.add_argument("--model", nargs="+", default=["RedCore"], help="estimators of the study (benchmark names)")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    from joblib import Parallel, delayed

    rows = Parallel(n_jobs=args.n_jobs)(
        delayed(_one)(seed, args.ratio, args.rates, class_weight, model)
        for model in args.model
        for class_weight in (None, "balanced")
        for seed in args.seeds
    )
    results = pd.DataFrame(rows)
    table = results.drop(columns="seed").groupby(["model", "class_weight"], sort=False).mean().round(3)
    print(f"seeds {args.seeds}, training missing rates {tuple(args.rates)}; mean over seeds\n")
    print(table.to_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
