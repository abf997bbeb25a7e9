"""The RedCore network (Sun et al., AAAI 2024, Section 3): what the rest of the package imports from it."""

from ._layers import mlp
from ._module import RedCoreLoss, RedCoreModule, RedCoreRegressionModule, redcore_objective
from ._sizes import NETWORK_SIZES, network_sizes

__all__ = [
    "NETWORK_SIZES",
    "RedCoreLoss",
    "RedCoreModule",
    "RedCoreRegressionModule",
    "mlp",
    "network_sizes",
    "redcore_objective",
]
