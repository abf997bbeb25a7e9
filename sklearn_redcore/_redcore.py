"""RedCoreClassifier: RedCore (Sun et al., AAAI 2024) as a scikit-learn classifier.

What it shares with the regressor (RedCore's parameters, network and
Algorithm 1) is :class:`~sklearn_redcore._redcore_base.RedCoreEstimatorMixin`;
the texts of its parameters are in ``_docstring/``. This module declares the
classifier's parameters.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._base import BaseMultimodalClassifier
from ._docstring import REDCORE_ATTRIBUTES, REDCORE_PARAMETERS, Substitution, common_attributes, training_parameters
from ._inputs import ModalitySpec
from ._redcore_base import RedCoreEstimatorMixin

__all__ = ["RedCoreClassifier"]


@Substitution(
    training_parameters=training_parameters(batch_size="auto", n_iter_no_change="auto", lr="3e-3"),
    common_attributes=common_attributes(),
    redcore_parameters=REDCORE_PARAMETERS,
    redcore_attributes=REDCORE_ATTRIBUTES,
)
class RedCoreClassifier(RedCoreEstimatorMixin, BaseMultimodalClassifier):
    """RedCore: classification from modalities that may be missing (Sun et al., AAAI 2024).

    Each modality is a group of columns of X; a sample misses a modality when
    all of its columns are NaN. The model learns a Gaussian (variational
    information bottleneck) representation of every available modality and,
    for every modality, a cross-modal representation computed from the other
    available ones, which stands in for the modality when it is missing
    (eq. 1). A joint classifier and one classifier per modality are trained
    with the VIB loss (eq. 3) plus imputation losses weighted by eta. With
    ``regulate=True``, eta is adapted during training from the relative
    advantage of each modality (eqs. 4-9, Algorithm 1), so that modalities
    with higher missing rates are not under-trained.

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
    RedCoreClassifier.from_preset : The paper's settings, or the authors'
        code's, in one call.

    Notes
    -----
    *Sequences.* The paper's self-modal encoders are transformers over
    sequences of frames or tokens; declare such a modality with
    :class:`~sklearn_redcore.SequenceModality` (or build X with
    :func:`~sklearn_redcore.flatten_sequences` or the loaders of
    :mod:`sklearn_redcore.datasets`). Unlike the authors' code, the
    transformer encodes the position of each step and masks padding steps
    in attention and in pooling.

    *Missing data.* Training rows with every modality missing carry no
    information and are dropped with a warning. A modality missing in every
    training row raises ``ValueError`` (the paper assumes :math:`MR^m < 1`). At
    prediction, a row with every modality missing gets ``class_prior_``.

    *Defaults that depart from the paper.* ``modality_dropout=0.3`` and
    ``stop_target_gradient=True`` (additions), ``weight_averaging=0.8``,
    the relative advantage on scale-free imputation losses
    (``advantage_reference="spread"``), the loss weights (``kl_weight=1e-3``, ``imputation_weight=1``), a
    smaller network with a faster optimiser that stops at convergence
    (``network_size="auto"``, ``lr=3e-3``, ``batch_size="auto"``, 256 up to 16,384 rows,
    ``early_stopping="auto"``), ``sequence_encoder="rocket"`` and
    ``feature_transform="auto"``. :meth:`from_preset` gives every setting
    of the paper (or of the authors' code) at once; :ref:`method` lists
    each difference with its reason.

    *Differences from the authors' code.* :math:`\\boldsymbol{\\eta}` is
    projected exactly onto :math:`\\{\\boldsymbol{\\eta} \\ge \\xi_1,
    \\|\\boldsymbol{\\eta}\\|_p = \\xi_2\\}`; predictions use the means of the
    Gaussian encoders (deterministic); missing modalities are masked rather
    than fed as zeros; every run is seeded from ``random_state``.

    References
    ----------
    J. Sun, X. Zhang, S. Han, Y.-P. Ruan, T. Li. "RedCore: Relative Advantage
    Aware Cross-modal Representation Learning for Missing Modalities with
    Imbalanced Missing Rates." AAAI 2024.

    Examples
    --------
    >>> from sklearn_redcore import RedCoreClassifier, mask_modalities
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["fou", "zer", "mor"])
    >>> X = mask_modalities(data.data, data.modalities, [0.5, 0.2, 0.2], random_state=0)
    >>> clf = RedCoreClassifier(data.modalities, max_epochs=5, random_state=0).fit(X, data.target)
    >>> clf.predict_proba(X[:2]).shape
    (2, 10)
    >>> clf.eta_.shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseMultimodalClassifier._parameter_constraints,
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
        class_weight: dict | str | None = None,
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
        self.class_weight = class_weight
        self.feature_transform = feature_transform
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
