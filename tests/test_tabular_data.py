"""The shipped tables (image segments, penguins) and make_tabular_classification."""

import numpy as np
import pytest
from scipy.stats import kurtosis
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_redcore import modality_presence
from sklearn_redcore.datasets import load_image_segments, load_penguins, make_tabular_classification


def _partition(modalities, n_columns):
    columns = np.concatenate([np.asarray(c) for c in modalities.values()])
    return np.array_equal(np.sort(columns), np.arange(n_columns))


# ------------------------------------------------------------------ loaders
def test_image_segments_three_modalities_seven_balanced_classes():
    data = load_image_segments()
    assert data.data.shape == (2310, 18) and data.data.dtype == np.float64
    assert {name: len(c) for name, c in data.modalities.items()} == {"spatial": 8, "rgb": 7, "hsv": 3}
    assert _partition(data.modalities, 18) and np.isfinite(data.data).all()
    names, counts = np.unique(data.target, return_counts=True)
    assert names.tolist() == data.target_names.tolist() and counts.tolist() == [330] * 7
    assert data.feature_names[:2] == ["region_centroid_col", "region_centroid_row"]
    assert [data.feature_names[i] for i in data.modalities["hsv"]] == ["value_mean", "saturation_mean", "hue_mean"]
    assert "CC BY 4.0" in data.DESCR
    X, y = load_image_segments(return_X_y=True)
    np.testing.assert_array_equal(X, data.data)  # the same values at every load
    np.testing.assert_array_equal(y, data.target)


def test_penguins_isotopes_missing_as_in_the_source():
    data = load_penguins()
    assert data.data.shape == (342, 6)
    assert {name: len(c) for name, c in data.modalities.items()} == {"bill": 2, "body": 2, "isotopes": 2}
    assert _partition(data.modalities, 6)
    assert not np.isnan(data.data[:, :4]).any()  # only the isotopes are ever missing
    assert np.isnan(data.data[:, 4:]).any(axis=1).sum() == 12
    assert (~modality_presence(data.data, data.modalities)).sum(axis=0).tolist() == [0, 0, 11]
    assert dict(zip(*np.unique(data.target, return_counts=True))) == {"Adelie": 151, "Chinstrap": 68, "Gentoo": 123}
    assert 30 < np.nanmean(data.data[:, 0]) < 50 and 2500 < data.data[:, 3].min()  # bill in mm, mass in g
    frame = load_penguins(as_frame=True).frame
    assert list(frame.columns[:2]) == ["bill_length_mm", "bill_depth_mm"] and frame["target"].iloc[0] == "Adelie"


# ---------------------------------------------------------------- generator
def test_generator_layout_kinds_and_reproducibility():
    a = make_tabular_classification(500, modality_dims=(6, 4, 5), n_classes=4, random_state=0)
    b = make_tabular_classification(500, modality_dims=(6, 4, 5), n_classes=4, random_state=0)
    assert a.data.shape == (500, 15) and _partition(a.modalities, 15)
    assert [len(c) for c in a.modalities.values()] == [6, 4, 5]
    assert np.isfinite(a.data).all() and set(np.unique(a.target)) == {0, 1, 2, 3}
    assert np.bincount(a.target).min() > 500 / 4 / 2  # about balanced
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.target, b.target)
    assert not np.array_equal(a.data, make_tabular_classification(500, modality_dims=(6, 4, 5), random_state=1).data)
    assert a.feature_kinds["m0"] == ["normal", "skewed", "heavy_tailed", "discrete", "categorical", "normal"]
    assert len(a.feature_names) == 15 and a.feature_names[6] == "m1_normal_0"


def test_each_kind_has_its_shape():
    data = make_tabular_classification(3000, modality_dims=(5,), random_state=0)
    normal, skewed, heavy, discrete, categorical = data.data.T
    assert abs(kurtosis(normal)) < 0.5 and (skewed > 0).all() and np.mean(skewed) > 1.5 * np.median(skewed)
    assert kurtosis(heavy) > 10  # far outliers
    for codes in (discrete, categorical):
        assert set(np.unique(codes)) == {0.0, 1.0, 2.0, 3.0, 4.0}
    log = np.log(skewed)  # the exponential of a standardised signal
    assert abs(log.mean()) < 1e-9 and abs(log.std() - 1) < 1e-9 and abs(kurtosis(log)) < 0.5


def _f1(model, X, y):
    return cross_val_score(model, X, y, cv=3, scoring="f1_weighted").mean()


def test_interactions_favour_trees_and_fusion_pays():
    linear_model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    trees = HistGradientBoostingClassifier(max_iter=60, random_state=0)
    data = make_tabular_classification(1500, random_state=0)
    assert _f1(trees, data.data, data.target) > _f1(linear_model, data.data, data.target) + 0.03  # 0.81, 0.74
    single = max(_f1(linear_model, data.data[:, c], data.target) for c in data.modalities.values())
    assert _f1(linear_model, data.data, data.target) > single + 0.05  # each modality holds its own evidence
    plain = make_tabular_classification(1500, feature_kinds=("normal",), interaction=0.0, random_state=0)
    assert _f1(linear_model, plain.data, plain.target) > _f1(trees, plain.data, plain.target)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(modality_dims=()), "modality_dims"),
        (dict(feature_kinds=("normal", "binary")), "feature_kinds"),
        (dict(n_latent=1), "n_latent"),
        (dict(interaction=1.5), "interaction"),
        (dict(shared=-0.1), "shared"),
        (dict(noise=[1.0, 2.0]), "one entry per modality"),
        (dict(n_classes=1), "n_classes"),
        (dict(class_sep=-1.0), "class_sep"),
    ],
)
def test_generator_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_tabular_classification(100, **kwargs)
