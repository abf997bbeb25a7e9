"""Does the regulation (the "Red" of RedCore) help? A paired study of RedCore against Core.

RedCore (eta adapted by Algorithm 1) and its ablation Core (eta fixed and
equal) score the same everywhere we measured. This script measures the
difference with the noise of splits, masks and initialisations paired out,
and on data where the paper's mechanism has the best chance.

Protocol, for every data set, missing-rate setting and seed:

* a stratified 70/30 split (``random_state=seed``); the training part loses
  modalities at the setting's rates (``mask_modalities``, ``random_state=seed``,
  every sample keeps one); the test part stays complete;
* Core and RedCore (a named variant, ``--variant``) are fitted on *the same*
  masked training part with *the same* ``random_state=seed``, the same
  parameters except ``regulate`` (and the variant's options), and scored
  (weighted F1) on the test part under each non-empty combination of
  available modalities (``evaluate_modality_combinations``);
* reported per setting: the paired difference RedCore - Core of the F1
  averaged over the combinations, its mean over seeds with a 95 % t
  confidence interval, and the same for each single-modality combination
  (the paper's claim: the most-missing modality gains).

Data sets (``--datasets``):

* "synthetic": ``make_multimodal_classification`` with 3 modalities of equal
  size, informativeness and noise, half of the signal shared, so that the
  modalities are equally informative and equally predictable from each
  other: only the missing rates differ;
* "mfeat fou+zer+mor" and "mfeat fac+kar+pix": two 3-view subsets of UCI
  mfeat (the weak views, and three strong ones);
* "mfeat six views, 300 rows": all six views (76, 216, 64, 240, 47 and 6
  columns), 300 rows drawn anew for each seed, under the setting "wide views
  missing": the widest and most informative views (fac, pix) missing for 80 %
  of the training rows. The shape on which the paper's Algorithm 1 costs
  accuracy: raw imputation losses are on each modality's own scale;
* "sequences": ``make_sequence_classification`` with 3 equal modalities of
  10 steps x 4 features, ``sequence_encoder="mlp"`` to keep it cheap.

Each data set runs under the chosen settings that have one rate per
modality of it (the three-rate settings for the 3-modality sets, "wide views
missing" for the six views).

Variants (``--variant``, compared each with its own Core; see ``VARIANTS``),
each on top of the package's defaults: "spread" (the default:
``advantage_reference="spread"``), "paper" (Algorithm 1 exactly as the paper
writes it, ``advantage_reference="none"``), "initial"
(``advantage_reference="initial"``), "unimodal"
(``eta_scope="imputation+unimodal"``), "initial+unimodal", and
"strong-imputation" (``imputation_weight=10``, Core at the same weight).

``--diagnose`` instead asks whether Adam cancels eta: on one fit per value
of ``stop_target_gradient``, the share of each parameter group's gradient
norm that comes from each loss term (:func:`gradient_shares`).

Run ``python benchmarks/bench_regulation.py --help``. The tables of
docs/benchmarks.md ("Does the regulation help?") come from::

    python benchmarks/bench_regulation.py --variant paper spread --n-jobs 2 --out regulation
    python benchmarks/bench_regulation.py --datasets sequences --n-jobs 2 --out regulation-sequences
    python benchmarks/bench_regulation.py --diagnose --out regulation

(with ``--datasets`` to run one data set at a time, and ``--results
a/results.csv b/results.csv`` to summarise such runs together).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sklearn_redcore._benchmark import Model, parse_params, run_suite
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._data import sample_rows
from sklearn_redcore._benchmark._gradient_shares import gradient_shares
from sklearn_redcore._benchmark._paired import decision, format_difference, paired_difference
from sklearn_redcore._benchmark._report import write_outputs
from sklearn_redcore._benchmark._run import split_and_mask
from sklearn_redcore._benchmark._settings import SETTINGS as NAMED_SETTINGS
from sklearn_redcore._benchmark._study import score_columns

#: The settings of the study, by the names of its tables (the imbalanced ones by their rates alone).
SETTINGS = {
    name.removeprefix("imbalanced "): NAMED_SETTINGS[name]
    for name in ["imbalanced (0.8, 0.5, 0.2)", "imbalanced (0.2, 0.5, 0.8)", "imbalanced (0.5, 0.8, 0.2)", "shared 0.5"]
}
#: The six views of mfeat in its order fou, fac, kar, pix, zer, mor (76, 216, 64, 240, 47, 6 columns): the widest
#: and most informative ones (fac, pix) missing most often.
SETTINGS["wide views missing (0.5, 0.8, 0.5, 0.8, 0.2, 0.2)"] = (0.5, 0.8, 0.5, 0.8, 0.2, 0.2)
DEFAULT_SETTINGS = [
    "(0.8, 0.5, 0.2)", "(0.2, 0.5, 0.8)", "(0.5, 0.8, 0.2)", "wide views missing (0.5, 0.8, 0.5, 0.8, 0.2, 0.2)"
]  # fmt: skip
DATASETS = ("synthetic", "mfeat fou+zer+mor", "mfeat fac+kar+pix", "mfeat six views, 300 rows", "sequences")
DEFAULT_DATASETS = ["synthetic", "mfeat fou+zer+mor", "mfeat fac+kar+pix", "mfeat six views, 300 rows"]
#: RedCore's options per variant; its Core has the same ones, with ``regulate=False``.
VARIANTS: dict[str, dict[str, Any]] = {
    "paper": {"advantage_reference": "none"},
    "initial": {"advantage_reference": "initial"},
    "unimodal": {"eta_scope": "imputation+unimodal"},
    "initial+unimodal": {"advantage_reference": "initial", "eta_scope": "imputation+unimodal"},
    "spread": {"advantage_reference": "spread"},
    "strong-imputation": {"imputation_weight": 10.0},
}
#: Options that only act through a moving eta: Core is the same fit with or without them.
_REGULATION_ONLY = ("advantage_reference", "eta_scope")
#: The columns of results.csv before the scores.
_COLUMNS = ["dataset", "setting", "seed", "model", "fit_time", "params", "eta", "relative_advantage", "n_epochs"]


def load_dataset(name: str):
    """The data set ``name`` of :data:`DATASETS` (a Bunch with data, target, modalities) and RedCore's options."""
    from sklearn_redcore.datasets import load_mfeat, make_multimodal_classification, make_sequence_classification

    if name == "synthetic":
        data = make_multimodal_classification(
            2000,
            modality_dims=(20, 20, 20),
            n_classes=5,
            informative=0.5,
            noise=1.0,
            shared=0.5,
            class_sep=1.0,
            random_state=0,
        )
        return data, {}
    if name == "mfeat six views, 300 rows":
        return _mfeat_rows(300), {}
    if name.startswith("mfeat "):
        return load_mfeat(views=name.split(" ", 1)[1].split("+")), {}
    if name == "sequences":
        data = make_sequence_classification(1200, modality_shapes=((10, 4),) * 3, n_classes=3, random_state=0)
        return data, {"sequence_encoder": "mlp"}
    raise ValueError(f"unknown data set {name!r}; choose from {DATASETS}")


