"""Where and how torch runs: device choice, CPU threads, seeds."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import numpy as np
import torch
from sklearn.utils import check_random_state


def resolve_device(device: str) -> str:
    """Torch device string for ``device`` ("cpu", "cuda", "cuda:1", "auto")."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if not isinstance(device, str) or not (device == "cpu" or device.startswith("cuda")):
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:<index>' or 'auto', got {device!r}.")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but this torch build sees no CUDA GPU; use device='cpu' or device='auto'."
        )
    return device


def waits_for_device(tensor: torch.Tensor) -> bool:
    """Whether reading ``tensor``'s values on the host waits for its device (any device but the CPU).

    A branch on a tensor's value (``if mask.any():``) costs nothing on the CPU
    and stalls an accelerator's queue; code that takes such a branch on the
    CPU takes the branch-free way where this is True.
    """
    return tensor.device.type != "cpu"


def adam_kernel(device: str) -> dict[str, bool]:
    """Adam's implementation for ``device``: fused on a GPU (its step counts stay there), foreach on the CPU.

    torch's foreach Adam keeps each parameter's step count on the host and
    reads it at every update, which a GPU's queue would wait for; the fused
    kernel keeps the counts on the device and updates every parameter in one
    launch. The CPU keeps foreach, whose numbers the CPU results were made with.
    """
    return {"fused": True} if device.startswith("cuda") else {"foreach": True}


_THREADS_LOCK = threading.Lock()
_threads_state = {"active": 0, "before": 0}  # calls inside torch_threads; the setting before the first


@contextlib.contextmanager
def torch_threads(n_threads: int | None):
    """Run with ``n_threads`` torch CPU threads, then restore the previous setting.

    torch keeps a thread count per OS thread and a process-wide value that a
    thread adopts at its first torch call; ``torch.set_num_threads`` changes
    both. While calls overlap (predictions from several threads), a thread
    whose first torch call falls inside another call would adopt that call's
    temporary value and keep it. So every call, in its own thread, restores
    the value seen before the first of the overlapping calls started.
    """
    if n_threads is None:
        yield
        return
    with _THREADS_LOCK:
        current = torch.get_num_threads()
        if _threads_state["active"] == 0:
            _threads_state["before"] = current
        restore = _threads_state["before"]
        _threads_state["active"] += 1
        if current != n_threads:
            torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        with _THREADS_LOCK:
            _threads_state["active"] -= 1
            if torch.get_num_threads() != restore:
                torch.set_num_threads(restore)


def seed_from(random_state: Any) -> int:
    """A torch seed from ``random_state`` without drawing from global RNGs."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))  # fresh OS entropy
    return int(check_random_state(random_state).randint(2**31 - 1))


def quiet(*args: Any, **kwargs: Any) -> None:
    """A sink that prints nothing."""
