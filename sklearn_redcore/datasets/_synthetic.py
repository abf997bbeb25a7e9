"""Synthetic multimodal classification data with controllable modalities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._inputs import contiguous_modalities

__all__ = ["make_multimodal_classification"]


def _per_modality(value, n_modalities: int, name: str) -> np.ndarray:
    values = (
        np.broadcast_to(np.asarray(value, dtype=float), (n_modalities,))
        if np.ndim(value) == 0
        else np.asarray(value, dtype=float)
    )
    if values.shape != (n_modalities,):
        raise ValueError(
            f"{name} must be a number or have one entry per modality ({n_modalities}), got {len(values)} entries."
        )
    return values.copy()


def make_multimodal_classification(
    n_samples: int = 1000,
    *,
    modality_dims: Sequence[int] = (20, 20, 20),
    n_classes: int = 3,
    n_latent: int = 4,
    informative: float | Sequence[float] = 0.5,
    noise: float | Sequence[float] = 1.0,
    shared: float = 0.5,
    class_sep: float = 1.0,
    random_state: int | np.random.RandomState | None = None,
) -> Bunch:
    """Generate a classification problem whose modalities differ in size, strength and overlap.

    Each class has a centre in a shared latent space and, for every modality,
    in a private latent space (both ``n_latent``-dimensional, centres drawn at
    distance about ``class_sep``). A sample draws its shared latent vector and
    one private latent vector per modality around its class centres (unit
    Gaussian noise). The informative columns of modality m are a random linear
    map of ``sqrt(shared) * shared_latent + sqrt(1 - shared) * private_latent_m``
    plus Gaussian noise of standard deviation ``noise[m]``; its other columns
    are noise alone.

    * ``shared`` near 1: every modality carries the same information, so one
      modality can be imputed from another (cross-modal learning is easy and
      fusion adds little);
    * ``shared`` near 0: each modality carries its own evidence about the
      class, so fusion helps and a missing modality cannot be recovered;
    * ``informative`` and ``noise``: the strength of each modality, so that a
      strong and a weak modality can be given different missing rates.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples.
    modality_dims : sequence of int, default=(20, 20, 20)
        Number of columns of each modality.
    n_classes : int, default=3
        Number of classes (balanced, up to one sample).
    n_latent : int, default=4
        Dimension of the shared and private latent spaces.
    informative : float or sequence of float, default=0.5
        Share of each modality's columns that carry signal, in (0, 1].
    noise : float or sequence of float, default=1.0
        Standard deviation of the noise added to each modality's columns.
    shared : float, default=0.5
        Share of the signal variance that comes from the shared latent, in [0, 1].
    class_sep : float, default=1.0
        Scale of the distances between class centres.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    data : Bunch
        ``data`` (n_samples, sum(modality_dims)), ``target`` (n_samples,),
        ``modalities`` (dict ``"m0", "m1", ...`` -> column positions) and
        ``informative_columns`` (dict of the same names -> positions of the
        columns that carry signal).

    Examples
    --------
    >>> from sklearn_redcore.datasets import make_multimodal_classification
    >>> data = make_multimodal_classification(200, modality_dims=(5, 3), noise=[0.5, 2.0], random_state=0)
    >>> data.data.shape, {k: len(v) for k, v in data.modalities.items()}
    ((200, 8), {'m0': 5, 'm1': 3})
    """
    rng = check_random_state(random_state)
    dims = [int(d) for d in modality_dims]
    n_modalities = len(dims)
    if n_modalities == 0 or min(dims) < 1:
        raise ValueError(f"modality_dims must list at least one positive size, got {list(modality_dims)}.")
    if n_samples < n_classes or n_classes < 2:
        raise ValueError(f"Need n_classes >= 2 and n_samples >= n_classes, got {n_classes} and {n_samples}.")
    informative = _per_modality(informative, n_modalities, "informative")
    noise = _per_modality(noise, n_modalities, "noise")
    if not np.all((informative > 0) & (informative <= 1)):
        raise ValueError(f"informative shares must lie in (0, 1], got {informative.tolist()}.")
    if np.any(noise < 0):
        raise ValueError(f"noise must be >= 0, got {noise.tolist()}.")
    if not 0 <= shared <= 1:
        raise ValueError(f"shared must lie in [0, 1], got {shared}.")

    y = rng.permutation(np.arange(n_samples) % n_classes)
    centres = class_sep * rng.normal(size=(n_modalities + 1, n_classes, n_latent))
    shared_latent = centres[0, y] + rng.normal(size=(n_samples, n_latent))
    modalities = contiguous_modalities({f"m{m}": dim for m, dim in enumerate(dims)})
    blocks, informative_columns = [], {}
    for m, (name, positions) in enumerate(modalities.items()):
        private = centres[m + 1, y] + rng.normal(size=(n_samples, n_latent))
        signal = np.sqrt(shared) * shared_latent + np.sqrt(1 - shared) * private
        dim = len(positions)
        n_inf = max(1, int(round(informative[m] * dim)))
        block = noise[m] * rng.normal(size=(n_samples, dim))
        columns = rng.permutation(dim)[:n_inf]
        block[:, columns] += signal @ (rng.normal(size=(n_latent, n_inf)) / np.sqrt(n_latent))
        blocks.append(block)
        informative_columns[name] = sorted(positions[c] for c in columns)
    return Bunch(data=np.hstack(blocks), target=y, modalities=modalities, informative_columns=informative_columns)
