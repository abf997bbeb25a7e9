"""Embeddings of numerical features: each scalar of a vector modality mapped to a small vector first.

An MLP reads a standardised feature through a linear map, which makes sharp
or periodic dependence on one feature (what trees find with a few splits)
hard to learn. Gorishniy, Rubachev and Babenko ("On Embeddings for
Numerical Features in Tabular Deep Learning", NeurIPS 2022) embed every
scalar before the MLP; their periodic embedding ("PLR", here in its "lite"
form, whose linear layer the features share) is, for feature j of x,

.. math::

    v_j = 2 \\pi \\, c_j \\, x_j \\in \\mathbb{R}^k, \\qquad
    e_j = \\mathrm{ReLU}\\big(W [\\cos v_j ; \\sin v_j] + b\\big) \\in \\mathbb{R}^d,

with trainable frequencies :math:`c_j \\in \\mathbb{R}^k`, initialised from
:math:`\\mathcal{N}(0, \\sigma^2)` truncated at :math:`3\\sigma`, and one
linear layer :math:`W \\in \\mathbb{R}^{d \\times 2k}` for all features; the
encoder then reads the concatenation :math:`[e_1; \\dots; e_n]`. :math:`\\sigma`
sets the scale of the functions the embedding starts from (small: close to
linear in x; large: oscillating), and is the one hyperparameter the
authors found to matter.

These few lines are written here rather than taken from the authors'
package so that an embedding needs no dependency beyond torch and follows
this package's seeding; the shapes and the initialisation are theirs.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._layers import GaussianEncoder

__all__ = ["EmbeddedGaussianEncoder", "PeriodicEmbedding"]


class PeriodicEmbedding(nn.Module):
    """The periodic embedding of every feature (PLR "lite"): (B, n) -> (B, n * d).

    Parameters
    ----------
    n_features : int
        Number n of features.
    n_dims : int
        Size d of each feature's embedding; the number k of frequencies per
        feature is d as well.
    scale : float
        Standard deviation sigma of the initial frequencies.
    """

    def __init__(self, n_features: int, n_dims: int, scale: float) -> None:
        super().__init__()
        frequencies = torch.empty(n_features, n_dims)
        nn.init.trunc_normal_(frequencies, 0.0, scale, a=-3.0 * scale, b=3.0 * scale)
        self.frequencies = nn.Parameter(frequencies)
        self.linear = nn.Linear(2 * n_dims, n_dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        v = (2.0 * math.pi) * self.frequencies * x.unsqueeze(-1)  # (B, n, k)
        e = torch.relu(self.linear(torch.cat([torch.cos(v), torch.sin(v)], dim=-1)))  # (B, n, d)
        return e.flatten(1)


class EmbeddedGaussianEncoder(nn.Module):
    """A Gaussian encoder of a vector whose features are embedded first (see :class:`PeriodicEmbedding`)."""

    def __init__(
        self, n_in: int, hidden: tuple[int, ...], n_latent: int, dropout: float, *, n_dims: int, scale: float
    ) -> None:
        super().__init__()
        self.embedding = PeriodicEmbedding(n_in, n_dims, scale)
        self.encoder = GaussianEncoder(n_in * n_dims, hidden, n_latent, dropout)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.encoder(self.embedding(x))
