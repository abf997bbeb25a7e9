"""skorch glue: the training loops of the package's networks.

skorch runs epochs, callbacks, early stopping, devices and the history. This
module adds what the networks need on top of it:

* :class:`TensorBatchIterator` slices whole tensors per mini-batch instead of
  collating rows one by one;
* :class:`MultimodalNet` trains any network of the package whose module
  returns an output with ``logits`` and computes its own training loss
  (``module.loss(out, y)``, a dict of named parts with ``"total"``); the
  parts are averaged over each epoch into the history; validation scores
  the joint head's cross-entropy;
* :class:`RedCoreNet` runs Algorithm 1: it computes the RedCore loss, hands
  each mini-batch's imputation losses to the
  :class:`~sklearn_redcore._regulation.SupervisionRegulator` (eta update
  every K steps) and records eta, the relative advantage and the imputation
  losses at the end of each epoch.

Both nets clip the gradient norm inside the training step (over the
optimiser's own parameter list) rather than through a skorch callback, which
would walk every submodule for its parameters at each mini-batch.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from skorch import NeuralNet
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator
from torch.nn.utils import clip_grad_norm_
from torch.utils.data import Subset

from ._network import RedCoreOutput, redcore_loss
from ._regulation import SupervisionRegulator


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
        order = order.to(self.y.device)  # one copy per epoch, not one per batch
        for start in range(0, n, self.batch_size):
            rows = order[start:start + self.batch_size]
            # index_select gathers the same rows as value[rows], two to four times faster on CPU
            yield {key: value.index_select(0, rows) for key, value in self.X.items()}, self.y.index_select(0, rows)


class MultimodalNet(NeuralNet):
    """skorch net for a module that computes its own loss.

    The module's forward returns an object with a ``logits`` attribute (the
    joint head) and the module has a method ``loss(out, y)`` returning a dict
    of scalar tensors: ``"total"`` (what is minimised) and the named parts
    listed in the module's ``loss_parts``, whose epoch means are recorded in
    the history under those names.

    Extra parameter (beyond :class:`skorch.NeuralNet`):

    gradient_clip_value : float or None, default=None
        Clip the l2 norm of the gradient of all parameters to this value
        before each update (None: no clipping).
    """

    #: History keys written once per epoch (set per instance in initialize_module).
    history_keys: tuple[str, ...] = ()

    def __init__(self, *args, gradient_clip_value: float | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gradient_clip_value = gradient_clip_value

    def initialize_module(self):  # noqa: D102
        super().initialize_module()
        self.history_keys = tuple(getattr(self.module_, "loss_parts", ()))
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

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """skorch's loop; notes a user's KeyboardInterrupt (which skorch swallows) in ``interrupted``."""
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            # skorch's EarlyStopping also stops training by raising KeyboardInterrupt.
            stopper = dict(getattr(self, "callbacks_", [])).get("early_stopping")
            self.interrupted = stopper is None or stopper.misses_ < stopper.patience
            raise

    def _set_training(self, training=True):
        """Switch train/eval mode only when it changes (skorch sets it every batch)."""
        if self.module_.training != training:
            super()._set_training(training)

    def get_loss(self, y_pred, y_true, X=None, training=False):  # noqa: D102
        return self.module_.loss(y_pred, y_true)["total"]

    def training_loss(self, out, y: torch.Tensor) -> torch.Tensor:
        """The loss minimised on one training batch; records its parts."""
        parts = self.module_.loss(out, y)
        for name in self.history_keys:  # summed where they are (no device sync per batch), read once per epoch
            self._epoch_sums[name] = self._epoch_sums[name] + parts[name].detach()
        self._epoch_batches += 1
        return parts["total"]

    def train_step_single(self, batch, **fit_params):  # noqa: D102
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        out = self.infer(Xi, **fit_params)
        loss = self.training_loss(out, yi)
        value = loss.item()  # one read of the scalar (torch.isfinite would cost a tensor operation)
        if not math.isfinite(value):
            self._diverged(value)
        loss.backward()
        return {"loss": loss, "y_pred": out}

    def train_step(self, batch, **fit_params):
        """One parameter update: gradients, clipping, then the optimiser's step.

        skorch's own sequence (zero the gradients, ``train_step_single``, the
        ``on_grad_computed`` callbacks, the optimiser's step), with the
        gradient norm clipped before the callbacks see it and no closure
        (Adam does not use one).
        """
        self._zero_grad_optimizer()
        step = self.train_step_single(batch, **fit_params)
        if self.gradient_clip_value is not None:
            parameters = [p for group in self.optimizer_.param_groups for p in group["params"]]
            clip_grad_norm_(parameters, max_norm=self.gradient_clip_value)
        self.notify("on_grad_computed", named_parameters=TeeGenerator(self.get_all_learnable_params()),
                    batch=batch, training=True)
        self._step_optimizer(None)
        return step

    def _diverged(self, value: float) -> None:
        raise FloatingPointError(
            f"The training loss became {value} at epoch {len(self.history)}. Try a lower lr, "
            "standardize=True, or look for extreme values in X."
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
        self._epoch_sums = dict.fromkeys(self.history_keys, 0.0)
        self._epoch_batches = 0

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        super().on_epoch_end(net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        for name in self.history_keys:
            self.history.record(name, float(self._epoch_sums[name]) / max(self._epoch_batches, 1))


class RedCoreNet(MultimodalNet):
    """skorch net that trains :class:`~sklearn_redcore._network.RedCoreModule` by Algorithm 1.

    Extra parameters (beyond :class:`skorch.NeuralNet`):

    regulator : SupervisionRegulator
        State of Algorithm 1; its eta weights the imputation losses.
    kl_weight : float
        Weight of the KL terms of the VIB loss.
    detach_target : bool
        Stop the imputation gradient at the self-modal representation.
    """

    #: History keys written once per epoch (each a list of M floats).
    history_keys = ("eta", "relative_advantage", "imputation_loss")

    def __init__(self, *args, regulator: SupervisionRegulator | None = None,
                 kl_weight: float = 1e-3, detach_target: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regulator = regulator
        self.kl_weight = kl_weight
        self.detach_target = detach_target

    def initialize_module(self):  # noqa: D102
        NeuralNet.initialize_module(self)
        return self

    def extra_state(self) -> dict:
        """The state of Algorithm 1: eta, the moving-average losses and the step count."""
        reg = self.regulator
        return {**super().extra_state(), "eta": np.asarray(reg.eta, dtype=float),
                "moving_loss": np.asarray(reg.moving_loss, dtype=float), "n_steps": int(reg.n_steps)}

    def load_extra_state(self, state: dict) -> None:  # noqa: D102
        super().load_extra_state(state)
        m = self.regulator.n_modalities
        eta = np.asarray(state["eta"], dtype=float)
        moving_loss = np.asarray(state["moving_loss"], dtype=float)
        if eta.shape != (m,) or moving_loss.shape != (m,):
            raise ValueError(f"the saved state of Algorithm 1 is for {eta.shape} modalities, not {m}")
        self.regulator.eta, self.regulator.moving_loss = eta, moving_loss
        self.regulator.n_steps = int(state["n_steps"])

    def get_loss(self, y_pred, y_true, X=None, training=False):  # noqa: D102
        eta = torch.as_tensor(self.regulator.eta, dtype=y_pred.mean.dtype, device=y_pred.mean.device)
        return redcore_loss(y_pred, y_true, eta, self.kl_weight, self.detach_target).total

    def training_loss(self, out: RedCoreOutput, y: torch.Tensor) -> torch.Tensor:
        """``L_VIB + sum_m eta^m L_MSE^m`` with eta from Algorithm 1 (lines 3-4)."""
        parts = redcore_loss(out, y, None, self.kl_weight, self.detach_target)
        imputation = parts.imputation.detach().cpu().numpy()
        observed = parts.observed.cpu().numpy()
        if not np.isfinite(imputation).all():  # before it reaches the state of Algorithm 1
            self._diverged(imputation[~np.isfinite(imputation)][0])
        eta = self.regulator.step(imputation, observed)
        self._epoch_imputation_sum += np.where(observed, imputation, 0.0)
        self._epoch_imputation_count += observed
        return parts.vib + (torch.as_tensor(eta, dtype=parts.vib.dtype, device=parts.vib.device)
                            * parts.imputation).sum()

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        NeuralNet.on_epoch_begin(self, net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        m = self.regulator.n_modalities
        self._epoch_imputation_sum = np.zeros(m)
        self._epoch_imputation_count = np.zeros(m)

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        NeuralNet.on_epoch_end(self, net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        count = self._epoch_imputation_count
        mean = np.divide(self._epoch_imputation_sum, count, out=np.full(len(count), np.nan), where=count > 0)
        self.history.record("eta", self.regulator.eta.tolist())
        self.history.record("relative_advantage", self.regulator.relative_advantage.tolist())
        self.history.record("imputation_loss", mean.tolist())
