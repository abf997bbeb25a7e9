"""skorch callbacks of the package's training loop."""

from __future__ import annotations

from skorch.callbacks import EarlyStopping, LRScheduler
from torch.optim.lr_scheduler import LambdaLR

__all__ = ["LinearDecay", "PlateauStopping", "linear_decay_scheduler"]


class PlateauStopping(EarlyStopping):
    """Stop when a training loss has stopped falling, once the network has learnt something.

    skorch's :class:`~skorch.callbacks.EarlyStopping` on a lower-is-better
    history entry, with a relative threshold, and one guard: epochs whose
    score is above ``ceiling`` never count as a miss. A network often sits on
    a plateau at the start of training (its cross-entropy near that of the
    class frequencies) before it learns; stopping there would leave it
    untrained.

    Parameters
    ----------
    monitor : str
        The history entry (e.g. the joint head's training cross-entropy).
    patience : int
        Epochs without an improvement by the factor ``1 - threshold`` before stopping.
    threshold : float
        Relative improvement that counts.
    ceiling : float
        Scores above it are not a plateau (e.g. 0.9 times the entropy of the class frequencies).
    sink : callable
        Where the stopping message goes.
    """

    def __init__(self, monitor: str, *, patience: int, threshold: float, ceiling: float, sink=print) -> None:
        super().__init__(monitor=monitor, patience=patience, threshold=threshold, threshold_mode="rel", sink=sink)
        self.ceiling = ceiling

    def _is_score_improved(self, score: float) -> bool:
        return score > self.ceiling or super()._is_score_improved(score)


class LinearDecay:
    """Learning-rate factor of epoch ``e``: 1 for the first half of training, then a linear fall.

    The rule of the code the RedCore authors built on (MMIN's ``linear``
    policy): with ``n_epochs = 2h`` (60 there), epochs ``0 .. h-1`` run at the
    full rate and epoch ``e >= h`` at ``1 - (e + 1 - h) / (n_epochs - h + 1)``
    of it, so the last epoch runs at ``1 / (h + 1)``.

    Parameters
    ----------
    n_epochs : int
        The length of the schedule (the fit's ``max_epochs``).

    Examples
    --------
    >>> factor = LinearDecay(6)
    >>> [round(factor(epoch), 3) for epoch in range(6)]
    [1.0, 1.0, 1.0, 0.75, 0.5, 0.25]
    """

    def __init__(self, n_epochs: int) -> None:
        self.n_epochs = int(n_epochs)

    def __call__(self, epoch: int) -> float:  # noqa: D102
        constant = self.n_epochs // 2
        return 1.0 - max(0, epoch + 1 - constant) / (self.n_epochs - constant + 1)


def linear_decay_scheduler(n_epochs: int) -> LRScheduler:
    """skorch's scheduler callback stepping :class:`LinearDecay` once per epoch (a fit restarts it)."""
    return LRScheduler(policy=LambdaLR, lr_lambda=LinearDecay(n_epochs), step_every="epoch")
