"""The input transforms of RedCoreClassifier (``feature_transform``) on mfeat and on skewed synthetic data.

Each transform is fitted with the current defaults otherwise, on the protocol
of ``bench_cost.py`` (the README's): for each seed a stratified 70/30 split,
the training part masked at each missing-rate setting (``mask_modalities``),
and the weighted F1 on the complete test part averaged over every non-empty
combination of modalities. Two data sets (``--data``):

* "mfeat": the shipped digits, views fou + zer + mor;
* "skewed": ``make_multimodal_classification(2000, modality_dims=(20, 20, 20),
  n_classes=5, random_state=seed)`` whose columns, scaled to unit variance,
  go in turn through ``exp(1.5 z)`` (right-skewed, log-normal), ``z ** 3``
  (heavy tails on both sides) or stay as they are: the same information as
  the Gaussian data, in the shapes of tabular features where gradient
  boosting beats an MLP fed standardised inputs.

Reported per data set and transform: the F1 per setting (mean over seeds),
their mean, the median fit time and epochs. The runs (a split masked at a
setting) go ``--n-jobs`` at a time, one torch thread per fit, each fitting the
transforms one after the other (so that a change in the machine's load
touches them alike);
``--param KEY=VALUE`` sets another parameter of every fit (``--param
max_epochs=30 --param tol=None``: a fixed number of epochs, to time the
transforms alone). ``--cost`` times the input object alone instead
(``ModalityInputs.fit`` and ``transform``, best of a few runs) on mfeat's
training part and on two larger log-normal arrays. Run ``python benchmarks/bench_transforms.py --help``
for the options; docs/benchmarks_archive.md ("Input transforms") has the figures.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from sklearn_redcore._benchmark import Model, parse_params, run_suite
from sklearn_redcore._benchmark._arguments import study_parser
from sklearn_redcore._benchmark._report import config_fits, config_table, report_table
from sklearn_redcore._benchmark._run import epochs
from sklearn_redcore._benchmark._settings import DEFAULT_SETTINGS as SETTINGS

TRANSFORMS = ["standard", "center", "robust", "quantile", "auto"]


def skewed_data(seed: int):
    """The "skewed" data: Gaussian synthetic modalities, two thirds of the columns made skewed or heavy-tailed."""
    from sklearn_redcore.datasets import make_multimodal_classification

    data = make_multimodal_classification(2000, modality_dims=(20, 20, 20), n_classes=5, random_state=seed)
    z = data.data / data.data.std(axis=0)
    X = z.copy()
    X[:, 0::3] = np.exp(1.5 * z[:, 0::3])
    X[:, 1::3] = z[:, 1::3] ** 3
    data.data = X
    return data


def _mfeat():
    from sklearn_redcore.datasets import load_mfeat

    return load_mfeat(views=["fou", "zer", "mor"])


#: The data sets by name: a Bunch, or a function of the seed that makes one.
DATASETS = {"mfeat": _mfeat, "skewed": lambda: skewed_data}


def cost() -> str:
    """Milliseconds of ``ModalityInputs.fit`` and ``transform`` per transform, best of a few runs (Markdown)."""
    from sklearn_redcore import mask_modalities
    from sklearn_redcore._inputs import ModalityInputs
    from sklearn_redcore.datasets import load_mfeat

    def best(repeat: int, call, *args, **kwargs) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call(*args, **kwargs)
            times.append(time.perf_counter() - start)
        return min(times)

    data = load_mfeat(views=["fou", "zer", "mor"])
    cases = [
        ("mfeat 980 x 129", mask_modalities(data.data[:980], data.modalities, 0.5, random_state=0), data.modalities)
    ]
    rng = np.random.default_rng(0)
    for n, d in [(100_000, 100), (10_000, 1000)]:
        spec = [list(range(start, start + d // 4)) for start in range(0, d, d // 4)]
        cases.append((f"{n:,} x {d}", mask_modalities(rng.lognormal(size=(n, d)), spec, 0.3, random_state=0), spec))
    rows = []
    for name, X, spec in cases:
        repeat = 20 if len(X) < 5000 else 3
        for transform in TRANSFORMS:
            inputs = ModalityInputs.from_spec(spec, X.shape[1], feature_transform=transform)
            fit = best(repeat, inputs.fit, X, random_state=0)
            mapped = best(repeat, inputs.transform, X)
            rows.append({"X": name, "transform": transform, "fit ms": 1e3 * fit, "transform ms": 1e3 * mapped})
    return pd.DataFrame(rows).round(1).to_markdown(index=False)


def main(argv: list[str] | None = None) -> int:
    parser = study_parser(
        __doc__, settings=list(SETTINGS), test_size=True, param_help="set a parameter of every fit",
        out_help="write results.csv and summary.md there",
    )  # fmt: skip
    parser.add_argument("--data", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--transforms", nargs="+", default=["standard", "robust", "quantile"], choices=TRANSFORMS)
    parser.add_argument("--cost", action="store_true", help="time the input transforms alone instead")
    args = parser.parse_args(argv)
    if args.cost:
        print(cost())
        return 0
    params = parse_params(args.param)
    models = [Model(t, "RedCore", params | {"feature_transform": t}) for t in args.transforms]
    start = time.perf_counter()
    results = run_suite(
        {name: DATASETS[name] for name in args.data},
        {setting: SETTINGS[setting] for setting in args.settings},
        models=models, seeds=args.seeds, test_size=args.test_size, n_jobs=args.n_jobs, importance=False,
        measure=epochs,
    )  # fmt: skip
    wall = time.perf_counter() - start
    results = config_fits(results.assign(model=results["data"] + " " + results["model"]))
    order = [f"{data} {transform}" for data in args.data for transform in args.transforms]
    table = config_table(results.set_index("config").loc[order].reset_index())
    title = f"seeds {args.seeds}, {len(results)} fits, --n-jobs {args.n_jobs}, parameters {params}, {wall:.0f} s"
    report_table(args.out, title, table, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
