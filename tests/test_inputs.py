"""ModalityInputs: the fitted map from the columns of X to the network's inputs."""

import numpy as np
import pytest

from sklearn_redcore import SequenceModality
from sklearn_redcore._inputs import ModalityInputs, column_stats, modality_presence


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 7)) * [1, 2, 3, 4, 5, 6, 7] + 10
    X[:10, 0:2] = np.nan  # vector modality "v" missing in 10 rows
    X[5:20, 2:6] = np.nan  # sequence "s" (2 steps x 2 features) missing in 15 rows
    X[30:40, 4:6] = np.nan  # and its second step is padding in 10 more
    return X


SPEC = {"v": [0, 1], "s": SequenceModality([2, 3, 4, 5], n_steps=2), "w": [6]}


def test_layout_statistics_and_transform(X):
    inputs = ModalityInputs.from_spec(SPEC, X.shape[1]).fit(X)
    assert inputs.sizes == [2, 4, 1] and inputs.sequence_shapes == [None, (2, 2), None]
    # a sequence feature is described over all its observed steps, the same for every step
    steps = X[:, 2:6].reshape(-1, 2)
    np.testing.assert_allclose(inputs.mean_[2:6], np.tile(np.nanmean(steps, axis=0), 2))
    np.testing.assert_allclose(inputs.scale_[2:6], np.tile(np.nanstd(steps, axis=0), 2))
    np.testing.assert_allclose(inputs.mean_[[0, 1, 6]], np.nanmean(X[:, [0, 1, 6]], axis=0))
    data = inputs.transform(X)
    np.testing.assert_array_equal(data.present, modality_presence(X, inputs.modalities))
    np.testing.assert_array_equal(data.observed_steps, ~np.isnan(X[:, 2:6].reshape(-1, 2, 2)).all(axis=2))
    observed = ~np.isnan(X)
    expected = np.where(observed, (X - inputs.mean_) / inputs.scale_, 0.0)
    np.testing.assert_allclose(data.x, expected, rtol=1e-6, atol=1e-6)
    assert data.x.dtype == np.float32


def test_a_given_presence_matrix_is_used_as_it_is(X):
    inputs = ModalityInputs.from_spec(SPEC, X.shape[1]).fit(X)
    present = inputs.presence(X)
    np.testing.assert_array_equal(inputs.transform(X, present=present).present, present)
    stand_in = np.zeros_like(present)  # not recomputed from X
    assert not inputs.transform(X, present=stand_in).present.any()


def test_state_round_trip(X):
    inputs = ModalityInputs.from_spec(SPEC, X.shape[1], standardize=False).fit(X)
    again = ModalityInputs.from_state(inputs.get_state())
    np.testing.assert_array_equal(again.transform(X).x, inputs.transform(X).x)
    assert again.shapes == inputs.shapes and again.standardize is False
    bad = inputs.get_state() | {"mean": inputs.mean_[:3]}
    with pytest.raises(ValueError, match="do not match"):
        ModalityInputs.from_state(bad)


def test_sequence_statistics_hold_for_values_beyond_1e100():
    rng = np.random.default_rng(1)
    unit = rng.normal(size=(40, 6)) + 3.0
    unit[::4, 3:] = np.nan  # padding steps
    mean, std = column_stats(unit * 1e200, np.arange(6), n_steps=2)
    expected = unit.reshape(-1, 3)
    np.testing.assert_allclose(mean / 1e200, np.nanmean(expected, axis=0))
    np.testing.assert_allclose(std / 1e200, np.nanstd(expected, axis=0))


def test_values_beyond_1e100_are_found_in_any_block_of_rows():
    """The rescaling of huge columns looks at every block of rows, not the last one only."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(600, 1000))  # blocks of 262 rows
    X[:200, 0] = 1e306 * (1 + rng.random(200))
    mean_first, std_first = column_stats(X)
    mean_last, std_last = column_stats(X[::-1])
    np.testing.assert_allclose([mean_first[0], std_first[0]], [mean_last[0], std_last[0]], rtol=1e-12)
    expected = X[:, 0] / 1e306
    np.testing.assert_allclose([mean_first[0] / 1e306, std_first[0] / 1e306], [expected.mean(), expected.std()])
