"""Speed of RedCoreClassifier against a plain PyTorch training loop of the same network.

The floor ("plain", ``sklearn_redcore._benchmark._plain_loop.PlainLoop``)
trains the estimator's network with the estimator's loss, Algorithm 1,
optimiser, gradient clipping, batches and seeds, every piece read from the
estimator's fitted net, in one PyTorch loop on inputs prepared beforehand (no
skorch, no DataLoader, no input validation); ``RedCoreClassifier.fit`` starts
from the raw array. Both train for a fixed number of epochs on one torch
thread, and the first check of every case is that both give the same
probabilities (column "max abs diff"; 0 means the two computations are
identical).

Measured per case (synthetic data, every modality missing in 30% of the
samples, 10 classes; ``sklearn_redcore._benchmark._speed``): fit time per
epoch (whole fit, its epochs alone and its set-up; wall and CPU time),
prediction throughput and latency, peak memory in a fresh process and, with
``--compile``, ``torch.compile`` of the plain loop's module. Run
``python benchmarks/bench_speed.py --help`` for the options; docs/speed.md
holds the figures of the default command.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

from sklearn_redcore._benchmark import parse_params
from sklearn_redcore._benchmark._speed import (
    Case,
    LoadLog,
    estimator_params,
    measure_compile,
    measure_fit,
    measure_memory,
    measure_predict,
    overall_overhead,
    warm_up,
)


# ------------------------------------------------------------------------- tables
def _fmt_s(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _pct(key: str, minimum: str | None = None):
    """The cell of an overhead (and of its minimum): a signed percentage."""
    if minimum is None:
        return lambda row: f"{row[key]:+.1%}"
    return lambda row: f"{row[key]:+.1%} ({row[minimum]:+.1%})"


def _epoch_seconds(variant: str):
    return lambda row: f"{_fmt_s(row[variant]['epoch_median'])} ({_fmt_s(row[variant]['epoch_min'])})"


def markdown(title: str, columns: list[tuple], rows: list[dict], *, first: str = "---:", note: str = "") -> list[str]:
    """A titled Markdown table: each column is a header and the function of a row that gives its cell.

    Right-aligned but for the first column (``first``); a blank line after it.
    """
    lines = [
        f"### {title}",
        "",
        *([note, ""] if note else []),
        f"| {' | '.join(header for header, _ in columns)} |",
        "|" + "|".join([first] + ["---:"] * (len(columns) - 1)) + "|",
    ]
    return lines + [f"| {' | '.join(str(cell(row)) for _, cell in columns)} |" for row in rows] + [""]


def fit_table(rows: list[dict], key: str, title: str) -> list[str]:
    """One scan of the fit: the case's ``key`` first, then the other sizes."""
    sizes = [key, *(k for k in ("n_samples", "n_modalities", "width") if k != key), "epochs"]
    columns = [(k, lambda row, k=k: row["case"][k]) for k in sizes] + [
        ("ours s/epoch median (min)", _epoch_seconds("ours")),
        ("plain s/epoch median (min)", _epoch_seconds("plain")),
        ("overhead median (min)", _pct("overhead_median", "overhead_min")),
        ("overhead, CPU time", _pct("overhead_cpu")),
        ("ours loop s/epoch", lambda r: _fmt_s(r["ours"]["loop_epoch_median"])),
        ("loop overhead", _pct("loop_overhead_median")),
        ("ours set-up s", lambda r: _fmt_s(r["ours"]["setup_median"])),
        ("ours samples/s", lambda r: f"{r['ours']['samples_per_s']:,.0f}"),
        ("plain samples/s", lambda r: f"{r['plain']['samples_per_s']:,.0f}"),
        ("max abs diff", lambda r: f"{r['max_abs_diff']:.1e}"),
    ]
    return markdown(title, columns, rows)


def _label(row: dict) -> str:
    return Case(**row["case"]).label


def _latency(variant: str):
    return lambda r: f"{r[variant]['latency_ms_median']:.3f} ({r[variant]['latency_ms_min']:.3f})"


def predict_table(rows: list[dict]) -> list[str]:
    columns = [
        ("case", _label),
        ("ours rows/s (1,000 rows)", lambda r: f"{r['ours']['rows_per_s']:,.0f}"),
        ("plain rows/s", lambda r: f"{r['plain']['rows_per_s']:,.0f}"),
        ("ours latency ms, 1 row, median (min)", _latency("ours")),
        ("plain latency ms median (min)", _latency("plain")),
    ]
    return markdown("Prediction", columns, rows, first="---")


def memory_table(rows: list[dict]) -> list[str]:
    note = (
        f"Resident set size in MiB ({rows[0]['ours']['method']}); 'increase' is the peak minus the size just "
        "before the fit."
    )
    columns = [("case", _label)] + [
        (f"{variant} {name}", lambda r, v=variant, k=key: f"{r[v][k]:.0f}")
        for name, key in (("peak", "peak_mib"), ("increase", "increase_mib"))
        for variant in ("ours", "plain")
    ]
    title = "Peak memory (one epoch and a 1,000-row prediction, fresh process each)"
    return markdown(title, columns, rows, first="---", note=note)


