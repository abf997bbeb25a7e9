"""The named sizes of the RedCore network (``network_size``) and how explicit sizes go on top of them."""

from __future__ import annotations

from typing import Any

from .._parameters import check_widths

__all__ = ["NETWORK_SIZES", "network_sizes"]


#: The sizes that ``RedCoreClassifier(network_size=...)`` names (docs/speed.md, "Cost of a fit").
NETWORK_SIZES = {
    "compact": dict(
        n_latent=32, encoder_hidden=(64,), xenc_hidden=64, xenc_widths=(32, 16), xenc_blocks=1, classifier_hidden=(64,)
    ),
    "wide": dict(
        n_latent=64,
        encoder_hidden=(128,),
        xenc_hidden=128,
        xenc_widths=(64, 32),
        xenc_blocks=2,
        classifier_hidden=(128,),
    ),
}


def network_sizes(
    network_size: str,
    sequence_shapes: list[tuple[int, int] | None],
    sequence_encoders: list[str],
    explicit: dict[str, Any],
) -> dict[str, Any]:
    """The size arguments of the network: a named size, with the explicit values (not None) on top.

    The arguments ``n_latent``, ``encoder_hidden``, ``xenc_hidden``,
    ``xenc_widths``, ``xenc_blocks`` and ``classifier_hidden`` of
    :class:`~sklearn_redcore._network._module.RedCoreModule`. "auto" is "wide"
    when a sequence modality has a transformer encoder and "compact" otherwise.
    """
    if network_size == "auto":
        transformer = any(
            shape is not None and kind == "transformer" for shape, kind in zip(sequence_shapes, sequence_encoders)
        )
        network_size = "wide" if transformer else "compact"
    sizes = NETWORK_SIZES[network_size] | {name: value for name, value in explicit.items() if value is not None}
    for name in ("n_latent", "xenc_hidden", "xenc_blocks"):
        sizes[name] = int(sizes[name])  # numpy ints (a grid from np.arange) would reach torch as such
    sizes["encoder_hidden"] = check_widths(sizes["encoder_hidden"], "encoder_hidden")
    sizes["classifier_hidden"] = check_widths(sizes["classifier_hidden"], "classifier_hidden")
    sizes["xenc_widths"] = check_widths(sizes["xenc_widths"], "xenc_widths", allow_empty=False)
    return sizes
