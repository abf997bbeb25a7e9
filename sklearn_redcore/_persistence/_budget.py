"""A bound on what building a saved model's network may allocate, set by what the file itself holds.

The network of a loaded model is built from its parameters (widths,
numbers of layers and of random-convolution features, ...), which a file
can set to anything that the parameters' constraints allow. Its weights
then come from the file, so a network that is legitimately described by a
file holds no more than the file's weight arrays. :class:`AllocationBudget`
holds torch to that while the network is built and loaded: before each
tensor is created it works out the tensor's size (the same call on the
"meta" device, which allocates nothing) and refuses it once the total would
pass the budget; it also bounds the number of torch calls, so that a loop
of many tiny layers ends as soon as it passes what the file could describe.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode

try:  # torch's own list of the functions that create tensors (those that take a device)
    from torch.utils._device import _device_constructors
except ImportError:  # pragma: no cover (a torch that moved it: the common ones)

    def _device_constructors() -> set:
        names = ("arange", "as_tensor", "empty", "eye", "full", "linspace", "ones", "rand", "randint", "randn")
        return {getattr(torch, name) for name in (*names, "randperm", "tensor", "zeros")}


__all__ = ["AllocationBudget", "OverBudget"]

#: Bytes a network may take beyond its weights: buffers that are not saved (positional encodings, index
#: tables), the random draws of initialisation, and skorch's own objects.
SLACK_BYTES = 64 << 20
#: torch calls while a network is built and loaded: this many, and one per ``BYTES_PER_CALL`` bytes of the
#: file's arrays. A network of the package takes about 6 per array (a few hundred bytes at least each) and a
#: random-convolution encoder about 500 per dilation of its kernels, whose features its weights hold.
SLACK_CALLS = 5_000
BYTES_PER_CALL = 16
#: Keyword arguments left out of the probe on the meta device (they do not change the size).
_NOT_PROBED = ("generator", "out", "pin_memory", "requires_grad", "device")


class OverBudget(Exception):  # noqa: N818 (a refusal, not an error of the program)
    """A tensor, or a torch call, beyond what the file's own arrays allow."""


class AllocationBudget(TorchFunctionMode):
    """A torch mode, used as ``with AllocationBudget(...):``, that refuses allocations beyond a budget.

    Parameters
    ----------
    weight_bytes : int
        The bytes of the file's network weights; the budget is twice them
        plus :data:`SLACK_BYTES` (the weights, the copies made on loading
        them, and what a network holds besides).
    array_bytes : int
        The bytes of all the file's arrays; the torch calls are bounded by
        one per :data:`BYTES_PER_CALL` of them plus :data:`SLACK_CALLS`.
    """

    def __init__(self, weight_bytes: int, array_bytes: int) -> None:
        super().__init__()
        self.limit = 2 * weight_bytes + SLACK_BYTES
        self.left = self.limit
        self.calls_left = SLACK_CALLS + array_bytes // BYTES_PER_CALL
        self._constructors = _device_constructors()

    def __torch_function__(self, func, types, args=(), kwargs=None) -> Any:  # noqa: D105
        kwargs = kwargs or {}
        self.calls_left -= 1
        if self.calls_left < 0:
            raise OverBudget("building its network takes far more steps than its weights could describe")
        if func not in self._constructors:
            return func(*args, **kwargs)
        try:  # the same call on the meta device: the size, with nothing allocated
            probe = func(*args, **{k: v for k, v in kwargs.items() if k not in _NOT_PROBED}, device="meta")
        except Exception:  # noqa: BLE001 (a constructor that cannot run on meta: charged once it exists)
            probe = None
        if probe is not None:
            self._charge(probe.numel() * probe.element_size(), probe.shape)
        result = func(*args, **kwargs)
        if probe is None:
            self._charge(result.numel() * result.element_size(), result.shape)
        return result

    def _charge(self, nbytes: int, shape: Any) -> None:
        if nbytes > self.left:
            raise OverBudget(
                f"its parameters describe a network with a tensor of shape {tuple(shape)} ({nbytes} bytes), beyond "
                f"the {self.limit} bytes that the file's weights allow"
            )
        self.left -= nbytes
