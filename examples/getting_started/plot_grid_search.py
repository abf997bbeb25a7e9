"""
Tuning xi1, xi2 and beta with GridSearchCV
==========================================

:class:`~sklearn_redcore.RedCoreClassifier` is an ordinary scikit-learn
estimator, so its parameters can be tuned with
:class:`~sklearn.model_selection.GridSearchCV`. This example searches the
three parameters of the supervision regulation (Algorithm 1 of the paper):

* ``xi1``, the lower bound of every supervision weight eta^m (eq. 6b),
* ``xi2``, the l_p norm of eta (eq. 6c),
* ``beta``, the weight of the newest imputation loss in its moving average
  (eq. 9).

It searches on the shipped mfeat digits with the estimator's defaults (a
network sized for data of this kind, stopped when its training loss has
converged), three-fold cross-validation and two fits at a time: 24 fits
that take about a minute and a half on two cores. ``n_jobs=2`` runs one fit
per core, each with one torch thread (``n_threads=1``, the default).
"""

# %%
# Three views, the strongest one missing most often
# --------------------------------------------------
# Three views of the digits (Fourier coefficients, Zernike moments and
# morphological features), with imbalanced missing rates: the regulation has
# something to balance.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from sklearn_redcore import (
    RedCoreClassifier,
    evaluate_modality_combinations,
    mask_modalities,
)
from sklearn_redcore.datasets import load_mfeat

data = load_mfeat(views=["fou", "zer", "mor"])
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
X_train = mask_modalities(X_train, data.modalities, [0.8, 0.5, 0.2], random_state=0)

# %%
# The search
# ----------
# A model that must work with any combination of modalities is best scored
# on every combination: the scorer below averages the weighted F1 score over
# the seven combinations of modalities of each validation fold (rows already
# missing a modality stay missing).


def average_over_combinations(estimator, X, y):
    table = evaluate_modality_combinations(estimator, X, y, data.modalities)
    return table["Ave."].iloc[0]


search = GridSearchCV(
    RedCoreClassifier(data.modalities, random_state=0),
    param_grid={"xi1": [0.005, 0.02], "xi2": [0.1, 0.2], "beta": [0.3, 0.7]},
    scoring=average_over_combinations,
    cv=StratifiedKFold(3, shuffle=True, random_state=0),
    n_jobs=2,
)
search.fit(X_train, y_train)
print("best parameters:", search.best_params_, "score:", round(search.best_score_, 3))
print("test score of the refitted best model:", round(average_over_combinations(search, X_test, y_test), 3))

# %%
# The cross-validated score is lower than the test score: the validation
# folds keep their missing modalities (a combination of modalities that a
# row lacks cannot be scored on it), while the test part is complete.
#
# ``xi1 * M**(1/p) <= xi2`` must hold (here ``M = 3`` and ``p = 2``), or no
# eta satisfies both constraints; the estimator raises a ``ValueError`` that
# says so. All combinations of this grid are feasible.
#
# The results
# -----------
results = pd.DataFrame(search.cv_results_)
table = results.pivot_table(index=["param_xi1", "param_xi2"], columns="param_beta", values="mean_test_score")
print(table.round(3).to_string())

fig, ax = plt.subplots(figsize=(6, 3.5))
for (xi1, xi2), row in table.iterrows():
    ax.plot(table.columns, row.to_numpy(), marker="o", label=f"xi1={xi1}, xi2={xi2}")
ax.set_xlabel("beta")
ax.set_ylabel("F1 averaged over combinations")
ax.set_xticks(table.columns)
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
fig.tight_layout()

# %%
# Differences this small are within the noise of three folds of 1,400
# samples; the defaults (``xi1=0.015``, ``xi2=0.15``, ``beta=0.7``, the paper's values)
# are a sound starting point. Search them when the modalities of your data
# differ much in strength or missing rate.