def compile_table(rows: list[dict]) -> list[str]:
    columns = [
        ("n_samples", lambda r: r["case"]["n_samples"]),
        ("epochs", lambda r: r["case"]["epochs"]),
        ("eager s/epoch", lambda r: f"{r['eager_epoch']:.3f}"),
        ("compiled s/epoch", lambda r: f"{r['compiled_epoch']:.3f}"),
        ("speed-up", lambda r: f"{r['speedup']:.2f}"),
        (
            "compiled first epoch s, empty cache (cached)",
            lambda r: f"{r['first_epoch_cold']:.1f} ({r['first_epoch_warm']:.1f})",
        ),
        (
            "epochs to break even",
            lambda r: "never" if math.isinf(r["break_even_epochs"]) else f"{r['break_even_epochs']:.0f}",
        ),
        ("eager total s", lambda r: f"{r['total_eager']:.1f}"),
        ("compiled total s (empty cache)", lambda r: f"{r['total_compiled_cold']:.1f}"),
    ]
    return markdown("torch.compile of the module (plain loop)", columns, rows)


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
    add = parser.add_argument
    add("--quick", action="store_true", help="tiny sizes and few repeats: a smoke test")
    add("--samples", type=int, nargs="+", default=None, help="default: 1000 10000 100000")
    add("--modalities", type=int, nargs="+", default=None, help="default: 2 3 5 10")
    add("--widths", type=int, nargs="+", default=None, help="columns per modality; default: 16 64 128 1024")
    add("--base-samples", type=int, default=None, help="n_samples of the modality and width scans (default 10000)")
    add("--base-modalities", type=int, default=3)
    add("--base-width", type=int, default=64)
    add(
        "--epoch-samples",
        type=int,
        default=None,
        help="train each case for about this many samples in all (default 20000), so that large sizes run few epochs",
    )
    add("--max-epochs", type=int, default=10)
    add("--repeats", type=int, default=None, help="interleaved fit repeats per variant (default 6)")
    add("--latency-calls", type=int, default=None, help="one-row predictions per variant (default 300)")
    add("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    add("--compile", action="store_true", help="also measure torch.compile of the module (slow: compiles on the CPU)")
    add("--compile-only", action="store_true", help="measure torch.compile only")
    add("--compile-samples", type=int, nargs="+", default=[2000, 20000])
    add(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a RedCoreClassifier parameter for both variants, e.g. batch_size=256",
    )
    add("--out", type=Path, default=None, help="write all measurements to this JSON file")
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
        small = dict(n_latent=8, encoder_hidden=(16,), xenc_hidden=16, xenc_widths=(8,), classifier_hidden=16)
        args.overrides = {**small, "batch_size": 64, **args.overrides}
    return args


def report(results: dict, groups: dict[str, list[Case]]) -> list[str]:
    """The Markdown of a run: the overall overhead, the tables, the load of the machine."""
    meta, measured = results["meta"], {Case(**row["case"]): row for row in results["fit"]}
    lines = [
        f"RedCoreClassifier against a plain PyTorch loop of the same network (one torch thread; "
        f"{meta['cpu_count']} CPUs, CUDA {'available' if meta['cuda'] else 'not available'}; "
        f"torch {meta['torch']}). Overhead = ours / plain - 1.",
        "",
    ]
    if results["fit"]:
        overall = results["overall"]
        lines += [
            f"Over the {overall['cases']} cases (geometric mean of ours / plain, medians of the repeats): "
            f"whole fit {overall['fit']:+.1%}, CPU time {overall['cpu']:+.1%}, training loop alone "
            f"{overall['loop']:+.1%}.",
            "",
        ]
    titles = {"n_samples": "number of samples", "n_modalities": "number of modalities", "width": "columns per modality"}
    for group, cases in groups.items():
        lines += fit_table([measured[c] for c in cases], group, f"Fit, by {titles[group]}")
    for key, table in (("predict", predict_table), ("memory", memory_table), ("compile", compile_table)):
        lines += table(results[key]) if results[key] else []
    load = meta["load_1min"]
    lines.append(
        f"Load average (1 min) seen during the run: min {load['min']:.2f}, median "
        f"{load['median']:.2f}, max {load['max']:.2f}. Wall time {meta['wall_seconds']:.0f} s."
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(1)
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
    for case in dict.fromkeys(case for cases in groups.values() for case in cases):  # each case once
        print(f"fit {case.label} epochs={case.epochs} ...", file=sys.stderr, flush=True)
        row, fitted = measure_fit(case, args.repeats, params, load)
        results["fit"].append(row)
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
    if results["fit"]:
        results["overall"] = overall_overhead(results["fit"])
    print("\n".join(report(results, groups)))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, default=float) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
