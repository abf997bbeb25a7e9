"""Sequence modalities: declaration, padding, standardisation, the transformer and conv encoders, the estimator."""

import pickle
from dataclasses import astuple

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sklearn_redcore import (
    MMINClassifier,
    RedCoreClassifier,
    SequenceModality,
    evaluate_modality_combinations,
    flatten_sequences,
    load_model,
    mask_modalities,
    modality_presence,
    save_model,
)
from sklearn_redcore._inputs import resolve_modalities
from sklearn_redcore._network._conv import ConvGaussianEncoder
from sklearn_redcore._network._transformer import TransformerGaussianEncoder
from sklearn_redcore.datasets import make_sequence_classification

from .conftest import TINY_NETWORK

# The transformer unless a test says otherwise.
TINY = TINY_NETWORK | dict(
    sequence_encoder="transformer", transformer_width=8, transformer_heads=2, transformer_layers=1, lr=3e-3
)


@pytest.fixture(scope="module")
def sequences():
    """Two sequence modalities of varying length (NaN padding) and one vector modality."""
    data = make_sequence_classification(90, modality_shapes=[(6, 3), (5, 2)], n_classes=2, signal=2.0, random_state=0)
    rng = np.random.RandomState(1)
    X = np.hstack([data.data, rng.normal(size=(90, 2))])
    spec = {**data.modalities, "v": [X.shape[1] - 2, X.shape[1] - 1]}
    X = mask_modalities(X, spec, [0.3, 0.2, 0.2], random_state=0)
    return X, data.target, spec


@pytest.fixture(scope="module")
def fitted(sequences):
    X, y, spec = sequences
    return RedCoreClassifier(spec, random_state=0, **TINY).fit(X, y)


# ------------------------------------------------------------------ declaring
def test_sequence_modality_validates_its_sizes():
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        SequenceModality([0, 1], n_steps=0)
    with pytest.raises(ValueError, match="n_features must be a positive integer"):
        SequenceModality([0, 1], n_steps=1, n_features=-2)
    with pytest.raises(TypeError, match="not another SequenceModality"):
        SequenceModality(SequenceModality([0, 1], 1), n_steps=1)
    assert SequenceModality(range(4), 2) == SequenceModality([0, 1, 2, 3], 2)
    assert SequenceModality(range(4), 2) != SequenceModality(range(4), 4)


def test_resolve_gives_columns_and_shapes_and_clear_errors():
    spec = {"a": SequenceModality(slice(0, 6), n_steps=3), "b": [6, 7]}
    resolved, shapes = resolve_modalities(spec, 8, return_shapes=True)
    assert resolved["a"].tolist() == list(range(6)) and shapes == {"a": (3, 2), "b": None}
    assert resolve_modalities(spec, 8)["b"].tolist() == [6, 7]  # without return_shapes: the columns alone
    assert resolve_modalities(None, 3, return_shapes=True)[1] == {"all": None}
    with pytest.raises(ValueError, match=r"n_steps=4 steps.*6 columns, not a multiple of 4"):
        resolve_modalities({"a": SequenceModality(slice(0, 6), n_steps=4)}, 8)
    with pytest.raises(ValueError, match=r"n_features=3 features, which takes 9 columns.*has 6"):
        resolve_modalities({"a": SequenceModality(slice(0, 6), n_steps=3, n_features=3)}, 8)
    with pytest.raises(TypeError, match="put it in a dict"):
        resolve_modalities(SequenceModality(slice(0, 6), n_steps=3), 8)
    names = np.array([f"c{i}" for i in range(4)])
    _, shapes = resolve_modalities({"s": SequenceModality(["c0", "c1", "c2", "c3"], 2)}, 4, names, return_shapes=True)
    assert shapes == {"s": (2, 2)}


