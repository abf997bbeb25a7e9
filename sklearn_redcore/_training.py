"""skorch glue: the training loop of Algorithm 1.

skorch runs epochs, callbacks, early stopping, devices and the history. This
module adds what RedCore needs on top of it:

* :class:`TensorBatchIterator` slices whole tensors per mini-batch instead of
  collating rows one by one;
* :class:`RedCoreNet` computes the RedCore loss, hands each mini-batch's
  imputation losses to the :class:`~sklearn_redcore._regulation.SupervisionRegulator`
  (eta update every K steps) and records eta, the relative advantage and the
  imputation losses in the history at the end of each epoch.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch import NeuralNet
from skorch.dataset import unpack_data
from torch.utils.data import Subset

from ._network import RedCoreOutput, redcore_loss
from ._regulation import SupervisionRegulator

# History keys written once per epoch (each a list of M floats).
HISTORY_KEYS = ("eta", "relative_advantage", "imputation_loss")


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

    def __init__(self, dataset, batch_size: int, shuffle: bool = False,
                 generator: torch.Generator | None = None) -> None:
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
        device = self.y.device
        for start in range(0, n, self.batch_size):
            rows = order[start:start + self.batch_size].to(device)
            yield {key: value[rows] for key, value in self.X.items()}, self.y[rows]


class RedCoreNet(NeuralNet):
    """skorch net that trains :class:`~sklearn_redcore._network.RedCoreModule`.

    Extra parameters (beyond :class:`skorch.NeuralNet`):

    regulator : SupervisionRegulator
        State of Algorithm 1; its eta weights the imputation losses.
    kl_weight : float
        Weight of the KL terms of the VIB loss.
    """

    def __init__(self, *args, regulator: SupervisionRegulator | None = None,
                 kl_weight: float = 1e-3, detach_target: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regulator = regulator
        self.kl_weight = kl_weight
        self.detach_target = detach_target

    def _set_training(self, training=True):
        """Switch train/eval mode only when it changes (skorch sets it every batch)."""
        if self.module_.training != training:
            super()._set_training(training)

    # The criterion is redcore_loss, computed in the steps below.
    def get_loss(self, y_pred, y_true, X=None, training=False):  # noqa: D102
        eta = torch.as_tensor(self.regulator.eta, dtype=y_pred.mean.dtype, device=y_pred.mean.device)
        return redcore_loss(y_pred, y_true, eta, self.kl_weight, self.detach_target).total

    def train_step_single(self, batch, **fit_params):  # noqa: D102
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        out: RedCoreOutput = self.infer(Xi, **fit_params)
        parts = redcore_loss(out, yi, None, self.kl_weight, self.detach_target)
        imputation = parts.imputation.detach().cpu().numpy()
        observed = parts.observed.cpu().numpy()
        if not np.isfinite(imputation).all():  # before it reaches the state of Algorithm 1
            self._diverged(imputation[~np.isfinite(imputation)][0])
        eta = self.regulator.step(imputation, observed)  # Algorithm 1, lines 3-4
        loss = parts.vib + (torch.as_tensor(eta, dtype=parts.vib.dtype, device=parts.vib.device)
                            * parts.imputation).sum()
        if not torch.isfinite(loss):
            self._diverged(loss.item())
        loss.backward()
        self._epoch_imputation_sum += np.where(observed, imputation, 0.0)
        self._epoch_imputation_count += observed
        return {"loss": loss, "y_pred": out}

    def _diverged(self, value: float) -> None:
        raise FloatingPointError(
            f"The training loss became {value} at epoch {len(self.history)}. Try a lower lr, "
            "standardize the inputs, or look for extreme values in X."
        )

    def validation_step(self, batch, **fit_params):
        """Validation loss: cross-entropy of the joint head, in evaluation mode."""
        self._set_training(False)
        Xi, yi = unpack_data(batch)
        with torch.no_grad():
            out = self.infer(Xi, **fit_params)
            loss = torch.nn.functional.cross_entropy(out.logits, yi)
        return {"loss": loss, "y_pred": out}

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        m = self.regulator.n_modalities
        self._epoch_imputation_sum = np.zeros(m)
        self._epoch_imputation_count = np.zeros(m)

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        super().on_epoch_end(net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        count = self._epoch_imputation_count
        mean = np.divide(self._epoch_imputation_sum, count, out=np.full(len(count), np.nan), where=count > 0)
        self.history.record("eta", self.regulator.eta.tolist())
        self.history.record("relative_advantage", self.regulator.relative_advantage.tolist())
        self.history.record("imputation_loss", mean.tolist())
