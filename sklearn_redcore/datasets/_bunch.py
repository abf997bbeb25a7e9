"""How the loaders of shipped tables return them: a Bunch, or ``(data, target)``, as arrays or pandas objects."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import Bunch

__all__ = ["table_bunch"]


def table_bunch(
    data: np.ndarray,
    target: np.ndarray,
    *,
    feature_names: list[str],
    target_column: str,
    return_X_y: bool,
    as_frame: bool,
    **fields: Any,
) -> Bunch | tuple[Any, Any]:
    """A loaded table in the form scikit-learn's loaders give.

    With ``as_frame``, ``data`` becomes a DataFrame with ``feature_names`` as
    columns, ``target`` a Series named ``target_column``, and the Bunch's
    ``frame`` both side by side. ``fields`` (``modalities``, ``DESCR``, ...)
    go into the Bunch as they are.
    """
    frame = None
    if as_frame:
        import pandas as pd

        data = pd.DataFrame(data, columns=feature_names)
        target = pd.Series(target, name=target_column)
        frame = data.assign(**{target_column: target})
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, feature_names=feature_names, frame=frame, **fields)
