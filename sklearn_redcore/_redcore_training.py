"""Algorithm 1 inside skorch's training loop: the net that trains RedCore.

:class:`RedCoreNet` is :class:`~sklearn_redcore._training.MultimodalNet` with
two additions, both through its hooks: each training batch hands its
imputation losses to the
:class:`~sklearn_redcore._regulation.SupervisionRegulator` (eta moves every K
steps, Algorithm 1 lines 3-4) and minimises the objective weighted by that
eta (:func:`~sklearn_redcore._redcore_network.redcore_objective`); each epoch
ends by recording eta, the relative advantage and the imputation losses.
The mathematics of Algorithm 1 stays in ``_regulation.py``.
"""

from __future__ import annotations

import numpy as np
import torch

from ._redcore_network import RedCoreLoss, redcore_objective
from ._regulation import SupervisionRegulator, unimodal_weights
from ._training import MultimodalNet

__all__ = ["RedCoreNet"]


class RedCoreNet(MultimodalNet):
    """skorch net that trains :class:`~sklearn_redcore._redcore_network.RedCoreModule` by Algorithm 1.

    Extra parameter (beyond :class:`MultimodalNet`'s):

    regulator : SupervisionRegulator
        State of Algorithm 1; its eta weights the imputation losses.
    imputation_weight : float, default=1.0
        A constant factor on the eta-weighted imputation losses (see
        :func:`~sklearn_redcore._redcore_network.redcore_objective`).
    eta_scope : {"imputation", "imputation+unimodal"}, default="imputation"
        What eta weights: the imputation losses (Algorithm 1), or also the
        unimodal classification losses through
        :func:`~sklearn_redcore._regulation.unimodal_weights` (not in the paper).
    """

    #: Written once per epoch, each a list of M floats.
    extra_history_keys = ("eta", "relative_advantage", "imputation_loss")

    def __init__(
        self,
        *args,
        regulator: SupervisionRegulator | None = None,
        imputation_weight: float = 1.0,
        eta_scope: str = "imputation",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.regulator = regulator
        self.imputation_weight = imputation_weight
        self.eta_scope = eta_scope

    def extra_state(self) -> dict:
        """The state of Algorithm 1: eta, the moving-average losses and the step count."""
        reg = self.regulator
        return {
            **super().extra_state(),
            "eta": np.asarray(reg.eta, dtype=float),
            "moving_loss": np.asarray(reg.moving_loss, dtype=float),
            "n_steps": int(reg.n_steps),
            "reference_loss": np.asarray(reg.reference_loss, dtype=float),
        }

    def load_extra_state(self, state: dict) -> None:  # noqa: D102
        super().load_extra_state(state)
        m = self.regulator.n_modalities
        eta = np.asarray(state["eta"], dtype=float)
        moving_loss = np.asarray(state["moving_loss"], dtype=float)
        if eta.shape != (m,) or moving_loss.shape != (m,):
            raise ValueError(f"the saved state of Algorithm 1 is for {eta.shape} modalities, not {m}")
        self.regulator.eta, self.regulator.moving_loss = eta, moving_loss
        self.regulator.n_steps = int(state["n_steps"])
        # Saved before advantage_reference existed: the first losses are unknown; the moving ones stand in.
        reference = np.asarray(state.get("reference_loss", moving_loss), dtype=float)
        self.regulator.reference_loss = reference if reference.shape == (m,) else moving_loss.copy()

    def training_objective(self, parts: RedCoreLoss) -> torch.Tensor:
        """``L_VIB + w sum_m eta^m L_MSE^m`` with eta from Algorithm 1, stepped on this batch (lines 3-4)."""
        imputation = parts.imputation.detach().cpu().numpy()
        observed = parts.observed.cpu().numpy()
        if not np.isfinite(imputation).all():  # before it reaches the state of Algorithm 1
            self._diverged(imputation[~np.isfinite(imputation)][0])
        eta = self.regulator.step(imputation, observed)
        self._epoch_imputation_sum += np.where(observed, imputation, 0.0)
        self._epoch_imputation_count += observed
        # Core (eta fixed and equal) would get weights of 1 up to round-off: it is left exactly as it is.
        shared = self.eta_scope == "imputation+unimodal" and self.regulator.regulate
        weights = unimodal_weights(eta) if shared else None
        return redcore_objective(parts, eta, self.imputation_weight, weights)

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
        reg = self.regulator
        self._regulator_states[len(self.history)] = (reg.eta.copy(), reg.moving_loss.copy(), reg.n_steps)

    def on_train_begin(self, net, X=None, y=None, **kwargs):  # noqa: D102
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self._regulator_states = {}  # epoch -> state of Algorithm 1 at its end

    def on_train_end(self, net, X=None, y=None, **kwargs):
        """With early stopping on validation data, Algorithm 1 goes back to the epoch whose weights are kept."""
        super().on_train_end(net, X=X, y=y, **kwargs)
        stopper = dict(self.callbacks_).get("early_stopping")
        best = getattr(stopper, "best_epoch_", None) if getattr(stopper, "load_best", False) else None
        if best in self._regulator_states:
            eta, moving_loss, n_steps = self._regulator_states[best]
            reg = self.regulator
            reg.eta, reg.moving_loss, reg.n_steps = eta.copy(), moving_loss.copy(), n_steps
