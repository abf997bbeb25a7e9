"""Algorithm 1: projection, relative advantage, moving average, eta updates."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sklearn_redcore._regulation import (
    SupervisionRegulator,
    check_regulation_params,
    initial_eta,
    project_eta,
    relative_advantage,
)


def pnorm(x, p):
    return np.sum(np.abs(x) ** p) ** (1 / p)


def random_feasible_points(m, xi1, xi2, p, rng, n=20000):
    """Points of Gamma_1, drawn by scaling random positive vectors onto the sphere."""
    w = rng.uniform(0, 1, size=(n, m)) ** rng.uniform(0.2, 5, size=(n, 1))  # spread shapes
    w = np.concatenate([w, np.eye(m), np.ones((1, m))])
    # For each row, find t with ||xi1 + t row||_p = xi2 (monotone in t >= 0), all rows at once.
    lo, hi = np.zeros(len(w)), np.full(len(w), 2 * xi2 / np.min(np.max(w, axis=1)))
    for _ in range(80):
        mid = (lo + hi) / 2
        inside = np.sum((xi1 + mid[:, None] * w) ** p, axis=1) < xi2**p
        lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
    return xi1 + lo[:, None] * w


vectors = st.integers(1, 5).flatmap(lambda m: st.lists(st.floats(-1, 1, allow_nan=False), min_size=m, max_size=m))
orders = st.sampled_from([1.0, 1.5, 2.0, 3.0, 4.5])


@settings(max_examples=150, deadline=None)
@given(v=vectors, p=orders, xi1=st.floats(0.001, 0.05))
@example(v=[2.2250738585e-313, -1.0], p=2.0, xi1=0.03125)  # a largest entry so small that s would overflow
@example(v=[0.0, 2.2250738585e-313], p=2.0, xi1=0.03125)
@example(v=[0.0, 0.0, 0.0], p=1.0, xi1=0.05)  # xi1 * M = xi2 but for rounding: the single feasible point
def test_projection_is_feasible(v, p, xi1):
    xi2 = 0.15
    if xi1 * len(v) ** (1 / p) > xi2 * (1 + 1e-12):  # the feasibility check's own tolerance: a boundary is feasible
        with pytest.raises(ValueError, match="xi1"):
            project_eta(v, xi1, xi2, p)
        return
    eta = project_eta(v, xi1, xi2, p)
    assert eta.shape == (len(v),)
    assert np.all(eta >= xi1 - 1e-12)
    assert pnorm(eta, p) == pytest.approx(xi2, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(v=st.lists(st.floats(-0.3, 0.4, allow_nan=False), min_size=2, max_size=3), p=orders, seed=st.integers(0, 2**16))
def test_projection_is_nearest_point(v, p, seed):
    """No sampled point of Gamma_1 is nearer to v than the projection."""
    xi1, xi2 = 0.015, 0.15
    v = np.asarray(v)
    eta = project_eta(v, xi1, xi2, p)
    points = random_feasible_points(len(v), xi1, xi2, p, np.random.default_rng(seed))
    best = np.min(np.sum((points - v) ** 2, axis=1))
    assert np.sum((eta - v) ** 2) <= best + 1e-9


def test_projection_against_dense_curve_two_modalities():
    """For M = 2, Gamma_1 is a curve: compare with a dense parametrisation of it."""
    xi1, xi2 = 0.015, 0.15
    rng = np.random.default_rng(0)
    for p in (1.0, 1.3, 2.0, 3.0, 6.0):
        top = (xi2**p - xi1**p) ** (1 / p)
        a = np.linspace(xi1, top, 200001)
        curve = np.column_stack([a, (xi2**p - a**p) ** (1 / p)])
        for v in rng.uniform(-0.2, 0.3, size=(25, 2)):
            eta = project_eta(v, xi1, xi2, p)
            best = np.min(np.sum((curve - v) ** 2, axis=1))
            assert np.sum((eta - v) ** 2) <= best + 1e-10, (p, v)


def test_projection_keeps_feasible_points_and_differs_from_clamp_and_rescale():
    xi1, xi2 = 0.015, 0.15
    feasible = np.array([0.1, 0.1, xi1])
    feasible[1] = np.sqrt(xi2**2 - feasible[0] ** 2 - xi1**2)
    np.testing.assert_allclose(project_eta(feasible, xi1, xi2), feasible, atol=1e-12)
    # Clamping at xi1 then dividing by the norm can fall below xi1; the projection cannot.
    v = np.array([1.0, -0.5, -0.5])
    clamp_rescale = np.maximum(v, xi1) / pnorm(np.maximum(v, xi1), 2) * xi2
    assert clamp_rescale.min() < xi1
    eta = project_eta(v, xi1, xi2)
    assert eta.min() == pytest.approx(xi1)
    np.testing.assert_allclose(eta, [np.sqrt(xi2**2 - 2 * xi1**2), xi1, xi1])


def test_projection_closed_forms():
    xi1, xi2 = 0.015, 0.15
    # p = 2 and v outside the ball with all entries large: the radial projection.
    v = np.array([0.3, 0.2, 0.1])
    np.testing.assert_allclose(project_eta(v, xi1, xi2), v / np.linalg.norm(v) * xi2)
    # p = 1: a shift onto the simplex of sum xi2.
    np.testing.assert_allclose(project_eta([0.2, 0.1, 0.0], xi1, xi2, p=1), [0.1175, 0.0175, 0.015], atol=1e-12)
    # v = 0 with p = 2: every point is nearest; ties go to the lowest index.
    eta = project_eta([0.0, 0.0], xi1, xi2)
    assert eta[0] > eta[1] == pytest.approx(xi1)
    # The feasible set is a single point when xi1 * M^(1/p) = xi2.
    np.testing.assert_allclose(project_eta([5.0, -5.0], 0.1, 0.2, p=1), [0.1, 0.1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(xi1=0.1, xi2=0.15), "xi1"),
        (dict(xi1=0.0), "xi1 must be > 0"),
        (dict(p=0.5), "p must"),
        (dict(beta=0.0), "beta"),
        (dict(beta=1.5), "beta"),
        (dict(K=0), "K must"),
        (dict(alpha1=-1.0), "alpha1"),
    ],
)
def test_infeasible_settings_are_rejected(kwargs, match):
    params = dict(xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.1, K=3) | kwargs
    with pytest.raises(ValueError, match=match):
        check_regulation_params(3, **params)


def test_relative_advantage_eqs_4_5():
    r = relative_advantage(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(r, [0.5, 0.0, -0.5])
    assert r.sum() == pytest.approx(0)
    np.testing.assert_array_equal(relative_advantage(np.zeros(3)), np.zeros(3))


def test_initial_eta_is_feasible_and_equal():
    eta = initial_eta(4, 0.15, 3.0)
    assert np.ptp(eta) == 0
    assert pnorm(eta, 3.0) == pytest.approx(0.15)


def test_moving_average_follows_eq_9():
    reg = SupervisionRegulator(2, xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.0, K=1)
    reg.step(np.array([1.0, 4.0]), np.array([True, True]))
    np.testing.assert_allclose(reg.moving_loss, [1.0, 4.0])  # first value initialises
    reg.step(np.array([2.0, 0.0]), np.array([True, False]))  # modality 2 unobserved: kept
    np.testing.assert_allclose(reg.moving_loss, [0.3 * 1.0 + 0.7 * 2.0, 4.0])


def test_eta_updates_every_K_steps_towards_the_weak_modality():
    reg = SupervisionRegulator(3, xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.1, K=3)
    losses, seen = np.array([1.0, 2.0, 4.0]), np.ones(3, bool)
    history = [reg.step(losses, seen) for _ in range(7)]
    # Updates at steps 0, 3 and 6 only (k = sK).
    changed = [not np.allclose(a, b) for a, b in zip(history[:-1], history[1:])]
    assert changed == [False, False, True, False, False, True]
    assert history[-1][2] > max(history[-1][:2])  # the weakest modality gets most supervision
    assert history[-1][0] <= history[-1][1]
    expected = project_eta(initial_eta(3, 0.15, 2) - 0.1 * relative_advantage(losses), 0.015, 0.15)
    np.testing.assert_allclose(history[0], expected)


def test_core_ablation_keeps_eta_fixed():
    reg = SupervisionRegulator(3, xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.1, K=1, regulate=False)
    for _ in range(5):
        eta = reg.step(np.array([1.0, 2.0, 4.0]), np.ones(3, bool))
    np.testing.assert_allclose(eta, initial_eta(3, 0.15, 2))
    assert reg.relative_advantage[2] < 0  # still tracked
