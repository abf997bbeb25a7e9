"""Training that resumes, survives an interruption, and fails loudly."""

import warnings

import numpy as np
import pytest
import torch

from sklearn_redcore import MMINClassifier, RedCoreClassifier
from sklearn_redcore._redcore_training import RedCoreNet
from sklearn_redcore._training import MultimodalNet

from .conftest import FAST

SHORT = FAST | {"max_epochs": 4}


def _interrupt_after(monkeypatch, n_epochs):
    """Make the training loop receive Ctrl-C in epoch ``n_epochs + 1``."""
    original = MultimodalNet.get_loss

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if training and len(self.history) == n_epochs + 1:  # the history has a row per epoch begun
            raise KeyboardInterrupt
        return original(self, y_pred, y_true, X=X, training=training)

    monkeypatch.setattr(MultimodalNet, "get_loss", get_loss)


def test_warm_start_continues_the_same_network_and_algorithm_1(mfeat_small):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(spec, random_state=0, warm_start=True, **SHORT).fit(X, y)
    net, eta = clf.net_, clf.eta_.copy()
    first = clf.predict_proba(X)
    clf.fit(X, y)
    assert clf.net_ is net and clf.n_iter_ == 8 and clf.eta_history_.shape == (8, 3)
    np.testing.assert_array_equal(clf.eta_history_[3], eta)  # the second fit started from the first's eta
    # and from its step count: 2 fits of 4 epochs of 10 batches (40 steps a fit, not a multiple of K = 3, so a
    # count restarted at 0 would also move the steps at which eta is updated)
    n_batches = -(-len(y) // SHORT["batch_size"])
    assert n_batches == 10 and (4 * n_batches) % clf.K and clf.net_.regulator.n_steps == 2 * 4 * n_batches
    assert not np.array_equal(clf.predict_proba(X), first)  # and it trained further
    clf.set_params(warm_start=False).fit(X, y)
    assert clf.net_ is not net and clf.n_iter_ == 4  # afresh


def test_warm_start_refuses_new_classes_and_new_features(mfeat_small):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(spec, random_state=0, warm_start=True, **SHORT).fit(X[y < 5], y[y < 5])
    with pytest.raises(ValueError, match=r"classes \[5, 6, 7, 8, 9\]"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.fit(X[:, :-1], y)
    assert clf.n_iter_ == 4  # the fitted model is intact


@pytest.mark.parametrize("early_stopping", [False, True])
def test_keyboard_interrupt_leaves_a_usable_model_and_says_so(mfeat_small, monkeypatch, early_stopping):
    X, y, spec = mfeat_small
    _interrupt_after(monkeypatch, 3)
    clf = RedCoreClassifier(spec, random_state=0, early_stopping=early_stopping, **(FAST | {"max_epochs": 10}))
    with pytest.warns(UserWarning, match="interrupted after 3 complete epoch") as record:
        clf.fit(X, y)
    message = str(record[0].message)
    assert record[0].filename == __file__  # the warning points at the user's call of fit
    assert ("best on the validation data" in message) is early_stopping
    assert clf.interrupted_ and clf.n_iter_ == 3 and clf.eta_history_.shape == (3, 3)
    proba = clf.predict_proba(X)
    monkeypatch.undo()
    # the model of its 3 complete epochs: a fit of 3 epochs, exactly (scores 0.355 and 0.31 measured)
    three = RedCoreClassifier(spec, random_state=0, early_stopping=early_stopping, **(FAST | {"max_epochs": 3}))
    np.testing.assert_array_equal(proba, three.fit(X, y).predict_proba(X))
    np.testing.assert_array_equal(clf.eta_, three.eta_)
    clf.set_params(warm_start=True, max_epochs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no interruption warning this time
        clf.fit(X, y)
    assert not clf.interrupted_ and clf.n_iter_ == 5


def test_interrupt_works_for_every_model(mfeat_small, monkeypatch):
    X, y, spec = mfeat_small
    _interrupt_after(monkeypatch, 1)
    clf = MMINClassifier(
        spec,
        training="all",
        n_latent=8,
        encoder_hidden=(16,),
        cra_widths=(8,),
        cra_blocks=1,
        max_epochs=5,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted after 1 complete epoch"):
        clf.fit(X, y)
    assert clf.n_iter_ == 1 and np.isfinite(clf.predict_proba(X)).all()


def test_early_stopping_is_not_reported_as_an_interruption(mfeat_small):
    X, y, spec = mfeat_small
    clf = RedCoreClassifier(
        spec, random_state=0, early_stopping=True, n_iter_no_change=1, **(FAST | {"max_epochs": 60})
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.fit(X, y)
    # stopped by the rule, one epoch after the best (measured: 21 + 1), not by an interruption
    assert not clf.interrupted_ and clf.n_iter_ == dict(clf.net_.callbacks_)["early_stopping"].best_epoch_ + 1 < 60


def test_non_finite_loss_names_the_epoch_and_what_to_try(mfeat_small, monkeypatch):
    X, y, spec = mfeat_small
    original = RedCoreNet.training_objective

    def poisoned(self, parts):
        loss = original(self, parts)
        return loss * float("nan") if len(self.history) == 2 else loss

    monkeypatch.setattr(RedCoreNet, "training_objective", poisoned)
    with pytest.raises(FloatingPointError, match=r"at epoch 2\. Try a lower lr"):
        RedCoreClassifier(spec, random_state=0, **SHORT).fit(X, y)


def test_an_interrupted_epoch_leaves_no_tensor_of_the_training_device_on_the_net(mfeat_small, monkeypatch):
    """What an epoch keeps on the device is dropped or read back when it is cut short, as at its end
    (a tensor left there would make a pickled GPU model fail to load without a GPU)."""
    X, y, spec = mfeat_small
    _interrupt_after(monkeypatch, 2)
    clf = RedCoreClassifier(spec, random_state=0, **SHORT)
    with pytest.warns(UserWarning, match="interrupted after 2 complete epoch"):
        clf.fit(X, y)
    left = [name for name, value in vars(clf.net_).items() if isinstance(value, torch.Tensor)]
    assert left == []
    assert isinstance(clf.net_.epoch_imputation_sum_, np.ndarray) and clf.net_._epoch_losses == []
