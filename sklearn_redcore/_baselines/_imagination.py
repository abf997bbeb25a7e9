"""The methods RedCore is compared with, as estimators on the same footing.

:class:`MMINClassifier`, :class:`CRAClassifier` and :class:`AMAEClassifier`
share :class:`~sklearn_redcore._base.BaseMultimodalClassifier` with
:class:`~sklearn_redcore.RedCoreClassifier`: the same modality
specification, validation, preprocessing, training loop, seeding and
scikit-learn behaviour. Their networks are in ``_baseline_networks.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import (
    BaseMultimodalClassifier,
    check_in_range,
    check_nonnegative,
    check_positive_int,
    check_widths,
    fill_doc,
)
from ._baseline_networks import ImaginationModule, MaskedModalityModule
from ._modalities import ModalitySpec

__all__ = ["AMAEClassifier", "CRAClassifier", "MMINClassifier"]

_BASELINE_PARAMETERS_DOC = """\
    modalities : dict, list or None, default=None
        Which columns form which modality, as for
        :class:`~sklearn_redcore.RedCoreClassifier`.
    training : {"complete", "all"}, default="complete"
        "complete": perfect data training (PDT), the regime of the method's
        paper: only the samples that have every modality are used, and each
        mini-batch shows the network a random non-empty subset of their
        modalities, the hidden ones serving as targets. "all": imperfect data
        training (IDT), as RedCore does: every sample is used, random subsets
        are drawn from the modalities it has, and only those supervise the
        stand-ins.
    n_latent : int, default=64
        Dimension d of each modality's embedding.
    encoder_hidden : tuple of int, default=(128,)
        Hidden widths of each modality's encoder (an MLP). A sequence modality
        (:class:`~sklearn_redcore.SequenceModality`) is encoded flattened,
        its padding steps as zeros: the transformer encoders of
        :class:`~sklearn_redcore.RedCoreClassifier` are not used here.
    classifier_hidden : int, default=128
        Hidden width of the classifier.
    dropout : float, default=0.1
        Dropout rate."""

def _fill_baseline_doc(cls: type) -> type:
    cls.__doc__ = cls.__doc__.replace("%(baseline_parameters)s", _BASELINE_PARAMETERS_DOC)
    return fill_doc(cls)


class _BaselineClassifier(BaseMultimodalClassifier):
    """What the three comparison methods share: the training regime and the encoders."""

    def _check_params(self) -> None:
        super()._check_params()
        if self.training not in ("complete", "all"):
            raise ValueError(f"training must be 'complete' or 'all', got {self.training!r}.")
        for name in ("n_latent", "classifier_hidden"):
            check_positive_int(self, name)
        check_widths(self, "encoder_hidden")
        check_in_range(self, "dropout", 0.0, 1.0)

    def _training_rows(self, present: np.ndarray) -> np.ndarray:
        if self.training == "all":
            return np.ones(len(present), dtype=bool)
        complete = present.all(axis=1)
        if complete.sum() < 2:
            raise ValueError(
                f"training='complete' (perfect data training) learns from the samples that have every modality, "
                f"and only {int(complete.sum())} of {len(present)} do; use training='all' to learn from every "
                "sample.")
        return complete

    def _common_module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        return dict(modality_sizes=modality_sizes, n_classes=n_classes, n_latent=self.n_latent,
                    encoder_hidden=check_widths(self, "encoder_hidden"),
                    classifier_hidden=self.classifier_hidden, dropout=self.dropout)


@_fill_baseline_doc
class MMINClassifier(_BaselineClassifier):
    """Missing modality imagination network (MMIN; Zhao, Li and Jin, ACL 2021).

    A comparison method of the RedCore paper. Each modality has an encoder;
    the embeddings of the modalities a sample shows (zeros for the others)
    pass through a cascaded residual autoencoder that *imagines* the
    embeddings of all modalities (forward imagination, trained against the
    actual embeddings of the modalities the sample has); a second cascade maps
    the imagination back to the shown embeddings (backward imagination, cycle
    consistency). The classifier reads the bottlenecks of the forward cascade.

    Parameters
    ----------
