"""Synthetic sequence modalities whose label is carried by the order of the steps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._inputs import SequenceModality
from ._synthetic import _per_modality

__all__ = ["make_sequence_classification"]


def make_sequence_classification(
    n_samples: int = 1000,
    *,
    modality_shapes: Sequence[tuple[int, int]] = ((20, 8), (20, 8), (20, 8)),
    n_classes: int = 3,
    min_length: float = 0.5,
    signal: float | Sequence[float] = 1.0,
    reliability: float | Sequence[float] = 0.8,
    random_state: int | np.random.RandomState | None = None,
) -> Bunch:
    """Generate sequence modalities in which the class is the order of motifs.

    Every modality m has ``n_classes`` motifs, fixed random vectors of its d
    features. A sample's sequence in modality m has a random length between
    ``min_length`` and T steps (the rest is NaN padding); its steps are
    Gaussian noise (standard deviation 1), and each of the modality's motifs
    is added, scaled by ``signal[m]``, to one step at a random position. The
    class c of a sample is *which motif comes first*: motif c precedes all
    the others. Every sequence contains every motif exactly once, so the set
    of its steps says nothing about the class: only their order does. An
    encoder that ignores order (such as mean pooling without positions) is at
    chance level; one that sees positions can learn the rule.

    With probability ``1 - reliability[m]``, a sample's motifs in modality m
    come in the order of a class drawn at random instead of its own, so that
    each modality alone is imperfect and fusing modalities helps.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples.
    modality_shapes : sequence of (int, int), default=((20, 8), (20, 8), (20, 8))
        (T, d) of each modality: the number of steps and of features per step.
        T must be at least ``n_classes``.
    n_classes : int, default=3
        Number of classes (and of motifs per modality), balanced up to one
        sample.
    min_length : float, default=0.5
        Shortest sequence, as a share of T in (0, 1]; lengths are uniform
        between it (rounded up, at least ``n_classes``) and T.
    signal : float or sequence of float, default=1.0
        Scale of the motifs (per feature) against the noise, per modality.
    reliability : float or sequence of float, default=0.8
        Probability that a modality's motif order follows the sample's
        class, per modality, in [0, 1].
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    data : Bunch
        ``data`` (n_samples, sum of T * d), float, NaN in the padding steps;
        ``target`` (n_samples,); ``modalities`` (dict ``"m0", "m1", ...`` ->
        :class:`~sklearn_redcore.SequenceModality`); ``lengths``
        (n_samples, n_modalities), the number of steps of each sequence;
        ``motifs``, per modality the (n_classes, d) array of its motifs
        (row c is motif c).

    Examples
    --------
    >>> from sklearn_redcore.datasets import make_sequence_classification
    >>> data = make_sequence_classification(100, modality_shapes=[(10, 4), (6, 3)], random_state=0)
    >>> data.data.shape, data.modalities["m1"]
    ((100, 58), SequenceModality(range(40, 58), n_steps=6))
    >>> bool(data.lengths.min() >= 3), bool(data.lengths[:, 0].max() <= 10)
    (True, True)
    """
    rng = check_random_state(random_state)
    shapes = [(int(T), int(d)) for T, d in modality_shapes]
    n_modalities = len(shapes)
    if n_modalities == 0 or min(min(shape) for shape in shapes) < 1:
        raise ValueError(f"modality_shapes must list at least one (T, d) of positive sizes, got {modality_shapes}.")
    if n_classes < 2 or n_samples < n_classes:
        raise ValueError(f"Need n_classes >= 2 and n_samples >= n_classes, got {n_classes} and {n_samples}.")
    short = [T for T, _ in shapes if T < n_classes]
    if short:
        raise ValueError(
            f"Every sequence needs at least n_classes={n_classes} steps to hold the motifs; got T={short[0]}."
        )
    if not 0 < min_length <= 1:
        raise ValueError(f"min_length must lie in (0, 1], got {min_length}.")
    signal = _per_modality(signal, n_modalities, "signal")
    reliability = _per_modality(reliability, n_modalities, "reliability")
    if not np.all((reliability >= 0) & (reliability <= 1)):
        raise ValueError(f"reliability must lie in [0, 1], got {reliability.tolist()}.")

    y = rng.permutation(np.arange(n_samples) % n_classes)
    blocks, modalities, all_motifs, start = [], {}, {}, 0
    lengths = np.empty((n_samples, n_modalities), dtype=np.int64)
    for m, (T, d) in enumerate(shapes):
        motifs = signal[m] * rng.normal(size=(n_classes, d))
        shortest = max(n_classes, int(np.ceil(min_length * T)))
        length = rng.randint(shortest, T + 1, size=n_samples)
        first = np.where(rng.rand(n_samples) < reliability[m], y, rng.randint(n_classes, size=n_samples))
        block = np.full((n_samples, T, d), np.nan)
        for i in range(n_samples):
            steps = rng.normal(size=(length[i], d))
            positions = np.sort(rng.choice(length[i], size=n_classes, replace=False))
            others = rng.permutation([c for c in range(n_classes) if c != first[i]])
            steps[positions] += motifs[np.concatenate([[first[i]], others])]
            block[i, : length[i]] = steps
        blocks.append(block.reshape(n_samples, T * d))
        modalities[f"m{m}"] = SequenceModality(range(start, start + T * d), n_steps=T)
        lengths[:, m] = length
        all_motifs[f"m{m}"] = motifs
        start += T * d
    return Bunch(data=np.hstack(blocks), target=y, modalities=modalities, lengths=lengths, motifs=all_motifs)
