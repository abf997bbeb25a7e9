"""What the comparison methods share: the training regime, the encoders and their parameters."""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from .._base import BaseMultimodalClassifier
from .._docstring import COMMON_ATTRIBUTES, TRAINING_PARAMETERS, Substitution
from .._inputs import ModalityInputs
from .._masking import missing_rates_of
from .._parameters import WIDTHS, check_widths, positive_int

__all__ = ["BaselineClassifier", "fill_baseline_doc"]

BASELINE_PARAMETERS = """\
    modalities : dict, list or None, default=None
        Which columns form which modality, as for
        :class:`~sklearn_redcore.RedCoreClassifier`.
    training : {"complete", "all"}, default="complete"
        "complete": perfect data training (PDT), the regime of the method's
        paper: only the samples that have every modality are used, and each
        mini-batch shows the network a random non-empty subset of their
        modalities, the hidden ones serving as targets. "all": imperfect data
        training (IDT), as RedCore does: every sample is used, random subsets
        are drawn from the modalities it has, and only those supervise the
        stand-ins.
    missing_rates : float, array-like of shape (n_modalities,), dict or None, default=None
        How the hidden modalities are drawn in training. None: every
        non-empty subset of a sample's modalities equally often. Rates in
        [0, 1), given as :func:`~sklearn_redcore.mask_modalities` takes them
        (one for all modalities, one per modality in the order of
        ``modalities``, or a dict by modality name): each modality is hidden
        with its rate, at least one staying visible. The paper's comparison trains the competitors on
        complete data with the missing conditions simulated at the rates of
        the setting: ``training="complete", missing_rates=rates`` on complete
        data (``redcore benchmark``'s "-PDT" models).
    hiding : {"per_batch", "per_fit"}, default="per_batch"
        When the hidden modalities are drawn. "per_batch": anew in every
        mini-batch, so that each modality of a training row is an input in
        some batches and a target in others. "per_fit": once per fit for
        each training row, which then keeps the same hidden modalities in
        every epoch (a fixed mask). The paper's wording allows both; the
        benchmarks use "per_batch".
    n_latent : int, default=64
        Dimension d of each modality's embedding.
    encoder_hidden : tuple of int, default=(128,)
        Hidden widths of each modality's encoder (an MLP). A sequence modality
        (:class:`~sklearn_redcore.SequenceModality`) is encoded flattened,
        its padding steps as zeros: the transformer encoders of
        :class:`~sklearn_redcore.RedCoreClassifier` are not used here.
    classifier_hidden : int, default=128
        Hidden width of the classifier.
    dropout : float, default=0.1
        Dropout rate."""

#: The substitution of the shared texts into a comparison method's docstring.
fill_baseline_doc = Substitution(
    baseline_parameters=BASELINE_PARAMETERS,
    training_parameters=TRAINING_PARAMETERS,
    common_attributes=COMMON_ATTRIBUTES,
)


class BaselineClassifier(BaseMultimodalClassifier):
    """What the three comparison methods share: the training regime and the encoders."""

    _parameter_constraints: dict = {
        **BaseMultimodalClassifier._parameter_constraints,
        "training": [StrOptions({"complete", "all"})],
        "missing_rates": [Interval(Real, 0, 1, closed="left"), "array-like", dict, None],
        "hiding": [StrOptions({"per_batch", "per_fit"})],
        "n_latent": positive_int(),
        "encoder_hidden": [*WIDTHS, None],
        "classifier_hidden": positive_int(),
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def _check_params(self) -> None:
        check_widths(self.encoder_hidden, "encoder_hidden")

    def _training_rows(self, present: np.ndarray) -> np.ndarray:
        if self.training == "all":
            return np.ones(len(present), dtype=bool)
        complete = present.all(axis=1)
        if complete.sum() < 2:
            raise ValueError(
                f"training='complete' (perfect data training) learns from the samples that have every modality, "
                f"and only {int(complete.sum())} of {len(present)} do; use training='all' to learn from every "
                "sample."
            )
        return complete

    def _check_model_params(self, inputs: ModalityInputs) -> None:
        self._hide_rates(list(inputs.modalities))

    def _hide_rates(self, names: list[str]) -> list[float] | None:
        """``missing_rates`` as one rate per modality, read as ``mask_modalities`` reads them (None: uniform)."""
        return None if self.missing_rates is None else missing_rates_of(self.missing_rates, names).tolist()

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        return dict(
            hide_rates=self._hide_rates(list(self.inputs_.modalities)),
            hide_once=self.hiding == "per_fit",
            modality_sizes=modality_sizes,
            n_classes=n_classes,
            n_latent=self.n_latent,
            encoder_hidden=check_widths(self.encoder_hidden, "encoder_hidden"),
            classifier_hidden=self.classifier_hidden,
            dropout=self.dropout,
        )
