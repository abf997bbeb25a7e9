"""Self-modal encoders for sequence modalities (the paper's transformer encoders).

The paper encodes each modality's sequence with a transformer (3 layers, 8
heads, width 128; Implementation Details). :class:`TransformerGaussianEncoder`
is that encoder in the form RedCore needs: it maps a sequence of T steps of d
features to the mean and log-variance of the Gaussian representation
``p(z_bar^m | x^m)``:

1. a linear layer lifts each step from d features to ``width``;
2. a fixed sinusoidal encoding of the step's position is added, so that the
   order of the steps matters (the authors' code has no positional encoding:
   its encoder sees the steps as a set);
3. ``n_layers`` pre-norm transformer blocks (self-attention with ``n_heads``
   heads, feed-forward of width ``4 * width``), a final layer norm;
4. the mean over the sample's observed steps (padding steps are masked both
   in attention and in the mean; the authors' code averages over padding
   too);
5. a linear layer to ``(mu, log sigma^2)``.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def sinusoidal_positions(n_steps: int, width: int) -> torch.Tensor:
    """Fixed positional encodings (Vaswani et al., 2017), shape (n_steps, width)."""
    position = torch.arange(n_steps, dtype=torch.float32).unsqueeze(1)
    frequency = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(n_steps, width)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)[:, : width // 2]
    return table


class TransformerSequenceEncoder(nn.Module):
    """Sequence (B, T, d) and its observed steps (B, T) -> pooled representation (B, width).

    Parameters
    ----------
    n_features : int
        Features d per step.
    n_steps : int
        Largest number of steps T the encoder will see.
    width : int
        Width of the transformer (its ``d_model``); divisible by ``n_heads``.
    n_layers, n_heads : int
        Transformer blocks and attention heads per block.
    dropout : float
        Dropout inside the transformer blocks.
    """

    def __init__(self, n_features: int, n_steps: int, width: int, n_layers: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        self.n_features = n_features
        self.project = nn.Linear(n_features, width)
        self.register_buffer("positions", sinusoidal_positions(n_steps, width), persistent=False)
        layer = nn.TransformerEncoderLayer(width, n_heads, 4 * width, dropout, batch_first=True, norm_first=True)
        self.transformer = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, T, d); observed (B, T) bool, True where the step holds data (None: all)."""
        n_steps = x.shape[1]
        if observed is None:
            observed = torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
        # A sample without any observed step misses the modality: its output is not used, but
        # attention over no key at all would give NaN, so let it attend to its (zero) steps.
        observed = observed | ~observed.any(dim=1, keepdim=True)
        h = self.project(x) + self.positions[:n_steps].to(x.dtype)
        h = self.norm(self.transformer(h, src_key_padding_mask=~observed))
        weights = observed.unsqueeze(-1).to(h.dtype)
        return (h * weights).sum(1) / weights.sum(1)


class TransformerGaussianEncoder(nn.Module):
    """Variational self-modal encoder for a sequence: (x^m, observed steps) -> (mu, log sigma^2)."""

    def __init__(
        self, n_features: int, n_steps: int, width: int, n_layers: int, n_heads: int, n_latent: int, dropout: float
    ) -> None:
        super().__init__()
        self.n_steps = n_steps
        self.n_latent = n_latent
        self.body = TransformerSequenceEncoder(n_features, n_steps, width, n_layers, n_heads, dropout)
        self.head = nn.Linear(width, 2 * n_latent)

    def forward(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T * d) step-major or (B, T, d); observed (B, T) bool or None."""
        if x.dim() == 2:
            x = x.view(x.shape[0], self.n_steps, -1)
        mean, log_var = self.head(self.body(x, observed)).split(self.n_latent, dim=-1)
        return mean, log_var.clamp(-10.0, 10.0)
