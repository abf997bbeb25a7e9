"""Speed of RedCoreClassifier against a plain PyTorch training loop of the same network.

The floor ("plain loop", :func:`train_plain`) trains the network that the
estimator builds (:func:`plain_network`, from the estimator's own code), with
the same loss, the same ``SupervisionRegulator`` stepped once per mini-batch
(Algorithm 1), the same Adam (foreach) after clipping the gradient norm at
1.0, the same epochs, batch size and seeds. Its mini-batches are rows of a
shuffled permutation gathered from tensors with ``index_select`` (as the
estimator does; no skorch, no DataLoader), and it starts from inputs already
prepared by the estimator's input object (``ModalityInputs``), whereas
``RedCoreClassifier.fit`` starts from the raw array, so its time also
includes validating and standardising X. Both use one torch thread; the
first check of every case is that both give the same probabilities (column
"max abs diff"; 0 means the two computations are identical).

Measured, per case (synthetic data from ``make_multimodal_classification``,
every modality missing in 30% of the samples, 10 classes):

* fit time per epoch, repeats interleaved in the order ours, plain, plain,
  ours, ... so that the machine's load, and whatever one fit leaves behind
  for the next (allocator, caches), affect both alike, with a garbage
  collection before each; median and minimum. Ours is the whole ``fit``
  divided by the epochs; "loop" is its epochs alone (skorch's epoch timer),
  and "set-up" the rest of the fit, paid once per fit;
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
import copy
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
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np
import torch

from sklearn_redcore import RedCoreClassifier, mask_modalities
from sklearn_redcore._benchmark import parse_params
from sklearn_redcore._callbacks import WeightAveraging
from sklearn_redcore._inputs import ModalityInputs, NetworkInputs
from sklearn_redcore._network import RedCoreModule, redcore_objective
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


def make_data(case: Case, seed: int = 0):
    """Raw X (NaN for missing modalities), y and the modality spec of a case."""
    data = make_multimodal_classification(
        case.n_samples, modality_dims=[case.width] * case.n_modalities, n_classes=N_CLASSES, random_state=seed
    )
    X = mask_modalities(data.data, data.modalities, MISSING_RATE, random_state=seed)
    return X, data.target, data.modalities


# ------------------------------------------------------------------------- variants
def estimator_params(overrides: dict) -> dict:
    """RedCoreClassifier's parameters (defaults plus overrides), shared by both variants."""
    params = RedCoreClassifier().get_params()
    params.update(overrides)
    return params


def make_estimator(modalities, params: dict, epochs: int, seed: int) -> RedCoreClassifier:
    """The unfitted estimator of a run: "ours" fits it, and its parameters configure the plain loop."""
    kwargs = {k: v for k, v in params.items() if k != "modalities"}
    kwargs.update(max_epochs=epochs, random_state=seed, n_threads=1, verbose=0, early_stopping=False)
    return RedCoreClassifier(modalities, **kwargs)


def prepare(clf: RedCoreClassifier, X: np.ndarray) -> tuple[ModalityInputs, NetworkInputs]:
    """X as ``clf.fit`` hands it to the network (done outside the plain loop's timing).

    The estimator's input object fitted on X (every row of X has a modality, so
    fit trains on all of them), and X transformed by it: standardised float32
    columns modality after modality, NaN set to 0, and the presence matrix.
    """
    inputs = ModalityInputs.from_spec(clf.modalities, X.shape[1], feature_transform=clf.feature_transform).fit(X)
    return inputs, inputs.transform(X)


def plain_network(clf: RedCoreClassifier, inputs: ModalityInputs) -> tuple[RedCoreModule, SupervisionRegulator]:
    """The module and the regulator of Algorithm 1 that ``clf.fit`` builds for these inputs.

    Built from the estimator's own (private) ``_module_params`` and ``_net_params``:
    the one way to be sure that the plain loop trains the same network with the
    same loss settings and regulation as the estimator (``kl_weight``,
    ``stop_target_gradient``, ``regulate``, ...). Both read the fitted
    ``inputs_``, set here on a shallow copy of ``clf``.
    """
    clf = copy.copy(clf)
    clf.inputs_ = inputs
    regulator = clf._net_params(len(inputs.sizes))["regulator"]  # NumPy only: draws from no RNG
    return RedCoreModule(**clf._module_params(inputs.sizes, N_CLASSES)), regulator


