"""From the columns of X to the network's inputs: one fitted object, :class:`ModalityInputs`.

The estimators hand X to a :class:`ModalityInputs` and receive
:class:`NetworkInputs`: the transformed float32 columns ordered modality by
modality (NaN set to 0: the training mean, or the centre of the robust and
quantile maps), the presence matrix C of the paper, and, for sequence
modalities, which steps hold data. The object holds everything that maps
one to the other (which columns form which modality, the sequence layout,
the per-column statistics of the chosen ``feature_transform``), so that the
estimators, the persistence of fitted models and the benchmarks share one
definition of it.

A fit runs in four steps, each a pass over X in blocks of rows::

    inputs = ModalityInputs.from_spec(spec, X.shape[1], feature_names)
    present = inputs.presence(X)               # which rows have which modality
    inputs.fit(X[rows], random_state=seed)     # statistics over the training rows
    batch = inputs.transform(X[rows], present=present[rows])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .._runtime import seed_from
from ._modalities import ModalitySpec, modality_presence, resolve_modalities
from ._statistics import (
    column_stats,
    quantile_columns,
    quantile_stats,
    robust_block,
    robust_stats,
    row_blocks,
    standardize_block,
    usable_statistics,
)
from ._transforms import choose_robust

__all__ = ["FEATURE_TRANSFORMS", "MAX_QUANTILE_VALUES", "N_QUANTILES", "ModalityInputs", "NetworkInputs", "step_slices"]

#: The values of ``feature_transform``.
FEATURE_TRANSFORMS = ("standard", "center", "robust", "quantile", "auto")
#: Most knots of the quantile map of a feature.
N_QUANTILES = 1000
#: Most observed values of a feature that its quantile map is computed from (a random subsample beyond).
MAX_QUANTILE_VALUES = 100_000


def step_slices(shapes: list[tuple[int, int] | None]) -> list[tuple[int, int] | None]:
    """Where the steps of each sequence modality sit among the columns of ``observed_steps``.

    ``shapes`` gives ``(T, d)`` per modality (None for a vector); the result
    gives ``(start, stop)`` per sequence modality and None per vector.
    """
    slices, offset = [], 0
    for shape in shapes:
        slices.append((offset, offset + shape[0]) if shape is not None else None)
        offset += shape[0] if shape is not None else 0
    return slices


@dataclass
class NetworkInputs:
    """The network's view of some rows of X (NumPy arrays, one row per sample).

    Attributes
    ----------
    x : float32 ndarray of shape (n_samples, n_columns)
        Transformed columns, modality after modality; missing values are 0.
    present : bool ndarray of shape (n_samples, n_modalities)
        The presence matrix C.
    observed_steps : bool ndarray of shape (n_samples, sum of T) or None
        Which steps of the sequence modalities hold data; None without
        sequence modalities.
    """

    x: np.ndarray
    present: np.ndarray
    observed_steps: np.ndarray | None = None

    def take(self, rows: Any) -> NetworkInputs:
        """The inputs of some of the rows."""
        steps = None if self.observed_steps is None else self.observed_steps[rows]
        return NetworkInputs(self.x[rows], self.present[rows], steps)

    def to_tensors(self, device: str | torch.device, *, with_steps: bool = True) -> dict[str, torch.Tensor]:
        """Keyword arguments of the networks' forward (``observed_steps`` only if asked and present)."""
        tensors = {"x": torch.as_tensor(self.x, device=device), "present": torch.as_tensor(self.present, device=device)}
        if with_steps and self.observed_steps is not None:
            tensors["observed_steps"] = torch.as_tensor(self.observed_steps, device=device)
        return tensors


