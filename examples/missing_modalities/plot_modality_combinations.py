"""
Scores per combination of available modalities
==============================================

A model trained on data with missing modalities must cope with any
combination of modalities at prediction time. The paper reports, for each
training setting, the weighted F1 score on the test data restricted to every
non-empty combination of modalities, and their average.
:func:`~sklearn_redcore.evaluate_modality_combinations` computes one such row
for a fitted model and :func:`~sklearn_redcore.plotting.plot_combination_heatmap`
draws a table of rows as a heat map.

Here the rows are three training settings of RedCore on three mfeat views:
complete training data, the same missing rate of 0.5 for every view, and
imbalanced missing rates (0.8 for ``fou``, 0.5 for ``zer``, 0.2 for ``mor``).
"""

# %%
# One RedCore model per training setting
# --------------------------------------
import pandas as pd
from sklearn.model_selection import train_test_split

from sklearn_redcore import (
    RedCoreClassifier,
    evaluate_modality_combinations,
    mask_modalities,
)
from sklearn_redcore.datasets import load_mfeat
from sklearn_redcore.plotting import plot_combination_heatmap

data = load_mfeat(views=["fou", "zer", "mor"])
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
settings = {
    "complete": [0.0, 0.0, 0.0],
    "shared 0.5": [0.5, 0.5, 0.5],
    "imbalanced": [0.8, 0.5, 0.2],
}
rows = []
for label, rates in settings.items():
    X_masked = mask_modalities(X_train, data.modalities, rates, random_state=0)
    model = RedCoreClassifier(data.modalities, max_epochs=30, random_state=0)
    model.fit(X_masked, y_train)
    row = evaluate_modality_combinations(model, X_test, y_test, data.modalities)
    rows.append(row.rename(index={"f1_weighted": label}))
table = pd.concat(rows)
print(table.round(3).to_string())

# %%
# The heat map
# ------------
# Columns are the modalities kept in the test data; ``Ave.`` is their mean,
# the number the paper plots against the missing rate.
fig = plot_combination_heatmap(table, title="RedCore, weighted F1 per test combination")

# %%
# Compare the columns down the table: the score of ``fou`` alone falls the
# most when ``fou`` is missing for 80% of the training samples, since its
# encoder and classifier learn from fewer examples. Combinations of two or
# three views lose less: when a view is absent, its representation is imputed
# from the views present.
