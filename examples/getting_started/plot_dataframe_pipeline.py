"""
Named column groups of a pandas DataFrame in a Pipeline
=======================================================

With a :class:`pandas.DataFrame`, modalities can be declared by column names,
and :class:`~sklearn_redcore.RedCoreClassifier` can be the last step of a
scikit-learn :class:`~sklearn.pipeline.Pipeline`. Steps before it must keep
the column names: ask them for pandas output with ``set_output``.
"""

# %%
# A DataFrame with a group of columns per modality
# ------------------------------------------------
# ``load_mfeat(as_frame=True)`` names the columns ``fou_0``, ``fou_1``, ...;
# the modalities are the groups of columns that share a prefix.
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

from sklearn_redcore import RedCoreClassifier, mask_modalities, modality_presence
from sklearn_redcore.datasets import load_mfeat

X, y = load_mfeat(views=["fou", "kar", "mor"], as_frame=True, return_X_y=True)
modalities = {view: [c for c in X.columns if c.startswith(view + "_")] for view in ["fou", "kar", "mor"]}
print({view: len(columns) for view, columns in modalities.items()})

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
X_train = mask_modalities(X_train, modalities, {"fou": 0.6, "kar": 0.6}, random_state=0)
X_test = mask_modalities(X_test, modalities, {"fou": 0.3, "kar": 0.3}, random_state=1)
X_train.iloc[:4, [0, 1, 76, 77, -1]]

# %%
# :func:`~sklearn_redcore.mask_modalities` keeps the DataFrame type and its
# index; a missing modality is NaN in all of its columns. A dict of rates only
# masks the modalities it names.
#
# The pipeline
# ------------
# A :class:`~sklearn.preprocessing.QuantileTransformer` maps each column to a
# normal distribution, ignoring the NaN (they stay NaN). ``set_output`` makes
# it return a DataFrame, so that the classifier finds the columns by name.
pipe = make_pipeline(
    QuantileTransformer(n_quantiles=200, output_distribution="normal").set_output(transform="pandas"),
    RedCoreClassifier(modalities, max_epochs=30, random_state=0),
)
scores = cross_val_score(pipe, X_train, y_train, cv=3)
print("cross-validated accuracy:", scores.round(3))

# %%
# Fit on the whole training part and look at the errors on the test part,
# whose rows miss ``fou`` or ``kar`` at random.
pipe.fit(X_train, y_train)
present = modality_presence(X_test, modalities)
print("test rows with all three views:", int(present.all(axis=1).sum()), "of", len(X_test))
print("test accuracy:", round(pipe.score(X_test, y_test), 3))

fig, ax = plt.subplots(figsize=(5.5, 5))
ConfusionMatrixDisplay.from_estimator(pipe, X_test, y_test, ax=ax, colorbar=False)
ax.set_title("Digits predicted from the views available")
fig.tight_layout()

# %%
# The fitted classifier keeps the column names and the positions of each
# modality:
clf = pipe[-1]
print(
    clf.feature_names_in_[:3],
    {name: cols[:3] for name, cols in clf.modalities_.items()},
)
