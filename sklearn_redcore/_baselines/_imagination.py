"""The cascaded residual autoencoder (CRA) and the missing modality imagination network (MMIN).

MMIN is CRA plus a backward cascade with its cycle-consistency loss, and
:class:`MMINClassifier` is :class:`CRAClassifier` plus that loss's weight.
Both train :class:`~sklearn_redcore._baselines._networks.ImaginationModule`.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval

from .._inputs import ModalitySpec
from .._parameters import WIDTHS, check_widths, positive_int
from ._base import BaselineClassifier, fill_baseline_doc
from ._networks import ImaginationModule

__all__ = ["CRAClassifier", "MMINClassifier"]


@fill_baseline_doc
class CRAClassifier(BaselineClassifier):
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

    _module_class = ImaginationModule
    _parameter_constraints: dict = {
        **BaselineClassifier._parameter_constraints,
        "cra_widths": WIDTHS,
        "cra_blocks": positive_int(),
        "imagination_weight": [Interval(Real, 0, None, closed="left")],
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
        cra_widths: tuple[int, ...] = (128, 64),
        cra_blocks: int = 5,
        imagination_weight: float = 4.0,
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
        self.cra_widths = cra_widths
        self.cra_blocks = cra_blocks
        self.imagination_weight = imagination_weight
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
        check_widths(self.cra_widths, "cra_widths", allow_empty=False)

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        return dict(
            super()._module_params(modality_sizes, n_classes),
            cra_widths=check_widths(self.cra_widths, "cra_widths"),
            cra_blocks=self.cra_blocks,
            imagination_weight=self.imagination_weight,
            cycle_weight=0.0,
        )


@fill_baseline_doc
class MMINClassifier(CRAClassifier):
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

    _parameter_constraints: dict = {
        **CRAClassifier._parameter_constraints,
        "cycle_weight": [Interval(Real, 0, None, closed="left")],
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
        cra_widths: tuple[int, ...] = (128, 64),
        cra_blocks: int = 5,
        imagination_weight: float = 4.0,
        cycle_weight: float = 2.0,
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
        self.cra_widths = cra_widths
        self.cra_blocks = cra_blocks
        self.imagination_weight = imagination_weight
        self.cycle_weight = cycle_weight
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

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        return dict(super()._module_params(modality_sizes, n_classes), cycle_weight=self.cycle_weight)
