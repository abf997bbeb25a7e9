"""The random-convolution sequence encoder (``sequence_encoder="rocket"``): its features, their fit, the estimator."""

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

import sklearn_redcore._network._module as network_module
from sklearn_redcore import RedCoreClassifier, RedCoreRegressor, load_model, mask_modalities, save_model
from sklearn_redcore._network._rocket import (
    RANDOM_KERNEL_TAPS,
    RandomConvolutionFeatures,
    RocketGaussianEncoder,
    random_convolution_dilations,
)
from sklearn_redcore.datasets import make_sequence_classification

from .conftest import TINY_NETWORK

TINY = TINY_NETWORK | dict(sequence_encoder="rocket", rocket_features=252)


@pytest.fixture(scope="module")
def sequences():
    """Two sequence modalities (one of variable length) and one vector modality, some of each missing."""
    data = make_sequence_classification(
        120, modality_shapes=[(20, 3), (12, 2)], n_classes=2, signal=2.0, random_state=0
    )
    rng = np.random.RandomState(1)
    X = np.hstack([data.data, rng.normal(size=(120, 2))])
    spec = {**data.modalities, "v": [X.shape[1] - 2, X.shape[1] - 1]}
    X = mask_modalities(X, spec, [0.3, 0.2, 0.2], random_state=0)
    return X, data.target, spec


def _features(n_features_in=3, n_steps=20, n_features=84 * 3 * 2, seed=0):
    torch.manual_seed(seed)
    return RandomConvolutionFeatures(n_features_in, n_steps, n_features, hidden=(), dropout=0.0)


# ------------------------------------------------------------------- kernels
def test_kernels_are_minirockets_and_sum_to_zero():
    assert RANDOM_KERNEL_TAPS.shape == (84, 9)
    assert len({tuple(row.tolist()) for row in RANDOM_KERNEL_TAPS}) == 84
    assert torch.all(RANDOM_KERNEL_TAPS.sum(1) == 0)
    assert torch.all((RANDOM_KERNEL_TAPS == 2).sum(1) == 3)


def test_dilations_span_the_sequence():
    assert random_convolution_dilations(1) == [1]
    assert random_convolution_dilations(16) == [1]
    assert random_convolution_dilations(29) == [1, 2, 3]
    many = random_convolution_dilations(1000)
    assert many[0] == 1 and many[-1] == 124 and len(many) <= 32
    assert many == sorted(set(many))


def test_each_kernel_reads_one_to_nine_features():
    body = _features(n_features_in=12)
    used = (body.weights != 0).any(-1).sum(-1)  # (dilations, 84): features each kernel reads
    assert used.min() >= 1 and used.max() <= 9
    assert used.float().std() > 0  # subsets of different sizes


def test_number_of_features_follows_the_dilations():
    body = _features(n_steps=20, n_features=84 * 3 * 2)  # dilations 1 and 2: one threshold each
    assert body.dilations == [1, 2] and body.n_thresholds == 1 and body.n_features == 84 * 3 * 2
    assert _features(n_steps=20, n_features=10).n_features == 84 * 3 * 2  # at least one threshold
    body = _features(n_steps=8, n_features=2000)
    assert body.n_features == 3 * 84 * body.n_thresholds and body.n_thresholds == 8


# ------------------------------------------------------------------ features
def test_thresholds_are_quantiles_of_the_training_responses():
    body = _features(n_steps=20)
    x = torch.randn(200, 20, 3)
    body.fit(x, torch.ones(200, 20, dtype=torch.bool))
    assert bool(body.fitted)
    rows_mean = body.proportions(x).mean(0).view(len(body.dilations), 3, 84, body.n_thresholds)[:, 0]
    np.testing.assert_allclose(rows_mean.numpy(), 1 - body.levels.numpy(), atol=0.01)
    standardized = body.features(x)
    np.testing.assert_allclose(standardized.mean(0).numpy(), 0, atol=1e-4)
    spread = standardized.std(0, correction=0)
    assert torch.all(((spread - 1).abs() < 1e-3) | (spread < 1e-6))


