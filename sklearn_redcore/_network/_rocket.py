"""A self-modal encoder of a sequence modality by random convolutions (``sequence_encoder="rocket"``).

**Random convolutions** (:class:`RocketGaussianEncoder`; not in the paper).
MiniRocket (Dempster, Schmidt and Webb, KDD 2021) describes a series by
fixed, untrained convolutions and lets a linear model learn the rest. This
encoder puts such features in front of the learned part, so that the
network trains a small MLP instead of convolutions:

1. the kernels are MiniRocket's 84: 9 taps, weight 2 at three of them and
   -1 at the other six (every choice of three among nine), so that each
   kernel sums to 0 and a constant offset of the series does not change its
   response. Each kernel runs at every dilation of
   :func:`random_convolution_dilations` (1 to ``(T - 1) / 8``, exponentially
   spaced, so that the widest kernel still spans the series) over a random
   subset of the d features (its response is the sum of theirs), with
   ``4 * dilation`` zero steps on either side;
2. each (kernel, dilation) response is compared with ``q`` thresholds, its
   quantiles over the observed steps of the training sequences at the
   levels ``frac(i * phi)`` (phi the golden ratio, i the feature's index:
   levels spread evenly over (0, 1) whatever their number), ``q`` chosen so
   that there are about ``n_features`` in all; the features are the
   proportions of *observed* steps where the response exceeds its threshold
   (MiniRocket's PPV) over the whole sequence, over its first half and over
   its second half (halves of the sample's own observed steps), so that
   *where* a pattern occurs counts too, coarsely: MiniRocket's proportions
   over the whole series cannot tell "A then B" from "B then A" once the
   two are further apart than a kernel spans (on the synthetic sequences of
   the suite, whose class is such an order, the halves raised the weighted
   F1 from 0.549 to 0.589 at an equal number of features, docs/sequences.md);
3. the features are standardised by their mean and standard deviation on
   the training sequences (a constant feature becomes 0), go through an MLP
   of ``hidden`` widths (dropout after each layer, none on the features: on
   the suite, dropout on the thousands of features cost a third of the
   training time and 0.002 of weighted F1 on average) and a layer norm, and
   the linear head gives ``(mu, log sigma^2)``. The layer norm matters: without it the
   first layer, which reads thousands of features, grew the
   representations until the imputation losses reached thousands (weighted
   F1 on BasicMotions at (0.8, 0.2) 0.921 without, 0.954 with).

The kernels' channels are drawn when the network is built (from
``random_state``); the thresholds and the standardisation are fitted on the
training data when training starts (:meth:`RandomConvolutionFeatures.fit`,
called by the training loop once per model: a warm start keeps them) and
saved with the weights. Padding never counts: steps beyond a sample's
length are zero when convolved and are not counted in the proportions. The
features are not differentiated (nothing before them is trained), so a
training step costs the convolutions' forward pass and the MLP. Unlike
MiniRocket, the biases are quantiles of the responses pooled over training
sequences rather than of one random sequence per kernel, and padding is the
same for every kernel.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn
from torch.nn import functional as F

from ._layers import mlp
from ._sequence_gaussian import SequenceGaussianEncoder, observed_or_all

__all__ = [
    "RANDOM_KERNEL_TAPS",
    "RandomConvolutionFeatures",
    "RocketGaussianEncoder",
    "random_convolution_dilations",
]


#: MiniRocket's 84 kernels, (84, 9): weight 2 at three of the nine taps, -1 at the others.
RANDOM_KERNEL_TAPS = torch.full((84, 9), -1.0)
for _row, _taps in enumerate(itertools.combinations(range(9), 3)):
    RANDOM_KERNEL_TAPS[_row, list(_taps)] = 2.0
del _row, _taps

#: The golden ratio, whose multiples modulo 1 give the thresholds' quantile levels.
_GOLDEN_RATIO = (1.0 + math.sqrt(5.0)) / 2.0

#: The parts of a sequence each threshold's proportion is taken over: the whole, the first half, the second half.
_N_REGIONS = 3

#: Most training sequences whose responses give the thresholds (a random subset of the present ones), and most
#: of their observed steps per dilation (a random subset beyond: the sort of the responses is the fit's cost).
_THRESHOLD_SAMPLES = 1024
_THRESHOLD_STEPS = 2**16

#: About how many values (rows x kernels x steps x thresholds) one block of rows compares at once.
_BLOCK_VALUES = 2**23


def random_convolution_dilations(n_steps: int, max_dilations: int = 32) -> list[int]:
    """The dilations of the random kernels: up to ``max_dilations`` integers from 1 to ``(n_steps - 1) // 8``.

    Exponentially spaced (``floor(2**x)`` for x evenly spaced from 0 to
    ``log2((n_steps - 1) // 8)``, repeats dropped), so that a 9-tap kernel at
    the largest dilation spans the whole series; a series of fewer than 17
    steps gets dilation 1 only.

    Examples
    --------
    >>> random_convolution_dilations(29)
    [1, 2, 3]
    >>> random_convolution_dilations(8)
    [1]
    """
    largest = max(1, (int(n_steps) - 1) // 8)
    exponents = torch.linspace(0.0, math.log2(largest), max_dilations, dtype=torch.float64)
    return sorted({int(value) for value in torch.floor(2.0**exponents + 1e-9).tolist()})


class RandomConvolutionFeatures(nn.Module):
    """Sequence (B, T, d) and its observed steps (B, T) -> random-convolution features and an MLP (B, n_outputs).

    See the module's docstring ("Random convolutions") for what is computed.

    Parameters
    ----------
    n_features_in : int
        Features d per step.
    n_steps : int
        Largest number of steps T the encoder will see.
    n_features : int
        About how many random-convolution features: there are ``3 * 84 *
        len(dilations) * q``, with ``q = max(1, round(n_features / (3 * 84 *
        len(dilations))))`` thresholds per kernel and dilation (3 regions),
        so at least ``252 * len(dilations)`` (more than ``n_features`` for
        long sequences: 3,024 for 100 steps, 12 dilations).
    hidden : tuple of int
        Widths of the MLP on the standardised features (empty: none).
    dropout : float
        Dropout after each hidden layer.
    """

    def __init__(
        self, n_features_in: int, n_steps: int, n_features: int, hidden: tuple[int, ...], dropout: float
    ) -> None:
        super().__init__()
        self.n_features_in = n_features_in
        self.dilations = random_convolution_dilations(n_steps)
        n_kernels = RANDOM_KERNEL_TAPS.shape[0]
        self.n_thresholds = max(1, round(n_features / (_N_REGIONS * n_kernels * len(self.dilations))))
        self.n_features = _N_REGIONS * n_kernels * len(self.dilations) * self.n_thresholds
        # Each (dilation, kernel) reads a random subset of the features: 1 to min(d, 9) of them, smaller ones likelier.
        limit = min(n_features_in, 9)
        weights = torch.zeros(len(self.dilations), n_kernels, n_features_in, 9)
        for i in range(len(self.dilations)):
            sizes = torch.floor(2.0 ** (torch.rand(n_kernels) * math.log2(limit + 1))).clamp(1, limit).long()
            for k in range(n_kernels):
                channels = torch.randperm(n_features_in)[: int(sizes[k])]
                weights[i, k, channels] = RANDOM_KERNEL_TAPS[k]
        self.register_buffer("weights", weights)
        index = torch.arange(1, n_kernels * len(self.dilations) * self.n_thresholds + 1, dtype=torch.float64)
        levels = torch.remainder(index * _GOLDEN_RATIO, 1.0).to(torch.float32)
        self.register_buffer("levels", levels.view(len(self.dilations), n_kernels, self.n_thresholds))
        self.register_buffer("thresholds", torch.zeros(len(self.dilations), n_kernels, self.n_thresholds))
        self.register_buffer("feature_mean", torch.zeros(self.n_features))
        self.register_buffer("feature_scale", torch.ones(self.n_features))
        self.register_buffer("fitted", torch.tensor(False))
        self.hidden = mlp([self.n_features, *hidden], dropout)
        self.n_outputs = hidden[-1] if hidden else self.n_features
        self.norm = nn.LayerNorm(self.n_outputs)
        # Rows per block of the comparisons, (rows, 84, T, q) values at once.
        self.block_rows = max(1, _BLOCK_VALUES // (n_kernels * max(1, n_steps) * self.n_thresholds))

    def _responses(self, x: torch.Tensor, keep: torch.Tensor):
        """(dilation index, response (B, 84, T)) of the kernels at each dilation; padding steps read 0."""
        series = x.masked_fill(~keep.unsqueeze(-1), 0.0).transpose(1, 2)  # (B, d, T)
        for i, dilation in enumerate(self.dilations):
            yield i, F.conv1d(series, self.weights[i].to(series.dtype), padding=4 * dilation, dilation=dilation)

    def proportions(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> torch.Tensor:
        """The raw features (B, n_features): for each response and threshold, the share of the observed steps
        where the response exceeds the threshold, over the whole sequence, its first half and its second half."""
        keep = observed_or_all(x, observed)
        rank = keep.cumsum(1) - 1  # the place of each observed step among the sample's observed steps
        first = keep & (2 * rank < keep.sum(1, keepdim=True))
        regions = torch.stack([keep, first, keep & ~first], dim=1).to(x.dtype)  # (B, 3, T)
        counts = regions.sum(2).clamp(min=1)[:, :, None, None]
        parts = []
        for i, response in self._responses(x, keep):
            above = (response.unsqueeze(-1) > self.thresholds[i].to(x.dtype)[None, :, None, :]).to(x.dtype)
            # (B, 84, T, q) with (B, 3, T) -> (B, 3, 84, q): counts of 0/1 values, exact in floating point
            parts.append((torch.einsum("bktq,brt->brkq", above, regions) / counts).flatten(1))
        return torch.cat(parts, dim=1)

    def _blocks(self, x: torch.Tensor, keep: torch.Tensor):
        """(first row, raw :meth:`proportions`) of x by blocks of ``block_rows`` rows (bounded memory)."""
        for start in range(0, len(x), self.block_rows):
            yield start, self.proportions(x[start : start + self.block_rows], keep[start : start + self.block_rows])

    @torch.no_grad()
    def fit(
        self, x: torch.Tensor, observed: torch.Tensor | None = None, *, return_features: bool = False
    ) -> torch.Tensor | None:
        """Fit the thresholds and the features' standardisation on training sequences x (B, T, d).

        Rows without any observed step (a missing modality) are left out of
        both. The thresholds come from at most 1,024 random rows and, per
        dilation, at most 65,536 random observed steps of theirs; the
        standardisation from every row, accumulated block by block.
        ``return_features``: also return the fitted :meth:`features` of every
        row of x (which the fit computes anyway); else None.
        """
        keep = observed_or_all(x, observed)
        present = keep.any(1)
        rows = torch.nonzero(present).flatten()
        most_rows = max(1, min(_THRESHOLD_SAMPLES, 2 * _THRESHOLD_STEPS // max(1, x.shape[1])))
        if len(rows) > most_rows:
            rows = rows[torch.randperm(len(rows), device=rows.device)[:most_rows]]
        sample, sample_keep = x[rows], keep[rows]
        for i, response in self._responses(sample, sample_keep):
            values = response.transpose(0, 1)[:, sample_keep]  # (84, observed steps of the sample)
            if values.shape[1] == 0:
                continue
            if values.shape[1] > _THRESHOLD_STEPS:
                values = values[:, torch.randperm(values.shape[1], device=values.device)[:_THRESHOLD_STEPS]]
            ordered = values.sort(dim=1).values
            position = (self.levels[i] * (values.shape[1] - 1)).round().long()  # (84, q)
            self.thresholds[i] = ordered.gather(1, position).to(self.thresholds.dtype)
        total = torch.zeros(self.n_features, dtype=torch.float64, device=x.device)
        squares = torch.zeros_like(total)
        kept = []
        for start, raw in self._blocks(x, keep):
            seen = raw[present[start : start + len(raw)]].double()
            total += seen.sum(0)
            squares += (seen * seen).sum(0)
            if return_features:
                kept.append(raw)
        n_seen = int(present.sum())
        if n_seen:
            mean = total / n_seen
            scale = (squares / n_seen - mean * mean).clamp(min=0.0).sqrt()
            self.feature_mean.copy_(mean.to(self.feature_mean.dtype))
            self.feature_scale.copy_(
                torch.where(scale > 1e-6, scale, torch.ones_like(scale)).to(self.feature_scale.dtype)
            )
        self.fitted.fill_(True)
        if not return_features:
            return None
        raw = torch.cat(kept) if kept else x.new_zeros(0, self.n_features)
        return raw.sub_(self.feature_mean).div_(self.feature_scale).to(self.feature_mean.dtype)

    @torch.no_grad()
    def features(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> torch.Tensor:
        """The fixed part (B, n_features): the proportions, standardised by the training statistics."""
        keep = observed_or_all(x, observed)
        if not len(x):
            return self.feature_mean.new_zeros(0, self.n_features)
        raw = torch.cat([block for _, block in self._blocks(x, keep)]).to(self.feature_mean.dtype)
        return raw.sub_(self.feature_mean).div_(self.feature_scale)

    def forward(
        self, x: torch.Tensor, observed: torch.Tensor | None = None, features: torch.Tensor | None = None
    ) -> torch.Tensor:
        """x (B, T, d); observed (B, T) bool, True where the step holds data (None: all).

        ``features``: this batch's :meth:`features`, when the caller computed them
        beforehand (the training loop does, once per fit); None computes them.
        """
        if features is None:
            features = self.features(x, observed)
        return self.norm(self.hidden(features))


class RocketGaussianEncoder(SequenceGaussianEncoder):
    """:class:`SequenceGaussianEncoder` with a :class:`RandomConvolutionFeatures` body."""

    def __init__(
        self,
        n_features_in: int,
        n_steps: int,
        n_features: int,
        hidden: tuple[int, ...],
        n_latent: int,
        dropout: float,
    ) -> None:
        super().__init__(
            RandomConvolutionFeatures(n_features_in, n_steps, n_features, hidden, dropout), n_steps, n_latent
        )

    @property
    def n_features(self) -> int:
        """Number of random-convolution features."""
        return self.body.n_features

    def fit_inputs(
        self, x: torch.Tensor, observed: torch.Tensor | None = None, *, return_features: bool = False
    ) -> torch.Tensor | None:
        """Fit the body's thresholds and standardisation on x (B, T * d) or (B, T, d), unless fitted already.

        Returns the features of every row of x if asked and it fitted (None otherwise).
        """
        if bool(self.body.fitted):
            return None
        return self.body.fit(self._steps(x), observed, return_features=return_features)

    def features(self, x: torch.Tensor, observed: torch.Tensor | None = None) -> torch.Tensor:
        """The fixed features (B, n_features) of x (B, T * d) or (B, T, d)."""
        return self.body.features(self._steps(x), observed)

    def forward(
        self, x: torch.Tensor, observed: torch.Tensor | None = None, features: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """As :meth:`SequenceGaussianEncoder.forward`; ``features``: this batch's :meth:`features`, if known."""
        return self._gaussian(self.body(self._steps(x), observed, features))
