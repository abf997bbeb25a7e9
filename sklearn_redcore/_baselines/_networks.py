"""Networks of the methods RedCore is compared with (the paper's Comparison Studies).

All three read the same input as :class:`~sklearn_redcore._network.RedCoreModule`
(``x``: modalities as contiguous, standardised column blocks; ``present``:
which modalities each sample has) and share its conventions: a missing
modality is masked, never encoded from a zero input; predictions read the
joint head ``logits``; training hides random subsets of the available
modalities (:func:`sample_visible`) so that each model learns to stand in for
the hidden ones from the features it was not shown.

* :class:`ImaginationModule`: the missing modality imagination network
  (MMIN; Zhao, Li and Jin, ACL 2021) and, without its backward pass, the
  cascaded residual autoencoder (CRA; Tran et al., CVPR 2017) over the
  modality embeddings, as the MMIN paper uses it as a baseline.
* :class:`MaskedModalityModule`: a modality-level masked autoencoder in the
  manner of ActionMAE (Woo et al., AAAI 2023), the AMAE of the RedCore paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from .._network import mlp
from .._training import weighted_cross_entropy, weighted_mean


def sample_visible(present: torch.Tensor, hide_rates: torch.Tensor | None = None) -> torch.Tensor:
    """A random non-empty subset of each sample's present modalities.

    Without ``hide_rates``, every non-empty subset of the present modalities
    (the full set included) is equally likely: each present modality is kept
    with probability 1/2. With ``hide_rates`` (one per modality), modality m
    is hidden with probability ``hide_rates[m]``: the missing conditions of
    perfect data training at given rates. Draws that keep none are redrawn;
    rows with no modality stay empty.
    """
    present = present.bool()
    keep = 0.5 if hide_rates is None else 1.0 - hide_rates.to(present.device)
    visible = present & (torch.rand(present.shape, device=present.device) < keep)
    redraw = present.any(1) & ~visible.any(1)
    while redraw.any():
        fresh = present & (torch.rand(present.shape, device=present.device) < keep)
        visible = torch.where(redraw.unsqueeze(1), fresh, visible)
        redraw = present.any(1) & ~visible.any(1)
    return visible


class _HidingModule(nn.Module):
    """A module that hides modalities in training by :func:`sample_visible` (at ``hide_rates`` if given).

    ``hide_once``: each training row's hidden modalities are drawn once, when
    the training inputs are prepared, and stay hidden for the whole fit;
    otherwise every mini-batch draws them anew.
    """

    def _set_hide_rates(self, hide_rates: list[float] | None, hide_once: bool = False) -> None:
        rates = None if hide_rates is None else torch.tensor([float(r) for r in hide_rates])
        self.register_buffer("hide_rates", rates, persistent=False)
        self.hide_once = bool(hide_once)

    def prepare_training_inputs(self, tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """The training inputs, with each row's visible modalities drawn once (``hide_once``)."""
        if not self.hide_once:
            return tensors
        return {**tensors, "visible": sample_visible(tensors["present"], self.hide_rates)}

    def _visible(self, present: torch.Tensor, visible: torch.Tensor | None) -> torch.Tensor:
        """The modalities shown to the network: all present ones outside training."""
        if not self.training:
            return present
        return present & visible.bool() if visible is not None else sample_visible(present, self.hide_rates)


