"""Does the regulation (the "Red" of RedCore) help? A paired study of RedCore against Core.

Issue 17: RedCore (eta adapted by Algorithm 1) and its ablation Core (eta fixed
and equal) score the same everywhere we measured. This script measures the
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
  other: only the missing rates differ (hypothesis 2 of the issue);
* "mfeat fou+zer+mor" and "mfeat fac+kar+pix": two 3-view subsets of UCI
  mfeat (the weak views, and three strong ones);
* "sequences": ``make_sequence_classification`` with 3 equal modalities of
  10 steps x 4 features, ``sequence_encoder="mlp"`` to keep it cheap.

Variants (``--variant``, compared each with its own Core; see ``VARIANTS``):
"paper" (the package's defaults: Algorithm 1 as in the paper),
"initial" (``advantage_reference="initial"``), "unimodal"
(``eta_scope="imputation+unimodal"``), "initial+unimodal", and
"strong-imputation" (``imputation_weight=10``, Core at the same weight).

``--diagnose`` instead measures hypothesis 1 of the issue (Adam cancels eta):
on one fit per value of ``stop_target_gradient``, the share of each parameter
group's gradient norm that comes from each loss term (:func:`gradient_shares`).

Run ``python benchmarks/bench_regulation.py --help``. The tables of
docs/benchmarks.md ("Does the regulation help?") come from::

    python benchmarks/bench_regulation.py --variant paper initial unimodal --n-jobs 2 --out regulation
    python benchmarks/bench_regulation.py --diagnose --out regulation

(with ``--datasets`` to run one data set at a time, and ``--results
a/results.csv b/results.csv`` to summarise such runs together).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

SETTINGS = {
    "(0.8, 0.5, 0.2)": (0.8, 0.5, 0.2),
    "(0.2, 0.5, 0.8)": (0.2, 0.5, 0.8),
    "(0.5, 0.8, 0.2)": (0.5, 0.8, 0.2),
    "shared 0.5": (0.5, 0.5, 0.5),
}
DEFAULT_SETTINGS = ["(0.8, 0.5, 0.2)", "(0.2, 0.5, 0.8)", "(0.5, 0.8, 0.2)"]
DATASETS = ("synthetic", "mfeat fou+zer+mor", "mfeat fac+kar+pix", "sequences")
DEFAULT_DATASETS = ["synthetic", "mfeat fou+zer+mor", "mfeat fac+kar+pix"]
#: RedCore's options per variant; its Core has the same ones, with ``regulate=False``.
VARIANTS: dict[str, dict[str, Any]] = {
    "paper": {},
    "initial": {"advantage_reference": "initial"},
    "unimodal": {"eta_scope": "imputation+unimodal"},
    "initial+unimodal": {"advantage_reference": "initial", "eta_scope": "imputation+unimodal"},
    "strong-imputation": {"imputation_weight": 10.0},
}
#: Options that only act through a moving eta: Core is the same fit with or without them.
_REGULATION_ONLY = ("advantage_reference", "eta_scope")


def paired_difference(a: Any, b: Any, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of the paired differences ``a - b`` and its two-sided t confidence interval.

    Parameters
    ----------
    a, b : array-like of shape (n,)
        Paired scores (the same seed, split and mask in both).
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    mean, low, high : float
        With a single pair the interval is (nan, nan).

    Examples
    --------
    >>> [round(x, 4) for x in paired_difference([0.80, 0.82, 0.81], [0.79, 0.80, 0.80])]
    [0.0133, -0.001, 0.0277]
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"need two equal-length 1-d samples of at least one pair, got {d.shape}.")
    mean = float(d.mean())
    if d.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + confidence / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    return mean, mean - half, mean + half


def format_difference(mean: float, low: float, high: float) -> str:
    """``+0.004 [-0.001, +0.009]``, with a mark where the interval excludes 0 (▲ above, ▼ below)."""
    if np.isnan(low):
        return f"{mean:+.3f}"
    mark = " ▲" if low > 0 else (" ▼" if high < 0 else "")
    return f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]{mark}"


def decision(intervals: dict[str, list[tuple[float, float]]]) -> tuple[bool, int, int]:
    """Issue 17's rule: adopt a variant only if its interval is above 0 on two data sets and below 0 on none.

    Parameters
    ----------
    intervals : dict
        Data set -> the (low, high) 95 % intervals of its settings.

    Returns
    -------
    adopt, n_above, n_below : bool, int, int
        ``n_above`` (``n_below``): the data sets where some setting's interval lies above (below) 0.

    Examples
    --------
    >>> decision({"a": [(0.001, 0.01), (-0.01, 0.01)], "b": [(0.002, 0.02)], "c": [(-0.01, 0.0)]})
    (True, 2, 0)
    """
    above = sum(any(low > 0 for low, _ in bounds) for bounds in intervals.values())
    below = sum(any(high < 0 for _, high in bounds) for bounds in intervals.values())
    return above >= 2 and below == 0, above, below


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
    if name.startswith("mfeat "):
        return load_mfeat(views=name.split(" ", 1)[1].split("+")), {}
    if name == "sequences":
        data = make_sequence_classification(1200, modality_shapes=((10, 4),) * 3, n_classes=3, random_state=0)
        return data, {"sequence_encoder": "mlp"}
    raise ValueError(f"unknown data set {name!r}; choose from {DATASETS}")


def model_params(variant: str, regulate: bool, extra: dict[str, Any]) -> dict[str, Any]:
    """RedCore's parameters for a variant (``regulate=True``) or for its Core (``regulate=False``)."""
    params = {**VARIANTS[variant], **extra}
    if not regulate:
        params = {k: v for k, v in params.items() if k not in _REGULATION_ONLY}
    return {**params, "regulate": regulate}


