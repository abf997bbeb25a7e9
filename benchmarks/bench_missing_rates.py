"""RedCore against other methods at shared and imbalanced missing rates.

Two studies (``--preset``): "baselines", RedCore against its ablation Core and
scikit-learn models (the README's table); "competitors", RedCore against the
paper's comparison methods MMIN, CRA and AMAE, each in its own regime (perfect
data training: complete samples only) and in RedCore's (every sample, "-IDT").

Protocol:

* data: the shipped UCI mfeat digits, views fou + zer + mor (the weaker views);
* for each seed: a stratified 70/30 split; the training part loses modalities
  at the setting's missing rates (``mask_modalities``, every sample keeps one);
* every model is fitted on the masked training part and scored (weighted F1)
  on the complete test part under each of the 7 non-empty combinations of
  available modalities (the other columns set to NaN);
* reported: the F1 averaged over the combinations and the seeds, and the
  median fit time of each model.

Run ``python benchmarks/bench_missing_rates.py --help`` for the options; the
figures in the README come from the default command, those of
docs/benchmarks.md's comparison from ``--preset competitors``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

SETTINGS = {
    "shared 0.0": (0.0, 0.0, 0.0),
    "shared 0.3": (0.3, 0.3, 0.3),
    "shared 0.5": (0.5, 0.5, 0.5),
    "shared 0.7": (0.7, 0.7, 0.7),
    "shared 0.8": (0.8, 0.8, 0.8),
    "shared 0.9": (0.9, 0.9, 0.9),
    "imbalanced (0.8, 0.5, 0.5)": (0.8, 0.5, 0.5),
    "imbalanced (0.8, 0.5, 0.2)": (0.8, 0.5, 0.2),
    "imbalanced (0.5, 0.5, 0.8)": (0.5, 0.5, 0.8),
    "imbalanced (0.2, 0.5, 0.8)": (0.2, 0.5, 0.8),
}
# Named studies: (settings, models).
PRESETS = {
    # RedCore against its ablation Core and the scikit-learn baselines (the README's table).
    "baselines": (
        ["shared 0.0", "shared 0.5", "shared 0.8", "imbalanced (0.8, 0.5, 0.2)", "imbalanced (0.2, 0.5, 0.8)"],
        ["RedCore", "Core", "HGB", "Impute+LR", "Impute+MLP"],
    ),
    # The paper's comparison methods, in their own regime (perfect data training) and in RedCore's.
    "competitors": (
        [
            "shared 0.0",
            "shared 0.3",
            "shared 0.5",
            "shared 0.7",
            "shared 0.9",
            "imbalanced (0.8, 0.5, 0.5)",
            "imbalanced (0.8, 0.5, 0.2)",
            "imbalanced (0.5, 0.5, 0.8)",
            "imbalanced (0.2, 0.5, 0.8)",
        ],
        ["RedCore", "MMIN", "CRA", "AMAE", "MMIN-IDT", "CRA-IDT", "AMAE-IDT"],
    ),
}
VIEWS = ("fou", "zer", "mor")


def specialist_reference(seed: int, test_size: float) -> dict:
    """One model per modality combination, trained on complete data of that combination only.

    The reference to approach: scaled features and scikit-learn's MLPClassifier
    (the strongest of the baselines here), fitted on the complete training part
    restricted to the combination's columns and scored on the same test part.
    """
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_redcore._evaluation import modality_combinations
    from sklearn_redcore.datasets import load_mfeat

    data = load_mfeat(views=list(VIEWS))
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=test_size, stratify=data.target, random_state=seed
    )
    row = {}
    for combo in modality_combinations(list(data.modalities)):
        cols = np.concatenate([data.modalities[name] for name in combo])
        model = make_pipeline(StandardScaler(), MLPClassifier(max_iter=500, random_state=seed))
        model.fit(X_train[:, cols], y_train)
        row["+".join(combo)] = f1_score(y_test, model.predict(X_test[:, cols]), average="weighted")
    row["Ave."] = float(np.mean(list(row.values())))
    return row


def _cell(stat: pd.Series, n_seeds: int) -> str:
    """Mean ± std over seeds, or why a model has no score."""
    if stat["count"] == 0:
        return "n/a (no complete samples)"
    text = f"{stat['mean']:.3f}" + (f" ± {stat['std']:.3f}" if n_seeds > 1 and stat["count"] > 1 else "")
    if stat["count"] < stat["size"]:
        text += f" ({int(stat['count'])} of {int(stat['size'])} seeds trainable)"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--preset",
        choices=list(PRESETS),
        default="baselines",
        help="which study: its settings and models (default: baselines)",
    )
    parser.add_argument(
        "--settings",
        nargs="+",
        default=None,
        choices=list(SETTINGS),
        metavar="SETTING",
        help="missing-rate settings (default: the preset's)",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--models", nargs="+", default=None, help="models (default: the preset's)")
    parser.add_argument("--test-size", type=float, default=0.3)
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel (setting, seed) runs, one torch thread each")
    parser.add_argument(
        "--redcore-param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter of the package's models, e.g. max_epochs=50",
    )
    parser.add_argument("--out", type=Path, default=None, help="folder for results.csv and summary.md")
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also fit a specialist MLP per combination on complete data (the reference)",
    )
    args = parser.parse_args(argv)
    args.settings = args.settings or PRESETS[args.preset][0]
    args.models = args.models or PRESETS[args.preset][1]

    from sklearn_redcore._benchmark import parse_params, run_study

    redcore_params = parse_params(args.redcore_param)
    from sklearn_redcore.datasets import load_mfeat

    data = load_mfeat(views=list(VIEWS))
    start = time.perf_counter()
    frame = run_study(
        data.data,
        data.target,
        data.modalities,
        {s: SETTINGS[s] for s in args.settings},
        models=args.models,
        seeds=args.seeds,
        test_size=args.test_size,
        n_jobs=args.n_jobs,
        redcore_params=redcore_params,
    )
    wall = time.perf_counter() - start
    stats = frame.groupby(["setting", "model"])["Ave."].agg(["mean", "std", "count", "size"])
    fit_time = frame.groupby("model")["fit_time"].median().reindex(args.models).fillna(np.nan)
    rates = frame.groupby("setting")["realised_rates"].first().reindex(args.settings)

    lines = [
        "Weighted F1 on the held-out 30%, averaged over the 7 modality combinations and "
        f"seeds {args.seeds} (mfeat views {'+'.join(VIEWS)}; ± is the standard deviation over seeds).",
        "",
    ]
    lines.append("| setting (realised training missing rates) | " + " | ".join(args.models) + " |")
    lines.append("|---" * (len(args.models) + 1) + "|")
    for setting in args.settings:
        cells = [_cell(stats.loc[(setting, m)], len(args.seeds)) for m in args.models]
        lines.append(f"| {setting} {tuple(rates[setting])} | " + " | ".join(cells) + " |")
    lines.append("| median fit time (s) | " + " | ".join(f"{t:.1f}" for t in fit_time) + " |")
    if args.reference:
        reference = pd.DataFrame([specialist_reference(seed, args.test_size) for seed in args.seeds])
        spread = f" ± {reference['Ave.'].std():.3f}" if len(args.seeds) > 1 else ""
        lines.append(
            f"| reference: specialist per combination, complete data | {reference['Ave.'].mean():.3f}"
            f"{spread} |" + " |" * (len(args.models) - 1)
        )
    lines.append("")
    if redcore_params:
        lines.append(f"Parameters changed from the defaults: {json.dumps(redcore_params)}")
    lines.append(f"Total wall time {wall:.0f} s with --n-jobs {args.n_jobs}.")
    summary = "\n".join(lines)
    print(summary)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        frame.to_csv(args.out / "results.csv", index=False)
        (args.out / "summary.md").write_text(summary + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
