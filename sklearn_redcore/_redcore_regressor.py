"""RedCoreRegressor: RedCore for continuous targets.

The same network, inputs, Algorithm 1 and training options as
:class:`~sklearn_redcore.RedCoreClassifier` (``RedCoreEstimatorMixin`` in
``_redcore.py``), with regression heads
(:class:`~sklearn_redcore._network.RedCoreRegressionModule`) and the
targets standardised inside the estimator (``RegressionTask`` in
``_tasks.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._base import BaseMultimodalRegressor
from ._docstring import REDCORE_ATTRIBUTES, REDCORE_PARAMETERS, Substitution, common_attributes, training_parameters
from ._inputs import ModalitySpec
from ._network import RedCoreRegressionModule
from ._redcore_base import RedCoreEstimatorMixin

__all__ = ["RedCoreRegressor"]


@Substitution(
    training_parameters=training_parameters(batch_size="auto", n_iter_no_change="auto", lr="3e-3", task="regression"),
    common_attributes=common_attributes("regression"),
    redcore_parameters=REDCORE_PARAMETERS,
    redcore_attributes=REDCORE_ATTRIBUTES,
)
class RedCoreRegressor(RedCoreEstimatorMixin, BaseMultimodalRegressor):
    """RedCore for continuous targets, from modalities that may be missing.

    :class:`RedCoreClassifier`'s model with regression heads: each modality
    is a group of columns of X (all NaN where the sample misses it), every
    available modality gets a Gaussian representation and every modality a
    cross-modal one that stands in for it when it is missing (eq. 1 of Sun
    et al., AAAI 2024); a joint head and one head per modality predict the
    targets, trained with the VIB objective of eq. (3) in which the
    log-likelihood of a Gaussian of fixed variance (the squared error of the
    standardised targets) replaces the cross-entropy, plus the imputation
    losses weighted by eta (Algorithm 1, as in the classifier).

    Parameters
    ----------
    %(redcore_parameters)s
    %(training_parameters)s

    Attributes
    ----------
    %(redcore_attributes)s
    %(common_attributes)s

    See Also
    --------
    RedCoreClassifier : The same model for class labels.
    RedCoreRegressor.from_preset : The paper's settings, or the authors'
        code's, in one call.

    Notes
    -----
    *Targets.* y may have one column or several (each standardised on its
    own, all predicted by the same heads). ``score`` is the R² of
    scikit-learn's regressors. The heads are sized and regularised by the
    parameters named ``classifier_hidden`` and ``classifier_dropout``, as in
    the classifier. The paper defines RedCore for classification (its
    regression labels, CMU-MOSEI's sentiment scores, are turned into
    classes); this estimator is our extension, with the paper's objective
    read for a Gaussian likelihood.

    *Missing data.* As in :class:`RedCoreClassifier`; a row with every
    modality missing is predicted ``target_mean_``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_redcore import RedCoreRegressor, mask_modalities
    >>> X, y = load_diabetes(return_X_y=True)
    >>> modalities = {"clinical": [0, 1, 2, 3], "serum": [4, 5, 6, 7, 8, 9]}
    >>> X_missing = mask_modalities(X, modalities, 0.3, random_state=0)
    >>> reg = RedCoreRegressor(modalities, max_epochs=5, random_state=0).fit(X_missing, y)
    >>> reg.predict(X_missing[:3]).shape
    (3,)
    >>> reg.eta_.shape
    (2,)
    """

    _module_class = RedCoreRegressionModule
    _parameter_constraints: dict = {
        **BaseMultimodalRegressor._parameter_constraints,
        **RedCoreEstimatorMixin._redcore_constraints,
    }

    def __init__(
        self,
        modalities: ModalitySpec = None,
        *,
        xi1: float = 0.015,
        xi2: float = 0.15,
        beta: float = 0.7,
        p: float = 2,
        regulate: bool = True,
        advantage_reference: str = "spread",
        eta_scope: str = "imputation",
        unimodal_heads: bool = True,
        K: int = 3,
        alpha1: float = 0.1,
        kl_weight: float = 1e-3,
        imputation_weight: float = 1.0,
        modality_dropout: float = 0.3,
        stop_target_gradient: bool = True,
        network_size: str = "auto",
        n_latent: int | None = None,
        encoder_hidden: tuple[int, ...] | None = None,
        numerical_embedding: str | None = None,
        embedding_dim: int = 16,
        embedding_scale: float = 0.1,
        sequence_encoder: str | Mapping[str, str] = "rocket",
        transformer_width: int = 64,
        transformer_layers: int = 2,
        transformer_heads: int = 4,
        conv_channels: int = 32,
        conv_blocks: int = 3,
        conv_kernel_size: int = 5,
        rocket_features: int = 2000,
        xenc_hidden: int | None = None,
        xenc_widths: tuple[int, ...] | None = None,
        xenc_blocks: int | None = None,
        classifier_hidden: int | tuple[int, ...] | None = None,
        dropout: float = 0.1,
        classifier_dropout: float | None = None,
        lr_schedule: str = "constant",
        weight_averaging: float | None = 0.8,
        max_epochs: int = 100,
        batch_size: int | str = "auto",
        lr: float = 3e-3,
        weight_decay: float = 0.0,
        early_stopping: bool | str = "auto",
        validation_fraction: float = 0.1,
        n_iter_no_change: int | str = "auto",
        tol: float | None = 1e-3,
        feature_transform: str = "auto",
        warm_start: bool = False,
        device: str = "cpu",
        n_threads: int | None = 1,
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
    ) -> None:
        self.modalities = modalities
        self.xi1 = xi1
        self.xi2 = xi2
        self.beta = beta
        self.p = p
        self.regulate = regulate
        self.advantage_reference = advantage_reference
        self.eta_scope = eta_scope
        self.unimodal_heads = unimodal_heads
        self.K = K
        self.alpha1 = alpha1
        self.kl_weight = kl_weight
        self.imputation_weight = imputation_weight
        self.modality_dropout = modality_dropout
        self.stop_target_gradient = stop_target_gradient
        self.network_size = network_size
        self.n_latent = n_latent
        self.encoder_hidden = encoder_hidden
        self.numerical_embedding = numerical_embedding
        self.embedding_dim = embedding_dim
        self.embedding_scale = embedding_scale
        self.sequence_encoder = sequence_encoder
        self.transformer_width = transformer_width
        self.transformer_layers = transformer_layers
        self.transformer_heads = transformer_heads
        self.conv_channels = conv_channels
        self.conv_blocks = conv_blocks
        self.conv_kernel_size = conv_kernel_size
        self.rocket_features = rocket_features
        self.xenc_hidden = xenc_hidden
        self.xenc_widths = xenc_widths
        self.xenc_blocks = xenc_blocks
        self.classifier_hidden = classifier_hidden
        self.dropout = dropout
        self.classifier_dropout = classifier_dropout
        self.lr_schedule = lr_schedule
        self.weight_averaging = weight_averaging
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.feature_transform = feature_transform
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