def test_estimator_reports_bad_declarations(sequences):
    X, y, spec = sequences
    bad = {**spec, "m0": SequenceModality(spec["m0"].columns, n_steps=4)}  # 18 columns, not 4 * d
    with pytest.raises(ValueError, match="not a multiple of 4"):
        RedCoreClassifier(bad, **TINY).fit(X, y)
    with pytest.raises(ValueError, match="'sequence_encoder' parameter"):
        RedCoreClassifier(spec, **{**TINY, "sequence_encoder": "lstm"}).fit(X, y)
    with pytest.raises(ValueError, match=r"one of \['conv', 'mlp', 'rocket', 'transformer'\]"):
        RedCoreClassifier(spec, **{**TINY, "sequence_encoder": {"m0": "lstm"}}).fit(X, y)
    with pytest.raises(ValueError, match="which is a vector"):
        RedCoreClassifier(spec, **{**TINY, "sequence_encoder": {"v": "mlp"}}).fit(X, y)
    with pytest.raises(ValueError, match="not one of"):
        RedCoreClassifier(spec, **{**TINY, "sequence_encoder": {"nope": "mlp"}}).fit(X, y)
    with pytest.raises(ValueError, match="multiple of transformer_heads"):
        RedCoreClassifier(spec, **{**TINY, "transformer_heads": 3}).fit(X, y)


def test_flatten_sequences_pads_cuts_and_keeps_vectors():
    rng = np.random.RandomState(0)
    a = [rng.normal(size=(3, 2)), rng.normal(size=(1, 2)), None, np.empty((0, 2))]
    X, spec = flatten_sequences({"a": a, "v": np.arange(8.0).reshape(4, 2)})
    assert X.dtype == np.float32 and X.shape == (4, 3 * 2 + 2)
    assert spec["a"] == SequenceModality(range(0, 6), n_steps=3) and spec["v"] == [6, 7]
    np.testing.assert_allclose(X[0, :6], a[0].ravel(), rtol=1e-6)
    assert np.isnan(X[1, 2:6]).all() and not np.isnan(X[1, :2]).any()
    assert np.isnan(X[2:, :6]).all()
    np.testing.assert_array_equal(modality_presence(X, spec), [[1, 1], [1, 1], [0, 1], [0, 1]])
    cut, spec_cut = flatten_sequences({"a": a}, n_steps=2, dtype=np.float64)
    assert cut.shape == (4, 4) and spec_cut["a"].n_steps == 2
    np.testing.assert_array_equal(cut[0], a[0][:2].ravel())
    cube = rng.normal(size=(4, 3, 2))
    cube[1, 2] = np.nan
    X3, spec3 = flatten_sequences({"c": cube}, n_steps={"c": 5})
    assert X3.shape == (4, 10) and np.isnan(X3[:, 6:]).all() and np.isnan(X3[1, 4:6]).all()
    with pytest.raises(ValueError, match="different numbers of features"):
        flatten_sequences({"a": [np.ones((2, 2)), np.ones((2, 3))]})
    with pytest.raises(ValueError, match="has 3 samples"):
        flatten_sequences({"a": a, "v": np.ones((3, 1))})


# ------------------------------------------------------------ data handling
def test_padding_is_masked_not_imputed_and_features_are_standardised_over_steps(sequences, fitted):
    X, _, spec = sequences
    T, d = fitted.modality_shapes_["m0"]
    cols = fitted.modalities_["m0"]
    steps = X[:, cols].reshape(-1, T, d)
    # One mean and scale per feature, over every observed step (padding and missing samples excluded).
    flat = steps.reshape(-1, d)
    np.testing.assert_allclose(fitted.input_mean_[cols].reshape(T, d), np.tile(np.nanmean(flat, 0), (T, 1)))
    np.testing.assert_allclose(fitted.input_scale_[cols].reshape(T, d), np.tile(np.nanstd(flat, 0), (T, 1)))
    Z, present, observed = astuple(fitted.inputs_.transform(X))
    assert observed.shape == (len(X), 6 + 5)
    np.testing.assert_array_equal(observed[:, :T], ~np.isnan(steps).all(axis=2))
    np.testing.assert_array_equal(present, modality_presence(X, spec))
    assert (Z[:, : T * d][~np.repeat(observed[:, :T], d, axis=1)] == 0).all()
    # Presence is "not all columns NaN": a sample keeps the modality with a single observed step.
    one_step = X[:1].copy()
    one_step[0, cols[d:]] = np.nan
    one_step[0, cols[:d]] = 1.0
    assert fitted.inputs_.transform(one_step).present[0, 0]


