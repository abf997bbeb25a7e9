"""Layers the package's networks share: MLP stacks, M layers in one matmul, the Gaussian encoder."""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["GaussianEncoder", "StackedLinear", "mlp", "stacked_mlp"]


def mlp(sizes: list[int], dropout: float) -> nn.Sequential:
    """Linear-ReLU-Dropout stack; ``sizes`` lists the widths of all layers."""
    layers: list[nn.Module] = []
    for width_in, width_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(width_in, width_out), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class StackedLinear(nn.Module):
    """M independent linear layers of equal shape, applied in one batched matmul.

    Input (M, B, n_in), output (M, B, n_out): slice m goes through layer m.
    Initialised like :class:`torch.nn.Linear` (uniform in +-1/sqrt(n_in)).
    Batching the modalities' layers this way replaces M small matrix products
    by one, which matters on CPUs where each operation has a fixed cost.
    """

    def __init__(self, n_stacks: int, n_in: int, n_out: int) -> None:
        super().__init__()
        bound = 1.0 / math.sqrt(n_in)
        self.weight = nn.Parameter(torch.empty(n_stacks, n_in, n_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_stacks, 1, n_out).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


def stacked_mlp(n_stacks: int, sizes: list[int], *, last_activation: bool, dropout: float = 0.0) -> nn.Sequential:
    """M MLPs of widths ``sizes`` evaluated together on (M, B, sizes[0]) (see :class:`StackedLinear`)."""
    layers: list[nn.Module] = []
    n_layers = len(sizes) - 1
    for i, (width_in, width_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(StackedLinear(n_stacks, width_in, width_out))
        if i < n_layers - 1 or last_activation:
            layers.append(nn.ReLU())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class GaussianEncoder(nn.Module):
    """Variational encoder of a vector: x -> (mu, log sigma^2) of a Gaussian representation."""

    def __init__(self, n_in: int, hidden: tuple[int, ...], n_latent: int, dropout: float) -> None:
        super().__init__()
        self.body = mlp([n_in, *hidden], dropout)
        width = hidden[-1] if hidden else n_in
        self.n_latent = n_latent
        self.head = nn.Linear(width, 2 * n_latent)  # mean and log-variance

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, log_var = self.head(self.body(x)).split(self.n_latent, dim=-1)
        return mean, log_var.clamp(-10.0, 10.0)
