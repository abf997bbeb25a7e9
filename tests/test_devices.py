"""Models fitted on a GPU load and predict on a machine without one (checked here without a GPU)."""

import pickle

import joblib
import numpy as np
import pytest
import torch
import torch.serialization

from sklearn_redcore._registry import all_estimators

from .conftest import small_estimator

MULTIMODAL = all_estimators("multimodal")
_GENERATOR_STATE_BYTES = torch.Generator().get_state().numel()


def _as_if_fitted_on_cuda(estimator, monkeypatch):
    """Pickle a CPU-fitted model as a GPU-fitted one is pickled: its device says cuda, and so does every
    tensor's storage location as torch records it (but the shuffling generator's, which stays on the CPU)."""
    estimator.set_params(device="cuda")
    estimator.net_.device = "cuda"

    def location(storage):
        return "cpu" if storage.nbytes() == _GENERATOR_STATE_BYTES else "cuda:0"

    with monkeypatch.context() as patch:
        patch.setattr(torch.serialization, "location_tag", location)
        return pickle.dumps(estimator)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the loading on a machine without a GPU")
@pytest.mark.parametrize("cls", [cls for _, cls in MULTIMODAL], ids=[name for name, _ in MULTIMODAL])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_model_pickled_on_a_gpu_loads_and_predicts_on_the_cpu(cls, early_stopping, mfeat_small, monkeypatch):
    X, y, spec = mfeat_small
    # Early stopping keeps its best weights in its callback; weight averaging its parameters (RedCore).
    clf = small_estimator(cls, spec, max_epochs=3, early_stopping=early_stopping, random_state=0).fit(X, y)
    expected = clf.predict(X)
    blob = _as_if_fitted_on_cuda(clf, monkeypatch)
    with pytest.warns(UserWarning, match="CUDA"):
        loaded = pickle.loads(blob)
    assert str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict(X), expected)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the loading on a machine without a GPU")
def test_a_joblib_file_of_a_gpu_model_loads_on_the_cpu(mfeat_small, monkeypatch, tmp_path):
    X, y, spec = mfeat_small
    clf = small_estimator(dict(MULTIMODAL)["RedCoreClassifier"], spec, max_epochs=3, random_state=0).fit(X, y)
    expected = clf.predict_proba(X)
    with pytest.warns(UserWarning, match="CUDA"):
        pickle.loads(_as_if_fitted_on_cuda(clf, monkeypatch))  # (sets the device attributes to cuda)
    with monkeypatch.context() as patch:
        patch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
        joblib.dump(clf.net_.module_.state_dict(), tmp_path / "tagged.joblib")
    with pytest.raises(RuntimeError, match="CUDA"):  # what a tensor outside skorch's care would do
        joblib.load(tmp_path / "tagged.joblib")
    clf.set_params(device="cuda")
    clf.net_.device = "cuda"
    with monkeypatch.context() as patch:
        patch.setattr(
            torch.serialization,
            "location_tag",
            lambda storage: "cpu" if storage.nbytes() == _GENERATOR_STATE_BYTES else "cuda:0",
        )
        joblib.dump(clf, tmp_path / "model.joblib")
    with pytest.warns(UserWarning, match="CUDA"):
        loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