def test_inputs_prepared_in_several_blocks_equal_those_of_one(sequences, fitted):
    """Rows are prepared in blocks of about 2 MB; every block reads the same columns as the first."""
    X, _, _ = sequences
    n_copies = 2 * 2**18 // X.shape[1] // len(X) + 1  # more rows than two blocks
    Z, present, steps = astuple(fitted.inputs_.transform(X))
    Z_big, present_big, steps_big = astuple(fitted.inputs_.transform(np.tile(X, (n_copies, 1))))
    np.testing.assert_array_equal(Z_big, np.tile(Z, (n_copies, 1)))
    np.testing.assert_array_equal(present_big, np.tile(present, (n_copies, 1)))
    np.testing.assert_array_equal(steps_big, np.tile(steps, (n_copies, 1)))


def test_float32_input_gives_the_same_predictions(sequences, fitted):
    X, _, spec = sequences
    X32 = X.astype(np.float32)
    np.testing.assert_array_equal(fitted.predict_proba(X32), fitted.predict_proba(X32.astype(np.float64)))
    masked = mask_modalities(X32, spec, 0.3, random_state=0)  # float32 stays float32
    assert masked.dtype == np.float32 and mask_modalities(X, spec, 0.3, random_state=0).dtype == np.float64


# --------------------------------------------------------------- the encoder
def _encoder(seed=0):
    torch.manual_seed(seed)
    return TransformerGaussianEncoder(
        n_features=3, n_steps=9, width=8, n_layers=2, n_heads=2, n_latent=4, dropout=0.0
    ).eval()


