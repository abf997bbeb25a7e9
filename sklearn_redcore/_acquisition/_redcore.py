"""The acquisition gains of a RedCore estimator, read from its network.

For a sample whose present modalities are P and a missing modality m:

1. *Plausible values*: the representations ``z_bar^m`` (the encoder's means)
   of the reference rows that have m, the bank.
2. *The ones for this sample*: the k bank rows most like the sample on what
   it shows, its neighbours: the distance is that of the representations
   ``z_bar^p`` of the modalities p of P, each dimension scaled by its
   standard deviation over the candidates, ``k = max(5, sqrt(candidates))``,
   equal weights. The candidates are the bank rows that have every modality
   of P; where fewer than ``MIN_CANDIDATES`` do, those that have some of P,
   each compared on the modalities it shares with the sample (the sum
   scaled to all of P); where none does, every bank row, equally (the prior).
3. *The prediction with each value*: the joint head with ``z^m`` set to the
   value and the other representations as they are. The head's first layer
   is linear, so each value's contribution to it is computed once. A sample
   with no modality at all gets the network's prediction from m alone, each
   bank row equally plausible.
4. *The gain*: :mod:`._criteria` on these predictions and weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from sklearn.base import is_regressor
from torch import nn

from .._runtime import torch_threads
from ._criteria import entropy_reduction, explained_variance

__all__ = ["MAX_BLOCK_VALUES", "MIN_CANDIDATES", "MIN_NEIGHBOURS", "redcore_gains"]

#: Most values of one tensor of a step, (samples, plausible values, hidden units): bounds the memory (64 MB each).
MAX_BLOCK_VALUES = 2**24
#: Fewest bank rows with every present modality of a sample that are compared on all of them.
MIN_CANDIDATES = 10
#: Fewest neighbours whose values a sample's gain averages over (more: the square root of the candidates).
MIN_NEIGHBOURS = 5


@dataclass
class _Representations:
    """What the network's encoders say about some rows (tensors on the network's device)."""

    mean: torch.Tensor  # (n, M, d): the means of z_bar (the representations of evaluation)
    log_var: torch.Tensor  # (n, M, d)
    z_hat: torch.Tensor  # (n, M, d): the cross-modal representations from the present modalities
    present: torch.Tensor  # (n, M) bool

    def joint(self, rows: Any) -> torch.Tensor:
        """The joint head's input of some rows: z_bar where present, z_hat elsewhere (eq. 1), (n, M * d)."""
        return torch.where(self.present[rows].unsqueeze(-1), self.mean[rows], self.z_hat[rows]).flatten(1)


def _blocks(n: int, size: int) -> list[slice]:
    return [slice(start, start + size) for start in range(0, n, max(size, 1))]


def _encode(estimator: Any, X: np.ndarray) -> _Representations:
    parts = [(out.mean, out.log_var, out.z_hat, out.present) for _, out in estimator._forward_in_blocks(X)]
    return _Representations(*(torch.cat(part) for part in zip(*parts)))


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    """The softmax over the last axis (``torch.softmax`` is several times slower on a short last axis on CPUs)."""
    exp = (logits - logits.amax(-1, keepdim=True)).exp_()
    return exp.div_(exp.sum(-1, keepdim=True))


def _split_head(head: nn.Module) -> tuple[nn.Linear, nn.Module]:
    """The joint head's first linear layer and the layers after it."""
    layers = [layer for layer in head.modules() if not isinstance(layer, nn.Sequential)]
    if not isinstance(layers[0], nn.Linear):
        raise TypeError(f"the joint head must start with a linear layer, not {type(layers[0]).__name__}")
    return layers[0], nn.Sequential(*layers[1:])


def _banks(
    reference_present: np.ndarray, needed: np.ndarray, names: list[str], max_reference: int, rng: np.random.RandomState
) -> list[np.ndarray | None]:
    """Per modality, the reference rows that give its plausible values (None where no row of X misses it)."""
    banks: list[np.ndarray | None] = []
    for m, name in enumerate(names):
        rows = np.flatnonzero(reference_present[:, m])
        if needed[m] and not len(rows):
            raise ValueError(
                f"X_reference has no row with the modality {name!r}, which some rows of X miss: its plausible "
                "values come from the reference rows that have it. Pass rows that have it (the training data)."
            )
        if len(rows) > max_reference:
            rows = np.sort(rng.choice(rows, max_reference, replace=False))
        banks.append(rows if needed[m] else None)
    return banks


def _neighbour_count(n_candidates: int) -> int:
    """k: the square root of the candidates, at least ``MIN_NEIGHBOURS`` (at most all of them)."""
    return min(n_candidates, max(MIN_NEIGHBOURS, int(np.sqrt(n_candidates))))


