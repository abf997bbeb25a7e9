"""Sample and class weights: what they mean, exactly, and that they route through scikit-learn."""

import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score, make_scorer, recall_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_redcore import RedCoreClassifier, load_model, save_model
from sklearn_redcore._network import RedCoreModule
from sklearn_redcore._registry import all_estimators
from sklearn_redcore._training import WEIGHT_KEY
from sklearn_redcore.datasets import make_multimodal_classification

from .conftest import FAST, network_arguments, small_estimator

MULTIMODAL = all_estimators("multimodal")


def _data(n=200, seed=0):
    data = make_multimodal_classification(n, modality_dims=(4, 3), n_classes=3, random_state=seed)
    X = data.data.copy()
    X[::4, :4] = np.nan  # the first modality missing in a quarter of the samples
    return X, data.target, data.modalities


@pytest.mark.parametrize("cls", [cls for _, cls in MULTIMODAL], ids=[name for name, _ in MULTIMODAL])
def test_weight_zero_is_the_sample_left_out_and_equal_weights_are_no_weights(cls):
    X, y, spec = _data()
    y = y if issubclass(cls, ClassifierMixin) else y + np.nan_to_num(X[:, 4])  # a regressor's continuous target

    def make():
        return small_estimator(cls, spec, max_epochs=5, random_state=0)

    def outputs(model):
        return model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)

    weight = np.ones(len(y))
    weight[::7] = 0.0
    weighted = make().fit(X, y, sample_weight=weight)
    dropped = make().fit(X[weight > 0], y[weight > 0])
    np.testing.assert_array_equal(outputs(weighted), outputs(dropped))
    equal = make().fit(X, y, sample_weight=np.full(len(y), 2.5))
    plain = make().fit(X, y)
    np.testing.assert_array_equal(outputs(equal), outputs(plain))
    assert not np.array_equal(outputs(weighted), outputs(plain))  # leaving samples out changes the model


def test_an_integer_weight_counts_as_repeated_rows_in_every_loss_term():
    torch.manual_seed(0)
    module = RedCoreModule(**network_arguments([4, 3], 3, n_latent=5)).eval()
    x = torch.randn(6, 7)
    present = torch.tensor([[1, 1], [1, 0], [0, 1], [1, 1], [1, 1], [0, 1]], dtype=torch.bool)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    counts = torch.tensor([1, 3, 2, 1, 0, 2])
    weighted = module.loss(module(x * present.repeat_interleave(torch.tensor([4, 3]), 1), present), y, counts.float())
    rows = torch.arange(6).repeat_interleave(counts)
    x_rep, present_rep = x[rows], present[rows]
    repeated = module.loss(module(x_rep * present_rep.repeat_interleave(torch.tensor([4, 3]), 1), present_rep), y[rows])
    for name in ("vib", "imputation", "joint", "unimodal"):
        torch.testing.assert_close(getattr(weighted, name), getattr(repeated, name))


def test_validation_loss_of_early_stopping_is_weighted():
    X, y, spec = _data(300)
    weight = np.where(y == 0, 3.0, 1.0)
    clf = RedCoreClassifier(spec, early_stopping=True, random_state=0, **(FAST | {"max_epochs": 3}))
    clf.fit(X, y, sample_weight=weight)
    data = clf.inputs_.transform(X[:50]).to_tensors("cpu", with_steps=True)
    data[WEIGHT_KEY] = torch.as_tensor(weight[:50], dtype=torch.float32)
    target = torch.as_tensor(y[:50])
    with torch.no_grad():
        out = clf.net_.infer(data)
        loss = clf.net_.get_loss(out, target, X=data, training=False)
    per_sample = torch.nn.functional.cross_entropy(out.logits, target, reduction="none")
    expected = (per_sample * data[WEIGHT_KEY]).sum() / data[WEIGHT_KEY].sum()
    torch.testing.assert_close(loss, expected)
    assert not torch.isclose(loss, per_sample.mean())


