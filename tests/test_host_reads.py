"""A training epoch reads values back from the training device a fixed handful of times, not once per batch.

On a GPU every read of a tensor's value on the host (``item()``, ``cpu()``,
``numpy()``, ``tolist()``, a branch on a tensor) waits for the queued work to
finish. These tests count such reads during one epoch on the CPU, with the
network's device-dependent branches taking their accelerator way
(:func:`sklearn_redcore._runtime.waits_for_device` patched to say yes).
"""

import collections
import traceback

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklearn_redcore import RedCoreClassifier
from sklearn_redcore._network import _module

from .conftest import FAST

# (``numpy()`` is not among them: it fails on a GPU tensor, so it always follows a counted ``cpu()``)
READS = ("item", "cpu", "tolist", "__bool__", "__float__", "__int__", "__index__")
COUNTED_EPOCH = 2


class ReadCounter(Callback):
    """Counts the host reads of tensors from the start to the end of the callbacks of epoch COUNTED_EPOCH.

    It comes last among the net's callbacks, so the count covers the net's
    own epoch hooks and the other callbacks'. Adam's step counts, which
    torch keeps on the host by design on the CPU (on a GPU the fused kernel
    keeps them on the device), are not counted.
    """

    def __init__(self, patch):
        self.patch, self.reads, self.active = patch, collections.Counter(), False

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        for name in READS:
            self.patch.setattr(torch.Tensor, name, self._counting(getattr(torch.Tensor, name), name))

    def _counting(self, method, name):
        def counted(tensor, *args, **kwargs):
            if self.active and id(tensor) not in self.ignored:
                caller = traceback.extract_stack(limit=2)[0]
                self.reads[(name, caller.filename.rsplit("/", 2)[-1], caller.lineno)] += 1
            return method(tensor, *args, **kwargs)

        return counted

    def on_epoch_begin(self, net, **kwargs):
        if len(net.history) == COUNTED_EPOCH:
            steps = [state["step"] for state in net.optimizer_.state.values() if "step" in state]
            self.ignored, self.active = {id(step) for step in steps}, True

    def on_epoch_end(self, net, **kwargs):
        self.active = False


def reads_in_one_epoch(X, y, spec, **params):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_module, "waits_for_device", lambda tensor: True)
        counter = ReadCounter(patch)
        clf = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": COUNTED_EPOCH, **params}))
        extra = clf._extra_callbacks
        patch.setattr(clf, "_extra_callbacks", lambda: [*extra(), ("read_counter", counter)])
        clf.fit(X, y)
    n_batches = len(clf.net_.history[COUNTED_EPOCH - 1, "batches"])
    return counter.reads, n_batches


@pytest.mark.parametrize("early_stopping", [False, True])
def test_an_epoch_reads_from_the_device_a_handful_of_times_whatever_its_number_of_batches(mfeat_small, early_stopping):
    X, y, spec = mfeat_small
    few, n_few = reads_in_one_epoch(X, y, spec, batch_size=200, early_stopping=early_stopping)
    many, n_many = reads_in_one_epoch(X, y, spec, batch_size=25, early_stopping=early_stopping)
    assert n_many >= 4 * n_few >= 8  # (validation batches come on top with early stopping)
    assert sum(many.values()) == sum(few.values()) <= 6, (few, many)


def test_a_poisoned_batch_still_stops_training_at_the_end_of_its_epoch(mfeat_small, monkeypatch):
    """The finiteness check is read once per epoch; a NaN in any batch of it is found (not only the last)."""
    X, y, spec = mfeat_small
    from sklearn_redcore._redcore_training import RedCoreNet

    original, seen = RedCoreNet.training_objective, []

    def poisoned(self, parts):
        loss = original(self, parts)
        seen.append(len(self.history))
        first_of_epoch_2 = len(self.history) == 2 and seen.count(2) == 1
        return loss * float("nan") if first_of_epoch_2 else loss

    monkeypatch.setattr(RedCoreNet, "training_objective", poisoned)
    with pytest.raises(FloatingPointError, match=r"became nan at epoch 2\."):
        RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 4, "batch_size": 50})).fit(X, y)
    assert seen.count(2) == int(np.ceil(len(y) / 50))  # the epoch ran to its end, then stopped
    assert 3 not in seen
