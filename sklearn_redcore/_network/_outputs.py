"""What one forward pass of the RedCore network returns: the tensors its losses and predictions read."""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["RedCoreOutput"]


@dataclass
class RedCoreOutput:
    """What one forward pass returns (tensors of the batch)."""

    logits: torch.Tensor  # joint head, (B, n_classes)
    unimodal_logits: torch.Tensor | None  # (M, B, n_classes); None without unimodal heads
    mean: torch.Tensor  # (B, M, d) means of z_bar
    log_var: torch.Tensor  # (B, M, d)
    z_bar: torch.Tensor  # (B, M, d) own representations (sampled in training)
    z_hat: torch.Tensor  # (B, M, d) cross-modal representations
    present: torch.Tensor  # (B, M) bool: modality observed in the data
    visible: torch.Tensor  # (B, M) bool: modality used as input (see modality_dropout)
