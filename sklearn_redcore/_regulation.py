"""Relative-advantage-aware supervision regulation (the "Red" of RedCore).

This module holds Algorithm 1 of Sun et al. (AAAI 2024) and nothing else: the
moving-average imputation loss (eq. 9), the relative advantage (eqs. 4-5) and
the projected update of the supervision weights eta (eq. 8) onto

    Gamma_1 = {eta in R^M : eta >= xi1, ||eta||_p = xi2}        (eqs. 6b-6c)

It is pure NumPy, free of torch, so that it can be tested on its own.

Two variants that are not in the paper (off by default, the paper's
Algorithm 1 is unchanged) live here too:

* ``advantage_reference="initial"``: the relative advantage (eq. 5) of each
  modality's moving-average loss *divided by its own first value*, so that a
  modality's intrinsic difficulty (how predictable it is from the others)
  cancels and only its progress counts (:func:`relative_advantage`'s
  ``reference``);
* :func:`unimodal_weights`: eta also weighting the unimodal classification
  losses of eq. (3), relative to their mean, where Adam cannot cancel it
  (the self-modal encoder of m also receives the joint head's gradient).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq, minimize

__all__ = [
    "check_feasible_set",
    "initial_eta",
    "project_eta",
    "relative_advantage",
    "unimodal_weights",
    "SupervisionRegulator",
    "ADVANTAGE_REFERENCES",
]


def check_feasible_set(n_modalities: int, xi1: float, xi2: float, p: float) -> None:
    """Raise ``ValueError`` unless some eta satisfies eqs. (6b)-(6c).

    Each parameter alone is checked where it is declared (the estimators'
    constraints: ``xi1, xi2 > 0``, ``p >= 1``); together they admit an eta
    if and only if ``xi1 * M ** (1 / p) <= xi2`` (all entries at their lower
    bound have the smallest p-norm).
    """
    if xi1 * n_modalities ** (1.0 / p) > xi2 * (1 + 1e-12):
        raise ValueError(
            f"No eta satisfies eta >= xi1 and ||eta||_p = xi2 with xi1={xi1}, xi2={xi2}, "
            f"p={p} and M={n_modalities} modalities: xi1 * M**(1/p) = "
            f"{xi1 * n_modalities ** (1.0 / p):.6g} exceeds xi2. Lower xi1 or raise xi2."
        )


def initial_eta(n_modalities: int, xi2: float, p: float) -> np.ndarray:
    """Equal supervision weights on the sphere ``||eta||_p = xi2``.

    Algorithm 1 starts from any feasible eta_0; we take the equal one, which is
    feasible whenever Gamma_1 is non-empty and is also the fixed eta of the
    Core ablation (``regulate=False``).
    """
    return np.full(n_modalities, xi2 / n_modalities ** (1.0 / p))


#: What the losses are measured against before eqs. (4)-(5): "none" (the paper) or "initial".
ADVANTAGE_REFERENCES = ("none", "initial")


def relative_advantage(losses: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Relative advantage of each modality, eqs. (4)-(5).

    ``RA^m = (mean(L) - L^m) / mean(L)``: positive for a modality whose
    (moving-average) imputation loss is below the average, i.e. a strong one.
    The entries sum to zero. When every loss is zero the result is zero.

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
    losses = np.asarray(losses, dtype=float)
    if reference is not None:
        reference = np.asarray(reference, dtype=float)
        losses = np.divide(losses, reference, out=losses.copy(), where=reference > 0)
    mean = losses.mean()
    if mean <= 0:
        return np.zeros_like(losses)
    return (mean - losses) / mean


def unimodal_weights(eta: np.ndarray) -> np.ndarray:
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
    eta = np.asarray(eta, dtype=float)
    return eta.size * eta / eta.sum()


def _pnorm(x: np.ndarray, p: float) -> float:
    return float(np.sum(np.abs(x) ** p) ** (1.0 / p))


def _shrink_root(v: float, lam: float, p: float, lo: float) -> float:
    """Solve ``t + lam * p * t**(p-1) = v`` for ``t >= lo`` (lam >= 0), clipped at lo."""
    f = lambda t: t + lam * p * t ** (p - 1) - v  # noqa: E731 - increasing in t
    if f(lo) >= 0:
        return lo
    return brentq(f, lo, max(v, lo), xtol=1e-15, rtol=4 * np.finfo(float).eps)


def _project_convex(v: np.ndarray, xi1: float, xi2: float, p: float) -> np.ndarray:
    """Projection of v onto {eta >= xi1, ||eta||_p <= xi2} when it lands on the sphere.

    Valid when ``||max(v, xi1)||_p >= xi2``: the problem is then convex and its
    solution lies on ``||eta||_p = xi2``, hence is also the projection onto
    Gamma_1 (a subset). KKT: ``eta_i = max(xi1, t_i(lam))`` with
    ``t + lam p t^(p-1) = v_i`` and ``lam >= 0`` chosen by bisection so that
    the norm equals xi2 (it decreases monotonically in lam).
    """

    def norm_at(lam: float) -> float:
        return _pnorm(np.array([_shrink_root(vi, lam, p, xi1) for vi in v]), p) - xi2

    hi = 1.0
    while norm_at(hi) > 0:
        hi *= 4.0
    lam = brentq(norm_at, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return np.array([_shrink_root(vi, lam, p, xi1) for vi in v])


def _polish_on_sphere(v: np.ndarray, start: np.ndarray, xi1: float, xi2: float, p: float) -> np.ndarray:
    """Local minimisation of ||eta - v||^2 on Gamma_1 from a feasible start."""
    result = minimize(
        lambda e: np.sum((e - v) ** 2),
        start,
        jac=lambda e: 2 * (e - v),
        method="SLSQP",
        bounds=[(xi1, None)] * len(v),
        constraints=[{"type": "eq", "fun": lambda e: np.sum(e**p) - xi2**p, "jac": lambda e: p * e ** (p - 1)}],
        options={"ftol": 1e-15, "maxiter": 200},
    )
    return _to_sphere(result.x, xi1, xi2, p)


def _to_sphere(eta: np.ndarray, xi1: float, xi2: float, p: float) -> np.ndarray:
    """Remove round-off: move the free entries so that ||eta||_p = xi2 exactly."""
    eta = np.maximum(eta, xi1)
    free = eta > xi1 * (1 + 1e-9)
    if not free.any():
        return eta
    rest = xi2**p - np.sum(eta[~free] ** p)
    current = np.sum(eta[free] ** p)
    if current > 0 and rest > 0:
        eta[free] *= (rest / current) ** (1.0 / p)
    return np.maximum(eta, xi1)


def project_eta(v: np.ndarray, xi1: float, xi2: float, p: float = 2.0) -> np.ndarray:
    """Euclidean projection onto ``Gamma_1 = {eta >= xi1, ||eta||_p = xi2}`` (eq. 8).

    Unlike a clamp followed by a rescale, the result is the point of Gamma_1
    nearest to ``v``, so every entry stays at or above ``xi1``.

    * If ``||max(v, xi1)||_p >= xi2`` the nearest point of the convex set
      ``{eta >= xi1, ||eta||_p <= xi2}`` lies on the sphere and is unique; it is
      found from the KKT conditions by a one-dimensional root search on the
      multiplier (closed forms in the root for p = 1 and p = 2).
    * Otherwise ``v`` lies inside the ball and the problem is non-convex (the
      sphere is pushed outwards). For p = 2 the minimiser maximises ``v . eta``
      and has the form ``max(xi1, s v)`` with ``s > 0``, or, when no entry of
      ``v`` is positive, puts all the mass above ``xi1`` on the largest entry
      of ``v``. For p = 1 the set is a simplex and the projection is convex.
      For other p we polish KKT candidates (the scaled point, every vertex
      of Gamma_1, and the points sharing the mass above ``xi1`` equally among
      the k largest entries of v) by a local solver and keep the nearest; the
      property tests check this against a brute-force search.

    Ties (several nearest points, e.g. ``v = 0`` for p = 2) are broken towards
    the lowest index, so the result is deterministic.

    Parameters
    ----------
    v : array-like of shape (M,)
        The point to project, typically ``eta - alpha1 * r``.
    xi1, xi2 : float
        Lower bound of each entry and required l_p norm.
    p : float, default=2
        Order of the norm, ``p >= 1``.

    Returns
    -------
    eta : ndarray of shape (M,)
        The projected supervision weights.

    Examples
    --------
    >>> from sklearn_redcore._regulation import project_eta
    >>> project_eta([0.3, 0.0, -0.2], xi1=0.015, xi2=0.15).round(4)
    array([0.1485, 0.015 , 0.015 ])
    """
    v = np.asarray(v, dtype=float).ravel()
    m = v.size
    check_feasible_set(m, xi1, xi2, p)
    if not np.isfinite(v).all():
        raise ValueError("Cannot project a vector with non-finite entries.")
    if xi1 * m ** (1.0 / p) >= xi2 * (1 - 1e-12):
        return np.full(m, xi1)  # Gamma_1 is the single point xi1 * 1.
    if m == 1:
        return np.array([float(xi2)])  # the only point of Gamma_1
    # The vertex of Gamma_1 that puts the free mass on entry j.
    top = (xi2**p - (m - 1) * xi1**p) ** (1.0 / p)

    def vertex(j: int) -> np.ndarray:
        e = np.full(m, xi1)
        e[j] = top
        return e

    if p == 1:
        # {eta >= xi1, sum(eta) = xi2} is a simplex: eta = max(xi1, v - tau), one tau.
        g = lambda tau: np.maximum(xi1, v - tau).sum() - xi2  # noqa: E731 - decreasing
        tau = brentq(g, np.min(v) - 2 * xi2, np.max(v), xtol=1e-15)
        return np.maximum(xi1, v - tau)
    if p == 2:
        if np.max(v) <= 0:
            # Inside the ball (||eta|| is fixed, so maximise v . eta): all the
            # mass above xi1 goes on the largest entry of v (ties: lowest index).
            return vertex(int(np.argmax(v)))
        # Otherwise, inside or outside the ball, eta = max(xi1, s v) for one s > 0.
        if np.max(v) < 1e-100:
            # s would overflow. A positive rescaling of v only rescales s, and entries
            # <= 0 end at xi1 for every s >= 0: look along v / max(v) instead.
            v = np.maximum(v, 0.0) / np.max(v)
        g = lambda s: _pnorm(np.maximum(xi1, s * v), 2) - xi2  # noqa: E731 - increasing
        hi = 1.0
        while g(hi) < 0:
            hi *= 2.0
        s = brentq(g, 0.0, hi, xtol=1e-16, rtol=4 * np.finfo(float).eps)
        return _to_sphere(np.maximum(xi1, s * v), xi1, xi2, p)
    if _pnorm(np.maximum(v, xi1), p) >= xi2:
        return _to_sphere(_project_convex(v, xi1, xi2, p), xi1, xi2, p)
    # Inside the ball, 1 < p != 2: polish the KKT candidates (every vertex, the
    # points sharing the free mass equally among the k largest entries of v, and
    # the scaled-up point) and keep the nearest. (The entries above xi1 of the
    # nearest point are those of the largest entries of v: exchanging two entries
    # in the other order would bring it nearer.)
    starts = [vertex(j) for j in range(m)]
    order = np.argsort(-v, kind="stable")
    for k in range(2, m + 1):
        shared = np.full(m, xi1)
        shared[order[:k]] = ((xi2**p - (m - k) * xi1**p) / k) ** (1.0 / p)
        starts.append(shared)
    lifted = np.maximum(v, xi1)
    starts.append(lifted * (xi2 / _pnorm(lifted, p)))  # scaled up: stays >= xi1
    candidates = [_polish_on_sphere(v, s, xi1, xi2, p) for s in starts] + starts
    candidates = [c for c in candidates if abs(_pnorm(c, p) - xi2) <= 1e-9 * xi2]
    distances = [np.sum((c - v) ** 2) for c in candidates]
    return candidates[int(np.argmin(distances))]


class SupervisionRegulator:
    """State of Algorithm 1: moving-average losses and supervision weights eta.

    The training loop calls :meth:`step` once per parameter update theta_k with
    the imputation losses ``L_MSE^m(theta_k)`` of the current mini-batch. The
    moving averages absorb them (eq. 9); at every K-th call (k = sK) eta then
    moves by the projected step of eq. (8) with the relative advantage
    ``r(theta_sK)`` (eqs. 4-5), and the returned eta weights the imputation
    losses of this and the next K - 1 parameter updates (Algorithm 1).

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
    advantage_reference : {"none", "initial"}
        "none": eqs. (4)-(5) on the moving-average losses (the paper).
        "initial": on each moving-average loss divided by its first value
        (the loss of the first mini-batch where the modality is present), see
        :func:`relative_advantage`. Not in the paper.

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
        self.eta = initial_eta(n_modalities, xi2, p)
        self.moving_loss = np.full(n_modalities, np.nan)
        self.reference_loss = np.full(n_modalities, np.nan)  # the first moving-average loss of each modality
        self.n_steps = 0

    @property
    def relative_advantage(self) -> np.ndarray:
        """``r(theta)`` from the current moving-average losses (zeros until known)."""
        if np.isnan(self.moving_loss).any():
            return np.zeros(self.n_modalities)
        reference = self.reference_loss if self.advantage_reference == "initial" else None
        return relative_advantage(self.moving_loss, reference)

    def step(self, batch_losses: np.ndarray, observed: np.ndarray) -> np.ndarray:
        """Advance one parameter update; return eta to weight this update's loss.

        Parameters
        ----------
        batch_losses : ndarray of shape (M,)
            ``L_MSE^m`` on the current mini-batch. Entries of modalities with
            no present sample in the batch (``observed`` False) are ignored and
            their moving average is left as it was.
        observed : ndarray of bool of shape (M,)
            Whether ``batch_losses[m]`` was measured on at least one sample.
        """
        self._update_moving_loss(np.asarray(batch_losses, dtype=float), np.asarray(observed, dtype=bool))
        if self.regulate and self.n_steps % self.K == 0 and not np.isnan(self.moving_loss).any():
            self.eta = project_eta(self.eta - self.alpha1 * self.relative_advantage, self.xi1, self.xi2, self.p)
        self.n_steps += 1
        return self.eta.copy()

    def _update_moving_loss(self, losses: np.ndarray, observed: np.ndarray) -> None:
        """Eq. (9); the first observation of a modality initialises its average."""
        fresh = observed & np.isnan(self.moving_loss)
        self.moving_loss[fresh] = losses[fresh]
        self.reference_loss[fresh] = losses[fresh]
        old = observed & ~fresh
        self.moving_loss[old] = (1 - self.beta) * self.moving_loss[old] + self.beta * losses[old]
