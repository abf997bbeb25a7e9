"""Numerical feature embeddings (``numerical_embedding="periodic"``): the layer, and its place in the network."""

import math

import numpy as np
import pytest
import torch

from sklearn_redcore import RedCoreClassifier, RedCoreRegressor, load_model, save_model
from sklearn_redcore._network._embeddings import EmbeddedGaussianEncoder, PeriodicEmbedding
from sklearn_redcore._network._layers import GaussianEncoder

from .conftest import FAST


def test_periodic_embedding_shapes_initial_frequencies_and_formula():
    torch.manual_seed(0)
    layer = PeriodicEmbedding(n_features=5, n_dims=8, scale=0.1)
    assert layer.frequencies.shape == (5, 8)
    assert layer.frequencies.abs().max() <= 0.3  # truncated at 3 sigma
    assert 0.05 < layer.frequencies.std() < 0.15
    x = torch.randn(4, 5)
    out = layer(x)
    assert out.shape == (4, 5 * 8) and (out >= 0).all()
    # feature j's block is ReLU(W [cos v; sin v] + b) with v = 2 pi c_j x_j
    v = 2 * math.pi * layer.frequencies[2] * x[1, 2]
    expected = torch.relu(layer.linear(torch.cat([torch.cos(v), torch.sin(v)])))
    torch.testing.assert_close(out[1, 16:24], expected)


def test_embedding_is_trained_with_the_encoder():
    torch.manual_seed(0)
    encoder = EmbeddedGaussianEncoder(3, (8,), 4, 0.0, n_dims=6, scale=0.5)
    mean, log_var = encoder(torch.randn(10, 3))
    assert mean.shape == log_var.shape == (10, 4)
    (mean.sum() + log_var.sum()).backward()
    assert encoder.embedding.frequencies.grad is not None and encoder.embedding.frequencies.grad.abs().sum() > 0


def test_estimators_embed_vector_modalities_only(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(spec, numerical_embedding="periodic", embedding_dim=4, random_state=0, **FAST)
    clf.fit(X, y)
    assert all(isinstance(e, EmbeddedGaussianEncoder) for e in clf.net_.module_.encoders)
    assert clf.score(X, y) > 0.78  # measured 0.828
    save_model(clf, tmp_path / "m.pt")
    np.testing.assert_array_equal(load_model(tmp_path / "m.pt").predict_proba(X), clf.predict_proba(X))
    plain = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 1})).fit(X, y)
    assert all(type(e) is GaussianEncoder for e in plain.net_.module_.encoders)
    reg = RedCoreRegressor(spec, numerical_embedding="periodic", max_epochs=2, random_state=0).fit(X, y.astype(float))
    assert isinstance(reg.net_.module_.encoders[0], EmbeddedGaussianEncoder)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"numerical_embedding": "linear"}, "numerical_embedding"),
        ({"numerical_embedding": "periodic", "embedding_scale": 0.0}, "embedding_scale"),
        ({"numerical_embedding": "periodic", "embedding_dim": 0}, "embedding_dim"),
    ],
)
def test_bad_embedding_parameters(mfeat_small, params, match):
    X, y, spec = mfeat_small
    with pytest.raises(ValueError, match=match):
        RedCoreClassifier(spec, **params).fit(X, y)