class ModalityEncoders(nn.Module):
    """One MLP per modality: x^m -> h^m in R^d; output (B, M, d)."""

    def __init__(self, modality_sizes: list[int], hidden: tuple[int, ...], n_latent: int, dropout: float) -> None:
        super().__init__()
        self.modality_sizes = list(modality_sizes)
        self.encoders = nn.ModuleList(
            nn.Sequential(mlp([size, *hidden], dropout), nn.Linear(hidden[-1] if hidden else size, n_latent))
            for size in modality_sizes
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        blocks = torch.split(x, self.modality_sizes, dim=1)
        return torch.stack([encoder(block) for encoder, block in zip(self.encoders, blocks)], dim=1)


class ResidualAutoencoder(nn.Module):
    """One block of a cascaded residual autoencoder: h -> (delta, bottleneck).

    The encoder narrows ``n_in`` through ``widths`` (ReLU between layers), the
    decoder mirrors it back to ``n_in``; the bottleneck is the narrowest layer.
    """

    def __init__(self, n_in: int, widths: tuple[int, ...], dropout: float) -> None:
        super().__init__()
        self.encoder = mlp([n_in, *widths], dropout)
        back = [*reversed(widths[:-1]), n_in]
        layers: list[nn.Module] = []
        width_in = widths[-1]
        for i, width_out in enumerate(back):
            layers.append(nn.Linear(width_in, width_out))
            if i < len(back) - 1:
                layers.append(nn.ReLU())
            width_in = width_out
        self.decoder = nn.Sequential(*layers)

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        bottleneck = self.encoder(h)
        return self.decoder(bottleneck), bottleneck


class CascadedResidualAutoencoder(nn.Module):
    """Tran et al.'s cascade: ``h_k = h_{k-1} + AE_k(h_{k-1})``, k = 1..K.

    Returns the last ``h_K`` and the concatenated bottlenecks of the K blocks.
    """

    def __init__(self, n_in: int, widths: tuple[int, ...], n_blocks: int, dropout: float) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(ResidualAutoencoder(n_in, widths, dropout) for _ in range(n_blocks))

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        bottlenecks = []
        for block in self.blocks:
            delta, bottleneck = block(h)
            h = h + delta
            bottlenecks.append(bottleneck)
        return h, torch.cat(bottlenecks, dim=1)


@dataclass
class BaselineOutput:
    """What one forward pass of a baseline network returns."""

    logits: torch.Tensor  # (B, n_classes)
    embedding: torch.Tensor  # (B, M, d) embeddings of every modality's input (targets)
    reconstruction: torch.Tensor  # (B, M, d) the network's stand-in for every modality
    present: torch.Tensor  # (B, M) bool: modality observed in the data
    visible: torch.Tensor  # (B, M) bool: modality shown to the network
    cycle: torch.Tensor | None = None  # (B, M * d) MMIN's backward reconstruction
    cycle_target: torch.Tensor | None = None  # (B, M * d) the visible embeddings, zeros elsewhere


def _masked_mse(
    prediction: torch.Tensor, target: torch.Tensor, mask: torch.Tensor, sample_weight: torch.Tensor | None = None
) -> torch.Tensor:
    """Mean over the masked (B, M) entries of the squared error averaged over d (each sample counted its weight)."""
    squared = (prediction - target.detach()).pow(2).mean(-1)
    weight = mask.to(squared.dtype)
    if sample_weight is None:
        return (squared * weight).sum() / weight.sum().clamp(min=1.0)
    weight = weight * sample_weight.to(squared.dtype).unsqueeze(1)
    return (squared * weight).sum() / weight.sum().clamp(min=1e-12)


class ImaginationModule(_HidingModule):
    """MMIN (and CRA when ``cycle_weight == 0``) for M vector modalities.

    Each modality's encoder gives h^m; the forward cascaded residual
    autoencoder reads ``[h^1 c^1; ...; h^M c^M]`` (c^m = 1 if modality m is
    shown, else 0) and imagines the embeddings of all modalities; the
    imagination loss compares the imagined embedding of every modality the
    sample has with its actual embedding (a fixed target: its gradient is
    stopped). The classifier reads the bottlenecks of the forward blocks. MMIN
    adds a backward cascade that maps the imagination back to the shown
    embeddings (cycle consistency).

    Parameters
    ----------
    modality_sizes : list of int
        Columns of each modality.
    n_classes : int
        Number of classes.
    n_latent : int
        Dimension d of each modality embedding.
    encoder_hidden : tuple of int
        Hidden widths of each modality encoder.
    cra_widths : tuple of int
        Narrowing widths of each residual autoencoder (mirrored back to M * d).
    cra_blocks : int
        Number of residual autoencoders in each cascade.
    classifier_hidden : int
        Hidden width of the classifier.
    dropout : float
        Dropout rate.
    imagination_weight, cycle_weight : float
        Weights of the forward (imagination) and backward (cycle) losses
        against the cross-entropy; ``cycle_weight=0`` builds no backward
        cascade (CRA).
    hide_rates : list of float or None
        Training only: the rate at which each modality is hidden from the
        inputs (see :func:`sample_visible`); None: uniform subsets.
    hide_once : bool
        Draw each training row's hidden modalities once per fit instead of
        once per mini-batch.
    """

    joint_loss_part = "classification"
    loss_parts = (joint_loss_part, "imagination", "cycle")

    def __init__(
        self,
        modality_sizes: list[int],
        n_classes: int,
        *,
        n_latent: int = 64,
        encoder_hidden: tuple[int, ...] = (128,),
        cra_widths: tuple[int, ...] = (128, 64),
        cra_blocks: int = 5,
        classifier_hidden: int = 128,
        dropout: float = 0.1,
        imagination_weight: float = 4.0,
        cycle_weight: float = 2.0,
        hide_rates: list[float] | None = None,
        hide_once: bool = False,
    ) -> None:
        super().__init__()
        self._set_hide_rates(hide_rates, hide_once)
        self.n_modalities = len(modality_sizes)
        self.n_latent = n_latent
        self.imagination_weight = float(imagination_weight)
        self.cycle_weight = float(cycle_weight)
        width = self.n_modalities * n_latent
        self.encoders = ModalityEncoders(modality_sizes, tuple(encoder_hidden), n_latent, dropout)
        self.forward_cascade = CascadedResidualAutoencoder(width, tuple(cra_widths), cra_blocks, dropout)
        self.backward_cascade = (
            CascadedResidualAutoencoder(width, tuple(cra_widths), cra_blocks, dropout)
            if self.cycle_weight > 0
            else None
        )
        self.classifier = nn.Sequential(
            mlp([cra_blocks * cra_widths[-1], classifier_hidden], dropout),
            nn.Linear(classifier_hidden, n_classes),
        )

    def forward(self, x: torch.Tensor, present: torch.Tensor, visible: torch.Tensor | None = None) -> BaselineOutput:
        present = present.bool()
        visible = self._visible(present, visible)
        embedding = self.encoders(x)
        shown = (embedding * visible.unsqueeze(-1).to(embedding.dtype)).flatten(1)
        imagined, bottlenecks = self.forward_cascade(shown)
        logits = self.classifier(bottlenecks)
        cycle = None
        if self.backward_cascade is not None and self.training:
            cycle, _ = self.backward_cascade(imagined)
        reconstruction = imagined.view(-1, self.n_modalities, self.n_latent)
        return BaselineOutput(logits, embedding, reconstruction, present, visible, cycle, shown)

    def loss(
        self, out: BaselineOutput, y: torch.Tensor, sample_weight: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        """Cross-entropy + imagination_weight * imagination + cycle_weight * cycle (weighted means by sample)."""
        classification = weighted_cross_entropy(out.logits, y, sample_weight)
        imagination = _masked_mse(out.reconstruction, out.embedding, out.present, sample_weight)
        total = classification + self.imagination_weight * imagination
        cycle = torch.zeros((), dtype=total.dtype, device=total.device)
        if out.cycle is not None:
            if sample_weight is None:
                cycle = F.mse_loss(out.cycle, out.cycle_target.detach())
            else:
                squared = (out.cycle - out.cycle_target.detach()).pow(2).flatten(1).mean(1)
                cycle = weighted_mean(squared, sample_weight)
            total = total + self.cycle_weight * cycle
        return {"total": total, "classification": classification, "imagination": imagination, "cycle": cycle}


class MaskedModalityModule(_HidingModule):
    """A modality-level masked autoencoder (AMAE) for M vector modalities.

    Each modality's encoder gives a token h^m, to which a learnt modality
    embedding is added; a modality that is not shown is replaced by a learnt
    mask token (plus its modality embedding). A transformer encoder mixes the
    M tokens; a linear decoder turns each output token back into an embedding,
    trained to match the actual embedding of every hidden modality the sample
    has (gradient stopped at the target). The classifier reads the mean of the
    output tokens.

    Parameters
    ----------
    modality_sizes : list of int
        Columns of each modality.
    n_classes : int
        Number of classes.
    n_latent : int
        Width d of the tokens.
    encoder_hidden : tuple of int
        Hidden widths of each modality encoder.
    n_layers, n_heads : int
        Depth of the transformer and its attention heads (``n_latent`` must
        be divisible by ``n_heads``).
    feedforward : int
        Width of the transformer's feed-forward layers.
    classifier_hidden : int
        Hidden width of the classifier.
    dropout : float
        Dropout rate.
    reconstruction_weight : float
        Weight of the reconstruction loss against the cross-entropy.
    hide_rates : list of float or None
        Training only: the rate at which each modality is hidden from the
        inputs (see :func:`sample_visible`); None: uniform subsets.
    hide_once : bool
        Draw each training row's hidden modalities once per fit instead of
        once per mini-batch.
    """

    joint_loss_part = "classification"
    loss_parts = (joint_loss_part, "reconstruction")

    def __init__(
        self,
        modality_sizes: list[int],
        n_classes: int,
        *,
        n_latent: int = 64,
        encoder_hidden: tuple[int, ...] = (128,),
        n_layers: int = 2,
        n_heads: int = 4,
        feedforward: int = 128,
        classifier_hidden: int = 128,
        dropout: float = 0.1,
        reconstruction_weight: float = 1.0,
        hide_rates: list[float] | None = None,
        hide_once: bool = False,
    ) -> None:
        super().__init__()
        self._set_hide_rates(hide_rates, hide_once)
        self.n_modalities = len(modality_sizes)
        self.reconstruction_weight = float(reconstruction_weight)
        self.encoders = ModalityEncoders(modality_sizes, tuple(encoder_hidden), n_latent, dropout)
        self.modality_embedding = nn.Parameter(torch.randn(self.n_modalities, n_latent) / math.sqrt(n_latent))
        self.mask_token = nn.Parameter(torch.zeros(n_latent))
        layer = nn.TransformerEncoderLayer(n_latent, n_heads, feedforward, dropout, batch_first=True, norm_first=True)
        self.transformer = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(n_latent)
        self.decoder = nn.Linear(n_latent, n_latent)
        self.classifier = nn.Sequential(
            mlp([n_latent, classifier_hidden], dropout), nn.Linear(classifier_hidden, n_classes)
        )

    def forward(self, x: torch.Tensor, present: torch.Tensor, visible: torch.Tensor | None = None) -> BaselineOutput:
        present = present.bool()
        visible = self._visible(present, visible)
        embedding = self.encoders(x)
        tokens = torch.where(visible.unsqueeze(-1), embedding, self.mask_token.to(embedding.dtype))
        tokens = self.norm(self.transformer(tokens + self.modality_embedding))
        logits = self.classifier(tokens.mean(1))
        return BaselineOutput(logits, embedding, self.decoder(tokens), present, visible)

    def loss(
        self, out: BaselineOutput, y: torch.Tensor, sample_weight: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        """Cross-entropy + reconstruction_weight * reconstruction of the hidden modalities (weighted by sample)."""
        classification = weighted_cross_entropy(out.logits, y, sample_weight)
        reconstruction = _masked_mse(out.reconstruction, out.embedding, out.present & ~out.visible, sample_weight)
        total = classification + self.reconstruction_weight * reconstruction
        return {"total": total, "classification": classification, "reconstruction": reconstruction}
