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
        raise ValueError(f"device={device!r} was requested but this torch build sees no CUDA GPU; "
                         "use device='cpu' or device='auto'.")
    return device


_THREADS_LOCK = threading.Lock()
_THREADS_USERS = 0
_THREADS_SAVED: int | None = None


@contextlib.contextmanager
def torch_threads(n_threads: int | None):
    """Run with ``n_threads`` torch CPU threads, then restore the previous setting.

    Calls may overlap (several Python threads predicting at once): the setting
    found by the first caller is restored when the last one leaves.
    """
    global _THREADS_USERS, _THREADS_SAVED
    if n_threads is None:
        yield
        return
    with _THREADS_LOCK:
        if _THREADS_USERS == 0:
            _THREADS_SAVED = torch.get_num_threads()
        _THREADS_USERS += 1
        if torch.get_num_threads() != n_threads:
            torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        with _THREADS_LOCK:
            _THREADS_USERS -= 1
            if _THREADS_USERS == 0 and torch.get_num_threads() != _THREADS_SAVED:
                torch.set_num_threads(_THREADS_SAVED)


def seed_from(random_state: Any) -> int:
    """A torch seed from ``random_state`` without drawing from global RNGs."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))  # fresh OS entropy
    return int(check_random_state(random_state).randint(2**31 - 1))


def quiet(*args: Any, **kwargs: Any) -> None:
    """A sink that prints nothing."""
