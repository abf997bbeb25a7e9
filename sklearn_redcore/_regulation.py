"""Relative-advantage-aware supervision regulation (the "Red" of RedCore).

This module holds Algorithm 1 of Sun et al. (AAAI 2024) and nothing else: the
moving-average imputation loss (eq. 9), the relative advantage (eqs. 4-5) and
the projected update of the supervision weights eta (eq. 8) onto

    Gamma_1 = {eta in R^M : eta >= xi1, ||eta||_p = xi2}        (eqs. 6b-6c)

The functions are pure and can be tested on their own. The state of
Algorithm 1 (:class:`SupervisionRegulator`) lives in torch float64 tensors on
the training device, so that a training step never waits for a value read
back to the host; its projection is the closed form of
:func:`project_eta_tensor` for ``p`` in {1, 2}, and :func:`project_eta`
(NumPy and SciPy, the reference for every ``p``) otherwise.

Three variants that are not in the paper live here too:

* ``advantage_reference="spread"`` (the estimators' default): eqs. (4)-(5)
  read each modality's imputation loss *divided by the spread of its
  target* on the same batch (the mean squared distance of ``z_bar^m`` to its
  batch mean), i.e. one minus the R^2 of the imputation. Raw losses are on
  each modality's own scale (a wide view has a larger representation
  spread, hence a larger loss, whatever its predictability), and on data
  whose modalities differ in scale the paper's rule drives eta to a vertex
  of Gamma_1 on that scale alone; the ratio measures how well each modality
  is imputed, in the same unit for all. The objective still weighs the raw
  losses;
* ``advantage_reference="initial"``: the relative advantage (eq. 5) of each
  modality's moving-average loss *divided by its own first value*, so that a
  modality's intrinsic difficulty (how predictable it is from the others)
  cancels and only its progress counts (:func:`relative_advantage`'s
  ``reference``);
* :func:`unimodal_weights`: eta also weighting the unimodal classification
  losses of eq. (3), relative to their mean, where Adam cannot cancel it
  (the self-modal encoder of m also receives the joint head's gradient).

``advantage_reference="none"`` is Algorithm 1 exactly as the paper writes it.
"""

from __future__ import annotations

import numpy as np
import torch

from ._eta_projection import CLOSED_FORM_ORDERS, check_feasible_set, project_eta, project_eta_tensor

__all__ = [
    "check_feasible_set",
    "initial_eta",
    "project_eta",
    "project_eta_tensor",
    "relative_advantage",
    "unimodal_weights",
    "SupervisionRegulator",
    "ADVANTAGE_REFERENCES",
]


def initial_eta(n_modalities: int, xi2: float, p: float) -> np.ndarray:
    """Equal supervision weights on the sphere ``||eta||_p = xi2``.

    Algorithm 1 starts from any feasible eta_0; we take the equal one, which is
    feasible whenever Gamma_1 is non-empty and is also the fixed eta of the
    Core ablation (``regulate=False``).
    """
    return np.full(n_modalities, xi2 / n_modalities ** (1.0 / p))


#: What the losses are measured against before eqs. (4)-(5): "none" (the paper), "initial" or "spread".
ADVANTAGE_REFERENCES = ("none", "initial", "spread")


def relative_advantage(losses, reference=None):
    """Relative advantage of each modality, eqs. (4)-(5).

    ``RA^m = (mean(L) - L^m) / mean(L)``: positive for a modality whose
    (moving-average) imputation loss is below the average, i.e. a strong one.
    The entries sum to zero. When every loss is zero the result is zero.
    NumPy arrays (or lists) give a NumPy array; a tensor gives a tensor on
    its device, computed without reading values back to the host.

    With ``reference`` (not in the paper), eqs. (4)-(5) read the ratios
    ``L^m / reference^m`` instead of the losses: a modality whose loss is
    large only because it is hard to predict from the others (a large
    reference too) is no longer "weak"; one that has progressed less than
    the others from its own reference is. A non-positive reference leaves
    that modality's loss as it is.

    Examples
    --------
    >>> from sklearn_redcore._regulation import relative_advantage
    >>> relative_advantage([1.0, 2.0, 3.0]).round(3)
    array([ 0.5,  0. , -0.5])
    >>> relative_advantage([1.0, 2.0, 3.0], reference=[2.0, 4.0, 6.0])  # equal progress
    array([0., 0., 0.])
    """
    if not isinstance(losses, torch.Tensor):  # NumPy in, NumPy out
        reference = None if reference is None else torch.as_tensor(np.asarray(reference, dtype=float))
        return relative_advantage(torch.as_tensor(np.asarray(losses, dtype=float)), reference).numpy()
    if reference is not None:
        reference = reference.to(losses)
        losses = torch.where(reference > 0, losses / torch.where(reference > 0, reference, 1.0), losses)
    mean = losses.mean()
    return torch.where(mean > 0, (mean - losses) / torch.where(mean > 0, mean, 1.0), torch.zeros_like(losses))