def _split(dataset: str, rates: tuple[float, ...], seed: int, test_size: float):
    from sklearn.model_selection import train_test_split

    from sklearn_redcore import mask_modalities

    data, _ = load_dataset(dataset)
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=test_size, stratify=data.target, random_state=seed
    )
    X_train = mask_modalities(X_train, data.modalities, list(rates), random_state=seed)
    return X_train, X_test, y_train, y_test, data.modalities


def fit_one(dataset: str, setting: str, seed: int, label: str, params: dict, test_size: float) -> dict:
    """Fit one model on the (dataset, setting, seed) split and score it on every combination of modalities."""
    from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations

    X_train, X_test, y_train, y_test, modalities = _split(dataset, SETTINGS[setting], seed, test_size)
    options = load_dataset(dataset)[1]
    model = RedCoreClassifier(modalities, **options, **params, random_state=seed, n_threads=1)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    row = {"dataset": dataset, "setting": setting, "seed": seed, "model": label}
    row["fit_time"] = time.perf_counter() - start
    row["params"] = json.dumps(params, sort_keys=True)
    row["eta"] = json.dumps(np.round(model.eta_, 5).tolist())
    row["relative_advantage"] = json.dumps(np.round(model.relative_advantage_history_[-1], 4).tolist())
    row["n_epochs"] = len(model.eta_history_)
    row.update(evaluate_modality_combinations(model, X_test, y_test, modalities).iloc[0].to_dict())
    return row


def plan_fits(datasets, settings, seeds, variants, extra) -> list[tuple[str, str, int, str, dict]]:
    """Every fit the study needs; Core fits that several variants share are listed once."""
    jobs, seen = [], set()
    for dataset in datasets:
        for setting in settings:
            for seed in seeds:
                for variant in variants:
                    for label, regulate in (("Core", False), (f"RedCore[{variant}]", True)):
                        params = model_params(variant, regulate, extra)
                        key = (dataset, setting, seed, json.dumps(params, sort_keys=True))
                        if key not in seen:
                            seen.add(key)
                            jobs.append((dataset, setting, seed, label, params))
    return jobs


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
                + " | ".join(singles)
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
        "| data set | setting | variant | modality 1 | modality 2 | modality 3 | final eta | seeds |",
        "|---|---|---|---|---|---|---|---|",
        *per_modality,
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- hypothesis 1: gradient shares
def parameter_groups(module) -> dict[str, list[tuple[Any, int | None]]]:
    """Parameter groups of a RedCoreModule: (parameter, stack index or None) per group.

    The M cross-modal encoders and unimodal heads are stacked in one tensor
    (leading axis M); slice m of each of their parameters is group m.
    """
    m_count = module.n_modalities
    groups: dict[str, list[tuple[Any, int | None]]] = {}
    for m in range(m_count):
        groups[f"self-modal encoder {m}"] = [(p, None) for p in module.encoders[m].parameters()]
    for m in range(m_count):
        groups[f"cross-modal encoder {m}"] = [(p, m) for p in module.cross_encoders.parameters()]
    groups["joint head"] = [(p, None) for p in module.joint_head.parameters()]
    if module.unimodal_heads is not None:
        for m in range(m_count):
            groups[f"unimodal head {m}"] = [(p, m) for p in module.unimodal_heads.parameters()]
    return groups


def loss_terms(parts, eta, imputation_weight: float) -> dict[str, Any]:
    """The training objective split into its terms (they sum to the objective of ``redcore_objective``)."""
    terms = {"joint CE": parts.joint}
    unimodal = parts.unimodal if parts.unimodal is not None else []
    for m, ce in enumerate(unimodal):
        terms[f"CE {m}"] = ce
    other = parts.vib - parts.joint - (sum(unimodal) if len(unimodal) else 0.0)
    terms["KL"] = other  # the KL terms of the VIB loss (eq. 3)
    for m in range(len(eta)):
        terms[f"eta{m} L{m}"] = imputation_weight * float(eta[m]) * parts.imputation[m]
    return terms


