"""skorch glue: the training loop of the package's networks.

skorch runs epochs, callbacks, early stopping, devices and the history. This
module adds what the networks need on top of it, through skorch's own hooks:

* :class:`TensorBatchIterator` slices whole tensors per mini-batch instead of
  collating rows one by one;
* :class:`MultimodalNet` trains any network of the package whose module
  returns an output with ``logits`` and computes the parts of its own
  training loss (``module.loss(out, y)``). skorch's ``get_loss`` is the one
  loss hook: in training it returns the module's objective (and records the
  parts named in the module's ``loss_parts`` as epoch means in the history);
  in validation it applies the net's criterion (the cross-entropy, or the
  squared error of a regressor), one value per sample, to the
  joint head's logits. The training step clips the gradient norm after
  skorch's backward pass (over the optimiser's own parameter list, rather
  than through a skorch callback that would walk every submodule at each
  mini-batch). Nothing in a training or validation step reads a value back
  from the training device: each batch's loss goes into skorch's history
  as a :class:`DeferredLoss`, and the epoch's losses, loss parts and
  finiteness check are read together once, at the end of the epoch.

RedCore's net, which runs Algorithm 1 inside this loop, is in
``_redcore_training.py``.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch import NeuralNet
from torch.nn import functional as F
from torch.nn.utils import clip_grad_norm_
from torch.utils.data import Subset

__all__ = [
    "WEIGHT_KEY",
    "DeferredLoss",
    "MultimodalNet",
    "RowSplit",
    "SquaredError",
    "squared_error",
    "TensorBatchIterator",
    "weighted_cross_entropy",
    "weighted_mean",
]

#: The entry of a batch's X that holds the samples' weights (read by the loss, not given to the module).
WEIGHT_KEY = "sample_weight"


def weighted_mean(values: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    """Mean over the first axis (the samples), each sample counted ``weight`` times; plain mean when None."""
    if weight is None:
        return values.mean(0)
    weight = weight.to(values.dtype).reshape(-1, *([1] * (values.dim() - 1)))
    return (values * weight).sum(0) / weight.sum()


def weighted_cross_entropy(logits: torch.Tensor, y: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    """The mean cross-entropy of a head, each sample counted ``weight`` times (torch's own mean when None)."""
    if weight is None:
        return F.cross_entropy(logits, y)
    return weighted_mean(F.cross_entropy(logits, y, reduction="none"), weight)


def squared_error(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The squared error of each sample, averaged over its targets: (B, k), (B, k) -> (B,)."""
    return (prediction - target).pow(2).mean(-1)


class SquaredError(torch.nn.Module):
    """:func:`squared_error` as skorch's criterion: the validation loss of regression heads, one value per sample."""

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return squared_error(prediction, target)


class RowSplit:
    """skorch's ``train_split`` for given rows: views of the dataset (no copy), which the batch iterator reads.

    Parameters
    ----------
    train_rows, valid_rows : ndarray of int
        The rows of the training and of the validation part.
    """

    def __init__(self, train_rows: np.ndarray, valid_rows: np.ndarray) -> None:
        self.train_rows = train_rows
        self.valid_rows = valid_rows

    def __call__(self, dataset, y=None, **fit_params):  # noqa: D102
        return Subset(dataset, self.train_rows), Subset(dataset, self.valid_rows)


class TensorBatchIterator:
    """Mini-batches of a skorch dataset whose X is a dict of tensors.

    Parameters
    ----------
    dataset : skorch Dataset or torch Subset of one
        Holds ``X`` (dict of tensors, first axis the samples) and ``y``.
    batch_size : int
        Rows per batch.
    shuffle : bool, default=False
        Draw a new permutation each epoch.
    generator : torch.Generator or None
        Source of the permutations (seeded by the estimator).
    """

    def __init__(
        self, dataset, batch_size: int, shuffle: bool = False, generator: torch.Generator | None = None
    ) -> None:
        indices = None
        while isinstance(dataset, Subset):
            idx = torch.as_tensor(np.asarray(dataset.indices), dtype=torch.long)
            indices = idx if indices is None else idx[indices]
            dataset = dataset.dataset
        self.X, self.y = dataset.X, dataset.y
        self.indices = indices
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.generator = generator

    def __len__(self) -> int:
        n = self._n_rows()
        return (n + self.batch_size - 1) // self.batch_size

    def _n_rows(self) -> int:
        return len(self.indices) if self.indices is not None else len(self.y)

    def __iter__(self):
        n = self._n_rows()
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        if self.indices is not None:
            order = self.indices[order]
        order = order.to(self.y.device)  # one copy per epoch, not one per batch
        for start in range(0, n, self.batch_size):
            rows = order[start : start + self.batch_size]
            # index_select gathers the same rows as value[rows], two to four times faster on CPU
            yield {key: value.index_select(0, rows) for key, value in self.X.items()}, self.y.index_select(0, rows)


class DeferredLoss:
    """A batch's loss that skorch's loop records now and the net reads at the end of the epoch.

    skorch records ``step["loss"].item()`` for every batch, a read from the
    device that waits for the batch's work to finish. The net's steps hand
    skorch this object instead: its ``item()`` returns the object itself,
    which stands in the history until :meth:`MultimodalNet.on_epoch_end`
    reads every loss of the epoch at once and writes the floats in its
    place (before any callback sees the epoch's history).

    Parameters
    ----------
    tensor : torch.Tensor
        The scalar loss of the batch (detached).
    """

    __slots__ = ("tensor",)

    def __init__(self, tensor: torch.Tensor) -> None:
        self.tensor = tensor.detach()

    def item(self) -> DeferredLoss:
        """This object, which stands in the history for the value until the epoch's end."""
        return self

    def __repr__(self) -> str:
        return "DeferredLoss(read at the end of the epoch)"


class MultimodalNet(NeuralNet):
    """skorch net for a module that computes the parts of its own loss.

    The module's forward returns an object with a ``logits`` attribute (the
    joint head) and the module has a method ``loss(out, y, sample_weight)``
    returning a dict of scalar tensors: ``"total"`` (what is minimised) and
    the named parts listed in the module's ``loss_parts``, whose epoch means
    are recorded in the history under those names. The criterion (the
    cross-entropy, or :class:`SquaredError` for a regressor; per sample)
    scores the joint head on validation data.

    Samples' weights, when there are any, travel in the batch's X under
    ``WEIGHT_KEY``: :meth:`infer` keeps them from the module, and the losses
    (training and validation) count each sample that many times.

    Extra parameter (beyond :class:`skorch.NeuralNet`):

    gradient_clip_value : float or None, default=None
        Clip the l2 norm of the gradient of all parameters to this value
        before each update (None: no clipping).

    Attributes
    ----------
    loss_parts_ : tuple of str
        The module's loss parts recorded in the history.
    interrupted_ : bool
        Whether the last call to ``fit`` or ``partial_fit`` was cut short by
        a user's ``KeyboardInterrupt`` (not by a stopping rule).
    """

    #: skorch pickles these attributes apart and loads them onto the devices there are: the callbacks hold
    #: tensors of the training device too (early stopping's best weights, weight averaging's parameters).
    cuda_dependent_attributes_ = ["callbacks"]

    def __init__(self, *args, gradient_clip_value: float | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gradient_clip_value = gradient_clip_value

    def initialize_module(self):  # noqa: D102
        super().initialize_module()
        self.loss_parts_ = tuple(getattr(self.module_, "loss_parts", ()))
        return self

    def extra_state(self) -> dict:
        """Training state beyond the module and optimiser (saved with the model): the shuffling RNG."""
        generator = getattr(self, "iterator_train__generator", None)
        return {"shuffle_rng": generator.get_state()} if generator is not None else {}

    def load_extra_state(self, state: dict) -> None:
        """Restore what :meth:`extra_state` returned."""
        generator = getattr(self, "iterator_train__generator", None)
        if generator is not None and "shuffle_rng" in state:
            generator.set_state(state["shuffle_rng"])

    def on_train_begin(self, net, X=None, y=None, **kwargs):  # noqa: D102
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self.interrupted_ = False

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """skorch's loop; notes a user's KeyboardInterrupt (which skorch swallows) in ``interrupted_``."""
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            # skorch's EarlyStopping (and PlateauStopping) also stop training by raising KeyboardInterrupt.
            stopper = dict(getattr(self, "callbacks_", [])).get("early_stopping")
            self.interrupted_ = stopper is None or stopper.misses_ < stopper.patience
            self.release_epoch_state()  # (an epoch cut short did not reach its end)
            raise

    def infer(self, x, **fit_params):
        """skorch's forward pass, without the samples' weights (which only the losses read)."""
        if isinstance(x, dict) and WEIGHT_KEY in x:
            x = {key: value for key, value in x.items() if key != WEIGHT_KEY}
        return super().infer(x, **fit_params)

    # ------------------------------------------------------------------- loss
    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The training objective of the module, or the criterion on the joint head's logits.

        In training, the module's ``loss`` gives the parts, :meth:`training_objective`
        combines them, the parts of ``loss_parts`` are added to the epoch's sums,
        and a loss that is not finite stops training with a clear error. Otherwise
        (validation) skorch's criterion scores ``y_pred.logits``.
        """
        weight = X.get(WEIGHT_KEY) if isinstance(X, dict) else None
        if not training:  # the criterion gives one loss per sample
            return weighted_mean(super().get_loss(y_pred.logits, y_true, X=X, training=training), weight)
        parts = self.module_.loss(y_pred, y_true, weight)
        loss = self.training_objective(parts)
        for name in self.loss_parts_:  # summed where they are (no device sync per batch), read once per epoch
            self._epoch_sums[name] = self._epoch_sums[name] + parts[name].detach()
        self._epoch_batches += 1
        self.watch_finite(loss)
        return loss

    def watch_finite(self, values: torch.Tensor) -> None:
        """Note on the device whether ``values`` has a non-finite entry (the first one is kept).

        The epoch's end reads the note and stops training with a clear error
        (:meth:`on_epoch_end`); nothing is read back per batch.
        """
        values = values.detach().reshape(-1)
        bad = ~torch.isfinite(values)
        first = values.gather(0, bad.to(torch.uint8).argmax().reshape(1)).to(torch.float64).squeeze(0)
        self._epoch_first_bad = torch.where(self._epoch_bad, self._epoch_first_bad, first)
        self._epoch_bad = self._epoch_bad | bad.any()

    def training_objective(self, parts) -> torch.Tensor:
        """What one training batch minimises, from the module's loss parts (their ``"total"``)."""
        return parts["total"]

    def _diverged(self, value: float) -> None:
        raise FloatingPointError(
            f"The training loss became {value} at epoch {len(self.history)}. Try a lower lr or "
            "feature_transform='robust', or look for extreme values in X (or in y, for a regressor)."
        )

    # ------------------------------------------------------------------- step
    def train_step(self, batch, **fit_params):
        """skorch's training step; its loss handed to skorch's history as a :class:`DeferredLoss`."""
        return self._deferred(super().train_step(batch, **fit_params))

    def validation_step(self, batch, **fit_params):
        """skorch's validation step; its loss handed to skorch's history as a :class:`DeferredLoss`."""
        return self._deferred(super().validation_step(batch, **fit_params))

    def _deferred(self, step: dict) -> dict:
        loss = DeferredLoss(step["loss"])
        self._epoch_losses.append(loss)
        return {**step, "loss": loss}

    def train_step_single(self, batch, **fit_params):
        """skorch's forward, loss and backward pass, then the gradient norm clipped."""
        step = super().train_step_single(batch, **fit_params)
        if self.gradient_clip_value is not None:
            parameters = [p for group in self.optimizer_.param_groups for p in group["params"]]
            clip_grad_norm_(parameters, max_norm=self.gradient_clip_value)
        return step

    # ---------------------------------------------------------------- history
    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        self._epoch_sums = dict.fromkeys(self.loss_parts_, 0.0)
        self._epoch_batches = 0
        self._epoch_losses = []
        self._epoch_bad = torch.zeros((), dtype=torch.bool, device=self.device)
        self._epoch_first_bad = torch.zeros((), dtype=torch.float64, device=self.device)

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Read the epoch's losses from the device at once, stop on a non-finite one, record the parts' means.

        This runs before the callbacks' ``on_epoch_end`` (skorch notifies the
        net first), so they see the floats in place of the :class:`DeferredLoss`
        entries of the epoch's batches.
        """
        super().on_epoch_end(net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        sums = [torch.as_tensor(self._epoch_sums[name], device=self.device) for name in self.loss_parts_]
        scalars = [self._epoch_bad, self._epoch_first_bad, *sums, *(loss.tensor for loss in self._epoch_losses)]
        values = torch.stack([value.to(torch.float64) for value in scalars]).cpu().tolist()  # the one read
        bad, first_bad, values = values[0], values[1], values[2:]
        if bad:
            self._diverged(first_bad)
        for name, total in zip(self.loss_parts_, values):
            self.history.record(name, total / max(self._epoch_batches, 1))
        read = dict(zip(map(id, self._epoch_losses), values[len(sums) :]))
        for batch in self.history[-1].get("batches", []):
            for key, value in batch.items():
                if isinstance(value, DeferredLoss):
                    batch[key] = read[id(value)]
        self.release_epoch_state()

    def release_epoch_state(self) -> None:
        """Drop (or bring to the host) what the epoch kept on the training device.

        Called at the end of each epoch and when one is cut short, so that no
        tensor of the training device stays on the net outside skorch's care
        (a pickled GPU model then loads on a machine without a GPU).
        """
        self._epoch_sums, self._epoch_losses, self._epoch_bad, self._epoch_first_bad = {}, [], None, None
