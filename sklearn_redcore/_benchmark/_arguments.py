"""The command-line options the benchmark scripts share: seeds, parallel runs, settings, models, parameters, output.

Each script of ``benchmarks/`` starts from :func:`study_parser` (or adds
the options to a sub-command with :func:`add_study_options`) and adds the
options of its own study; ``--param KEY=VALUE`` values are read by
:func:`parse_params`.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["add_study_options", "parse_params", "study_parser"]


def parse_params(items: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` strings (as the benchmark scripts take them) as model parameters.

    A value is read as a Python literal where it is one (``3``, ``1e-3``,
    ``(64, 32)``, ``None``, ``False``), as a string otherwise.

    >>> parse_params(["max_epochs=50", "encoder_hidden=(64,)", "sequence_encoder=mlp"])
    {'max_epochs': 50, 'encoder_hidden': (64,), 'sequence_encoder': 'mlp'}
    """
    params: dict[str, Any] = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def study_parser(doc: str | None, **options: Any) -> argparse.ArgumentParser:
    """A parser described by the first paragraph of ``doc``, with the options of :func:`add_study_options`."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    return add_study_options(parser, **options)


def add_study_options(
    parser: argparse.ArgumentParser,
    *,
    seeds: Sequence[int] | None = (0, 1, 2),
    n_jobs: int | None = 1,
    n_jobs_help: str | None = None,
    settings: Sequence[str] | None = None,
    default_settings: Sequence[str] | None = None,
    settings_help: str | None = None,
    models: Sequence[str] | None = None,
    models_help: str | None = None,
    param: str | None = "--param",
    param_help: str = "a parameter of RedCore (and of the package's other models), e.g. max_epochs=50",
    test_size: bool = False,
    out: str | None = "folder",
    out_help: str = "folder for results.csv and summary.md",
) -> argparse.ArgumentParser:
    """Add the study options asked for to ``parser`` (a script's, or one of its sub-commands'); return it.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The parser to add them to.
    seeds : sequence of int or None, default=(0, 1, 2)
        Default of ``--seeds`` (None: no such option).
    n_jobs : int or None, default=1
        Default of ``--n-jobs`` (None: no such option); ``n_jobs_help`` its help.
    settings : sequence of str or None, default=None
        Choices of ``--settings`` (None: no such option); ``default_settings``
        its default (None: every choice), ``settings_help`` its help.
    models : sequence of str or None, default=None
        Default of ``--models`` (None: no such option); ``models_help`` its help.
    param : str or None, default="--param"
        The name of the repeatable ``KEY=VALUE`` option (None: none); ``param_help`` its help.
    test_size : bool, default=False
        Whether to offer ``--test-size`` (default 0.3).
    out : {"folder", "file"} or None, default="folder"
        ``--out``: a folder (a Path), a file (a string) or no such option; ``out_help`` its help.
    """
    if settings is not None:
        parser.add_argument(
            "--settings",
            nargs="+",
            default=list(settings if default_settings is None else default_settings),
            choices=list(settings),
            metavar="SETTING",
            help=settings_help or f"missing-rate settings, among: {', '.join(settings)}",
        )
    if models is not None:
        parser.add_argument(
            "--models", nargs="+", default=list(models), help=models_help or f"default: {' '.join(models)}"
        )
    if seeds is not None:
        parser.add_argument(
            "--seeds",
            nargs="+",
            type=int,
            default=list(seeds),
            help="one run per seed and setting: its split, mask and models' random state "
            f"(default: {' '.join(map(str, seeds))})",
        )
    if test_size:
        parser.add_argument(
            "--test-size", type=float, default=0.3, help="share of the samples held out for scoring (default: 0.3)"
        )
    if n_jobs is not None:
        parser.add_argument(
            "--n-jobs", type=int, default=n_jobs, help=n_jobs_help or "parallel runs, one torch thread each"
        )
    if param is not None:
        parser.add_argument(param, action="append", default=[], metavar="KEY=VALUE", help=param_help)
    if out is not None:
        parser.add_argument("--out", type=Path if out == "folder" else str, default=None, help=out_help)
    return parser
