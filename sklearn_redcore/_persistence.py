"""Safe model files: ``save_model`` and ``load_model``.

A pickle can run any code when it is loaded, so a pickled model from someone
else is a program from someone else. The files written here hold nothing but
numbers, strings and containers of them: the estimator's class name (one of
the package's estimators), its parameters, its fitted attributes, the torch
state of its network and optimiser, and its training history. They are read
with ``torch.load(weights_only=True)``, whose unpickler refuses every other
type, so loading one cannot execute code.
"""

from __future__ import annotations

import io
import os
import pickle
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from skorch.history import History

from ._base import BaseMultimodalEstimator
from ._inputs import ModalityInputs, SequenceModality
from ._registry import all_estimators
from ._runtime import resolve_device

__all__ = ["load_model", "save_model"]

FORMAT = "sklearn-redcore model"
# 2: the input layout and statistics are one value (``inputs_``); version 1 files are upgraded when read.
FORMAT_VERSION = 2


def _trusted_classes() -> dict[str, type[BaseMultimodalEstimator]]:
    """The classes a file may name (the package's own); nothing else is ever instantiated by load_model."""
    return dict(all_estimators("multimodal"))


# ------------------------------------------------------------------ encoding
def _encode(value: Any, where: str) -> Any:
    """Python and numpy values as builtins and tensors (what weights_only reads back)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return {"__ndarray__": torch.from_numpy(np.ascontiguousarray(value))}
        items = value.tolist()
        if value.dtype.kind in "USO" and all(isinstance(v, (str, int, float, bool)) for v in value.ravel()):
            return {"__ndarray__": items, "dtype": value.dtype.str if value.dtype.kind != "O" else "O"}
        raise TypeError(f"{where}: an array of {value.dtype} cannot be saved in the safe format")
    if isinstance(value, slice):
        return {"__slice__": [_encode(value.start, where), _encode(value.stop, where), _encode(value.step, where)]}
    if isinstance(value, range):
        return {"__range__": [value.start, value.stop, value.step]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, where) for v in value]}
    if isinstance(value, list):
        return [_encode(v, where) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"__dict__": {k: _encode(v, f"{where}[{k!r}]") for k, v in value.items()}}
        # other keys (class labels of class_weight: ints, floats, numpy scalars) as a list of pairs
        return {"__items__": [[_encode(k, where), _encode(v, f"{where}[{k!r}]")] for k, v in value.items()]}
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, SequenceModality):
        return {"__sequence__": [_encode(value.columns, where), value.n_steps, value.n_features]}
    if isinstance(value, ModalityInputs):
        return {"__modality_inputs__": _encode(value.get_state(), where)}
    raise TypeError(
        f"{where}: a value of type {type(value).__name__} cannot be saved in the safe format; "
        "use pickle for it, or give a parameter of a plain type"
    )


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        data = value["__ndarray__"]
        if isinstance(data, torch.Tensor):
            return data.numpy().copy()
        return np.asarray(data, dtype=object if value["dtype"] == "O" else np.dtype(value["dtype"]))
    if "__slice__" in value:
        return slice(*(_decode(v) for v in value["__slice__"]))
    if "__range__" in value:
        return range(*value["__range__"])
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {k: _decode(v) for k, v in value["__dict__"].items()}
    if "__items__" in value:
        return {_decode(k): _decode(v) for k, v in value["__items__"]}
    if "__sequence__" in value:
        columns, n_steps, n_features = value["__sequence__"]
        return SequenceModality(_decode(columns), n_steps, n_features)
    if "__modality_inputs__" in value:
        return ModalityInputs.from_state(_decode(value["__modality_inputs__"]))
    raise ValueError(f"unknown entry {sorted(value)!r}")


def _plain(value: Any) -> Any:
    """History values as builtins (numpy scalars and arrays become floats and lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().tolist()
    return value


# ---------------------------------------------------------------------- save
def save_model(estimator: BaseMultimodalEstimator, path: str | os.PathLike) -> None:
    """Write a fitted estimator of this package to a file that is safe to load.

    The file holds the estimator's parameters, its fitted attributes and the
    weights of its network and optimiser (so that ``warm_start`` can continue
    training after loading), in torch's zip format, and nothing that can run
    code when read by :func:`load_model`. Prefer it to pickle for files that
    you share or receive.

    Parameters
    ----------
    estimator : RedCoreClassifier, RedCoreRegressor, MMINClassifier, CRAClassifier or AMAEClassifier
        A fitted estimator. Its parameters must be plain values (numbers,
        strings, lists, tuples, dicts, slices, ranges, numpy arrays).
    path : str or path-like
        Where to write. The file is written next to it first and renamed, so
        an existing file is never left half-written.

    See Also
    --------
    load_model : read such a file.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn_redcore import RedCoreClassifier, load_model, save_model, mask_modalities
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["zer", "mor"])
    >>> X = mask_modalities(data.data, data.modalities, 0.3, random_state=0)
    >>> clf = RedCoreClassifier(data.modalities, max_epochs=2, random_state=0).fit(X, data.target)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
    >>> save_model(clf, path)
    >>> bool((load_model(path).predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    classes = _trusted_classes()
    if type(estimator).__name__ not in classes or type(estimator) is not classes[type(estimator).__name__]:
        raise TypeError(
            f"save_model saves the package's estimators ({', '.join(classes)}), not {type(estimator).__name__}."
        )
    if not hasattr(estimator, "net_"):
        raise ValueError(f"This {type(estimator).__name__} is not fitted yet: there is nothing to save.")
    net = estimator.net_
    fitted = {
        name: _encode(value, name)
        for name, value in vars(estimator).items()
        if name.endswith("_") and not name.startswith("_") and name != "net_"
    }
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "class": type(estimator).__name__,
        "params": _encode(estimator.get_params(deep=False), "params"),
        "fitted": fitted,
        "module": {k: v.detach().cpu() for k, v in net.module_.state_dict().items()},
        "optimizer": _cpu_state(net.optimizer_.state_dict()),
        "net_state": _encode(net.extra_state(), "net_state"),
        "history": _plain(list(net.history)),
    }
    path = Path(path)
    staging = path.with_name(f".{path.name}.partial")
    try:
        torch.save(payload, staging)
        os.replace(staging, path)
    finally:
        if staging.exists():
            staging.unlink()


def _cpu_state(state: Any) -> Any:
    if isinstance(state, torch.Tensor):
        return state.detach().cpu()
    if isinstance(state, dict):
        return {k: _cpu_state(v) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(_cpu_state(v) for v in state)
    return state


# ---------------------------------------------------------------------- load
def load_model(path: str | os.PathLike, *, device: str | None = None) -> BaseMultimodalEstimator:
    """Read a model written by :func:`save_model`, without running code from the file.

    Parameters
    ----------
    path : str or path-like
        The file.
    device : str or None, default=None
        Where to put the network ("cpu", "cuda", ...). None: the device the
        model was fitted on when it is available here, else the CPU (with a
        warning). The estimator's ``device`` parameter is set accordingly.

    Returns
    -------
    estimator : RedCoreClassifier, RedCoreRegressor, MMINClassifier, CRAClassifier or AMAEClassifier
        The fitted estimator; its predictions are those of the saved one.

    Raises
    ------
    ValueError
        The file is not a model file of this package, was written by a newer
        version, or holds anything but plain data (a tampered file): nothing
        in it has been executed.

    See Also
    --------
    save_model : write such a file.

    Examples
    --------
    See :func:`save_model`.
    """
    path = Path(path)
    try:
        with warnings.catch_warnings():
            # torch's remark about a foreign pickle protocol: the error below says more.
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except (
        pickle.UnpicklingError,
        RuntimeError,
        EOFError,
        zipfile.BadZipFile,
        ValueError,
        TypeError,
        AttributeError,
        io.UnsupportedOperation,
    ) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(
            f"{path} is not a safe sklearn-redcore model file, or it has been altered; nothing "
            f"in it was executed. (The safe reader said: {first_line})"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a sklearn-redcore model file.")
    if payload.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by a newer version of sklearn-redcore "
            f"(format {payload['format_version']}); upgrade the package to read it."
        )
    if payload.get("format_version", 0) < FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by a development version of sklearn-redcore before 0.1.0 "
            f"(format {payload.get('format_version', 0)}); fit the model again and save it."
        )
    classes = _trusted_classes()
    if payload.get("class") not in classes:
        raise ValueError(
            f"{path} names the class {payload.get('class')!r}, which is not one of the package's "
            f"estimators ({', '.join(classes)})."
        )
    try:
        params = _decode(payload["params"])
        estimator = classes[payload["class"]](**params)
        fitted = {name: _decode(value) for name, value in payload["fitted"].items()}
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"{path} holds parameters that {payload['class']} does not accept: {exc}") from None
    target = device if device is not None else estimator.device
    try:
        target = resolve_device(target)
    except ValueError:
        if device is not None:
            raise
        warnings.warn(
            f"The model was fitted on {estimator.device!r}, which is not available here; it is loaded on the CPU.",
            UserWarning,
            stacklevel=2,
        )
        target = "cpu"
    estimator.set_params(device=target)
    estimator._restore(
        fitted,
        payload["module"],
        payload["optimizer"],
        _decode(payload["net_state"]),
        History(payload["history"]),
        target,
    )
    return estimator