def _mfeat_rows(n_rows: int):
    """All six views of mfeat, ``n_rows`` rows drawn anew for each seed (a function of the seed)."""
    from sklearn_redcore.datasets import load_mfeat

    full = load_mfeat()

    def draw(seed: int):
        return sample_rows(full, n_rows, seed)

    draw.modalities = full.modalities
    return draw


def model_params(variant: str, regulate: bool, extra: dict[str, Any]) -> dict[str, Any]:
    """RedCore's parameters for a variant (``regulate=True``) or for its Core (``regulate=False``)."""
    params = {**VARIANTS[variant], **extra}
    if not regulate:
        params = {k: v for k, v in params.items() if k not in _REGULATION_ONLY}
    return {**params, "regulate": regulate}


def study_models(variants: list[str], extra: dict[str, Any], options: dict[str, Any]) -> list[Model]:
    """Core and RedCore[variant] per variant (``options``: the data set's); a Core variants share is listed once."""
    models, seen = [], set()
    for variant in variants:
        for label, regulate in (("Core", False), (f"RedCore[{variant}]", True)):
            params = model_params(variant, regulate, extra)
            key = json.dumps(params, sort_keys=True)
            if key not in seen:
                seen.add(key)
                models.append(Model(label, "RedCore", options | params, columns={"params": key}))
    return models


