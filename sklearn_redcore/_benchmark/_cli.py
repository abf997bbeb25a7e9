"""Command line: ``python -m sklearn_redcore benchmark`` (also installed as ``redcore``).

Runs the paper's studies (shared and imbalanced missing rates, every
combination of available modalities) on the shipped mfeat digits or on a user's
CSV or Parquet table, for class labels or continuous targets, and writes
tables and figures to an output folder.

Building the parser and answering ``--help`` import neither torch nor
scikit-learn: the study's modules load once a study runs.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

from .._version import __version__
from ._names import DEFAULT_MODELS, DEFAULT_REGRESSION_MODELS, MODEL_NAMES, REGRESSION_MODEL_NAMES, match_model
from ._settings import DEFAULT_IMBALANCED_RATES, DEFAULT_SHARED_RATES, settings_from_options
from ._user_data import MAX_AUTO_CLASSES, UsageError, load_data, study_task

__all__ = ["build_parser", "default_out", "main", "run_benchmark"]

_SCORE_NAMES = {"classification": "weighted F1", "regression": "R²"}
_EXAMPLES = """\
examples:
  redcore benchmark                          # the mfeat digits, default models and settings
  redcore benchmark --models redcore hgb --seeds 0 1 2 --n-jobs 2
  redcore benchmark --data visits.csv --label outcome \\
      --modality labs=alt,ast,crp --modality imaging=img1,img2 --out visits-study
"""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Each option's default after its help (unless it has none, or the help says it), descriptions as written."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        nothing = default is None or default is False or default is argparse.SUPPRESS or default == []
        if nothing or not action.option_strings or "default" in text:
            return text
        if isinstance(default, list | tuple):
            default = " ".join(map(str, default))
        return f"{text} (default: {str(default).replace('%', '%%')})"


def _paragraph(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=79)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``redcore`` and its sub-command ``benchmark`` (imports nothing heavy)."""
    parser = argparse.ArgumentParser(
        prog="redcore",
        description=_paragraph(__doc__.split("\n\n")[1]),
        epilog="Run 'redcore benchmark --help' for the options of a study.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")
    bench = commands.add_parser(
        "benchmark",
        help="compare models at shared and imbalanced missing rates",
        description=_paragraph(
            "Fit every model on the training part masked at each missing-rate setting and score "
            "it on every combination of available modalities of the complete test part; write the "
            "tables and figures to a new folder."
        ),
        epilog=_EXAMPLES,
        formatter_class=_HelpFormatter,
    )
    data = bench.add_argument_group("data (default: the shipped mfeat digits, views fou, zer, mor)")
    data.add_argument(
        "--data", type=Path, metavar="FILE", help="a CSV or Parquet file (Parquet needs pyarrow), one row per sample"
    )
    data.add_argument("--label", metavar="COLUMN", help="name of the label column of --data")
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
    data.add_argument(
        "--views", nargs="+", default=["fou", "zer", "mor"], metavar="VIEW", help="mfeat views (without --data)"
    )
    study = bench.add_argument_group("study")
    study.add_argument(
        "--shared",
        nargs="*",
        default=[str(rate) for rate in DEFAULT_SHARED_RATES],
        metavar="RATE",
        help="shared missing rates, one setting each",
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
        help="class labels or continuous targets; auto reads the label column: non-integer numbers are "
        f"a continuous target, text or at most {MAX_AUTO_CLASSES} distinct values are classes, otherwise "
        "say which",
    )
    study.add_argument(
        "--models",
        nargs="+",
        default=None,
        metavar="MODEL",
        help=f"among {', '.join(MODEL_NAMES)}; any case (default: {' '.join(DEFAULT_MODELS)}; for "
        f"regression, among {', '.join(REGRESSION_MODEL_NAMES)}, default: {' '.join(DEFAULT_REGRESSION_MODELS)})",
    )
    study.add_argument(
        "--seeds",
        nargs="+",
        type=int,
        default=[0],
        metavar="SEED",
        help="one run per seed and setting: its split, its mask and its models' random state",
    )
    study.add_argument(
        "--test-size",
        type=float,
        default=0.3,
        metavar="SHARE",
        help="share of the samples held out, complete, for scoring",
    )
    study.add_argument(
        "--max-epochs",
        type=int,
        default=None,
        metavar="N",
        help="max_epochs of the package's neural models (default: their own; they stop when converged)",
    )
    study.add_argument("--n-jobs", type=int, default=1, metavar="N", help="(setting, seed) runs in parallel")
    study.add_argument(
        "--class-weight",
        choices=["balanced"],
        default=None,
        help="weight the classes in every model that can (all but Impute+MLP): for imbalanced classes",
    )
    study.add_argument(
        "--no-acquisition",
        action="store_true",
        help="skip the acquisition curves (RedCore's score as the test rows' missing modalities are acquired one at "
        "a time, under three policies; classification, three modalities or more)",
    )
    output = bench.add_argument_group("output")
    output.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="output folder, new or empty (default: a new folder redcore-benchmark-DATE-TIME in the current one)",
    )
    output.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    output.add_argument("--quiet", action="store_true", help="no progress line")
    return parser


