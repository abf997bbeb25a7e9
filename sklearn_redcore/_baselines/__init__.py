"""The methods RedCore is compared with, as estimators on the same footing.

:class:`MMINClassifier`, :class:`CRAClassifier` and :class:`AMAEClassifier`
share :class:`~sklearn_redcore._base.BaseMultimodalClassifier` with
:class:`~sklearn_redcore.RedCoreClassifier`: the same modality
specification, validation, preprocessing, training loop, seeding and
scikit-learn behaviour.

* ``_base``: the training regimes and the parameters the three share;
* ``_imagination``: CRA and MMIN (CRA plus a backward cascade);
* ``_amae``: AMAE;
* ``_networks``: their torch modules.
"""

from ._amae import AMAEClassifier
from ._imagination import CRAClassifier, MMINClassifier

__all__ = ["AMAEClassifier", "CRAClassifier", "MMINClassifier"]
