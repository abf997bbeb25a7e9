"""A saved model's training state (history, network weights, optimiser, the net's own state), checked.

Before the network is built, each part must have the structure that
``save_model`` writes: the history a list of one dict per epoch, the weights
a dict of tensors, the optimiser's state Adam's (its settings of the right
types, its moments tensors), the net's state numbers and flat arrays. Once
the network is built and loaded (:func:`check_loaded_optimizer`), the
optimiser's moments must have the shapes of the parameters they belong to.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
import torch

from ._container import ModelFileError

__all__ = ["check_history", "check_loaded_optimizer", "check_module_state", "check_net_state", "check_optimizer_state"]

#: Settings of a parameter group beyond the optimiser's defaults: the learning-rate schedule's starting value.
_EXTRA_GROUP_KEYS = {"initial_lr": 0.0}


def check_history(history: Any, n_iter: int) -> list[dict[str, Any]]:
    """The training history: one dict per epoch (``n_iter`` of them), its first entry ``"epoch"`` numbered from 1."""
    if not isinstance(history, list) or len(history) != n_iter:
        raise ModelFileError(f"its history is not a list of the {n_iter} epochs that n_iter_ counts")
    for number, epoch in enumerate(history, start=1):
        if not isinstance(epoch, dict) or epoch.get("epoch") != number:
            raise ModelFileError(f"its history's entry {number} is not the record of epoch {number}")
        if not isinstance(epoch.get("batches", []), list):
            raise ModelFileError(f"its history's entry {number} does not list its batches")
    return history


def check_module_state(state: Any, n_modalities: int) -> dict[str, torch.Tensor]:
    """The network's weights: a dict of parameter names to tensors, at least one per modality (its encoder's)."""
    if not isinstance(state, dict) or not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ModelFileError("its network weights are not a dict of tensors")
    if len(state) < n_modalities:
        raise ModelFileError(f"its network has {len(state)} weight tensors for {n_modalities} modalities")
    return state


def check_net_state(state: Any) -> dict[str, Any]:
    """The net's own training state (shuffling generator, Algorithm 1): numbers and flat arrays by name."""
    if not isinstance(state, dict):
        raise ModelFileError("its training state is not a dict")
    for key, value in state.items():
        flat = isinstance(value, (np.ndarray, torch.Tensor)) and value.ndim == 1
        if not (flat or (isinstance(value, Real) and not isinstance(value, bool))):
            raise ModelFileError(f"its training state {key!r} is not a number or a flat array")
    return state


def check_optimizer_state(state: Any) -> dict[str, Any]:
    """Adam's state dict: parameter groups with settings of Adam's types, and moments that are tensors."""
    if not isinstance(state, dict) or set(state) != {"state", "param_groups"}:
        raise ModelFileError("its optimiser state is not Adam's (state and param_groups)")
    groups, moments = state["param_groups"], state["state"]
    if not isinstance(groups, list) or not groups or not all(isinstance(g, dict) for g in groups):
        raise ModelFileError("its optimiser state has no parameter groups")
    defaults = torch.optim.Adam([torch.zeros(1)]).defaults | _EXTRA_GROUP_KEYS
    numbers = []
    for group in groups:
        params = group.get("params")
        if not isinstance(params, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in params):
            raise ModelFileError("its optimiser state does not number its parameters")
        numbers += params
        for key, value in group.items():
            if key != "params" and not _like(value, defaults.get(key, ...)):
                raise ModelFileError(f"its optimiser setting {key[:40]!r} is not a value Adam takes")
    if len(set(numbers)) != len(numbers):
        raise ModelFileError("its optimiser state gives a parameter to two groups")
    if not isinstance(moments, dict) or not set(moments) <= set(numbers):
        raise ModelFileError("its optimiser state holds moments of parameters it does not have")
    for values in moments.values():
        if not isinstance(values, dict) or not all(isinstance(v, torch.Tensor) for v in values.values()):
            raise ModelFileError("its optimiser state holds moments that are not tensors")
    return state


def _like(value: Any, default: Any) -> bool:
    """Whether ``value`` is of the kind of Adam's default ``default`` (... : a setting Adam does not have)."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if default is None:  # foreach, fused: None or a bool
        return value is None or isinstance(value, bool)
    if isinstance(default, tuple):  # betas
        return isinstance(value, tuple) and len(value) == len(default) and all(_like(v, 0.0) and v < 1 for v in value)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
    return False


def check_loaded_optimizer(optimizer: torch.optim.Optimizer) -> None:
    """After loading: each moment has its parameter's shape and each step count is one number."""
    params = {p for group in optimizer.param_groups for p in group["params"]}
    for param, values in optimizer.state.items():
        if param not in params:
            raise ModelFileError("its optimiser state holds moments of parameters the network does not have")
        for key, value in values.items():
            expected = torch.Size([]) if key == "step" else param.shape
            if not isinstance(value, torch.Tensor) or value.shape != expected:
                raise ModelFileError(f"its optimiser's {key!r} does not have the shape of its parameter")
