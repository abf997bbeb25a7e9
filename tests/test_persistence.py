"""Safe model files: exact round trips, and files that must not load."""

import hashlib
import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import ClassifierMixin

from sklearn_redcore import CRAClassifier, RedCoreClassifier, load_model, save_model
from sklearn_redcore._registry import all_estimators
from sklearn_redcore.datasets import make_sequence_classification

from ._model_files import edit_model_file
from .conftest import FAST, TINY_NETWORK, small_estimator

MULTIMODAL = all_estimators("multimodal")


def _cra(spec, **params):
    return small_estimator(CRAClassifier, spec, max_epochs=3, random_state=0, **params)


@pytest.mark.parametrize("cls", [cls for _, cls in MULTIMODAL], ids=[name for name, _ in MULTIMODAL])
def test_round_trip_keeps_predictions_parameters_and_fitted_state(cls, mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    classifier = issubclass(cls, ClassifierMixin)
    target = np.array([f"digit {d}" for d in y]) if classifier else y + 0.5 * np.nan_to_num(X[:, 0])
    spec = {"zer": slice(0, 47), "mor": range(47, 53), "fou": list(spec["fou"])}
    clf = small_estimator(cls, spec, max_epochs=3, random_state=0).fit(X, target)
    save_model(clf, tmp_path / "model.pt")
    loaded = load_model(tmp_path / "model.pt")
    assert type(loaded) is type(clf)
    assert loaded.get_params() == clf.get_params()
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    attributes = ["missing_rate_", "input_mean_", "input_scale_", "n_iter_", "n_features_in_"]
    if classifier:
        np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
        attributes += ["classes_", "class_prior_"]
        assert loaded.classes_.dtype == clf.classes_.dtype
    for attribute in attributes:
        np.testing.assert_array_equal(getattr(loaded, attribute), getattr(clf, attribute))
    assert {k: v.tolist() for k, v in loaded.modalities_.items()} == {k: v.tolist() for k, v in clf.modalities_.items()}
    if hasattr(clf, "eta_"):
        np.testing.assert_array_equal(loaded.eta_history_, clf.eta_history_)
        # Algorithm 1's state, including the references of advantage_reference="initial" and the step count.
        for key in ("eta", "moving_loss", "reference_loss", "n_steps"):
            np.testing.assert_array_equal(getattr(loaded.net_.regulator, key), getattr(clf.net_.regulator, key))


def test_dataframe_names_and_warm_start_after_loading(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    named = {m: [f"c{i}" for i in cols] for m, cols in spec.items()}
    clf = RedCoreClassifier(named, random_state=0, warm_start=True, **(FAST | {"max_epochs": 3})).fit(frame, y)
    save_model(clf, tmp_path / "m.pt")
    loaded = load_model(tmp_path / "m.pt")
    np.testing.assert_array_equal(loaded.feature_names_in_, clf.feature_names_in_)
    np.testing.assert_array_equal(loaded.predict_proba(frame), clf.predict_proba(frame))
    # Continuing the loaded model is continuing the saved one: same weights, same Adam and eta state.
    clf.fit(frame, y)
    loaded.fit(frame, y)
    assert loaded.n_iter_ == 6
    np.testing.assert_allclose(loaded.predict_proba(frame), clf.predict_proba(frame), atol=1e-6)
    np.testing.assert_array_equal(loaded.eta_, clf.eta_)


class _Payload:
    """Runs code when unpickled: what a malicious model file would do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_file_that_would_run_code_is_refused_without_running_it(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = _cra(spec).fit(X, y)
    marker = tmp_path / "code-ran"
    # torch's own format (a pickle in a zip), as the package wrote before 0.1.0, carrying code.
    torch.save({"format": "sklearn-redcore model", "fitted": {"classes_": _Payload(marker)}}, tmp_path / "tampered.pt")
    with pytest.raises(ValueError, match="nothing in it was executed"):
        load_model(tmp_path / "tampered.pt")
    assert not marker.exists()
    # A plain pickle of the estimator is refused too.
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(clf))
    with pytest.raises(ValueError, match="not a safe sklearn-redcore model file"):
        load_model(tmp_path / "model.pkl")
    (tmp_path / "noise.pt").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(ValueError, match="not a safe sklearn-redcore model file"):
        load_model(tmp_path / "noise.pt")


def _rename_a_weight(document, blobs):
    weights = document["module"]["__dict__"]
    weights["renamed"] = weights.pop(next(iter(weights)))


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda p, b: p.update({"class": "Popen"}), "not one of the package's estimators"),
        (lambda p, b: p.update({"format": "other"}), "not a sklearn-redcore model file"),
        (lambda p, b: p.update({"format_version": 99}), "newer version"),
        (lambda p, b: p["fitted"]["__dict__"].update({"predict": 1}), "unexpected fitted attribute"),
        (lambda p, b: p["params"]["__dict__"].update({"bogus": 1}), "does not accept"),
        (_rename_a_weight, "does not match"),
    ],
)
def test_altered_but_loadable_files_give_clear_errors(edit, match, mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    save_model(_cra(spec).fit(X, y), tmp_path / "good.pt")
    edit_model_file(tmp_path / "good.pt", tmp_path / "edited.pt", edit)
    with pytest.raises(ValueError, match=match):
        load_model(tmp_path / "edited.pt")


def test_a_file_altered_after_writing_is_refused(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    save_model(_cra(spec).fit(X, y), tmp_path / "good.pt")
    # 100 bytes of a weight overwritten, the zip's own checksums made right again: the digest tells.
    with zipfile.ZipFile(tmp_path / "good.pt") as source, zipfile.ZipFile(tmp_path / "edited.pt", "w") as target:
        arrays = [info for info in source.infolist() if info.filename.startswith("arrays/")]
        weights = max(arrays, key=lambda info: info.file_size).filename
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[:64] + b"\x7f" * 100 + data[164:] if name == weights else data)
    with pytest.raises(ValueError, match="digest does not match"):
        load_model(tmp_path / "edited.pt")


def test_save_refuses_what_it_cannot_write(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    with pytest.raises(ValueError, match="not fitted"):
        save_model(RedCoreClassifier(spec), tmp_path / "m.pt")
    with pytest.raises(TypeError, match="saves the package's estimators"):
        save_model(torch.nn.Linear(2, 2), tmp_path / "m.pt")
    clf = _cra(spec).fit(X, y)
    clf.set_params(modalities={"all": object()})  # not a plain value
    with pytest.raises(TypeError, match="cannot be saved in the safe format"):
        save_model(clf, tmp_path / "m.pt")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_model_fitted_on_an_absent_gpu_loads_on_the_cpu(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = _cra(spec).fit(X, y)
    payload_path = tmp_path / "m.pt"
    save_model(clf, payload_path)
    edit_model_file(payload_path, payload_path, lambda p, b: p["params"]["__dict__"].update(device="cuda:7"))
    if torch.cuda.device_count() > 7:
        pytest.skip("this machine has a cuda:7")
    with pytest.warns(UserWarning, match="loaded on the CPU"):
        loaded = load_model(payload_path)
    assert loaded.device == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("transform", ["robust", "quantile", "auto"])
def test_round_trip_of_the_fitted_input_transforms(transform, mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = _cra(spec).set_params(feature_transform=transform).fit(X, y)
    save_model(clf, tmp_path / "model.pt")
    loaded = load_model(tmp_path / "model.pt")
    assert loaded.inputs_.feature_transform == transform
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    if transform == "quantile":
        np.testing.assert_array_equal(loaded.inputs_.quantiles_, clf.inputs_.quantiles_)
        np.testing.assert_array_equal(loaded.inputs_.quantile_counts_, clf.inputs_.quantile_counts_)
    if transform == "auto":
        np.testing.assert_array_equal(loaded.inputs_.robust_columns_, clf.inputs_.robust_columns_)


def test_a_file_of_an_older_format_is_refused_with_a_clear_error(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    save_model(_cra(spec).fit(X, y), tmp_path / "model.pt")
    edit_model_file(tmp_path / "model.pt", tmp_path / "old.pt", lambda p, b: p.update(format_version=1))
    with pytest.raises(ValueError, match="development version .* fit the model again"):
        load_model(tmp_path / "old.pt")
    # The format before (torch.save's pickles) is named, and never unpickled.
    torch.save({"format": "sklearn-redcore model", "format_version": 2}, tmp_path / "torch.pt")
    with pytest.raises(ValueError, match="holds a pickle .* fit the model again"):
        load_model(tmp_path / "torch.pt")


def test_the_file_is_json_and_arrays_in_a_stored_zip_with_a_digest(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    save_model(_cra(spec).fit(X, y), tmp_path / "model.pt")
    with zipfile.ZipFile(tmp_path / "model.pt") as archive:
        infos = archive.infolist()
        document = json.loads(archive.read("model.json"))
        digest = hashlib.sha256(archive.read("model.json"))
        for i in range(len(document["arrays"])):
            digest.update(archive.read(f"arrays/{i}"))
        assert archive.read("model.sha256").decode() == digest.hexdigest()
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    assert sorted(info.filename for info in infos) == sorted(
        ["model.json", "model.sha256", *(f"arrays/{i}" for i in range(len(document["arrays"])))]
    )
    assert (document["format"], document["format_version"], document["class"]) == (
        "sklearn-redcore model",
        3,
        "CRAClassifier",
    )
    assert {entry["dtype"] for entry in document["arrays"]} <= {"float32", "float64", "int64", "uint8", "bool"}


@pytest.mark.parametrize(
    "network",
    [
        {"sequence_encoder": "transformer", "transformer_width": 8, "transformer_heads": 2, "transformer_layers": 1},
        {"sequence_encoder": "conv", "conv_channels": 4, "conv_blocks": 1},
        {"sequence_encoder": "rocket", "rocket_features": 252},
        {"sequence_encoder": "mlp", "numerical_embedding": "periodic", "embedding_dim": 4},
    ],
    ids=["transformer", "conv", "rocket", "mlp+periodic"],
)
def test_round_trip_of_every_kind_of_network_continues_training_identically(network, tmp_path):
    data = make_sequence_classification(60, modality_shapes=[(6, 3), (5, 2)], n_classes=2, random_state=0)
    X = np.hstack([data.data, np.random.RandomState(1).normal(size=(60, 2))])
    spec = {**data.modalities, "v": [X.shape[1] - 2, X.shape[1] - 1]}
    params = TINY_NETWORK | network | {"max_epochs": 2, "warm_start": True, "random_state": 0}
    clf = RedCoreClassifier(spec, **params).fit(X, data.target)
    save_model(clf, tmp_path / "model.pt")
    loaded = load_model(tmp_path / "model.pt")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    for name, tensor in clf.net_.module_.state_dict().items():
        torch.testing.assert_close(loaded.net_.module_.state_dict()[name], tensor, rtol=0, atol=0)
    np.testing.assert_array_equal(loaded.fit(X, data.target).predict_proba(X), clf.fit(X, data.target).predict_proba(X))
