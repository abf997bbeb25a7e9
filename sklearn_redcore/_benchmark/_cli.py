"""Command line: ``python -m sklearn_redcore benchmark`` (also installed as ``redcore``).

Runs the paper's studies (shared and imbalanced missing rates, every
combination of available modalities) on the shipped mfeat digits or on a user's
CSV or Parquet table, for class labels or continuous targets, and writes
tables and figures to an output folder.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from .._version import __version__
from ._models import MODEL_NAMES, regression_models
from ._report import untrained_notes, write_benchmark, write_staged
from ._settings import DEFAULT_IMBALANCED_RATES, DEFAULT_SHARED_RATES, settings_from_options
from ._study import DEFAULT_MODELS
from ._user_data import MAX_AUTO_CLASSES, UsageError, load_data, study_task

__all__ = ["build_parser", "main", "run_benchmark"]

DEFAULT_REGRESSION_MODELS = ["RedCore", "Core", "HGB", "Impute+Ridge", "Impute+MLP"]
_SCORE_NAMES = {"classification": "weighted F1", "regression": "R²"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redcore", description=__doc__.split("\n\n")[1].replace("\n", " "))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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
        default=[str(rate) for rate in DEFAULT_SHARED_RATES],
        metavar="RATE",
        help=f"shared missing rates, one setting each (default: {' '.join(map(str, DEFAULT_SHARED_RATES))})",
    )
    study.add_argument(
        "--imbalanced",
        nargs="*",
        default=None,
        metavar="R1,R2,...",
        help="per-modality missing rates, one setting each (default for 3 modalities: "
        f"{' and '.join(','.join(map(str, rates)) for rates in DEFAULT_IMBALANCED_RATES)})",
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
    X, y, modalities, description = load_data(args)
    task, reason = study_task(args, y)
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
    args.models = args.models or list(DEFAULT_MODELS)
    if not args.quiet:
        print(f"task: {task} ({reason})", file=sys.stderr)
    description += f", {task}"
    if args.class_weight is not None:
        description += f", class_weight={args.class_weight!r}"
    if args.imbalanced is None:
        args.imbalanced = (
            [",".join(map(str, rates)) for rates in DEFAULT_IMBALANCED_RATES] if len(modalities) == 3 else []
        )
    try:
        settings = settings_from_options(args.shared, args.imbalanced, len(modalities))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
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
    report = (description, not args.no_plots, list(modalities), _SCORE_NAMES[task])
    write_staged(args.out, lambda folder: write_benchmark(results, tables, folder, *report))
    for setting, table in tables.items():
        print(f"\n{setting}  ({_SCORE_NAMES[task]}; fit time in seconds, median)")
        print(table.round(3).to_string())
    for line in untrained_notes(results):
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
