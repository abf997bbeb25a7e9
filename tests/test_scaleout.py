"""Grid search and cross-validation across worker processes (joblib's Dask and Ray backends).

Each fit is seeded by ``random_state`` and runs with ``n_threads`` torch threads, so a search run on
a cluster must score exactly as the same search run serially, and no fit may use more torch threads
than ``n_threads`` says, whatever the worker process's own setting.
"""

import os
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate

from sklearn_redcore import RedCoreClassifier

from .conftest import FAST

SMALL = FAST | {"max_epochs": 4}
# 4 candidates (2 folds each) that differ in xi1, xi2 and beta.
GRID = [{"xi1": [0.01, 0.04], "xi2": [0.15], "beta": [0.7]}, {"xi1": [0.02], "xi2": [0.3], "beta": [0.5, 0.9]}]
# Torch threads of the worker processes when a fit does not set them: not 1, so that a fit that
# ignored n_threads=1 would be seen.
WORKER_THREADS = 2
THREAD_VARIABLES = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"]


class ThreadProbe(RedCoreClassifier):
    """RedCoreClassifier that records torch's thread count during the forward passes of ``fit``."""

    def fit(self, X, y):
        seen = set()
        handle = torch.nn.modules.module.register_module_forward_hook(
            lambda module, args, output: seen.add(torch.get_num_threads())
        )
        try:
            super().fit(X, y)
        finally:
            handle.remove()
        self.fit_threads_ = sorted(seen)
        self.fit_pid_ = os.getpid()
        return self


def _fit_threads(estimator, X, y):
    """Scorer: torch's thread count during fit (-1 if it changed during fit)."""
    threads = estimator.fit_threads_
    return float(threads[0]) if len(threads) == 1 else -1.0


def _fit_pid(estimator, X, y):
    """Scorer: the id of the process that ran fit."""
    return float(estimator.fit_pid_)


def _worker_state():
    return os.getpid(), torch.get_num_threads()


@pytest.fixture(scope="module")
def data(mfeat_small):
    X, y, spec = mfeat_small
    return X[:240], y[:240], spec


def _search(data):
    X, y, spec = data
    search = GridSearchCV(
        ThreadProbe(spec, n_threads=1, random_state=0, **SMALL),
        GRID,
        scoring={"accuracy": "accuracy", "log_loss": "neg_log_loss", "threads": _fit_threads, "pid": _fit_pid},
        refit="accuracy",
        cv=StratifiedKFold(2),
        n_jobs=-1,
        error_score="raise",
    )
    return search.fit(X, y)


def _cross_validate(data, n_threads=1, cv=3):
    X, y, spec = data
    return cross_validate(
        ThreadProbe(spec, n_threads=n_threads, random_state=1, **SMALL),
        X,
        y,
        cv=cv,
        n_jobs=-1,
        return_estimator=True,
        error_score="raise",
    )


@pytest.fixture(scope="module")
def serial_search(data):
    with joblib.parallel_config(backend="sequential"):
        return _search(data)


@pytest.fixture(scope="module")
def serial_cv(data):
    with joblib.parallel_config(backend="sequential"):
        return _cross_validate(data)


def _check_search(parallel, serial, X):
    """The parallel search scored as the serial one, with one torch thread per fit; return the fits' process ids."""
    assert parallel.best_params_ == serial.best_params_
    for key in ["mean_test_accuracy", "split0_test_accuracy", "split1_test_accuracy", "mean_test_log_loss"]:
        np.testing.assert_allclose(parallel.cv_results_[key], serial.cv_results_[key], rtol=0, atol=1e-12)
    assert len(set(serial.cv_results_["mean_test_log_loss"])) > 1  # the grid does change the fits
    threads = np.concatenate([parallel.cv_results_[f"split{i}_test_threads"] for i in range(2)])
    np.testing.assert_array_equal(threads, 1)
    np.testing.assert_array_equal(parallel.best_estimator_.predict_proba(X), serial.best_estimator_.predict_proba(X))
    return set(np.concatenate([parallel.cv_results_[f"split{i}_test_pid"] for i in range(2)]).astype(int).tolist())


def _check_cv(parallel, serial, threads=1):
    """The parallel cross-validation scored as the serial one, with ``threads`` per fit; return the process ids."""
    np.testing.assert_allclose(parallel["test_score"], serial["test_score"], rtol=0, atol=1e-12)
    for est in parallel["estimator"]:
        assert est.fit_threads_ == [threads]
    return {est.fit_pid_ for est in parallel["estimator"]}


# --------------------------------------------------------------------------- Dask
@pytest.fixture
def dask_client():
    distributed = pytest.importorskip("dask.distributed")
    environ = dict(os.environ)
    # dask's nanny gives its worker processes OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1,
    # unless this process has them (and writes them into this process's environment): give them
    # another value (torch takes its default from OMP and MKL), then restore ours.
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, str(WORKER_THREADS)))
    try:
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            # Import torch and the package in the workers while this process runs the serial reference.
            warm_up = [
                client.submit(_worker_state, workers=[worker], pure=False)
                for worker in client.scheduler_info()["workers"]
            ]
            yield client
            del warm_up
    finally:
        os.environ.clear()
        os.environ.update(environ)


def test_grid_search_and_cross_validate_on_dask(dask_client, data, serial_search, serial_cv):
    # One test, so that parallel test runners start one cluster.
    X, y, spec = data
    workers = sorted(dask_client.run(_worker_state).values())
    assert [threads for _, threads in workers] == [WORKER_THREADS] * 2
    pids = [pid for pid, _ in workers]

    with joblib.parallel_config(backend="dask"):
        search = _search(data)
    assert _check_search(search, serial_search, X) <= set(pids)  # fitted in the cluster's workers

    with joblib.parallel_config(backend="dask", scatter=[X, y]):  # X and y sent to the workers once
        scores = _cross_validate(data)
    assert _check_cv(scores, serial_cv) <= set(pids)
    # The same worker processes, and torch's setting restored after each fit.
    assert sorted(dask_client.run(_worker_state).values()) == workers

    # n_threads=None leaves torch as the worker process has it: from OMP_NUM_THREADS and
    # MKL_NUM_THREADS at import, which dask's nanny sets to 1 unless told otherwise.
    probe = ThreadProbe(spec, n_threads=None, random_state=0, **SMALL | {"max_epochs": 1})
    fitted = dask_client.submit(probe.fit, X, y, pure=False).result()
    assert fitted.fit_threads_ == [WORKER_THREADS] and fitted.fit_pid_ in pids


# --------------------------------------------------------------------------- Ray
@pytest.fixture(scope="module")
def ray_backend():
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    # Ray's workers do not inherit this process's sys.path (they import this module by name), and
    # get OMP_NUM_THREADS=1 unless told otherwise: give them WORKER_THREADS as for Dask.
    root = str(Path(__file__).resolve().parents[1])
    env = dict.fromkeys(THREAD_VARIABLES, str(WORKER_THREADS))
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": env})
    try:
        register_ray()
        yield ray
    finally:
        ray.shutdown()


def test_grid_search_and_cross_validate_on_ray(ray_backend, data, serial_search, serial_cv):
    with joblib.parallel_config(backend="ray"):
        search = _search(data)
        scores = _cross_validate(data)
    # Ray starts a new pool of workers for each call: their ids are not known beforehand, only not this process's.
    pids = _check_search(search, serial_search, data[0]) | _check_cv(scores, serial_cv)
    assert os.getpid() not in pids
