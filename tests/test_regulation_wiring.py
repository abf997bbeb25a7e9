"""The estimator's settings reach Algorithm 1 as given, and each batch is weighted by the eta of its own step.

These tests replay what the net handed to the regulator through a regulator
built from the literal values (not from the estimator's own wiring), so that
a setting lost or swapped on the way, or eta read before its update, fails;
and recompute each batch's objective from its parts with the literal
``imputation_weight`` and ``eta_scope``.
"""

import numpy as np
import pytest
import torch

import sklearn_redcore._redcore_training as redcore_training
from sklearn_redcore import RedCoreClassifier
from sklearn_redcore._regulation import SupervisionRegulator

from .conftest import FAST

# Not the defaults (K=3, p=2, beta=0.7, alpha1=0.1, xi1=0.015, xi2=0.15), and K divides no epoch's step count;
# the relative advantage on the scale-free losses, which needs each batch's target spread.
SETTINGS = dict(K=4, p=3.0, beta=0.45, alpha1=0.35, xi1=0.02, xi2=0.2, advantage_reference="spread")


def as_array(values, dtype=float):
    """A NumPy copy of what the net handed over (tensors of the training device)."""
    return values.detach().cpu().numpy().astype(dtype) if isinstance(values, torch.Tensor) else np.array(values, dtype)


@pytest.fixture(scope="module")
def recorded(mfeat_small):
    """A fit with SETTINGS, and what each training batch handed to Algorithm 1 and to the objective."""
    X, y, spec = mfeat_small
    steps, objectives, spreads = [], [], []
    step, objective = SupervisionRegulator.step, redcore_training.eta_weighted_objective

    def recording_step(self, batch_losses, observed, spread=None):
        steps.append((as_array(batch_losses), as_array(observed, bool), as_array(spread)))
        return step(self, batch_losses, observed, spread)

    def recording_objective(parts, eta, **kwargs):
        objectives.append(as_array(eta))
        spreads.append(parts.target_spread.numpy().astype(float))
        return objective(parts, eta, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SupervisionRegulator, "step", recording_step)
        patch.setattr(redcore_training, "eta_weighted_objective", recording_objective)
        clf = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 3, "batch_size": 70}), **SETTINGS)
        clf.fit(X, y)
    return clf, steps, objectives, spreads


def test_the_settings_reach_the_regulator_and_give_its_eta_path(recorded):
    clf, steps, *_ = recorded
    n_batches = len(steps) // clf.n_iter_
    assert len(steps) % SETTINGS["K"] and n_batches * clf.n_iter_ == len(steps)
    replay = SupervisionRegulator(len(clf.modalities_), **SETTINGS)
    etas = []
    for batch_losses, observed, spread in steps:
        replay.step(batch_losses, observed, spread)
        etas.append(replay.eta.copy())
    np.testing.assert_allclose(clf.eta_history_, np.array(etas)[n_batches - 1 :: n_batches], rtol=0, atol=1e-12)
    np.testing.assert_allclose(clf.eta_, replay.eta, rtol=0, atol=1e-12)
    assert clf.net_.regulator.n_steps == replay.n_steps == len(steps)
    assert np.abs(np.diff(clf.eta_history_, axis=0)).max() > 1e-4  # eta did move


def test_each_batch_is_weighted_by_the_eta_of_its_own_step(recorded):
    _, steps, objectives, _ = recorded
    replay = SupervisionRegulator(len(steps[0][0]), **SETTINGS)
    for (batch_losses, observed, spread), used in zip(steps, objectives, strict=True):
        np.testing.assert_array_equal(used, replay.step(batch_losses, observed, spread))


def test_each_batch_hands_the_spread_of_its_own_targets_to_algorithm_1(recorded):
    _, steps, _, spreads = recorded
    for (*_, handed), computed in zip(steps, spreads, strict=True):
        np.testing.assert_array_equal(handed, computed)
        assert (computed > 0).all() and np.ptp(computed) > 0


@pytest.mark.parametrize("eta_scope", ["imputation", "imputation+unimodal"])
def test_each_batch_minimises_the_objective_with_imputation_weight_and_eta_scope_as_set(mfeat_small, eta_scope):
    """``L_VIB + w sum_m eta^m L_MSE^m`` (+ the unimodal losses weighted by ``M eta^m / sum(eta)``), recomputed."""
    X, y, spec = mfeat_small
    calls = []
    objective_of = redcore_training.RedCoreNet.training_objective

    def recording(self, parts):
        objective = objective_of(self, parts)
        calls.append((parts, torch.as_tensor(self.regulator.eta.copy()), objective.detach().double()))
        return objective

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redcore_training.RedCoreNet, "training_objective", recording)
        params = FAST | {"max_epochs": 1, "imputation_weight": 3.0, "eta_scope": eta_scope}
        RedCoreClassifier(spec, random_state=0, **params).fit(X, y)
    assert len(calls) == 10
    for parts, eta, objective in calls:
        expected = parts.vib.detach().double() + 3.0 * (eta * parts.imputation.detach().double()).sum()
        if eta_scope == "imputation+unimodal":
            expected += ((len(eta) * eta / eta.sum() - 1.0) * parts.unimodal.detach().double()).sum()
        torch.testing.assert_close(objective, expected, rtol=1e-6, atol=1e-6)
    assert np.ptp(calls[-1][1].numpy()) > 1e-3  # eta moved: the unimodal weights are not all 1
