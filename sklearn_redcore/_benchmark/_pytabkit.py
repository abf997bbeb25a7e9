"""pytabkit's tuned-by-default tabular networks, RealMLP and TabM, as comparison models (need ``pytabkit``).

* RealMLP (Holzmüller, Grinsztajn and Steinwart, "Better by default: strong
  pre-tuned MLPs and boosted trees on tabular data", NeurIPS 2024) is an MLP
  with robust scaling and smooth clipping of the inputs, embeddings of the
  numeric columns and a schedule tuned on a large benchmark of tables.
* TabM (Gorishniy, Kotelnikov and Babenko, "TabM: Advancing Tabular Deep
  Learning with Parameter-Efficient Ensembling", ICLR 2025) trains k = 32
  MLPs at once that share most of their weights (BatchEnsemble adapters),
  and averages their predictions.

Both "TD"/"D" (tuned defaults) classifiers are meant to be run without
tuning, as a tabular practitioner's strong neural baselines beside gradient
boosting. The study puts mean imputation with missing indicators in front of
each (as "Impute+LR" and "Impute+MLP" do) and runs it on the CPU with one
thread and the study's seed, with its tuned defaults but for the number of
epochs:

* RealMLP runs ``REALMLP_EPOCHS`` epochs instead of 256, so that a fit costs
  about what the other models' do (its learning-rate schedule is laid over
  the epochs given, and the epoch with the best score on its held-out 20% of
  the training rows is kept, as by default);
* TabM runs at most ``TABM_EPOCHS`` epochs; it stops earlier, as by default,
  when its held-out 20% has not improved for 16 epochs, and keeps the best
  epoch. A fit still costs 14 to 33 times RedCore's on a CPU (its 32
  members are made for a GPU).
"""

from __future__ import annotations

from typing import Any

from ._pipelines import missing_value_imputer

__all__ = ["PYTABKIT_MODELS", "REALMLP_EPOCHS", "TABM_EPOCHS", "make_realmlp", "make_tabm", "pytabkit_available"]

#: Epochs of the study's RealMLP (pytabkit's default is 256).
REALMLP_EPOCHS = 64
#: Most epochs of the study's TabM (pytabkit's default: no limit but its early stopping).
TABM_EPOCHS = 64


def pytabkit_available() -> bool:
    """Whether the optional dependency ``pytabkit`` can be imported."""
    try:
        import pytabkit  # noqa: F401
    except ImportError:
        return False
    return True


def _imputed(network: Any) -> Any:
    """Mean imputation with missing indicators, then ``network`` (an unfitted pipeline)."""
    from sklearn.pipeline import make_pipeline

    return make_pipeline(missing_value_imputer(), network)


def make_realmlp(seed: int, n_epochs: int = REALMLP_EPOCHS) -> Any:
    """Mean imputation with missing indicators, then RealMLP-TD on one CPU thread (an unfitted pipeline)."""
    from pytabkit import RealMLP_TD_Classifier

    return _imputed(RealMLP_TD_Classifier(n_epochs=n_epochs, random_state=seed, n_threads=1, device="cpu", verbosity=0))


def make_tabm(seed: int, n_epochs: int = TABM_EPOCHS) -> Any:
    """Mean imputation with missing indicators, then TabM-D on one CPU thread (an unfitted pipeline)."""
    from pytabkit import TabM_D_Classifier

    return _imputed(TabM_D_Classifier(n_epochs=n_epochs, random_state=seed, n_threads=1, device="cpu", verbosity=0))


#: The study's names of these models -> the function that makes one from a seed.
PYTABKIT_MODELS = {"RealMLP": make_realmlp, "TabM": make_tabm}