def unimodal_weights(eta):
    """Weights of the M unimodal classification losses from eta: ``M eta^m / sum(eta)``.

    Not in the paper. Eq. (3) weighs every unimodal head's loss by 1; this
    variant lets Algorithm 1's eta also share out that supervision, keeping
    its total: the weights have mean 1, and are all 1 at the equal eta of
    the Core ablation, which is therefore unchanged. Adam rescales each
    parameter's update by its own gradient's size, so a weight on a loss
    that is the only one reaching a parameter (eta^m on the cross-modal
    encoder of m when the target's gradient is stopped) barely changes the
    update; the self-modal encoder of m also receives the joint head's
    gradient, so a weight on the unimodal loss of m changes the mix it
    follows.

    Examples
    --------
    >>> from sklearn_redcore._regulation import unimodal_weights
    >>> unimodal_weights([0.1, 0.1, 0.1])
    array([1., 1., 1.])
    >>> unimodal_weights([0.2, 0.05, 0.05])
    array([2. , 0.5, 0.5])
    """
    if not isinstance(eta, torch.Tensor):  # NumPy in, NumPy out (a tensor stays on its device)
        eta = np.asarray(eta, dtype=float)
    return eta.shape[-1] * eta / eta.sum()


def _state_tensor(name: str, doc: str) -> property:
    """An attribute of the regulator whose value is a float64 tensor on its device, read and set as NumPy."""

    def get(self) -> np.ndarray:
        return getattr(self, f"_{name}").cpu().numpy().copy()

    def set(self, value) -> None:
        setattr(self, f"_{name}", torch.as_tensor(np.array(value, dtype=float), device=self.device))

    return property(get, set, doc=f"{doc} A NumPy copy of the tensor (a read from the device); assigning sets it.")


