"""The self-modal encoder ``senc^m`` of each modality (Sun et al., AAAI 2024, Section 3), by the modality's kind.

Every self-modal encoder maps a modality's block of ``x`` to the mean and
log-variance of its Gaussian representation ``p(z_bar^m | x^m)``. A vector
modality gets an MLP (:class:`~sklearn_redcore._network._layers.GaussianEncoder`),
its features embedded first when ``numerical_embedding="periodic"``
(``_embeddings.py``). A sequence modality gets the encoder that its name in
:data:`SEQUENCE_ENCODERS` builds: the one list of the encoders that
``sequence_encoder`` accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from torch import nn

from ._conv import ConvGaussianEncoder
from ._embeddings import EmbeddedGaussianEncoder
from ._layers import GaussianEncoder
from ._rocket import RocketGaussianEncoder
from ._transformer import TransformerGaussianEncoder

__all__ = ["SEQUENCE_ENCODERS", "EncoderSettings", "self_modal_encoder"]


@dataclass(frozen=True)
class EncoderSettings:
    """The arguments of :class:`~sklearn_redcore._network._module.RedCoreModule` the self-modal encoders read.

    ``hidden`` is its ``encoder_hidden``; the others have its arguments' names.
    """

    n_latent: int
    hidden: tuple[int, ...]
    dropout: float
    transformer_width: int
    transformer_layers: int
    transformer_heads: int
    conv_channels: int
    conv_blocks: int
    conv_kernel_size: int
    rocket_features: int
    numerical_embedding: str | None
    embedding_dim: int
    embedding_scale: float


def _rocket(n_steps: int, n_features: int, settings: EncoderSettings) -> nn.Module:
    """Fixed random-convolution features and an MLP of ``hidden`` widths (``_rocket.py``)."""
    s = settings
    return RocketGaussianEncoder(n_features, n_steps, s.rocket_features, s.hidden, s.n_latent, s.dropout)


def _conv(n_steps: int, n_features: int, settings: EncoderSettings) -> nn.Module:
    """Dilated residual convolutions (``_conv.py``)."""
    s = settings
    return ConvGaussianEncoder(
        n_features, n_steps, s.conv_channels, s.conv_blocks, s.conv_kernel_size, s.n_latent, s.dropout
    )


def _transformer(n_steps: int, n_features: int, settings: EncoderSettings) -> nn.Module:
    """The paper's transformer over the steps (``_transformer.py``)."""
    s = settings
    return TransformerGaussianEncoder(
        n_features, n_steps, s.transformer_width, s.transformer_layers, s.transformer_heads, s.n_latent, s.dropout
    )


def _flattened_mlp(n_steps: int, n_features: int, settings: EncoderSettings) -> nn.Module:
    """The flattened sequence (its ``n_steps * n_features`` columns) through a vector's MLP encoder."""
    return GaussianEncoder(n_steps * n_features, settings.hidden, settings.n_latent, settings.dropout)


#: The self-modal encoders of sequence modalities, by the name ``sequence_encoder`` gives them: each builds the
#: encoder of a sequence of ``n_steps`` steps of ``n_features`` features, ``(n_steps, n_features, settings)``.
SEQUENCE_ENCODERS: Mapping[str, Callable[[int, int, EncoderSettings], nn.Module]] = MappingProxyType(
    {"rocket": _rocket, "conv": _conv, "transformer": _transformer, "mlp": _flattened_mlp}
)


def self_modal_encoder(
    n_columns: int, sequence_shape: tuple[int, int] | None, sequence_encoder: str, settings: EncoderSettings
) -> nn.Module:
    """The self-modal encoder of a modality of ``n_columns`` columns.

    ``sequence_shape`` is ``(T, d)`` for a sequence, whose encoder is
    ``SEQUENCE_ENCODERS[sequence_encoder]``, and None for a vector (then
    ``sequence_encoder`` is not read).
    """
    if sequence_shape is not None:
        if sequence_encoder not in SEQUENCE_ENCODERS:
            raise ValueError(f"sequence_encoder must be one of {sorted(SEQUENCE_ENCODERS)}, got {sequence_encoder!r}.")
        n_steps, n_features = sequence_shape
        return SEQUENCE_ENCODERS[sequence_encoder](n_steps, n_features, settings)
    if settings.numerical_embedding == "periodic":
        return EmbeddedGaussianEncoder(
            n_columns,
            settings.hidden,
            settings.n_latent,
            settings.dropout,
            n_dims=settings.embedding_dim,
            scale=settings.embedding_scale,
        )
    return GaussianEncoder(n_columns, settings.hidden, settings.n_latent, settings.dropout)
