"""The package's estimators, found by walking its modules: the one list every tool uses.

An estimator exists for users when a module of the package defines it
under a public name (not ``Base...``, and not one of the skorch nets
that train the estimators' networks); :func:`all_estimators` imports the
package's modules and collects those classes, as scikit-learn's function of
the same name does. The study tools (``_benchmark``), the data sets and the
plots hold no estimator of the library and are not walked. The safe model
files (which classes a file may name), the benchmark study (which models it
can run) and the common scikit-learn checks of the test suite all ask this
function rather than keeping lists of their own; a test checks that it
finds exactly the estimators that ``sklearn_redcore`` exports.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache
from pathlib import Path

from sklearn.base import BaseEstimator
from skorch import NeuralNet

__all__ = ["all_estimators"]

#: What holds no estimator of the library (and the command line, which runs when imported).
_NOT_WALKED = ("_benchmark", "datasets", "plotting", "__main__")


@cache
def _estimators() -> tuple[tuple[str, type[BaseEstimator]], ...]:
    package = __name__.rpartition(".")[0]
    found = {}
    for module_info in pkgutil.walk_packages([str(Path(__file__).parent)], prefix=f"{package}."):
        if any(part in _NOT_WALKED for part in module_info.name.split(".")):
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            public = not name.startswith(("_", "Base"))
            # (the skorch nets inside the estimators are scikit-learn estimators too, but not the library's)
            estimator = issubclass(obj, BaseEstimator) and not issubclass(obj, NeuralNet)
            if public and estimator and obj.__module__ == module.__name__:
                found[name] = obj
    return tuple(sorted(found.items()))


def all_estimators(kind: str | None = None) -> list[tuple[str, type[BaseEstimator]]]:
    """The public estimators of the package, as ``(name, class)`` pairs sorted by name.

    Parameters
    ----------
    kind : {"multimodal"} or None, default=None
        "multimodal": only the estimators that train a network on modalities
        (the subclasses of ``BaseMultimodalEstimator``, classifiers and
        regressors, which :func:`~sklearn_redcore.save_model` can save).
        None: every estimator.

    Returns
    -------
    list of (str, type)
    """
    from ._base import BaseMultimodalEstimator

    if kind not in (None, "multimodal"):
        raise ValueError(f"kind must be None or 'multimodal', got {kind!r}")
    base = BaseMultimodalEstimator if kind == "multimodal" else BaseEstimator
    return [(name, cls) for name, cls in _estimators() if issubclass(cls, base)]
