"""What RedCoreClassifier and RedCoreRegressor share: RedCore's parameters, network and Algorithm 1.

:class:`RedCoreEstimatorMixin` declares the parameters RedCore adds to the
training loop's, builds the network's arguments
(``_network/``), Algorithm 1's regulator (``_regulation.py``)
and the skorch net that runs it (``_redcore_training.py``), and copies
Algorithm 1's records into fitted attributes. The estimator classes only
declare their parameters and documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any, TypeVar

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._callbacks import WeightAveraging, linear_decay_scheduler
from ._docstring import Substitution
from ._inputs import ModalityInputs, ModalitySpec
from ._network import NETWORK_SIZES, SEQUENCE_ENCODERS, RedCoreModule, network_sizes
from ._parameters import WIDTHS, check_widths, positive_int
from ._presets import preset_params, presets_table
from ._redcore_training import RedCoreNet, RegulationHistory
from ._regulation import ADVANTAGE_REFERENCES, SupervisionRegulator

__all__ = ["RedCoreEstimatorMixin"]

_Estimator = TypeVar("_Estimator", bound="RedCoreEstimatorMixin")


class RedCoreEstimatorMixin:
    """What RedCoreClassifier and RedCoreRegressor share: RedCore's parameters, network and Algorithm 1.

    A mixin placed before the base class of the task (``BaseMultimodalClassifier``
    or ``BaseMultimodalRegressor``); the estimator classes only declare their
    parameters.
    """

    _net_class = RedCoreNet
    _module_class = RedCoreModule
    #: The parameters RedCore adds to the training loop's.
    _redcore_constraints: dict = {
        "xi1": [Interval(Real, 0, None, closed="neither")],
        "xi2": [Interval(Real, 0, None, closed="neither")],
        "beta": [Interval(Real, 0, 1, closed="right")],
        "p": [Interval(Real, 1, None, closed="left")],
        "regulate": ["boolean"],
        "advantage_reference": [StrOptions(set(ADVANTAGE_REFERENCES))],
        "eta_scope": [StrOptions({"imputation", "imputation+unimodal"})],
        "unimodal_heads": ["boolean"],
        "K": positive_int(),
        "alpha1": [Interval(Real, 0, None, closed="left")],
        "kl_weight": [Interval(Real, 0, None, closed="left")],
        "imputation_weight": [Interval(Real, 0, None, closed="left")],
        "modality_dropout": [Interval(Real, 0, 1, closed="left")],
        "stop_target_gradient": ["boolean"],
        "network_size": [StrOptions(set(NETWORK_SIZES) | {"auto"})],
        "n_latent": [*positive_int(), None],
        "encoder_hidden": [*WIDTHS, None],
        "sequence_encoder": [StrOptions(set(SEQUENCE_ENCODERS)), Mapping],
        "transformer_width": positive_int(),
        "transformer_layers": positive_int(),
        "transformer_heads": positive_int(),
        "conv_channels": positive_int(),
        "conv_blocks": positive_int(),
        "conv_kernel_size": positive_int(),
        "rocket_features": [Interval(Integral, 252, None, closed="left")],
        "xenc_hidden": [*positive_int(), None],
        "xenc_widths": [*WIDTHS, None],
        "xenc_blocks": [*positive_int(), None],
        "classifier_hidden": [*WIDTHS, None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "classifier_dropout": [Interval(Real, 0, 1, closed="left"), None],
        "lr_schedule": [StrOptions({"constant", "linear"})],
        "weight_averaging": [Interval(Real, 0, 1, closed="left"), None],
        "numerical_embedding": [StrOptions({"periodic"}), None],
        "embedding_dim": positive_int(),
        "embedding_scale": [Interval(Real, 0, None, closed="neither")],
    }

    @classmethod
    @Substitution(presets_table=presets_table())
    def from_preset(cls: type[_Estimator], preset: str, modalities: ModalitySpec = None, **params: Any) -> _Estimator:
        """RedCore with every setting of the paper, or of the authors' code, in one call.

        Parameters
        ----------
        preset : {"paper", "authors_code"}
            "paper": the implementation section of the paper, with eq. (3)
            and the total loss weighted as written (gamma = 0.008 on the
            log-likelihood, so after dividing by gamma the KL and the
            imputation losses weigh 125 times the cross-entropy), the
            paper's network and optimiser, the paper's recipe (no
            ``modality_dropout``, the imputation gradient on both sides) and
            a fixed number of epochs. "authors_code": the public code's
            choices where it departs from the text (loss weights, linear
            learning-rate decay, two-layer heads with dropout 0.5, residual
            blocks narrowing to 64).
        modalities : dict, list or None, default=None
            As for :class:`RedCoreClassifier`.
        **params
            Further parameters of the estimator; they override the preset's.

        Returns
        -------
        estimator : RedCoreClassifier or RedCoreRegressor
            An unfitted estimator of the class the method is called on, whose
            parameters (``get_params()``) show every value in force.

        Notes
        -----
        The parameters each preset sets ("(default)": the estimator's own):

        %(presets_table)s

        The user guide's method page gives the source of every value, the
        differences from the paper and the authors' code that no parameter
        reproduces, and the measured accuracy of both presets.

        Examples
        --------
        >>> from sklearn_redcore import RedCoreClassifier
        >>> clf = RedCoreClassifier.from_preset("paper", [[0, 1], [2, 3]], max_epochs=5)
        >>> clf.kl_weight, clf.lr, clf.max_epochs
        (125.0, 0.0002, 5)
        """
        return cls(modalities, **(preset_params(preset) | params))

    def _check_params(self) -> None:
        if self.transformer_width % self.transformer_heads:
            raise ValueError(
                f"transformer_width ({self.transformer_width}) must be a multiple of transformer_heads "
                f"({self.transformer_heads}): each head attends over width / heads features."
            )
        if isinstance(self.sequence_encoder, Mapping):
            bad = [kind for kind in self.sequence_encoder.values() if kind not in SEQUENCE_ENCODERS]
            if bad:
                raise ValueError(
                    f"sequence_encoder must be one of {sorted(SEQUENCE_ENCODERS)}, or a dict of modality "
                    f"names to these; got {bad[0]!r}."
                )
        for name, allow_empty in (("encoder_hidden", True), ("xenc_widths", False), ("classifier_hidden", True)):
            if getattr(self, name) is not None:
                check_widths(getattr(self, name), name, allow_empty=allow_empty)

    def _check_model_params(self, inputs: ModalityInputs) -> None:
        if isinstance(self.sequence_encoder, Mapping):
            for name in self.sequence_encoder:
                if str(name) not in inputs.modalities:
                    raise ValueError(
                        f"sequence_encoder names the modality {name!r}, which is not one of {list(inputs.modalities)}."
                    )
                if inputs.shapes[str(name)] is None:
                    raise ValueError(
                        f"sequence_encoder names the modality {name!r}, which is a vector, not a "
                        "sequence: declare it with SequenceModality(columns, n_steps)."
                    )

    def _sequence_encoders(self) -> list[str]:
        choice = self.sequence_encoder
        if isinstance(choice, Mapping):
            choice = {str(name): kind for name, kind in choice.items()}
            return [choice.get(name, "rocket") for name in self.modalities_]
        return [choice] * len(self.modalities_)

    def _fit_architecture(self) -> None:
        """The sizes of the network: ``network_size``'s, with the explicit size parameters on top."""
        explicit = {name: getattr(self, name) for name in NETWORK_SIZES["compact"]}
        shapes, encoders = self.inputs_.sequence_shapes, self._sequence_encoders()
        self.network_sizes_ = network_sizes(self.network_size, shapes, encoders, explicit)

    def _module_params(self, modality_sizes: list[int], n_outputs: int) -> dict[str, Any]:
        return dict(
            modality_sizes=modality_sizes,
            n_classes=n_outputs,
            **self.network_sizes_,
            dropout=self.dropout,
            classifier_dropout=self.classifier_dropout,
            unimodal_heads=self.unimodal_heads,
            modality_dropout=self.modality_dropout,
            sequence_shapes=self.inputs_.sequence_shapes,
            sequence_encoders=self._sequence_encoders(),
            transformer_width=self.transformer_width,
            transformer_layers=self.transformer_layers,
            transformer_heads=self.transformer_heads,
            conv_channels=self.conv_channels,
            conv_blocks=self.conv_blocks,
            conv_kernel_size=self.conv_kernel_size,
            rocket_features=self.rocket_features,
            kl_weight=self.kl_weight,
            detach_target=self.stop_target_gradient,
            numerical_embedding=self.numerical_embedding,
            embedding_dim=self.embedding_dim,
            embedding_scale=self.embedding_scale,
        )

    def _net_params(self, n_modalities: int) -> dict[str, Any]:
        regulator = SupervisionRegulator(
            n_modalities,
            xi1=self.xi1,
            xi2=self.xi2,
            p=self.p,
            beta=self.beta,
            alpha1=self.alpha1,
            K=self.K,
            regulate=self.regulate,
            advantage_reference=self.advantage_reference,
        )
        return dict(regulator=regulator, imputation_weight=self.imputation_weight, eta_scope=self.eta_scope)

    def _monitoring_callbacks(self) -> list[tuple[str, Any]]:
        return [("regulation_history", RegulationHistory())]

    def _extra_callbacks(self) -> list[tuple[str, Any]]:
        callbacks = []
        if self.lr_schedule == "linear":
            callbacks.append(("lr_schedule", linear_decay_scheduler(self.max_epochs)))
        # (not with early stopping on validation data, which keeps its best epoch's weights instead)
        if self.weight_averaging and not self.do_early_stopping_:
            callbacks.append(("weight_averaging", WeightAveraging(self.weight_averaging)))
        return callbacks

    def _store_fit_results(self) -> None:
        history = self.net_.history
        self.eta_ = np.asarray(self.net_.regulator.eta, dtype=float).copy()
        m = len(self.modalities_)
        for key in RegulationHistory.history_keys:
            values = history[:, key] if len(history) else []
            setattr(self, f"{key}_history_", np.asarray(values, dtype=float).reshape(-1, m))
