"""The average of the weights over the last epochs (``weight_averaging``)."""

import numpy as np
import pytest
import torch

from sklearn_redcore import RedCoreClassifier, RedCoreRegressor
from sklearn_redcore._callbacks import WeightAveraging
from sklearn_redcore._redcore_training import RedCoreNet

from .conftest import FAST


def test_callback_averages_after_the_burn_in_and_keeps_no_copy():
    net = type("Net", (), {"module_": torch.nn.Linear(2, 1)})()
    averaging = WeightAveraging(decay=0.8, burn_in=2)
    averaging.on_train_begin(net)
    seen = []
    for value in range(1, 7):
        net.module_.weight.data.fill_(float(value))
        averaging.on_epoch_end(net)
        seen.append(float(value))
    averaging.on_train_end(net)
    # epochs 3..6 averaged: a = 3, then d = 1/3, 1/2, 0.6 -> 3 -> 11/3 -> 13/3 -> 0.6 * 13/3 + 0.4 * 6
    assert net.module_.weight[0, 0].item() == pytest.approx(0.6 * 13 / 3 + 0.4 * 6)
    assert averaging.averaged_ and averaging.average_ is None
    short = WeightAveraging(decay=0.8, burn_in=10)
    short.on_train_begin(net)
    for _ in range(10):
        short.on_epoch_end(net)
    net.module_.weight.data.fill_(42.0)
    short.on_train_end(net)
    assert net.module_.weight[0, 0].item() == 42.0 and not short.averaged_


def test_estimator_ends_with_the_average(mfeat_small, monkeypatch):
    X, y, spec = mfeat_small
    params = FAST | {"max_epochs": 15, "tol": None, "early_stopping": False}
    averaged = RedCoreClassifier(spec, random_state=0, weight_averaging=0.5, **params).fit(X, y)
    epochs = []  # the parameters at the end of each epoch of the same training without the average
    on_epoch_end = RedCoreNet.on_epoch_end

    def recording(self, net, **kwargs):
        epochs.append([p.detach().clone() for p in self.module_.parameters() if p.requires_grad])
        return on_epoch_end(self, net, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(RedCoreNet, "on_epoch_end", recording)
        last = RedCoreClassifier(spec, random_state=0, weight_averaging=None, **params).fit(X, y)
    assert dict(averaged.net_.callbacks_)["weight_averaging"].averaged_ and len(epochs) == 15
    # The average of epochs 11 to 15 by hand: d_j = min(0.5, (j - 1) / (j + 1)), so the decay, not the cap, sets
    # the weight of the average at the 4th and 5th averaged epochs (0.5 < 3/5 and 4/6).
    expected = [p.double() for p in epochs[10]]
    for j, parameters in enumerate(epochs[11:], start=2):
        decay = min(0.5, (j - 1) / (j + 1))
        expected = [decay * a + (1 - decay) * p.double() for a, p in zip(expected, parameters)]
    final = [p.detach().double() for p in averaged.net_.module_.parameters() if p.requires_grad]
    for got, want in zip(final, expected, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
    assert "weight_averaging" not in dict(last.net_.callbacks_)
    # the same training (history), other final weights
    np.testing.assert_array_equal(averaged.net_.history[:, "train_loss"], last.net_.history[:, "train_loss"])
    assert not np.allclose(averaged.predict_proba(X), last.predict_proba(X))
    # ten epochs or fewer: the last weights
    short = {**params, "max_epochs": 10}
    np.testing.assert_array_equal(
        RedCoreClassifier(spec, random_state=0, **short).fit(X, y).predict_proba(X),
        RedCoreClassifier(spec, random_state=0, weight_averaging=None, **short).fit(X, y).predict_proba(X),
    )


def test_not_with_validation_early_stopping_nor_the_paper_preset(mfeat_small):
    X, y, spec = mfeat_small
    stopped = RedCoreClassifier(spec, random_state=0, early_stopping=True, **(FAST | {"max_epochs": 2})).fit(X, y)
    assert "weight_averaging" not in dict(stopped.net_.callbacks_)
    assert RedCoreClassifier.from_preset("paper", modalities=spec).weight_averaging is None
    assert RedCoreClassifier().weight_averaging == RedCoreRegressor().weight_averaging == 0.8
    with pytest.raises(ValueError, match="weight_averaging"):
        RedCoreClassifier(spec, weight_averaging=1.0, **FAST).fit(X, y)