class _Gains:
    """The gains of the rows of X, computed modality by modality for each pattern of present modalities."""

    def __init__(self, estimator: Any, query: _Representations, reference: _Representations) -> None:
        self.module = estimator.net_.module_
        self.query, self.reference = query, reference
        self.reference_present = reference.present.cpu().numpy()  # (R, M), read once on the host
        self.first, self.rest = _split_head(self.module.joint_head)
        self.d = self.module.n_latent
        if is_regressor(estimator):
            scale = np.where(estimator.target_constant_, 0.0, estimator.target_scale_)  # as the predictions
            scale = torch.as_tensor(scale, dtype=torch.float64, device=query.mean.device)
            self.criterion = lambda outputs, weights: explained_variance(outputs.double() * scale, weights)
        else:
            self.criterion = lambda outputs, weights: entropy_reduction(_softmax(outputs), weights)

    def alone(self, m: int, bank: np.ndarray) -> torch.Tensor:
        """The joint head's outputs (R, width) from modality m alone, with each value of the bank."""
        z_bar = self.reference.mean[bank]
        visible = torch.zeros(z_bar.shape[:2], dtype=torch.bool, device=z_bar.device)
        visible[:, m] = True
        z = torch.where(visible.unsqueeze(-1), z_bar, self.module.cross_encoders(z_bar, visible))
        return self.module.joint_head(z.flatten(1))

    def candidates(self, pattern: np.ndarray, bank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The bank rows a sample showing ``pattern`` is compared with, and which of its modalities each shares."""
        shared = self.reference_present[bank][:, pattern]  # (R, |P|)
        full = shared.all(axis=1)
        if full.sum() >= MIN_CANDIDATES:
            return bank[full], shared[full]
        some = shared.any(axis=1)
        return bank[some], shared[some]

    def distances(self, rows: np.ndarray, pattern: np.ndarray, candidates: np.ndarray, shared: np.ndarray):
        """Squared scaled distances (n, C) of the samples ``rows`` to the candidates, on the present modalities."""
        query, ref = self.query, self.reference
        device = query.mean.device
        total = torch.zeros(len(rows), len(candidates), dtype=query.mean.dtype, device=device)
        for j, p in enumerate(np.flatnonzero(pattern)):
            count = int(shared[:, j].sum())  # read on the host: no wait for the device
            if not count:
                continue
            having = torch.as_tensor(shared[:, j], device=device)
            values = ref.mean[candidates, p]
            scale = values[having].std(0, correction=0).clamp_min(1e-6) if count > 1 else 1.0
            # the direct formula: the same distances however many rows a block holds (cdist's fast path is not)
            direct = "donot_use_mm_for_euclid_dist"
            part = torch.cdist(query.mean[rows, p] / scale, values / scale, compute_mode=direct).pow(2)
            total += torch.where(having, part, 0.0)
        counts = torch.as_tensor(shared.sum(axis=1).clip(min=1), dtype=total.dtype, device=device)
        return total * (shared.shape[1] / counts)  # each compared on all of P

    def of_modality(self, m: int, bank: np.ndarray, members: np.ndarray, pattern: np.ndarray) -> torch.Tensor:
        """The gains (float64) of acquiring m for the rows ``members`` of X, which share the present modalities
        ``pattern`` ((M,) bool)."""
        query, ref = self.query, self.reference
        if not pattern.any():  # nothing present: the prediction from m alone, every value alike
            outputs = self.alone(m, bank).unsqueeze(0)
            weights = torch.full(outputs.shape[:2], 1.0 / len(bank), dtype=torch.float64, device=outputs.device)
            return self.criterion(outputs, weights).expand(len(members))
        candidates, shared = self.candidates(pattern, bank)
        if not len(candidates):  # no bank row shares a modality with these samples: every value alike
            candidates, shared = bank, None
        k = _neighbour_count(len(candidates)) if shared is not None else len(candidates)
        weight_m = self.first.weight[:, m * self.d : (m + 1) * self.d]
        contributions = ref.mean[candidates, m] @ weight_m.T  # each value's part of the first layer, (C, hidden)
        width = max(self.first.out_features, self.module.joint_head[-1].out_features)
        gains = []
        for block in _blocks(len(members), MAX_BLOCK_VALUES // max(len(candidates), k * width)):
            rows = members[block]
            if shared is None:
                nearest = torch.arange(len(candidates), device=contributions.device).expand(len(rows), -1)
            else:
                nearest = self.distances(rows, pattern, candidates, shared).topk(k, dim=1, largest=False).indices
            weights = torch.full(nearest.shape, 1.0 / nearest.shape[1], dtype=torch.float64, device=nearest.device)
            base = self.first(query.joint(rows)) - query.z_hat[rows, m] @ weight_m.T  # the first layer without z^m
            gains.append(self.criterion(self.rest(base.unsqueeze(1) + contributions[nearest]), weights))
        return torch.cat(gains)


def redcore_gains(
    estimator: Any, X: np.ndarray, reference: np.ndarray, max_reference: int, rng: np.random.RandomState
) -> np.ndarray:
    """The gains (n_samples, n_modalities) of a fitted RedCore estimator; NaN where present (see the module)."""
    names = list(estimator.modalities_)
    gains = np.full((len(X), len(names)), np.nan)
    with torch.inference_mode(), torch_threads(estimator.n_threads):
        query = _encode(estimator, X)
        present = query.present.cpu().numpy()
        banks = _banks(estimator.inputs_.presence(reference), ~present.all(0), names, max_reference, rng)
        used = [bank for bank in banks if bank is not None]
        if not used:
            return gains
        rows = np.unique(np.concatenate(used))
        banks = [None if bank is None else np.searchsorted(rows, bank) for bank in banks]
        computation = _Gains(estimator, query, _encode(estimator, reference[rows]))
        patterns, inverse = np.unique(present, axis=0, return_inverse=True)
        for index, pattern in enumerate(patterns):
            members = np.flatnonzero(inverse.reshape(-1) == index)
            for m in np.flatnonzero(~pattern):
                gains[members, m] = computation.of_modality(m, banks[m], members, pattern).cpu().numpy()
    return gains
