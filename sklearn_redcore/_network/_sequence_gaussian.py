"""The Gaussian head the self-modal encoders of sequence modalities share.

RedCore needs, per sequence modality, the mean and log-variance of the
Gaussian representation ``p(z_bar^m | x^m)`` of a sequence of T steps of d
features, some of whose steps are padding. Every sequence encoder (the
transformer of ``_transformer.py``, the convolutional network of ``_conv.py``,
the random convolutions of ``_rocket.py``) is a body that pools the observed
steps into one vector, followed by a linear layer to ``(mu, log sigma^2)``
(:class:`SequenceGaussianEncoder`). ``SEQUENCE_ENCODERS``
(``_self_modal_encoders.py``) names them.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["SequenceGaussianEncoder", "observed_or_all"]


def observed_or_all(x: torch.Tensor, observed: torch.Tensor | None) -> torch.Tensor:
    """``observed`` (B, T) bool, or every step of x (B, T, d) when None."""
    if observed is None:
        return torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
    return observed


class SequenceGaussianEncoder(nn.Module):
    """Variational self-modal encoder for a sequence: (x^m, observed steps) -> (mu, log sigma^2).

    ``body`` pools (B, T, d) and the observed steps (B, T) into (B,
    ``body.n_outputs``); a linear layer gives the mean and log-variance.
    """

    def __init__(self, body: nn.Module, n_steps: int, n_latent: int) -> None:
        super().__init__()
        self.n_steps = n_steps
        self.n_latent = n_latent
        self.body = body
        self.head = nn.Linear(body.n_outputs, 2 * n_latent)

    def forward(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T * d) step-major or (B, T, d); observed (B, T) bool or None."""
        return self._gaussian(self.body(self._steps(x), observed))

    def _steps(self, x: torch.Tensor) -> torch.Tensor:
        """x as (B, T, d): a step-major (B, T * d) input is viewed so."""
        return x.view(x.shape[0], self.n_steps, -1) if x.dim() == 2 else x

    def _gaussian(self, pooled: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The body's output (B, n_outputs) -> (mu, log sigma^2), the log-variance clamped to [-10, 10]."""
        mean, log_var = self.head(pooled).split(self.n_latent, dim=-1)
        return mean, log_var.clamp(-10.0, 10.0)
