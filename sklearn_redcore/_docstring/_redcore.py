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
        modality. Columns in no group are ignored (with a warning). See
        :ref:`modalities`.
    xi1 : float, default=0.015
        Lower bound :math:`\\xi_1` of every supervision weight,
        :math:`\\eta^m \\ge \\xi_1` (eq. 6b).
    xi2 : float, default=0.15
        Norm :math:`\\xi_2` of the supervision weights,
        :math:`\\|\\boldsymbol{\\eta}\\|_p = \\xi_2` (eq. 6c). Requires
        :math:`\\xi_1 M^{1/p} \\le \\xi_2` for M modalities.
    beta : float, default=0.7
        Weight :math:`\\beta \\in (0, 1]` of the newest imputation loss in its
        moving average (eq. 9).
    p : float, default=2
        Order :math:`p \\ge 1` of the norm of eq. (6c).
    regulate : bool, default=True
        Adapt :math:`\\boldsymbol{\\eta}` by Algorithm 1 (RedCore). False keeps
        it fixed at :math:`\\eta^m = \\xi_2 / M^{1/p}`: the paper's "Core"
        ablation.
    advantage_reference : {"spread", "none", "initial"}, default="spread"
        What the relative advantage of eqs. (4)-(5) compares: each imputation
        loss divided by the spread of its target on the batch ("spread", not
        in the paper: modalities on different scales compare fairly), the
        raw losses ("none", the paper, ``from_preset("paper")``), or each
        loss divided by its first value ("initial", not in the paper). See
        :ref:`method`.
    eta_scope : {"imputation", "imputation+unimodal"}, default="imputation"
        What :math:`\\boldsymbol{\\eta}` weights: the imputation losses (the
        paper), or also the unimodal heads' losses, the head of m weighted
        by :math:`M \\eta^m / \\sum_{m'} \\eta^{m'}` (not in the paper).
    unimodal_heads : bool, default=True
        Train one head per modality besides the joint one (the terms
        :math:`m \\le M` of eq. 3). False keeps only the joint head: the
        paper's "Red" ablation.
    K : int, default=3
        Parameter updates between two updates of :math:`\\boldsymbol{\\eta}`
        (Algorithm 1).
    alpha1 : float, default=0.1
        Step size :math:`\\alpha_1` of the projected update of
        :math:`\\boldsymbol{\\eta}` (eq. 8).
    kl_weight : float, default=1e-3
        Weight of the KL terms of the VIB loss against the heads' loss (the
        cross-entropy; the squared error in RedCoreRegressor):
        :math:`1/\\gamma` of eq. (3). The paper's :math:`\\gamma = 0.008` read
        literally gives 125 (``from_preset("paper")``), the authors' code
        1.6e-3 (``from_preset("authors_code")``); see :ref:`method`.
    imputation_weight : float, default=1.0
        Factor on the weighted imputation losses:
        :math:`\\mathcal{L}_{VIB} + w \\sum_m \\eta^m \\mathcal{L}_{MSE}^m`.
        1 is the paper's total loss with the heads' loss at weight 1;
        eq. (3) read literally gives :math:`1/\\gamma = 125`.
    modality_dropout : float, default=0.3
        Not in the paper (0 there). In training, each available modality of
        a sample is hidden from the inputs with this probability (at least
        one stays), so that the heads also learn from the cross-modal
        representations; the hidden modality still supervises its
        cross-modal encoder.
    stop_target_gradient : bool, default=True
        Not in the paper (False there). The imputation loss
        :math:`\\|\\bar{\\mathbf{z}}^m - \\hat{\\mathbf{z}}^m\\|^2` trains the
        cross-modal representation :math:`\\hat{\\mathbf{z}}^m` but does not
        pull the self-modal :math:`\\bar{\\mathbf{z}}^m` towards it.
    network_size : {"auto", "compact", "wide"}, default="auto"
        Size of the network, for the size parameters left at None.
        "compact": ``n_latent=32``, encoders and heads of 64 units, one
        residual block of 32-16 per cross-modal encoder. "wide": twice that.
        "auto": "wide" when a transformer encodes a sequence modality,
        "compact" otherwise. The sizes used are in ``network_sizes_``; see
        :ref:`hyperparameters`.
    n_latent : int or None, default=None
        Dimension d of each representation :math:`\\mathbf{z}^m`. None: from
        ``network_size``.
    encoder_hidden : tuple of int or None, default=None
        Hidden widths of each MLP self-modal encoder (vector modalities, and
        sequences encoded with "mlp"); ``()`` for none. None: from
        ``network_size``.
    numerical_embedding : {"periodic"} or None, default=None
        Not in the paper. "periodic": each feature :math:`x_j` of a vector
        modality becomes
        :math:`\\mathrm{ReLU}(W [\\cos(2\\pi c_j x_j); \\sin(2\\pi c_j x_j)] + b)`
        before the encoder, with trainable frequencies :math:`c_j` (the
        "PLR lite" embedding of Gorishniy et al., NeurIPS 2022). None: the
        features enter the encoder directly.
    embedding_dim : int, default=16
        Size of each feature's embedding, and its number of frequencies.
    embedding_scale : float, default=0.1
        Standard deviation of the initial frequencies :math:`c_j`.
    sequence_encoder : {"rocket", "conv", "transformer", "mlp"} or dict, default="rocket"
        Self-modal encoder of the sequence modalities:

        - "rocket" (not in the paper): about ``rocket_features`` fixed
          random-convolution features in the manner of MiniRocket, computed
          once per fit, then a trained MLP;
        - "conv" (not in the paper): ``conv_blocks`` residual blocks of
          dilated convolutions, pooled over the observed steps;
        - "transformer" (the paper's): ``transformer_layers`` blocks with
          positions encoded, pooled over the observed steps;
        - "mlp": an MLP on the flattened sequence, padding as zeros.

        A dict ``name -> kind`` chooses per sequence modality ("rocket" for
        the others). Vector modalities always have an MLP encoder. See
        :doc:`/sequences` for how they compare.
    transformer_width : int, default=64
        Width of the transformer encoders (the paper's: 128).
    transformer_layers : int, default=2
        Transformer blocks per encoder (the paper's: 3).
    transformer_heads : int, default=4
        Attention heads per block (the paper's: 8); must divide
        ``transformer_width``.
    conv_channels : int, default=32
        Channels of the convolutional encoders.
    conv_blocks : int, default=3
        Residual blocks per convolutional encoder; block b convolves with
        dilation :math:`2^b`.
    conv_kernel_size : int, default=5
        Steps each convolution spans before dilation: the encoder sees
        :math:`1 + (k - 1)(2^{B} - 1)` consecutive steps (29 with the
        defaults).
    rocket_features : int, default=2000
        About how many random-convolution features describe each sequence
        modality (at least 252 per dilation, so more for long sequences:
        3,024 for 100 steps).
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
        Hidden widths of each head, classifier or regressor (an int: one
        hidden layer; ``()``: a linear head). None: from ``network_size``.
    dropout : float, default=0.1
        Dropout in the encoders (and in the heads, unless
        ``classifier_dropout`` is set).
    classifier_dropout : float or None, default=None
        Dropout in the heads. None: ``dropout``.
    lr_schedule : {"constant", "linear"}, default="constant"
        "linear": the authors' code's schedule, constant for the first half
        of ``max_epochs`` and then falling linearly (to :math:`1/(h+1)` of
        ``lr`` at the last epoch, h the half). Each ``fit`` runs the
        schedule from its start.
    weight_averaging : float or None, default=0.8
        Not in the paper. The fit ends with an exponential moving average of
        the weights over the epochs after the tenth,
        :math:`a \\leftarrow d\\, a + (1 - d)\\, w` with this decay d (about the
        last five epochs at 0.8), instead of the last epoch's weights. Not
        used with early stopping on validation data. None or 0: the last
        epoch's weights (the paper's)."""

#: The documentation of the fitted attributes of Algorithm 1 and the network (both estimators).
REDCORE_ATTRIBUTES = """\
    network_sizes_ : dict
        The six size parameters, as ``network_size`` and the explicit values
        set them.
    eta_ : ndarray of shape (n_modalities,)
        Supervision weights :math:`\\boldsymbol{\\eta}` at the end of training; with early stopping
        on validation data, those of the epoch whose weights are kept (the
        histories below cover every epoch run).
    eta_history_ : ndarray of shape (n_epochs, n_modalities)
        eta at the end of each epoch.
    relative_advantage_history_ : ndarray of shape (n_epochs, n_modalities)
        Relative advantage :math:`RA^m` (eq. 5) of the moving-average
        imputation losses at the end of each epoch.
    imputation_loss_history_ : ndarray of shape (n_epochs, n_modalities)
        Mean over the epoch's mini-batches of the imputation loss
        :math:`\\mathcal{L}_{MSE}^m`."""
