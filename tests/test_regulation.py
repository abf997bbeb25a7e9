"""Algorithm 1: projection, relative advantage, moving average, eta updates."""

import pickle

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sklearn_redcore._regulation import (
    SupervisionRegulator,
    check_feasible_set,
    initial_eta,
    project_eta,
    project_eta_tensor,
    relative_advantage,
    unimodal_weights,
)


def pnorm(x, p):
    return np.sum(np.abs(x) ** p) ** (1 / p)


def random_feasible_points(m, xi1, xi2, p, rng, n=20000):
    """Points of Gamma_1, drawn by scaling random positive vectors onto the sphere."""
    w = rng.uniform(0, 1, size=(n, m)) ** rng.uniform(0.2, 5, size=(n, 1))  # spread shapes
    w = np.concatenate([w, np.eye(m), np.ones((1, m))])
    # For each row, find t with ||xi1 + t row||_p = xi2 (monotone in t >= 0), all rows at once.
    # (each row's own bracket: one bracket for all, set by the flattest row, left the others unconverged)
    lo, hi = np.zeros(len(w)), 2 * xi2 / np.max(w, axis=1)
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


def test_projection_from_the_negative_diagonal_is_not_the_symmetric_point():
    """Inside the ball with p < 2, sharing the mass equally among all entries is a critical point but not the
    nearest: found by the property test above (v = -0.0625 (1, 1, 1), p = 1.5)."""
    xi1, xi2, p = 0.015, 0.15, 1.5
    v = np.full(3, -0.0625)
    eta = project_eta(v, xi1, xi2, p)
    points = random_feasible_points(3, xi1, xi2, p, np.random.default_rng(0))
    assert np.sum((eta - v) ** 2) <= np.min(np.sum((points - v) ** 2, axis=1)) + 1e-9
    symmetric = np.full(3, xi2 / 3 ** (1 / p))
    assert np.sum((eta - v) ** 2) < np.sum((symmetric - v) ** 2) - 1e-4


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


@pytest.mark.parametrize("m, xi1, xi2, p", [(3, 0.1, 0.15, 2), (2, 0.1, 0.15, 1), (10, 0.05, 0.15, 2)])
def test_an_empty_feasible_set_is_rejected(m, xi1, xi2, p):
    with pytest.raises(ValueError, match="No eta satisfies"):
        check_feasible_set(m, xi1, xi2, p)
    with pytest.raises(ValueError, match="No eta satisfies"):
        SupervisionRegulator(m, xi1=xi1, xi2=xi2, p=p, beta=0.7, alpha1=0.1, K=3)
    check_feasible_set(m, xi1 / 2, xi2, p)  # half the lower bound fits: xi1 * m**(1/p) <= xi2 in every case


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(xi1=0.0), "xi1"),
        (dict(p=0.5), "p"),
        (dict(beta=0.0), "beta"),
        (dict(beta=1.5), "beta"),
        (dict(K=0), "K"),
        (dict(alpha1=-1.0), "alpha1"),
        (dict(advantage_reference="first"), "advantage_reference"),
    ],
)
def test_each_setting_of_algorithm_1_is_checked_by_the_estimators(params, match):
    from sklearn.utils._param_validation import InvalidParameterError

    from sklearn_redcore import RedCoreClassifier

    X, y = np.random.default_rng(0).normal(size=(20, 4)), np.arange(20) % 2
    with pytest.raises(InvalidParameterError, match=match):
        RedCoreClassifier([[0, 1], [2, 3]], **params).fit(X, y)


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


def test_relative_advantage_of_progress_cancels_each_modality_reference():
    losses = np.array([1.0, 2.0, 6.0])
    # Each loss at half its reference: equal progress, no advantage, whatever the scales.
    np.testing.assert_allclose(relative_advantage(losses, reference=2 * losses), 0.0, atol=1e-15)
    # The same losses against equal references: the paper's RA.
    np.testing.assert_allclose(relative_advantage(losses, reference=np.full(3, 7.0)), relative_advantage(losses))
    # Progress decides the sign, not the size: modality 2 has the largest loss but went down most.
    ra = relative_advantage(losses, reference=[1.0, 2.0, 60.0])
    assert ra[2] > 0 > ra[0] and abs(ra.sum()) < 1e-12
    # A reference that is not positive leaves that loss as it is.
    np.testing.assert_allclose(relative_advantage([1.0, 3.0], reference=[0.0, 1.0]), relative_advantage([1.0, 3.0]))


def test_unimodal_weights_share_out_a_total_of_m():
    np.testing.assert_allclose(unimodal_weights(initial_eta(4, 0.15, 2)), 1.0)
    w = unimodal_weights([0.02, 0.04, 0.14])
    np.testing.assert_allclose(w, [0.3, 0.6, 2.1])
    assert w.mean() == pytest.approx(1.0)


