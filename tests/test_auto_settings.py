"""batch_size="auto" and n_iter_no_change="auto": small data keeps 256 and 10; large data gets larger
batches and a shorter patience, as documented."""

import numpy as np
import pytest

from sklearn_redcore import RedCoreClassifier, RedCoreRegressor, load_model, save_model
from sklearn_redcore._parameters import AUTO_TRAINING_ROWS, auto_batch_size, auto_patience

from .conftest import FAST

# The small network, with the estimators' own batch_size and patience ("auto")
SMALL = {key: value for key, value in FAST.items() if key not in ("batch_size", "max_epochs")}


@pytest.mark.parametrize(
    ("n_rows", "batch_size", "patience"),
    [
        (10, 256, 10),
        (AUTO_TRAINING_ROWS, 256, 10),
        (AUTO_TRAINING_ROWS + 1, 256, 10),
        (2 * AUTO_TRAINING_ROWS - 1, 256, 6),
        (2 * AUTO_TRAINING_ROWS, 512, 5),
        (72_000, 1024, 3),  # 80,000 rows, 10% held out for validation
        (720_000, 4096, 3),
        (10**9, 4096, 3),
    ],
)
def test_the_auto_rules(n_rows, batch_size, patience):
    assert auto_batch_size(n_rows) == batch_size
    assert auto_patience(n_rows) == patience


def _large(n_rows, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, 4))
    X[rng.uniform(size=n_rows) < 0.3, :2] = np.nan
    return X, (X[:, 2] > 0).astype(int) + (X[:, 3] > 0), {"a": [0, 1], "b": [2, 3]}


@pytest.mark.parametrize("cls", [RedCoreClassifier, RedCoreRegressor])
def test_auto_reads_the_rows_an_epoch_trains_on_and_explicit_values_are_kept(cls, tmp_path):
    X, y, spec = _large(40_000)  # early stopping holds out 4,000: 36,000 rows per epoch
    model = cls(spec, max_epochs=1, random_state=0, **SMALL).fit(X, y)
    assert model.do_early_stopping_
    assert (model.batch_size_, model.n_iter_no_change_) == (auto_batch_size(36_000), auto_patience(36_000)) == (512, 5)
    assert model.net_.batch_size == 512
    assert dict(model.net_.callbacks_)["early_stopping"].patience == 5
    save_model(model, tmp_path / "model.redcore")
    loaded = load_model(tmp_path / "model.redcore")
    assert (loaded.batch_size_, loaded.n_iter_no_change_, loaded.net_.batch_size) == (512, 5, 512)
    del model.batch_size_, model.n_iter_no_change_  # as in a file saved before these attributes existed
    save_model(model, tmp_path / "older.redcore")
    loaded = load_model(tmp_path / "older.redcore")
    assert (loaded.batch_size_, loaded.n_iter_no_change_, loaded.net_.batch_size) == (512, 5, 512)

    model = cls(spec, max_epochs=1, batch_size=100, n_iter_no_change=7, random_state=0, **SMALL).fit(X, y)
    assert (model.batch_size_, model.n_iter_no_change_, model.net_.batch_size) == (100, 7, 100)
    small = cls(spec, max_epochs=1, random_state=0, **SMALL).fit(X[:3000], y[:3000])
    assert (small.batch_size_, small.n_iter_no_change_) == (256, 10)


def test_auto_is_not_taken_for_a_number():
    X, y, spec = _large(200)
    with pytest.raises(ValueError, match="batch_size"):
        RedCoreClassifier(spec, batch_size="big").fit(X, y)
    with pytest.raises(ValueError, match="n_iter_no_change"):
        RedCoreClassifier(spec, n_iter_no_change=0).fit(X, y)