def train_plain(
    clf: RedCoreClassifier, inputs: ModalityInputs, data: NetworkInputs, y: np.ndarray, *, compiled: bool = False
) -> tuple[RedCoreModule, list[float]]:
    """The floor: ``clf``'s network trained by a plain PyTorch loop on prepared inputs.

    Each mini-batch is one step of ``RedCoreNet``: forward, the module's loss
    parts, eta from Algorithm 1 stepped on the batch's imputation losses,
    ``redcore_objective``, backward, the gradient norm clipped at 1.0, Adam;
    after each epoch the average of the weights (``weight_averaging``).
    The seeds are the estimator's: torch's RNG and the permutations' generator
    both seeded with ``seed_from(random_state)``. ``compiled`` runs the forward
    pass through ``torch.compile(module)``. Returns the module in evaluation
    mode and the seconds of each epoch (the first includes building the module).
    """
    tensors, y_all = data.to_tensors("cpu"), torch.as_tensor(y, dtype=torch.long)
    seed, times = seed_from(clf.random_state), []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        start = time.perf_counter()
        module, regulator = plain_network(clf, inputs)
        forward = torch.compile(module) if compiled else module
        parameters = list(module.parameters())
        optimizer = torch.optim.Adam(parameters, lr=clf.lr, weight_decay=clf.weight_decay, foreach=True)
        generator = torch.Generator().manual_seed(seed)
        # The estimator's averaging of the weights over the epochs (the same callback, outside skorch).
        averaging = WeightAveraging(clf.weight_averaging) if clf.weight_averaging else None
        holder = SimpleNamespace(module_=module)
        if averaging is not None:
            averaging.on_train_begin(holder)
        module.train()
        for _ in range(clf.max_epochs):
            order = torch.randperm(len(y_all), generator=generator)
            for first in range(0, len(y_all), clf.batch_size):
                rows = order[first : first + clf.batch_size]
                optimizer.zero_grad()
                out = forward(**{key: value.index_select(0, rows) for key, value in tensors.items()})
                parts = module.loss(out, y_all.index_select(0, rows))
                eta = regulator.step(parts.imputation.detach().numpy(), parts.observed.numpy())
                redcore_objective(parts, eta).backward()
                torch.nn.utils.clip_grad_norm_(parameters, 1.0)
                optimizer.step()
            if averaging is not None:
                averaging.on_epoch_end(holder)
            now = time.perf_counter()
            times.append(now - start)
            start = now
        if averaging is not None:
            averaging.on_train_end(holder)
    module.eval()
    return module, times


def predict_plain(module: RedCoreModule, data: NetworkInputs) -> np.ndarray:
    with torch.no_grad():
        return torch.softmax(module(**data.to_tensors("cpu")).logits.double(), dim=1).numpy()


def warm_up(params: dict) -> None:
    """One tiny fit and prediction of each variant: torch's lazy initialisation is not measured."""
    X, y, modalities = make_data(Case(64, 2, 4, 1))
    make_estimator(modalities, params, 1, 0).fit(X, y).predict_proba(X)
    clf = make_estimator(modalities, params, 1, 0)
    inputs, data = prepare(clf, X)
    predict_plain(train_plain(clf, inputs, data, y)[0], data)


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


def measure_fit(case: Case, repeats: int, params: dict, load: LoadLog, seed: int = 0) -> tuple[dict, tuple]:
    X, y, modalities = make_data(case, seed)
    clf = make_estimator(modalities, params, case.epochs, seed)
    inputs, data = prepare(clf, X)
    fits = {
        "ours": lambda: make_estimator(modalities, params, case.epochs, seed).fit(X, y),
        "plain": lambda: train_plain(clf, inputs, data, y)[0],
    }
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
    diff = float(np.abs(models["ours"].predict_proba(X) - predict_plain(models["plain"], data)).max())
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
    ours, plain = row["ours"], row["plain"]
    row["overhead_median"] = ours["epoch_median"] / plain["epoch_median"] - 1
    row["overhead_min"] = ours["epoch_min"] / plain["epoch_min"] - 1
    row["overhead_cpu"] = statistics.median(cpu["ours"]) / statistics.median(cpu["plain"]) - 1
    ours["loop_seconds"] = loop
    ours["loop_epoch_median"] = statistics.median(loop) / case.epochs
    ours["setup_median"] = statistics.median(t - e for t, e in zip(times["ours"], loop))
    row["loop_overhead_median"] = ours["loop_epoch_median"] / plain["epoch_median"] - 1
    return row, (models, X, data)


