"""The masked modality autoencoder (AMAE), after ActionMAE: a comparison method of the paper."""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval

from .._inputs import ModalitySpec
from .._parameters import positive_int
from ._base import BaselineClassifier, fill_baseline_doc
from ._networks import MaskedModalityModule

__all__ = ["AMAEClassifier"]


@fill_baseline_doc
class AMAEClassifier(BaselineClassifier):
    """Masked modality autoencoder (AMAE, after ActionMAE; Woo et al., AAAI 2023).

    A comparison method of the RedCore paper. Each modality's encoder gives a
    token; the tokens of hidden modalities are replaced by a learnt mask
    token; a transformer encoder mixes the tokens of all modalities and a
    decoder reconstructs, from the output tokens, the embeddings of the
    hidden modalities. The classifier reads the mean of the output tokens.

    Parameters
    ----------
    %(baseline_parameters)s
    n_layers : int, default=2
        Transformer layers.
    n_heads : int, default=4
        Attention heads (must divide ``n_latent``).
    feedforward : int, default=128
        Width of the transformer's feed-forward layers.
    reconstruction_weight : float, default=1.0
        Weight of the reconstruction loss against the cross-entropy.
    %(training_parameters)s

    Attributes
    ----------
    %(common_attributes)s

    Notes
    -----
    ActionMAE drops whole modalities of video features from pretrained
    backbones and reconstructs the dropped features; the RedCore paper
    adapts it to acoustic, visual and lexical features without giving the
    details. Here the tokens come from MLP encoders trained with the rest,
    the reconstruction targets are those encoders' embeddings with their
    gradient stopped, and fusion is the mean of the tokens (our choices).

    References
    ----------
    S. Woo, S. Lee, Y. Park, M. A. Nugroho, C. Kim. "Towards Good Practices
    for Missing Modality Robust Action Recognition." AAAI 2023.

    Examples
    --------
    >>> from sklearn_redcore import AMAEClassifier, mask_modalities
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["fou", "zer", "mor"])
    >>> X = mask_modalities(data.data, data.modalities, 0.2, random_state=0)
    >>> clf = AMAEClassifier(data.modalities, max_epochs=3, random_state=0).fit(X, data.target)
    >>> clf.predict_proba(X[:2]).shape
    (2, 10)
    """

    _module_class = MaskedModalityModule
    _parameter_constraints: dict = {
        **BaselineClassifier._parameter_constraints,
        "n_layers": positive_int(),
        "n_heads": positive_int(),
        "feedforward": positive_int(),
        "reconstruction_weight": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        modalities: ModalitySpec = None,
        *,
        training: str = "complete",
        missing_rates: float | list[float] | None = None,
        hiding: str = "per_batch",
        n_latent: int = 64,
        encoder_hidden: tuple[int, ...] = (128,),
        classifier_hidden: int = 128,
        dropout: float = 0.1,
        n_layers: int = 2,
        n_heads: int = 4,
        feedforward: int = 128,
        reconstruction_weight: float = 1.0,
        max_epochs: int = 100,
        batch_size: int = 128,
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        early_stopping: bool | str = "auto",
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float | None = 1e-3,
        class_weight: dict | str | None = None,
        feature_transform: str = "auto",
        warm_start: bool = False,
        device: str = "cpu",
        n_threads: int | None = 1,
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
    ) -> None:
        self.modalities = modalities
        self.training = training
        self.missing_rates = missing_rates
        self.hiding = hiding
        self.n_latent = n_latent
        self.encoder_hidden = encoder_hidden
        self.classifier_hidden = classifier_hidden
        self.dropout = dropout
        self.n_layers = n_layers
        self.n_heads = n_heads
        self.feedforward = feedforward
        self.reconstruction_weight = reconstruction_weight
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.feature_transform = feature_transform
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self) -> None:
        super()._check_params()
        if self.n_latent % self.n_heads:
            raise ValueError(f"n_heads ({self.n_heads}) must divide n_latent ({self.n_latent}).")

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        return dict(
            super()._module_params(modality_sizes, n_classes),
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            feedforward=self.feedforward,
            reconstruction_weight=self.reconstruction_weight,
        )
