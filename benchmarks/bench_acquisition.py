"""Which modality to acquire next: ``acquisition_gain`` against fixed and random choices, per sample.

Protocol, per data set and seed:

* a stratified 70/30 split; RedCore with its defaults fitted on the training
  part masked at the shared missing rate 0.5 (``mask_modalities``);
* every test row keeps one of its modalities, drawn at random (seeded);
* each policy picks one of the row's missing modalities, whose true values
  are then revealed, and the row is predicted again; then a second
  acquisition the same way. Accuracy and weighted F1 after one and after
  two acquisitions.

Policies:

* ``random``: a missing modality drawn at random (the mean of 20 draws);
* ``fixed (hindsight)``: the fixed priority order of the modalities with the
  best test accuracy, every order tried (chosen on the test labels, for one
  and for two acquisitions separately): an upper bound of any fixed order;
* ``fixed (held out)``: the best order chosen on one half of the test rows
  and applied to the other half, and the other way round;
* ``gain``: the missing modality of largest ``acquisition_gain(model, X,
  X_reference=the masked training part)``, computed again after the first
  acquisition with the revealed values;
* ``gain (pooled)``: the same with ``pooling=1``: the gains of the test rows
  that keep the same modality (after the first acquisition: the same two)
  averaged, one choice per such group, learned without labels;
* ``oracle``: a modality whose acquisition makes the prediction right,
  where there is one (a ceiling, not a policy).

Data sets (``--datasets``): mfeat with its six views (``load_mfeat``), and
those of ``bench_tabular_suite.py`` but its mfeat (breast_cancer, digits,
segment, penguins, synthetic; three modalities each, so that every policy
ends with the complete row after two acquisitions). The sequence data sets
(``load_basic_motions``, ``load_japanese_vowels``) have two modalities: a
row keeping one has a single modality to acquire, and no choice to make.

``--regression`` runs the same protocol for ``RedCoreRegressor`` on
scikit-learn's Friedman 1 problem split into three modalities (its five
informative inputs 2 + 2 + 1, each modality padded with noise columns; 2,000
samples), scored by the test mean squared error after one acquisition: the
gain (the expected reduction of the predictive variance), the best fixed
order with hindsight, and random choices (the mean of 20 draws).

``--model hgb`` runs the protocol for HistGradientBoostingClassifier
(which takes the NaN as they are) in place of RedCore: its gains come by
substitution, from the reference rows nearest to the sample.

``--timing`` measures instead the CPU time of ``acquisition_gain`` on 1,000
rows of mfeat, each keeping one random modality, on one thread. Writes
``results.csv`` and ``summary.md`` to ``--out`` and prints the summary; the
user guide's page "Which modality to acquire next" gives the figures of
the default command.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from sklearn_redcore import RedCoreClassifier, acquisition_gain, mask_modalities, modality_presence
from sklearn_redcore._benchmark._acquisition import reveal_modalities
from sklearn_redcore._benchmark._suites import TABULAR_SUITE
from sklearn_redcore.datasets import load_mfeat

POLICIES = ["random", "fixed (hindsight)", "fixed (held out)", "gain", "gain (pooled)", "oracle"]
N_RANDOM_DRAWS = 20


def datasets() -> dict:
    skip = ("mfeat", "mfeat_wide")  # mfeat's six views come whole, first
    return {"mfeat": load_mfeat} | {name: load for name, load in TABULAR_SUITE.items() if name not in skip}


def _scores(y: np.ndarray, one: np.ndarray, two: np.ndarray) -> dict:
    """Accuracy and weighted F1 of the predictions after one and after two acquisitions."""
    return {
        "accuracy_1": accuracy_score(y, one),
        "f1_1": f1_score(y, one, average="weighted"),
        "accuracy_2": accuracy_score(y, two),
        "f1_2": f1_score(y, two, average="weighted"),
    }


class Outcomes:
    """The prediction of every test row after the acquisition of each one or two of its modalities."""

    def __init__(self, model, X0: np.ndarray, full: np.ndarray, y: np.ndarray, modalities: dict) -> None:
        self.columns = list(modalities.values())
        self.y, self.missing, n = y, ~modality_presence(X0, modalities), len(y)
        self.one = np.stack([model.predict(self.reveal(X0, full, np.full(n, m))) for m in range(self.M)], 1)
        self.two = {}
        for a, b in itertools.combinations(range(self.M), 2):
            both = self.reveal(self.reveal(X0, full, np.full(n, a)), full, np.full(n, b))
            self.two[a, b] = self.two[b, a] = model.predict(both)

    @property
    def M(self) -> int:
        return len(self.columns)

    def reveal(self, X: np.ndarray, full: np.ndarray, chosen: np.ndarray) -> np.ndarray:
        """X with the columns of modality ``chosen[i]`` of row i taken from ``full``."""
        return reveal_modalities(X, full, chosen, self.columns)

    def predictions(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The predictions after acquiring ``first``, and after acquiring ``second`` too (one modality per row)."""
        after_two = np.array([self.two[pair][i] for i, pair in enumerate(zip(first, second))])
        return self.one[np.arange(len(self.y)), first], after_two

    def scores(self, first: np.ndarray, second: np.ndarray) -> dict:
        return _scores(self.y, *self.predictions(first, second))