def test_whole_sequence_share_is_the_weighted_mean_of_the_halves():
    body = _features(n_steps=20)
    x = torch.randn(50, 20, 3)
    observed = torch.arange(20) < torch.randint(1, 21, (50, 1))
    body.fit(x, observed)
    parts = body.proportions(x, observed).view(50, len(body.dilations), 3, -1)
    n = observed.sum(1).double()
    n_first = torch.ceil(n / 2)  # the first half holds the middle step of an odd length
    expected = (n_first[:, None, None] * parts[:, :, 1].double() + (n - n_first)[:, None, None] * parts[:, :, 2]) / n[
        :, None, None
    ]
    torch.testing.assert_close(parts[:, :, 0].double(), expected, rtol=0, atol=1e-6)


def test_features_ignore_what_unobserved_steps_hold_and_equal_each_sequence_alone():
    body = _features(n_steps=20)
    x = torch.randn(40, 20, 3)
    lengths = torch.randint(1, 21, (40,))
    observed = torch.arange(20) < lengths[:, None]
    body.fit(torch.randn(40, 20, 3), observed)  # (other data: no response of x equals a threshold exactly)
    reference = body.features(x, observed)
    poisoned = x.clone()
    poisoned[~observed] = torch.nan
    poisoned[0, -1] = torch.inf if not observed[0, -1] else poisoned[0, -1]
    torch.testing.assert_close(body.features(poisoned, observed), reference, rtol=0, atol=0)
    for row in range(5):
        alone = body.features(x[row : row + 1, : lengths[row]], None)
        torch.testing.assert_close(alone, reference[row : row + 1], rtol=0, atol=1e-6)


def test_features_see_where_a_pattern_occurs():
    body = _features(n_features_in=1, n_steps=16, n_features=84 * 3 * 4)  # dilation 1: a kernel spans 9 steps
    x = torch.zeros(2, 16, 1)
    x[0, 4, 0] = 5.0  # a spike early
    x[1, 11, 0] = 5.0  # the same spike late (both far enough from the ends for every tap to see them)
    body.fit(torch.randn(100, 16, 1))
    parts = body.proportions(x).view(2, len(body.dilations), 3, -1)
    torch.testing.assert_close(parts[0, :, 0], parts[1, :, 0])  # the whole sequence cannot tell them apart
    assert (parts[0, :, 1] - parts[1, :, 1]).abs().max() > 0.1  # its halves can


def test_encoder_is_trained_after_the_fixed_features_only():
    torch.manual_seed(0)
    encoder = RocketGaussianEncoder(3, 20, 84 * 3, hidden=(8,), n_latent=4, dropout=0.0)
    x = torch.randn(30, 20, 3, requires_grad=True)
    encoder.fit_inputs(x.detach())
    mean, log_var = encoder(x)
    (mean.sum() + log_var.sum()).backward()
    assert x.grad is None or torch.count_nonzero(x.grad) == 0
    assert not any(buffer.requires_grad for buffer in encoder.buffers())
    with torch.no_grad():
        given, _ = encoder(x, None, encoder.features(x))
        flat, _ = encoder(x.flatten(1))  # (B, T * d), step-major, as the network passes it
    torch.testing.assert_close(given, mean.detach())
    torch.testing.assert_close(flat, mean.detach())
    thresholds = encoder.body.thresholds.clone()
    encoder.fit_inputs(torch.randn(30, 20, 3) * 10)  # fitted once: a second call keeps them
    torch.testing.assert_close(encoder.body.thresholds, thresholds)


