"""Safe model files: exact round trips, and files that must not load."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch

from sklearn_redcore import (
    AMAEClassifier,
    CRAClassifier,
    MMINClassifier,
    RedCoreClassifier,
    load_model,
    save_model,
)

from .conftest import FAST

SMALL = dict(n_latent=8, encoder_hidden=(16,), classifier_hidden=16, max_epochs=3, batch_size=64)
ESTIMATORS = {
    "RedCore": lambda spec: RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 3})),
    "MMIN": lambda spec: MMINClassifier(spec, training="all", cra_widths=(8,), cra_blocks=1, random_state=0, **SMALL),
    "CRA": lambda spec: CRAClassifier(spec, cra_widths=(8,), cra_blocks=1, random_state=0, **SMALL),
    "AMAE": lambda spec: AMAEClassifier(spec, n_heads=2, feedforward=16, random_state=0, **SMALL),
}


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_round_trip_keeps_predictions_parameters_and_fitted_state(name, mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    labels = np.array([f"digit {d}" for d in y])
    spec = {"zer": slice(0, 47), "mor": range(47, 53), "fou": list(spec["fou"])}
    clf = ESTIMATORS[name](spec).fit(X, labels)
    save_model(clf, tmp_path / "model.pt")
    loaded = load_model(tmp_path / "model.pt")
    assert type(loaded) is type(clf)
    assert loaded.get_params() == clf.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    for attribute in ("classes_", "missing_rate_", "input_mean_", "input_scale_", "class_prior_"):
        np.testing.assert_array_equal(getattr(loaded, attribute), getattr(clf, attribute))
    assert loaded.classes_.dtype == clf.classes_.dtype and loaded.n_iter_ == clf.n_iter_
    assert {k: v.tolist() for k, v in loaded.modalities_.items()} == {k: v.tolist() for k, v in clf.modalities_.items()}
    if name == "RedCore":
        np.testing.assert_array_equal(loaded.eta_history_, clf.eta_history_)
        # Algorithm 1's state, including the references of advantage_reference="initial".
        for key in ("eta", "moving_loss", "reference_loss"):
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
    clf = ESTIMATORS["CRA"](spec).fit(X, y)
    save_model(clf, tmp_path / "good.pt")
    payload = torch.load(tmp_path / "good.pt", weights_only=True)
    marker = tmp_path / "code-ran"
    payload["fitted"]["classes_"] = _Payload(marker)
    torch.save(payload, tmp_path / "tampered.pt")
    with pytest.raises(ValueError, match="nothing in it was executed"):
        load_model(tmp_path / "tampered.pt")
    assert not marker.exists()
    # A plain pickle of the estimator is refused by the safe reader too.
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(clf))
    with pytest.raises(ValueError, match="not a safe sklearn-redcore model file"):
        load_model(tmp_path / "model.pkl")
    (tmp_path / "noise.pt").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(ValueError, match="not a safe sklearn-redcore model file"):
        load_model(tmp_path / "noise.pt")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda p: p.update({"class": "Popen"}), "not one of the package's estimators"),
        (lambda p: p.update({"format": "other"}), "not a sklearn-redcore model file"),
        (lambda p: p.update({"format_version": 99}), "newer version"),
        (lambda p: p["fitted"].update({"predict": 1}), "unexpected fitted attribute"),
        (lambda p: p["params"]["__dict__"].update({"bogus": 1}), "does not accept"),
        (lambda p: p["module"].popitem(), "does not match"),
    ],
)
def test_altered_but_loadable_files_give_clear_errors(edit, match, mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    save_model(ESTIMATORS["CRA"](spec).fit(X, y), tmp_path / "good.pt")
    payload = torch.load(tmp_path / "good.pt", weights_only=True)
    edit(payload)
    torch.save(payload, tmp_path / "edited.pt")
    with pytest.raises(ValueError, match=match):
        load_model(tmp_path / "edited.pt")


def test_save_refuses_what_it_cannot_write(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    with pytest.raises(ValueError, match="not fitted"):
        save_model(RedCoreClassifier(spec), tmp_path / "m.pt")
    with pytest.raises(TypeError, match="saves the package's estimators"):
        save_model(torch.nn.Linear(2, 2), tmp_path / "m.pt")
    clf = ESTIMATORS["CRA"](spec).fit(X, y)
    clf.set_params(modalities={"all": object()})  # not a plain value
    with pytest.raises(TypeError, match="cannot be saved in the safe format"):
        save_model(clf, tmp_path / "m.pt")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_model_fitted_on_an_absent_gpu_loads_on_the_cpu(mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = ESTIMATORS["CRA"](spec).fit(X, y)
    payload_path = tmp_path / "m.pt"
    save_model(clf, payload_path)
    payload = torch.load(payload_path, weights_only=True)
    payload["params"]["__dict__"]["device"] = "cuda:7"
    torch.save(payload, payload_path)
    if torch.cuda.device_count() > 7:
        pytest.skip("this machine has a cuda:7")
    with pytest.warns(UserWarning, match="loaded on the CPU"):
        loaded = load_model(payload_path)
    assert loaded.device == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("transform", ["robust", "quantile", "auto"])
def test_round_trip_of_the_fitted_input_transforms(transform, mfeat_small, tmp_path):
    X, y, spec = mfeat_small
    clf = ESTIMATORS["CRA"](spec).set_params(feature_transform=transform).fit(X, y)
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
    save_model(ESTIMATORS["RedCore"](spec).fit(X, y), tmp_path / "model.pt")
    payload = torch.load(tmp_path / "model.pt", weights_only=True)
    payload["format_version"] = 1
    torch.save(payload, tmp_path / "old.pt")
    with pytest.raises(ValueError, match="development version .* fit the model again"):
        load_model(tmp_path / "old.pt")