def test_appended_padding_steps_change_nothing():
    encoder = _encoder()
    x = torch.randn(5, 6, 3)
    garbage = 100 * torch.randn(5, 3, 3)  # values in padding steps must not matter
    observed = torch.ones(5, 6, dtype=torch.bool)
    observed[1, 4:] = False  # a shorter sequence inside the batch
    longer = torch.cat([x, garbage], dim=1)
    observed_longer = torch.cat([observed, torch.zeros(5, 3, dtype=torch.bool)], dim=1)
    with torch.no_grad():
        mean, log_var = encoder(x, observed)
        mean_longer, log_var_longer = encoder(longer, observed_longer)
    torch.testing.assert_close(mean_longer, mean, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(log_var_longer, log_var, rtol=1e-5, atol=1e-5)
    with torch.no_grad():
        changed, _ = encoder(torch.cat([x, garbage], dim=1), torch.ones(5, 9, dtype=torch.bool))
    assert not torch.allclose(changed, mean, atol=1e-3)  # the same steps, if observed, do count


def test_order_of_steps_matters_and_missing_rows_stay_finite():
    encoder = _encoder()
    x = torch.randn(4, 7, 3)
    with torch.no_grad():
        forward, _ = encoder(x)
        backward, _ = encoder(x.flip(1))
        empty, _ = encoder(torch.zeros(2, 7, 3), torch.zeros(2, 7, dtype=torch.bool))
    assert (forward - backward).abs().max() > 1e-3
    assert torch.isfinite(empty).all()


# ------------------------------------------------------------- the estimator
def test_fit_predict_with_sequence_modalities(sequences, fitted):
    X, y, _ = sequences
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert fitted.modality_shapes_ == {"m0": (6, 3), "m1": (5, 2), "v": None}
    kinds = [type(e).__name__ for e in fitted.net_.module_.encoders]
    assert kinds == ["TransformerGaussianEncoder", "TransformerGaussianEncoder", "GaussianEncoder"]
    mixed = RedCoreClassifier(
        fitted.modalities, random_state=0, **{**TINY, "sequence_encoder": {"m1": "mlp"}, "max_epochs": 1}
    ).fit(X, y)
    assert [type(e).__name__ for e in mixed.net_.module_.encoders] == [
        "RocketGaussianEncoder",  # the default, for the modality the dict leaves out
        "GaussianEncoder",
        "GaussianEncoder",
    ]
    table = evaluate_modality_combinations(fitted, X, y, fitted.modalities)
    assert list(table.columns) == ["m0", "m1", "v", "m0+m1", "m0+v", "m1+v", "m0+m1+v", "Ave."]


def test_clone_pickle_save_and_grid_search(sequences, fitted, tmp_path):
    X, y, spec = sequences
    twin = clone(fitted)
    assert twin.modalities == spec and not hasattr(twin, "net_")
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    path = tmp_path / "sequences.pt"
    save_model(fitted, path)  # the safe format holds SequenceModality declarations
    loaded = load_model(path)
    assert loaded.modalities == spec and loaded.modality_shapes_ == fitted.modality_shapes_
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    search = GridSearchCV(
        RedCoreClassifier(spec, random_state=0, **{**TINY, "max_epochs": 1}),
        {"sequence_encoder": ["transformer", "mlp"]},
        cv=2,
    ).fit(X, y)
    assert search.best_params_["sequence_encoder"] in ("transformer", "mlp")


@pytest.mark.filterwarnings("ignore:.*belong to no modality", "ignore:.*miss every modality")
def test_dataframe_columns_and_baselines(sequences):
    X, y, spec = sequences
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    named = {
        "m0": SequenceModality([f"c{i}" for i in spec["m0"].columns], n_steps=6),
        "v": [f"c{i}" for i in spec["v"]],
    }
    clf = RedCoreClassifier(named, random_state=0, **{**TINY, "max_epochs": 1}).fit(frame, y)
    assert clf.modality_shapes_["m0"] == (6, 3)
    # The comparison methods encode the flattened sequence with their MLPs.
    mmin = MMINClassifier(
        spec,
        training="all",
        n_latent=8,
        encoder_hidden=(8,),
        cra_widths=(8, 4),
        cra_blocks=1,
        classifier_hidden=8,
        max_epochs=1,
        random_state=0,
    ).fit(X, y)
    assert np.isfinite(mmin.predict_proba(X)).all()


# ------------------------------------------------------ the convolutional encoder
CONV = dict(sequence_encoder="conv", conv_channels=8, conv_blocks=2, conv_kernel_size=3)


def _conv_encoder(**sizes) -> ConvGaussianEncoder:
    torch.manual_seed(0)
    sizes = dict(channels=8, n_blocks=3, kernel_size=3) | sizes
    encoder = ConvGaussianEncoder(n_features=3, n_steps=9, n_latent=4, dropout=0.0, **sizes).eval()
    with torch.no_grad():  # norms as after training (a fresh one maps a zero step to zero)
        for name, parameter in encoder.named_parameters():
            if "norm" in name:
                parameter.normal_(0.5, 0.5)
    return encoder


def test_conv_encoder_shapes_and_step_major_input():
    encoder = _conv_encoder()
    x = torch.randn(5, 9, 3)
    assert encoder.body(x).shape == (5, 16)  # mean and maximum of 8 channels
    with torch.no_grad():
        mean, log_var = encoder(x)
        flat_mean, _ = encoder(x.flatten(1))  # (B, T * d), step-major, as the network passes it
    assert mean.shape == log_var.shape == (5, 4)
    torch.testing.assert_close(flat_mean, mean)


def test_conv_encoder_ignores_what_unobserved_steps_hold():
    encoder = _conv_encoder()
    x = torch.randn(6, 9, 3)
    observed = torch.ones(6, 9, dtype=torch.bool)
    observed[0, 5:] = False  # padding at the end
    observed[1, :2] = False  # at the start
    observed[2, 3:5] = False  # a gap inside the sequence
    observed[3, ::2] = False  # every other step
    changed = x.clone()
    changed[~observed] = 100 * torch.randn(int((~observed).sum()), 3)
    poisoned = x.clone()
    poisoned[~observed] = torch.nan
    poisoned[0, 8] = torch.inf
    with torch.no_grad():
        mean, log_var = encoder(x, observed)
        for other in (changed, poisoned):
            other_mean, other_log_var = encoder(other, observed)
            torch.testing.assert_close(other_mean, mean, rtol=0, atol=0)
            torch.testing.assert_close(other_log_var, log_var, rtol=0, atol=0)
        # the same values count when the steps are observed
        seen, _ = encoder(changed, torch.ones(6, 9, dtype=torch.bool))
    assert (seen[:4] - mean[:4]).abs().amax(1).min() > 1e-3
    torch.testing.assert_close(seen[4:], mean[4:])  # rows 4 and 5 had every step observed


def test_conv_encoder_variable_lengths_equal_each_sequence_alone():
    encoder = _conv_encoder()
    lengths = [9, 4, 7, 1]
    x = torch.randn(4, 9, 3)
    observed = torch.arange(9) < torch.tensor(lengths).unsqueeze(1)
    with torch.no_grad():
        batch, _ = encoder(x, observed)
        for row, length in enumerate(lengths):  # the sequence cut to its length, without padding
            alone, _ = encoder(x[row : row + 1, :length], None)
            torch.testing.assert_close(batch[row : row + 1], alone, rtol=1e-5, atol=1e-5)


def test_conv_encoder_sees_order_and_rows_without_steps_stay_finite():
    encoder = _conv_encoder().train()  # dropout is 0: training mode only differs by gradients
    x = torch.randn(4, 9, 3, requires_grad=True)
    observed = torch.ones(4, 9, dtype=torch.bool)
    observed[2:] = False  # two rows miss the modality
    mean, log_var = encoder(x, observed)
    (mean.sum() + log_var.sum()).backward()
    assert torch.isfinite(mean).all() and torch.isfinite(log_var).all()
    assert all(torch.isfinite(p.grad).all() for p in encoder.parameters())
    assert torch.count_nonzero(x.grad[2:]) == 0  # nothing flows from rows without observed steps
    with torch.no_grad():
        backward, _ = encoder(x.flip(1))
    assert (backward[:2] - mean[:2]).abs().max() > 1e-3


def test_conv_encoder_fits_and_is_reproducible(sequences, tmp_path):
    X, y, spec = sequences
    params = dict(random_state=0, **{**TINY, **CONV})
    clf = RedCoreClassifier(spec, **params).fit(X, y)
    kinds = [type(e).__name__ for e in clf.net_.module_.encoders]
    assert kinds == ["ConvGaussianEncoder", "ConvGaussianEncoder", "GaussianEncoder"]
    assert len(clf.net_.module_.encoders[0].body.blocks) == 2
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_array_equal(RedCoreClassifier(spec, **params).fit(X, y).predict_proba(X), proba)
    path = tmp_path / "conv.pt"
    save_model(clf, path)
    loaded = load_model(path)
    assert loaded.get_params()["conv_channels"] == 8
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    mixed = RedCoreClassifier(
        spec,
        random_state=0,
        **{**TINY, **CONV, "sequence_encoder": {"m0": "transformer", "m1": "conv"}, "max_epochs": 1},
    ).fit(X, y)
    kinds = [type(e).__name__ for e in mixed.net_.module_.encoders]
    assert kinds == ["TransformerGaussianEncoder", "ConvGaussianEncoder", "GaussianEncoder"]


def test_conv_encoder_warm_start_continues_the_same_network(sequences):
    X, y, spec = sequences
    clf = RedCoreClassifier(spec, random_state=0, warm_start=True, **{**TINY, **CONV}).fit(X, y)
    net, first = clf.net_, clf.predict_proba(X)
    weights = clf.net_.module_.encoders[0].body.project.weight.detach().clone()
    clf.fit(X, y)
    assert clf.net_ is net and clf.n_iter_ == 2 * TINY["max_epochs"]
    assert not torch.equal(clf.net_.module_.encoders[0].body.project.weight, weights)
    assert not np.array_equal(clf.predict_proba(X), first)


def test_conv_network_size_auto_is_the_compact_network(sequences):
    from sklearn_redcore._network import NETWORK_SIZES

    X, y, spec = sequences
    clf = RedCoreClassifier(spec, sequence_encoder="conv", max_epochs=1, random_state=0).fit(X, y)
    assert clf.network_sizes_ == NETWORK_SIZES["compact"]
    assert clf.net_.module_.encoders[0].body.project.out_features == 32