# ----------------------------------------------------------------- estimator
def test_rocket_encoder_fits_saves_and_is_reproducible(sequences, tmp_path):
    X, y, spec = sequences
    clf = RedCoreClassifier(spec, random_state=0, **TINY).fit(X, y)
    kinds = [type(e).__name__ for e in clf.net_.module_.encoders]
    assert kinds == ["RocketGaussianEncoder", "RocketGaussianEncoder", "GaussianEncoder"]
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_array_equal(RedCoreClassifier(spec, random_state=0, **TINY).fit(X, y).predict_proba(X), proba)
    path = tmp_path / "rocket.pt"
    save_model(clf, path)
    loaded = load_model(path)
    assert loaded.get_params()["sequence_encoder"] == "rocket"
    torch.testing.assert_close(
        loaded.net_.module_.encoders[0].body.thresholds, clf.net_.module_.encoders[0].body.thresholds
    )
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    # a row without any modality gets the fallback, a row with only the vector a finite prediction
    X_only_vector = X[:3].copy()
    X_only_vector[:, :-2] = np.nan
    assert np.isfinite(clf.predict_proba(X_only_vector)).all()


def test_features_computed_once_equal_those_of_every_batch(sequences, monkeypatch):
    X, y, spec = sequences
    once = RedCoreClassifier(spec, random_state=0, **TINY).fit(X, y)
    monkeypatch.setattr(network_module, "MAX_FIXED_FEATURE_VALUES", 0)
    per_batch = RedCoreClassifier(spec, random_state=0, **TINY).fit(X, y)
    np.testing.assert_allclose(per_batch.predict_proba(X), once.predict_proba(X), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(per_batch.net_.history[:, "train_loss"], once.net_.history[:, "train_loss"], rtol=1e-4)


def test_thresholds_come_from_present_sequences_and_survive_a_warm_start(sequences):
    X, y, spec = sequences
    clf = RedCoreClassifier(spec, random_state=0, warm_start=True, **TINY).fit(X, y)
    body = clf.net_.module_.encoders[0].body
    thresholds = body.thresholds.clone()
    assert torch.count_nonzero(thresholds) > 0.9 * thresholds.numel()  # quantiles of real responses, not of zeros
    shifted = X.copy()
    shifted[:, list(spec["m0"].columns)] *= 5.0  # other data: a warm start keeps the first fit's thresholds
    clf.fit(shifted, y)
    assert clf.n_iter_ == 2 * TINY["max_epochs"]
    torch.testing.assert_close(clf.net_.module_.encoders[0].body.thresholds, thresholds)


def test_rocket_features_is_validated_and_mixes_with_other_encoders(sequences):
    X, y, spec = sequences
    with pytest.raises(InvalidParameterError, match="rocket_features"):
        RedCoreClassifier(spec, **{**TINY, "rocket_features": 100}).fit(X, y)
    mixed = RedCoreClassifier(spec, random_state=0, **{**TINY, "sequence_encoder": {"m1": "conv"}, "max_epochs": 1})
    mixed.fit(X, y)
    kinds = [type(e).__name__ for e in mixed.net_.module_.encoders]
    assert kinds == ["RocketGaussianEncoder", "ConvGaussianEncoder", "GaussianEncoder"]


def test_regressor_takes_the_rocket_encoder(sequences):
    X, y, spec = sequences
    target = y + np.random.RandomState(0).normal(scale=0.1, size=len(y))
    reg = RedCoreRegressor(spec, random_state=0, **TINY).fit(X, target)
    assert type(reg.net_.module_.encoders[0]).__name__ == "RocketGaussianEncoder"
    assert np.isfinite(reg.predict(X)).all()


def test_long_sequences_fit_in_bounded_blocks_and_float64_input_works():
    body = _features(n_features_in=2, n_steps=600, n_features=84 * 3)
    assert body.block_rows * 84 * 600 * body.n_thresholds <= 2**23
    x = torch.randn(300, 600, 2)
    assert body.fit(x) is None  # the statistics only, unless the features are asked for
    assert torch.isfinite(body.thresholds).all() and torch.count_nonzero(body.thresholds) > 0
    new = torch.randn(7, 600, 2)  # (not training rows: none of their responses is a threshold exactly)
    torch.testing.assert_close(body.features(new.double()), body.features(new))  # float64 in, float32 out
    fitted_again = _features(n_features_in=2, n_steps=600, n_features=84 * 3).fit(x, return_features=True)
    assert fitted_again.shape == (300, body.n_features)
    np.testing.assert_allclose(fitted_again.mean(0).numpy(), 0, atol=1e-4)
