"""Reliability: memory used by fit and predict, and predictions from several threads."""

import pickle
import threading
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from sklearn_redcore import RedCoreClassifier

from .conftest import FAST


def test_fit_and_predict_do_not_copy_a_large_X():
    """fit keeps one float32 copy of X for the network (half of X's size) and reads X in place otherwise.

    tracemalloc counts numpy's allocations (not torch's own, which are per mini-batch
    here). The float32 network input is 0.5 x X.nbytes; the rest is blocks of a few
    MB. One more full float64 copy of X (centring, nan_to_num or reordering the columns
    on a copy each make one) would add 1.0 x.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40_000, 100))  # 32 MB, C-contiguous float64
    X[rng.random(len(X)) < 0.3, :50] = np.nan
    y = rng.integers(3, size=len(X))
    spec = {"a": np.arange(50), "b": np.arange(50, 100)}
    params = FAST | dict(max_epochs=1, batch_size=2048, random_state=0)
    RedCoreClassifier(spec, **params).fit(X[:200], y[:200])  # imports and one-off allocations
    tracemalloc.start()
    try:
        clf = RedCoreClassifier(spec, **params).fit(X, y)
        _, fit_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        proba = clf.predict_proba(X)
        _, predict_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.isfinite(proba).all()
    assert fit_peak < 1.0 * X.nbytes, fit_peak / X.nbytes
    assert predict_peak - before < 1.0 * X.nbytes, (predict_peak - before) / X.nbytes


def test_column_stats_and_standardize_block_match_the_direct_formulas():
    from sklearn_redcore._inputs import column_stats, standardize_block

    rng = np.random.default_rng(1)
    X = rng.normal(size=(3000, 7)) * [1, 1e-6, 1e6, 0, 1, 2, 3] + 5  # more rows than one block
    X[rng.random(X.shape) < 0.2] = np.nan
    X[:, 4] = np.nan  # a column without any value
    mean, std = column_stats(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN column
        np.testing.assert_allclose(mean, np.nanmean(X, axis=0), rtol=1e-12)
        np.testing.assert_allclose(std, np.nanstd(X, axis=0), rtol=1e-9, atol=1e-12)
    mean, scale = np.nan_to_num(mean), np.where(std > 0, std, 1.0)
    order = np.array([3, 0, 6, 2])
    expected = np.nan_to_num((X[:, order] - mean[order]) / scale[order], nan=0.0)
    block = X[1000:2000][:, order]
    copy = block.copy()
    out = np.empty(block.shape, dtype=np.float32)
    result = standardize_block(
        block, mean[order], scale[order], out=out, missing=np.isnan(block), first_row=1000, columns=order
    )
    assert result is out
    np.testing.assert_array_equal(out, expected[1000:2000].astype(np.float32))
    np.testing.assert_array_equal(block, copy)  # not modified
    block[7, 2] = 1e300
    with pytest.raises(ValueError, match=r"X\[1007, 6\] = 1e\+300 is too large for the network"):
        standardize_block(
            block, mean[order], scale[order], out=out, missing=np.isnan(block), first_row=1000, columns=order
        )


def test_predictions_from_several_threads_equal_serial_ones_and_keep_torch_threads():
    """Concurrent predict_proba calls give the serial answers and leave torch's setting as it was.

    torch keeps a thread count per OS thread plus a process-wide value that a thread
    adopts at its first torch call: a worker thread whose first torch call falls inside
    another thread's prediction does not keep that prediction's n_threads.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 8))
    X[rng.random(100) < 0.3, :4] = np.nan
    y = rng.integers(3, size=100)
    spec = [[0, 1, 2, 3], [4, 5, 6, 7]]
    params = FAST | dict(max_epochs=2, random_state=0)
    one = RedCoreClassifier(spec, n_threads=1, **params).fit(X, y)
    two = pickle.loads(pickle.dumps(one)).set_params(n_threads=2)  # predicts with 2 threads
    estimators = [one, two]
    original = torch.get_num_threads()
    torch.set_num_threads(3)  # a value that neither estimator uses
    try:
        serial = [est.predict_proba(X) for est in estimators]
        with ThreadPoolExecutor(max_workers=8) as pool:
            calls = [(k, pool.submit(estimators[k].predict_proba, X)) for _ in range(8) for k in (0, 1)]
            results = [(k, future.result()) for k, future in calls]
            barrier = threading.Barrier(8)  # one probe per worker thread: 8 probes wait for each other

            def setting_in_this_thread() -> int:
                barrier.wait(timeout=60)
                return torch.get_num_threads()

            workers = [f.result() for f in [pool.submit(setting_in_this_thread) for _ in range(8)]]
        fresh = []
        thread = threading.Thread(target=lambda: fresh.append(torch.get_num_threads()))
        thread.start()
        thread.join()
        main = torch.get_num_threads()
    finally:
        torch.set_num_threads(original)
    for k, proba in results:
        np.testing.assert_array_equal(proba, serial[k])
    assert (main, fresh, workers) == (3, [3], [3] * 8)
