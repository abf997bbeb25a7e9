"""The projected step of Algorithm 1: the Euclidean projection onto the feasible set of eta (eq. 8).

    Gamma_1 = {eta in R^M : eta >= xi1, ||eta||_p = xi2}        (eqs. 6b-6c)

:func:`project_eta` (NumPy and SciPy) is the reference for every ``p >= 1``.
:func:`project_eta_tensor` gives the same point for ``p`` in
:data:`CLOSED_FORM_ORDERS` in torch, on the training device and without
reading any value back to the host (the estimators' training loop steps
Algorithm 1 there). :mod:`sklearn_redcore._regulation` holds the rest of
Algorithm 1 and re-exports these functions.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import brentq, minimize

__all__ = ["CLOSED_FORM_ORDERS", "check_feasible_set", "project_eta", "project_eta_tensor"]

#: The orders p of the norm for which :func:`project_eta_tensor` has a closed form.
CLOSED_FORM_ORDERS = (1.0, 2.0)


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


def project_eta_tensor(v: torch.Tensor, xi1: float, xi2: float, p: float = 2.0) -> torch.Tensor:
    """:func:`project_eta` for ``p`` in :data:`CLOSED_FORM_ORDERS`, in torch, free of host reads.

    Both projections have the form of :func:`project_eta`'s notes with one
    scalar left to find: ``eta = max(xi1, v - tau)`` (p = 1) or
    ``eta = max(xi1, c v)`` with ``c > 0`` (p = 2, when some entry of ``v``
    is positive; otherwise the vertex on the largest entry of ``v``). If
    the k largest entries of ``v`` are the ones above ``xi1``, the norm
    condition gives that scalar in closed form (``tau_k`` from a cumulative
    sum, ``c_k`` from a cumulative sum of squares); every k is tried at once
    and the candidate whose norm is nearest to ``xi2`` is kept, which is the
    consistent one (the norm is monotone in the scalar). No branch depends
    on the values of ``v``, so the device never waits for the host; a
    non-finite ``v`` gives a non-finite result instead of an error.

    Parameters
    ----------
    v : torch.Tensor of shape (M,)
        The point to project (a floating dtype; float64 keeps it equal to
        :func:`project_eta` up to round-off).
    xi1, xi2 : float
        Lower bound of each entry and required l_p norm.
    p : {1.0, 2.0}, default=2.0
        Order of the norm.

    Returns
    -------
    eta : torch.Tensor of shape (M,)
        The projected supervision weights, on the device and in the dtype of ``v``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_redcore._regulation import project_eta_tensor
    >>> project_eta_tensor(torch.tensor([0.3, 0.0, -0.2], dtype=torch.float64), 0.015, 0.15).numpy().round(4)
    array([0.1485, 0.015 , 0.015 ])
    """
    if float(p) not in CLOSED_FORM_ORDERS:
        raise ValueError(f"project_eta_tensor has closed forms for p in {CLOSED_FORM_ORDERS}, got p={p}.")
    m = v.shape[0]
    check_feasible_set(m, xi1, xi2, p)
    if xi1 * m ** (1.0 / p) >= xi2 * (1 - 1e-12):
        return torch.full_like(v, xi1)  # Gamma_1 is the single point xi1 * 1.
    if m == 1:
        return torch.full_like(v, xi2)
    k = torch.arange(1, m + 1, dtype=v.dtype, device=v.device)
    if float(p) == 1.0:
        ordered = torch.sort(v, descending=True).values
        tau = (torch.cumsum(ordered, 0) - (xi2 - (m - k) * xi1)) / k  # the k largest entries above xi1
        candidates = torch.clamp_min(v.unsqueeze(0) - tau.unsqueeze(1), xi1)  # (k, M)
        error = (candidates.sum(1) - xi2).abs()
        return candidates.gather(0, error.argmin().reshape(1, 1).expand(1, m)).squeeze(0)
    largest = v.max()
    positive = largest > 0
    u = v / torch.where(positive, largest, torch.ones_like(largest))  # a positive rescaling: the same eta
    ordered = torch.clamp_min(torch.sort(u, descending=True).values, 0.0)
    c = torch.sqrt((xi2**2 - (m - k) * xi1**2) / torch.cumsum(ordered**2, 0))  # inf where the sum is 0
    candidates = torch.clamp_min(c.unsqueeze(1) * u.unsqueeze(0), xi1)  # (k, M)
    error = (candidates.pow(2).sum(1) - xi2**2).abs()
    error = torch.where(torch.isfinite(c), error, torch.full_like(error, torch.inf))
    scaled = candidates.gather(0, error.argmin().reshape(1, 1).expand(1, m)).squeeze(0)
    # No positive entry: the mass above xi1 on the largest entry of v (ties: lowest index, as argmax).
    top = (xi2**p - (m - 1) * xi1**p) ** (1.0 / p)
    vertex = torch.full_like(v, xi1).scatter(0, v.argmax().reshape(1), top)
    return torch.where(positive, scaled, vertex)
