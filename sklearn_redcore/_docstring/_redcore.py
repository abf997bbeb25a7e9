"""The shared texts of RedCore's own parameters and fitted attributes (RedCoreClassifier and RedCoreRegressor)."""

from __future__ import annotations

__all__ = ["REDCORE_ATTRIBUTES", "REDCORE_PARAMETERS"]

#: The documentation of the parameters RedCore adds to the training loop's (both estimators).
REDCORE_PARAMETERS = """\
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
REDCORE_ATTRIBUTES = """\
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
