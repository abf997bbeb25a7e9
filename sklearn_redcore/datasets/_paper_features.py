"""Loaders for the feature files of the RedCore paper's data sets (IEMOCAP, MSP-IMPROV, CMU-MOSEI).

The paper's features are not redistributable and are not downloaded here:
these functions read copies that users already hold, in the layouts of the
paper's public code, and return X (sequences padded with NaN steps and
flattened), y and the modality specification.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils import Bunch

from .._inputs import flatten_sequences

__all__ = ["load_iemocap_features", "load_mosei_features"]

IEMOCAP_FILES = {"A": "A/comparE.h5", "V": "V/denseface.h5", "L": "L/bert_large.h5"}
MOSEI_KEYS = {"A": "audio", "V": "vision", "L": "text"}
_SPLIT_NAMES = {"trn": "train", "val": "valid", "tst": "test"}


def _import_h5py(caller: str) -> Any:
    try:
        import h5py
    except ImportError:
        raise ImportError(
            f"{caller} reads HDF5 files and needs h5py: pip install 'sklearn-redcore[paper-data]' "
            "(or pip install h5py)."
        ) from None
    return h5py


def _finite(values: Any) -> np.ndarray:
    """A float32 copy with infinite values set to 0 (some published CMU-MOSEI audio features hold -inf)."""
    values = np.array(values, dtype=np.float32)
    values[np.isinf(values)] = 0.0
    return values


def _utterance_name(entry: Any) -> str:
    """An utterance id from an int2name entry: str, bytes, or an array holding one of these."""
    while isinstance(entry, np.ndarray) or (isinstance(entry, (list, tuple)) and len(entry) == 1):
        if np.size(entry) != 1:
            raise ValueError(f"An int2name entry holds {np.size(entry)} values; expected one utterance id.")
        entry = np.asarray(entry, dtype=object).ravel()[0]
    if isinstance(entry, bytes):
        return entry.decode()
    return str(entry)


def _load_npy(path: Path) -> np.ndarray:
    if not path.is_file():
        raise FileNotFoundError(f"Label file not found: {path}")
    try:
        return np.load(path, allow_pickle=False)
    except ValueError:  # an array of Python objects (e.g. utterance ids as str objects)
        return np.load(path, allow_pickle=True)


def _class_labels(labels: np.ndarray, source: str) -> np.ndarray:
    """Integer classes from one-hot rows (IEMOCAP) or from class numbers (MSP-IMPROV, CMU-MOSEI)."""
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] > 1:
        return np.argmax(labels, axis=1)
    labels = labels.reshape(-1)
    as_float = labels.astype(float)
    if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
        raise ValueError(f"{source} holds labels that are not class numbers (e.g. {labels[:3].tolist()}).")
    return as_float.astype(np.int64)


def _check_steps(n_steps: Any, names: list[str]) -> Any:
    if isinstance(n_steps, Mapping):
        unknown = sorted(set(map(str, n_steps)) - set(names))
        if unknown:
            raise ValueError(f"n_steps names unknown modalities {unknown}; known: {names}.")
    return n_steps


def load_iemocap_features(
    root: str | Path,
    fold: int = 1,
    split: str = "trn",
    *,
    files: Mapping[str, str] | None = None,
    target_dir: str | Path | None = None,
    n_steps: int | Mapping[str, int] | None = None,
) -> Bunch:
    """Load the IEMOCAP (or MSP-IMPROV) sequence features of the paper, in the layout of its code.

    The layout (that of the MMIN and RedCore code; the files are the user's):

    * one HDF5 file per modality, in which each utterance id is a dataset
      of shape (steps, features), of varying length: by default
      ``A/comparE.h5`` (acoustic, 130 features per frame),
      ``V/denseface.h5`` (visual, 342) and ``L/bert_large.h5`` (lexical,
      1024 per token), under ``root``;
    * labels per cross-validation fold, in ``target/<fold>/``:
      ``<split>_label.npy`` (IEMOCAP: one-hot rows over the 4 classes;
      MSP-IMPROV: class numbers; both are accepted) and
      ``<split>_int2name.npy``, the utterance id of each row. The ids may be
      str or bytes, or arrays holding one id each (IEMOCAP stores rows of one
      bytes string); this is inferred from the code that reads them, as the
      files themselves are not public.

    Sequences are padded with NaN steps (a step of NaN is padding for the
    package's estimators) and flattened step-major. An utterance with no
    step in a modality misses it (all NaN). The features are returned as
    stored: the estimators standardise each feature on the training data
    (the code's ``comparE_mean_std.h5`` is not needed). Infinite values are
    set to 0.

    Parameters
    ----------
    root : str or Path
        Folder of the feature files (the code's ``feature_root``).
    fold : int, default=1
        Cross-validation fold (folder ``target/<fold>``).
    split : {"trn", "val", "tst"}, default="trn"
        Part of the fold.
    files : dict of str to str or None, default=None
        Modality name -> HDF5 file relative to ``root``, in column order.
        None: ``{"A": "A/comparE.h5", "V": "V/denseface.h5", "L": "L/bert_large.h5"}``.
    target_dir : str, Path or None, default=None
        Folder of the label files (the code's ``target_root``); None:
        ``root / "target"``.
    n_steps : int, dict of str to int, or None, default=None
        Steps T of each modality (an int for all, or per modality name):
        shorter sequences are padded, longer ones keep their first T steps.
        None: the longest sequence of the modality's whole HDF5 file, so
        that every split and fold gets the same columns.

    Returns
    -------
    data : Bunch
        ``data``, float32 array (n_utterances, sum of T * d);
        ``target``, int array of classes; ``modalities``, dict name ->
        :class:`~sklearn_redcore.SequenceModality`; ``ids``, the utterance
        ids; ``lengths``, (n_utterances, n_modalities) numbers of steps
        before cutting to ``n_steps``.

    Raises
    ------
    ImportError
        h5py is not installed (``pip install 'sklearn-redcore[paper-data]'``).
    FileNotFoundError
        A feature or label file is missing.
    KeyError
        An utterance id of the labels is not in a feature file.

    Examples
    --------
    >>> from sklearn_redcore.datasets import load_iemocap_features
    >>> from sklearn_redcore import RedCoreClassifier
    >>> train = load_iemocap_features("IEMOCAP_features_2021", fold=1, split="trn")  # doctest: +SKIP
    >>> test = load_iemocap_features("IEMOCAP_features_2021", fold=1, split="tst")  # doctest: +SKIP
    >>> clf = RedCoreClassifier(train.modalities).fit(train.data, train.target)  # doctest: +SKIP
    """
    h5py = _import_h5py("load_iemocap_features")
    if split not in _SPLIT_NAMES:
        raise ValueError(f"split must be one of {list(_SPLIT_NAMES)}, got {split!r}.")
    root = Path(root)
    files = dict(IEMOCAP_FILES if files is None else files)
    n_steps = _check_steps(n_steps, list(files))
    target = Path(target_dir) if target_dir is not None else root / "target"
    label_path = target / str(fold) / f"{split}_label.npy"
    labels = _class_labels(_load_npy(label_path), str(label_path))
    ids = [_utterance_name(entry) for entry in _load_npy(target / str(fold) / f"{split}_int2name.npy")]
    if len(ids) != len(labels):
        raise ValueError(
            f"{split}_int2name.npy lists {len(ids)} utterances but {split}_label.npy has {len(labels)} labels."
        )
    sequences, steps, lengths = {}, {}, []
    for name, relative in files.items():
        path = root / relative
        if not path.is_file():
            raise FileNotFoundError(f"Feature file of modality {name!r} not found: {path}")
        with h5py.File(path, "r") as store:
            missing = [utt for utt in ids if utt not in store]
            if missing:
                raise KeyError(
                    f"{len(missing)} utterance(s) of {split}_int2name.npy are not in {path}, e.g. {missing[0]!r}."
                )
            sequences[name] = [_finite(store[utt][()]) for utt in ids]
            if isinstance(n_steps, Mapping):
                limit = n_steps.get(name)
            else:
                limit = n_steps
            steps[name] = (
                limit
                if limit is not None
                else max((store[key].shape[0] if len(store[key].shape) > 1 else 1) for key in store)
            )
        lengths.append([len(s) if np.ndim(s) > 1 else int(np.size(s) > 0) for s in sequences[name]])
    X, modalities = flatten_sequences(sequences, steps)
    return Bunch(
        data=X,
        target=labels,
        modalities=modalities,
        ids=np.asarray(ids, dtype=object),
        lengths=np.asarray(lengths, dtype=np.int64).reshape(len(files), len(ids)).T,
    )


def load_mosei_features(
    path: str | Path,
    split: str = "train",
    *,
    keys: Mapping[str, str] | None = None,
    label_key: str = "classification_labels",
    padding: str = "auto",
    n_steps: int | Mapping[str, int] | None = None,
) -> Bunch:
    """Load the CMU-MOSEI features of the paper: one pickle in the MMSA layout (e.g. ``aligned_50.pkl``).

    The pickle holds a dict with the splits ``"train"``, ``"valid"`` and
    ``"test"``, each a dict of arrays: ``"audio"`` (n, T, 74), ``"vision"``
    (n, T, 35), ``"text"`` (n, T, 768) with T = 50 in the paper,
    ``"classification_labels"`` (n,) and, in some versions,
    ``"audio_lengths"`` / ``"vision_lengths"`` and ``"id"``. Sequences in
    this layout are padded with zero steps; with ``padding="auto"`` the
    lengths are taken from ``<key>_lengths`` where the split has it, and
    otherwise a step whose features are all exactly 0 is taken as padding
    (NaN in X). Infinite values (some copies hold -inf in the audio
    features) are set to 0.

    Only open pickles that you trust: loading a pickle can run code.

    Parameters
    ----------
    path : str or Path
        The pickle file.
    split : {"train", "valid", "test"}, default="train"
        The split ("trn", "val", "tst" are accepted too).
    keys : dict of str to str or None, default=None
        Modality name -> key of its array in the split, in column order.
        None: ``{"A": "audio", "V": "vision", "L": "text"}``.
    label_key : str, default="classification_labels"
        Key of the class labels (class numbers; the paper uses 3 classes).
    padding : {"auto", "zeros", "none"}, default="auto"
        How padding steps are found: "auto" (lengths if given, else zero
        steps), "zeros" (zero steps) or "none" (every step is kept).
    n_steps : int, dict of str to int, or None, default=None
        Steps T of each modality; None keeps the stored length.

    Returns
    -------
    data : Bunch
        ``data``, float32 (n, sum of T * d); ``target``, int classes;
        ``modalities``, dict name -> :class:`~sklearn_redcore.SequenceModality`;
        ``lengths``, (n, n_modalities) numbers of steps that hold data;
        ``ids`` when the split has ``"id"``.

    Examples
    --------
    >>> from sklearn_redcore.datasets import load_mosei_features
    >>> train = load_mosei_features("MOSEI/aligned_50.pkl", split="train")  # doctest: +SKIP
    >>> train.data.shape  # doctest: +SKIP
    (16326, 43850)
    """
    split = _SPLIT_NAMES.get(split, split)
    if split not in _SPLIT_NAMES.values():
        raise ValueError(f"split must be one of {list(_SPLIT_NAMES.values())}, got {split!r}.")
    if padding not in ("auto", "zeros", "none"):
        raise ValueError(f"padding must be 'auto', 'zeros' or 'none', got {padding!r}.")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"CMU-MOSEI feature file not found: {path}")
    with open(path, "rb") as handle:
        data = pickle.load(handle)
    if not isinstance(data, Mapping) or split not in data:
        found = list(data) if isinstance(data, Mapping) else type(data).__name__
        raise ValueError(f"{path} is not in the MMSA layout: expected a dict with the split {split!r}, found {found}.")
    part = data[split]
    keys = dict(MOSEI_KEYS if keys is None else keys)
    n_steps = _check_steps(n_steps, list(keys))
    absent = [key for key in [*keys.values(), label_key] if key not in part]
    if absent:
        raise KeyError(f"Split {split!r} of {path} has no {absent[0]!r}; it has {sorted(part)}.")
    labels = _class_labels(part[label_key], f"{label_key!r} of split {split!r}")
    sequences, lengths = {}, []
    for name, key in keys.items():
        values = _finite(part[key])
        if values.ndim != 3 or len(values) != len(labels):
            raise ValueError(
                f"{key!r} of split {split!r} must have shape (n_samples={len(labels)}, steps, "
                f"features), got {values.shape}."
            )
        if padding == "none":
            observed = np.ones(values.shape[:2], dtype=bool)
        elif padding == "auto" and f"{key}_lengths" in part:
            length = np.asarray(part[f"{key}_lengths"]).reshape(-1)
            observed = np.arange(values.shape[1]) < length[:, None]
        else:
            observed = np.any(values != 0, axis=2)
        values[~observed] = np.nan
        sequences[name] = values
        lengths.append(observed.sum(axis=1))
    X, modalities = flatten_sequences(sequences, n_steps)
    result = Bunch(data=X, target=labels, modalities=modalities, lengths=np.column_stack(lengths))
    if "id" in part:
        result["ids"] = np.asarray(part["id"], dtype=object)
    return result
