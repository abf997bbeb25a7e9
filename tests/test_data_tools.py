"""Modality specifications, simulated missingness, shipped data, combination scores."""

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_redcore import (
    ModalityMasker,
    evaluate_modality_combinations,
    mask_modalities,
    modality_presence,
)
from sklearn_redcore._inputs import resolve_modalities
from sklearn_redcore.datasets import load_mfeat

NAMES = np.array(["a1", "a2", "b1", "c1", "c2"])


@pytest.mark.parametrize(
    "spec, expected",
    [
        (None, {"all": [0, 1, 2, 3, 4]}),
        ({"a": [0, 1], "b": 2, "c": slice(3, 5)}, {"a": [0, 1], "b": [2], "c": [3, 4]}),
        ([range(0, 2), [2], np.array([3, -1])], {"m0": [0, 1], "m1": [2], "m2": [3, 4]}),
        ({"a": ["a1", "a2"], "rest": ["b1", "c1", "c2"]}, {"a": [0, 1], "rest": [2, 3, 4]}),
    ],
)
def test_resolve_modalities_forms(spec, expected):
    resolved = resolve_modalities(spec, 5, NAMES)
    assert {k: v.tolist() for k, v in resolved.items()} == expected


@pytest.mark.parametrize(
    "spec, match",
    [
        ({"a": [0, 1], "b": [1, 2]}, "Column 'a2' belongs to two modalities, 'a' and 'b'"),
        ({"a": [0, 7]}, "index 7 is out of range"),
        ({"a": []}, "'a' has no columns"),
        ({"a": ["zz"]}, r"unknown column name\(s\) \['zz'\]"),
        ({}, "empty"),
        ({"a": [0, 0]}, "twice"),
        ({1: [0], "1": [2]}, "Two modalities are named '1'"),  # an error: one does not silently replace the other
    ],
)
def test_resolve_modalities_errors(spec, match):
    with pytest.raises(ValueError, match=match):
        resolve_modalities(spec, 5, NAMES, warn_unused=False)


def test_names_need_a_dataframe_and_unused_columns_warn():
    with pytest.raises(ValueError, match="no column names"):
        resolve_modalities({"a": ["a1"]}, 5, None)
    with pytest.warns(UserWarning, match="2 of the 5 columns"):
        resolve_modalities({"a": [0, 1, 2]}, 5, None)


def test_modality_presence_is_all_nan_rule():
    X = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan], [np.nan, 2.0, np.nan]])
    C = modality_presence(X, {"a": [0, 1], "b": [2]})
    np.testing.assert_array_equal(C, [[True, True], [False, False], [True, False]])


def test_mask_modalities_rates_and_guarantees():
    X = np.arange(3000.0).reshape(1000, 3)
    spec = {"a": [0], "b": [1], "c": [2]}
    Xm = mask_modalities(X, spec, [0.2, 0.5, 0.0], random_state=1)
    C = modality_presence(Xm, spec)
    assert C.any(axis=1).all()  # every sample keeps a modality
    # Independent draws: losing all of a and b happens 10% of the time, but c is never lost.
    np.testing.assert_allclose(1 - C.mean(0), [0.2, 0.5, 0.0])
    np.testing.assert_array_equal(Xm[C[:, 0], 0], X[C[:, 0], 0])  # kept values unchanged
    assert np.isnan(X).sum() == 0  # input untouched
    np.testing.assert_array_equal(Xm, mask_modalities(X, spec, [0.2, 0.5, 0.0], random_state=1))


def test_mask_modalities_high_shared_rate_restores_one_modality():
    X = np.ones((3000, 3))
    spec = [[0], [1], [2]]
    C = modality_presence(mask_modalities(X, spec, 0.8, random_state=0), spec)
    assert C.any(axis=1).all()
    rates = 1 - C.mean(0)
    assert np.all((rates > 0.55) & (rates < 0.7))  # 0.8 - 0.8**3 / 3 ~ 0.63


def test_mask_modalities_dataframe_and_dict_rates():
    df = pd.DataFrame(np.ones((200, 3)), columns=["x", "y", "z"], index=np.arange(200) + 10)
    out = mask_modalities(df, {"xy": ["x", "y"], "z": ["z"]}, {"z": 0.5}, random_state=0)
    assert isinstance(out, pd.DataFrame) and list(out.index) == list(df.index)
    assert out["z"].isna().mean() == 0.5 and out["x"].isna().sum() == 0


@pytest.mark.parametrize("rates, match", [(1.0, r"\[0, 1\)"), ([0.1], "2 modalities"), ({"q": 0.1}, "unknown")])
def test_mask_modalities_errors(rates, match):
    with pytest.raises(ValueError, match=match):
        mask_modalities(np.ones((10, 2)), {"a": [0], "b": [1]}, rates)


def test_modality_masker_transformer():
    X = np.ones((100, 4))
    masker = ModalityMasker({"a": [0, 1], "b": [2, 3]}, missing_rates=[0.3, 0.3], random_state=0)
    Xm = masker.fit_transform(X)
    assert np.isnan(Xm).any() and masker.n_features_in_ == 4
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        ModalityMasker(missing_rates=1.5).fit(X)


def test_load_mfeat():
    data = load_mfeat()
    assert data.data.shape == (2000, 649)
    assert [len(c) for c in data.modalities.values()] == [76, 216, 64, 240, 47, 6]
    assert np.array_equal(np.bincount(data.target), np.full(10, 200))
    assert np.isfinite(data.data).all() and "CC BY 4.0" in data.DESCR
    X, y = load_mfeat(views=["mor", "zer"], return_X_y=True, as_frame=True)
    assert list(X.columns[:2]) == ["mor_0", "mor_1"] and X.shape == (2000, 53) and y.name == "digit"
    # views are the same numbers wherever they are loaded from
    np.testing.assert_array_equal(X.to_numpy()[:, :6], data.data[:, -6:])
    with pytest.raises(ValueError, match="views"):
        load_mfeat(views=["fou", "nope"])


def test_evaluate_modality_combinations_layout_and_values():
    data = load_mfeat(views=["zer", "mor"])
    model = make_pipeline(StandardScaler(), SimpleImputer(keep_empty_features=True), LogisticRegression())
    model.fit(data.data, data.target)
    table = evaluate_modality_combinations(model, data.data, data.target, data.modalities, scoring="accuracy")
    assert list(table.columns) == ["zer", "mor", "zer+mor", "Ave."]
    assert table.index.tolist() == ["accuracy"]
    assert table["Ave."].iloc[0] == pytest.approx(table.iloc[0, :3].mean())
    # zer+mor is the complete data: same score as the model's own
    assert table["zer+mor"].iloc[0] == pytest.approx(model.score(data.data, data.target))
    assert table["mor"].iloc[0] < table["zer+mor"].iloc[0]
