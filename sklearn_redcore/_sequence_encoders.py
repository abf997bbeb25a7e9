"""Self-modal encoders for sequence modalities: the paper's transformer, and a dilated convolutional network.

RedCore needs, per sequence modality, the mean and log-variance of the
Gaussian representation ``p(z_bar^m | x^m)`` of a sequence of T steps of d
features, some of whose steps are padding. Every encoder here is a body that
pools the observed steps into one vector, followed by a linear layer to
``(mu, log sigma^2)`` (:class:`SequenceGaussianEncoder`).

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

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "ConvGaussianEncoder",
    "ConvSequenceEncoder",
    "SequenceGaussianEncoder",
    "TransformerGaussianEncoder",
    "TransformerSequenceEncoder",
    "sinusoidal_positions",
]


def sinusoidal_positions(n_steps: int, width: int) -> torch.Tensor:
    """Fixed positional encodings (Vaswani et al., 2017), shape (n_steps, width)."""
    position = torch.arange(n_steps, dtype=torch.float32).unsqueeze(1)
    frequency = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(n_steps, width)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)[:, : width // 2]
    return table


def _all_observed(x: torch.Tensor, observed: torch.Tensor | None) -> torch.Tensor:
    """``observed`` (B, T) bool, or every step of x (B, T, d) when None."""
    if observed is None:
        return torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
    return observed


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
        observed = _all_observed(x, observed)
        # A sample without any observed step misses the modality: its output is not used, but
        # attention over no key at all would give NaN, so let it attend to its (zero) steps.
        observed = observed | ~observed.any(dim=1, keepdim=True)
        h = self.project(x) + self.positions[:n_steps].to(x.dtype)
        h = self.norm(self.transformer(h, src_key_padding_mask=~observed))
        weights = observed.unsqueeze(-1).to(h.dtype)
        return (h * weights).sum(1) / weights.sum(1)


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
        keep = _all_observed(x, observed).unsqueeze(-1)  # (B, T, 1)
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
        if x.dim() == 2:
            x = x.view(x.shape[0], self.n_steps, -1)
        mean, log_var = self.head(self.body(x, observed)).split(self.n_latent, dim=-1)
        return mean, log_var.clamp(-10.0, 10.0)


class TransformerGaussianEncoder(SequenceGaussianEncoder):
    """:class:`SequenceGaussianEncoder` with a :class:`TransformerSequenceEncoder` body."""

    def __init__(
        self, n_features: int, n_steps: int, width: int, n_layers: int, n_heads: int, n_latent: int, dropout: float
    ) -> None:
        super().__init__(
            TransformerSequenceEncoder(n_features, n_steps, width, n_layers, n_heads, dropout), n_steps, n_latent
        )


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
