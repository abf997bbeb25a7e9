"""The benefit of acquiring a modality, from the predictions over its plausible values.

Each function reads, for n samples, the predictions of the model for K
plausible values of the missing modality (``outputs``: (n, K, width)) and
their probabilities (``weights``: (n, K), each row summing to one), and
returns one benefit per sample (float64, >= 0). The large tensors are used
in the precision they come in (float32 from the network); the sums over the
values are taken in float64.
"""

from __future__ import annotations

import torch

__all__ = ["entropy_reduction", "explained_variance"]


def _entropy(probabilities: torch.Tensor) -> torch.Tensor:
    """The entropy (nats) of the distributions of the last axis."""
    return -torch.special.xlogy(probabilities, probabilities).sum(-1)


def entropy_reduction(probabilities: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The expected reduction of the predictive entropy: ``H(sum_k w_k p_k) - sum_k w_k H(p_k)``.

    ``probabilities`` (n, K, n_classes): the class probabilities with each
    plausible value. The predictive distribution before the acquisition is
    their mixture; after it, one of them, with probability ``w_k``. The
    difference is the mutual information between the class and the value,
    which is never negative (the mixture's entropy is at least the mean
    entropy; rounding errors are clipped at 0).
    """
    weights = weights.to(probabilities.dtype)
    mixture = torch.einsum("nk,nkc->nc", weights, probabilities).double()
    expected = (weights.double() * _entropy(probabilities).double()).sum(1)
    return (_entropy(mixture) - expected).clamp_min(0.0)


def explained_variance(predictions: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The expected reduction of the predictive variance: ``sum_t Var_w(prediction_t)``.

    ``predictions`` (n, K, n_targets), in the targets' units: the predicted
    means with each plausible value. By the law of total variance, the
    variance before the acquisition is the expected variance after it plus
    the variance of the predicted mean over the values; the gain is the
    latter, summed over the targets.
    """
    predictions, weights = predictions.double(), weights.double().unsqueeze(-1)
    mean = (weights * predictions).sum(1, keepdim=True)
    return (weights * (predictions - mean) ** 2).sum(1).sum(-1)