def by_order(missing: np.ndarray, order: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The first and second missing modality of each row in the fixed priority ``order``."""
    ranked = np.argsort(np.where(missing, np.argsort(order), len(order)), axis=1, kind="stable")
    return ranked[:, 0], ranked[:, 1]


def fixed_policies(outcomes: Outcomes, seed: int) -> dict:
    """The best fixed order with hindsight, and the best fixed order chosen on the other half of the rows."""
    choices = [by_order(outcomes.missing, order) for order in itertools.permutations(range(outcomes.M))]
    right = [[p == outcomes.y for p in outcomes.predictions(*choice)] for choice in choices]
    half = np.random.default_rng(seed).permutation(len(outcomes.y)) < len(outcomes.y) // 2
    hindsight, held_out = {}, {}
    for step in (1, 2):
        best = choices[int(np.argmax([r[step - 1].mean() for r in right]))]
        first, second = np.empty_like(best[0]), np.empty_like(best[1])
        for part in (half, ~half):
            chosen = choices[int(np.argmax([r[step - 1][~part].mean() for r in right]))]
            first[part], second[part] = chosen[0][part], chosen[1][part]
        hindsight |= {k: v for k, v in outcomes.scores(*best).items() if k.endswith(str(step))}
        held_out |= {k: v for k, v in outcomes.scores(first, second).items() if k.endswith(str(step))}
    return {"fixed (hindsight)": hindsight, "fixed (held out)": held_out}


def random_policy(outcomes: Outcomes, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(N_RANDOM_DRAWS):
        ranked = np.argsort(np.where(outcomes.missing, rng.random(outcomes.missing.shape), 2.0), axis=1)
        runs.append(outcomes.scores(ranked[:, 0], ranked[:, 1]))
    return pd.DataFrame(runs).mean().to_dict()


def oracle_policy(outcomes: Outcomes) -> dict:
    """A modality (a pair) whose acquisition gives the right class where there is one; the first missing otherwise."""
    y, missing = outcomes.y, outcomes.missing
    first = np.argmax(missing * (1 + (outcomes.one == y[:, None])), axis=1)
    pairs = list(itertools.combinations(range(outcomes.M), 2))
    key = np.stack([(missing[:, a] & missing[:, b]) * (1 + (outcomes.two[a, b] == y)) for a, b in pairs], 1)
    two = np.array([outcomes.two[pairs[k]][i] for i, k in enumerate(np.argmax(key, axis=1))])
    return _scores(y, outcomes.one[np.arange(len(y)), first], two)


def gain_policy(
    model,
    X0: np.ndarray,
    full: np.ndarray,
    reference: np.ndarray,
    outcomes: Outcomes,
    seed: int,
    pooling: float = 0.0,
    modalities: dict | None = None,
):
    """The largest gain, twice (the second time with the first modality's values revealed); and the first call's
    CPU time. ``modalities``: for an estimator other than RedCore (its gains by substitution)."""
    start = time.process_time()
    options = {"random_state": seed, "pooling": pooling, "modalities": modalities}
    gain = acquisition_gain(model, X0, X_reference=reference, **options)
    first = np.nanargmax(gain, axis=1)
    seconds = time.process_time() - start
    X1 = outcomes.reveal(X0, full, first)
    gain = acquisition_gain(model, X1, X_reference=reference, **options)
    second = np.nanargmax(gain, axis=1)
    return outcomes.scores(first, second), seconds


def fitted(data, seed: int, max_epochs: int | None, model_name: str = "redcore"):
    """The model fitted on the masked training part of a 70/30 split; the split's test rows, and the training part.

    ``model_name``: "redcore" (RedCoreClassifier), or "hgb" (HistGradientBoostingClassifier, which takes the NaN
    as they are; its gains come by substitution).
    """
    train, test = train_test_split(np.arange(len(data.target)), test_size=0.3, stratify=data.target, random_state=seed)
    X_train = mask_modalities(data.data[train], data.modalities, 0.5, random_state=seed)
    params = {} if max_epochs is None else {"max_epochs": max_epochs}
    start = time.process_time()
    if model_name == "hgb":
        model = HistGradientBoostingClassifier(random_state=seed).fit(X_train, data.target[train])
    else:
        model = RedCoreClassifier(data.modalities, random_state=seed, **params).fit(X_train, data.target[train])
    return model, time.process_time() - start, X_train, test


def keep_one(modalities: dict, X: np.ndarray, seed: int) -> np.ndarray:
    """X with every modality but one, drawn at random per row, set to NaN."""
    X, columns = X.copy(), list(modalities.values())
    keep = np.random.default_rng(seed).integers(len(columns), size=len(X))
    for m, cols in enumerate(columns):
        X[np.ix_(keep != m, cols)] = np.nan
    return X


def run(name: str, data, seed: int, max_epochs: int | None, model_name: str = "redcore") -> list[dict]:
    model, fit_seconds, X_train, test = fitted(data, seed, max_epochs, model_name)
    full, y = data.data[test], data.target[test]
    modalities = {name: np.asarray(cols) for name, cols in data.modalities.items()}
    X0 = keep_one(modalities, full, seed)
    outcomes = Outcomes(model, X0, full, y, modalities)
    scores = fixed_policies(outcomes, seed) | {
        "random": random_policy(outcomes, seed),
        "oracle": oracle_policy(outcomes),
    }
    other = None if isinstance(model, RedCoreClassifier) else modalities
    scores["gain"], gain_seconds = gain_policy(model, X0, full, X_train, outcomes, seed, modalities=other)
    scores["gain (pooled)"], _ = gain_policy(model, X0, full, X_train, outcomes, seed, 1.0, other)
    meta = {"data": name, "seed": seed, "fit_s": fit_seconds, "gain_s": gain_seconds, "test_rows": len(y)}
    return [meta | {"policy": policy} | scores[policy] for policy in POLICIES]


def summary(results: pd.DataFrame) -> str:
    """Mean and standard deviation over the seeds of every score; then the gain policy's margins after one."""
    metrics = ["accuracy_1", "f1_1", "accuracy_2", "f1_2"]
    grouped = results.groupby(["data", "policy"], sort=False)[metrics]
    table = grouped.mean().map("{:.3f}".format) + " ± " + grouped.std().fillna(0).map("{:.3f}".format)
    means = grouped.mean()["accuracy_1"].unstack()
    margins = pd.DataFrame(
        {
            "gain - fixed (hindsight)": means["gain"] - means["fixed (hindsight)"],
            "gain - fixed (held out)": means["gain"] - means["fixed (held out)"],
            "gain - random": means["gain"] - means["random"],
            "pooled - fixed (hindsight)": means["gain (pooled)"] - means["fixed (hindsight)"],
            "pooled - random": means["gain (pooled)"] - means["random"],
            "fixed (hindsight) - random": means["fixed (hindsight)"] - means["random"],
            "fixed (hindsight) - fixed (held out)": means["fixed (hindsight)"] - means["fixed (held out)"],
        }
    ).round(4)
    seconds = results.groupby("data", sort=False)[["fit_s", "gain_s", "test_rows"]].median().round(2)
    return (
        "Scores after one (_1) and two (_2) acquisitions, mean ± std over seeds\n\n"
        f"{table.reset_index().to_markdown(index=False)}"
        f"\n\nAccuracy after one acquisition: margins\n\n{margins.reset_index().to_markdown(index=False)}"
        f"\n\nMedian CPU seconds (one thread): fit, and one call of acquisition_gain on the test rows\n\n"
        f"{seconds.reset_index().to_markdown(index=False)}\n"
    )


def friedman_modalities(seed: int):
    """Friedman 1 (2,000 samples) in three modalities: informative inputs 2 + 2 + 1, each with noise columns."""
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(2000, n_features=5, noise=1.0, random_state=seed)
    noise = np.random.default_rng(seed).normal(size=(len(X), 9))
    X = np.hstack([X[:, :2], noise[:, :3], X[:, 2:4], noise[:, 3:6], X[:, 4:], noise[:, 6:]])
    return X, y, {"a": list(range(0, 5)), "b": list(range(5, 10)), "c": list(range(10, 14))}


def _mse(outcomes: Outcomes, choice: np.ndarray) -> float:
    """The mean squared error of the predictions after acquiring ``choice[i]`` for row i."""
    from sklearn.metrics import mean_squared_error

    return mean_squared_error(outcomes.y, outcomes.one[np.arange(len(outcomes.y)), choice])


def regression(seeds: int, max_epochs: int | None = None) -> str:
    """Test mean squared error of RedCoreRegressor after one acquisition, per policy (see the module)."""
    from sklearn_redcore import RedCoreRegressor

    rows = []
    for seed in range(seeds):
        X, y, modalities = friedman_modalities(seed)
        train, test = train_test_split(np.arange(len(y)), test_size=0.3, random_state=seed)
        X_train = mask_modalities(X[train], modalities, 0.5, random_state=seed)
        params = {} if max_epochs is None else {"max_epochs": max_epochs}
        model = RedCoreRegressor(modalities, random_state=seed, **params).fit(X_train, y[train])
        X0 = keep_one(model.modalities_, X[test], seed)
        outcomes = Outcomes(model, X0, X[test], y[test], model.modalities_)
        rng = np.random.default_rng(seed)

        gain = acquisition_gain(model, X0, X_reference=X_train, random_state=seed)
        orders = [by_order(outcomes.missing, order)[0] for order in itertools.permutations(range(outcomes.M))]
        draws = [
            np.argmax(np.where(outcomes.missing, rng.random(outcomes.missing.shape), -1.0), axis=1)
            for _ in range(N_RANDOM_DRAWS)
        ]
        rows.append(
            {
                "seed": seed,
                "gain": _mse(outcomes, np.nanargmax(gain, axis=1)),
                "fixed (hindsight)": min(_mse(outcomes, choice) for choice in orders),
                "random": np.mean([_mse(outcomes, choice) for choice in draws]),
                "every row given its best (oracle)": np.mean(
                    np.min(np.where(outcomes.missing, (outcomes.one - y[test, None]) ** 2, np.inf), axis=1)
                ),
                "target variance": np.var(y[test]),
            }
        )
    table = pd.DataFrame(rows).set_index("seed")
    table.loc["mean"] = table.mean()
    return (
        "RedCoreRegressor on Friedman 1 in three modalities: test mean squared error after one acquisition\n\n"
        f"{table.round(3).to_markdown()}\n"
    )


def timing(n_rows: int = 1000, repeats: int = 3) -> str:
    """CPU time of acquisition_gain on ``n_rows`` rows of mfeat keeping one modality each, on one thread."""
    data = load_mfeat()
    model, _, X_train, _ = fitted(data, 0, None)
    rows = np.random.default_rng(0).choice(len(data.target), n_rows, replace=False)
    X = keep_one(model.modalities_, data.data[rows], 0)
    times = []
    for _ in range(repeats):
        start = time.process_time()
        acquisition_gain(model, X, X_reference=X_train, random_state=0)
        times.append(time.process_time() - start)
    return (
        f"acquisition_gain on {n_rows} rows of mfeat (six views, one kept per row; {len(X_train)} reference rows): "
        f"CPU seconds on one thread, {repeats} calls: " + ", ".join(f"{t:.2f}" for t in times)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=None, help="default: mfeat and the tabular suite's")
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--max-epochs", type=int, default=None, help="default: the estimator's")
    parser.add_argument("--out", type=Path, default=Path("acquisition_results"))
    parser.add_argument("--timing", action="store_true", help="measure the CPU time of acquisition_gain only")
    parser.add_argument("--regression", action="store_true", help="RedCoreRegressor on Friedman 1 instead")
    parser.add_argument(
        "--model",
        choices=["redcore", "hgb"],
        default="redcore",
        help="hgb: HistGradientBoostingClassifier, its gains by substitution (default: redcore)",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.timing:
        print(timing())
        return 0
    if args.regression:
        print(regression(args.seeds, args.max_epochs))
        return 0
    loaders = datasets()
    names = args.datasets or list(loaders)
    unknown = sorted(set(names) - set(loaders))
    if unknown:
        parser.error(f"unknown data sets {unknown}; known: {list(loaders)}")
    rows = []
    for name in names:
        data = loaders[name]()
        for seed in range(args.seeds):
            rows += run(name, data, seed, args.max_epochs, args.model)
            print(f"{name} seed {seed}: done", file=sys.stderr, flush=True)
    results = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.out / "results.csv", index=False)
    text = summary(results)
    (args.out / "summary.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
