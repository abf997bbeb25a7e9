"""Command line: ``python -m sklearn_redcore benchmark`` (also installed as ``redcore``).

Runs the paper's studies (shared and imbalanced missing rates, every
combination of available modalities) on the shipped mfeat data or on a user's
CSV or Parquet table, for class labels or continuous targets, and writes
tables and figures to an output folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ._models import MODEL_NAMES, regression_models
from ._study import IMPORTANCE_COLUMNS, importance_table

DEFAULT_MODELS = ["RedCore", "Core", "Red", "HGB", "Impute+LR", "Impute+MLP"]
DEFAULT_REGRESSION_MODELS = ["RedCore", "Core", "HGB", "Impute+Ridge", "Impute+MLP"]
#: Integer labels with more distinct values than this are not taken for classes by --task auto.
MAX_AUTO_CLASSES = 20
_SCORE_NAMES = {"classification": "weighted F1", "regression": "R²"}


class UsageError(Exception):
    """A problem with the user's input: reported in one line, exit status 2."""


def _parse_rates(text: str, n_modalities: int | None = None) -> list[float]:
    try:
        rates = [float(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(f"missing rates must be numbers separated by commas, got {text!r}") from None
    bad = [r for r in rates if not 0 <= r < 1]
    if bad:
        raise UsageError(f"missing rate {bad[0]} is outside [0, 1)")
    if n_modalities is not None and len(rates) != n_modalities:
        raise UsageError(f"{text!r} gives {len(rates)} missing rates for {n_modalities} modalities")
    return rates


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(f"data file not found: {path}")
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            return pd.read_parquet(path)
        return pd.read_csv(path)
    except Exception as exc:  # the reader's own message names the problem
        raise UsageError(f"cannot read {path}: {exc}") from None


def _read_spec(path: Path) -> dict:
    if not path.is_file():
        raise UsageError(f"modality file not found: {path}")
    try:
        if path.suffix.lower() == ".toml":
            import tomllib

            spec = tomllib.loads(path.read_text())
            spec = spec.get("modalities", spec)
        else:
            spec = json.loads(path.read_text())
    except Exception as exc:
        raise UsageError(f"cannot read modality file {path}: {exc}") from None
    if not isinstance(spec, dict) or not spec:
        raise UsageError(f"modality file {path} must map each modality name to its list of columns")
    return {name: _sequence_entry(name, entry) if isinstance(entry, dict) else entry for name, entry in spec.items()}


def _sequence_entry(name: str, entry: dict):
    """A modality file's ``{"columns": [...], "n_steps": T}`` entry as a SequenceModality."""
    from .._inputs import SequenceModality

    unknown = set(entry) - {"columns", "n_steps", "n_features"}
    if unknown or "columns" not in entry or "n_steps" not in entry:
        raise UsageError(
            f'modality {name!r}: a sequence is given as {{"columns": [...], "n_steps": T}} '
            f'(optionally "n_features"), got the keys {sorted(entry)}'
        )
    try:
        return SequenceModality(entry["columns"], entry["n_steps"], entry.get("n_features"))
    except (TypeError, ValueError) as exc:
        raise UsageError(f"modality {name!r}: {exc}") from None


def _columns(entry) -> list:
    return list(getattr(entry, "columns", entry))


def _load_data(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, dict[str, list[int]], str]:
    """X, y, the modality spec as int positions, and a description of the data."""
    from .._inputs import SequenceModality, contiguous_modalities, resolve_modalities
    from ..datasets import load_mfeat

    if args.data is None:
        if args.label or args.modality or args.modalities or args.sequence:
            raise UsageError("--label, --modality, --sequence and --modalities need --data")
        data = load_mfeat(views=args.views)
        return data.data, data.target, data.modalities, f"mfeat views {'+'.join(args.views)}"
    frame = _read_table(args.data)
    if args.label is None:
        raise UsageError("--label is required with --data (the name of the label column)")
    if args.label not in frame.columns:
        raise UsageError(f"label column {args.label!r} is not in {args.data.name}")
    if args.modality and args.modalities:
        raise UsageError("give either --modality options or a --modalities file, not both")
    if args.sequence and not args.modality:
        raise UsageError(
            "--sequence goes with --modality (in a --modalities file, give "
            '{"columns": [...], "n_steps": T} for a sequence)'
        )
    if args.modalities:
        spec = _read_spec(args.modalities)
    elif args.modality:
        spec = {}
        for item in args.modality:
            name, sep, columns = item.partition("=")
            if not sep or not name or not columns:
                raise UsageError(f"--modality takes name=col1,col2,..., got {item!r}")
            spec[name] = [c.strip() for c in columns.split(",") if c.strip()]
        for item in args.sequence:
            name, sep, steps = item.partition("=")
            if not sep or name not in spec:
                raise UsageError(f"--sequence takes name=n_steps for a modality given by --modality, got {item!r}")
            try:
                spec[name] = _sequence_entry(name, {"columns": spec[name], "n_steps": int(steps)})
            except ValueError:
                raise UsageError(f"--sequence {item!r}: n_steps must be a whole number") from None
    else:
        raise UsageError(
            "say which columns form which modality: --modality name=col1,col2 (repeat) "
            "or --modalities FILE.json|FILE.toml"
        )
    features = frame.drop(columns=[args.label])
    used = {str(c) for entry in spec.values() for c in _columns(entry)}
    if args.label in used:
        raise UsageError(f"the label column {args.label!r} cannot belong to a modality")
    try:
        resolved, shapes = resolve_modalities(
            spec, features.shape[1], np.asarray(features.columns, dtype=str), warn_unused=False, return_shapes=True
        )
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    columns = np.concatenate(list(resolved.values()))
    numeric = features.iloc[:, columns]
    non_numeric = [str(c) for c in numeric.columns if not pd.api.types.is_numeric_dtype(numeric[c])]
    if non_numeric:
        raise UsageError(f"feature column {non_numeric[0]!r} is not numeric")
    X = numeric.to_numpy(dtype=float)
    positions: dict = contiguous_modalities({name: len(cols) for name, cols in resolved.items()})
    for name, shape in shapes.items():
        if shape is not None:  # a sequence keeps its declaration, over its new positions
            positions[name] = SequenceModality(positions[name], n_steps=shape[0], n_features=shape[1])
    y = frame[args.label].to_numpy()
    if pd.isna(y).any():
        raise UsageError(f"label column {args.label!r} has missing values")
    if pd.api.types.is_numeric_dtype(y.dtype) and not np.isfinite(y.astype(float)).all():
        raise UsageError(f"label column {args.label!r} has infinite values")
    return X, y, positions, f"{args.data.name} ({len(y)} rows)"


def _task(args: argparse.Namespace, y: np.ndarray) -> tuple[str, str]:
    """The study's task, and how it was chosen (``--task auto`` reads the label column)."""
    from sklearn.utils.multiclass import type_of_target

    if args.data is None:
        if args.task == "regression":
            raise UsageError("--task regression needs --data: the shipped mfeat digits have class labels")
        return "classification", "the mfeat digits"
    if args.task != "auto":
        return args.task, "--task"
    numeric = pd.api.types.is_numeric_dtype(y.dtype) and y.dtype != bool
    kind = type_of_target(y) if numeric else "multiclass"
    if kind == "continuous":
        return "regression", "the label column holds non-integer numbers"
    n_values = len(np.unique(y))
    if not numeric or n_values <= MAX_AUTO_CLASSES:
        return "classification", f"the label column holds {n_values} distinct values"
    raise UsageError(
        f"the label column {args.label!r} holds {n_values} distinct whole numbers: classes or a continuous "
        "target? Say which with --task classification or --task regression"
    )


def _settings(args: argparse.Namespace, n_modalities: int) -> dict[str, list[float]]:
    settings: dict[str, list[float]] = {}
    for rate in args.shared:
        rates = _parse_rates(rate)
        if len(rates) != 1:
            raise UsageError(f"--shared takes one rate per setting, got {rate!r}")
        settings[f"shared {rates[0]}"] = rates * n_modalities
    for text in args.imbalanced:
        rates = _parse_rates(text, n_modalities)
        settings[f"imbalanced ({', '.join(map(str, rates))})"] = rates
    if not settings:
        raise UsageError("no missing-rate setting: give --shared and/or --imbalanced")
    return settings


def _untrained_notes(results: pd.DataFrame) -> list[str]:
    """One line per model and setting that could not be trained (NaN in the tables), with the reason."""
    if "error" not in results:
        return []
    failed = results[results["error"].notna()]
    return [
        f"\nNote: {row.model} was not trained at {row.setting} (seed {row.seed}): {row.error}"
        for row in failed.itertuples()
    ]


def _write_outputs(
    results: pd.DataFrame,
    tables: dict,
    out: Path,
    description: str,
    plots: bool,
    modality_names: list[str],
    score_name: str = "weighted F1",
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    plain = results.drop(columns=[c for c in results.columns if c.endswith("_history") or c in IMPORTANCE_COLUMNS])
    plain.to_csv(out / "results.csv", index=False)
    importance = importance_table(results, modality_names)
    importance.round(4).to_csv(out / "modality_importance.csv", index=False)
    (out / "results.json").write_text(results.to_json(orient="records", indent=1))
    with open(out / "summary.md", "w") as handle:
        handle.write(f"# {score_name[0].upper()}{score_name[1:]} per modality combination ({description})\n\n")
        for setting, table in tables.items():
            handle.write(f"## {setting}\n\n{table.round(3).to_markdown()}\n\n")
        for line in _untrained_notes(results):
            handle.write(f"{line}\n")
    if not plots:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plotting import plot_combination_heatmap, plot_missing_rate_curves, plot_regulation_curves

    shared = results[results["setting"].str.startswith("shared")].copy()
    if shared["setting"].nunique() > 1:
        shared["missing_rate"] = [rates[0] for rates in shared["missing_rates"]]
        fig = plot_missing_rate_curves(shared, title=description)
        fig.savefig(out / "f1_vs_missing_rate.png", dpi=120)
        plt.close(fig)
    for i, (setting, table) in enumerate(tables.items()):
        fig = plot_combination_heatmap(table.drop(columns="fit_time"), title=setting)
        fig.savefig(out / f"combinations_{i + 1}.png", dpi=120)
        plt.close(fig)
    redcore = results[results["model"] == "RedCore"]
    if len(redcore):
        row = redcore.iloc[0]
        fig = plot_regulation_curves(
            row["eta_history"],
            row["relative_advantage_history"],
            row["imputation_loss_history"],
            modality_names=modality_names,
            title=f"RedCore, {row['setting']}, seed {row['seed']}",
        )
        fig.savefig(out / "regulation_history.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
    _plot_importance(importance, out, plt)


def _plot_importance(importance, out: Path, plt) -> None:
    """modality_importance.png: the first model's importances (RedCore's when it ran), one panel per setting."""
    from ..plotting import plot_modality_importance

    if importance.empty:
        return
    models = importance["model"].unique().tolist()
    model = "RedCore" if "RedCore" in models else models[0]
    part = importance[importance["model"] == model]
    settings = part["setting"].unique().tolist()
    fig, axes = plt.subplots(1, len(settings), figsize=(5 * len(settings), 0.6 * part["modality"].nunique() + 1.8))
    for ax, setting in zip(np.atleast_1d(axes), settings):
        rows = part[part["setting"] == setting].set_index("modality")
        plot_modality_importance(rows, ax=ax, title=f"{model}, {setting}")
    fig.savefig(out / "modality_importance.png", dpi=120, bbox_inches="tight")
    plt.close(fig)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redcore", description=__doc__.split("\n\n")[1].replace("\n", " "))
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser(
        "benchmark",
        help="compare models at shared and imbalanced missing rates",
        description="Fit every model on the training part masked at each missing-rate setting and score "
        "it on every combination of available modalities of the complete test part.",
    )
    data = bench.add_argument_group("data (default: the shipped mfeat digits, views fou, zer, mor)")
    data.add_argument("--data", type=Path, help="a CSV or Parquet file (Parquet needs pyarrow), one row per sample")
    data.add_argument("--label", help="name of the label column of --data")
    data.add_argument(
        "--modality",
        action="append",
        default=[],
        metavar="NAME=COL1,COL2",
        help="columns of one modality (repeat for each)",
    )
    data.add_argument(
        "--modalities",
        type=Path,
        metavar="FILE",
        help='JSON or TOML file mapping modality names to column lists (a sequence: {"columns": [...], "n_steps": T})',
    )
    data.add_argument(
        "--sequence",
        action="append",
        default=[],
        metavar="NAME=N_STEPS",
        help="the columns of modality NAME (from --modality) are a sequence of N_STEPS steps, "
        "step-major; all-NaN steps are padding",
    )
    data.add_argument("--views", nargs="+", default=["fou", "zer", "mor"], help="mfeat views (no --data)")
    study = bench.add_argument_group("study")
    study.add_argument(
        "--shared",
        nargs="*",
        default=["0.0", "0.5", "0.8"],
        metavar="RATE",
        help="shared missing rates, one setting each (default: 0.0 0.5 0.8)",
    )
    study.add_argument(
        "--imbalanced",
        nargs="*",
        default=None,
        metavar="R1,R2,...",
        help="per-modality missing rates, one setting each (default for 3 modalities: 0.8,0.5,0.2 and 0.2,0.5,0.8)",
    )
    study.add_argument(
        "--task",
        choices=["auto", "classification", "regression"],
        default="auto",
        help="class labels or continuous targets (auto: regression when the label column holds non-integer "
        f"numbers, classification when it holds text or at most {MAX_AUTO_CLASSES} distinct values; "
        "otherwise say which)",
    )
    study.add_argument(
        "--models",
        nargs="+",
        default=None,
        metavar="MODEL",
        help=f"among {', '.join(MODEL_NAMES)} (default: {' '.join(DEFAULT_MODELS)}; for regression, "
        f"among {', '.join(regression_models())}, default: {' '.join(DEFAULT_REGRESSION_MODELS)})",
    )
    study.add_argument("--seeds", nargs="+", type=int, default=[0])
    study.add_argument("--test-size", type=float, default=0.3)
    study.add_argument("--max-epochs", type=int, default=None, help="max_epochs of the package's neural models")
    study.add_argument("--n-jobs", type=int, default=1, help="parallel (setting, seed) runs")
    study.add_argument(
        "--class-weight",
        choices=["balanced"],
        default=None,
        help="weight the classes in every model that can (all but Impute+MLP): for imbalanced classes",
    )
    output = bench.add_argument_group("output")
    output.add_argument("--out", type=Path, default=Path("redcore-benchmark"), help="output folder")
    output.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    output.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def run_benchmark(args: argparse.Namespace) -> int:
    from ._study import run_study, summarize_study

    unknown = [m for m in args.models or [] if m not in MODEL_NAMES]
    if unknown:
        raise UsageError(f"unknown model {unknown[0]!r}; choose among {', '.join(MODEL_NAMES)}")
    if not 0 < args.test_size < 1:
        raise UsageError(f"--test-size must lie in (0, 1), got {args.test_size}")
    if args.n_jobs == 0:
        raise UsageError("--n-jobs must not be 0")
    if args.max_epochs is not None and args.max_epochs < 1:
        raise UsageError("--max-epochs must be at least 1")
    if not args.no_plots:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UsageError(
                "the figures need matplotlib (pip install 'sklearn-redcore[plot]') or pass --no-plots"
            ) from None
    if args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
        raise UsageError(f"output folder {args.out} exists and is not empty")
    X, y, modalities, description = _load_data(args)
    task, reason = _task(args, y)
    if task == "regression":
        if args.class_weight is not None:
            raise UsageError(f"--class-weight weights classes: it does not apply to a regression study ({reason})")
        args.models = args.models or DEFAULT_REGRESSION_MODELS
        unknown = [m for m in args.models if m not in regression_models()]
        if unknown:
            raise UsageError(
                f"model {unknown[0]!r} is not available for regression; choose among {', '.join(regression_models())}"
            )
        try:
            y = np.asarray(y, dtype=float)
        except (TypeError, ValueError):
            raise UsageError(f"--task regression needs a numeric label column; {args.label!r} is not") from None
    args.models = args.models or DEFAULT_MODELS
    if not args.quiet:
        print(f"task: {task} ({reason})", file=sys.stderr)
    description += f", {task}"
    if args.class_weight is not None:
        description += f", class_weight={args.class_weight!r}"
    if args.imbalanced is None:
        args.imbalanced = ["0.8,0.5,0.2", "0.2,0.5,0.8"] if len(modalities) == 3 else []
    settings = _settings(args, len(modalities))
    redcore_params = {} if args.max_epochs is None else {"max_epochs": args.max_epochs}

    start = time.perf_counter()
    try:
        results = run_study(
            X,
            y,
            modalities,
            settings,
            models=args.models,
            seeds=args.seeds,
            test_size=args.test_size,
            n_jobs=args.n_jobs,
            redcore_params=redcore_params,
            class_weight=args.class_weight,
            task=task,
            progress=not args.quiet,
        )
    except ValueError as exc:  # e.g. too few samples for the split; the estimators' messages are clear
        raise UsageError(" ".join(str(exc).split())) from None
    tables = summarize_study(results)
    # Write everything into a temporary folder beside the target, then move it in
    # place: an interrupted run leaves no half-written output.
    parent = args.out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".redcore-", dir=parent))
    try:
        _write_outputs(results, tables, staging, description, not args.no_plots, list(modalities), _SCORE_NAMES[task])
        if args.out.exists():
            args.out.rmdir()
        os.replace(staging, args.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for setting, table in tables.items():
        print(f"\n{setting}  ({_SCORE_NAMES[task]}; fit time in seconds, median)")
        print(table.round(3).to_string())
    for line in _untrained_notes(results):
        print(line)
    print(f"\n{len(results)} fits in {time.perf_counter() - start:.0f} s; results in {args.out}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``redcore`` and ``python -m sklearn_redcore``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run_benchmark(args)
    except UsageError as exc:
        print(f"redcore: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("redcore: interrupted; nothing was written", file=sys.stderr)
        return 130
