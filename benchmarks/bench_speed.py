"""Speed of RedCoreClassifier against a plain PyTorch training loop of the same network.

The floor ("plain loop") trains the same ``RedCoreModule`` on the same loss
(``redcore_loss``), steps the same ``SupervisionRegulator`` (Algorithm 1) once
per mini-batch exactly as the estimator does, and updates with the same Adam
(foreach) after clipping the gradient norm at 1.0, for the same number of
epochs and batch size. Its mini-batches are rows of a shuffled permutation
gathered directly from tensors with ``index_select`` (no skorch, no
DataLoader; ``index_select`` is two to four times faster than ``x[rows]``
on CPU, and the estimator uses it too). It starts from
tensors that are already standardized; ``RedCoreClassifier.fit`` starts from
the raw array, so its time also includes input validation and
standardization. Both use one torch thread and the same seed: the first
repeat of every case checks that both give the same probabilities (column
"max abs diff"; 0 means the two computations are identical).

Measured, per case (synthetic data from ``make_multimodal_classification``,
every modality missing in 30% of the samples, 10 classes):

* fit time per epoch, repeats interleaved in the order ours, plain, plain,
  ours, ... so that the machine's load, and whatever one fit leaves behind
  for the next (allocator, caches), affect both alike, with a garbage
  collection before each; median and minimum. Ours is
  the whole ``fit`` divided by the epochs; "loop" is its epochs alone
  (skorch's epoch timer), and "set-up" the rest of the fit (validating,
  standardising and copying X, building the net), paid once per fit;
* predict throughput on 1,000 rows and latency of one row (median of many
  calls), ours (``predict_proba`` on the raw array) against the plain
  module's forward pass and softmax on prepared arrays;
* peak memory: each variant fits (one epoch) and predicts in a fresh
  subprocess; the peak resident set size (VmHWM of /proc/self/status, reset
  just before the fit) and its increase over the resident size before the fit;
* optionally (``--compile``), ``torch.compile`` of the module in the plain
  loop against the eager module, in fresh processes: compile time with an
  empty compiler cache and with a filled one, steady epoch time.

Run ``python benchmarks/bench_speed.py --help`` for the options; docs/speed.md
holds the figures of the default command.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from sklearn_redcore import RedCoreClassifier, mask_modalities
from sklearn_redcore._modalities import resolve_modalities
from sklearn_redcore._network import RedCoreModule, redcore_loss
from sklearn_redcore._regulation import SupervisionRegulator
from sklearn_redcore._runtime import seed_from
from sklearn_redcore.datasets import make_multimodal_classification

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
        return f"n={self.n_samples} M={self.n_modalities} width={self.width}"


# ----------------------------------------------------------------------------- data
def make_data(case: Case, seed: int = 0):
    """Raw X (NaN for missing modalities), y and the modality spec of a case."""
    data = make_multimodal_classification(case.n_samples, modality_dims=[case.width] * case.n_modalities,
                                          n_classes=N_CLASSES, random_state=seed)
    X = mask_modalities(data.data, data.modalities, MISSING_RATE, random_state=seed)
    return X, data.target, data.modalities


def prepare(X: np.ndarray, modalities: dict):
    """What ``fit`` does to X before training, by the estimator's own code (outside the plain loop's timing).

    Centre and scale each column by the training statistics, order the columns by
    modality, set NaN to 0 (the mean), float32; and the presence matrix.
    """
    clf = RedCoreClassifier(modalities)
    clf.modalities_, clf.modality_shapes_ = resolve_modalities(modalities, X.shape[1], None, return_shapes=True)
    clf._fit_standardization(X)
    clf._column_order = np.concatenate(list(clf.modalities_.values()))
    Z, present, _ = clf._prepare(X)
    return Z, present


def make_module(sizes: list[int], params: dict) -> RedCoreModule:
    """The network the estimator builds for these parameters."""
    return RedCoreModule(
        sizes, N_CLASSES, n_latent=params["n_latent"], encoder_hidden=tuple(params["encoder_hidden"]),
        xenc_hidden=params["xenc_hidden"], xenc_widths=tuple(params["xenc_widths"]),
        xenc_blocks=params["xenc_blocks"], classifier_hidden=params["classifier_hidden"],
        dropout=params["dropout"], unimodal_heads=params["unimodal_heads"],
        modality_dropout=params["modality_dropout"])


# ------------------------------------------------------------------------- variants
def estimator_params(overrides: dict) -> dict:
    """RedCoreClassifier's parameters (defaults plus overrides), shared by both variants."""
    params = RedCoreClassifier().get_params()
    params.update(overrides)
    return params