def test_regulator_with_initial_reference_follows_progress_not_size():
    kwargs = dict(xi1=0.015, xi2=0.15, p=2, beta=1.0, alpha1=0.1, K=1)
    paper = SupervisionRegulator(2, **kwargs)
    progress = SupervisionRegulator(2, **kwargs, advantage_reference="initial")
    observed = np.ones(2, bool)
    for reg in (paper, progress):
        reg.step(np.array([1.0, 10.0]), observed)  # the references
        reg.step(np.array([0.9, 5.0]), observed)  # modality 1: larger loss but halved; modality 0: -10 %
    np.testing.assert_allclose(progress.reference_loss, [1.0, 10.0])
    assert paper.relative_advantage[1] < 0 < paper.relative_advantage[0]  # the paper: 1 is the weak one
    assert progress.relative_advantage[1] > 0 > progress.relative_advantage[0]  # by progress: 0 is
    assert progress.eta[0] > progress.eta[1] and paper.eta[1] > paper.eta[0]


def test_the_spread_reference_makes_the_regulation_blind_to_each_modality_scale():
    """Losses and spreads scaled per modality give the eta path of unscaled ones; the paper's rule follows the scale."""
    kwargs = dict(xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.1, K=1)
    rng = np.random.RandomState(0)
    spreads = rng.uniform(1.0, 2.0, (12, 3))
    losses = spreads * rng.uniform(0.49, 0.51, (12, 3))  # every modality imputed about as well (R^2 near 0.5)
    scale = np.array([1.0, 50.0, 0.2])  # e.g. a wide modality, whose representation spreads more
    observed = np.ones(3, bool)
    references = ("spread", "spread", "none")
    plain, scaled, paper = (SupervisionRegulator(3, **kwargs, advantage_reference=r) for r in references)
    for loss, spread in zip(losses, spreads):
        plain.step(loss, observed, spread)
        scaled.step(loss * scale, observed, spread * scale)
        paper.step(loss * scale, observed, spread * scale)  # the spread is ignored
    np.testing.assert_allclose(scaled.eta, plain.eta, rtol=1e-12)
    np.testing.assert_allclose(plain.moving_loss, scaled.moving_loss, rtol=1e-12)
    assert np.ptp(plain.eta) < 0.01 and np.argmax(paper.eta) == 1  # the paper's eta goes to the large scale
    # The ratio is what the moving average absorbs: one step with beta = 1 holds loss / spread.
    one = SupervisionRegulator(3, **(kwargs | {"beta": 1.0}), advantage_reference="spread")
    one.step(np.array([1.0, 2.0, 3.0]), observed, np.array([2.0, 2.0, 0.0]))  # spread 0: not observed
    np.testing.assert_array_equal(one.moving_loss, [0.5, 1.0, np.nan])
    with pytest.raises(ValueError, match="needs the spread"):
        one.step(np.ones(3), observed)


@st.composite
def regulators_and_steps(draw):
    """A regulator with any valid settings, and a sequence of steps with random losses and observed modalities."""
    m = draw(st.integers(1, 5))
    p = draw(orders)
    xi2 = draw(st.floats(0.05, 2.0))
    xi1 = draw(st.floats(0.01, 0.99)) * xi2 / m ** (1 / p)  # a fraction of the largest feasible lower bound
    settings = dict(
        xi1=xi1,
        xi2=xi2,
        p=p,
        beta=draw(st.floats(0.01, 1.0)),
        alpha1=draw(st.floats(0.0, 5.0)),
        K=draw(st.integers(1, 4)),
        regulate=draw(st.booleans()),
        advantage_reference=draw(st.sampled_from(["none", "initial", "spread"])),
    )
    # The network's imputation losses are float32 (subnormals included); see the subnormal test below for float64 ones.
    losses = st.lists(st.floats(0.0, float(np.finfo(np.float32).max), width=32), min_size=m, max_size=m)
    spreads = st.lists(st.floats(0.0, float(np.finfo(np.float32).max), width=32), min_size=m, max_size=m)
    observed = st.lists(st.booleans(), min_size=m, max_size=m)
    steps = draw(st.lists(st.tuples(losses, observed, spreads), min_size=1, max_size=25))
    return SupervisionRegulator(m, **settings), steps


@settings(max_examples=80, deadline=None)
@given(case=regulators_and_steps())
def test_any_sequence_of_steps_keeps_eta_feasible_and_the_advantages_balanced(case):
    reg, steps = case
    for k, (losses, observed, spread) in enumerate(steps, start=1):
        eta = reg.step(np.array(losses), np.array(observed), np.array(spread))
        assert reg.n_steps == k
        np.testing.assert_array_equal(eta, reg.eta)
        assert np.all(eta >= reg.xi1 - 1e-12), eta
        assert abs(pnorm(eta, reg.p) - reg.xi2) <= 1e-9 * reg.xi2, eta
        advantage = reg.relative_advantage
        if np.isnan(reg.moving_loss).any():  # not defined until every modality was observed: zeros
            np.testing.assert_array_equal(advantage, 0.0)
        else:
            assert np.isfinite(advantage).all() and abs(advantage.sum()) <= 1e-9 * max(1.0, np.abs(advantage).max())
    if not reg.regulate:
        np.testing.assert_array_equal(reg.eta, initial_eta(reg.n_modalities, reg.xi2, reg.p))


