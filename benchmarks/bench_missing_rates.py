"""RedCore against other methods at shared and imbalanced missing rates.

Two studies (``--preset``): "baselines", RedCore against its ablation Core and
scikit-learn models (the README's table); "competitors", RedCore against the
paper's comparison methods MMIN, CRA and AMAE, each in its own regime (perfect
data training: complete samples only) and in RedCore's (every sample, "-IDT").

Protocol (``run_study``, that of ``redcore benchmark``):

* data: the shipped UCI mfeat digits, views fou + zer + mor (the weaker views);
* for each seed: a stratified 70/30 split; the training part loses modalities
  at the setting's missing rates (``mask_modalities``, every sample keeps one);
* every model is fitted on the masked training part and scored (weighted F1)
  on the complete test part under each of the 7 non-empty combinations of
  available modalities (the other columns set to NaN);
* reported: the F1 averaged over the combinations and the seeds, and the
  median fit time of each model.

``--reference`` adds the specialist per combination ("Specialist-MLP"):
scikit-learn's MLPClassifier on scaled features, one per combination of
modalities, trained on the complete training part.

Run ``python benchmarks/bench_missing_rates.py --help`` for the options; the
figures in the README come from the default command, those of
docs/benchmarks.md's comparison from ``--preset competitors``.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd

from sklearn_redcore._benchmark import parse_params, run_study
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._report import write_outputs
from sklearn_redcore._benchmark._settings import DEFAULT_SETTINGS, SETTINGS
from sklearn_redcore.datasets import load_mfeat

# Named studies: (settings, models).
PRESETS = {
    # RedCore against its ablation Core and the scikit-learn baselines (the README's table).
    "baselines": (list(DEFAULT_SETTINGS), ["RedCore", "Core", "HGB", "Impute+LR", "Impute+MLP"]),
    # The paper's comparison methods, in their own regime (perfect data training) and in RedCore's.
    "competitors": (
        [
            *["shared 0.0", "shared 0.3", "shared 0.5", "shared 0.7", "shared 0.9"],
            *["imbalanced (0.8, 0.5, 0.5)", "imbalanced (0.8, 0.5, 0.2)"],
            *["imbalanced (0.5, 0.5, 0.8)", "imbalanced (0.2, 0.5, 0.8)"],
        ],
        ["RedCore", "MMIN", "CRA", "AMAE", "MMIN-IDT", "CRA-IDT", "AMAE-IDT"],
    ),
}
VIEWS = ("fou", "zer", "mor")


def _cell(stat: pd.Series, n_seeds: int) -> str:
    """Mean ± std over seeds, or why a model has no score."""
    if stat["count"] == 0:
        return "n/a (no complete samples)"
    text = f"{stat['mean']:.3f}" + (f" ± {stat['std']:.3f}" if n_seeds > 1 and stat["count"] > 1 else "")
    if stat["count"] < stat["size"]:
        text += f" ({int(stat['count'])} of {int(stat['size'])} seeds trainable)"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(
        __doc__,
        settings=list(SETTINGS),
        default_settings=[],
        settings_help="missing-rate settings (default: the preset's)",
        models=[],
        models_help="models (default: the preset's)",
        param="--redcore-param",
        param_help="override a parameter of the package's models, e.g. max_epochs=50",
        test_size=True,
        n_jobs_help="parallel (setting, seed) runs, one torch thread each",
    )
    parser.add_argument(
        "--preset", choices=list(PRESETS), default="baselines", help="which study: its settings and models"
    )
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also fit a specialist MLP per combination on complete data (the reference)",
    )
    args = parser.parse_args(argv)
    args.settings = args.settings or PRESETS[args.preset][0]
    args.models = args.models or PRESETS[args.preset][1]
    redcore_params = parse_params(args.redcore_param)
    data = load_mfeat(views=list(VIEWS))
    study = dict(seeds=args.seeds, test_size=args.test_size, n_jobs=args.n_jobs)
    start = time.perf_counter()
    frame = run_study(
        data.data,
        data.target,
        data.modalities,
        {s: SETTINGS[s] for s in args.settings},
        models=args.models,
        redcore_params=redcore_params,
        **study,
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
        complete = {"shared 0.0": SETTINGS["shared 0.0"]}
        reference = run_study(
            data.data, data.target, data.modalities, complete, models=["Specialist-MLP"], importance=False, **study
        )
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
    write_outputs(args.out, {"results.csv": frame, "summary.md": summary + "\n"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
