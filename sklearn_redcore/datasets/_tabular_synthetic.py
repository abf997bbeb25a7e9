"""Synthetic tabular modalities with the traits that favour trees: skew, heavy tails, codes, interactions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._inputs import contiguous_modalities
from ._synthetic import _per_modality

__all__ = ["FEATURE_KINDS", "make_tabular_classification"]

#: The kinds of column :func:`make_tabular_classification` can make, each a function of a standard
#: normal signal (all but "categorical" increase with it).
FEATURE_KINDS = ("normal", "skewed", "heavy_tailed", "discrete", "categorical")

#: Number of levels of the "discrete" and "categorical" columns.
_N_LEVELS = 5


def _standardized(values: np.ndarray) -> np.ndarray:
    """Each column centred and scaled to unit variance (a constant column stays 0)."""
    centred = values - values.mean(axis=0)
    scale = centred.std(axis=0)
    return centred / np.where(scale > 0, scale, 1.0)


def _make_column(signal: np.ndarray, kind: str, rng: np.random.RandomState) -> np.ndarray:
    """One observed column from a standard normal ``signal``, shaped as its kind says."""
    if kind == "normal":
        return signal
    if kind == "skewed":  # log-normal: a long right tail, as amounts and durations have
        return np.exp(signal)
    if kind == "heavy_tailed":  # Tukey's h transform (h = 0.5): symmetric, with far outliers
        return signal * np.exp(0.25 * signal**2)
    # Codes: the signal cut at random quantiles into levels 0 .. _N_LEVELS - 1.
    cuts = np.sort(np.quantile(signal, rng.uniform(0.05, 0.95, size=_N_LEVELS - 1)))
    levels = np.searchsorted(cuts, signal).astype(float)
    if kind == "discrete":  # ordered codes, as ratings and counts
        return levels
    return rng.permutation(_N_LEVELS)[levels.astype(int)].astype(float)  # unordered codes of a category


def make_tabular_classification(
    n_samples: int = 2000,
    *,
    modality_dims: Sequence[int] = (8, 8, 8),
    n_classes: int = 3,
    feature_kinds: Sequence[str] = FEATURE_KINDS,
    n_latent: int = 2,
    shared: float = 0.3,
    interaction: float = 0.6,
    noise: float | Sequence[float] = 0.3,
    class_sep: float = 10.0,
    random_state: int | np.random.RandomState | None = None,
) -> Bunch:
    """Generate tabular modalities whose columns are skewed, heavy-tailed or coded, and whose class has interactions.

    The traits of real tables under which gradient-boosted trees tend to
    beat neural networks: columns whose scale misleads a standardisation
    (long tails, outliers), integer codes with or without an order, and a
    class that depends on thresholds and on products of features as well as
    on linear trends. Use it to see how a model's preprocessing and network
    cope with such columns, and how the class evidence spread over
    modalities survives a missing modality, with every trait under control
    (``feature_kinds=("normal",), interaction=0`` gives a linear, Gaussian
    problem to compare with).

    Each modality m has an ``n_latent``-dimensional latent vector per sample,
    ``sqrt(shared) * s + sqrt(1 - shared) * p_m``, where ``s`` is shared by
    all modalities and ``p_m`` is the modality's own (all standard normal).
    The class is drawn from a softmax of ``class_sep`` times scores of the
    latents: per class, a linear part (a random linear function of every
    modality's latent), and a nonlinear part (per modality, a step of its
    first latent coordinate at a random threshold; per pair of modalities,
    the product of their second coordinates), the two parts mixed so that
    ``interaction`` is the nonlinear part's share of the variance. Column j
    of modality m is a random unit combination of the modality's latent plus
    Gaussian noise of standard deviation ``noise[m]``, standardised, then
    shaped by its kind ``feature_kinds[j % len(feature_kinds)]``:

    * ``"normal"``: as is;
    * ``"skewed"``: its exponential (log-normal, a long right tail);
    * ``"heavy_tailed"``: Tukey's h transform ``v * exp(v**2 / 4)``
      (symmetric, with outliers far from the bulk);
    * ``"discrete"``: cut at 4 random quantiles into ordered codes 0 to 4;
    * ``"categorical"``: the same codes relabelled in a random order, as a
      category stored as an integer (no order left to exploit linearly).

    Every kind but "categorical" is an increasing function of the signal, so
    a tree sees the same splits in every kind; a linear model, or a network
    fed standardised columns, does not.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of samples.
    modality_dims : sequence of int, default=(8, 8, 8)
        Number of columns of each modality.
    n_classes : int, default=3
        Number of classes (about balanced: the scores are symmetric).
    feature_kinds : sequence of str, default=("normal", "skewed", "heavy_tailed", "discrete", "categorical")
        Kinds of column among those above, given in turn to the columns of
        each modality.
    n_latent : int, default=2
        Dimension of each latent vector, at least 2.
    shared : float, default=0.3
        Share of each modality's latent variance that is common to all
        modalities, in [0, 1]: high, one modality can stand in for another;
        low, each carries its own evidence, and fusion pays.
    interaction : float, default=0.6
        Share of the class scores' variance that comes from the thresholds
        and the products across modalities, in [0, 1].
    noise : float or sequence of float, default=0.3
        Standard deviation of the noise added to each modality's columns
        before shaping (the latent combination has unit variance).
    class_sep : float, default=10.0
        Scale of the class scores in the softmax: higher, less label noise.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    data : Bunch
        ``data`` (n_samples, sum(modality_dims)) float64, no missing values;
        ``target`` (n_samples,) int; ``modalities`` (dict ``"m0", "m1", ...``
        -> column positions); ``feature_kinds`` (dict of the same names -> the
        kind of each column); ``feature_names`` (``"m0_skewed_1"``, ...).

    Examples
    --------
    >>> from sklearn_redcore.datasets import make_tabular_classification
    >>> data = make_tabular_classification(300, modality_dims=(4, 3), random_state=0)
    >>> data.data.shape, data.feature_kinds["m1"]
    ((300, 7), ['normal', 'skewed', 'heavy_tailed'])
    >>> data.feature_names[:3]
    ['m0_normal_0', 'm0_skewed_1', 'm0_heavy_tailed_2']
    """
    rng = check_random_state(random_state)
    dims = [int(d) for d in modality_dims]
    n_modalities = len(dims)
    if n_modalities == 0 or min(dims) < 1:
        raise ValueError(f"modality_dims must list at least one positive size, got {list(modality_dims)}.")
    if n_classes < 2 or n_samples < n_classes:
        raise ValueError(f"Need n_classes >= 2 and n_samples >= n_classes, got {n_classes} and {n_samples}.")
    kinds = [str(kind) for kind in feature_kinds]
    unknown = sorted(set(kinds) - set(FEATURE_KINDS))
    if not kinds or unknown:
        raise ValueError(f"feature_kinds must name kinds among {list(FEATURE_KINDS)}, got {list(feature_kinds)}.")
    if n_latent < 2:
        raise ValueError(f"n_latent must be at least 2 (a threshold and a product coordinate), got {n_latent}.")
    for name, value in (("shared", shared), ("interaction", interaction)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must lie in [0, 1], got {value}.")
    noise = _per_modality(noise, n_modalities, "noise")
    if np.any(noise < 0):
        raise ValueError(f"noise must be >= 0, got {noise.tolist()}.")
    if class_sep < 0:
        raise ValueError(f"class_sep must be >= 0, got {class_sep}.")

    common = rng.normal(size=(n_samples, n_latent))
    latents = [np.sqrt(shared) * common + np.sqrt(1 - shared) * rng.normal(size=(n_samples, n_latent)) for _ in dims]
    linear = sum(latent @ rng.normal(size=(n_latent, n_classes)) for latent in latents)
    terms = [(latent[:, :1] > rng.uniform(-0.5, 0.5)) * rng.normal(size=n_classes) for latent in latents]
    terms += [
        (latents[a][:, 1:2] * latents[b][:, 1:2]) * rng.normal(size=n_classes)
        for a in range(n_modalities)
        for b in range(a + 1, n_modalities)
    ]
    nonlinear = sum(terms)
    scores = np.sqrt(1 - interaction) * _standardized(linear) + np.sqrt(interaction) * _standardized(nonlinear)
    logits = class_sep * scores
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    y = (probabilities.cumsum(axis=1) > rng.uniform(size=(n_samples, 1))).argmax(axis=1)

    modalities = contiguous_modalities({f"m{m}": dim for m, dim in enumerate(dims)})
    blocks, column_kinds, feature_names = [], {}, []
    for m, (name, latent) in enumerate(zip(modalities, latents)):
        weights = rng.normal(size=(n_latent, dims[m]))
        weights /= np.linalg.norm(weights, axis=0)
        signal = _standardized(latent @ weights + noise[m] * rng.normal(size=(n_samples, dims[m])))
        names = [kinds[j % len(kinds)] for j in range(dims[m])]
        blocks.append(np.column_stack([_make_column(signal[:, j], kind, rng) for j, kind in enumerate(names)]))
        column_kinds[name] = names
        feature_names += [f"{name}_{kind}_{j}" for j, kind in enumerate(names)]
    return Bunch(
        data=np.hstack(blocks),
        target=y,
        modalities=modalities,
        feature_kinds=column_kinds,
        feature_names=feature_names,
    )
