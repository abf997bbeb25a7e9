"""The loss parts of the RedCore network on one batch, and the objective eta weights (Sun et al., AAAI 2024).

RedCore minimises (Section 3)

    L = L_VIB + sum_m eta^m L_MSE^m

* ``L_VIB`` (eq. 3), the variational information bottleneck over the M + 1
  classifiers (the joint head on ``z^{M+1} = [z^1; ...; z^M]`` and one head
  per modality on ``z^m``): each head's loss plus the KL divergence
  (:func:`gaussian_kl`) of its representation to N(0, I);
* ``L_MSE^m`` (Section 3, C), the imputation loss of modality m: the squared
  distance between its own representation ``z_bar^m`` and its cross-modal
  imputation ``z_hat^m`` (eq. 1), averaged over the samples where m is present;
* eta, the supervision weights that Algorithm 1 (``_regulation.py``) updates
  from the imputation losses (eqs. 4-9).

:func:`redcore_loss` computes the parts of one batch (a :class:`RedCoreLoss`)
and :func:`redcore_objective` combines them with eta.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from .._training import weighted_mean
from ._outputs import RedCoreOutput

__all__ = ["RedCoreLoss", "gaussian_kl", "redcore_loss", "redcore_objective"]


def gaussian_kl(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """``D_KL(N(mean, diag exp(log_var)) || N(0, I))`` summed over the last axis."""
    return 0.5 * torch.sum(mean.pow(2) + log_var.exp() - 1.0 - log_var, dim=-1)


@dataclass
class RedCoreLoss:
    """The parts of the training objective on one batch."""

    vib: torch.Tensor  # L_VIB, eq. (3)
    imputation: torch.Tensor  # (M,) L_MSE^m on the batch (0 where unobserved)
    observed: torch.Tensor  # (M,) bool: m present in at least one sample
    joint: torch.Tensor  # the joint head's loss, cross-entropy or squared error (a term of L_VIB)
    joint_part: str  # the name of ``joint`` among the module's ``loss_parts`` (its ``joint_loss_part``)
    unimodal: torch.Tensor | None = None  # (M,) each unimodal head's loss (terms of L_VIB); None without heads
    target_spread: torch.Tensor | None = None  # (M,) spread of z_bar^m over the samples where m is present

    def __getitem__(self, name: str) -> torch.Tensor:
        """A part by name, as the training loop reads the parts listed in the module's ``loss_parts``
        (``joint_part``: the joint head's loss)."""
        return self.joint if name == self.joint_part else getattr(self, name)


def redcore_loss(
    out: RedCoreOutput,
    y: torch.Tensor,
    sample_weight: torch.Tensor | None,
    *,
    joint_loss: Callable[[torch.Tensor, torch.Tensor, torch.Tensor | None], torch.Tensor],
    head_losses: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    kl_weight: float,
    detach_target: bool,
    joint_part: str,
) -> RedCoreLoss:
    """The parts of the training objective on one batch (Section 3); eta weights them in
    :func:`redcore_objective`.

    * VIB (eq. 3), over the M + 1 heads: the loss of each head (``joint_loss``
      of the joint head's outputs, the mean of ``head_losses`` over the samples
      for a unimodal head; the cross-entropy for a classifier) plus
      ``kl_weight`` times the KL divergence of its representation to N(0, I),
      averaged over the N samples of the batch. The KL of modality m counts for
      samples where m is present (a cross-modal z_hat is a point estimate); the
      joint representation's KL is the sum over modalities (independent
      Gaussians). Eq. (3) writes ``KL - gamma log q``; dividing it by gamma
      gives this form with ``kl_weight = 1 / gamma``.
    * Imputation (Section 3, C): ``L_MSE^m = (1/N_m) sum_{n: C_nm=1}
      ||z_bar_n^m - z_hat_n^m||^2`` over the samples where m is present; a
      modality absent from the whole batch contributes 0 and is flagged.
    * ``detach_target`` stops the gradient of the imputation losses at
      z_bar (not in the paper, where both sides are trained): ``L_MSE^m``
      then does not pull modality m's own representation towards its
      imputation. Its gradient still reaches the cross-modal encoder of m
      and, through z_hat's inputs, the self-modal encoders of the other
      modalities.
    * ``target_spread`` (M,), the scale of each imputation loss: the mean
      squared distance of ``z_bar_n^m`` to its mean over the same samples
      (no gradient), so that ``L_MSE^m / spread^m`` is one minus the R^2 of
      the imputation (what ``advantage_reference="spread"`` reads).
    * ``sample_weight`` (B,): every per-sample term counts each sample that
      many times (the means become weighted means), as if it were repeated.
    * ``joint_part``: the name under which the training loop reads the joint
      head's loss (:class:`RedCoreLoss`).
    """
    present = out.present.to(out.mean.dtype)
    joint = joint_loss(out.logits, y, sample_weight)  # the joint head's
    kl = weighted_mean(gaussian_kl(out.mean, out.log_var) * present, sample_weight)  # (M,)
    vib = joint + kl_weight * kl.sum()  # the joint representation's KL: the sum over modalities
    if out.unimodal_logits is not None:
        n_modalities, _, n_outputs = out.unimodal_logits.shape
        flat_outputs = out.unimodal_logits.reshape(-1, n_outputs)
        flat_y = y.repeat(n_modalities, *([1] * (y.dim() - 1)))
        # Each head's own loss (M,), which eta_scope weighs; their mean is unimodal_mean.
        per_head = head_losses(flat_outputs, flat_y).reshape(n_modalities, -1)
        unimodal = weighted_mean(per_head.T, sample_weight)
        unimodal_mean = unimodal.mean()
        vib = vib + n_modalities * unimodal_mean + kl_weight * kl.sum()
    else:  # the Red ablation drops the unimodal cross-entropies only, as the paper does: their KL terms stay
        vib = vib + kl_weight * kl.sum()
        unimodal = None
    counts = present.sum(0)
    target = out.z_bar.detach() if detach_target else out.z_bar
    squared = (target - out.z_hat).pow(2).sum(-1)  # (B, M)
    if sample_weight is None:
        present_weight, total = present, counts.clamp(min=1.0)
    else:
        present_weight = present * sample_weight.to(present.dtype).unsqueeze(1)  # what each entry counts for
        total = present_weight.sum(0).clamp(min=1e-12)
    imputation = (squared * present_weight).sum(0) / total
    with torch.no_grad():
        z_bar = out.z_bar.detach()  # (B, M, d)
        centre = (z_bar * present_weight.unsqueeze(-1)).sum(0) / total.unsqueeze(-1)  # (M, d)
        target_spread = ((z_bar - centre).pow(2).sum(-1) * present_weight).sum(0) / total
    return RedCoreLoss(
        vib=vib,
        imputation=imputation,
        observed=counts > 0,
        joint=joint,
        joint_part=joint_part,
        unimodal=unimodal,
        target_spread=target_spread,
    )


def redcore_objective(
    parts: RedCoreLoss,
    eta: np.ndarray | torch.Tensor,
    imputation_weight: float = 1.0,
    unimodal_weights: np.ndarray | None = None,
) -> torch.Tensor:
    """The training objective ``L = L_VIB + w sum_m eta^m L_MSE^m`` (Section 3; eta from Algorithm 1).

    ``w = imputation_weight`` is 1 in the paper's total loss; it is ``1 / gamma``
    when eq. (3) is read literally and the whole loss is divided by gamma
    (the cross-entropy then has weight 1), as ``RedCoreClassifier.from_preset("paper")`` does.

    ``unimodal_weights`` (M,), not in the paper: the unimodal head of m has its
    cross-entropy weighted by ``unimodal_weights[m]`` instead of 1 in L_VIB
    (see :func:`~sklearn_redcore._regulation.unimodal_weights`); ignored
    without unimodal heads.
    """
    eta = torch.as_tensor(eta, dtype=parts.vib.dtype, device=parts.vib.device)
    objective = parts.vib + imputation_weight * (eta * parts.imputation).sum()
    if unimodal_weights is not None and parts.unimodal is not None:
        weights = torch.as_tensor(unimodal_weights, dtype=parts.vib.dtype, device=parts.vib.device)
        objective = objective + ((weights - 1.0) * parts.unimodal).sum()
    return objective
