"""The measurements of the speed study: ``RedCoreClassifier`` against its plain PyTorch loop.

``benchmarks/bench_speed.py`` is the command line around them. Each case is
synthetic data (:func:`make_data`) trained for a fixed number of epochs by
both variants, "ours" (``RedCoreClassifier.fit`` on the raw array) and
"plain" (:class:`~sklearn_redcore._benchmark._plain_loop.PlainLoop` on
prepared inputs), with the same parameters and seed; every measurement
first checks that both give the same probabilities.

* :func:`measure_fit`: fit time, repeats interleaved ours, plain, plain,
  ours, ... with a garbage collection before each; ours also split into its
  epochs (skorch's epoch timer) and its set-up;
* :func:`measure_predict`: throughput on 1,000 rows and latency of one row;
* :func:`measure_memory`: the peak resident set size of one fit and
  prediction in a fresh process;
* :func:`measure_compile`: ``torch.compile`` of the plain loop's module
  against the eager module, in fresh processes, with an empty compiler
  cache and with a filled one.
"""

from __future__ import annotations

import gc
import json
import math
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

import numpy as np
import torch
from sklearn.base import clone

from .. import RedCoreClassifier, mask_modalities
from ..datasets import make_multimodal_classification
from ._plain_loop import PlainLoop

__all__ = [
    "Case",
    "LoadLog",
    "estimator_params",
    "make_data",
    "make_estimator",
    "measure_compile",
    "measure_fit",
    "measure_memory",
    "measure_predict",
    "overall_overhead",
    "run_worker",
    "warm_up",
]

N_CLASSES = 10
MISSING_RATE = 0.3
PREDICT_ROWS = 1000


class Case(NamedTuple):
    """One data shape and the number of epochs it is trained for."""

    n_samples: int
    n_modalities: int
    width: int
    epochs: int

    @property
    def label(self) -> str:
        """The shape of the data, for the tables."""
        return f"n={self.n_samples} M={self.n_modalities} width={self.width}"


def make_data(case: Case, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list]:
    """Raw X (NaN for missing modalities), y and the modality spec of a case."""
    data = make_multimodal_classification(
        case.n_samples, modality_dims=[case.width] * case.n_modalities, n_classes=N_CLASSES, random_state=seed
    )
    X = mask_modalities(data.data, data.modalities, MISSING_RATE, random_state=seed)
    return X, data.target, data.modalities


def estimator_params(overrides: dict) -> dict:
    """RedCoreClassifier's parameters (defaults plus overrides), shared by both variants."""
    return {**RedCoreClassifier().get_params(), **overrides}


def make_estimator(modalities: list, params: dict, epochs: int, seed: int) -> RedCoreClassifier:
    """The unfitted estimator of a run: "ours" fits it, and the plain loop reproduces its training.

    It trains for exactly ``epochs`` epochs (no stopping rule, no averaging of the weights), on one thread.
    """
    fixed = dict(max_epochs=epochs, random_state=seed, early_stopping=False, tol=None, weight_averaging=None)
    kwargs = {k: v for k, v in params.items() if k != "modalities"} | fixed | dict(n_threads=1, verbose=0)
    return RedCoreClassifier(modalities, **kwargs)


def warm_up(params: dict) -> None:
    """One tiny fit and prediction of each variant: torch's lazy initialisation is not measured."""
    X, y, modalities = make_data(Case(64, 2, 4, 1))
    clf = make_estimator(modalities, params, 1, 0)
    clone(clf).fit(X, y).predict_proba(X)
    plain = PlainLoop(clf, X, y)
    plain.predict_proba(plain.train()[0])


