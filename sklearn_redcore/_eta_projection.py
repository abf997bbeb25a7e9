"""The projected step of Algorithm 1: the Euclidean projection onto the feasible set of eta (eq. 8).

    Gamma_1 = {eta in R^M : eta >= xi1, ||eta||_p = xi2}        (eqs. 6b-6c)

Pure NumPy and SciPy; :mod:`sklearn_redcore._regulation` holds the rest of
Algorithm 1 and re-exports :func:`project_eta` and :func:`check_feasible_set`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq, minimize

__all__ = ["check_feasible_set", "project_eta"]


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