def eta_and_epochs(model, split) -> dict[str, Any]:
    """RedCore's final eta and relative advantage (as JSON) and its number of epochs."""
    return {
        "eta": json.dumps(np.round(model.eta_, 5).tolist()),
        "relative_advantage": json.dumps(np.round(model.relative_advantage_history_[-1], 4).tolist()),
        "n_epochs": len(model.eta_history_),
    }


def run(datasets, settings, seeds, variants, extra, test_size: float, n_jobs: int) -> pd.DataFrame:
    """One row per fit: every model of :func:`study_models` on every data set, setting and seed."""
    frames = []
    for name in datasets:  # each data set with the settings that have one rate per modality of it
        data, options = load_dataset(name)
        chosen = {setting: SETTINGS[setting] for setting in settings if len(SETTINGS[setting]) == len(data.modalities)}
        if chosen:
            frames.append(run_suite(
                {name: lambda data=data: data}, chosen,
                column="dataset", seeds=seeds, test_size=test_size, n_jobs=n_jobs, importance=False,
                measure=eta_and_epochs, models=study_models(variants, extra, options),
            ))  # fmt: skip
    if not frames:
        raise SystemExit("no chosen setting has one missing rate per modality of a chosen data set")
    results = pd.concat(frames, ignore_index=True)
    return results[_COLUMNS + score_columns(results, exclude=_COLUMNS)]


def summarize(frame: pd.DataFrame, variants: list[str], extra: dict[str, Any]) -> str:
    """Markdown tables: the paired difference per setting and variant, overall and per single modality."""
    lines = [
        "Paired difference RedCore - Core of the weighted F1 on the held-out 30 % (mean over seeds "
        "[95 % t interval]; ▲/▼: the interval excludes 0). 'Core F1': Core's F1 averaged over the "
        "modality combinations.",
        "",
    ]
    header = "| data set | setting (training missing rates) | Core F1 | " + " | ".join(variants) + " |"
    lines += [header, "|---" * (3 + len(variants)) + "|"]
    per_modality = []
    intervals: dict[str, dict[str, list[tuple[float, float]]]] = {variant: {} for variant in variants}
    for (dataset, setting), group in frame.groupby(["dataset", "setting"], sort=False):
        cells = []
        core_f1 = ""
        modalities = list(load_dataset(dataset)[0].modalities)
        for variant in variants:
            core = group[group["params"] == json.dumps(model_params(variant, False, extra), sort_keys=True)]
            red = group[group["model"] == f"RedCore[{variant}]"]
            pairs = core.merge(red, on="seed", suffixes=("_core", "_red"))
            if pairs.empty:
                cells.append("n/a")
                continue
            if variant == variants[0]:
                core_f1 = f"{pairs['Ave._core'].mean():.3f}"
            mean, low, high = paired_difference(pairs["Ave._red"], pairs["Ave._core"])
            cells.append(format_difference(mean, low, high))
            intervals[variant].setdefault(dataset, []).append((low, high))
            singles = [
                f"{name} ({rate:.1f}): "
                + format_difference(*paired_difference(pairs[f"{name}_red"], pairs[f"{name}_core"]))
                for name, rate in zip(modalities, SETTINGS[setting])
            ]
            eta = np.mean([json.loads(e) for e in pairs["eta_red"]], axis=0)
            per_modality.append(
                f"| {dataset} | {setting} | {variant} | "
                + "; ".join(singles)
                + f" | {', '.join(f'{e:.3f}' for e in eta)} | {len(pairs)} |"
            )
        lines.append(f"| {dataset} | {setting} | {core_f1} | " + " | ".join(cells) + " |")
    lines += ["", "Decision rule (adopt as the default only if above 0 on two data sets and below 0 on none):", ""]
    for variant in variants:
        adopt, above, below = decision(intervals[variant])
        lines.append(
            f"* {variant}: above 0 on {above}, below 0 on {below} of {len(intervals[variant])} data sets: "
            + ("meets the rule." if adopt else "does not meet the rule.")
        )
    lines += [
        "",
        "Per single modality (the test part with only that modality; its training missing rate in brackets), "
        "and RedCore's final eta (mean over seeds, in the order of the modalities):",
        "",
        "| data set | setting | variant | each modality alone | final eta | seeds |",
        "|---|---|---|---|---|---|",
        *per_modality,
    ]
    return "\n".join(lines)