def test_a_float64_subnormal_first_loss_with_the_initial_reference_leaves_eta_where_it_is():
    """The ratio to a subnormal reference overflows; that step of eq. (8) is skipped, not taken to a vertex."""
    reg = SupervisionRegulator(2, xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.1, K=1, advantage_reference="initial")
    reg.step(np.array([2.2e-311, 1.0]), np.ones(2, bool))
    with np.errstate(over="ignore", invalid="ignore"):
        reg.step(np.array([1.0, 1.0]), np.ones(2, bool))
    assert not np.isfinite(reg.relative_advantage).all()
    np.testing.assert_allclose(reg.eta, initial_eta(2, reg.xi2, reg.p), rtol=1e-12)


@settings(max_examples=300, deadline=None)
@given(
    m=st.integers(1, 8),
    p=st.sampled_from([1.0, 2.0]),
    xi2=st.floats(0.05, 5.0),
    share=st.sampled_from([0.0, 0.01, 0.5, 0.9, 0.999, 1.0]),
    scale=st.sampled_from([1e-8, 1e-3, 1.0, 1e3]),
    data=st.data(),
)
@example(m=3, p=2.0, xi2=0.15, share=0.1, scale=1.0, data=None)  # the docstring's example
def test_the_closed_form_projection_on_the_device_is_the_reference_projection(m, p, xi2, share, scale, data):
    """project_eta_tensor (torch, no host read) against project_eta (SciPy root searches) for p = 1 and 2,
    inside and outside the ball, with ties, all-negative and all-zero points."""
    xi1 = share * xi2 / m ** (1 / p)
    if data is None:
        v = np.array([0.3, 0.0, -0.2])
    else:
        v = np.array(data.draw(st.lists(st.floats(-3, 3), min_size=m, max_size=m))) * scale
    expected = project_eta(v, xi1, xi2, p)
    got = project_eta_tensor(torch.as_tensor(v, dtype=torch.float64), xi1, xi2, p)
    assert got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-9, atol=1e-12 * xi2)


def test_the_closed_form_projection_has_no_other_order():
    with pytest.raises(ValueError, match="closed forms for p in"):
        project_eta_tensor(torch.zeros(3, dtype=torch.float64), 0.01, 0.15, 3.0)


@pytest.mark.parametrize("p", [2.0, 3.0])
def test_the_regulator_steps_the_same_on_tensors_and_arrays_and_pickles_its_state_as_arrays(p):
    """Given tensors, step returns the device's tensor; given arrays, arrays; both the same numbers.
    A pickled regulator holds NumPy arrays (a GPU-trained one loads anywhere) and goes on where it was."""
    settings_ = dict(xi1=0.015, xi2=0.15, p=p, beta=0.7, alpha1=0.3, K=2, advantage_reference="spread")
    on_arrays, on_tensors = SupervisionRegulator(3, **settings_), SupervisionRegulator(3, **settings_).to("cpu")
    rng = np.random.default_rng(0)
    for _ in range(9):
        losses, seen, spread = rng.uniform(0.1, 3, 3), rng.uniform(size=3) < 0.8, rng.uniform(0.5, 2, 3)
        a = on_arrays.step(losses, seen, spread)
        b = on_tensors.step(torch.as_tensor(losses, dtype=torch.float32), torch.as_tensor(seen), torch.tensor(spread))
        assert isinstance(a, np.ndarray) and isinstance(b, torch.Tensor) and b.dtype == torch.float64
        np.testing.assert_allclose(b.numpy(), a, rtol=1e-6)  # (the tensors' losses went through float32)
    state = pickle.loads(pickle.dumps(on_arrays)).__dict__
    assert {type(state[f"_{name}"]) for name in ("eta", "moving_loss", "reference_loss")} == {torch.Tensor}
    assert not any(isinstance(value, torch.Tensor) for value in on_arrays.__getstate__().values())
    again = pickle.loads(pickle.dumps(on_arrays))
    np.testing.assert_array_equal(again.step(losses, seen, spread), on_arrays.step(losses, seen, spread))
    older = SupervisionRegulator.__new__(SupervisionRegulator)  # pickled before the state had a device
    older.__setstate__({key: value for key, value in on_arrays.__getstate__().items() if key != "device"})
    np.testing.assert_array_equal(older.step(losses, seen, spread), on_arrays.step(losses, seen, spread))
