"""A self-modal encoder of a sequence modality by dilated convolutions (``sequence_encoder="conv"``).

**Convolutional** (:class:`ConvGaussianEncoder`; not in the paper). The
time-series models that do well at small cost (ResNet, InceptionTime,
temporal convolutional networks, and MiniRocket's random kernels) look at
local shapes through convolutions with growing dilation, then pool over
time. This encoder is a small network of that family:

1. a linear layer lifts each step from d features to ``channels``;
2. ``n_blocks`` pre-norm residual blocks, block b with dilation ``2**b``:
   a layer norm over the channels of each step, ReLU, a convolution over
   time of ``kernel_size`` steps, ReLU, a convolution of one step (the
   channels mixed), added to the block's input;
3. a final layer norm; the mean and the maximum over the observed steps,
   concatenated (``2 * channels`` values), and dropout.

Its receptive field is ``1 + (kernel_size - 1) * (2**n_blocks - 1)`` steps
(29 for 5 and 3 blocks); the pooling makes the representation independent of
where a pattern occurs, and the order of the steps counts inside the
receptive field. Padding never leaks: every convolution reads zeros at the
unobserved steps, so that an observed step next to padding sees zeros
whatever the padding held, and the pooling reads observed steps only; the
norms are per step. Its cost grows like ``T * channels**2 *
(kernel_size + 1)`` per block, against ``T * width**2 * 12 + T**2 * width``
per transformer block. ReLU rather than GELU, and dropout on the pooled
vector rather than inside the blocks, because on a CPU the GELU's gradient
and dropout's random mask over every step took a quarter of a training
step's time.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._sequence_gaussian import SequenceGaussianEncoder, observed_or_all

__all__ = ["ConvGaussianEncoder", "ConvSequenceEncoder", "DilatedResidualBlock"]


class DilatedResidualBlock(nn.Module):
    """``h <- h + Conv_1(ReLU(Conv_k,dilated(ReLU(LayerNorm(h)))))`` on (B, T, C), padding read as zeros."""

    def __init__(self, channels: int, kernel_size: int, dilation: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels)
        # "same" length: (kernel_size - 1) * dilation steps of zeros, split between both ends.
        self.temporal = nn.Conv1d(channels, channels, kernel_size, dilation=dilation, padding="same")
        self.pointwise = nn.Linear(channels, channels)

    def forward(self, h: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """h (B, T, C); keep (B, T, 1) bool, the observed steps.

        The convolution sees zeros at unobserved steps, whatever h holds there
        (the residual stream of a padding step is never read: the next
        block's convolution and the pooling skip it).
        """
        r = F.relu(self.norm(h)).masked_fill(~keep, 0.0)
        r = F.relu(self.temporal(r.transpose(1, 2)).transpose(1, 2))
        return h + self.pointwise(r)


class ConvSequenceEncoder(nn.Module):
    """Sequence (B, T, d) and its observed steps (B, T) -> pooled representation (B, 2 * channels).

    Parameters
    ----------
    n_features : int
        Features d per step.
    channels : int
        Channels of every convolution.
    n_blocks : int
        Residual blocks; block b convolves with dilation ``2**b``.
    kernel_size : int
        Steps each temporal convolution spans (before dilation).
    dropout : float
        Dropout on the pooled representation.
    """

    def __init__(self, n_features: int, channels: int, n_blocks: int, kernel_size: int, dropout: float) -> None:
        super().__init__()
        self.n_features = n_features
        self.n_outputs = 2 * channels
        self.project = nn.Linear(n_features, channels)
        self.blocks = nn.ModuleList(DilatedResidualBlock(channels, kernel_size, 2**block) for block in range(n_blocks))
        self.norm = nn.LayerNorm(channels)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, T, d); observed (B, T) bool, True where the step holds data (None: all)."""
        keep = observed_or_all(x, observed).unsqueeze(-1)  # (B, T, 1)
        # masked_fill rather than a product: a NaN or inf in a padding step must not leak either.
        h = self.project(x.masked_fill(~keep, 0.0))
        for block in self.blocks:
            h = block(h, keep)
        h = self.norm(h)
        weights = keep.to(h.dtype)
        mean = (h * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        peak = h.masked_fill(~keep, -torch.inf).amax(1)
        # A sample without any observed step misses the modality (its output is not used): 0, not -inf.
        peak = peak.masked_fill(~keep.any(1), 0.0)
        return self.dropout(torch.cat([mean, peak], dim=1))


class ConvGaussianEncoder(SequenceGaussianEncoder):
    """:class:`SequenceGaussianEncoder` with a :class:`ConvSequenceEncoder` body."""

    def __init__(
        self,
        n_features: int,
        n_steps: int,
        channels: int,
        n_blocks: int,
        kernel_size: int,
        n_latent: int,
        dropout: float,
    ) -> None:
        super().__init__(ConvSequenceEncoder(n_features, channels, n_blocks, kernel_size, dropout), n_steps, n_latent)