def diagnose(dataset: str, setting: str, seed: int, extra: dict[str, Any], test_size: float) -> str:
    """Gradient shares on one fit with and without ``stop_target_gradient``."""
    from sklearn_redcore import RedCoreClassifier

    data, options = load_dataset(dataset)
    split = split_and_mask(data.data, data.target, data.modalities, SETTINGS[setting], seed, test_size)
    X_train, y_train, modalities = split.X_train, split.y_train, data.modalities
    names = list(modalities)
    lines = [
        f"Share of each parameter group's gradient norm coming from each loss term ({dataset}, {setting}, "
        f"seed {seed}; RedCore fitted with its defaults and {extra or 'nothing else'} changed; means over "
        "10 training batches at the final eta; modalities 0, 1, 2 = " + ", ".join(names) + ").",
    ]
    for stop in (True, False):
        model = RedCoreClassifier(modalities, **options, **extra, stop_target_gradient=stop, random_state=seed)
        model.fit(X_train, y_train)
        shares = gradient_shares(model, X_train, y_train, seed=seed)
        lines += [
            "",
            f"stop_target_gradient={stop} (final eta {np.round(model.eta_, 3).tolist()}, "
            f"final RA {np.round(model.relative_advantage_history_[-1], 3).tolist()}):",
            "",
            shares.to_markdown(floatfmt=".3f"),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(
        __doc__, settings=list(SETTINGS), default_settings=DEFAULT_SETTINGS, seeds=range(10), test_size=True,
        param_help="for both models", n_jobs_help="parallel runs, one torch thread per fit",
    )  # fmt: skip
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=DEFAULT_DATASETS, metavar="DATASET")
    parser.add_argument(
        "--variant",
        nargs="+",
        choices=list(VARIANTS),
        default=["paper", "spread"],
        help="RedCore variants, each compared with its own Core",
    )
    parser.add_argument(
        "--results",
        nargs="+",
        type=Path,
        default=None,
        metavar="CSV",
        help="no fits: summarise results.csv files of earlier runs together (give the same --param and --variant)",
    )
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="instead of the study: gradient shares per loss term (first data set, setting and seed)",
    )
    args = parser.parse_args(argv)
    extra = parse_params(args.param)
    start = time.perf_counter()
    name, frame = "summary.md", None
    if args.diagnose:
        summary = diagnose(args.datasets[0], args.settings[0], args.seeds[0], extra, args.test_size)
        name = "diagnose.md"
    else:
        if args.results:
            frame = pd.concat([pd.read_csv(path) for path in args.results], ignore_index=True)
        else:
            study = (args.datasets, args.settings, args.seeds, args.variant, extra, args.test_size, args.n_jobs)
            frame = run(*study)
        summary = summarize(frame, args.variant, extra)
    summary += f"\n\n{'Parameters changed for both models: ' + json.dumps(extra) if extra else ''}"
    summary += f"\nWall time {time.perf_counter() - start:.0f} s with --n-jobs {args.n_jobs}.\n"
    print(summary)
    write_outputs(args.out, {name: summary} if frame is None else {"results.csv": frame, name: summary})
    return 0


if __name__ == "__main__":
    sys.exit(main())
