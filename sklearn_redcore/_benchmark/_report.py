"""The outputs of the studies: the tables and figures of ``redcore benchmark``, and the scripts' files.

:func:`write_benchmark` writes the command's folder (``results.csv``,
``results.json``, ``modality_importance.csv``, ``acquisition.csv`` where
the study drew acquisition curves, ``summary.md`` and the figures),
through :func:`write_staged` so that an interrupted run leaves nothing
half-written;
:func:`write_outputs` writes the files of a benchmark script (CSV tables,
Markdown, JSON) into its ``--out`` folder; :func:`config_table` is the
table of the scripts that compare configurations of one model.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from ._acquisition import ACQUISITION_COLUMN, RANDOM_DRAWS, acquisition_table
from ._study import IMPORTANCE_COLUMNS, importance_table

__all__ = [
    "config_fits",
    "config_table",
    "report_table",
    "untrained_notes",
    "write_benchmark",
    "write_outputs",
    "write_staged",
]


def write_outputs(out: Path | None, files: Mapping[str, pd.DataFrame | dict | str]) -> None:
    """Write ``files`` (name -> content) into the folder ``out``, made if need be; nothing when ``out`` is None.

    A DataFrame is written as CSV (without its index), a dict as JSON, text as it is.
    """
    if out is None:
        return
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, pd.DataFrame):
            content.to_csv(out / name, index=False)
        elif isinstance(content, dict):
            (out / name).write_text(json.dumps(content, indent=2))
        else:
            (out / name).write_text(content)


def report_table(
    out: Path | None,
    title: str,
    table: pd.DataFrame,
    results: pd.DataFrame,
    names: tuple[str, str] = ("results.csv", "summary.md"),
    lead: str = "",
) -> str:
    """Print a script's summary (``title``, then ``table`` in Markdown), and write it and ``results`` into ``out``.

    ``names``: the files of the results and of the summary; ``lead``: printed before the summary.
    """
    summary = f"{title}\n\n{table.to_markdown()}\n"
    print(lead + summary)
    write_outputs(out, {names[0]: results, names[1]: summary})
    return summary


def config_fits(results: pd.DataFrame) -> pd.DataFrame:
    """The fits of a study of configurations (its models): config, setting, seed, f1, fit_time, epochs.

    ``results``: the study's rows, measured with :func:`~._run.epochs`; ``f1``
    is the score averaged over the combinations of modalities (``"Ave."``).
    """
    fits = results.rename(columns={"model": "config", "Ave.": "f1"})
    return fits[["config", "setting", "seed", "f1", "fit_time", "epochs"]]


def config_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per configuration: F1 per setting (mean over seeds), their mean, fit time and epochs.

    ``results``: one row per fit, with the columns ``config``, ``setting``,
    ``f1``, ``fit_time`` and ``epochs``; rows and columns keep their first-seen order.
    """
    f1 = results.pivot_table(index="config", columns="setting", values="f1", aggfunc="mean", sort=False)
    table = f1.round(3)
    table["mean F1"] = f1.mean(axis=1).round(4)
    grouped = results.groupby("config", sort=False)
    table["fit s (median)"] = grouped["fit_time"].median().round(2)
    table["epochs (median)"] = grouped["epochs"].median()
    return table


def write_staged(out: Path, write: Callable[[Path], None]) -> None:
    """``write(folder)`` into a folder beside ``out``, then that folder moved to ``out`` (empty or absent).

    An interrupted run leaves no half-written output.
    """
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".redcore-", dir=parent))
    try:
        write(staging)
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def untrained_notes(results: pd.DataFrame) -> list[str]:
    """One line per model and setting that could not be trained (NaN in the tables), with the reason."""
    if "error" not in results:
        return []
    failed = results[results["error"].notna()]
    return [
        f"\nNote: {row.model} was not trained at {row.setting} (seed {row.seed}): {row.error}"
        for row in failed.itertuples()
    ]


def write_benchmark(
    results: pd.DataFrame,
    tables: dict,
    out: Path,
    description: str,
    plots: bool,
    modality_names: list[str],
    score_name: str = "weighted F1",
    data: str | None = None,
) -> None:
    """The files of ``redcore benchmark`` in ``out``: results, importance, summary and (``plots``) figures.

    ``description`` heads the summary; ``data`` (default: ``description``)
    names the data in the figures' titles (see :mod:`._figures` for their files).
    """
    out.mkdir(parents=True, exist_ok=True)
    lists = {ACQUISITION_COLUMN, *IMPORTANCE_COLUMNS}
    plain = results.drop(columns=[c for c in results.columns if c.endswith("_history") or c in lists])
    plain.to_csv(out / "results.csv", index=False)
    importance = importance_table(results, modality_names)
    importance.round(4).to_csv(out / "modality_importance.csv", index=False)
    curves = acquisition_table(results)
    if len(curves):
        curves.round(4).to_csv(out / "acquisition.csv", index=False)
    (out / "results.json").write_text(results.to_json(orient="records", indent=1))
    with open(out / "summary.md", "w") as handle:
        handle.write(f"# {score_name[0].upper()}{score_name[1:]} per modality combination ({description})\n\n")
        for setting, table in tables.items():
            handle.write(f"## {setting}\n\n{table.round(3).to_markdown()}\n\n")
        notes = untrained_notes(results)
        for line in notes:
            handle.write(f"{line}\n")
        if len(curves):
            handle.write(("\n" if notes else "") + _acquisition_summary(curves))
    if plots:
        from ._figures import write_figures

        figures = dict(data=data or description, modality_names=modality_names, score_name=score_name)
        write_figures(results, tables, importance, out, curves=curves, **figures)


def _acquisition_summary(curves: pd.DataFrame) -> str:
    """The summary's section on the acquisition curves: per setting, each policy's accuracy after each acquisition."""
    text = (
        "# Which modality to acquire next (RedCore)\n\n"
        "Each complete test row keeps one modality, drawn at random; each policy then acquires its missing "
        "modalities one at a time (gain: the largest `acquisition_gain`, no labels; fixed order: the modalities "
        "ranked by the accuracy they give when acquired first, on the other half of the test rows; random: the mean of "
        f"{RANDOM_DRAWS} draws). "
        "Accuracy after each number of acquired modalities, mean over the seeds:\n\n"
    )
    for setting, part in curves.groupby("setting", sort=False):
        table = part.pivot_table(index="policy", columns="n_acquired", values="accuracy", aggfunc="mean", sort=False)
        text += f"## {setting}\n\n{table.round(3).to_markdown()}\n\n"
    return text
