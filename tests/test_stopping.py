"""When training stops: validation-based early stopping, the training loss's plateau, or a fixed number of epochs."""

import numpy as np
import pytest

from sklearn_redcore import MMINClassifier, RedCoreClassifier
from sklearn_redcore._parameters import AUTO_EARLY_STOPPING_ROWS

from .conftest import FAST

TINY = dict(n_latent=4, encoder_hidden=(8,), xenc_hidden=4, xenc_widths=(2,), xenc_blocks=1, classifier_hidden=8)


def _blobs(n, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(2, size=n)
    X = rng.normal(size=(n, 4)) + 2.0 * y[:, None]
    X[rng.random(n) < 0.3, :2] = np.nan
    return X, y


@pytest.mark.parametrize("n_rows, expected", [(AUTO_EARLY_STOPPING_ROWS - 1, False), (AUTO_EARLY_STOPPING_ROWS, True)])
def test_auto_holds_out_validation_data_from_ten_thousand_rows(n_rows, expected):
    X, y = _blobs(n_rows)
    clf = RedCoreClassifier([[0, 1], [2, 3]], max_epochs=1, batch_size=4096, random_state=0, **TINY).fit(X, y)
    assert clf.do_early_stopping_ is expected
    assert ("valid_loss" in clf.net_.history[-1]) is expected


def test_a_plateau_of_the_training_cross_entropy_stops_training_and_none_runs_every_epoch():
    X, y = _blobs(200)
    params = dict(TINY, max_epochs=150, batch_size=50, lr=1e-2, early_stopping=False, random_state=0)
    converged = RedCoreClassifier([[0, 1], [2, 3]], tol=1e-2, n_iter_no_change=3, **params).fit(X, y)
    # n_iter_no_change epochs after the last one that improved (measured: 14 + 3)
    assert converged.n_iter_ == dict(converged.net_.callbacks_)["early_stopping"].best_epoch_ + 3 < 150
    history = converged.net_.history[:, "classification"]
    best = min(history[:-3])
    assert min(history[-3:]) > (1 - 1e-2) * best  # the last n_iter_no_change epochs did not improve enough
    fixed = RedCoreClassifier([[0, 1], [2, 3]], tol=None, **params).fit(X, y)
    assert fixed.n_iter_ == 150


def test_the_plateau_rule_reads_the_classification_loss_of_the_comparison_methods_too():
    X, y = _blobs(200)
    params = dict(n_latent=4, encoder_hidden=(8,), cra_widths=(4,), cra_blocks=1, classifier_hidden=8)
    clf = MMINClassifier(
        [[0, 1], [2, 3]],
        training="all",
        max_epochs=300,
        lr=1e-2,
        early_stopping=False,
        tol=1e-2,
        random_state=0,
        **params,
    ).fit(X, y)
    # stopped on a plateau (measured: epoch 68 + 10 of the default n_iter_no_change), and learnt (measured 0.985)
    assert clf.n_iter_ == dict(clf.net_.callbacks_)["early_stopping"].best_epoch_ + clf.n_iter_no_change < 300
    assert clf.score(X, y) > 0.93


def test_early_stopping_keeps_the_state_of_algorithm_1_of_the_kept_epoch(mfeat_small):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(
        spec,
        **(
            FAST | dict(max_epochs=60, early_stopping=True, n_iter_no_change=3, validation_fraction=0.3, random_state=0)
        ),
    ).fit(X, y)
    history = clf.net_.history
    best = max(row["epoch"] for row in history if row["valid_loss_best"])
    assert best < len(history)  # stopped after its best epoch: the weights went back
    np.testing.assert_array_equal(clf.eta_, clf.eta_history_[best - 1])
    assert len(clf.eta_history_) == clf.n_iter_ == len(history)  # the histories keep every epoch run


def test_network_size_follows_the_kind_of_encoder_and_explicit_sizes_win():
    from sklearn_redcore import SequenceModality
    from sklearn_redcore._network import NETWORK_SIZES

    X, y = _blobs(60)
    vectors = RedCoreClassifier([[0, 1], [2, 3]], max_epochs=1, random_state=0).fit(X, y)
    assert vectors.network_sizes_ == NETWORK_SIZES["compact"]
    assert vectors.net_.module_.n_latent == 32
    sequence = {"s": SequenceModality([0, 1], n_steps=2), "v": [2, 3]}
    small_transformer = dict(
        sequence_encoder="transformer", transformer_width=8, transformer_layers=1, transformer_heads=2
    )
    wide = RedCoreClassifier(sequence, max_epochs=1, random_state=0, **small_transformer).fit(X, y)
    assert wide.network_sizes_ == NETWORK_SIZES["wide"]
    flattened = RedCoreClassifier(sequence, sequence_encoder="mlp", max_epochs=1, random_state=0).fit(X, y)
    assert flattened.network_sizes_ == NETWORK_SIZES["compact"]  # no transformer: as vectors
    default = RedCoreClassifier(sequence, max_epochs=1, random_state=0).fit(X, y)  # the conv encoder
    assert default.network_sizes_ == NETWORK_SIZES["compact"]
    mixed = RedCoreClassifier(
        [[0, 1], [2, 3]], network_size="wide", n_latent=8, encoder_hidden=(), max_epochs=1, random_state=0
    ).fit(X, y)
    assert mixed.network_sizes_ == NETWORK_SIZES["wide"] | {"n_latent": 8, "encoder_hidden": ()}
    assert mixed.net_.module_.n_latent == 8


def test_a_warm_start_keeps_the_network_it_trains_and_the_file_rebuilds_it(tmp_path):
    from sklearn_redcore import load_model, save_model

    X, y = _blobs(60)
    clf = RedCoreClassifier([[0, 1], [2, 3]], max_epochs=2, random_state=0).fit(X, y)
    clf.set_params(network_size="wide", warm_start=True).fit(X, y)  # the same network trains on
    assert clf.network_sizes_["n_latent"] == clf.net_.module_.n_latent == 32
    save_model(clf, tmp_path / "model.pt")
    np.testing.assert_array_equal(load_model(tmp_path / "model.pt").predict_proba(X), clf.predict_proba(X))


def test_numbers_must_not_be_bools():
    X, y = _blobs(20)
    for params in (dict(max_epochs=True), dict(tol=False), dict(K=True)):
        with pytest.raises(ValueError, match="must be a number, got the bool"):
            RedCoreClassifier([[0, 1], [2, 3]], **params).fit(X, y)
    grid_value = np.arange(4, 9, 4)[0]  # a numpy int, as a grid built with np.arange gives
    assert RedCoreClassifier([[0, 1], [2, 3]], n_latent=grid_value, max_epochs=1).fit(X, y).net_.module_.n_latent == 4
