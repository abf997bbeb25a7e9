"""Sequence modalities: the encoders of sequences against an MLP, their cost, and a fit at the paper's sizes.

Three studies (the first argument):

``accuracy``
    Data from ``make_sequence_classification``: three sequence modalities
    whose class is the order in which motifs occur (every sequence holds
    every motif once, so only the order tells the class), of varying length
    (NaN padding). For each seed: a stratified 70/30 split; the training part
    loses modalities at imbalanced missing rates (default 0.8, 0.5, 0.2);
    RedCore is fitted twice, with ``sequence_encoder="transformer"`` and with
    ``"mlp"`` (the flattened sequence, padding as zeros, through the MLP
    encoder), all else equal (``--encoders`` also takes ``"conv"``); both are scored (weighted F1) on the complete
    test part under each of the 7 combinations of available modalities.
    ``--preset`` fits the estimator's own defaults ("default") or a preset
    of ``RedCoreClassifier.from_preset`` ("paper", "authors_code") instead
    of the study's smaller transformer.

``paper-size``
    One fit on random sequences of the paper's sizes (A: 130 features per
    step, V: 342, L: 1024; 50 steps; 5,000 samples, lengths 10 to 50 steps,
    missing rates 0.8, 0.5, 0.2), float32 X, with the default (the paper's)
    transformer sizes on one torch thread: it reports the size of X, the
    time of each epoch and the peak memory of the process. The labels are
    random: this measures cost, not accuracy.

``encoder-cost``
    The cost of the self-modal encoders of sequences inside a whole RedCore
    fit: CPU time per training epoch (``time.process_time``, less sensitive
    than wall time to other jobs on a shared machine) of RedCore with each
    encoder configuration (``--configs``), on random sequences shaped as the
    training parts of the sequence suite (``bench_sequence_suite.py``):
    BasicMotions (56 rows, 2 modalities of 100 steps x 3), JapaneseVowels
    (448 rows, 2 of 7 to 29 steps x 6) and its synthetic set (700 rows, 3
    of 6 to 12 steps x 8), masked at the imbalanced rates. Every
    configuration runs ``--epochs`` epochs, ``--repeats`` times, the
    configurations interleaved so that a change of load touches all alike;
    the median is reported.

Run ``python benchmarks/bench_sequences.py accuracy --help`` (or
``paper-size --help``, ``encoder-cost --help``) for the options; docs/sequences.md gives the figures
of the default commands.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from functools import partial

import numpy as np
import pandas as pd

from sklearn_redcore import RedCoreClassifier, mask_modalities
from sklearn_redcore._benchmark import Model, parse_params, run_data_study
from sklearn_redcore._benchmark._arguments import add_study_options
from sklearn_redcore._benchmark._report import report_table, write_outputs
from sklearn_redcore._benchmark._settings import setting_name
from sklearn_redcore._benchmark._study import score_columns
from sklearn_redcore.datasets import make_sequence_classification

ENCODERS = ("transformer", "conv", "mlp")
#: The encoder configurations of ``encoder-cost``: name -> RedCore parameters.
ENCODER_CONFIGS = {
    "transformer 64/2/4": dict(sequence_encoder="transformer", transformer_width=64, transformer_layers=2),
    "transformer 32/1/4": dict(sequence_encoder="transformer", transformer_width=32, transformer_layers=1),
    "conv 32": dict(sequence_encoder="conv", conv_channels=32),
    "conv 64": dict(sequence_encoder="conv", conv_channels=64),
}
#: The data of ``encoder-cost``: name -> (training rows, (T, d) per modality, imbalanced missing rates).
COST_SHAPES = {
    "basic_motions": (56, [(100, 3)] * 2, [0.8, 0.2]),
    "japanese_vowels": (448, [(29, 6)] * 2, [0.8, 0.2]),
    "synthetic": (700, [(12, 8)] * 3, [0.8, 0.5, 0.2]),
}


def _peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


#: The model of ``accuracy --preset``: the name the study gives RedCore with that preset.
_PRESET_MODELS = {None: "RedCore", "default": "RedCore", "paper": "RedCore-paper", "authors_code": "RedCore-authors"}


def _accuracy_data(args: argparse.Namespace, seed: int):
    return make_sequence_classification(
        args.n_samples,
        modality_shapes=[(args.steps, args.features)] * 3,
        n_classes=args.classes,
        signal=args.signal,
        reliability=args.reliability,
        random_state=seed,
    )


def _epoch_time(model, split) -> dict[str, float]:
    return {"epoch_time": float(np.median(model.net_.history[:, "dur"]))}


def run_accuracy(args: argparse.Namespace) -> int:
    sizes = {}
    if args.preset is None:
        sizes = dict(transformer_width=args.width, transformer_layers=args.layers, transformer_heads=args.heads)
        sizes["max_epochs"] = args.epochs
    params = parse_params(args.param)
    name = _PRESET_MODELS[args.preset]
    models = [Model(encoder, name, sizes | {"sequence_encoder": encoder} | params) for encoder in args.encoders]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # samples that lost every modality
        results = run_data_study(
            partial(_accuracy_data, args), {setting_name(args.rates): args.rates}, models=models, seeds=args.seeds,
            importance=False, measure=_epoch_time,
        )  # fmt: skip
    results = results.rename(columns={"model": "encoder"})
    score_names = score_columns(results, exclude=["encoder", "epoch_time"])
    results = results[["seed", "encoder", *score_names, "fit_time", "epoch_time"]]
    for seed, encoder, score, fit in zip(results["seed"], results["encoder"], results["Ave."], results["fit_time"]):
        print(f"seed {seed} {encoder:11s} Ave. F1 {score:.3f}  fit {fit:.0f} s", flush=True)
    mean = results.groupby("encoder", sort=False)[score_names].mean()
    std = results.groupby("encoder", sort=False)[score_names].std(ddof=0)
    table = mean.round(3).astype(str)
    if len(args.seeds) > 1:
        table = table + " ± " + std.round(3).astype(str)
    table["fit time (s)"] = results.groupby("encoder", sort=False)["fit_time"].median().round(0)
    table["epoch (s)"] = results.groupby("encoder", sort=False)["epoch_time"].median().round(2)
    if args.preset is None:
        model_text = f"transformer width {args.width}, {args.layers} layers, {args.heads} heads; {args.epochs} epochs"
    else:
        model_text = f"RedCoreClassifier preset {args.preset!r} (its sizes and epochs)"
    title = (
        f"Weighted F1 on the complete test part (30%), by available modalities; {len(args.seeds)} seed(s) "
        f"{args.seeds}; {args.n_samples} samples, 3 modalities of {args.steps} steps x {args.features} "
        f"features, {args.classes} classes, training missing rates {tuple(args.rates)}; {model_text}; "
        f"parameters set: {params or 'none'}."
    )
    report_table(args.out, title, table, results, lead="\n")
    return 0


def run_paper_size(args: argparse.Namespace) -> int:
    import torch

    rng = np.random.default_rng(0)
    sizes = {"A": 130, "V": 342, "L": 1024}
    T = args.steps
    from sklearn_redcore import SequenceModality

    n_columns = T * sum(sizes.values())
    X = np.empty((args.n_samples, n_columns), dtype=np.float32)
    modalities, start = {}, 0
    for name, d in sizes.items():
        lengths = rng.integers(min(10, T), T + 1, size=args.n_samples)
        for first in range(0, args.n_samples, 500):  # in chunks: no float64 copy of the whole block
            block = rng.standard_normal((min(500, args.n_samples - first), T, d), dtype=np.float32)
            block[np.arange(T) >= lengths[first : first + 500, None]] = np.nan
            X[first : first + 500, start : start + T * d] = block.reshape(len(block), T * d)
        modalities[name] = SequenceModality(range(start, start + T * d), n_steps=T)
        start += T * d
    y = rng.integers(0, 4, size=args.n_samples)
    X = mask_modalities(X, modalities, args.rates, random_state=0)
    X = np.asarray(X, dtype=np.float32)
    rss_data = _peak_rss_gib()
    model = RedCoreClassifier(
        modalities,
        sequence_encoder="transformer",
        transformer_width=128,
        transformer_layers=3,
        transformer_heads=8,
        max_epochs=args.epochs,
        batch_size=args.batch_size,
        n_threads=args.threads,
        random_state=0,
        verbose=1,
    )
    start_time = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
    fit_time = time.perf_counter() - start_time
    rss_fit = _peak_rss_gib()
    start_time = time.perf_counter()
    model.predict_proba(X[:1000])
    predict_time = time.perf_counter() - start_time
    n_parameters = sum(p.numel() for p in model.net_.module_.parameters())
    epochs = [f"{d:.0f}" for d in model.net_.history[:, "dur"]]
    lines = [
        f"Paper-size fit: {args.n_samples} samples, {T} steps, A 130 / V 342 / L 1024 features per step "
        f"({n_columns} columns), missing rates {tuple(args.rates)}, float32 X of {X.nbytes / 2**30:.2f} GiB; "
        f"RedCoreClassifier with the paper's transformers (width 128, 3 layers, 8 heads; {n_parameters:,} parameters), "
        f"batch {args.batch_size}, {args.threads} torch thread(s), torch {torch.__version__}.",
        f"epoch time (s): {', '.join(epochs)}; whole fit {fit_time:.0f} s; predict_proba of 1,000 samples "
        f"{predict_time:.1f} s",
        f"peak resident memory: {rss_data:.2f} GiB after making the data, {rss_fit:.2f} GiB after the fit",
    ]
    print("\n".join(lines))
    write_outputs(args.out, {"paper_size.md": "\n\n".join(lines) + "\n"})
    return 0


def run_encoder_cost(args: argparse.Namespace) -> int:
    import torch

    rows = []
    for name in args.data:
        n_rows, shapes, rates = COST_SHAPES[name]
        min_length = 7 / 29 if name == "japanese_vowels" else (1.0 if name == "basic_motions" else 0.5)
        data = make_sequence_classification(
            n_rows, modality_shapes=shapes, n_classes=4, min_length=min_length, random_state=0
        )
        X = mask_modalities(data.data, data.modalities, rates, random_state=0)
        for repeat in range(-1, args.repeats):  # -1: a warm-up, not recorded (the first call of a
            for config in args.configs:  # convolution in a process costs a second of set-up)
                params = ENCODER_CONFIGS[config] | parse_params(args.param)
                epochs = args.epochs if repeat >= 0 else 1
                model = RedCoreClassifier(
                    data.modalities, max_epochs=epochs, early_stopping=False, tol=None, random_state=0, **params
                )
                start = time.process_time()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    model.fit(X, data.target)
                cpu = time.process_time() - start
                if repeat < 0:
                    continue
                n_parameters = sum(p.numel() for p in model.net_.module_.encoders.parameters())
                rows.append(
                    {"data": name, "config": config, "repeat": repeat, "cpu_per_epoch": cpu / args.epochs}
                    | {"encoder parameters": n_parameters}
                )
                print(f"{name} {config}: {cpu / args.epochs:.3f} s CPU per epoch", file=sys.stderr, flush=True)
    results = pd.DataFrame(rows)
    table = results.pivot_table(index="config", columns="data", values="cpu_per_epoch", aggfunc="median", sort=False)
    table = table.round(3)
    table["encoder parameters"] = results.groupby("config", sort=False)["encoder parameters"].last()
    title = (
        f"CPU seconds per training epoch of RedCoreClassifier (median of {args.repeats} fits of {args.epochs} epochs "
        f"after a warm-up; "
        f"one torch thread, torch {torch.__version__}); encoder parameters: on the last data set; "
        f"parameters set: {parse_params(args.param) or 'none'}."
    )
    report_table(args.out, title, table, results, names=("encoder_cost.csv", "encoder_cost.md"), lead="\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    studies = parser.add_subparsers(dest="study", required=True)
    accuracy = studies.add_parser("accuracy", help="transformer against MLP on order-dependent sequences")
    add_study_options(accuracy, seeds=[0, 1], n_jobs=None, param_help="set a parameter of RedCoreClassifier")
    accuracy.add_argument("--n-samples", type=int, default=2000)
    accuracy.add_argument("--steps", type=int, default=12, help="steps T of each modality")
    accuracy.add_argument("--features", type=int, default=8, help="features d per step")
    accuracy.add_argument("--classes", type=int, default=3)
    accuracy.add_argument("--signal", type=float, default=1.5, help="motif scale against unit noise")
    accuracy.add_argument("--reliability", type=float, default=0.9, help="see make_sequence_classification")
    accuracy.add_argument("--rates", type=float, nargs=3, default=[0.8, 0.5, 0.2], help="training missing rates")
    accuracy.add_argument("--encoders", nargs="+", choices=ENCODERS, default=["transformer", "mlp"])
    accuracy.add_argument("--width", type=int, default=64, help="transformer width (the paper's: 128)")
    accuracy.add_argument("--layers", type=int, default=2, help="transformer layers (the paper's: 3)")
    accuracy.add_argument("--heads", type=int, default=4, help="attention heads (the paper's: 8)")
    accuracy.add_argument("--epochs", type=int, default=30)
    accuracy.add_argument(
        "--preset",
        choices=["default", "paper", "authors_code"],
        default=None,
        help="fit RedCoreClassifier's own defaults ('default') or RedCoreClassifier.from_preset(PRESET) instead "
        "of the study's sizes (--width, --layers, --heads, --epochs are then ignored)",
    )
    paper = studies.add_parser("paper-size", help="cost of one fit at the paper's sizes")
    add_study_options(paper, seeds=None, n_jobs=None, param=None, out_help="folder for paper_size.md")
    paper.add_argument("--n-samples", type=int, default=5000)
    paper.add_argument("--steps", type=int, default=50)
    paper.add_argument("--rates", type=float, nargs=3, default=[0.8, 0.5, 0.2])
    paper.add_argument("--epochs", type=int, default=1)
    paper.add_argument("--batch-size", type=int, default=128)
    paper.add_argument("--threads", type=int, default=1)
    cost = studies.add_parser("encoder-cost", help="CPU time per epoch of each encoder of sequences")
    add_study_options(cost, seeds=None, n_jobs=None, out_help="folder for encoder_cost.csv and encoder_cost.md")
    cost.add_argument("--data", nargs="+", choices=list(COST_SHAPES), default=list(COST_SHAPES))
    cost.add_argument("--configs", nargs="+", choices=list(ENCODER_CONFIGS), default=list(ENCODER_CONFIGS))
    cost.add_argument("--epochs", type=int, default=5)
    cost.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    studies_run = {"accuracy": run_accuracy, "paper-size": run_paper_size, "encoder-cost": run_encoder_cost}
    return studies_run[args.study](args)


if __name__ == "__main__":
    sys.exit(main())
