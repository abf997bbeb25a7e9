"""The public functions: the acquisition gain of every missing modality of every sample, and the order it implies."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_regressor
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._docstring import Substitution
from .._evaluation import float_copy, modalities_of
from .._inputs import ModalitySpec, resolve_modalities
from .._masking import _feature_names
from .._network import RedCoreModule
from ._redcore import redcore_gains
from ._substitution import substitution_gains

__all__ = ["acquisition_gain", "acquisition_order"]

_PARAMETERS = """\
estimator : fitted estimator
    A fitted :class:`~sklearn_redcore.RedCoreClassifier` or
    :class:`~sklearn_redcore.RedCoreRegressor` (the gains come from its
    network), or any other fitted classifier with ``predict_proba`` or
    regressor that accepts NaN (the gains come from substituting values:
    see Notes).
X : array-like or DataFrame of shape (n_samples, n_features)
    The samples to advise on, NaN marking missing values.
X_reference : array-like or DataFrame of shape (n_reference, n_features)
    Rows whose modalities give the plausible values of a missing
    modality, usually the training data (its missing values allowed).
    Every modality that some row of X misses must be present in some row.
modalities : dict, list or None, default=None
    Modality specification, as for :class:`~sklearn_redcore.RedCoreClassifier`.
    None: the estimator's ``modalities_`` (an estimator of this package);
    other estimators need it; RedCore's gains always use its own.
max_reference : int, default=1000
    RedCore: the most reference rows of a modality that give its plausible
    values; a random subset of this many when more rows have it.
n_draws : int, default=32
    Other estimators: the number of reference rows whose values of a
    modality are tried in each sample, those nearest to it on its present
    modalities (drawn at random where too few rows have them all).
random_state : int, RandomState instance or None, default=None
    Seeds the subsets of reference rows; the result is deterministic given it.
pooling : float in [0, 1], default=0.0
    How far each sample's gain of a modality moves toward the mean gain of
    that modality over the samples of X with the same present modalities:
    ``(1 - pooling) * own + pooling * mean``. 0: each sample's own gain,
    which does not depend on the other rows of X; 1: every sample with the
    same present modalities gets the same gains, one choice per pattern
    learned from X without labels (see the user guide's page "Which
    modality to acquire next", section "Pooling the gains")."""


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}.")
    return int(value)


