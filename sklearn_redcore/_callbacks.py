"""skorch callbacks of the package's training loop."""

from __future__ import annotations

from skorch.callbacks import EarlyStopping

__all__ = ["PlateauStopping"]


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
