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

import sys
from functools import partial

import numpy as np

from sklearn_redcore._benchmark import Model, run_data_study
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._settings import setting_name

SCORES = ["recall, minority class", "recall, majority class", "balanced accuracy", "weighted F1"]


def thinned_data(seed: int, ratio: float):
    """The synthetic data of a seed, the positive class kept in a share ``ratio`` of its samples."""
    from sklearn_redcore.datasets import make_multimodal_classification

    data = make_multimodal_classification(
        4000, modality_dims=(6, 6, 6), n_classes=2, class_sep=0.7, noise=1.5, random_state=seed
    )
    keep = (data.target == 0) | (np.random.default_rng(seed).random(len(data.target)) < ratio)
    data.data, data.target = data.data[keep], data.target[keep]
    return data


def class_scores(model, split) -> dict[str, float]:
    """The minority share of the training part; each class's recall, the balanced accuracy and the weighted F1."""
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

    pred = model.predict(split.X_test)
    return {
        "minority share (training)": float(np.mean(split.y_train == 1)),
        SCORES[0]: recall_score(split.y_test, pred, pos_label=1),
        SCORES[1]: recall_score(split.y_test, pred, pos_label=0),
        SCORES[2]: balanced_accuracy_score(split.y_test, pred),
        SCORES[3]: f1_score(split.y_test, pred, average="weighted"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(__doc__, n_jobs=2, param=None, out=None)
    parser.add_argument("--ratio", type=float, default=1 / 9, help="share of the positive class kept")
    parser.add_argument("--rates", nargs=3, type=float, default=[0.5, 0.5, 0.5], help="training missing rates")
    parser.add_argument("--model", nargs="+", default=["RedCore"], help="estimators of the study (benchmark names)")
    args = parser.parse_args(argv)
    models = [
        Model(name, name, class_weight=weight, columns={"class_weight": str(weight)})
        for name in args.model
        for weight in (None, "balanced")
    ]
    results = run_data_study(
        partial(thinned_data, ratio=args.ratio),
        {setting_name(args.rates): args.rates},
        models=models, seeds=args.seeds, n_jobs=args.n_jobs, importance=False, combinations=False,
        measure=class_scores,
    )  # fmt: skip
    columns = ["minority share (training)", *SCORES, "fit_time"]
    table = results.groupby(["model", "class_weight"], sort=False)[columns].mean().round(3)
    print(f"seeds {args.seeds}, training missing rates {tuple(args.rates)}; mean over seeds\n")
    print(table.to_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