def torch_seed(random_state: int) -> int:
    """The torch seed the estimator derives from an int random_state."""
    return seed_from(random_state)


def fit_ours(X, y, modalities, epochs: int, params: dict, seed: int) -> RedCoreClassifier:
    kwargs = {k: v for k, v in params.items() if k != "modalities"}
    kwargs.update(max_epochs=epochs, random_state=seed, n_threads=1, verbose=0, early_stopping=False)
    return RedCoreClassifier(modalities, **kwargs).fit(X, y)


def fit_plain(Z: np.ndarray, present: np.ndarray, y: np.ndarray, sizes: list[int], epochs: int,
              params: dict, seed: int) -> RedCoreModule:
    """The floor: a plain PyTorch loop of the same network, loss, regulation and optimiser."""
    x_all, present_all, y_all = torch.as_tensor(Z), torch.as_tensor(present), torch.as_tensor(y, dtype=torch.long)
    torch_seed_value = torch_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(torch_seed_value)
        module = make_module(sizes, params)
        parameters = list(module.parameters())
        optimizer = torch.optim.Adam(parameters, lr=params["lr"], weight_decay=params["weight_decay"], foreach=True)
        regulator = SupervisionRegulator(len(sizes), xi1=params["xi1"], xi2=params["xi2"], p=params["p"],
                                         beta=params["beta"], alpha1=params["alpha1"], K=params["K"],
                                         regulate=params["regulate"])
        generator = torch.Generator().manual_seed(torch_seed_value)
        batch_size, kl_weight, detach = params["batch_size"], params["kl_weight"], params["stop_target_gradient"]
        module.train()
        n = len(y_all)
        for _ in range(epochs):
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, batch_size):
                rows = order[start:start + batch_size]
                x, present_batch, y_batch = (t.index_select(0, rows) for t in (x_all, present_all, y_all))
                optimizer.zero_grad()
                out = module(x, present_batch)
                parts = redcore_loss(out, y_batch, None, kl_weight, detach)
                eta = regulator.step(parts.imputation.detach().numpy(), parts.observed.numpy())
                loss = parts.vib + (torch.as_tensor(eta, dtype=parts.vib.dtype) * parts.imputation).sum()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(parameters, 1.0)
                optimizer.step()
    module.eval()
    return module


