"""
Quick start: RedCore on digits with imbalanced missing modalities
=================================================================

Three views of the UCI handwritten digits (shipped with the package) lose
80%, 50% and 20% of their training samples. RedCoreClassifier trains on all
samples anyway and predicts from whatever modalities a test sample has.
"""

# %%
# Load the data and hide modalities
# ---------------------------------
import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split

from sklearn_redcore import (
    RedCoreClassifier,
    evaluate_modality_combinations,
    mask_modalities,
    modality_presence,
)
from sklearn_redcore.datasets import load_mfeat

data = load_mfeat(views=["fou", "zer", "mor"])
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
X_train = mask_modalities(X_train, data.modalities, [0.8, 0.5, 0.2], random_state=0)
missing = 1 - modality_presence(X_train, data.modalities).mean(axis=0)
print("training missing rates:", missing.round(3))

# %%
# Fit and score every combination of available modalities
# -------------------------------------------------------
clf = RedCoreClassifier(modalities=data.modalities, random_state=0)
clf.fit(X_train, y_train)
scores = evaluate_modality_combinations(clf, X_test, y_test, data.modalities)
print(scores.round(3).to_string())

# %%
# Each column is the weighted F1 score on the test part when only the named
# modalities are kept (the others set to NaN); ``Ave.`` is their mean.
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.bar(scores.columns, scores.iloc[0], color=["C0"] * (scores.shape[1] - 1) + ["C1"])
ax.set_ylim(0.5, 1.0)
ax.tick_params(axis="x", labelrotation=30)
ax.set_ylabel("weighted F1")
ax.set_title("Test score per combination of available modalities")
fig.tight_layout()

# %%
# The supervision weights regulated by Algorithm 1
# ------------------------------------------------
print("final eta:", clf.eta_.round(3))
print(
    "relative advantage over the last epochs:\n",
    clf.relative_advantage_history_[-3:].round(3),
)
