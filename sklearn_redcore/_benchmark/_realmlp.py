"""RealMLP, the tuned-by-default tabular network of pytabkit, as a comparison model (needs ``pytabkit``).

RealMLP (Holzmüller, Grinsztajn and Steinwart, "Better by default: strong
pre-tuned MLPs and boosted trees on tabular data", NeurIPS 2024) is an MLP
with robust scaling and smooth clipping of the inputs, embeddings of the
numeric columns and a schedule tuned on a large benchmark of tables; its
"TD" (tuned defaults) classifier is meant to be run without tuning, as a
tabular practitioner's strong neural baseline beside gradient boosting.

The study's "RealMLP" puts mean imputation with missing indicators in front
(as "Impute+LR" and "Impute+MLP" do), and runs ``RealMLP_TD_Classifier``
with its tuned defaults but for the number of epochs: ``REALMLP_EPOCHS``
instead of 256, so that a fit costs about what the other models' do (its
learning-rate schedule is laid over the epochs given, and the epoch with the
best score on its held-out 20% of the training rows is kept, as by default).
It runs on the CPU with one thread and the study's seed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["REALMLP_EPOCHS", "make_realmlp", "pytabkit_available"]

#: Epochs of the study's RealMLP (pytabkit's default is 256).
REALMLP_EPOCHS = 64


def pytabkit_available() -> bool:
    """Whether the optional dependency ``pytabkit`` can be imported."""
    try:
        import pytabkit  # noqa: F401
    except ImportError:
        return False
    return True


def make_realmlp(seed: int, n_epochs: int = REALMLP_EPOCHS) -> Any:
    """Mean imputation with missing indicators, then RealMLP-TD on one CPU thread (an unfitted pipeline)."""
    from pytabkit import RealMLP_TD_Classifier
    from sklearn.pipeline import make_pipeline

    from ._models import missing_value_imputer

    return make_pipeline(
        missing_value_imputer(),
        RealMLP_TD_Classifier(n_epochs=n_epochs, random_state=seed, n_threads=1, device="cpu", verbosity=0),
    )
