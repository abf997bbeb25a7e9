"""The forward pass of prediction: the network in eval mode over blocks of rows of X.

:class:`BlockPrediction` is a mixin of every estimator of the package
(:class:`~sklearn_redcore._base.BaseMultimodalEstimator`): the task mixins
(``_tasks.py``) turn its outputs into labels, probabilities or values, and
the acquisition gains read the same blocks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted, validate_data

from ._runtime import torch_threads

__all__ = ["PREDICT_BATCH_ROWS", "BlockPrediction"]

#: Rows of X per forward pass at prediction (bounds the memory of the network's activations).
PREDICT_BATCH_ROWS = 4096


class BlockPrediction:
    """The forward pass of a fitted estimator of the package, ``PREDICT_BATCH_ROWS`` rows at a time."""

    def _forward_in_blocks(self, X: np.ndarray):
        """``(inputs, outputs)`` of the network in eval mode for validated X, ``PREDICT_BATCH_ROWS`` rows at a time."""
        module, device = self.net_.module_, self.net_.device
        if any(part.training for part in module.modules()):  # reading the flags costs less than eval()
            module.eval()
        with_steps = getattr(self._module_class, "reads_observed_steps", False)
        for start in range(0, len(X), PREDICT_BATCH_ROWS):
            data = self.inputs_.transform(X[start : start + PREDICT_BATCH_ROWS])
            yield data, module(**data.to_tensors(device, with_steps=with_steps))

    def _predict_outputs(self, X: Any) -> np.ndarray:
        """The predictions of the joint head for the rows of X (``_finish_outputs``'s form), in blocks of rows.

        The network sees which modalities each sample has and predicts from
        those; rows with every modality missing get ``_fallback_prediction()``.
        """
        check_is_fitted(self)
        with np.errstate(over="ignore", invalid="ignore"):  # as in fit
            X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=[np.float64, np.float32], reset=False)
        chunks, presence = [], []
        with torch.inference_mode(), torch_threads(self.n_threads):
            for data, out in self._forward_in_blocks(X):
                chunks.append(self._finish_outputs(out.logits).cpu().numpy())
                presence.append(data.present)
        fallback = self._fallback_prediction()
        predictions = np.concatenate(chunks) if chunks else np.empty((0, len(fallback)))
        if presence:
            predictions[~np.concatenate(presence).any(axis=1)] = fallback
        not_finite = ~np.isfinite(predictions).all(axis=1)
        if not_finite.any():
            raise ValueError(
                f"{int(not_finite.sum())} sample(s) of X (the first: row {np.argmax(not_finite)}) hold "
                "values so far from the training data that the network's output is not finite; "
                "check X for extreme values."
            )
        return predictions
