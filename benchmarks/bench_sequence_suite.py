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

import sys
import warnings
from functools import partial

import numpy as np
import pandas as pd

from sklearn_redcore._benchmark import Model, parse_params, run_suite
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._settings import settings_for

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


def data_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per (setting, model) of one data set: the F1's mean and std over seeds, the fit time and RedCore's epochs."""
    grouped = results.groupby(["setting", "model"], sort=False)
    table = grouped["Ave."].agg(["mean", "std"]).round(3)
    table["fit s (median)"] = grouped["fit_time"].median().round(1)
    if "eta_history" in results:  # RedCore's epochs run (before the plateau stopped it)
        epochs = results["eta_history"].map(lambda history: len(history) if isinstance(history, list) else np.nan)
        table["epochs (median)"] = epochs.groupby([results["setting"], results["model"]], sort=False).median()
    table.insert(0, "data", results["data"].iloc[0])
    return table


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(
        __doc__, models=["RedCore", "MiniRocket", "Impute+LR"], n_jobs=2, param_help="a RedCore parameter",
        out="file", out_help="CSV file for the scores and fit time of every fit",
    )  # fmt: skip
    parser.add_argument("--data", nargs="+", default=list(DATA_SETS), choices=DATA_SETS)
    parser.add_argument(
        "--encoder",
        choices=["transformer", "conv", "rocket", "mlp"],
        help="RedCore's sequence_encoder (default: its default)",
    )
    args = parser.parse_args(argv)
    params = parse_params(args.param)
    if args.encoder is not None:
        params["sequence_encoder"] = args.encoder
    label = "RedCore" + (" " + ", ".join(f"{key}={value}" for key, value in params.items()) if params else "")
    models = [Model(label if name == "RedCore" else name, name, params) for name in args.models]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # samples that lost every modality
        results = run_suite(
            {name: partial(_data, name) for name in args.data},
            partial(settings_for, names=["shared 0.5", "imbalanced"]),
            models=models, seeds=args.seeds, n_jobs=args.n_jobs, progress=False,
        )  # fmt: skip
    if args.out:
        results.to_csv(args.out, index=False)
    print(
        f"\nWeighted F1 averaged over the combinations, mean and std over seeds {args.seeds}; "
        f"RedCore: {params or 'defaults'}\n"
    )
    print(pd.concat([data_table(part) for _, part in results.groupby("data", sort=False)]).to_markdown())
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
