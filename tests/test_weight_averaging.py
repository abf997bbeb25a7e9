"""The average of the weights over the last epochs (``weight_averaging``)."""

import numpy as np
import pytest
import torch

from sklearn_redcore import RedCoreClassifier, RedCoreRegressor
from sklearn_redcore._callbacks import WeightAveraging

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


def test_estimator_ends_with_the_average(mfeat_small):
    X, y, spec = mfeat_small
    params = FAST | {"max_epochs": 14, "tol": None, "early_stopping": False}
    averaged = RedCoreClassifier(spec, random_state=0, **params).fit(X, y)
    last = RedCoreClassifier(spec, random_state=0, weight_averaging=None, **params).fit(X, y)
    assert dict(averaged.net_.callbacks_)["weight_averaging"].averaged_
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
    assert RedCoreRegressor().weight_averaging == 0.8
    with pytest.raises(ValueError, match="weight_averaging"):
        RedCoreClassifier(spec, weight_averaging=1.0, **FAST).fit(X, y)
