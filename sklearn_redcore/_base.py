"""The scikit-learn side shared by every estimator of the package.

:class:`BaseMultimodalEstimator` holds what depends neither on the network nor
on the kind of target: the declared parameters of the training loop, input
validation, the fitted input object (:class:`~sklearn_redcore._inputs.ModalityInputs`),
seeding, threads and device, the skorch net that trains the module, early
stopping, warm starts, interrupted fits and the forward pass of prediction.
What depends on the target is in ``_tasks.py``; a subclass names its torch
module and the module's arguments, and may choose its training rows (perfect
data training keeps the complete ones) and record what its training learnt.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight, validate_data
from skorch.callbacks import EarlyStopping

from ._callbacks import PlateauStopping
from ._inputs import ModalityInputs, NetworkInputs
from ._parameters import (
    AUTO_EARLY_STOPPING_ROWS,
    CLASSIFICATION_CONSTRAINTS,
    TRAINING_CONSTRAINTS,
    auto_batch_size,
    auto_patience,
    reject_bools,
)
from ._prediction import BlockPrediction
from ._runtime import adam_kernel, quiet, resolve_device, seed_from, torch_threads
from ._tasks import ClassificationTask, RegressionTask
from ._training import WEIGHT_KEY, MultimodalNet, RowSplit, TensorBatchIterator


class BaseMultimodalEstimator(BlockPrediction, BaseEstimator):
    """Base class of the package's estimators (not for direct use).

    The kind of target comes from a mixin of ``_tasks.py``
    (:class:`~sklearn_redcore._tasks.ClassificationTask` or
    :class:`~sklearn_redcore._tasks.RegressionTask`), which implements the
    hooks of :class:`~sklearn_redcore._tasks.TargetTask`. Subclasses set
    ``_module_class`` (and ``_net_class`` if the training loop needs more
    than :class:`~sklearn_redcore._training.MultimodalNet`), extend
    ``_parameter_constraints`` and implement :meth:`_module_params`; they may
    override the other hooks of the "subclass API" below.
    """

    _net_class: type[MultimodalNet] = MultimodalNet
    _module_class: type[torch.nn.Module]

    #: The parameters of the training loop; subclasses add their own.
    _parameter_constraints: dict = dict(TRAINING_CONSTRAINTS)

    # ------------------------------------------------------------- subclass API
    def _check_params(self) -> None:
        """Rules that involve several parameters (each parameter alone is checked by its constraints)."""

    def _check_model_params(self, inputs: ModalityInputs) -> None:
        """Validate the parameters that depend on the modalities (``inputs``, not fitted yet)."""

    def _module_params(self, modality_sizes: list[int], n_outputs: int) -> dict[str, Any]:
        """Keyword arguments of ``_module_class`` (``n_outputs``: the width of every head)."""
        raise NotImplementedError

    def _net_params(self, n_modalities: int) -> dict[str, Any]:
        """Extra keyword arguments of ``_net_class``."""
        return {}

    def _extra_callbacks(self) -> list[tuple[str, Any]]:
        """Named skorch callbacks of the training loop besides early stopping (none, by default)."""
        return []

    def _training_rows(self, present: np.ndarray) -> np.ndarray:
        """Boolean mask of the training rows the model learns from (all, by default)."""
        return np.ones(len(present), dtype=bool)

    def _fit_architecture(self) -> None:
        """Fix what the network's shape depends on once the inputs are fitted (a new fit, not a warm start).

        What it sets must be fitted attributes: a saved model rebuilds its
        network from them.
        """

    def _monitoring_callbacks(self) -> list[tuple[str, Any]]:
        """Named skorch callbacks that record each epoch; they come before the stopping rule (none by default)."""
        return []

    def _store_fit_results(self) -> None:
        """Copy what training learnt from ``self.net_`` into fitted attributes."""

    # ------------------------------------------------------ fitted attributes
    @property
    def modalities_(self) -> dict[str, np.ndarray]:
        """Column positions of each modality, in the order used by the network."""
        return self.inputs_.modalities

    @property
    def modality_shapes_(self) -> dict[str, tuple[int, int] | None]:
        """``(n_steps, n_features)`` of each sequence modality, None for a vector modality."""
        return self.inputs_.shapes

    @property
    def input_mean_(self) -> np.ndarray:
        """Centre of each column of X."""
        return self.inputs_.mean_

    @property
    def input_scale_(self) -> np.ndarray:
        """Scale of each column of X."""
        return self.inputs_.scale_

    def _continues(self) -> bool:
        """Whether this fit continues the previous one (warm start)."""
        return bool(getattr(self, "warm_start", False)) and hasattr(self, "net_")

    def _check_all_params(self) -> None:
        """Every check of the parameters alone: the declared constraints (no bool for a number), then the rest."""
        self._validate_params()
        reject_bools(self)
        self._check_params()

    # -------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BaseMultimodalEstimator:
        """Train the network on X (NaN marks missing values) and y (see the subclasses' ``fit``)."""
        self._check_all_params()
        warm = self._continues()
        # float32 is kept as it is (no copy of long sequences); the statistics are computed in float64.
        with np.errstate(over="ignore", invalid="ignore"):  # scikit-learn's finiteness check sums X in its dtype
            X, y = validate_data(
                self,
                X,
                y,
                ensure_all_finite="allow-nan",
                dtype=[np.float64, np.float32],
                ensure_min_samples=2,
                reset=not warm,
                **self._target_validation(),
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        y = self._encode_targets(y, warm)
        if warm:
            inputs = self.inputs_
        else:
            inputs = ModalityInputs.from_spec(
                self.modalities,
                X.shape[1],
                getattr(self, "feature_names_in_", None),
                feature_transform=self.feature_transform,
            )
        n_modalities = len(inputs.modalities)
        self._check_model_params(inputs)
        device = resolve_device(self.device)

        present = inputs.presence(X)
        empty = ~present.any(axis=1)
        if empty.all():
            raise ValueError("Every training sample misses every modality: there is nothing to learn from.")
        if empty.any():
            warnings.warn(
                f"{int(empty.sum())} training sample(s) miss every modality and are ignored.", UserWarning, stacklevel=3
            )
        missing_rate = 1.0 - present[~empty].mean(axis=0)
        never = [m for m, rate in zip(inputs.modalities, missing_rate) if rate == 1.0]
        if never:
            raise ValueError(
                f"Modality {never[0]!r} is missing in every training sample (missing rate 1); "
                "drop it from `modalities` or provide samples that have it."
            )
        weight = self._sample_weight(sample_weight, y)
        rows = self._training_rows(present) & ~empty
        if weight is not None:
            rows &= weight > 0
            if not rows.any():
                raise ValueError(
                    "Every training sample that has a modality has weight 0: there is nothing to learn from."
                )
        if not rows.all():  # (no copy of X when every row is used)
            X, y, present = X[rows], y[rows], present[rows]
            weight = weight[rows] if weight is not None else None
        if weight is not None and np.all(weight == weight[0]):
            weight = None  # equal weights: the weighted means are the plain ones
        if not warm:
            self.inputs_ = inputs.fit(X, random_state=self.random_state)
            self._fit_target_statistics(y, weight)
            auto = self.early_stopping == "auto"
            self.do_early_stopping_ = len(y) >= AUTO_EARLY_STOPPING_ROWS if auto else bool(self.early_stopping)
            self._fit_loop_settings(len(y))
            self._fit_architecture()
        self.missing_rate_ = missing_rate
        self.n_training_samples_ = int(rows.sum())
        data = inputs.transform(X, present=present)
        self._train(data, self._network_targets(y), n_modalities, device, warm, weight)
        self._store_fit_results()
        return self

    def _fit_loop_settings(self, n_rows: int) -> None:
        """Resolve ``batch_size`` and ``n_iter_no_change`` ("auto": from the rows an epoch trains on)."""
        n_epoch = int(n_rows * (1 - self.validation_fraction)) if self.do_early_stopping_ else n_rows
        auto = self.batch_size == "auto"
        self.batch_size_ = auto_batch_size(n_epoch) if auto else self.batch_size
        auto = self.n_iter_no_change == "auto"
        self.n_iter_no_change_ = auto_patience(n_epoch) if auto else self.n_iter_no_change

    def _train(
        self,
        data: NetworkInputs,
        y: np.ndarray,
        n_modalities: int,
        device: str,
        warm: bool,
        weight: np.ndarray | None = None,
    ) -> None:
        """Build (or keep, on a warm start) the skorch net and run its training loop on the prepared data."""
        seed = seed_from(self.random_state)
        cuda_devices = [torch.device(device).index or 0] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda_devices), torch_threads(self.n_threads):
            torch.manual_seed(seed)
            if warm:
                self.net_.set_params(max_epochs=self.max_epochs, verbose=self.verbose)
            else:
                self.net_ = self._build_net(n_modalities, device, seed)
            with_steps = getattr(self._module_class, "reads_observed_steps", False)
            if self.do_early_stopping_:  # both parts read the same tensors (no copy of the rows)
                self.net_.set_params(train_split=RowSplit(*self._validation_split(y, seed)))
            n_before = len(self.net_.history) if warm else 0
            if not warm:
                self.net_.initialize()  # (what skorch's fit would do first)
            tensors = data.to_tensors(self.net_.device, with_steps=with_steps)
            prepare = getattr(self.net_.module_, "prepare_training_inputs", None)
            if prepare is not None:  # statistics of the inputs, and what stays fixed during training
                tensors = prepare(tensors)
            if weight is not None:  # the losses read them (MultimodalNet.infer keeps them from the module)
                tensors[WEIGHT_KEY] = torch.as_tensor(weight, dtype=torch.float32, device=self.net_.device)
            self.net_.partial_fit(tensors, torch.as_tensor(y, device=self.net_.device))
        self._finish_history(n_before)

    def _finish_history(self, n_before: int) -> None:
        """Drop an epoch cut short by KeyboardInterrupt and say what the model holds."""
        history = self.net_.history
        self.interrupted_ = bool(self.net_.interrupted_)
        if self.interrupted_:
            keys = ("train_loss", *self._history_keys(self.net_.callbacks_))
            while len(history) and not all(key in history[-1] for key in keys):
                del history[-1]  # the epoch that was cut short
            done = len(history) - n_before
            best = getattr(dict(self.net_.callbacks_).get("early_stopping"), "best_epoch_", None)
            if self.do_early_stopping_ and best is not None:  # this fit's best, which the weights went back to
                held = f"the weights of epoch {best}, the best on the validation data"
            elif getattr(dict(self.net_.callbacks_).get("weight_averaging"), "averaged_", False):
                held = "the average of its weights over its last completed epochs (weight_averaging)"
            else:
                held = "its weights at the moment of the interruption"
            warnings.warn(
                f"Training was interrupted after {done} complete epoch(s) of {self.max_epochs}; the "
                f"model is usable and keeps {held}. Fit again with warm_start=True to continue.",
                UserWarning,
                stacklevel=5,  # the user's call of fit (through the task's fit, the base's fit and _train)
            )
        self.n_iter_ = len(history)

    def _validation_split(self, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        idx = np.arange(len(y))
        stratify = self._stratify(y)
        try:
            return train_test_split(
                idx, test_size=self.validation_fraction, random_state=seed % (2**31), stratify=stratify
            )
        except ValueError as exc:
            raise ValueError(
                f"early_stopping could not hold out validation_fraction="
                f"{self.validation_fraction} of {len(y)} samples: {exc}"
            ) from None

    def _build_net(self, n_modalities: int, device: str, seed: int) -> MultimodalNet:
        generator = torch.Generator().manual_seed(seed)
        monitors = self._monitoring_callbacks()  # (a stopping rule ends an epoch's callbacks early)
        callbacks = list(monitors)
        sink = print if self.verbose else quiet
        if self.do_early_stopping_:
            stopper = EarlyStopping(monitor="valid_loss", patience=self.n_iter_no_change_, load_best=True, sink=sink)
            callbacks.append(("early_stopping", stopper))
        elif self.tol is not None:
            # The plateau of the joint head's training loss (the module's loss part ``joint_loss_part``): the whole
            # training loss can rise while the network learns, as its imputation targets move. No plateau counts
            # while the joint loss is above 0.9 times that of predicting without the inputs (``_plateau_ceiling``).
            stopper = PlateauStopping(
                self._module_class.joint_loss_part,
                patience=self.n_iter_no_change_,
                threshold=self.tol,
                ceiling=self._plateau_ceiling(),
                sink=sink,
            )
            callbacks.append(("early_stopping", stopper))
        callbacks.extend(self._extra_callbacks())
        module_params = self._module_params(self.inputs_.sizes, self._n_outputs())
        criterion = self._criterion()  # validation: the joint head, per sample (training: the module's loss)
        return self._net_class(
            self._module_class,
            **{f"module__{key}": value for key, value in module_params.items()},
            criterion=criterion.pop("criterion"),
            **{f"criterion__{key}": value for key, value in criterion.items()},
            optimizer=torch.optim.Adam,
            optimizer__weight_decay=self.weight_decay,
            **{f"optimizer__{key}": value for key, value in adam_kernel(device).items()},
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size_,
            iterator_train=TensorBatchIterator,
            iterator_train__shuffle=True,
            iterator_train__generator=generator,
            iterator_valid=TensorBatchIterator,
            train_split=None,
            callbacks=callbacks,
            callbacks__print_log__keys_ignored=list(self._history_keys(monitors)),
            gradient_clip_value=1.0,
            device=device,
            verbose=self.verbose,
            **self._net_params(n_modalities),
        )

    def _history_keys(self, callbacks: list[tuple[str, Any]]) -> tuple[str, ...]:
        """The history entries of each epoch beyond skorch's: the callbacks' ``history_keys``, the loss parts."""
        recorded = [key for _, callback in callbacks for key in getattr(callback, "history_keys", ())]
        return (*recorded, *getattr(self._module_class, "loss_parts", ()))

    def _restore(
        self,
        fitted: dict[str, Any],
        module_state: dict,
        optimizer_state: dict,
        net_state: dict,
        history: Any,
        device: str,
    ) -> None:
        """Rebuild a fitted estimator from saved parts (see ``sklearn_redcore.load_model``)."""
        for name, value in fitted.items():
            public = name.endswith("_") and not name.startswith("_")
            if not public or hasattr(type(self), name):  # methods and derived attributes are not data
                raise ValueError(f"unexpected fitted attribute {name!r}")
            setattr(self, name, value)
        if not isinstance(getattr(self, "inputs_", None), ModalityInputs):
            raise ValueError("the saved model lacks its input statistics (inputs_)")
        if not hasattr(self, "batch_size_"):  # a file saved before these attributes existed
            self._fit_loop_settings(self.n_training_samples_)
        with torch_threads(self.n_threads):
            self.net_ = self._build_net(len(self.modalities_), device, seed=0)
            self.net_.initialize()
            try:
                self.net_.module_.load_state_dict(module_state)
                self.net_.optimizer_.load_state_dict(optimizer_state)
                self.net_.load_extra_state(net_state)
            except (RuntimeError, ValueError, KeyError) as exc:
                del self.net_
                raise ValueError(f"the saved network does not match the saved parameters: {exc}") from None
        self.net_.history = history

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.non_deterministic = False
        return tags


class BaseMultimodalClassifier(ClassificationTask, BaseMultimodalEstimator):
    """Base class of the package's classifiers (not for direct use)."""

    _parameter_constraints: dict = {**BaseMultimodalEstimator._parameter_constraints, **CLASSIFICATION_CONSTRAINTS}


class BaseMultimodalRegressor(RegressionTask, BaseMultimodalEstimator):
    """Base class of the package's regressors (not for direct use)."""
