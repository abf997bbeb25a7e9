"""Shared fixtures: small networks so that the suite runs fast on 2 cores."""

import importlib.util
from pathlib import Path

import pytest

from sklearn_redcore._benchmark._data import mfeat_sample
from sklearn_redcore._benchmark._models import SMALL_NETWORK

# A small RedCore network (the benchmarks' timings of the machinery use the same): enough to learn
# mfeat's easy structure in a few epochs.
FAST = SMALL_NETWORK | {"max_epochs": 25}

# The small network of every estimator the registry finds, by class name: the tests that run over
# all_estimators() build their models from it (small_estimator), so a new estimator needs one line here.
_SMALL_BASELINE = dict(n_latent=8, encoder_hidden=(16,), classifier_hidden=16, batch_size=64)
SMALL_NETWORKS = {
    "RedCoreClassifier": FAST,
    "RedCoreRegressor": FAST,
    "MMINClassifier": dict(cra_widths=(8,), cra_blocks=1, **_SMALL_BASELINE),
    "CRAClassifier": dict(cra_widths=(8,), cra_blocks=1, **_SMALL_BASELINE),
    "AMAEClassifier": dict(n_heads=2, feedforward=16, **_SMALL_BASELINE),
}


def small_estimator(cls, modalities, **params):
    """``cls`` with its small network (``SMALL_NETWORKS``), ``params`` on top."""
    return cls(modalities, **(SMALL_NETWORKS[cls.__name__] | params))


# The smallest RedCore network the sequence tests fit: they check behaviour, not accuracy.
TINY_NETWORK = dict(
    n_latent=8,
    encoder_hidden=(16,),
    xenc_hidden=8,
    xenc_widths=(4,),
    xenc_blocks=1,
    classifier_hidden=16,
    max_epochs=3,
    batch_size=32,
)


#: Every argument of ``RedCoreModule`` but the data's, small. The estimator sets each of them (the network has no
#: defaults of its own); a test starts from these and changes what it tests.
SMALL_NETWORK = dict(
    n_latent=6,
    encoder_hidden=(8,),
    xenc_hidden=8,
    xenc_widths=(4,),
    xenc_blocks=2,
    classifier_hidden=8,
    dropout=0.0,
    classifier_dropout=None,
    unimodal_heads=True,
    modality_dropout=0.0,
    transformer_width=8,
    transformer_layers=1,
    transformer_heads=2,
    conv_channels=8,
    conv_blocks=2,
    conv_kernel_size=3,
    rocket_features=252,
    kl_weight=1e-3,
    detach_target=False,
    numerical_embedding=None,
    embedding_dim=4,
    embedding_scale=0.1,
)


def network_arguments(modality_sizes: list[int], n_classes: int, **changes) -> dict:
    """The arguments of a small network of vector modalities of ``modality_sizes`` columns, ``changes`` on top."""
    vectors = dict(sequence_shapes=[None] * len(modality_sizes), sequence_encoders=["mlp"] * len(modality_sizes))
    return dict(modality_sizes=modality_sizes, n_classes=n_classes) | SMALL_NETWORK | vectors | changes


@pytest.fixture(scope="session")
def mfeat_small():
    """600 mfeat digits, views zer + mor + fou, with imbalanced missingness."""
    return mfeat_sample()


def load_benchmark(name: str):
    """The module of the script ``benchmarks/<name>.py`` (scripts are not a package)."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