def _pooling(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= value <= 1.0:
        raise ValueError(f"pooling must be a float in [0, 1], got {value!r}.")
    return float(value)


def _pooled(gains: np.ndarray, pooling: float) -> np.ndarray:
    """Each gain moved toward the mean gain of its modality over the rows with the same missing modalities."""
    if pooling == 0.0:
        return gains
    patterns, inverse = np.unique(np.isnan(gains), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    pooled = gains.copy()
    for index in range(len(patterns)):
        rows = inverse == index
        pooled[rows] = (1.0 - pooling) * gains[rows] + pooling * gains[rows].mean(0)  # NaN stays NaN
    return pooled


def _validated(estimator: Any, data: Any, label: str) -> np.ndarray:
    """``data`` checked against the fitted estimator's features, as its predictions check X."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return validate_data(
                estimator, data, ensure_all_finite="allow-nan", dtype=[np.float64, np.float32], reset=False
            )
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}") from None


def _is_redcore(estimator: Any) -> bool:
    return isinstance(getattr(getattr(estimator, "net_", None), "module_", None), RedCoreModule)


def _gains(
    estimator: Any,
    X: Any,
    X_reference: Any,
    modalities: ModalitySpec,
    max_reference: int,
    n_draws: int,
    random_state: Any,
    pooling: float = 0.0,
) -> tuple[np.ndarray, list[str]]:
    """The gains (n_samples, n_modalities), pooled as asked, and the modalities' names."""
    check_is_fitted(estimator, msg="This %(name)s is not fitted yet: fit it first, then ask which modality to acquire.")
    max_reference, n_draws = _positive_int(max_reference, "max_reference"), _positive_int(n_draws, "n_draws")
    pooling = _pooling(pooling)
    gains, names = _own_gains(estimator, X, X_reference, modalities, max_reference, n_draws, random_state)
    return _pooled(gains, pooling), names


def _own_gains(
    estimator: Any,
    X: Any,
    X_reference: Any,
    modalities: ModalitySpec,
    max_reference: int,
    n_draws: int,
    random_state: Any,
) -> tuple[np.ndarray, list[str]]:
    """Each sample's own gains (n_samples, n_modalities) and the modalities' names."""
    rng = check_random_state(random_state)
    if _is_redcore(estimator):
        if modalities is not None:
            raise ValueError("modalities is for other estimators: RedCore's gains use the modalities it was fitted on.")
        X, reference = _validated(estimator, X, "X"), _validated(estimator, X_reference, "X_reference")
        return redcore_gains(estimator, X, reference, max_reference, rng), list(estimator.modalities_)
    if not (is_regressor(estimator) or hasattr(estimator, "predict_proba")):
        raise TypeError(
            f"{type(estimator).__name__} is neither a classifier with predict_proba nor a regressor: "
            "the gain of a modality is read from the change of its predicted probabilities or values."
        )
    modalities = modalities_of(estimator, modalities, "ask which modality to acquire")
    names = _feature_names(X)
    reference_names = _feature_names(X_reference)
    if names is not None and reference_names is not None and not np.array_equal(names, reference_names):
        raise ValueError("X_reference must have the columns of X, in the same order.")
    values, reference = float_copy(X), float_copy(X_reference)
    expected = getattr(estimator, "n_features_in_", None)
    for label, data in (("X", values), ("X_reference", reference)):
        if data.ndim != 2:
            raise ValueError(f"{label} must be 2-D, got an array of shape {data.shape}.")
        if expected is not None and data.shape[1] != expected:
            raise ValueError(
                f"{label} has {data.shape[1]} features, but {type(estimator).__name__} is expecting {expected} "
                "features as input."
            )
    resolved = resolve_modalities(modalities, values.shape[1], names, warn_unused=False)
    columns = getattr(X, "columns", None)
    return substitution_gains(estimator, values, reference, resolved, n_draws, rng, columns=columns), list(resolved)


@Substitution(parameters=_PARAMETERS)
def acquisition_gain(
    estimator: Any,
    X: Any,
    *,
    X_reference: Any,
    modalities: ModalitySpec = None,
    max_reference: int = 1000,
    n_draws: int = 32,
    random_state: int | np.random.RandomState | None = None,
    pooling: float = 0.0,
) -> np.ndarray | pd.DataFrame:
    """The expected benefit, for each sample's prediction, of acquiring each of its missing modalities.

    For a classifier, the expected reduction of the entropy of the predicted
    class distribution (in nats): the information that the modality's value
    would bring about the class. For a regressor, the expected reduction of
    the predictive variance (in the targets' squared units, summed over the
    targets): the variance of the prediction over the values the modality
    could take. Larger means acquire first. No retraining; the user guide's
    page "Which modality to acquire next" gives the derivation.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    gain : ndarray of shape (n_samples, n_modalities) or DataFrame
        One column per modality, in the order of the estimator's
        ``modalities_`` (or of ``modalities``); NaN where the modality is
        present. A DataFrame with the modalities' names as columns and X's
        index when X is a DataFrame.

    See Also
    --------
    acquisition_order : The order in which to acquire each sample's missing
        modalities, with their costs.
    modality_importance : What each modality is worth to the model over a
        whole data set.

    Notes
    -----
    For RedCore, the plausible values of a missing modality m of a sample
    are the representations of m of its nearest reference rows: those most
    like it, in the network's representations, on the modalities it has
    (the square root of the candidates, at least 5); each value gives a
    prediction of the joint head. A sample with no modality at all gets,
    for each modality, the network's predictions from that modality alone,
    every reference row equally plausible.

    For other estimators, the values of m are those of the ``n_draws``
    reference rows nearest to the sample on its present modalities' columns
    (standardised), and the sample is predicted with each of them.

    With ``pooling`` > 0, the gains of the samples of X that have the same
    present modalities are pooled: a sample's gains then depend on the other
    rows of X. On the benchmark of the user guide, ``pooling=1`` chose the
    first modality better than each sample's own gains on three data sets
    of six, worse on one, and the second worse on mfeat.

    Examples
    --------
    >>> from sklearn_redcore import RedCoreClassifier, acquisition_gain, mask_modalities
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["fou", "kar", "mor"])
    >>> X = mask_modalities(data.data[::4], data.modalities, 0.5, random_state=0)
    >>> model = RedCoreClassifier(data.modalities, max_epochs=5, random_state=0).fit(X, data.target[::4])
    >>> gain = acquisition_gain(model, X[:4], X_reference=X, random_state=0)
    >>> gain.shape
    (4, 3)
    """
    gains, names = _gains(estimator, X, X_reference, modalities, max_reference, n_draws, random_state, pooling)
    if _feature_names(X) is None:
        return gains
    return pd.DataFrame(gains, columns=names, index=X.index)


def _costs(cost: Any, names: list[str], needed: np.ndarray) -> np.ndarray:
    """One positive finite cost per modality of ``names`` from None, a dict by name or a sequence.

    A dict may leave out the modalities that no sample misses (``needed``: which some sample misses).
    """
    if cost is None:
        return np.ones(len(names))
    if isinstance(cost, Mapping):
        given = {str(k): v for k, v in cost.items()}
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise ValueError(f"cost names {unknown}, which are not modalities (the modalities: {names}).")
        lacking = [name for name, need in zip(names, needed) if need and name not in given]
        if lacking:
            raise ValueError(
                f"cost must give a cost for each modality that some sample misses; none for {lacking} "
                f"(the modalities: {names})."
            )
        costs = np.array([float(given.get(name, 1.0)) for name in names])
    else:
        costs = np.asarray(cost, dtype=float).ravel()
        if costs.size != len(names):
            raise ValueError(f"cost has {costs.size} entries but there are {len(names)} modalities {names}.")
    if not np.all(np.isfinite(costs) & (costs > 0)):
        raise ValueError(f"Every cost must be positive and finite, got {costs.tolist()}.")
    return costs


@Substitution(parameters=_PARAMETERS)
def acquisition_order(
    estimator: Any,
    X: Any,
    *,
    X_reference: Any,
    cost: Mapping[str, float] | Any = None,
    modalities: ModalitySpec = None,
    max_reference: int = 1000,
    n_draws: int = 32,
    random_state: int | np.random.RandomState | None = None,
    pooling: float = 0.0,
) -> np.ndarray:
    """The order in which to acquire each sample's missing modalities: by gain per unit of cost.

    Each missing modality is ranked by :func:`acquisition_gain` divided by
    its cost, largest first (ties in the order of the modalities). The gains
    are those of the sample as it is: after acquiring the first modality,
    calling this again with its values gives an order that takes them into
    account.

    Parameters
    ----------
    %(parameters)s
    cost : dict, array-like or None, default=None
        The cost of acquiring each modality: a dict from each modality's name
        to its cost (it may leave out the modalities that every sample of X
        has), or one cost per modality in order; positive. None: every
        modality costs 1 (the order of the gains).

    Returns
    -------
    order : ndarray of object of shape (n_samples, n_modalities)
        Row i names the missing modalities of sample i, first to acquire
        first, then holds None (as many as its present modalities).

    See Also
    --------
    acquisition_gain : The gains the order is made of.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore import RedCoreClassifier, acquisition_order
    >>> from sklearn_redcore.datasets import load_penguins
    >>> data = load_penguins()
    >>> model = RedCoreClassifier(data.modalities, max_epochs=5, random_state=0).fit(data.data, data.target)
    >>> X_new = data.data[:2].copy()
    >>> X_new[:, data.modalities["body"]] = np.nan  # the first bird lacks its isotopes too
    >>> cost = {"bill": 1.0, "body": 1.0, "isotopes": 3.0}
    >>> order = acquisition_order(model, X_new, X_reference=data.data, cost=cost, random_state=0)
    >>> order[1]
    array(['body', None, None], dtype=object)
    >>> sorted(order[0][:2])
    ['body', 'isotopes']
    """
    gains, names = _gains(estimator, X, X_reference, modalities, max_reference, n_draws, random_state, pooling)
    key = np.where(np.isnan(gains), np.inf, -gains / _costs(cost, names, ~np.isnan(gains).all(axis=0)))
    ranked = np.argsort(key, axis=1, kind="stable")
    order = np.asarray(names, dtype=object)[ranked]
    order[np.take_along_axis(key, ranked, axis=1) == np.inf] = None
    return order
