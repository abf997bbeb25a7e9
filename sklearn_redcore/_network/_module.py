"""The RedCore network (Sun et al., AAAI 2024, Section 3, Figure 2).

Per modality m:

* a Gaussian variational self-modal encoder ``senc^m`` giving the mean and
  log-variance of ``p(z_bar^m | x^m)`` (``_self_modal_encoders.py``, which
  chooses it by the modality's kind); training draws ``z_bar^m`` by the
  reparameterisation trick (supplementary B), evaluation uses the mean;
* a cross-modal encoder ``xenc^m``, stacked residual autoencoder blocks, that
  computes ``z_hat^m`` from the representations of the *other available*
  modalities (``_cross_modal.py``);
* ``z^m = z_bar^m`` if m is present, else ``z_hat^m`` (eq. 1).

A joint classifier reads ``z^{M+1} = [z^1; ...; z^M]`` and, unless disabled,
one classifier per modality reads ``z^m`` (the unimodal VIB heads of eq. 3).

Data arrive as one float tensor ``x`` whose modalities are contiguous column
blocks (missing entries already set to zero) and a boolean tensor ``present``
of shape (batch, M). A sequence modality's block holds its T steps
step-major; a boolean tensor ``observed_steps`` (batch, sum of the T of the
sequence modalities) says which steps hold data (the others are padding).
The module computes its loss parts (:meth:`RedCoreModule.loss`, by
``_loss.py``), which ``redcore_objective`` weights by eta into the training
objective.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._inputs import step_slices
from .._parameters import check_widths
from .._runtime import waits_for_device
from .._training import squared_error, weighted_cross_entropy, weighted_mean
from ._cross_modal import CrossModalEncoders
from ._layers import mlp, stacked_mlp
from ._loss import RedCoreLoss, redcore_loss
from ._outputs import RedCoreOutput
from ._rocket import RocketGaussianEncoder
from ._self_modal_encoders import EncoderSettings, self_modal_encoder
from ._sequence_gaussian import SequenceGaussianEncoder

#: Most values (rows times features) of random-convolution features computed once per fit and kept for the
#: epochs (200 MB in float32); beyond, each batch computes its own.
MAX_FIXED_FEATURE_VALUES = 50_000_000


class RedCoreModule(nn.Module):
    """The RedCore network for M modalities (vectors or sequences).

    Every argument is keyword-only and required: the estimator sets each one
    (``RedCoreEstimatorMixin._module_params``), and the network has no
    defaults of its own.

    Parameters
    ----------
    modality_sizes : list of int
        Number of columns of each modality, in the order of ``x``.
    n_classes : int
        Number of classes.
    n_latent : int
        Dimension d of every representation z^m.
    encoder_hidden : tuple of int
        Hidden widths of each self-modal encoder.
    xenc_hidden : int
        Width of the residual stream of each cross-modal encoder.
    xenc_widths : tuple of int
        Narrowing widths inside each residual autoencoder block.
    xenc_blocks : int
        Number of residual autoencoder blocks.
    classifier_hidden : int or tuple of int
        Hidden widths of every classifier head (an int: one hidden layer;
        ``()``: a linear head).
    dropout : float
        Dropout rate in the encoders (and in the heads, unless
        ``classifier_dropout`` is given).
    classifier_dropout : float or None
        Dropout rate in the classifier heads; None: ``dropout``.
    unimodal_heads : bool
        Whether to build one classifier per modality.
    modality_dropout : float
        Training only: probability of hiding each present modality of a sample
        from the inputs (at least one stays visible); see RedCoreClassifier.
    sequence_shapes : list of (int, int) or None
        Per modality, ``(T, d)`` for a sequence and None for a vector.
    sequence_encoders : list of str
        Per modality, the name of its encoder in
        :data:`~sklearn_redcore._network._self_modal_encoders.SEQUENCE_ENCODERS`:
        "rocket" (fixed random-convolution features and an MLP of
        ``encoder_hidden``), "conv" (dilated convolutions), "transformer" or
        "mlp" (the flattened sequence through an MLP encoder); only read for
        sequence modalities.
    transformer_width, transformer_layers, transformer_heads : int
        Sizes of the transformer encoders.
    conv_channels, conv_blocks, conv_kernel_size : int
        Sizes of the convolutional encoders.
    rocket_features : int
        About how many random-convolution features each "rocket" encoder computes.
    kl_weight : float
        Weight of the KL terms of the VIB loss (see :meth:`loss`).
    detach_target : bool
        Stop the gradient of the imputation losses at z_bar (see :meth:`loss`).
    numerical_embedding : {None, "periodic"}
        "periodic": every feature of a vector modality is embedded before its
        encoder's MLP (:class:`~sklearn_redcore._network._embeddings.PeriodicEmbedding`).
    embedding_dim : int
        Size of each feature's embedding (and number of its frequencies).
    embedding_scale : float
        Standard deviation of the embedding's initial frequencies.
    """

    #: The forward pass reads ``observed_steps`` (which steps of the sequences hold data).
    reads_observed_steps = True
    #: The name of the joint head's loss among the loss parts (the training loop's plateau rule watches it).
    joint_loss_part = "classification"
    #: Loss parts whose epoch means the history records.
    loss_parts = (joint_loss_part,)

    def __init__(
        self,
        *,
        modality_sizes: list[int],
        n_classes: int,
        n_latent: int,
        encoder_hidden: tuple[int, ...],
        xenc_hidden: int,
        xenc_widths: tuple[int, ...],
        xenc_blocks: int,
        classifier_hidden: int | tuple[int, ...],
        dropout: float,
        classifier_dropout: float | None,
        unimodal_heads: bool,
        modality_dropout: float,
        sequence_shapes: list[tuple[int, int] | None],
        sequence_encoders: list[str],
        transformer_width: int,
        transformer_layers: int,
        transformer_heads: int,
        conv_channels: int,
        conv_blocks: int,
        conv_kernel_size: int,
        rocket_features: int,
        kl_weight: float,
        detach_target: bool,
        numerical_embedding: str | None,
        embedding_dim: int,
        embedding_scale: float,
    ) -> None:
        super().__init__()
        self.kl_weight = float(kl_weight)
        self.detach_target = bool(detach_target)
        self.modality_sizes = list(modality_sizes)
        self.n_modalities = len(modality_sizes)
        self.n_latent = n_latent
        self.modality_dropout = float(modality_dropout)
        self.sequence_shapes = [tuple(shape) if shape is not None else None for shape in sequence_shapes]
        # Where each sequence modality's steps sit in ``observed_steps``; None for vectors.
        self.step_slices = step_slices(self.sequence_shapes)
        settings = EncoderSettings(
            n_latent=n_latent,
            hidden=tuple(encoder_hidden),
            dropout=dropout,
            transformer_width=transformer_width,
            transformer_layers=transformer_layers,
            transformer_heads=transformer_heads,
            conv_channels=conv_channels,
            conv_blocks=conv_blocks,
            conv_kernel_size=conv_kernel_size,
            rocket_features=rocket_features,
            numerical_embedding=numerical_embedding,
            embedding_dim=embedding_dim,
            embedding_scale=embedding_scale,
        )
        encoders = [
            self_modal_encoder(size, shape, kind, settings)
            for size, shape, kind in zip(self.modality_sizes, self.sequence_shapes, sequence_encoders, strict=True)
        ]
        self.encoders = nn.ModuleList(encoders)
        self.cross_encoders = CrossModalEncoders(
            self.n_modalities, n_latent, xenc_hidden, tuple(xenc_widths), xenc_blocks
        )
        head_widths = check_widths(classifier_hidden, "classifier_hidden")
        head_dropout = dropout if classifier_dropout is None else float(classifier_dropout)
        joint_in = self.n_modalities * n_latent
        self.joint_head = nn.Sequential(
            mlp([joint_in, *head_widths], head_dropout),
            nn.Linear(head_widths[-1] if head_widths else joint_in, n_classes),
        )
        self.unimodal_heads = (
            stacked_mlp(
                self.n_modalities, [n_latent, *head_widths, n_classes], last_activation=False, dropout=head_dropout
            )
            if unimodal_heads
            else None
        )

    def _hide_modalities(self, present: torch.Tensor) -> torch.Tensor:
        """Randomly hide present modalities, keeping at least one visible per sample."""
        hide = torch.rand(present.shape, device=present.device) < self.modality_dropout
        visible = present & ~hide
        lost_all = present.any(1) & ~visible.any(1)
        # (on the CPU the branch skips a draw; elsewhere it would wait for the device, so the draw is always made)
        if waits_for_device(present) or lost_all.any():
            # Give back one of the sample's present modalities, chosen at random.
            scores = torch.rand(present.shape, device=present.device).masked_fill(~present, -1.0)
            keep = F.one_hot(scores.argmax(1), self.n_modalities).bool()
            visible = torch.where(lost_all.unsqueeze(1), keep, visible)
        return visible

    def _encode(
        self,
        encoder: nn.Module,
        block: torch.Tensor,
        observed: torch.Tensor | None,
        fixed: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if isinstance(encoder, SequenceGaussianEncoder):
            return encoder(block, observed, fixed) if fixed is not None else encoder(block, observed)
        return encoder(block)

    def _fixed_parts(self, fixed_features: torch.Tensor | None) -> list[torch.Tensor | None]:
        """Each encoder's part of ``fixed_features`` (None for the others, or when not given)."""
        sizes = [encoder.n_features if isinstance(encoder, RocketGaussianEncoder) else 0 for encoder in self.encoders]
        if fixed_features is None or not any(sizes):
            return [None] * len(self.encoders)
        parts = iter(torch.split(fixed_features, [size for size in sizes if size], dim=1))
        return [next(parts) if size else None for size in sizes]

    def _observed(self, m: int, observed_steps: torch.Tensor | None) -> torch.Tensor | None:
        """Which steps of modality m hold data (B, T), from ``observed_steps``; None for a vector or without them."""
        steps = self.step_slices[m]
        if observed_steps is None or steps is None:
            return None
        return observed_steps[:, steps[0] : steps[1]].bool()

    @torch.no_grad()
    def prepare_training_inputs(self, tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Called once per fit, before training, with the training tensors: fit what the encoders compute from
        the inputs and add what does not change during training.

        Random-convolution encoders (``"rocket"``) fit their thresholds and
        standardisation on the present sequences (a warm start keeps those of the
        first fit), and their features, fixed from then on, are computed once and
        added as ``fixed_features`` (unless they would take more than
        :data:`MAX_FIXED_FEATURE_VALUES` values: then every batch computes its own).
        """
        rocket = [m for m, encoder in enumerate(self.encoders) if isinstance(encoder, RocketGaussianEncoder)]
        if not rocket:
            return tensors
        x, present, observed_steps = tensors["x"], tensors["present"].bool(), tensors.get("observed_steps")
        blocks = torch.split(x, self.modality_sizes, dim=1)
        keep = len(x) * sum(self.encoders[m].n_features for m in rocket) <= MAX_FIXED_FEATURE_VALUES
        parts = []
        for m in rocket:
            observed = self._observed(m, observed_steps)
            if observed is None:
                observed = torch.ones(len(x), self.encoders[m].n_steps, dtype=torch.bool, device=x.device)
            observed = observed & present[:, m : m + 1]
            fitted = self.encoders[m].fit_inputs(blocks[m], observed, return_features=keep)  # None: fitted before
            if keep:
                parts.append(fitted if fitted is not None else self.encoders[m].features(blocks[m], observed))
        if not keep:
            return tensors
        return dict(tensors, fixed_features=torch.cat(parts, dim=1))

    def forward(
        self,
        x: torch.Tensor,
        present: torch.Tensor,
        observed_steps: torch.Tensor | None = None,
        fixed_features: torch.Tensor | None = None,
    ) -> RedCoreOutput:
        present = present.bool()
        visible = present
        if self.training and self.modality_dropout > 0:
            visible = self._hide_modalities(present)
        blocks = torch.split(x, self.modality_sizes, dim=1)
        fixed = self._fixed_parts(fixed_features)
        stats = [
            self._encode(encoder, block, self._observed(m, observed_steps), part)
            for m, (encoder, block, part) in enumerate(zip(self.encoders, blocks, fixed))
        ]
        mean = torch.stack([mu for mu, _ in stats], dim=1)
        log_var = torch.stack([lv for _, lv in stats], dim=1)
        if self.training:
            z_bar = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
        else:
            z_bar = mean
        z_hat = self.cross_encoders(z_bar, visible)
        z = torch.where(visible.unsqueeze(-1), z_bar, z_hat)  # eq. (1)
        logits = self.joint_head(z.flatten(1))
        unimodal_logits = None
        if self.unimodal_heads is not None:
            unimodal_logits = self.unimodal_heads(z.transpose(0, 1))  # (M, B, n_classes)
        return RedCoreOutput(logits, unimodal_logits, mean, log_var, z_bar, z_hat, present, visible)

    def head_losses(self, outputs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The loss of a head on each sample: the cross-entropy (-log q of eq. 3)."""
        return F.cross_entropy(outputs, y, reduction="none")

    def joint_loss(self, outputs: torch.Tensor, y: torch.Tensor, sample_weight: torch.Tensor | None) -> torch.Tensor:
        """The mean loss of the joint head over the batch, each sample counted ``sample_weight`` times."""
        return weighted_cross_entropy(outputs, y, sample_weight)

    def loss(self, out: RedCoreOutput, y: torch.Tensor, sample_weight: torch.Tensor | None = None) -> RedCoreLoss:
        """The parts of the training objective on one batch (Section 3; eta weights them in ``redcore_objective``).

        :func:`~sklearn_redcore._network._loss.redcore_loss` with this network's
        head losses, ``kl_weight`` and ``detach_target``, the joint head's loss
        named ``joint_loss_part``.
        """
        return redcore_loss(
            out,
            y,
            sample_weight,
            joint_loss=self.joint_loss,
            head_losses=self.head_losses,
            kl_weight=self.kl_weight,
            detach_target=self.detach_target,
            joint_part=self.joint_loss_part,
        )


class RedCoreRegressionModule(RedCoreModule):
    """The RedCore network with regression heads (``n_classes``: the number of targets).

    Every head outputs the standardised targets, and its loss is the squared
    error averaged over the targets: the negative log-likelihood of a
    Gaussian of fixed variance (up to a constant and a factor), in place of
    the cross-entropy of eq. (3). Everything else (the encoders, eq. 1, the
    KL and imputation terms, Algorithm 1) is :class:`RedCoreModule`'s.
    """

    joint_loss_part = "regression"
    loss_parts = (joint_loss_part,)

    def head_losses(self, outputs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The squared error of a head on each sample, averaged over the targets."""
        return squared_error(outputs, y)

    def joint_loss(self, outputs: torch.Tensor, y: torch.Tensor, sample_weight: torch.Tensor | None) -> torch.Tensor:
        """The mean squared error of the joint head over the batch, each sample counted ``sample_weight`` times."""
        return weighted_mean(self.head_losses(outputs, y), sample_weight)
