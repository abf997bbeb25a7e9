"""Algorithm 1 inside skorch's training loop: the net that trains RedCore, and its records.

:class:`RedCoreNet` is :class:`~sklearn_redcore._training.MultimodalNet` whose
training objective steps Algorithm 1: each training batch hands its
imputation losses to the
:class:`~sklearn_redcore._regulation.SupervisionRegulator` (eta moves every K
steps, Algorithm 1 lines 3-4) and minimises the objective weighted by that
eta (:func:`eta_weighted_objective`). :class:`RegulationHistory`, a skorch
callback, records eta, the relative advantage and the imputation losses at
the end of each epoch and, with early stopping on validation data, takes
Algorithm 1 back to the epoch whose weights are kept. The mathematics of
Algorithm 1 stays in ``_regulation.py``.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch.callbacks import Callback

from ._network import RedCoreLoss, redcore_objective
from ._regulation import SupervisionRegulator, unimodal_weights
from ._training import MultimodalNet

__all__ = ["RedCoreNet", "RegulationHistory", "eta_weighted_objective", "regulator_inputs"]


def eta_weighted_objective(
    parts: RedCoreLoss, eta: torch.Tensor | np.ndarray, *, imputation_weight: float, eta_scope: str, regulate: bool
) -> torch.Tensor:
    """What one training batch of RedCore minimises, given the eta of Algorithm 1 for this batch.

    ``L_VIB + imputation_weight * sum_m eta^m L_MSE^m``
    (:func:`~sklearn_redcore._network.redcore_objective`); with
    ``eta_scope="imputation+unimodal"`` eta also weights the unimodal heads'
    losses through :func:`~sklearn_redcore._regulation.unimodal_weights`
    (not in the paper). Core (``regulate=False``: eta fixed and equal) would
    get unimodal weights of 1 up to round-off, so it is left exactly as it is.

    Parameters
    ----------
    parts : RedCoreLoss
        The loss parts of the batch (``RedCoreModule.loss``).
    eta : torch.Tensor or ndarray of shape (n_modalities,)
        The supervision weights in force for this parameter update (a
        tensor of the training device in training: nothing is read back).
    imputation_weight : float
        The constant factor on the eta-weighted imputation losses.
    eta_scope : {"imputation", "imputation+unimodal"}
        What eta weights.
    regulate : bool
        Whether Algorithm 1 moves eta (False: Core).

    Returns
    -------
    torch.Tensor
        The scalar to minimise.
    """
    shared = eta_scope == "imputation+unimodal" and regulate
    return redcore_objective(parts, eta, imputation_weight, unimodal_weights(eta) if shared else None)


def regulator_inputs(parts: RedCoreLoss, regulator: SupervisionRegulator) -> dict[str, torch.Tensor]:
    """What one training batch hands to :meth:`SupervisionRegulator.step`: tensors of the training device.

    The imputation losses and which modalities the batch observed; with
    ``advantage_reference="spread"`` also the spread of each imputation
    target (:func:`~sklearn_redcore._network.redcore_loss`). Nothing is read
    back to the host.
    """
    inputs = {"batch_losses": parts.imputation.detach(), "observed": parts.observed}
    if regulator.advantage_reference == "spread":
        inputs["spread"] = parts.target_spread
    return inputs


class RedCoreNet(MultimodalNet):
    """skorch net that trains :class:`~sklearn_redcore._network.RedCoreModule` by Algorithm 1.

    Extra parameters (beyond :class:`MultimodalNet`'s):

    regulator : SupervisionRegulator
        State of Algorithm 1; its eta weights the imputation losses.
    imputation_weight : float, default=1.0
        A constant factor on the eta-weighted imputation losses (see
        :func:`eta_weighted_objective`).
    eta_scope : {"imputation", "imputation+unimodal"}, default="imputation"
        What eta weights: the imputation losses (Algorithm 1), or also the
        unimodal classification losses (not in the paper).

    Algorithm 1 runs on the training device: the regulator's state is
    moved there when training begins, each batch's losses stay there, and
    the epoch's records are read once, at its end.

    Attributes
    ----------
    epoch_imputation_sum_, epoch_imputation_count_ : ndarray of shape (n_modalities,)
        The sum of the imputation losses of the epoch's training batches
        that observed each modality, and their number (summed on the
        training device during the epoch, read at its end).
    """

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

    def on_train_begin(self, net, X=None, y=None, **kwargs):  # noqa: D102
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self.regulator.to(self.device)  # (a loaded or pickled regulator comes back on the CPU)

    def training_objective(self, parts: RedCoreLoss) -> torch.Tensor:
        """:func:`eta_weighted_objective` with eta from Algorithm 1, stepped on this batch (lines 3-4)."""
        inputs = regulator_inputs(parts, self.regulator)
        imputation, observed = inputs["batch_losses"], inputs["observed"]
        # A loss that is not finite stops training at the end of the epoch (read then, not per batch).
        self.watch_finite(imputation)
        eta = self.regulator.step(**inputs)
        self.epoch_imputation_sum_ = self.epoch_imputation_sum_ + torch.where(observed, imputation, 0.0)
        self.epoch_imputation_count_ = self.epoch_imputation_count_ + observed
        return eta_weighted_objective(
            parts,
            eta,
            imputation_weight=self.imputation_weight,
            eta_scope=self.eta_scope,
            regulate=self.regulator.regulate,
        )

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        m = self.regulator.n_modalities
        self.epoch_imputation_sum_ = torch.zeros(m, dtype=torch.float64, device=self.device)
        self.epoch_imputation_count_ = torch.zeros(m, dtype=torch.float64, device=self.device)

    def release_epoch_state(self) -> None:
        """:meth:`MultimodalNet.release_epoch_state`, and the epoch's imputation sums read once, for the callbacks."""
        super().release_epoch_state()
        sums = getattr(self, "epoch_imputation_sum_", None)
        if isinstance(sums, torch.Tensor):
            both = torch.stack([sums, self.epoch_imputation_count_]).cpu().numpy()
            self.epoch_imputation_sum_, self.epoch_imputation_count_ = both


class RegulationHistory(Callback):
    """Algorithm 1's records in the history, and its state rolled back with early stopping's weights.

    At the end of each epoch it records, each a list of M floats, eta, the
    relative advantage (eq. 5) of the moving-average losses and the mean
    imputation loss of the epoch's training batches, and keeps the state of
    the regulator. When early stopping on validation data (skorch's
    ``EarlyStopping`` with ``load_best=True``, under the name
    ``"early_stopping"``) takes the network back to its best epoch, the
    regulator goes back to its state at the end of that epoch, so that eta
    and the weights it saves belong together. It must come before the
    stopping rule among the net's callbacks (a rule stops training from its
    own ``on_epoch_end``).
    """

    #: The history entries written once per epoch.
    history_keys = ("eta", "relative_advantage", "imputation_loss")

    def on_train_begin(self, net, X=None, y=None, **kwargs):  # noqa: D102
        self.states_ = {}  # epoch -> state of Algorithm 1 at its end

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):  # noqa: D102
        reg, count = net.regulator, net.epoch_imputation_count_
        mean = np.divide(net.epoch_imputation_sum_, count, out=np.full(len(count), np.nan), where=count > 0)
        eta = reg.eta  # (each of the regulator's NumPy attributes is a read from the training device)
        net.history.record("eta", eta.tolist())
        net.history.record("relative_advantage", reg.relative_advantage.tolist())
        net.history.record("imputation_loss", mean.tolist())
        self.states_[len(net.history)] = (eta, reg.moving_loss, reg.n_steps)

    def on_train_end(self, net, X=None, y=None, **kwargs):  # noqa: D102
        stopper = dict(net.callbacks_).get("early_stopping")
        best = getattr(stopper, "best_epoch_", None) if getattr(stopper, "load_best", False) else None
        if best in self.states_:
            reg = net.regulator
            eta, moving_loss, n_steps = self.states_[best]
            reg.eta, reg.moving_loss, reg.n_steps = eta.copy(), moving_loss.copy(), n_steps
        self.states_ = {}  # (no copies kept in the fitted model)