def predict_plain(module: RedCoreModule, Z: np.ndarray, present: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        logits = module(torch.as_tensor(Z), torch.as_tensor(present)).logits
        return torch.softmax(logits.double(), dim=1).numpy()


def warm_up(params: dict) -> None:
    """One tiny fit and prediction of each variant: torch's lazy initialisation is not measured."""
    case = Case(64, 2, 4, 1)
    X, y, modalities = make_data(case)
    Z, present = prepare(X, modalities)
    fit_ours(X, y, modalities, 1, params, 0).predict_proba(X)
    predict_plain(fit_plain(Z, present, y, [4, 4], 1, params, 0), Z, present)


# ---------------------------------------------------------------------- measuring
class LoadLog:
    """The 1-minute load average, sampled around every measurement."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def sample(self) -> None:
        self.samples.append(round(os.getloadavg()[0], 2))

    def summary(self) -> dict:
        s = self.samples or [float("nan")]
        return {"min": min(s), "median": statistics.median(s), "max": max(s)}


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure_fit(case: Case, repeats: int, params: dict, load: LoadLog, seed: int = 0) -> tuple[dict, tuple]:
    X, y, modalities = make_data(case, seed)
    Z, present = prepare(X, modalities)
    sizes = [len(cols) for cols in modalities.values()]
    times: dict[str, list[float]] = {"ours": [], "plain": []}
    cpu: dict[str, list[float]] = {"ours": [], "plain": []}
    models = {}
    loop: list[float] = []  # ours: the epochs alone (skorch's epoch timer), without preparing X and the net
    fits = {"ours": lambda: fit_ours(X, y, modalities, case.epochs, params, seed),
            "plain": lambda: fit_plain(Z, present, y, sizes, case.epochs, params, seed)}
    for repeat in range(repeats):
        load.sample()
        # ours, plain, plain, ours, ...: neither variant always runs after the other
        for variant in ("ours", "plain") if repeat % 2 == 0 else ("plain", "ours"):
            models.pop(variant, None)
            gc.collect()  # the previous fits' garbage is not collected during this one
            t, c, models[variant] = timed(fits[variant])
            times[variant].append(t)
            cpu[variant].append(c)
            if variant == "ours":
                loop.append(float(sum(models["ours"].net_.history[:, "dur"])))
    load.sample()
    # Every repeat is seeded alike, so the last pair of models stands for all.
    diff = float(np.abs(models["ours"].predict_proba(X) - predict_plain(models["plain"], Z, present)).max())
    row = {"case": case._asdict(), "repeats": repeats, "max_abs_diff": diff}
    for variant in ("ours", "plain"):
        row[variant] = {"seconds": times[variant], "cpu_seconds": cpu[variant],
                        "epoch_median": statistics.median(times[variant]) / case.epochs,
                        "epoch_min": min(times[variant]) / case.epochs}
        row[variant]["samples_per_s"] = case.n_samples / row[variant]["epoch_median"]
    row["overhead_median"] = row["ours"]["epoch_median"] / row["plain"]["epoch_median"] - 1
    row["overhead_min"] = row["ours"]["epoch_min"] / row["plain"]["epoch_min"] - 1
    row["overhead_cpu"] = statistics.median(cpu["ours"]) / statistics.median(cpu["plain"]) - 1
    row["ours"]["loop_seconds"] = loop
    row["ours"]["loop_epoch_median"] = statistics.median(loop) / case.epochs
    row["ours"]["setup_median"] = statistics.median(t - e for t, e in zip(times["ours"], loop))
    row["loop_overhead_median"] = row["ours"]["loop_epoch_median"] / row["plain"]["epoch_median"] - 1
    return row, (models, X, Z, present)


def measure_predict(case: Case, fitted: tuple, repeats: int, latency_calls: int, load: LoadLog) -> dict:
    models, X, Z, present = fitted
    clf, module = models["ours"], models["plain"]
    rows = min(PREDICT_ROWS, len(X))
    calls = {
        "ours": (lambda: clf.predict_proba(X[:rows]), lambda: clf.predict_proba(X[:1])),
        "plain": (lambda: predict_plain(module, Z[:rows], present[:rows]),
                  lambda: predict_plain(module, Z[:1], present[:1])),
    }
    torch.set_num_threads(1)
    for variant in calls:  # warm-up
        calls[variant][0]()
        calls[variant][1]()
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
        row[variant] = {"rows_per_s": rows / statistics.median(batch[variant]),
                        "rows_per_s_best": rows / min(batch[variant]),
                        "latency_ms_median": 1e3 * statistics.median(single[variant]),
                        "latency_ms_min": 1e3 * min(single[variant]),
                        "latency_calls": len(single[variant])}
    row["throughput_overhead"] = row["plain"]["rows_per_s"] / row["ours"]["rows_per_s"] - 1
    row["latency_overhead"] = row["ours"]["latency_ms_median"] / row["plain"]["latency_ms_median"] - 1
    return row


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")


def memory_worker(spec: dict) -> dict:
    """Run in a fresh process: one fit (one epoch) and one prediction; peak RSS during them."""
    torch.set_num_threads(1)
    case, params = Case(**spec["case"]), spec["params"]
    warm_up(params)  # torch's one-off allocations are not the fit's
    X, y, modalities = make_data(case, 0)
    if spec["variant"] == "plain":
        Z, present = prepare(X, modalities)
        sizes = [len(cols) for cols in modalities.values()]
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the peak (VmHWM) to the current resident size
        method = "VmHWM reset before the fit"
    except OSError:
        method = "VmHWM of the whole process (reset not permitted)"
    before = _rss_kib("VmRSS")
    if spec["variant"] == "ours":
        clf = fit_ours(X, y, modalities, 1, params, 0)
        clf.predict_proba(X[:PREDICT_ROWS])
    else:
        module = fit_plain(Z, present, y, sizes, 1, params, 0)
        predict_plain(module, Z[:PREDICT_ROWS], present[:PREDICT_ROWS])
    peak = _rss_kib("VmHWM")
    return {"before_mib": before / 1024, "peak_mib": peak / 1024, "increase_mib": (peak - before) / 1024,
            "method": method}


def _run_worker(flag: str, spec: dict, env: dict | None = None) -> dict:
    """Run this script with ``flag`` in a fresh Python process; its last output line is JSON."""
    env = dict(os.environ if env is None else env, OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, __file__, flag, json.dumps(spec)], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{flag} failed for {spec['case']}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_memory(case: Case, params: dict, load: LoadLog) -> dict:
    row = {"case": case._asdict()}
    for variant in ("ours", "plain"):
        load.sample()
        row[variant] = _run_worker("--memory-worker", {"case": case._asdict(), "params": params, "variant": variant})
    return row


def compile_worker(spec: dict) -> dict:
    """Run in a fresh process: the plain loop epoch by epoch, eager module then compiled module."""
    torch.set_num_threads(1)
    case, params = Case(**spec["case"]), spec["params"]
    X, y, modalities = make_data(case)
    Z, present = prepare(X, modalities)
    sizes = [len(cols) for cols in modalities.values()]
    return {variant: _plain_epoch_times(Z, present, y, sizes, case.epochs, params, compiled=variant == "compiled")
            for variant in ("eager", "compiled")}


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
            row[run] = _run_worker("--compile-worker", {"case": case._asdict(), "params": params}, env)
    load.sample()

    def steady(variant: str) -> float:
        times = [t for run in ("cold", "warm") for t in row[run][variant][1:]] or \
            [row[run][variant][0] for run in ("cold", "warm")]
        return statistics.median(times)

    eager, compiled = steady("eager"), steady("compiled")
    row.update(eager_epoch=eager, compiled_epoch=compiled, speedup=eager / compiled,
               first_epoch_cold=row["cold"]["compiled"][0], first_epoch_warm=row["warm"]["compiled"][0],
               total_eager=sum(row["cold"]["eager"]), total_compiled_cold=sum(row["cold"]["compiled"]))
    extra = row["first_epoch_cold"] - compiled
    row["break_even_epochs"] = extra / (eager - compiled) if eager > compiled else float("inf")
    return row


def _plain_epoch_times(Z, present, y, sizes, epochs, params, compiled: bool) -> list[float]:
    """The plain loop, timed epoch by epoch, optionally with the module compiled."""
    x_all, present_all, y_all = torch.as_tensor(Z), torch.as_tensor(present), torch.as_tensor(y, dtype=torch.long)
    torch.manual_seed(torch_seed(0))
    start = time.perf_counter()
    module = make_module(sizes, params)
    parameters = list(module.parameters())
    forward = torch.compile(module) if compiled else module
    optimizer = torch.optim.Adam(parameters, lr=params["lr"], weight_decay=params["weight_decay"], foreach=True)
    regulator = SupervisionRegulator(len(sizes), xi1=params["xi1"], xi2=params["xi2"], p=params["p"],
                                     beta=params["beta"], alpha1=params["alpha1"], K=params["K"])
    generator = torch.Generator().manual_seed(0)
    batch_size, n = params["batch_size"], len(y_all)
    module.train()
    times = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for first in range(0, n, batch_size):
            rows = order[first:first + batch_size]
            x, present_batch, y_batch = (t.index_select(0, rows) for t in (x_all, present_all, y_all))
            optimizer.zero_grad()
            out = forward(x, present_batch)
            parts = redcore_loss(out, y_batch, None, params["kl_weight"], params["stop_target_gradient"])
            eta = regulator.step(parts.imputation.detach().numpy(), parts.observed.numpy())
            loss = parts.vib + (torch.as_tensor(eta, dtype=parts.vib.dtype) * parts.imputation).sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
        now = time.perf_counter()
        times.append(now - start)
        start = now
    return times


# ------------------------------------------------------------------------- tables
def overall_overhead(rows: list[dict]) -> dict:
    """Geometric means over the cases of ours / plain - 1 (whole fit, CPU time, training loop)."""
    def mean(key: str) -> float:
        return math.exp(statistics.fmean(math.log1p(row[key]) for row in rows)) - 1

    return {"cases": len(rows), "fit": mean("overhead_median"), "cpu": mean("overhead_cpu"),
            "loop": mean("loop_overhead_median")}


def _fmt_s(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fit_table(rows: list[dict], key: str, title: str) -> list[str]:
    others = [k for k in ("n_samples", "n_modalities", "width") if k != key]
    lines = [f"### {title}", "",
             f"| {key} | {' | '.join(others)} | epochs | ours s/epoch median (min) | plain s/epoch median (min) "
             "| overhead median (min) | overhead, CPU time | ours loop s/epoch | loop overhead | ours set-up s "
             "| ours samples/s | plain samples/s | max abs diff |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        case = row["case"]
        ours, plain = row["ours"], row["plain"]
        lines.append(
            f"| {case[key]} | {' | '.join(str(case[k]) for k in others)} | {case['epochs']} "
            f"| {_fmt_s(ours['epoch_median'])} ({_fmt_s(ours['epoch_min'])}) "
            f"| {_fmt_s(plain['epoch_median'])} ({_fmt_s(plain['epoch_min'])}) "
            f"| {row['overhead_median']:+.1%} ({row['overhead_min']:+.1%}) | {row['overhead_cpu']:+.1%} "
            f"| {_fmt_s(ours['loop_epoch_median'])} | {row['loop_overhead_median']:+.1%} "
            f"| {_fmt_s(ours['setup_median'])} "
            f"| {ours['samples_per_s']:,.0f} | {plain['samples_per_s']:,.0f} | {row['max_abs_diff']:.1e} |")
    return lines + [""]


def predict_table(rows: list[dict]) -> list[str]:
    lines = ["### Prediction", "",
             "| case | ours rows/s (1,000 rows) | plain rows/s | ours latency ms, 1 row, median (min) "
             "| plain latency ms median (min) |",
             "|---|---:|---:|---:|---:|"]
    for row in rows:
        ours, plain = row["ours"], row["plain"]
        lines.append(f"| {Case(**row['case']).label} | {ours['rows_per_s']:,.0f} | {plain['rows_per_s']:,.0f} "
                     f"| {ours['latency_ms_median']:.3f} ({ours['latency_ms_min']:.3f}) "
                     f"| {plain['latency_ms_median']:.3f} ({plain['latency_ms_min']:.3f}) |")
    return lines + [""]


def memory_table(rows: list[dict]) -> list[str]:
    method = rows[0]["ours"]["method"] if rows else ""
    lines = ["### Peak memory (one epoch and a 1,000-row prediction, fresh process each)", "",
             f"Resident set size in MiB ({method}); 'increase' is the peak minus the size just before the fit.", "",
             "| case | ours peak | plain peak | ours increase | plain increase |",
             "|---|---:|---:|---:|---:|"]
    for row in rows:
        ours, plain = row["ours"], row["plain"]
        lines.append(f"| {Case(**row['case']).label} | {ours['peak_mib']:.0f} | {plain['peak_mib']:.0f} "
                     f"| {ours['increase_mib']:.0f} | {plain['increase_mib']:.0f} |")
    return lines + [""]


def compile_table(rows: list[dict]) -> list[str]:
    lines = ["### torch.compile of the module (plain loop)", "",
             "| n_samples | epochs | eager s/epoch | compiled s/epoch | speed-up | compiled first epoch s, "
             "empty cache (cached) | epochs to break even | eager total s | compiled total s (empty cache) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        even = "never" if math.isinf(row["break_even_epochs"]) else f"{row['break_even_epochs']:.0f}"
        lines.append(f"| {row['case']['n_samples']} | {row['case']['epochs']} | {row['eager_epoch']:.3f} "
                     f"| {row['compiled_epoch']:.3f} | {row['speedup']:.2f} | {row['first_epoch_cold']:.1f} "
                     f"({row['first_epoch_warm']:.1f}) | {even} | {row['total_eager']:.1f} "
                     f"| {row['total_compiled_cold']:.1f} |")
    return lines + [""]


# --------------------------------------------------------------------------- main
def _cases(args) -> dict[str, list[Case]]:
    base_n, base_m, base_w = args.base_samples, args.base_modalities, args.base_width

    def epochs_for(n: int) -> int:
        return max(1, min(args.max_epochs, round(args.epoch_samples / n)))

    return {
        "n_samples": [Case(n, base_m, base_w, epochs_for(n)) for n in args.samples],
        "n_modalities": [Case(base_n, m, base_w, epochs_for(base_n)) for m in args.modalities],
        "width": [Case(base_n, base_m, w, epochs_for(base_n)) for w in args.widths],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few repeats: a smoke test")
    parser.add_argument("--samples", type=int, nargs="+", default=None, help="default: 1000 10000 100000")
    parser.add_argument("--modalities", type=int, nargs="+", default=None, help="default: 2 3 5 10")
    parser.add_argument("--widths", type=int, nargs="+", default=None,
                        help="columns per modality; default: 16 64 128 1024")
    parser.add_argument("--base-samples", type=int, default=None,
                        help="n_samples of the modality and width scans (default 10000)")
    parser.add_argument("--base-modalities", type=int, default=3)
    parser.add_argument("--base-width", type=int, default=64)
    parser.add_argument("--epoch-samples", type=int, default=None,
                        help="train each case for about this many samples in all (default 20000), so that "
                             "large sizes run few epochs")
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=None, help="interleaved fit repeats per variant (default 6)")
    parser.add_argument("--latency-calls", type=int, default=None, help="one-row predictions per variant (default 300)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--compile", action="store_true",
                        help="also measure torch.compile of the module (slow: compiles on the CPU)")
    parser.add_argument("--compile-only", action="store_true", help="measure torch.compile only")
    parser.add_argument("--compile-samples", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="override a RedCoreClassifier parameter for both variants, e.g. batch_size=256")
    parser.add_argument("--out", type=Path, default=None, help="write all measurements to this JSON file")
    parser.add_argument("--memory-worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--compile-worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_worker is not None:
        print(json.dumps(memory_worker(json.loads(args.memory_worker))))
        return 0
    if args.compile_worker is not None:
        print(json.dumps(compile_worker(json.loads(args.compile_worker))))
        return 0

    quick = args.quick
    args.samples = args.samples or ([200, 400] if quick else [1000, 10_000, 100_000])
    args.modalities = args.modalities or ([2, 3] if quick else [2, 3, 5, 10])
    args.widths = args.widths or ([8, 16] if quick else [16, 64, 128, 1024])
    args.base_samples = args.base_samples or (200 if quick else 10_000)
    if quick and args.base_width == 64:
        args.base_width = 16
    args.epoch_samples = args.epoch_samples or (200 if quick else 20_000)
    args.repeats = args.repeats or (2 if quick else 6)
    args.latency_calls = args.latency_calls or (20 if quick else 300)
    overrides = {}
    for item in args.param:
        key, _, value = item.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    if quick:  # a small network, as in the test suite
        overrides = {"n_latent": 8, "encoder_hidden": (16,), "xenc_hidden": 16, "xenc_widths": (8,),
                     "classifier_hidden": 16, "batch_size": 64, **overrides}
    params = estimator_params(overrides)
    json_params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items() if k != "modalities"}

    torch.set_num_threads(1)
    load = LoadLog()
    start = time.perf_counter()
    meta = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "command": " ".join(sys.argv),
            "python": platform.python_version(), "torch": torch.__version__, "machine": platform.machine(),
            "cpu_count": os.cpu_count(), "cuda": torch.cuda.is_available(), "torch_threads": 1,
            "params_changed": {k: json_params[k] for k in overrides}}
    results: dict = {"meta": meta, "fit": [], "predict": [], "memory": [], "compile": []}
    warm_up(params)
    groups = _cases(args) if not args.compile_only else {}
    measured: dict[Case, dict] = {}
    for cases in groups.values():
        for case in cases:
            if case in measured:
                continue
            print(f"fit {case.label} epochs={case.epochs} ...", file=sys.stderr, flush=True)
            row, fitted = measure_fit(case, args.repeats, params, load)
            measured[case] = row
            results["fit"].append(row)
            results["predict"].append(measure_predict(case, fitted, args.repeats, args.latency_calls, load))
            del fitted
            if not args.no_memory and (not quick or not results["memory"]):  # quick: the first case only
                print(f"memory {case.label} ...", file=sys.stderr, flush=True)
                results["memory"].append(measure_memory(case, json_params, load))
    if args.compile or args.compile_only:
        for n in args.compile_samples:
            epochs = max(2, min(args.max_epochs, round(args.epoch_samples / n)))
            print(f"compile n={n} epochs={epochs} ...", file=sys.stderr, flush=True)
            results["compile"].append(measure_compile(n, epochs, json_params, load))
    meta["wall_seconds"] = time.perf_counter() - start
    meta["load_1min"] = load.summary()

    titles = {"n_samples": "Fit, by number of samples", "n_modalities": "Fit, by number of modalities",
              "width": "Fit, by columns per modality"}
    keys = {"n_samples": "n_samples", "n_modalities": "n_modalities", "width": "width"}
    lines = [f"RedCoreClassifier against a plain PyTorch loop of the same network (one torch thread; "
             f"{meta['cpu_count']} CPUs, CUDA {'available' if meta['cuda'] else 'not available'}; "
             f"torch {meta['torch']}). Overhead = ours / plain - 1.", ""]
    if results["fit"]:
        results["overall"] = overall = overall_overhead(results["fit"])
        lines += [f"Over the {overall['cases']} cases (geometric mean of ours / plain, medians of the repeats): "
                  f"whole fit {overall['fit']:+.1%}, CPU time {overall['cpu']:+.1%}, training loop alone "
                  f"{overall['loop']:+.1%}.", ""]
    for group, cases in groups.items():
        lines += fit_table([measured[c] for c in cases], keys[group], titles[group])
    if results["predict"]:
        lines += predict_table(results["predict"])
    if results["memory"]:
        lines += memory_table(results["memory"])
    if results["compile"]:
        lines += compile_table(results["compile"])
    summary = meta["load_1min"]
    lines.append(f"Load average (1 min) seen during the run: min {summary['min']:.2f}, "
                 f"median {summary['median']:.2f}, "
                 f"max {summary['max']:.2f}. Wall time {meta['wall_seconds']:.0f} s.")
    print("\n".join(lines))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, default=float) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