def default_out(now: datetime | None = None) -> Path:
    """A new folder for a run's results: ``redcore-benchmark-DATE-TIME``, with a suffix if that one exists.

    Each run gets its own folder; one never writes into an earlier run's.
    """
    base = f"redcore-benchmark-{(now or datetime.now()):%Y%m%d-%H%M%S}"
    folder, n = Path(base), 1
    while folder.exists():
        n += 1
        folder = Path(f"{base}-{n}")
    return folder


def _check_options(args: argparse.Namespace) -> None:
    """One-line errors for the options alone, before any data is read; model names as the study spells them."""
    try:
        args.models = None if args.models is None else [match_model(name, MODEL_NAMES) for name in args.models]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
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
    if args.out is not None and args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
        raise UsageError(f"output folder {args.out} exists and is not empty")


def _regression_models(args: argparse.Namespace, y, reason: str):
    """The models of a regression study, and its targets as floats."""
    import numpy as np

    if args.class_weight is not None:
        raise UsageError(f"--class-weight weights classes: it does not apply to a regression study ({reason})")
    models = args.models or list(DEFAULT_REGRESSION_MODELS)
    unknown = [m for m in models if m not in REGRESSION_MODEL_NAMES]
    if unknown:
        raise UsageError(
            f"model {unknown[0]!r} is not available for regression; choose among {', '.join(REGRESSION_MODEL_NAMES)}"
        )
    try:
        return models, np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise UsageError(f"--task regression needs a numeric label column; {args.label!r} is not") from None


def run_benchmark(args: argparse.Namespace) -> int:
    """Run the study the parsed options describe, print its tables and write its folder; the exit status."""
    _check_options(args)
    out = args.out or default_out()
    X, y, modalities, description = load_data(args)
    task, reason = study_task(args, y)
    if task == "regression":
        args.models, y = _regression_models(args, y, reason)
    args.models = args.models or list(DEFAULT_MODELS)
    if not args.quiet:
        print(f"task: {task} ({reason}); results will be written to {out}/", file=sys.stderr)
    data_name = description
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

    from ._report import untrained_notes, write_benchmark, write_staged
    from ._study import run_study, summarize_study

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
            acquisition=not args.no_acquisition,
        )
    except ValueError as exc:  # e.g. too few samples for the split; the estimators' messages are clear
        raise UsageError(" ".join(str(exc).split())) from None
    tables = summarize_study(results)
    if args.out is None and out.exists():  # another run took the name meanwhile
        out = default_out()
    report = (description, not args.no_plots, list(modalities), _SCORE_NAMES[task], data_name)
    write_staged(out, lambda folder: write_benchmark(results, tables, folder, *report))
    for setting, table in tables.items():
        print(f"\n{setting}  ({_SCORE_NAMES[task]}; fit time in seconds, median)")
        print(table.round(3).to_string())
    for line in untrained_notes(results):
        print(line)
    print(f"\n{len(results)} fits in {time.perf_counter() - start:.0f} s; results in {out}/")
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
