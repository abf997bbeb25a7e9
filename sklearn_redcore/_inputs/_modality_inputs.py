"""From the columns of X to the network's inputs: one fitted object, :class:`ModalityInputs`.

The estimators hand X to a :class:`ModalityInputs` and receive
:class:`NetworkInputs`: the standardised float32 columns ordered modality by
modality (NaN set to 0, the training mean), the presence matrix C of the
paper, and, for sequence modalities, which steps hold data. The object
holds everything that maps one to the other (which columns form which
modality, the sequence layout, the per-column statistics), so that the
estimators, the persistence of fitted models and the benchmarks share one
definition of it.

A fit runs in four steps, each a pass over X in blocks of rows::

    inputs = ModalityInputs.from_spec(spec, X.shape[1], feature_names)
    present = inputs.presence(X)               # which rows have which modality
    inputs.fit(X[rows])                        # statistics over the training rows
    batch = inputs.transform(X[rows], present=present[rows])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ._modalities import ModalitySpec, modality_presence, resolve_modalities
from ._statistics import column_stats, row_blocks, standardize_block, usable_statistics

__all__ = ["ModalityInputs", "NetworkInputs", "step_slices"]


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
        Standardised columns, modality after modality; missing values are 0.
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
    """The layout of the modalities in X and the statistics that standardise them.

    Parameters
    ----------
    modalities : dict of str to ndarray of int
        Resolved modalities: the columns of X of each, in the network's order.
    shapes : dict of str to tuple or None
        ``(T, d)`` of each sequence modality, None for a vector modality.
    standardize : bool, default=True
        Scale every column by the standard deviation of its observed values
        (centring is always done). A sequence modality is centred and scaled
        per feature over all its observed steps.

    Attributes
    ----------
    column_order : ndarray of int
        Columns of X in the network's order (modality after modality).
    sizes : list of int
        Number of columns of each modality.
    mean_, scale_ : ndarray of shape (n_features,)
        Centre and scale of every column of X, set by :meth:`fit`.
    """

    def __init__(
        self, modalities: dict[str, np.ndarray], shapes: dict[str, tuple[int, int] | None], *, standardize: bool = True
    ) -> None:
        self.modalities = modalities
        self.shapes = {name: shapes.get(name) for name in modalities}
        self.standardize = bool(standardize)
        self.column_order = np.concatenate(list(modalities.values()))
        self.sizes = [len(cols) for cols in modalities.values()]

    @classmethod
    def from_spec(
        cls, spec: ModalitySpec, n_features: int, feature_names: np.ndarray | None = None, *, standardize: bool = True
    ) -> ModalityInputs:
        """Resolve a modality specification against X's columns (see :func:`resolve_modalities`)."""
        modalities, shapes = resolve_modalities(spec, n_features, feature_names, return_shapes=True)
        return cls(modalities, shapes, standardize=standardize)

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

    def fit(self, X: np.ndarray) -> ModalityInputs:
        """Mean and scale of each column of X (per feature over the observed steps for a sequence)."""
        sequences = [
            (cols, shape) for cols, shape in zip(self.modalities.values(), self.sequence_shapes) if shape is not None
        ]
        if sequences:
            mean, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
            others = np.setdiff1d(np.arange(X.shape[1]), np.concatenate([cols for cols, _ in sequences]))
            if len(others):
                mean[others], scale[others] = usable_statistics(*column_stats(X, others))
            for cols, (T, _) in sequences:
                feature_mean, feature_scale = usable_statistics(*column_stats(X, cols, n_steps=T))
                mean[cols], scale[cols] = np.tile(feature_mean, T), np.tile(feature_scale, T)
        else:
            mean, scale = usable_statistics(*column_stats(X))
        if not self.standardize:
            scale = np.ones_like(scale)
        self.mean_, self.scale_ = mean, scale
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
            standardize_block(block, mean, scale, out=Z[rows], missing=isnan, first_row=rows.start, columns=order)
        return NetworkInputs(Z, present, steps)

    # ---------------------------------------------------------- persistence
    def get_state(self) -> dict[str, Any]:
        """Everything that defines the fitted object, as plain values (see :meth:`from_state`)."""
        return {
            "modalities": dict(self.modalities),
            "shapes": dict(self.shapes),
            "standardize": self.standardize,
            "mean": self.mean_,
            "scale": self.scale_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ModalityInputs:
        """Rebuild a fitted object from :meth:`get_state`'s values."""
        inputs = cls(
            {str(k): np.asarray(v, dtype=np.int64) for k, v in state["modalities"].items()},
            {str(k): (tuple(v) if v is not None else None) for k, v in state["shapes"].items()},
            standardize=state["standardize"],
        )
        inputs.mean_ = np.asarray(state["mean"], dtype=float)
        inputs.scale_ = np.asarray(state["scale"], dtype=float)
        if inputs.mean_.shape != inputs.scale_.shape or inputs.column_order.max(initial=-1) >= len(inputs.mean_):
            raise ValueError("the saved input statistics do not match the saved modalities")
        return inputs