def test_balanced_class_weight_raises_the_recall_of_a_rare_class():
    data = make_multimodal_classification(
        2000, modality_dims=(5, 5), n_classes=2, class_sep=0.6, noise=1.5, random_state=1
    )
    rng = np.random.default_rng(0)
    keep = (data.target == 0) | (rng.random(len(data.target)) < 1 / 9)  # about 1:9
    X, y = data.data[keep], data.target[keep]
    train, test = np.arange(len(y)) % 3 != 0, np.arange(len(y)) % 3 == 0
    recalls = {}
    for class_weight in (None, "balanced"):
        clf = RedCoreClassifier(data.modalities, class_weight=class_weight, random_state=0, **FAST)
        clf.fit(X[train], y[train])
        recalls[class_weight] = recall_score(y[test], clf.predict(X[test]), pos_label=1)
    assert recalls["balanced"] > recalls[None] + 0.28, recalls  # measured 0.33 and 0.0


def test_class_weight_is_the_sample_weight_of_each_class():
    X, y, spec = _data()
    params = dict(random_state=0, **(FAST | {"max_epochs": 3}))
    by_class = RedCoreClassifier(spec, class_weight={0: 3.0, 2: 0.5}, **params).fit(X, y)  # class 1: weight 1
    by_sample = RedCoreClassifier(spec, **params).fit(X, y, sample_weight=np.select([y == 0, y == 2], [3.0, 0.5], 1.0))
    np.testing.assert_array_equal(by_class.predict_proba(X), by_sample.predict_proba(X))
    plain = RedCoreClassifier(spec, **params).fit(X, y)
    assert np.abs(by_class.predict_proba(X) - plain.predict_proba(X)).max() > 0.01


def test_class_weight_multiplies_sample_weight_and_shapes_the_prior():
    X, y, spec = _data()
    clf = RedCoreClassifier(spec, class_weight={0: 2.0}, random_state=0, **(FAST | {"max_epochs": 1}))
    clf.fit(X, y, sample_weight=np.where(y == 1, 0.5, 1.0))
    counts = np.bincount(y) * np.array([2.0, 0.5, 1.0])
    np.testing.assert_allclose(clf.class_prior_, counts / counts.sum())


def test_weights_route_through_a_pipeline_and_a_grid_search():
    X, y, spec = _data()
    weight = np.where(y == 2, 4.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 2})).set_fit_request(sample_weight=True)
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)  # weighted accuracy
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), clf)
        search = GridSearchCV(pipe, {"redcoreclassifier__xi2": [0.15, 0.3]}, scoring=scorer, cv=2)
        search.fit(X, y, sample_weight=weight)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    direct = RedCoreClassifier(spec, random_state=0, xi2=search.best_params_["redcoreclassifier__xi2"])
    direct.set_params(**(FAST | {"max_epochs": 2}))
    direct.fit(StandardScaler().fit_transform(X), y, sample_weight=weight)
    np.testing.assert_allclose(search.best_estimator_[-1].class_prior_, direct.class_prior_)


def test_clear_errors_and_a_model_file(tmp_path):
    X, y, spec = _data()
    clf = RedCoreClassifier(spec, random_state=0, **(FAST | {"max_epochs": 1}))
    with pytest.raises(ValueError, match="(?i)negative"):
        clf.fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="shape|samples"):
        clf.fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="weight 0|zero"):
        clf.fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="class 7"):
        clf.set_params(class_weight={7: 2.0}).fit(X, y)
    clf.set_params(class_weight={0: 3.0, 1: 1.0, 2: 1.0}).fit(X, y)
    save_model(clf, tmp_path / "model.pt")
    loaded = load_model(tmp_path / "model.pt")
    assert loaded.get_params()["class_weight"] == {0: 3.0, 1: 1.0, 2: 1.0}
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
