"""The training loop shared by the package's nets: gradient clipping, batches, evaluation mode."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from skorch.dataset import Dataset

from sklearn_redcore import AMAEClassifier, RedCoreClassifier
from sklearn_redcore._network import RedCoreModule
from sklearn_redcore._redcore_training import RedCoreNet
from sklearn_redcore._regulation import SupervisionRegulator
from sklearn_redcore._training import TensorBatchIterator

from .conftest import FAST, network_arguments


class GradientNorms(Callback):
    """Records the l2 norm of the whole gradient that on_grad_computed callbacks see."""

    def initialize(self):
        self.norms_ = []
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad for _, p in named_parameters if p.grad is not None]
        self.norms_.append(float(torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))))


def _net(clip, callbacks=()):
    return RedCoreNet(
        RedCoreModule,
        **{f"module__{name}": value for name, value in network_arguments([3, 2], 2, n_latent=4, xenc_blocks=1).items()},
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=0.01,
        max_epochs=2,
        batch_size=16,
        iterator_train=TensorBatchIterator,
        iterator_train__shuffle=True,
        train_split=None,
        callbacks=list(callbacks),
        verbose=0,
        gradient_clip_value=clip,
        regulator=SupervisionRegulator(2, xi1=0.015, xi2=0.15, p=2, beta=0.7, alpha1=0.1, K=3),
    )


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = torch.as_tensor(rng.normal(size=(n, 5)) * 10, dtype=torch.float32)
    present = torch.as_tensor(rng.random((n, 2)) < 0.8)
    present[~present.any(1), 0] = True
    y = torch.as_tensor(rng.integers(0, 2, n))
    return {"x": x, "present": present}, y


@pytest.mark.parametrize("clip", [None, 1e-3])
def test_gradient_is_clipped_before_the_callbacks_see_it(clip):
    recorder = GradientNorms()
    X, y = _data()
    torch.manual_seed(0)
    _net(clip, [("norms", recorder)]).fit(X, y)
    norms = np.array(recorder.norms_)
    assert len(norms) == 2 * 4  # 2 epochs of 4 batches
    if clip is None:
        assert norms.max() > 1e-3
    else:
        assert norms.max() <= clip * (1 + 1e-4)


def test_estimators_clip_at_one(mfeat_small):
    X, y, modalities = mfeat_small
    clf = RedCoreClassifier(modalities, random_state=0, **{**FAST, "max_epochs": 1}).fit(X, y)
    assert clf.net_.gradient_clip_value == 1.0
    assert "grad_clip" not in dict(clf.net_.callbacks_)  # clipped in the step, not by a callback


def test_batches_cover_each_row_once_per_epoch():
    X, y = _data(n=37)
    X["row"] = torch.arange(37)
    generator = torch.Generator().manual_seed(0)
    iterator = TensorBatchIterator(Dataset(X, y), batch_size=8, shuffle=True, generator=generator)
    assert len(iterator) == 5
    for _ in range(2):
        batches = list(iterator)
        rows = torch.cat([b["row"] for b, _ in batches])
        assert sorted(rows.tolist()) == list(range(37))
        for b, yb in batches:
            assert torch.equal(b["x"], X["x"][b["row"]]) and torch.equal(yb, y[b["row"]])
            assert torch.equal(b["present"], X["present"][b["row"]])
    assert [len(yb) for _, yb in batches] == [8, 8, 8, 8, 5]


@pytest.mark.parametrize("estimator", [RedCoreClassifier, AMAEClassifier])
def test_predictions_use_evaluation_mode_even_if_a_part_was_switched_to_training(estimator):
    X, y = _data(n=80)
    Xn = X["x"].numpy().astype(float)
    params = {**FAST, "max_epochs": 2, "dropout": 0.5} if estimator is RedCoreClassifier else {"max_epochs": 2}
    clf = estimator([[0, 1, 2], [3, 4]], random_state=0, **params).fit(Xn, y.numpy())
    reference = clf.predict_proba(Xn)
    submodule = list(clf.net_.module_.children())[-1]
    submodule.train()  # dropout on in one submodule only
    assert np.array_equal(clf.predict_proba(Xn), reference)
    assert not any(part.training for part in clf.net_.module_.modules())
