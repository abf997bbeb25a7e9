"""Sequence modalities against the time-series anchor: RedCore, MiniRocket and imputation, on real and synthetic series.

The suite (``--data``, default all three):

* ``basic_motions``: BasicMotions (UEA archive, shipped inside aeon): 80
  recordings of 4 activities, two modalities, accelerometer and gyroscope,
  100 steps x 3 channels each;
* ``japanese_vowels``: JapaneseVowels (shipped inside aeon): 640 utterances
  of 9 speakers, two modalities, LPC coefficients 1-6 and 7-12, 7 to 29
  steps x 6 (variable length, NaN padding);
* ``synthetic``: ``make_sequence_classification``, 1,000 samples, three
  modalities of 12 steps x 8 features whose class is the order of motifs.

Protocol: the study of ``redcore benchmark`` (``run_study``): per seed a
stratified 70/30 split, the training part masked at each setting's rates
(shared 0.5, and imbalanced: (0.8, 0.2) for two modalities, (0.8, 0.5, 0.2)
for three), every model scored by the weighted F1 on the complete test part
averaged over the combinations of modalities. Models: RedCore with its
defaults (``--encoder`` chooses the encoder of the sequences, ``--param``
changes any parameter; the table names the changes), the anchor
"MiniRocket" (every modality's channels stacked, standardised on observed
values, missing modalities and padding at 0), and "Impute+LR". ``--out``
writes every fit's scores and time to a CSV file.

The encoder study of docs/sequences.md runs one RedCore per command, e.g.::

    python benchmarks/bench_sequence_suite.py --models RedCore --encoder conv --seeds 0
    python benchmarks/bench_sequence_suite.py --models RedCore --param transformer_width=32 --param transformer_layers=1

Needs aeon (``pip install 'sklearn-redcore[timeseries]'``). Run
``python benchmarks/bench_sequence_suite.py --help`` for the options;
docs/sequences.md gives the figures of the default command.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd

from sklearn_redcore._benchmark import parse_params, run_study

#: The data sets of the suite, by the name ``--data`` takes.
DATA_SETS = ("basic_motions", "japanese_vowels", "synthetic")


def _data(name: str):
    from sklearn_redcore.datasets import load_basic_motions, load_japanese_vowels, make_sequence_classification

    if name == "basic_motions":
        return load_basic_motions()
    if name == "japanese_vowels":
        return load_japanese_vowels()
    if name == "synthetic":
        return make_sequence_classification(1000, modality_shapes=[(12, 8)] * 3, n_classes=3, random_state=0)
    raise ValueError(f"unknown data set {name!r}; choose among {', '.join(DATA_SETS)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", default=list(DATA_SETS), choices=DATA_SETS)
    parser.add_argument("--models", nargs="+", default=["RedCore", "MiniRocket", "Impute+LR"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--encoder",
        choices=["transformer", "conv", "rocket", "mlp"],
        help="RedCore's sequence_encoder (default: its default)",
    )
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="a RedCore parameter")
    parser.add_argument("--out", help="CSV file for the scores and fit time of every fit")
    args = parser.parse_args(argv)
    params = parse_params(args.param)
    if args.encoder is not None:
        params["sequence_encoder"] = args.encoder
    label = "RedCore" + (" " + ", ".join(f"{key}={value}" for key, value in params.items()) if params else "")
    runs = []
    tables = []
    for name in args.data:
        data = _data(name)
        n_modalities = len(data.modalities)
        imbalanced = (0.8, 0.2) if n_modalities == 2 else (0.8, 0.5, 0.2)
        settings = {"shared 0.5": (0.5,) * n_modalities, f"imbalanced {imbalanced}": imbalanced}
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # samples that lost every modality
            results = run_study(
                data.data,
                data.target,
                data.modalities,
                settings,
                models=args.models,
                seeds=args.seeds,
                n_jobs=args.n_jobs,
                redcore_params=params,
                progress=False,
            )
        wall = time.perf_counter() - start
        results["model"] = results["model"].replace({"RedCore": label})
        runs.append(results.assign(data=name))
        grouped = results.groupby(["setting", "model"], sort=False)
        table = grouped["Ave."].agg(["mean", "std"]).round(3)
        table["fit s (median)"] = grouped["fit_time"].median().round(1)
        if "eta_history" in results:  # RedCore's epochs run (before the plateau stopped it)
            epochs = results["eta_history"].map(lambda history: len(history) if isinstance(history, list) else np.nan)
            table["epochs (median)"] = epochs.groupby([results["setting"], results["model"]], sort=False).median()
        table.insert(0, "data", name)
        tables.append(table)
        print(f"{name}: {len(results)} fits in {wall:.0f} s", file=sys.stderr, flush=True)
    summary = pd.concat(tables)
    if args.out:
        pd.concat(runs).to_csv(args.out, index=False)
    print(
        f"\nWeighted F1 averaged over the combinations, mean and std over seeds {args.seeds}; "
        f"RedCore: {params or 'defaults'}\n"
    )
    print(summary.to_markdown())
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
