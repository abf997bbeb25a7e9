"""skorch callbacks of the package's training loop."""

from __future__ import annotations

import math

import torch
from skorch.callbacks import Callback, LRScheduler
from torch.optim.lr_scheduler import LambdaLR

__all__ = ["LinearDecay", "PlateauStopping", "WeightAveraging", "linear_decay_scheduler"]


class PlateauStopping(Callback):
    """Stop when a training loss has stopped falling, once the network has learnt something.

    The rule of skorch's :class:`~skorch.callbacks.EarlyStopping` on a
    lower-is-better history entry with a relative threshold (an epoch
    improves when its score is below ``(1 - threshold)`` times the last
    improving score), and one guard: epochs whose score is above ``ceiling``
    never count as a miss. A network often sits on a plateau at the start of
    training (its cross-entropy near that of the class frequencies) before it
    learns; stopping there would leave it untrained. Like skorch's callback,
    it stops training by raising ``KeyboardInterrupt``, which skorch's loop
    catches.

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
    sink : callable, default=print
        Where the stopping message goes (when the net is verbose).

    Attributes
    ----------
    misses_ : int
        Epochs since the last improvement.
    best_epoch_ : int
        The last epoch that improved (counts from 1, as skorch's history).
    """

    def __init__(self, monitor: str, *, patience: int, threshold: float, ceiling: float, sink=print) -> None:
        self.monitor = monitor
        self.patience = patience
        self.threshold = threshold
        self.ceiling = ceiling
        self.sink = sink

    def on_train_begin(self, net, X=None, y=None, **kwargs):  # noqa: D102
        self.misses_ = 0
        self.best_epoch_ = 0
        self.score_to_beat_ = math.inf

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        score = net.history[-1, self.monitor]
        if score > self.ceiling or score < self.score_to_beat_:
            self.misses_ = 0
            self.score_to_beat_ = score - self.threshold * score
            self.best_epoch_ = net.history[-1, "epoch"]
        else:
            self.misses_ += 1
        if self.misses_ == self.patience:
            if net.verbose:
                self.sink(f"Stopping since {self.monitor} has not improved in the last {self.patience} epochs.")
            raise KeyboardInterrupt


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


class WeightAveraging(Callback):
    """An exponential moving average of the network's parameters over the epochs, which it keeps at the end.

    The first ``burn_in`` epochs of a fit, while the weights still move
    fast, are left out. From epoch ``burn_in + 1`` on (the j-th averaged
    epoch), every parameter ``w`` updates its average::

        a_1 = w,    a_j = d_j * a_{j-1} + (1 - d_j) * w,    d_j = min(decay, (j - 1) / (j + 1))

    and when training ends the network takes ``a`` (Polyak averaging; the
    stochastic weight averaging of Izmailov et al., UAI 2018, is its uniform
    cousin, also after a burn-in). The weights of the last epochs, which the
    noise of the mini-batches scatters around a minimum, are replaced by a
    point near its centre. With ``decay = 0.8`` the last epoch counts 0.2,
    the one before 0.16, then 0.128, ...: about the last five epochs. The
    cap ``(j - 1) / (j + 1)`` keeps the average's centre of mass within the
    last half of the averaged epochs (it binds for the first 8). A fit of
    ``burn_in`` epochs or fewer keeps its last weights. Only the parameters
    are averaged (buffers, such as the fixed thresholds of random
    convolutions, are left as they are); each fit starts a new average (a
    warm start averages over its own epochs), and a fit interrupted after
    some epochs keeps the average of those.

    Parameters
    ----------
    decay : float
        Largest weight of the previous average at each epoch, in [0, 1); 0
        keeps the last epoch's weights.
    burn_in : int, default=10
        Epochs of each fit before the averaging starts.

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace
    >>> net = SimpleNamespace(module_=torch.nn.Linear(1, 1, bias=False))
    >>> averaging = WeightAveraging(decay=0.5, burn_in=1)
    >>> averaging.on_train_begin(net)
    >>> for value in (9.0, 1.0, 3.0, 5.0, 7.0):  # the first epoch is the burn-in
    ...     _ = net.module_.weight.data.fill_(value)
    ...     averaging.on_epoch_end(net)
    >>> averaging.on_train_end(net)
    >>> round(net.module_.weight.item(), 3)  # d = 1/3, 1/2, 1/2 after averaged epochs 2, 3, 4: 7/3, 11/3, 16/3
    5.333
    """

    def __init__(self, decay: float, burn_in: int = 10) -> None:
        self.decay = decay
        self.burn_in = burn_in

    def on_train_begin(self, net, X=None, y=None, **kwargs):  # noqa: D102
        self.parameters_ = [p for p in net.module_.parameters() if p.requires_grad]
        self.average_ = None
        self.n_epochs_ = 0

    @torch.no_grad()
    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        self.n_epochs_ += 1
        averaged = self.n_epochs_ - self.burn_in  # j, the epochs averaged so far
        if averaged < 1:
            return
        if self.average_ is None:
            self.average_ = [p.detach().clone() for p in self.parameters_]
            return
        decay = min(self.decay, (averaged - 1) / (averaged + 1))
        for average, parameter in zip(self.average_, self.parameters_):
            average.lerp_(parameter.detach(), 1.0 - decay)

    @torch.no_grad()
    def on_train_end(self, net, X=None, y=None, **kwargs):  # noqa: D102
        self.averaged_ = self.average_ is not None  # whether the network took the average
        if self.averaged_:
            for average, parameter in zip(self.average_, self.parameters_):
                parameter.copy_(average)
        self.average_ = None  # (no copy of the weights kept in the fitted model)
