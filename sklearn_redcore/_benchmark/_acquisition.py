"""Which modality to acquire next, in a study: the score after each acquisition, under three policies.

For RedCore fitted in a classification run with three modalities or more,
on the test rows that have every modality: each row keeps one of its
modalities, drawn at random (seeded); then, one at a time until the rows are
complete, each policy reveals one missing modality per row, and the rows
are predicted again. The policies:

* ``gain``: the missing modality of largest
  :func:`~sklearn_redcore.acquisition_gain`, with the run's masked training
  part as reference rows; no labels;
* ``fixed order``: the modalities ranked by the accuracy they give when
  acquired first, measured on the other half of the test rows (a ranking a
  user would make on labelled data; each half is ranked on the other);
* ``random``: a missing modality drawn at random (the mean of
  :data:`RANDOM_DRAWS` draws).

With two modalities a row that keeps one has a single modality to acquire,
and no choice to make: no curve is drawn; nor with fewer than
:data:`MIN_ROWS` complete test rows, or when the training part has no row
of some modality (the gains take their plausible values from it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._inputs import modality_presence

__all__ = [
    "ACQUISITION_COLUMN",
    "MIN_ROWS",
    "POLICIES",
    "RANDOM_DRAWS",
    "acquisition_curve",
    "acquisition_table",
    "reveal_modalities",
]

#: The column of a run's rows that holds the curve (a list of records), for RedCore only.
ACQUISITION_COLUMN = "acquisition_curve"
#: The policies, in the order of the curves.
POLICIES = ("gain", "fixed order", "random")
#: The fewest complete test rows a curve is drawn on.
MIN_ROWS = 20
#: The random policy's curve: the mean over this many draws.
RANDOM_DRAWS = 5


def reveal_modalities(X: np.ndarray, full: np.ndarray, choice: np.ndarray, columns: list[np.ndarray]) -> np.ndarray:
    """X with the columns of modality ``choice[i]`` of row i taken from ``full``."""
    X = X.copy()
    for m, cols in enumerate(columns):
        rows = np.flatnonzero(choice == m)
        X[np.ix_(rows, cols)] = full[np.ix_(rows, cols)]
    return X


def _fixed_ranks(model: Any, start: np.ndarray, full: np.ndarray, y: np.ndarray, kept: np.ndarray, columns, rng):
    """(n, M): each row's rank of the modalities, measured on the other half of the rows (0: acquire first)."""
    n, n_modalities = len(y), len(columns)
    half = rng.permutation(n) < n // 2
    ranks = np.empty((n, n_modalities))
    for part in (half, ~half):
        accuracy = []
        for m in range(n_modalities):
            rows = np.flatnonzero(~part & (kept != m))
            revealed = reveal_modalities(start[rows], full[rows], np.full(len(rows), m), columns)
            accuracy.append(np.mean(model.predict(revealed) == y[rows]) if len(rows) else 0.0)
        ranks[part] = np.argsort(np.argsort(-np.asarray(accuracy), kind="stable"))
    return ranks


def acquisition_curve(model: Any, split: Any, seed: int) -> list[dict]:
    """The accuracy and weighted F1 after 0, 1, ... acquisitions under each policy (see the module).

    Parameters
    ----------
    model : fitted RedCoreClassifier
        The run's RedCore.
    split : Split
        The run's parts (:class:`~._run.Split`): its complete test part and
        its masked training part (the reference rows of the gains).
    seed : int
        Seeds the kept modalities, the halves and the random policy.

    Returns
    -------
    curve : list of dict
        One record per policy and number of acquired modalities, with the
        keys ``policy``, ``n_acquired``, ``accuracy``, ``f1``; empty with
        fewer than three modalities, fewer than :data:`MIN_ROWS` complete
        test rows, or a modality that no row of the training part has.
    """
    from .._acquisition import acquisition_gain

    columns = [np.asarray(cols) for cols in model.modalities_.values()]
    full = np.asarray(split.X_test, dtype=float)
    complete = modality_presence(full, model.modalities_).all(axis=1)
    n_modalities = len(columns)
    # the gains' plausible values come from the training part: each modality needs a row there
    trained = modality_presence(np.asarray(split.X_train, dtype=float), model.modalities_).any(axis=0).all()
    if n_modalities < 3 or complete.sum() < MIN_ROWS or not trained:
        return []
    full, y = full[complete], np.asarray(split.y_test)[complete]
    rng = np.random.default_rng(seed)
    kept = rng.integers(n_modalities, size=len(y))
    start = full.copy()
    for m, cols in enumerate(columns):
        start[np.ix_(kept != m, cols)] = np.nan
    ranks = _fixed_ranks(model, start, full, y, kept, columns, rng)
    choosers = {
        "gain": lambda X, missing: np.nanargmax(
            acquisition_gain(model, X, X_reference=split.X_train, random_state=seed), axis=1
        ),
        "fixed order": lambda X, missing: np.argmin(np.where(missing, ranks, n_modalities), axis=1),
        "random": lambda X, missing: np.argmax(np.where(missing, rng.random(missing.shape), -1.0), axis=1),
    }
    curve = []
    for policy in POLICIES:
        draws = RANDOM_DRAWS if policy == "random" else 1
        walks = [_walk(model, start, full, y, choosers[policy]) for _ in range(draws)]
        for n_acquired in range(n_modalities):
            scores = pd.DataFrame([walk[n_acquired] for walk in walks]).mean()
            curve.append({"policy": policy, "n_acquired": n_acquired, **scores.to_dict()})
    return curve


def _walk(model: Any, start: np.ndarray, full: np.ndarray, y: np.ndarray, choose) -> list[dict]:
    """The scores of the rows as they are, then after each acquisition ``choose(X, missing)`` makes, to the end."""
    from sklearn.metrics import accuracy_score, f1_score

    X, scores, columns = start, [], list(model.modalities_.values())
    for n_acquired in range(len(columns)):
        if n_acquired:
            X = reveal_modalities(X, full, choose(X, ~modality_presence(X, model.modalities_)), columns)
        predicted = model.predict(X)
        scores.append({"accuracy": accuracy_score(y, predicted), "f1": f1_score(y, predicted, average="weighted")})
    return scores


def acquisition_table(results: pd.DataFrame) -> pd.DataFrame:
    """The curves of a study's rows as one long table: setting, seed, model, and each record's columns."""
    columns = ["setting", "seed", "model", "policy", "n_acquired", "accuracy", "f1"]
    if ACQUISITION_COLUMN not in results:
        return pd.DataFrame(columns=columns)
    rows = [
        {"setting": row.setting, "seed": row.seed, "model": row.model, **record}
        for row in results.itertuples()
        if isinstance(curve := getattr(row, ACQUISITION_COLUMN), list)
        for record in curve
    ]
    return pd.DataFrame(rows, columns=columns)
