"""
Which modality to acquire next?
===============================

A sample that misses modalities can often get one more: a clinic orders one
more test, a sensor is switched on. Which one helps this sample's prediction
most? :func:`~sklearn_redcore.acquisition_gain` answers per sample, from the
fitted network and without retraining: for each missing modality, the
expected reduction of the entropy of the predicted class distribution if its
values were known. Its plausible values come from reference rows (here the
training data): those nearest to the sample on the views it already shows.

Here RedCore learns the six mfeat views with half of every view missing;
each test digit then keeps a single view, and we acquire views one at a time
with three policies: the largest gain, a view drawn at random, and the fixed
order of views that is best on average, chosen on labelled rows held out
from the evaluation.
"""

# %%
# A model, and test digits that keep one view each
# ------------------------------------------------
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from sklearn_redcore import RedCoreClassifier, acquisition_gain, acquisition_order, mask_modalities
from sklearn_redcore.datasets import load_mfeat
from sklearn_redcore.plotting import plot_acquisition_curves

data = load_mfeat()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
X_train = mask_modalities(X_train, data.modalities, 0.5, random_state=0)
model = RedCoreClassifier(data.modalities, max_epochs=40, random_state=0).fit(X_train, y_train)

views = list(model.modalities_)
columns = list(model.modalities_.values())


def keep_one_view(seed):
    """The test digits with one view each, drawn at random; and which view each kept."""
    kept = np.random.default_rng(seed).integers(len(views), size=len(y_test))
    X = X_test.copy()
    for m, cols in enumerate(columns):
        X[np.ix_(kept != m, cols)] = np.nan
    return X, kept


X_start, kept = keep_one_view(0)

# %%
# The gains of a few digits
# -------------------------
# One column per view, NaN where the view is there already; larger is better.
# A digit the model is already sure of gains (almost) nothing from any view.
gain = acquisition_gain(model, X_start[:5], X_reference=X_train, random_state=0)
print(pd.DataFrame(gain, columns=views).round(3).to_string())

# %%
# With costs, :func:`~sklearn_redcore.acquisition_order` ranks the missing
# views by gain per unit of cost (here the pixels cost three times as much).
cost = {view: 3.0 if view == "pix" else 1.0 for view in views}
print(acquisition_order(model, X_start[:5], X_reference=X_train, cost=cost, random_state=0))

# %%
# Three policies, three acquisitions each
# ---------------------------------------
# The fixed order ranks the views by the accuracy they give when acquired
# first, measured on the first half of the test digits; every policy is
# scored on the second half. Three draws of the kept views (the band: their
# standard deviation).
half = np.arange(len(y_test)) < len(y_test) // 2


def acquire(X, full, choice):
    """X with the view ``choice[i]`` of row i taken from ``full``."""
    X = X.copy()
    for m, cols in enumerate(columns):
        picked = np.flatnonzero(choice == m)
        X[np.ix_(picked, cols)] = full[np.ix_(picked, cols)]
    return X


def missing(X):
    return np.stack([np.isnan(X[:, cols]).all(axis=1) for cols in columns], axis=1)


def fixed_rank(X_start, kept):
    """Each view's rank by the accuracy it gives when acquired first, on the first half's digits that miss it."""
    accuracy = []
    for m in range(len(views)):
        rows = half & (kept != m)
        accuracy.append(model.score(acquire(X_start[rows], X_test[rows], np.full(rows.sum(), m)), y_test[rows]))
    return np.argsort(np.argsort(-np.array(accuracy)))


rng = np.random.default_rng(0)


def choose(policy, X, rank):
    """The view each row of X acquires next under ``policy``."""
    if policy == "gain":
        return np.nanargmax(acquisition_gain(model, X, X_reference=X_train, random_state=0), axis=1)
    if policy == "fixed order":
        return np.argmin(np.where(missing(X), rank, len(views)), axis=1)
    return np.argmax(np.where(missing(X), rng.random((len(X), len(views))), -1.0), axis=1)


rows = []
for seed in range(3):
    X_start, kept = keep_one_view(seed)
    rank = fixed_rank(X_start, kept)
    for policy in ("gain", "fixed order", "random"):
        X = X_start[~half]
        for n_acquired in range(4):
            if n_acquired:
                X = acquire(X, X_test[~half], choose(policy, X, rank))
            score = model.score(X, y_test[~half])
            rows.append({"policy": policy, "seed": seed, "n_acquired": n_acquired, "accuracy": score})
results = pd.DataFrame(rows)
print(results.groupby(["n_acquired", "policy"])["accuracy"].mean().unstack().round(3).to_string())

# %%
# Accuracy against the number of views acquired
# ---------------------------------------------
fig = plot_acquisition_curves(results, title="mfeat: one view kept, then acquired one at a time")

# %%
# Reading the curves: the first acquisition matters most, and choosing it
# well is worth two to three points of accuracy over chance here. The gain,
# which needs no labels, does as well as the best fixed order chosen on
# labelled digits; by the third acquisition every policy has caught up. The
# user guide's page :ref:`acquisition` gives the derivation and the
# comparison on six data sets and six seeds: against a fixed order chosen on
# held-out labelled rows the gain is ahead on three and behind on three (by
# 0.002 at most), and the best fixed order chosen with hindsight on the test
# labels is ahead of it by up to 0.007.