class SupervisionRegulator:
    """State of Algorithm 1: moving-average losses and supervision weights eta.

    The training loop calls :meth:`step` once per parameter update theta_k with
    the imputation losses ``L_MSE^m(theta_k)`` of the current mini-batch. The
    moving averages absorb them (eq. 9); at every K-th call (k = sK) eta then
    moves by the projected step of eq. (8) with the relative advantage
    ``r(theta_sK)`` (eqs. 4-5), and the returned eta weights the imputation
    losses of this and the next K - 1 parameter updates (Algorithm 1).

    The state is held in float64 tensors on :attr:`device` (:meth:`to` moves
    it, the training loop puts it on the training device): given tensors,
    :meth:`step` runs there and reads nothing back to the host for
    ``p`` in {1, 2} (for other p, the projection of :func:`project_eta`
    reads the point to project once every K steps). The attributes
    :attr:`eta`, :attr:`moving_loss` and :attr:`reference_loss` are NumPy
    copies of the state (each read is a transfer: the training loop reads
    them once per epoch); assigning them sets the state. A pickled
    regulator holds NumPy arrays and comes back on the CPU.

    Each parameter is taken as valid on its own (the estimators declare
    their ranges); the constructor checks what they must satisfy together,
    that the feasible set of eta is not empty (:func:`check_feasible_set`).

    Parameters
    ----------
    n_modalities : int
        M, the number of modalities.
    xi1, xi2, p : float
        The feasible set of eta (eqs. 6b-6c).
    beta : float
        Weight of the newest loss in the moving average, eq. (9).
    alpha1 : float
        Step size of the projected update, eq. (8).
    K : int
        Number of parameter updates between two eta updates.
    regulate : bool
        If False, eta stays at its equal initial value (Core ablation) while
        the moving averages and relative advantages are still tracked.
    advantage_reference : {"none", "initial", "spread"}
        "none": eqs. (4)-(5) on the moving-average losses (the paper).
        "initial": on each moving-average loss divided by its first value
        (the loss of the first mini-batch where the modality is present), see
        :func:`relative_advantage`. "spread": the moving averages (eq. 9)
        absorb each batch's loss divided by the spread of its target on that
        batch (``spread`` of :meth:`step`), a scale-free loss. The last two
        are not in the paper.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_redcore._regulation import SupervisionRegulator
    >>> reg = SupervisionRegulator(3, xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.1, K=1)
    >>> for _ in range(5):
    ...     eta = reg.step(np.array([1.0, 2.0, 3.0]), np.array([True, True, True]))
    >>> bool(reg.eta[2] > reg.eta[0])   # the weakest modality gets more supervision
    True
    """

    #: The state of Algorithm 1 held in tensors (besides the step count).
    _state = ("eta", "moving_loss", "reference_loss")

    def __init__(
        self,
        n_modalities: int,
        *,
        xi1: float,
        xi2: float,
        p: float,
        beta: float,
        alpha1: float,
        K: int,
        regulate: bool = True,
        advantage_reference: str = "none",
    ) -> None:
        check_feasible_set(n_modalities, xi1, xi2, p)
        self.n_modalities = n_modalities
        self.xi1, self.xi2, self.p = float(xi1), float(xi2), float(p)
        self.beta, self.alpha1, self.K = float(beta), float(alpha1), int(K)
        self.regulate = bool(regulate)
        self.advantage_reference = advantage_reference
        self.device = torch.device("cpu")
        self.eta = initial_eta(n_modalities, xi2, p)
        self.moving_loss = np.full(n_modalities, np.nan)
        self.reference_loss = np.full(n_modalities, np.nan)  # the first moving-average loss of each modality
        self.n_steps = 0

    # ------------------------------------------------------------------ state
    eta = _state_tensor("eta", "The supervision weights eta of eq. (8).")
    moving_loss = _state_tensor("moving_loss", "The moving-average imputation losses of eq. (9) (NaN until observed).")
    reference_loss = _state_tensor("reference_loss", "The first moving-average loss of each modality (NaN before).")

    def __getstate__(self) -> dict:
        state = {key: value for key, value in self.__dict__.items() if key.lstrip("_") not in self._state}
        state.update({name: getattr(self, name) for name in self._state}, device=torch.device("cpu"))
        return state

    def __setstate__(self, state: dict) -> None:
        self.device = torch.device("cpu")  # (a regulator pickled before it had a device has none)
        for key, value in state.items():
            setattr(self, key, value)  # the NumPy state becomes tensors on the CPU

    def to(self, device) -> SupervisionRegulator:
        """Move the state to ``device`` (a torch device or its name); return self."""
        device = torch.device(device)
        for name in self._state:
            setattr(self, f"_{name}", getattr(self, f"_{name}").to(device))
        self.device = device
        return self

    @property
    def relative_advantage(self) -> np.ndarray:
        """``r(theta)`` from the current moving-average losses (zeros until known)."""
        return self._relative_advantage().cpu().numpy()

    def _relative_advantage(self) -> torch.Tensor:
        moving = self._moving_loss
        reference = self._reference_loss if self.advantage_reference == "initial" else None
        known = ~torch.isnan(moving).any()
        return torch.where(known, relative_advantage(moving, reference), torch.zeros_like(moving))

    # ------------------------------------------------------------------- step
    def step(self, batch_losses, observed, spread=None):
        """Advance one parameter update; return eta to weight this update's loss.

        Parameters
        ----------
        batch_losses : torch.Tensor or ndarray of shape (M,)
            ``L_MSE^m`` on the current mini-batch. Entries of modalities with
            no present sample in the batch (``observed`` False) are ignored and
            their moving average is left as it was.
        observed : torch.Tensor or ndarray of bool of shape (M,)
            Whether ``batch_losses[m]`` was measured on at least one sample.
        spread : torch.Tensor or ndarray of shape (M,), optional
            The spread of each imputation target on the batch, by which each
            loss is divided with ``advantage_reference="spread"`` (where it
            is required; ignored otherwise). A modality whose spread is not
            positive counts as unobserved on this batch.

        Returns
        -------
        eta : torch.Tensor or ndarray of shape (M,)
            A float64 tensor on :attr:`device` when ``batch_losses`` is a
            tensor (nothing read back to the host), a NumPy array otherwise.
        """
        tensors = isinstance(batch_losses, torch.Tensor)
        losses = self._tensor(batch_losses)
        observed = torch.as_tensor(observed, device=self.device).to(torch.bool)
        if self.advantage_reference == "spread":
            if spread is None:
                raise ValueError('advantage_reference="spread" needs the spread of the imputation targets')
            spread = self._tensor(spread)
            observed = observed & (spread > 0)
            losses = torch.where(observed, losses / torch.where(observed, spread, 1.0), 0.0)
        self._update_moving_loss(losses, observed)
        if self.regulate and self.n_steps % self.K == 0:
            self._update_eta()
        self.n_steps += 1
        return self._eta if tensors else self.eta

    def _tensor(self, values) -> torch.Tensor:
        if isinstance(values, torch.Tensor):
            return values.detach().to(self.device, torch.float64)
        return torch.as_tensor(np.asarray(values, dtype=float), device=self.device)

    def _update_moving_loss(self, losses: torch.Tensor, observed: torch.Tensor) -> None:
        """Eq. (9); the first observation of a modality initialises its average."""
        fresh = observed & torch.isnan(self._moving_loss)
        old = observed & ~fresh
        moving = torch.where(old, (1 - self.beta) * self._moving_loss + self.beta * losses, self._moving_loss)
        self._moving_loss = torch.where(fresh, losses, moving)
        self._reference_loss = torch.where(fresh, losses, self._reference_loss)

    def _update_eta(self) -> None:
        """Eq. (8) once every moving average is known and the advantage finite (until then eta stays)."""
        advantage = self._relative_advantage()
        v = self._eta - self.alpha1 * advantage
        # (a ratio to a float64 subnormal reference can overflow: such a step leaves eta where it is)
        known = ~torch.isnan(self._moving_loss).any() & torch.isfinite(advantage).all()
        if self.p in CLOSED_FORM_ORDERS:  # on the device, no read back
            self._eta = torch.where(known, project_eta_tensor(v, self.xi1, self.xi2, self.p), self._eta)
        elif bool(known):
            self.eta = project_eta(v.cpu().numpy(), self.xi1, self.xi2, self.p)
