"""RedCoreClassifier: the scikit-learn estimator around the RedCore network and Algorithm 1.

The network is in ``_redcore_network.py``, Algorithm 1 in ``_regulation.py``
and the skorch net that runs it in ``_redcore_training.py``; this module
declares the estimator's parameters and hands them to those three.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any, TypeVar

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import BaseMultimodalClassifier
from ._callbacks import WeightAveraging, linear_decay_scheduler
from ._docstring import Substitution, common_attributes, training_parameters
from ._inputs import ModalityInputs, ModalitySpec
from ._parameters import WIDTHS, check_widths, positive_int
from ._presets import preset_params, presets_table
from ._redcore_network import NETWORK_SIZES, RedCoreModule, network_sizes
from ._redcore_training import RedCoreNet, RegulationHistory
from ._regulation import ADVANTAGE_REFERENCES, SupervisionRegulator

__all__ = ["RedCoreClassifier", "RedCoreEstimatorMixin"]

_SEQUENCE_ENCODERS = ("transformer", "conv", "rocket", "mlp")
_Estimator = TypeVar("_Estimator", bound="RedCoreEstimatorMixin")


class RedCoreEstimatorMixin:
    """What RedCoreClassifier and RedCoreRegressor share: RedCore's parameters, network and Algorithm 1.

    A mixin placed before the base class of the task (``BaseMultimodalClassifier``
    or ``BaseMultimodalRegressor``); the estimator classes only declare their
    parameters.
    """

    _net_class = RedCoreNet
    _module_class = RedCoreModule
    #: The parameters RedCore adds to the training loop's.
    _redcore_constraints: dict = {
        "xi1": [Interval(Real, 0, None, closed="neither")],
        "xi2": [Interval(Real, 0, None, closed="neither")],
        "beta": [Interval(Real, 0, 1, closed="right")],
        "p": [Interval(Real, 1, None, closed="left")],
        "regulate": ["boolean"],
        "advantage_reference": [StrOptions(set(ADVANTAGE_REFERENCES))],
        "eta_scope": [StrOptions({"imputation", "imputation+unimodal"})],
        "unimodal_heads": ["boolean"],
        "K": positive_int(),
        "alpha1": [Interval(Real, 0, None, closed="left")],
        "kl_weight": [Interval(Real, 0, None, closed="left")],
        "imputation_weight": [Interval(Real, 0, None, closed="left")],
        "modality_dropout": [Interval(Real, 0, 1, closed="left")],
        "stop_target_gradient": ["boolean"],
        "network_size": [StrOptions(set(NETWORK_SIZES) | {"auto"})],
        "n_latent": [*positive_int(), None],
        "encoder_hidden": [*WIDTHS, None],
        "sequence_encoder": [StrOptions(set(_SEQUENCE_ENCODERS)), Mapping],
        "transformer_width": positive_int(),
        "transformer_layers": positive_int(),
        "transformer_heads": positive_int(),
        "conv_channels": positive_int(),
        "conv_blocks": positive_int(),
        "conv_kernel_size": positive_int(),
        "rocket_features": [Interval(Integral, 252, None, closed="left")],
        "xenc_hidden": [*positive_int(), None],
        "xenc_widths": [*WIDTHS, None],
        "xenc_blocks": [*positive_int(), None],
        "classifier_hidden": [*WIDTHS, None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "classifier_dropout": [Interval(Real, 0, 1, closed="left"), None],
        "lr_schedule": [StrOptions({"constant", "linear"})],
        "weight_averaging": [Interval(Real, 0, 1, closed="left"), None],
        "numerical_embedding": [StrOptions({"periodic"}), None],
        "embedding_dim": positive_int(),
        "embedding_scale": [Interval(Real, 0, None, closed="neither")],
    }

    @classmethod
    @Substitution(presets_table=presets_table())
    def from_preset(cls: type[_Estimator], preset: str, modalities: ModalitySpec = None, **params: Any) -> _Estimator:
        """RedCore with every setting of the paper, or of the authors' code, in one call.

        Parameters
        ----------
        preset : {"paper", "authors_code"}
            "paper": the implementation section of the paper, with eq. (3)
            and the total loss weighted as written (gamma = 0.008 on the
            log-likelihood, so after dividing by gamma the KL and the
            imputation losses weigh 125 times the cross-entropy), the
            paper's network and optimiser, the paper's recipe (no
            ``modality_dropout``, the imputation gradient on both sides) and
            a fixed number of epochs. "authors_code": the public code's
            choices where it departs from the text (loss weights, linear
            learning-rate decay, two-layer heads with dropout 0.5, residual
            blocks narrowing to 64).
        modalities : dict, list or None, default=None
            As for :class:`RedCoreClassifier`.
        **params
            Further parameters of the estimator; they override the preset's.

        Returns
        -------
        estimator : RedCoreClassifier or RedCoreRegressor
            An unfitted estimator of the class the method is called on, whose
            parameters (``get_params()``) show every value in force.

        Notes
        -----
        The parameters each preset sets ("(default)": the estimator's own):

        %(presets_table)s

        The user guide's method page gives the source of every value, the
        differences from the paper and the authors' code that no parameter
        reproduces, and the measured accuracy of both presets.

        Examples
        --------
        >>> from sklearn_redcore import RedCoreClassifier
        >>> clf = RedCoreClassifier.from_preset("paper", [[0, 1], [2, 3]], max_epochs=5)
        >>> clf.kl_weight, clf.lr, clf.max_epochs
        (125.0, 0.0002, 5)
        """
        return cls(modalities, **(preset_params(preset) | params))

    def _check_params(self) -> None:
        if self.transformer_width % self.transformer_heads:
            raise ValueError(
                f"transformer_width ({self.transformer_width}) must be a multiple of transformer_heads "
                f"({self.transformer_heads}): each head attends over width / heads features."
            )
        if isinstance(self.sequence_encoder, Mapping):
            bad = [kind for kind in self.sequence_encoder.values() if kind not in _SEQUENCE_ENCODERS]
            if bad:
                raise ValueError(
                    "sequence_encoder must be 'transformer', 'conv', 'rocket' or 'mlp', or a dict of modality "
                    f"names to these; got {bad[0]!r}."
                )
        for name, allow_empty in (("encoder_hidden", True), ("xenc_widths", False), ("classifier_hidden", True)):
            if getattr(self, name) is not None:
                check_widths(getattr(self, name), name, allow_empty=allow_empty)

    def _check_model_params(self, inputs: ModalityInputs) -> None:
        if isinstance(self.sequence_encoder, Mapping):
            for name in self.sequence_encoder:
                if str(name) not in inputs.modalities:
                    raise ValueError(
                        f"sequence_encoder names the modality {name!r}, which is not one of {list(inputs.modalities)}."
                    )
                if inputs.shapes[str(name)] is None:
                    raise ValueError(
                        f"sequence_encoder names the modality {name!r}, which is a vector, not a "
                        "sequence: declare it with SequenceModality(columns, n_steps)."
                    )

    def _sequence_encoders(self) -> list[str]:
        choice = self.sequence_encoder
        if isinstance(choice, Mapping):
            choice = {str(name): kind for name, kind in choice.items()}
            return [choice.get(name, "rocket") for name in self.modalities_]
        return [choice] * len(self.modalities_)

    def _fit_architecture(self) -> None:
        """The sizes of the network: ``network_size``'s, with the explicit size parameters on top."""
        explicit = {name: getattr(self, name) for name in NETWORK_SIZES["compact"]}
        shapes, encoders = self.inputs_.sequence_shapes, self._sequence_encoders()
        self.network_sizes_ = network_sizes(self.network_size, shapes, encoders, explicit)

    def _module_params(self, modality_sizes: list[int], n_outputs: int) -> dict[str, Any]:
        return dict(
            modality_sizes=modality_sizes,
            n_classes=n_outputs,
            **self.network_sizes_,
            dropout=self.dropout,
            classifier_dropout=self.classifier_dropout,
            unimodal_heads=self.unimodal_heads,
            modality_dropout=self.modality_dropout,
            sequence_shapes=self.inputs_.sequence_shapes,
            sequence_encoders=self._sequence_encoders(),
            transformer_width=self.transformer_width,
            transformer_layers=self.transformer_layers,
            transformer_heads=self.transformer_heads,
            conv_channels=self.conv_channels,
            conv_blocks=self.conv_blocks,
            conv_kernel_size=self.conv_kernel_size,
            rocket_features=self.rocket_features,
            kl_weight=self.kl_weight,
            detach_target=self.stop_target_gradient,
            numerical_embedding=self.numerical_embedding,
            embedding_dim=self.embedding_dim,
            embedding_scale=self.embedding_scale,
        )

    def _net_params(self, n_modalities: int) -> dict[str, Any]:
        regulator = SupervisionRegulator(
            n_modalities,
            xi1=self.xi1,
            xi2=self.xi2,
            p=self.p,
            beta=self.beta,
            alpha1=self.alpha1,
            K=self.K,
            regulate=self.regulate,
            advantage_reference=self.advantage_reference,
        )
        return dict(regulator=regulator, imputation_weight=self.imputation_weight, eta_scope=self.eta_scope)

    def _monitoring_callbacks(self) -> list[tuple[str, Any]]:
        return [("regulation_history", RegulationHistory())]

    def _extra_callbacks(self) -> list[tuple[str, Any]]:
        callbacks = []
        if self.lr_schedule == "linear":
            callbacks.append(("lr_schedule", linear_decay_scheduler(self.max_epochs)))
        # (not with early stopping on validation data, which keeps its best epoch's weights instead)
        if self.weight_averaging and not self.do_early_stopping_:
            callbacks.append(("weight_averaging", WeightAveraging(self.weight_averaging)))
        return callbacks

    def _store_fit_results(self) -> None:
        history = self.net_.history
        self.eta_ = np.asarray(self.net_.regulator.eta, dtype=float).copy()
        m = len(self.modalities_)
        for key in RegulationHistory.history_keys:
            values = history[:, key] if len(history) else []
            setattr(self, f"{key}_history_", np.asarray(values, dtype=float).reshape(-1, m))


#: The documentation of the parameters RedCore adds to the training loop's (both estimators).
_REDCORE_PARAMETERS = """\
    modalities : dict, list or None, default=None
        Which columns form which modality: a dict ``name -> columns`` or a
        list of column groups (named ``"m0"``, ``"m1"``, ...). Columns are int
        positions, a slice, a range, or column names when X is a DataFrame.
        A group wrapped in :class:`~sklearn_redcore.SequenceModality` holds a
        sequence of T steps of d features (T * d columns, step-major; a step
        whose features are all NaN is padding). None: all columns form one
        modality. Columns in no group are ignored (with a warning).
    xi1 : float, default=0.015
        Lower bound of every eta^m (xi_1, eq. 6b).
    xi2 : float, default=0.15
        l_p norm of eta (xi_2, eq. 6c). Requires ``xi1 * M**(1/p) <= xi2``.
    beta : float, default=0.7
        Weight of the newest imputation loss in its moving average (beta,
        eq. 9), in (0, 1].
    p : float, default=2
        Order of the norm constraining eta (p, eq. 6c), ``p >= 1``.
    regulate : bool, default=True
        Adapt eta by Algorithm 1 (RedCore). False keeps eta fixed and equal,
        ``xi2 / M**(1/p)`` per modality: the paper's "Core" ablation.
    advantage_reference : {"none", "initial"}, default="none"
        Not in the paper. What the relative advantage (eqs. 4-5) compares:
        "none", the moving-average imputation losses (the paper); "initial",
        each modality's moving-average loss divided by its first value, so
        that how predictable a modality is from the others (a property of
        the data) cancels and only its progress during training counts.
        See the user guide's method page ("Does the regulation help?").
    eta_scope : {"imputation", "imputation+unimodal"}, default="imputation"
        Not in the paper. What eta weights: the imputation losses (the
        paper), or also the unimodal heads' losses of eq. (3), the
        head of m weighted by ``M eta^m / sum(eta)`` (mean 1; all 1 at the
        fixed eta of Core, which is unchanged). Adam largely cancels a
        weight on a loss that alone reaches a parameter; the self-modal
        encoder of m also follows the joint head, so there eta changes the
        mix of its supervision.
    unimodal_heads : bool, default=True
        Train one head per modality besides the joint one (the m in [M]
        terms of eq. 3). False keeps only the joint head: the paper's "Red"
        ablation.
    K : int, default=3
        Number of parameter updates between two eta updates (K, Algorithm 1).
    alpha1 : float, default=0.1
        Step size of the projected update of eta (alpha_1, eq. 8).
    kl_weight : float, default=1e-3
        Weight of the KL terms of the VIB loss relative to the heads' loss
        (the cross-entropy; the squared error in RedCoreRegressor)
        (eq. 3 divided by gamma: ``kl_weight = 1 / gamma``). The paper quotes
        gamma = 0.008 for the form "KL - gamma log q", which read literally
        gives 125 (``from_preset("paper")``); the authors' code weights the
        KL, without its factor 1/2, by 8e-4 against the cross-entropy, which
        is 1.6e-3 here (``from_preset("authors_code")``).
    imputation_weight : float, default=1.0
        A constant factor on the eta-weighted imputation losses, ``L_VIB +
        imputation_weight * sum_m eta^m L_MSE^m``. 1 is the paper's total
        loss with the heads' loss at weight 1; eq. (3) read literally and
        divided by gamma makes it ``1 / gamma`` (``from_preset("paper")``).
    modality_dropout : float, default=0.3
        Not in the paper. During training, each available modality of a
        sample is hidden from the inputs with this probability (at least one
        stays), so that the heads also learn from cross-modal
        representations of modalities that are in fact present; the hidden
        modality still supervises its cross-modal encoder through the
        imputation loss. This makes models trained on (nearly) complete data
        robust to modalities missing at prediction time. 0 is the paper's
        choice.
    stop_target_gradient : bool, default=True
        Not in the paper. The imputation loss ``||z_bar^m - z_hat^m||^2``
        trains the cross-modal encoder towards the self-modal representation
        but does not pull that representation towards its imputation. In the
        paper both sides receive the gradient; we measured that the own
        representations then shrink until every modality's imputation loss is
        about the same, which leaves the relative advantage (eq. 5) little to
        measure and costs accuracy (README, benchmark). False is the
        paper's choice.
    network_size : {"auto", "compact", "wide"}, default="auto"
        The size of the network, for the size parameters left at None below
        (an explicit value wins). "compact": ``n_latent=32``, encoders and
        heads of 64 units, one residual block of 32-16 in each cross-modal
        encoder. "wide": twice that (``n_latent=64``, 128 units, two blocks
        of 64-32). "auto": "wide" when a sequence modality has a transformer
        encoder, "compact" otherwise: on vectors the compact network was as
        accurate in half the time, on sequences it lost 0.11 of F1
        (docs/speed.md, "Cost of a fit"). The sizes used are in
        ``network_sizes_``. The paper's network is larger than both.
    n_latent : int or None, default=None
        Dimension d of each representation z^m. None: from ``network_size``.
    encoder_hidden : tuple of int or None, default=None
        Hidden widths of each MLP self-modal encoder (that of every vector
        modality, and of the sequences encoded with "mlp"); ``()`` for none.
        None: from ``network_size``.
    numerical_embedding : {"periodic"} or None, default=None
        Not in the paper. "periodic": each feature of a vector modality is
        mapped to a vector of ``embedding_dim`` values before the encoder's
        MLP, ``ReLU(W [cos(2 pi c_j x_j); sin(2 pi c_j x_j)] + b)`` with
        trainable frequencies ``c_j`` per feature and ``W`` shared by the
        features (the "PLR lite" embedding of Gorishniy et al., NeurIPS
        2022), which lets the encoder learn sharp or periodic functions of
        single features, as trees do. None: the features enter the MLP
        directly (the paper).
    embedding_dim : int, default=16
        Size of each feature's embedding, and its number of frequencies.
    embedding_scale : float, default=0.1
        Standard deviation of the initial frequencies (truncated normal):
        small values start the embedding close to a linear function of the
        feature, large ones oscillating.
    sequence_encoder : {"rocket", "conv", "transformer", "mlp"} or dict, default="rocket"
        Self-modal encoder of the sequence modalities:

        - "rocket" (not in the paper): about ``rocket_features`` fixed
          random-convolution features in the manner of MiniRocket (the share
          of observed steps where each kernel's response exceeds a threshold
          fitted on the training sequences, over the whole sequence and over
          each half of it), standardised, then an MLP of ``encoder_hidden``
          widths and a layer norm. Only the MLP is trained and the features
          are computed once per fit (per batch when the training rows times
          the features exceed 50 million), so an epoch costs little.
        - "conv" (not in the paper): a linear map of each step to
          ``conv_channels``, ``conv_blocks`` residual blocks of convolutions
          over ``conv_kernel_size`` steps with dilations 1, 2, 4, ..., the
          mean and the maximum over the observed steps.
        - "transformer" (the paper's): a linear map of each step to
          ``transformer_width``, a sinusoidal encoding of the step's
          position, ``transformer_layers`` pre-norm blocks with
          ``transformer_heads`` heads and feed-forward width ``4 *
          transformer_width``, the mean over the observed steps.
        - "mlp": the flattened sequence, padding as zeros, through an MLP
          encoder like a vector's.

        Padding never enters the first three. On the three sequence data
        sets of docs/sequences.md (3 seeds, shared and imbalanced rates),
        "rocket" scored 0.839 weighted F1 on average against 0.825 for
        "conv" and 0.820 for the transformer, ahead on the two real data sets
        and behind "conv" on synthetic sequences whose class is the order of
        motifs; its fits took a quarter to a third of the time of "conv".
        "conv" sees the order of the steps within ``1 + (conv_kernel_size -
        1) * (2**conv_blocks - 1)`` consecutive steps, the transformer over
        the whole sequence, "rocket" within a kernel's span and by halves.
        A dict ``name -> kind`` chooses per sequence modality ("rocket" for
        those it leaves out). Vector modalities always have an MLP encoder.
    transformer_width : int, default=64
        Width of the transformer encoders (``sequence_encoder="transformer"``).
        The paper's is 128 (``from_preset("paper")``); on three sequence
        data sets the defaults of width 64, 2 layers and 4 heads scored
        0.017 higher on average, in about a third of the time
        (docs/sequences.md).
    transformer_layers : int, default=2
        Transformer blocks per encoder (the paper's 3).
    transformer_heads : int, default=4
        Attention heads per block (the paper's 8); must divide
        ``transformer_width``.
    conv_channels : int, default=32
        Channels of the convolutional encoders (``sequence_encoder="conv"``).
    conv_blocks : int, default=3
        Residual blocks per convolutional encoder; block b convolves with
        dilation ``2**b``.
    conv_kernel_size : int, default=5
        Steps each convolution spans before dilation. With the dilations,
        the encoder sees ``1 + (conv_kernel_size - 1) * (2**conv_blocks -
        1)`` consecutive steps at once (29 with the defaults).
    rocket_features : int, default=2000
        About how many random-convolution features describe each sequence
        modality (``sequence_encoder="rocket"``): MiniRocket's 84 kernels at
        each of up to 32 dilations, exponentially spaced from 1 to
        ``(n_steps - 1) / 8``, times 3 regions (the whole sequence and its
        halves), times as many thresholds as make about this number, at
        least one: so at least ``252`` per dilation, which for sequences of
        more than about 60 steps exceeds 2,000 (3,024 for 100 steps).
    xenc_hidden : int or None, default=None
        Width of the residual stream of each cross-modal encoder. None: from
        ``network_size``.
    xenc_widths : tuple of int or None, default=None
        Narrowing widths of each residual autoencoder block, mirrored on the
        way back (``(32, 16)`` on a 64-wide stream: 64-32-16-32-64). None:
        from ``network_size``.
    xenc_blocks : int or None, default=None
        Number of residual autoencoder blocks per cross-modal encoder. None:
        from ``network_size``.
    classifier_hidden : int, tuple of int or None, default=None
        Hidden widths of each head, classifier or regressor (an int: one hidden layer;
        ``()``: a linear head). None: from ``network_size``.
    dropout : float, default=0.1
        Dropout in the encoders (and in the heads, unless
        ``classifier_dropout`` is set).
    classifier_dropout : float or None, default=None
        Dropout in the heads. None: ``dropout``.
    lr_schedule : {"constant", "linear"}, default="constant"
        "linear": the learning rate of the authors' code, constant for the
        first half of ``max_epochs`` and falling linearly over the second
        (to ``1 / (h + 1)`` of ``lr`` at the last epoch, h the half). Each
        call to ``fit`` runs the schedule from its start.
    weight_averaging : float or None, default=0.8
        Not in the paper: the network ends a fit with an exponential moving
        average of its weights over the epochs after the tenth, ``a <-
        weight_averaging * a + (1 - weight_averaging) * w`` after each epoch
        (about the last five epochs at 0.8), instead of the last epoch's
        weights; a fit of 10 epochs or fewer keeps its last weights. On the tabular
        suite of docs/benchmarks.md it raised the mean weighted F1 by 0.0035
        (on 16 of 18 settings), at the cost of one copy of the weights. Not
        used with early stopping on validation data (which keeps its best
        epoch's weights). None or 0: the last epoch's weights (the paper's)."""

#: The documentation of the fitted attributes of Algorithm 1 and the network (both estimators).
_REDCORE_ATTRIBUTES = """\
    network_sizes_ : dict
        The six size parameters, as ``network_size`` and the explicit values
        set them.
    eta_ : ndarray of shape (n_modalities,)
        Supervision weights eta at the end of training; with early stopping
        on validation data, those of the epoch whose weights are kept (the
        histories below cover every epoch run).
    eta_history_ : ndarray of shape (n_epochs, n_modalities)
        eta at the end of each epoch.
    relative_advantage_history_ : ndarray of shape (n_epochs, n_modalities)
        Relative advantage RA^m (eq. 5) of the moving-average imputation
        losses at the end of each epoch.
    imputation_loss_history_ : ndarray of shape (n_epochs, n_modalities)
        Mean over the epoch's mini-batches of the imputation loss L_MSE^m."""


@Substitution(
    training_parameters=training_parameters(batch_size=256, lr="3e-3"),
    common_attributes=common_attributes(),
    redcore_parameters=_REDCORE_PARAMETERS,
    redcore_attributes=_REDCORE_ATTRIBUTES,
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
    training row raises ``ValueError`` (the paper assumes MR^m < 1). At
    prediction, a row with every modality missing gets ``class_prior_``.

    *Differences from the paper.* ``modality_dropout`` and
    ``stop_target_gradient`` are additions, on by default; the loss
    weights, the network's size and the optimisation differ too.
    :meth:`from_preset` gives every setting of the paper (or of the
    authors' code) at once; the user guide's method page lists each
    difference with its reason.

    *Differences from the authors' code.* eta is projected exactly onto
    ``{eta >= xi1, ||eta||_p = xi2}``; predictions use the means of the
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
        advantage_reference: str = "none",
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
        batch_size: int = 256,
        lr: float = 3e-3,
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