%(baseline_parameters)s
    cra_widths : tuple of int, default=(128, 64)
        Narrowing widths of each residual autoencoder, whose input and output
        are the M * n_latent concatenated embeddings (mirrored back up).
    cra_blocks : int, default=5
        Residual autoencoders per cascade (5 in MMIN).
    imagination_weight : float, default=4.0
        Weight of the forward imagination loss (MMIN's 4.0).
    cycle_weight : float, default=2.0
        Weight of the backward (cycle consistency) loss (MMIN's 2.0).
%(training_parameters)s

    Attributes
    ----------
%(common_attributes)s

    See Also
    --------
    CRAClassifier : the same network without the backward cascade.
    RedCoreClassifier : the method of the paper.

    Notes
    -----
    Adapted to feature vectors: MMIN's encoders for sequences (LSTM, TextCNN)
    are MLPs here, and the widths are smaller than MMIN's (256-128-64 over
    three 128-wide embeddings). MMIN pretrains its encoders on complete data
    and uses the frozen pretrained encoders to give the imagination targets;
    here the targets are the embeddings of the encoders being trained, with
    their gradient stopped, so that one fit suffices (a choice of ours). The
    training regime is selected by ``training``; MMIN's own is "complete"
    (it augments each complete sample with every missing-modality
    condition; here each mini-batch draws one condition per sample).

    References
    ----------
    J. Zhao, R. Li, Q. Jin. "Missing Modality Imagination Network for Emotion
    Recognition with Uncertain Missing Modalities." ACL 2021.

    Examples
    --------
    >>> from sklearn_redcore import MMINClassifier, mask_modalities
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["fou", "zer", "mor"])
    >>> X = mask_modalities(data.data, data.modalities, 0.2, random_state=0)
    >>> clf = MMINClassifier(data.modalities, max_epochs=3, random_state=0).fit(X, data.target)
    >>> clf.predict_proba(X[:2]).shape
    (2, 10)
    """

    _module_class = ImaginationModule
    #: Whether the network imagines back (the backward cascade weighted by ``cycle_weight``).
    _backward_cycle = True

    def __init__(self, modalities: ModalitySpec = None, *, training: str = "complete", n_latent: int = 64,
                 encoder_hidden: tuple[int, ...] = (128,), cra_widths: tuple[int, ...] = (128, 64),
                 cra_blocks: int = 5, imagination_weight: float = 4.0, cycle_weight: float = 2.0,
                 classifier_hidden: int = 128, dropout: float = 0.1, max_epochs: int = 100,
                 batch_size: int = 128, lr: float = 1e-3, weight_decay: float = 0.0,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 n_iter_no_change: int = 10, standardize: bool = True, warm_start: bool = False,
                 device: str = "cpu", n_threads: int | None = 1,
                 random_state: int | np.random.RandomState | None = None, verbose: int = 0) -> None:
        self.modalities = modalities
        self.training = training
        self.n_latent = n_latent
        self.encoder_hidden = encoder_hidden
        self.cra_widths = cra_widths
        self.cra_blocks = cra_blocks
        self.imagination_weight = imagination_weight
        self.cycle_weight = cycle_weight
        self.classifier_hidden = classifier_hidden
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.standardize = standardize
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self) -> None:
        super()._check_params()
        check_widths(self, "cra_widths", allow_empty=False)
        check_positive_int(self, "cra_blocks")
        check_nonnegative(self, "imagination_weight")
        if self._backward_cycle:
            check_nonnegative(self, "cycle_weight")

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        return dict(self._common_module_params(modality_sizes, n_classes),
                    cra_widths=check_widths(self, "cra_widths"), cra_blocks=self.cra_blocks,
                    imagination_weight=self.imagination_weight, cycle_weight=self._cycle_weight())

    def _cycle_weight(self) -> float:
        return self.cycle_weight if self._backward_cycle else 0.0


@_fill_baseline_doc
class CRAClassifier(MMINClassifier):
    """Cascaded residual autoencoder (CRA; Tran et al., CVPR 2017) over modality embeddings.

    A comparison method of the RedCore paper, as the MMIN paper builds it:
    :class:`MMINClassifier` without the backward cascade and its cycle
    consistency loss. Each modality has an encoder; a cascade of residual
    autoencoders completes the concatenated embeddings of the shown
    modalities into the embeddings of all modalities, trained against the
    actual embeddings of the modalities the sample has; the classifier reads
    the bottlenecks of the cascade.

    Parameters
    ----------
