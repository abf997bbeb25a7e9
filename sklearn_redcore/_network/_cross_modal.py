"""The cross-modal encoders ``xenc^m`` of RedCore (Sun et al., AAAI 2024, Section 3, Figure 2).

``xenc^m`` computes ``z_hat^m``, the representation of modality m imputed
from the representations of the *other available* modalities, through
stacked residual autoencoder blocks. A missing partner contributes nothing:
its slot of the input is zero (not the encoding of a zero input) and a
presence bit tells the encoder which partners it sees. The M encoders are
evaluated together (:class:`~sklearn_redcore._network._layers.StackedLinear`).
"""

from __future__ import annotations

import torch
from torch import nn

from ._layers import StackedLinear, stacked_mlp

__all__ = ["CrossModalEncoders", "ResidualAutoencoderBlocks"]


class ResidualAutoencoderBlocks(nn.Module):
    """Cascaded residual autoencoder blocks ``h <- h + AE_b(h)``, for M modalities at once.

    Each autoencoder narrows through ``widths`` and widens back symmetrically,
    e.g. widths (64, 32) on a 128-wide stream gives 128-64-32-64-128.
    Input and output: (M, B, n_hidden).
    """

    def __init__(self, n_stacks: int, n_hidden: int, widths: tuple[int, ...], n_blocks: int) -> None:
        super().__init__()
        sizes = [n_hidden, *widths, *reversed(widths[:-1]), n_hidden]
        self.autoencoders = nn.ModuleList(stacked_mlp(n_stacks, sizes, last_activation=False) for _ in range(n_blocks))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        for autoencoder in self.autoencoders:
            h = h + autoencoder(h)
        return h


class CrossModalEncoders(nn.Module):
    """The M cross-modal encoders ``xenc^m``: z_hat^m from the available partners' z_bar.

    The input of ``xenc^m`` is the representations of the other modalities,
    each multiplied by its presence bit (a missing partner is a zero block,
    so its weights contribute nothing), followed by the presence bits. A
    linear layer, the residual autoencoder blocks and a linear output layer
    give z_hat^m. The M encoders have separate weights, evaluated together.
    """

    def __init__(self, n_modalities: int, n_latent: int, n_hidden: int, widths: tuple[int, ...], n_blocks: int) -> None:
        super().__init__()
        n_partners = max(n_modalities - 1, 1)
        self.project_in = StackedLinear(n_modalities, n_partners * (n_latent + 1), n_hidden)
        self.blocks = ResidualAutoencoderBlocks(n_modalities, n_hidden, widths, n_blocks)
        self.project_out = StackedLinear(n_modalities, n_hidden, n_latent)
        partners = [[j for j in range(n_modalities) if j != m] or [m] for m in range(n_modalities)]
        self.register_buffer("partner_index", torch.tensor(partners, dtype=torch.long), persistent=False)

    def forward(self, z_bar: torch.Tensor, visible: torch.Tensor) -> torch.Tensor:
        """z_bar (B, M, d), visible (B, M) bool -> z_hat (B, M, d)."""
        if z_bar.shape[1] == 1:  # a single modality has no partner: z_hat is learnt constant
            visible = torch.zeros_like(visible)
        weights = visible.to(z_bar.dtype)[:, self.partner_index]  # (B, M, M-1)
        partners = z_bar[:, self.partner_index] * weights.unsqueeze(-1)  # (B, M, M-1, d)
        inputs = torch.cat([partners.flatten(2), weights], dim=2).transpose(0, 1)  # (M, B, in)
        h = torch.relu(self.blocks(self.project_in(inputs)))
        return self.project_out(h).transpose(0, 1)
