"""``save_model`` and ``load_model``: a fitted estimator to a file of data only, and back.

``save_model`` turns the estimator into a JSON document (class, parameters,
fitted attributes, network and optimiser state, the net's own state,
history; ``_values.py``) and its arrays, and writes them as a container
(``_container.py``). ``load_model`` reads the container, then checks, in
this order and before anything is built: the format and the class; the
parameters, with the estimator's own checks; the fitted attributes against
the parameters and against each other (``_fitted.py``); the training state
(``_training_state.py``). Only then is the network built, under a budget
that its file's weights set (``_budget.py``), and its weights loaded.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from skorch.history import History

from .._base import BaseMultimodalEstimator
from .._registry import all_estimators
from .._runtime import resolve_device
from ._budget import AllocationBudget, OverBudget
from ._container import ModelFileError, read_container, write_container
from ._fitted import check_fitted, checked_estimator
from ._training_state import (
    check_history,
    check_loaded_optimizer,
    check_module_state,
    check_net_state,
    check_optimizer_state,
)
from ._values import ArrayReader, ArrayWriter, decode, encode

__all__ = ["FORMAT", "FORMAT_VERSION", "load_model", "save_model"]

FORMAT = "sklearn-redcore model"
# 3: JSON and raw arrays in an uncompressed zip, with a digest (2: torch's pickle-based format, no longer read).
FORMAT_VERSION = 3
_PARTS = ("params", "fitted", "module", "optimizer", "net_state", "history")
#: What a failure inside torch or skorch while the network is rebuilt can raise (all mean: the file does not fit).
_REBUILD_ERRORS = (ValueError, TypeError, KeyError, IndexError, RuntimeError, OverflowError)


def _trusted_classes() -> dict[str, type[BaseMultimodalEstimator]]:
    """The classes a file may name (the package's own); nothing else is ever instantiated by load_model."""
    return dict(all_estimators("multimodal"))


# ---------------------------------------------------------------------- save
def save_model(estimator: BaseMultimodalEstimator, path: str | os.PathLike) -> None:
    """Write a fitted estimator of this package to a file that is safe to load.

    The file holds the estimator's parameters, its fitted attributes and the
    weights of its network and optimiser (so that ``warm_start`` can continue
    training after loading): a JSON document and raw arrays of numbers in an
    uncompressed zip, with a SHA-256 digest of the whole; no pickle, nothing
    that :func:`load_model` could execute. Prefer it to pickle for files
    that you share or receive.

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
    >>> path = os.path.join(tempfile.mkdtemp(), "redcore.model")
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
    net, arrays = estimator.net_, ArrayWriter()
    fitted = {
        name: value
        for name, value in vars(estimator).items()
        if name.endswith("_") and not name.startswith("_") and name != "net_"
    }
    parts = {
        "params": estimator.get_params(deep=False),
        "fitted": fitted,
        "module": dict(net.module_.state_dict()),
        "optimizer": net.optimizer_.state_dict(),
        "net_state": net.extra_state(),
    }
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, "class": type(estimator).__name__}
    document |= {name: encode(value, name, arrays) for name, value in parts.items()}
    document["history"] = _plain(list(net.history))
    document["arrays"] = arrays.declared
    path = Path(path)
    staging = path.with_name(f".{path.name}.partial")
    try:
        write_container(staging, document, arrays.blobs)
        os.replace(staging, path)
    finally:
        if staging.exists():
            staging.unlink()


def _plain(value: Any) -> Any:
    """History values as builtins (numpy scalars and arrays become floats and lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars, tensors
        return value.tolist()
    return value


# ---------------------------------------------------------------------- load
def load_model(path: str | os.PathLike, *, device: str | None = None) -> BaseMultimodalEstimator:
    """Read a model written by :func:`save_model`, trusting nothing in the file.

    Nothing in the file is executed: it holds JSON and arrays of numbers,
    and no pickle is read. Its digest, the parameters (with the estimator's
    own checks), the fitted attributes and the shapes of every array are
    checked before the network is built, and building it may not take more
    memory than the file's weights account for.

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
        The file is not a model file of this package, was written by another
        version of the format, was altered or damaged, or holds anything that
        the estimator it names would not hold. The message names the file
        and the reason.

    See Also
    --------
    save_model : write such a file.

    Examples
    --------
    See :func:`save_model`.
    """
    path = Path(path)
    try:
        estimator, parts, arrays = _read_checked(path)
    except ModelFileError as exc:
        raise ValueError(f"{path}: {str(exc).rstrip('.')}.") from None
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
    weights = sum(tensor.numel() * tensor.element_size() for tensor in parts["module"].values())
    try:
        with AllocationBudget(weights, sum(arrays.nbytes)):
            estimator._restore(
                parts["fitted"],
                parts["module"],
                parts["optimizer"],
                parts["net_state"],
                History(parts["history"]),
                target,
            )
        check_loaded_optimizer(estimator.net_.optimizer_)
    except OverBudget as exc:
        raise ValueError(f"{path}: {str(exc).rstrip('.')}; the network was not built.") from None
    except ModelFileError as exc:
        raise ValueError(f"{path}: {str(exc).rstrip('.')}.") from None
    except _REBUILD_ERRORS:
        raise ValueError(
            f"{path}: the saved network does not match the saved parameters (its weights, optimiser or "
            "training state are not those of the network that the parameters describe)."
        ) from None
    return estimator


def _read_checked(path: Path) -> tuple[BaseMultimodalEstimator, dict[str, Any], ArrayReader]:
    """The unfitted estimator and the checked parts of the file (``ModelFileError`` at the first problem)."""
    document, blobs = read_container(path)
    if document.get("format") != FORMAT:
        raise ModelFileError("not a sklearn-redcore model file (its document names another format)")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError("not a sklearn-redcore model file (its format version is not a number)")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"it was written by a newer version of sklearn-redcore (format {str(version)[:12]}); upgrade the package "
            "to read it"
        )
    if version < FORMAT_VERSION:
        raise ModelFileError(
            f"it was written by a development version of sklearn-redcore before 0.1.0 (format {str(version)[:12]}); "
            "fit the model again and save it"
        )
    classes = _trusted_classes()
    name = document.get("class")
    if not isinstance(name, str) or name not in classes:
        raise ModelFileError(
            f"it names the class {str(name)[:80]!r}, which is not one of the package's estimators "
            f"({', '.join(classes)})"
        )
    missing = [part for part in (*_PARTS, "arrays") if part not in document]
    if missing or len(document) != len(_PARTS) + 4:
        raise ModelFileError(f"its document lacks {missing[0]!r}" if missing else "its document holds unknown parts")
    arrays = ArrayReader(document["arrays"], blobs)
    parts = {part: decode(document[part], part, arrays) for part in _PARTS if part != "history"}
    arrays.check_all_taken()
    estimator = checked_estimator(classes[name], parts["params"])
    parts["fitted"] = check_fitted(estimator, parts["fitted"])
    parts["history"] = check_history(document["history"], parts["fitted"]["n_iter_"])
    check_module_state(parts["module"], len(parts["fitted"]["inputs_"].modalities))
    check_optimizer_state(parts["optimizer"])
    check_net_state(parts["net_state"])
    return estimator, parts, arrays
