"""The RedCore network (Sun et al., AAAI 2024, Section 3): what the rest of the package imports from it."""

from ._layers import mlp
from ._loss import RedCoreLoss, redcore_objective
from ._module import RedCoreModule, RedCoreRegressionModule
from ._self_modal_encoders import SEQUENCE_ENCODERS
from ._sizes import NETWORK_SIZES, network_sizes

__all__ = [
    "NETWORK_SIZES",
    "SEQUENCE_ENCODERS",
    "RedCoreLoss",
    "RedCoreModule",
    "RedCoreRegressionModule",
    "mlp",
    "network_sizes",
    "redcore_objective",
]