def measure_predict(case: Case, fitted: tuple, repeats: int, latency_calls: int, load: LoadLog) -> dict:
    models, X, data = fitted
    clf, module = models["ours"], models["plain"]
    rows = min(PREDICT_ROWS, len(X))
    data_rows, data_row = data.take(slice(0, rows)), data.take(slice(0, 1))
    calls = {
        "ours": (lambda: clf.predict_proba(X[:rows]), lambda: clf.predict_proba(X[:1])),
        "plain": (lambda: predict_plain(module, data_rows), lambda: predict_plain(module, data_row)),
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


def memory_worker(spec: dict) -> dict:
    """In a fresh process: one fit (one epoch) and one prediction; peak RSS during them."""
    case, params = Case(**spec["case"]), spec["params"]
    warm_up(params)  # torch's one-off allocations are not the fit's
    X, y, modalities = make_data(case, 0)
    clf = make_estimator(modalities, params, 1, 0)
    if spec["variant"] == "plain":
        inputs, data = prepare(clf, X)
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the peak (VmHWM) to the current resident size
        method = "VmHWM reset before the fit"
    except OSError:
        method = "VmHWM of the whole process (reset not permitted)"
    before = _rss_kib("VmRSS")
    if spec["variant"] == "ours":
        clf.fit(X, y).predict_proba(X[:PREDICT_ROWS])
    else:
        predict_plain(train_plain(clf, inputs, data, y)[0], data.take(slice(0, PREDICT_ROWS)))
    peak = _rss_kib("VmHWM")
    return {
        "before_mib": before / 1024,
        "peak_mib": peak / 1024,
        "increase_mib": (peak - before) / 1024,
        "method": method,
    }


def compile_worker(spec: dict) -> dict:
    """In a fresh process: the plain loop epoch by epoch, eager module then compiled module."""
    case, params = Case(**spec["case"]), spec["params"]
    X, y, modalities = make_data(case)
    clf = make_estimator(modalities, params, case.epochs, 0)
    inputs, data = prepare(clf, X)
    return {
        variant: train_plain(clf, inputs, data, y, compiled=variant == "compiled")[1]
        for variant in ("eager", "compiled")
    }


WORKERS = {"memory": memory_worker, "compile": compile_worker}


def _run_worker(spec: dict, env: dict | None = None) -> dict:
    """Run ``WORKERS[spec["worker"]]`` in a fresh Python process (this script); its last output line is JSON."""
    env = dict(os.environ if env is None else env, OMP_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{spec['worker']} worker failed for {spec['case']}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_memory(case: Case, params: dict, load: LoadLog) -> dict:
    row = {"case": case._asdict()}
    for variant in ("ours", "plain"):
        load.sample()
        row[variant] = _run_worker({"worker": "memory", "case": case._asdict(), "params": params, "variant": variant})
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
            row[run] = _run_worker({"worker": "compile", "case": case._asdict(), "params": params}, env)
    load.sample()

    def steady(variant: str) -> float:
        times = [t for run in ("cold", "warm") for t in row[run][variant][1:]] or [
            row[run][variant][0] for run in ("cold", "warm")
        ]
        return statistics.median(times)

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


# ------------------------------------------------------------------------- tables
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


def _fmt_s(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def markdown(title: str, header: list[str], rows: list[list], *, first: str = "---:", note: str = "") -> list[str]:
    """A titled Markdown table, right-aligned but for the first column (``first``), and a blank line."""
    lines = [
        f"### {title}",
        "",
        *([note, ""] if note else []),
        f"| {' | '.join(header)} |",
        "|" + "|".join([first] + ["---:"] * (len(header) - 1)) + "|",
    ]
    return lines + [f"| {' | '.join(map(str, cells))} |" for cells in rows] + [""]


def fit_table(rows: list[dict], key: str, title: str) -> list[str]:
    others = [k for k in ("n_samples", "n_modalities", "width") if k != key]
    header = [
        key,
        *others,
        "epochs",
        "ours s/epoch median (min)",
        "plain s/epoch median (min)",
        "overhead median (min)",
        "overhead, CPU time",
        "ours loop s/epoch",
        "loop overhead",
        "ours set-up s",
        "ours samples/s",
        "plain samples/s",
        "max abs diff",
    ]

    def cells(row: dict) -> list:
        case, ours, plain = row["case"], row["ours"], row["plain"]
        return [
            case[key],
            *(case[k] for k in others),
            case["epochs"],
            f"{_fmt_s(ours['epoch_median'])} ({_fmt_s(ours['epoch_min'])})",
            f"{_fmt_s(plain['epoch_median'])} ({_fmt_s(plain['epoch_min'])})",
            f"{row['overhead_median']:+.1%} ({row['overhead_min']:+.1%})",
            f"{row['overhead_cpu']:+.1%}",
            _fmt_s(ours["loop_epoch_median"]),
            f"{row['loop_overhead_median']:+.1%}",
            _fmt_s(ours["setup_median"]),
            f"{ours['samples_per_s']:,.0f}",
            f"{plain['samples_per_s']:,.0f}",
            f"{row['max_abs_diff']:.1e}",
        ]

    return markdown(title, header, [cells(row) for row in rows])


def predict_table(rows: list[dict]) -> list[str]:
    header = [
        "case",
        "ours rows/s (1,000 rows)",
        "plain rows/s",
        "ours latency ms, 1 row, median (min)",
        "plain latency ms median (min)",
    ]
    cells = [
        [
            Case(**row["case"]).label,
            f"{row['ours']['rows_per_s']:,.0f}",
            f"{row['plain']['rows_per_s']:,.0f}",
            *(f"{row[v]['latency_ms_median']:.3f} ({row[v]['latency_ms_min']:.3f})" for v in ("ours", "plain")),
        ]
        for row in rows
    ]
    return markdown("Prediction", header, cells, first="---")


def memory_table(rows: list[dict]) -> list[str]:
    note = (
        f"Resident set size in MiB ({rows[0]['ours']['method']}); 'increase' is the peak minus the size just "
        "before the fit."
    )
    cells = [
        [
            Case(**row["case"]).label,
            *(f"{row[v][key]:.0f}" for key in ("peak_mib", "increase_mib") for v in ("ours", "plain")),
        ]
        for row in rows
    ]
    return markdown(
        "Peak memory (one epoch and a 1,000-row prediction, fresh process each)",
        ["case", "ours peak", "plain peak", "ours increase", "plain increase"],
        cells,
        first="---",
        note=note,
    )


def compile_table(rows: list[dict]) -> list[str]:
    header = [
        "n_samples",
        "epochs",
        "eager s/epoch",
        "compiled s/epoch",
        "speed-up",
        "compiled first epoch s, empty cache (cached)",
        "epochs to break even",
        "eager total s",
        "compiled total s (empty cache)",
    ]
    cells = [
        [
            row["case"]["n_samples"],
            row["case"]["epochs"],
            f"{row['eager_epoch']:.3f}",
            f"{row['compiled_epoch']:.3f}",
            f"{row['speedup']:.2f}",
            f"{row['first_epoch_cold']:.1f} ({row['first_epoch_warm']:.1f})",
            "never" if math.isinf(row["break_even_epochs"]) else f"{row['break_even_epochs']:.0f}",
            f"{row['total_eager']:.1f}",
            f"{row['total_compiled_cold']:.1f}",
        ]
        for row in rows
    ]
    return markdown("torch.compile of the module (plain loop)", header, cells)


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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few repeats: a smoke test")
    parser.add_argument("--samples", type=int, nargs="+", default=None, help="default: 1000 10000 100000")
    parser.add_argument("--modalities", type=int, nargs="+", default=None, help="default: 2 3 5 10")
    parser.add_argument(
        "--widths", type=int, nargs="+", default=None, help="columns per modality; default: 16 64 128 1024"
    )
    parser.add_argument(
        "--base-samples", type=int, default=None, help="n_samples of the modality and width scans (default 10000)"
    )
    parser.add_argument("--base-modalities", type=int, default=3)
    parser.add_argument("--base-width", type=int, default=64)
    parser.add_argument(
        "--epoch-samples",
        type=int,
        default=None,
        help="train each case for about this many samples in all (default 20000), so that large sizes run few epochs",
    )
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=None, help="interleaved fit repeats per variant (default 6)")
    parser.add_argument("--latency-calls", type=int, default=None, help="one-row predictions per variant (default 300)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument(
        "--compile", action="store_true", help="also measure torch.compile of the module (slow: compiles on the CPU)"
    )
    parser.add_argument("--compile-only", action="store_true", help="measure torch.compile only")
    parser.add_argument("--compile-samples", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a RedCoreClassifier parameter for both variants, e.g. batch_size=256",
    )
    parser.add_argument("--out", type=Path, default=None, help="write all measurements to this JSON file")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)  # JSON spec of a fresh-process run
    args = parser.parse_args(argv)
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
    args.overrides = parse_params(args.param)
    if quick:  # a small network, as in the test suite
        args.overrides = {
            "n_latent": 8,
            "encoder_hidden": (16,),
            "xenc_hidden": 16,
            "xenc_widths": (8,),
            "classifier_hidden": 16,
            "batch_size": 64,
            **args.overrides,
        }
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(1)
    if args.worker is not None:
        spec = json.loads(args.worker)
        print(json.dumps(WORKERS[spec["worker"]](spec)))
        return 0
    params = estimator_params(args.overrides)
    json_params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items() if k != "modalities"}
    load = LoadLog()
    start = time.perf_counter()
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(sys.argv),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cuda": torch.cuda.is_available(),
        "torch_threads": 1,
        "params_changed": {k: json_params[k] for k in args.overrides},
    }
    results: dict = {"meta": meta, "fit": [], "predict": [], "memory": [], "compile": []}
    warm_up(params)
    groups = _cases(args) if not args.compile_only else {}
    measured: dict[Case, dict] = {}
    for case in dict.fromkeys(case for cases in groups.values() for case in cases):  # each case once
        print(f"fit {case.label} epochs={case.epochs} ...", file=sys.stderr, flush=True)
        measured[case], fitted = measure_fit(case, args.repeats, params, load)
        results["fit"].append(measured[case])
        results["predict"].append(measure_predict(case, fitted, args.repeats, args.latency_calls, load))
        del fitted
        if not args.no_memory and (not args.quick or not results["memory"]):  # quick: the first case only
            print(f"memory {case.label} ...", file=sys.stderr, flush=True)
            results["memory"].append(measure_memory(case, json_params, load))
    if args.compile or args.compile_only:
        for n in args.compile_samples:
            epochs = max(2, min(args.max_epochs, round(args.epoch_samples / n)))
            print(f"compile n={n} epochs={epochs} ...", file=sys.stderr, flush=True)
            results["compile"].append(measure_compile(n, epochs, json_params, load))
    meta["wall_seconds"] = time.perf_counter() - start
    meta["load_1min"] = load.summary()

    titles = {
        "n_samples": "Fit, by number of samples",
        "n_modalities": "Fit, by number of modalities",
        "width": "Fit, by columns per modality",
    }
    lines = [
        f"RedCoreClassifier against a plain PyTorch loop of the same network (one torch thread; "
        f"{meta['cpu_count']} CPUs, CUDA {'available' if meta['cuda'] else 'not available'}; "
        f"torch {meta['torch']}). Overhead = ours / plain - 1.",
        "",
    ]
    if results["fit"]:
        results["overall"] = overall = overall_overhead(results["fit"])
        lines += [
            f"Over the {overall['cases']} cases (geometric mean of ours / plain, medians of the repeats): "
            f"whole fit {overall['fit']:+.1%}, CPU time {overall['cpu']:+.1%}, training loop alone "
            f"{overall['loop']:+.1%}.",
            "",
        ]
    for group, cases in groups.items():
        lines += fit_table([measured[c] for c in cases], group, titles[group])
    for key, table in (("predict", predict_table), ("memory", memory_table), ("compile", compile_table)):
        lines += table(results[key]) if results[key] else []
    load_1min = meta["load_1min"]
    lines.append(
        f"Load average (1 min) seen during the run: min {load_1min['min']:.2f}, median "
        f"{load_1min['median']:.2f}, max {load_1min['max']:.2f}. Wall time {meta['wall_seconds']:.0f} s."
    )
    print("\n".join(lines))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, default=float) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
