"""
Which modalities does the model rely on?
========================================

With several modalities, two questions come before any other: which ones
carry the model's decisions, and what does it cost when one of them is
missing at prediction time? :func:`~sklearn_redcore.modality_importance`
answers both on held-out data, without retraining:

* **removed**: the score lost when the modality is missing in every sample
  (its columns set to NaN, which RedCore handles natively by imputing its
  representation from the others);
* **permuted**: the score lost when the modality's columns are shuffled
  across samples as one block, which keeps their distribution but breaks
  their link with the class (permutation importance by group of columns).

Here RedCore and scikit-learn's gradient boosting learn from four mfeat views
with imbalanced missing rates, and we compare what each relies on.
"""

# %%
# Two models on four views with missing modalities
# ------------------------------------------------
import matplotlib.pyplot as plt
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

from sklearn_redcore import RedCoreClassifier, mask_modalities, modality_importance
from sklearn_redcore.datasets import load_mfeat
from sklearn_redcore.plotting import plot_modality_importance

data = load_mfeat(views=["fou", "zer", "mor", "kar"])
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
X_train = mask_modalities(X_train, data.modalities, [0.8, 0.5, 0.2, 0.5], random_state=0)
redcore = RedCoreClassifier(data.modalities, random_state=0).fit(X_train, y_train)
hgb = HistGradientBoostingClassifier(random_state=0).fit(X_train, y_train)

# %%
# The importance of each modality on the complete test part
# ---------------------------------------------------------
# RedCore knows its modalities (``modalities_``); any other estimator that
# accepts NaN needs them given.
redcore_importance = modality_importance(redcore, X_test, y_test, scoring="f1_weighted", random_state=0)
hgb_importance = modality_importance(hgb, X_test, y_test, data.modalities, scoring="f1_weighted", random_state=0)
print("RedCore, weighted F1 with every modality:", round(redcore_importance.attrs["score"], 3))
print(redcore_importance.round(3).to_string())
print("\nGradient boosting, weighted F1 with every modality:", round(hgb_importance.attrs["score"], 3))
print(hgb_importance.round(3).to_string())

# %%
# The bars
# --------
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharex=True)
plot_modality_importance(redcore_importance, ax=axes[0], title="RedCore")
plot_modality_importance(hgb_importance, ax=axes[1], title="HistGradientBoosting")
fig.tight_layout()

# %%
# Reading the bars: a modality whose *permutation* costs much but whose
# *removal* costs little is one the model leans on when it is there but can
# stand in for when it is missing; RedCore does that through the cross-modal
# representation learnt from the other views. A large removal cost means the
# modality carries information the others cannot replace, so samples that
# miss it will be scored worse. :func:`~sklearn_redcore.evaluate_modality_combinations`
# gives the score under every combination of modalities, the finer view of
# the same question.
