"""The paper's self-modal encoder of a sequence modality: a transformer over its steps.

**Transformer** (:class:`TransformerGaussianEncoder`). The paper encodes each
modality's sequence with a transformer (3 layers, 8 heads, width 128;
Implementation Details):

1. a linear layer lifts each step from d features to ``width``;
2. a fixed sinusoidal encoding of the step's position is added, so that the
   order of the steps matters (the authors' code has no positional encoding:
   its encoder sees the steps as a set);
3. ``n_layers`` pre-norm transformer blocks (self-attention with ``n_heads``
   heads, feed-forward of width ``4 * width``), a final layer norm;
4. the mean over the sample's observed steps (padding steps are masked both
   in attention and in the mean; the authors' code averages over padding
   too).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._sequence_gaussian import SequenceGaussianEncoder, observed_or_all

__all__ = ["TransformerGaussianEncoder", "TransformerSequenceEncoder", "sinusoidal_positions"]


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
        self.n_outputs = width
        self.project = nn.Linear(n_features, width)
        self.register_buffer("positions", sinusoidal_positions(n_steps, width), persistent=False)
        layer = nn.TransformerEncoderLayer(width, n_heads, 4 * width, dropout, batch_first=True, norm_first=True)
        self.transformer = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, T, d); observed (B, T) bool, True where the step holds data (None: all)."""
        n_steps = x.shape[1]
        observed = observed_or_all(x, observed)
        # A sample without any observed step misses the modality: its output is not used, but
        # attention over no key at all would give NaN, so let it attend to its (zero) steps.
        observed = observed | ~observed.any(dim=1, keepdim=True)
        h = self.project(x) + self.positions[:n_steps].to(x.dtype)
        h = self.norm(self.transformer(h, src_key_padding_mask=~observed))
        weights = observed.unsqueeze(-1).to(h.dtype)
        return (h * weights).sum(1) / weights.sum(1)


class TransformerGaussianEncoder(SequenceGaussianEncoder):
    """:class:`SequenceGaussianEncoder` with a :class:`TransformerSequenceEncoder` body."""

    def __init__(
        self, n_features: int, n_steps: int, width: int, n_layers: int, n_heads: int, n_latent: int, dropout: float
    ) -> None:
        super().__init__(
            TransformerSequenceEncoder(n_features, n_steps, width, n_layers, n_heads, dropout), n_steps, n_latent
        )
