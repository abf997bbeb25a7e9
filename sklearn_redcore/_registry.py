"""The package's estimators, read from its public API: the one list every tool uses.

An estimator exists for users when ``sklearn_redcore/__init__.py`` exports it
in ``__all__``; :func:`all_estimators` finds it there. The safe model files
(which classes a file may name), the benchmark study (which models it can
run) and the common scikit-learn checks of the test suite all ask this
function rather than keeping lists of their own.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]


def all_estimators(kind: str | None = None) -> list[tuple[str, type[BaseEstimator]]]:
    """The public estimators of the package, as ``(name, class)`` pairs in the order of ``__all__``.

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
    import sklearn_redcore

    from ._base import BaseMultimodalEstimator

    if kind not in (None, "multimodal"):
        raise ValueError(f"kind must be None or 'multimodal', got {kind!r}")
    base = BaseMultimodalEstimator if kind == "multimodal" else BaseEstimator
    found = []
    for name in sklearn_redcore.__all__:
        obj = getattr(sklearn_redcore, name)
        if isinstance(obj, type) and issubclass(obj, base):
            found.append((name, obj))
    return found
