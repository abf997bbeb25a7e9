"""Where RedCore's training gradient comes from: each loss term's share of each parameter group's gradient norm.

A diagnostic of the regulation study (``benchmarks/bench_regulation.py
--diagnose``): whether the optimiser can see eta, the weight of each
modality's imputation loss, in the gradients that reach each part of the
network.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["gradient_shares", "loss_terms", "parameter_groups"]


def parameter_groups(module) -> dict[str, list[tuple[Any, int | None]]]:
    """Parameter groups of a RedCoreModule: (parameter, stack index or None) per group.

    The M cross-modal encoders and unimodal heads are stacked in one tensor
    (leading axis M); slice m of each of their parameters is group m.
    """
    m_count = module.n_modalities
    groups: dict[str, list[tuple[Any, int | None]]] = {}
    for m in range(m_count):
        groups[f"self-modal encoder {m}"] = [(p, None) for p in module.encoders[m].parameters()]
    for m in range(m_count):
        groups[f"cross-modal encoder {m}"] = [(p, m) for p in module.cross_encoders.parameters()]
    groups["joint head"] = [(p, None) for p in module.joint_head.parameters()]
    if module.unimodal_heads is not None:
        for m in range(m_count):
            groups[f"unimodal head {m}"] = [(p, m) for p in module.unimodal_heads.parameters()]
    return groups


def loss_terms(parts, eta, imputation_weight: float) -> dict[str, Any]:
    """The training objective split into its terms (they sum to the objective of ``redcore_objective``)."""
    terms = {"joint CE": parts.joint}
    unimodal = parts.unimodal if parts.unimodal is not None else []
    for m, ce in enumerate(unimodal):
        terms[f"CE {m}"] = ce
    other = parts.vib - parts.joint - (sum(unimodal) if len(unimodal) else 0.0)
    terms["KL"] = other  # the KL terms of the VIB loss (eq. 3)
    for m in range(len(eta)):
        terms[f"eta{m} L{m}"] = imputation_weight * float(eta[m]) * parts.imputation[m]
    return terms


def gradient_shares(model, X: Any, y: Any, n_batches: int = 10, batch_size: int = 256, seed: int = 0) -> pd.DataFrame:
    """Share of each parameter group's gradient norm that comes from each loss term, on training batches.

    For each of ``n_batches`` random batches of X (training mode: the
    sampled representations, dropout and ``modality_dropout`` as in
    training), each term's gradient is taken separately
    (``torch.autograd.grad``) and its norm on each group divided by the sum
    of the terms' norms on that group; the shares are averaged over the
    batches. eta is the fitted model's final one. Outside the library's
    training loop: nothing is updated.

    Returns
    -------
    shares : DataFrame
        One row per parameter group, one column per term; rows sum to 1.
    """
    import torch

    module = model.net_.module_
    inputs = model.inputs_
    present = inputs.presence(np.asarray(X, dtype=float))
    data = inputs.transform(np.asarray(X, dtype=float), present=present)
    rng = np.random.RandomState(seed)
    groups = parameter_groups(module)
    y_all = np.searchsorted(model.classes_, np.asarray(y))
    totals: dict[tuple[str, str], float] = {}
    module.train()
    torch.manual_seed(seed)
    for _ in range(n_batches):
        rows = rng.choice(len(y_all), size=min(batch_size, len(y_all)), replace=False)
        tensors = data.take(rows).to_tensors("cpu")
        out = module(**tensors)
        parts = module.loss(out, torch.as_tensor(y_all[rows]))
        terms = loss_terms(parts, model.eta_, model.imputation_weight)
        params = list(module.parameters())
        norms = {}
        for name, term in terms.items():
            grads = torch.autograd.grad(term, params, retain_graph=True, allow_unused=True)
            by_param = {id(p): g for p, g in zip(params, grads)}
            for group, members in groups.items():
                squared = 0.0
                for p, index in members:
                    g = by_param[id(p)]
                    if g is not None:
                        squared += float((g if index is None else g[index]).pow(2).sum())
                norms[(group, name)] = squared**0.5
        for group in groups:
            total = sum(norms[(group, name)] for name in terms) or 1.0
            for name in terms:
                totals[(group, name)] = totals.get((group, name), 0.0) + norms[(group, name)] / total / n_batches
    module.eval()
    frame = pd.Series(totals).unstack()
    return frame.reindex(index=list(groups), columns=list(terms))