%(baseline_parameters)s
    cra_widths : tuple of int, default=(128, 64)
        Narrowing widths of each residual autoencoder, whose input and output
        are the M * n_latent concatenated embeddings (mirrored back up).
    cra_blocks : int, default=5
        Residual autoencoders in the cascade.
    imagination_weight : float, default=4.0
        Weight of the completion loss against the cross-entropy.
%(training_parameters)s

    Attributes
    ----------
%(common_attributes)s

    See Also
    --------
    MMINClassifier : the same with a backward cascade (cycle consistency).

    Notes
    -----
    Tran et al. complete raw inputs; like the MMIN paper's CRA baseline (and
    the RedCore paper, which cites MMIN for it) this completes the modality
    embeddings, which suits modalities of very different widths.

    References
    ----------
    L. Tran, X. Liu, J. Zhou, R. Jin. "Missing Modalities Imputation via
    Cascaded Residual Autoencoder." CVPR 2017.

    Examples
    --------
    >>> from sklearn_redcore import CRAClassifier, mask_modalities
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["fou", "zer", "mor"])
    >>> X = mask_modalities(data.data, data.modalities, 0.2, random_state=0)
    >>> clf = CRAClassifier(data.modalities, max_epochs=3, random_state=0).fit(X, data.target)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _backward_cycle = False

    def __init__(self, modalities: ModalitySpec = None, *, training: str = "complete", n_latent: int = 64,
                 encoder_hidden: tuple[int, ...] = (128,), cra_widths: tuple[int, ...] = (128, 64),
                 cra_blocks: int = 5, imagination_weight: float = 4.0, classifier_hidden: int = 128,
                 dropout: float = 0.1, max_epochs: int = 100, batch_size: int = 128, lr: float = 1e-3,
                 weight_decay: float = 0.0, early_stopping: bool = False, validation_fraction: float = 0.1,
                 n_iter_no_change: int = 10, standardize: bool = True, warm_start: bool = False,
                 device: str = "cpu", n_threads: int | None = 1,
                 random_state: int | np.random.RandomState | None = None, verbose: int = 0) -> None:
        self.modalities = modalities
        self.training = training
        self.n_latent = n_latent
        self.encoder_hidden = encoder_hidden
        self.cra_widths = cra_widths
        self.cra_blocks = cra_blocks
        self.imagination_weight = imagination_weight
        self.classifier_hidden = classifier_hidden
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.standardize = standardize
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose


@_fill_baseline_doc
class AMAEClassifier(_BaselineClassifier):
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

    def __init__(self, modalities: ModalitySpec = None, *, training: str = "complete", n_latent: int = 64,
                 encoder_hidden: tuple[int, ...] = (128,), n_layers: int = 2, n_heads: int = 4,
                 feedforward: int = 128, reconstruction_weight: float = 1.0, classifier_hidden: int = 128,
                 dropout: float = 0.1, max_epochs: int = 100, batch_size: int = 128, lr: float = 1e-3,
                 weight_decay: float = 0.0, early_stopping: bool = False, validation_fraction: float = 0.1,
                 n_iter_no_change: int = 10, standardize: bool = True, warm_start: bool = False,
                 device: str = "cpu", n_threads: int | None = 1,
                 random_state: int | np.random.RandomState | None = None, verbose: int = 0) -> None:
        self.modalities = modalities
        self.training = training
        self.n_latent = n_latent
        self.encoder_hidden = encoder_hidden
        self.n_layers = n_layers
        self.n_heads = n_heads
        self.feedforward = feedforward
        self.reconstruction_weight = reconstruction_weight
        self.classifier_hidden = classifier_hidden
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.standardize = standardize
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self) -> None:
        super()._check_params()
        for name in ("n_layers", "n_heads", "feedforward"):
            check_positive_int(self, name)
        if self.n_latent % self.n_heads:
            raise ValueError(f"n_heads ({self.n_heads}) must divide n_latent ({self.n_latent}).")
        check_nonnegative(self, "reconstruction_weight")

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        return dict(self._common_module_params(modality_sizes, n_classes), n_layers=self.n_layers,
                    n_heads=self.n_heads, feedforward=self.feedforward,
                    reconstruction_weight=self.reconstruction_weight)