class LoadLog:
    """The 1-minute load average, sampled around every measurement."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def sample(self) -> None:
        """Note the current load average."""
        self.samples.append(round(os.getloadavg()[0], 2))

    def summary(self) -> dict:
        """Its minimum, median and maximum."""
        s = self.samples or [float("nan")]
        return {"min": min(s), "median": statistics.median(s), "max": max(s)}


def measure_fit(case: Case, repeats: int, params: dict, load: LoadLog, seed: int = 0) -> tuple[dict, tuple]:
    """Fit times of both variants; returns the row of measurements and the last fitted pair (with X)."""
    X, y, modalities = make_data(case, seed)
    estimator = make_estimator(modalities, params, case.epochs, seed)
    plain = PlainLoop(estimator, X, y)
    fits = {"ours": lambda: clone(estimator).fit(X, y), "plain": lambda: plain.train()[0]}
    times: dict[str, list[float]] = {"ours": [], "plain": []}
    cpu: dict[str, list[float]] = {"ours": [], "plain": []}
    loop: list[float] = []  # ours: the epochs alone (skorch's epoch timer), without preparing X and the net
    models = {}
    for repeat in range(repeats):
        load.sample()
        # ours, plain, plain, ours, ...: neither variant always runs after the other
        for variant in ("ours", "plain") if repeat % 2 == 0 else ("plain", "ours"):
            models.pop(variant, None)
            gc.collect()  # the previous fits' garbage is not collected during this one
            wall, process = time.perf_counter(), time.process_time()
            models[variant] = fits[variant]()
            times[variant].append(time.perf_counter() - wall)
            cpu[variant].append(time.process_time() - process)
            if variant == "ours":
                loop.append(float(sum(models["ours"].net_.history[:, "dur"])))
    load.sample()
    # Every repeat is seeded alike, so the last pair of models stands for all.
    diff = float(np.abs(models["ours"].predict_proba(X) - plain.predict_proba(models["plain"])).max())
    row = {"case": case._asdict(), "repeats": repeats, "max_abs_diff": diff}
    for variant in ("ours", "plain"):
        epoch_median, epoch_min = statistics.median(times[variant]) / case.epochs, min(times[variant]) / case.epochs
        row[variant] = {
            "seconds": times[variant],
            "cpu_seconds": cpu[variant],
            "epoch_median": epoch_median,
            "epoch_min": epoch_min,
            "samples_per_s": case.n_samples / epoch_median,
        }
    ours, plain_row = row["ours"], row["plain"]
    row["overhead_median"] = ours["epoch_median"] / plain_row["epoch_median"] - 1
    row["overhead_min"] = ours["epoch_min"] / plain_row["epoch_min"] - 1
    row["overhead_cpu"] = statistics.median(cpu["ours"]) / statistics.median(cpu["plain"]) - 1
    ours["loop_seconds"] = loop
    ours["loop_epoch_median"] = statistics.median(loop) / case.epochs
    ours["setup_median"] = statistics.median(t - e for t, e in zip(times["ours"], loop))
    row["loop_overhead_median"] = ours["loop_epoch_median"] / plain_row["epoch_median"] - 1
    return row, (models, X, plain)


def measure_predict(case: Case, fitted: tuple, repeats: int, latency_calls: int, load: LoadLog) -> dict:
    """Prediction of the fitted pair of :func:`measure_fit`: rows per second on 1,000 rows, latency of one row."""
    models, X, plain = fitted
    clf, module = models["ours"], models["plain"]
    rows = min(PREDICT_ROWS, len(X))
    data_rows, data_row = plain.data.take(slice(0, rows)), plain.data.take(slice(0, 1))
    calls = {
        "ours": (lambda: clf.predict_proba(X[:rows]), lambda: clf.predict_proba(X[:1])),
        "plain": (lambda: plain.predict_proba(module, data_rows), lambda: plain.predict_proba(module, data_row)),
    }
    torch.set_num_threads(1)
    for many, one in calls.values():  # warm-up
        many()
        one()
    batch: dict[str, list[float]] = {"ours": [], "plain": []}
    single: dict[str, list[float]] = {"ours": [], "plain": []}
    block = max(1, latency_calls // repeats)
    load.sample()
    for _ in range(repeats):
        for variant, (many, one) in calls.items():
            start = time.perf_counter()
            many()
            batch[variant].append(time.perf_counter() - start)
            for _ in range(block):
                start = time.perf_counter()
                one()
                single[variant].append(time.perf_counter() - start)
    load.sample()
    row = {"case": case._asdict(), "rows": rows}
    for variant in calls:
        row[variant] = {
            "rows_per_s": rows / statistics.median(batch[variant]),
            "rows_per_s_best": rows / min(batch[variant]),
            "latency_ms_median": 1e3 * statistics.median(single[variant]),
            "latency_ms_min": 1e3 * min(single[variant]),
            "latency_calls": len(single[variant]),
        }
    row["throughput_overhead"] = row["plain"]["rows_per_s"] / row["ours"]["rows_per_s"] - 1
    row["latency_overhead"] = row["ours"]["latency_ms_median"] / row["plain"]["latency_ms_median"] - 1
    return row


# ------------------------------------------------- fresh processes: memory, torch.compile
def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")


def _memory_worker(spec: dict) -> dict:
    """In a fresh process: one fit (one epoch) and one prediction; peak RSS during them.

    The plain loop comes ready from the parent process (``spec["plain_loop"]``, a pickle):
    the one-epoch fit it reads its pieces from would leave its freed memory to this one.
    """
    case, params = Case(**spec["case"]), spec["params"]
    warm_up(params)  # torch's one-off allocations are not the fit's
    X, y, modalities = make_data(case, 0)
    clf, plain = make_estimator(modalities, params, 1, 0), None
    if spec["variant"] == "plain":
        with open(spec["plain_loop"], "rb") as file:
            plain = pickle.load(file)
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the peak (VmHWM) to the current resident size
        method = "VmHWM reset before the fit"
    except OSError:
        method = "VmHWM of the whole process (reset not permitted)"
    before = _rss_kib("VmRSS")
    if plain is None:
        clf.fit(X, y).predict_proba(X[:PREDICT_ROWS])
    else:
        plain.predict_proba(plain.train()[0], plain.data.take(slice(0, PREDICT_ROWS)))
    peak = _rss_kib("VmHWM")
    return {
        "before_mib": before / 1024,
        "peak_mib": peak / 1024,
        "increase_mib": (peak - before) / 1024,
        "method": method,
    }


def _compile_worker(spec: dict) -> dict:
    """In a fresh process: the plain loop epoch by epoch, eager module then compiled module."""
    case, params = Case(**spec["case"]), spec["params"]
    X, y, modalities = make_data(case)
    plain = PlainLoop(make_estimator(modalities, params, case.epochs, 0), X, y)
    return {variant: plain.train(compiled=variant == "compiled")[1] for variant in ("eager", "compiled")}


def run_worker(spec: str) -> None:
    """Entry point of a fresh process: print the JSON result of the worker that the JSON ``spec`` names."""
    torch.set_num_threads(1)
    spec = json.loads(spec)
    print(json.dumps({"memory": _memory_worker, "compile": _compile_worker}[spec["worker"]](spec)))


def _in_fresh_process(spec: dict, env: dict | None = None) -> dict:
    """:func:`run_worker` in a fresh Python process; its last output line is JSON."""
    env = dict(os.environ if env is None else env, OMP_NUM_THREADS="1")
    code = f"import sys; from {__name__} import run_worker; run_worker(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(spec)], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{spec['worker']} worker failed for {spec['case']}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_memory(case: Case, params: dict, load: LoadLog) -> dict:
    """Peak memory of one epoch and a 1,000-row prediction of each variant, each in a fresh process."""
    row, (X, y, modalities) = {"case": case._asdict()}, make_data(case, 0)
    with tempfile.TemporaryDirectory() as folder:
        spec = {"worker": "memory", "case": case._asdict(), "params": params, "plain_loop": f"{folder}/plain.pkl"}
        with open(spec["plain_loop"], "wb") as file:
            pickle.dump(PlainLoop(make_estimator(modalities, params, 1, 0), X, y), file)
        for variant in ("ours", "plain"):
            load.sample()
            row[variant] = _in_fresh_process({**spec, "variant": variant})
    return row


def measure_compile(n_samples: int, epochs: int, params: dict, load: LoadLog) -> dict:
    """``torch.compile`` of the module in the plain loop against the eager module.

    Two fresh processes share a new compiler cache folder: the first compiles
    from scratch ("cold", what a first fit costs), the second finds the
    compiled code in the cache ("warm"). Steady epochs are all epochs but the
    first of each process.
    """
    case = Case(n_samples, 3, 64, epochs)
    row = {"case": case._asdict()}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, TORCHINDUCTOR_CACHE_DIR=cache)
        for run in ("cold", "warm"):
            load.sample()
            row[run] = _in_fresh_process({"worker": "compile", "case": case._asdict(), "params": params}, env)
    load.sample()

    def steady(variant: str) -> float:
        times = [t for run in ("cold", "warm") for t in row[run][variant][1:]]
        return statistics.median(times or [row[run][variant][0] for run in ("cold", "warm")])

    eager, compiled = steady("eager"), steady("compiled")
    row.update(
        eager_epoch=eager,
        compiled_epoch=compiled,
        speedup=eager / compiled,
        first_epoch_cold=row["cold"]["compiled"][0],
        first_epoch_warm=row["warm"]["compiled"][0],
        total_eager=sum(row["cold"]["eager"]),
        total_compiled_cold=sum(row["cold"]["compiled"]),
    )
    extra = row["first_epoch_cold"] - compiled
    row["break_even_epochs"] = extra / (eager - compiled) if eager > compiled else float("inf")
    return row


def overall_overhead(rows: list[dict]) -> dict:
    """Geometric means over the cases of ours / plain - 1 (whole fit, CPU time, training loop)."""

    def mean(key: str) -> float:
        return math.exp(statistics.fmean(math.log1p(row[key]) for row in rows)) - 1

    return {
        "cases": len(rows),
        "fit": mean("overhead_median"),
        "cpu": mean("overhead_cpu"),
        "loop": mean("loop_overhead_median"),
    }
