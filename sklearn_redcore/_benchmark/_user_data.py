"""The data of ``redcore benchmark``: the shipped mfeat digits, or a user's table and its modalities.

A CSV or Parquet file (``--data``), its label column (``--label``), and
which columns form which modality (``--modality`` options, ``--sequence``
for a sequence, or a ``--modalities`` JSON or TOML file); then the task
(``--task auto`` reads the label column). A problem with the user's input is
a :class:`UsageError`: one line, exit status 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_AUTO_CLASSES", "UsageError", "load_data", "study_task"]

#: Integer labels with more distinct values than this are not taken for classes by --task auto.
MAX_AUTO_CLASSES = 20


class UsageError(Exception):
    """A problem with the user's input: reported in one line, exit status 2."""


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(f"data file not found: {path}")
    import pandas as pd

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


def load_data(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, dict[str, list[int]], str]:
    """X, y, the modality spec as int positions, and a description of the data."""
    import pandas as pd

    from .._inputs import SequenceModality, contiguous_modalities, resolve_modalities
    from ..datasets import load_mfeat

    if args.data is None:
        if args.label or args.modality or args.modalities or args.sequence:
            raise UsageError("--label, --modality, --sequence and --modalities need --data")
        data = load_mfeat(views=args.views)
        return data.data, data.target, data.modalities, f"mfeat digits, views {'+'.join(args.views)}"
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


def study_task(args: argparse.Namespace, y: np.ndarray) -> tuple[str, str]:
    """The study's task, and how it was chosen (``--task auto`` reads the label column)."""
    import pandas as pd
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