def gradient_shares(model, X: Any, y: Any, n_batches: int = 10, batch_size: int = 256, seed: int = 0) -> pd.DataFrame:
    """Share of each parameter group's gradient norm that comes from each loss term, on training batches.

    For each of ``n_batches`` random batches of X (training mode: the
    sampled representations, dropout and ``modality_dropout`` as in
    training), each term's gradient is taken separately
    (``torch.autograd.grad``) and its norm on each group divided by the sum
    of the terms' norms on that group; the shares are averaged over the
    batches. eta is the fitted model's final one. Outside the library's
    training loop: nothing is updated.

    Returns
    -------
    shares : DataFrame
        One row per parameter group, one column per term; rows sum to 1.
    """
    import torch

    module = model.net_.module_
    inputs = model.inputs_
    present = inputs.presence(np.asarray(X, dtype=float))
    data = inputs.transform(np.asarray(X, dtype=float), present=present)
    rng = np.random.RandomState(seed)
    groups = parameter_groups(module)
    y_all = np.searchsorted(model.classes_, np.asarray(y))
    totals: dict[tuple[str, str], float] = {}
    module.train()
    torch.manual_seed(seed)
    for _ in range(n_batches):
        rows = rng.choice(len(y_all), size=min(batch_size, len(y_all)), replace=False)
        tensors = data.take(rows).to_tensors("cpu")
        out = module(**tensors)
        parts = module.loss(out, torch.as_tensor(y_all[rows]))
        terms = loss_terms(parts, model.eta_, model.imputation_weight)
        params = list(module.parameters())
        norms = {}
        for name, term in terms.items():
            grads = torch.autograd.grad(term, params, retain_graph=True, allow_unused=True)
            by_param = {id(p): g for p, g in zip(params, grads)}
            for group, members in groups.items():
                squared = 0.0
                for p, index in members:
                    g = by_param[id(p)]
                    if g is not None:
                        squared += float((g if index is None else g[index]).pow(2).sum())
                norms[(group, name)] = squared**0.5
        for group in groups:
            total = sum(norms[(group, name)] for name in terms) or 1.0
            for name in terms:
                totals[(group, name)] = totals.get((group, name), 0.0) + norms[(group, name)] / total / n_batches
    module.eval()
    frame = pd.Series(totals).unstack()
    return frame.reindex(index=list(groups), columns=list(terms))


def diagnose(dataset: str, setting: str, seed: int, extra: dict[str, Any], test_size: float) -> str:
    """Gradient shares (hypothesis 1) on one fit with and without ``stop_target_gradient``."""
    from sklearn_redcore import RedCoreClassifier

    X_train, _, y_train, _, modalities = _split(dataset, SETTINGS[setting], seed, test_size)
    options = load_dataset(dataset)[1]
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=DEFAULT_DATASETS, metavar="DATASET")
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=DEFAULT_SETTINGS, metavar="SETTING")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(10)))
    parser.add_argument(
        "--variant",
        nargs="+",
        choices=list(VARIANTS),
        default=["paper"],
        help="RedCore variants, each compared with its own Core (default: paper)",
    )
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="for both models")
    parser.add_argument("--test-size", type=float, default=0.3)
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel fits, one torch thread each")
    parser.add_argument("--out", type=Path, default=None, help="folder for results.csv and summary.md")
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

    from sklearn_redcore._benchmark import parse_params

    extra = parse_params(args.param)
    start = time.perf_counter()
    if args.diagnose:
        summary = diagnose(args.datasets[0], args.settings[0], args.seeds[0], extra, args.test_size)
        name = "diagnose.md"
        frame = None
    elif args.results:
        frame = pd.concat([pd.read_csv(path) for path in args.results], ignore_index=True)
        summary = summarize(frame, args.variant, extra)
        name = "summary.md"
    else:
        from joblib import Parallel, delayed

        jobs = plan_fits(args.datasets, args.settings, args.seeds, args.variant, extra)
        rows = Parallel(n_jobs=args.n_jobs)(delayed(fit_one)(*job, args.test_size) for job in jobs)
        frame = pd.DataFrame(rows)
        summary = summarize(frame, args.variant, extra)
        name = "summary.md"
    summary += f"\n\n{'Parameters changed for both models: ' + json.dumps(extra) if extra else ''}"
    summary += f"\nWall time {time.perf_counter() - start:.0f} s with --n-jobs {args.n_jobs}.\n"
    print(summary)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        if frame is not None:
            frame.to_csv(args.out / "results.csv", index=False)
        (args.out / name).write_text(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