class ModalityInputs:
    """The layout of the modalities in X and the fitted per-feature transform of its columns.

    Every column ``x`` becomes ``g((x - mean_) / scale_)``, and a missing
    value 0, with ``g`` the identity, the smooth clipping or the quantile map
    of :mod:`~sklearn_redcore._inputs._transforms` ("auto": the smooth
    clipping for the columns of ``robust_columns_``, the identity for the others).

    Parameters
    ----------
    modalities : dict of str to ndarray of int
        Resolved modalities: the columns of X of each, in the network's order.
    shapes : dict of str to tuple or None
        ``(T, d)`` of each sequence modality, None for a vector modality.
    feature_transform : {"standard", "center", "robust", "quantile", "auto"}, default="standard"
        "standard": centre on the mean of the observed values and scale by
        their standard deviation; "center": centre only; "robust": centre on
        the median, scale by the interquartile range and clip smoothly to
        +-3; "quantile": map the values through their quantiles to a
        standard normal; "auto": "robust" for the columns whose standard
        deviation exceeds their robust spread, "standard" for the others
        (:func:`~sklearn_redcore._inputs._transforms.choose_robust`). A
        sequence modality is transformed per feature over all its observed steps.

    Attributes
    ----------
    column_order : ndarray of int
        Columns of X in the network's order (modality after modality).
    sizes : list of int
        Number of columns of each modality.
    mean_, scale_ : ndarray of shape (n_features,)
        Centre and scale of every column of X, set by :meth:`fit` (mean and
        standard deviation; mean and 1; median and robust spread; 0 and 1
        for "quantile", whose map reads the values themselves; per column
        one of the first and third for "auto").
    robust_columns_ : bool ndarray of shape (n_features,) or None
        The columns scaled robustly ("auto" only).
    quantiles_ : ndarray of shape (n_features, n_quantiles) or None
        The knots of each column's quantile map ("quantile" only).
    quantile_counts_ : ndarray of int of shape (n_features,) or None
        Number of training values behind each column's knots ("quantile" only).
    """

    def __init__(
        self,
        modalities: dict[str, np.ndarray],
        shapes: dict[str, tuple[int, int] | None],
        *,
        feature_transform: str = "standard",
    ) -> None:
        if feature_transform not in FEATURE_TRANSFORMS:
            raise ValueError(f"feature_transform must be one of {FEATURE_TRANSFORMS}, got {feature_transform!r}.")
        self.modalities = modalities
        self.shapes = {name: shapes.get(name) for name in modalities}
        self.feature_transform = feature_transform
        self.column_order = np.concatenate(list(modalities.values()))
        self.sizes = [len(cols) for cols in modalities.values()]
        self.quantiles_: np.ndarray | None = None
        self.quantile_counts_: np.ndarray | None = None
        self.robust_columns_: np.ndarray | None = None

    @classmethod
    def from_spec(
        cls,
        spec: ModalitySpec,
        n_features: int,
        feature_names: np.ndarray | None = None,
        *,
        feature_transform: str = "standard",
    ) -> ModalityInputs:
        """Resolve a modality specification against X's columns (see :func:`resolve_modalities`)."""
        # the warning about unused columns points at the user's call of an estimator's fit
        # (through from_spec, BaseMultimodalEstimator.fit and the task's fit)
        modalities, shapes = resolve_modalities(spec, n_features, feature_names, return_shapes=True, stacklevel=5)
        return cls(modalities, shapes, feature_transform=feature_transform)

    # ----------------------------------------------------------------- layout
    @property
    def sequence_shapes(self) -> list[tuple[int, int] | None]:
        """``(T, d)`` or None per modality, in the network's order."""
        return [self.shapes[name] for name in self.modalities]

    def _sequence_layout(self) -> list[tuple[int, int, int]]:
        """(first column in the network's order, T, d) of each sequence modality."""
        bounds = np.cumsum([0, *self.sizes])
        return [(int(first), *shape) for first, shape in zip(bounds, self.sequence_shapes) if shape is not None]

    # -------------------------------------------------------------------- fit
    def presence(self, X: np.ndarray) -> np.ndarray:
        """The presence matrix C of X's rows (see :func:`modality_presence`)."""
        return modality_presence(X, self.modalities)

    def _column_groups(self, n_features: int) -> list[tuple[np.ndarray | None, int]]:
        """(columns, T) of the groups fitted together: every column outside the sequences (T = 1), then each
        sequence modality (T of it; its features pooled over the steps). None: all of X's columns."""
        sequences = [
            (cols, shape[0]) for cols, shape in zip(self.modalities.values(), self.sequence_shapes) if shape is not None
        ]
        if not sequences:
            return [(None, 1)]
        others = np.setdiff1d(np.arange(n_features), np.concatenate([cols for cols, _ in sequences]))
        return ([(others, 1)] if len(others) else []) + sequences

    def fit(self, X: np.ndarray, *, random_state: Any = None) -> ModalityInputs:
        """Fit the transform of each column of X on its observed values (per feature over the steps of a sequence).

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            The training rows, NaN marking missing values.
        random_state : int, RandomState instance or None, default=None
            Seeds the subsample of the quantile map, drawn only for a feature
            with more than :data:`MAX_QUANTILE_VALUES` observed values.

        Returns
        -------
        self : ModalityInputs
        """
        n_features = X.shape[1]
        groups = self._column_groups(n_features)
        mean, scale = np.zeros(n_features), np.ones(n_features)
        quantiles = counts = robust_columns = None
        if self.feature_transform == "auto":
            robust_columns = np.zeros(n_features, dtype=bool)
        if self.feature_transform == "quantile":
            most_values = len(X) * max(T for _, T in groups)  # a feature has at most this many values
            n_quantiles = int(np.clip(most_values, 2, N_QUANTILES))
            rng = np.random.default_rng(seed_from(random_state)) if most_values > MAX_QUANTILE_VALUES else None
            quantiles, counts = np.zeros((n_features, n_quantiles)), np.zeros(n_features, dtype=np.int64)
        for cols, T in groups:
            where = slice(None) if cols is None else cols
            if self.feature_transform in ("standard", "center"):
                centre, spread = usable_statistics(*column_stats(X, cols, n_steps=T))
            elif self.feature_transform == "robust":
                centre, spread = usable_statistics(*robust_stats(X, cols, n_steps=T))
            elif self.feature_transform == "auto":
                (average, std), (median, iqr) = column_stats(X, cols, n_steps=T), robust_stats(X, cols, n_steps=T)
                robust = choose_robust(std, iqr)
                centre, spread = usable_statistics(np.where(robust, median, average), np.where(robust, iqr, std))
                robust_columns[where] = np.tile(robust, T)
            else:
                knots, n_values = quantile_stats(
                    X, cols, n_steps=T, n_quantiles=n_quantiles, max_values=MAX_QUANTILE_VALUES, rng=rng
                )
                quantiles[where], counts[where] = np.tile(knots, (T, 1)), np.tile(n_values, T)
                continue
            mean[where], scale[where] = np.tile(centre, T), np.tile(spread, T)
        if self.feature_transform == "center":
            scale = np.ones_like(scale)
        self.mean_, self.scale_ = mean, scale
        self.quantiles_, self.quantile_counts_ = quantiles, counts
        self.robust_columns_ = robust_columns
        return self

    # -------------------------------------------------------------- transform
    def transform(self, X: np.ndarray, *, present: np.ndarray | None = None) -> NetworkInputs:
        """The network's inputs for the rows of X.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Data with NaN marking missing values (float32 or float64).
        present : bool ndarray of shape (n_samples, n_modalities), optional
            The presence matrix of these rows when the caller has it already
            (it is not computed again).

        Returns
        -------
        NetworkInputs
        """
        order = self.column_order
        mean, scale = self.mean_[order], self.scale_[order]
        bounds = np.cumsum([0, *self.sizes])
        layout = self._sequence_layout()
        Z = np.empty((len(X), len(order)), dtype=np.float32)
        known = present is not None
        if not known:
            present = np.empty((len(X), len(self.sizes)), dtype=bool)
        steps = np.empty((len(X), sum(T for _, T, _ in layout)), dtype=bool) if layout else None
        transform = self.feature_transform
        if transform == "auto":  # all one way: the other's code path, the same values
            robust = self.robust_columns_[order]
            transform = "robust" if robust.all() else "standard" if not robust.any() else "auto"
        leftmost = int(order[0]) if len(order) else 0
        # Modalities side by side in X (the usual layout): a view instead of a gather of the columns.
        span = slice(leftmost, leftmost + len(order))
        side_by_side = np.array_equal(order, np.arange(span.start, span.stop))
        for rows in row_blocks(len(X), len(order)):
            block = X[rows, span] if side_by_side else X[rows][:, order]
            isnan = np.isnan(block)
            if not known:
                for m in range(len(self.sizes)):
                    present[rows, m] = ~isnan[:, bounds[m] : bounds[m + 1]].all(axis=1)
            offset = 0
            for first, T, d in layout:
                steps[rows, offset : offset + T] = ~isnan[:, first : first + T * d].reshape(-1, T, d).all(axis=2)
                offset += T
            if transform == "robust":
                robust_block(block, mean, scale, out=Z[rows], missing=isnan)
            elif transform == "auto":
                Z[rows] = _mixed_block(block, mean, scale, robust, missing=isnan, first_row=rows.start, columns=order)
            elif transform != "quantile":  # (the quantile map is written column by column below)
                standardize_block(block, mean, scale, out=Z[rows], missing=isnan, first_row=rows.start, columns=order)
        if self.feature_transform == "quantile":
            quantile_columns(X, order, self.quantiles_[order], self.quantile_counts_[order], out=Z)
        return NetworkInputs(Z, present, steps)

    # ---------------------------------------------------------- persistence
    def get_state(self) -> dict[str, Any]:
        """Everything that defines the fitted object, as plain values (see :meth:`from_state`)."""
        return {
            "modalities": dict(self.modalities),
            "shapes": dict(self.shapes),
            "feature_transform": self.feature_transform,
            "mean": self.mean_,
            "scale": self.scale_,
            "quantiles": self.quantiles_,
            "quantile_counts": self.quantile_counts_,
            "robust_columns": self.robust_columns_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ModalityInputs:
        """Rebuild a fitted object from :meth:`get_state`'s values."""
        transform = str(state["feature_transform"])
        inputs = cls(
            {str(k): np.asarray(v, dtype=np.int64) for k, v in state["modalities"].items()},
            {str(k): (tuple(v) if v is not None else None) for k, v in state["shapes"].items()},
            feature_transform=transform,
        )
        inputs.mean_ = np.asarray(state["mean"], dtype=float)
        inputs.scale_ = np.asarray(state["scale"], dtype=float)
        mismatch = inputs.mean_.shape != inputs.scale_.shape or inputs.column_order.max(initial=-1) >= len(inputs.mean_)
        if transform == "quantile":
            quantiles, counts = state.get("quantiles"), state.get("quantile_counts")
            mismatch |= quantiles is None or counts is None
            if not mismatch:
                inputs.quantiles_ = np.asarray(quantiles, dtype=float)
                inputs.quantile_counts_ = np.asarray(counts, dtype=np.int64)
                mismatch = (
                    inputs.quantiles_.ndim != 2
                    or len(inputs.quantiles_) != len(inputs.mean_)
                    or inputs.quantiles_.shape[1] < 2
                    or inputs.quantile_counts_.shape != inputs.mean_.shape
                )
        if transform == "auto":
            robust_columns = state.get("robust_columns")
            mismatch |= robust_columns is None
            if not mismatch:
                inputs.robust_columns_ = np.asarray(robust_columns, dtype=bool)
                mismatch = inputs.robust_columns_.shape != inputs.mean_.shape
        if mismatch:
            raise ValueError("the saved input statistics do not match the saved modalities")
        return inputs


def _mixed_block(
    block: np.ndarray,
    mean: np.ndarray,
    scale: np.ndarray,
    robust: np.ndarray,
    *,
    missing: np.ndarray,
    first_row: int,
    columns: np.ndarray,
) -> np.ndarray:
    """The float32 inputs of a block of rows under "auto": :func:`robust_block` for the ``robust``
    columns, :func:`standardize_block` (and its check of the float32 range) for the others."""
    out = np.empty(block.shape, dtype=np.float32)
    for chosen, write in ((robust, robust_block), (~robust, standardize_block)):
        extra = {} if write is robust_block else {"first_row": first_row, "columns": columns[chosen]}
        part = np.empty((len(block), int(chosen.sum())), dtype=np.float32)
        write(block[:, chosen], mean[chosen], scale[chosen], out=part, missing=missing[:, chosen], **extra)
        out[:, chosen] = part
    return out
