"""The scikit-learn side shared by every classifier of the package.

:class:`BaseMultimodalClassifier` holds what does not depend on the network:
the declared parameters of the training loop, input validation, the fitted
input object (:class:`~sklearn_redcore._inputs.ModalityInputs`), seeding,
threads and device, the skorch net that trains the module, early stopping,
warm starts, interrupted fits and prediction from the joint head. A subclass
names its torch module and the module's arguments, and may choose which
training rows it uses (perfect data training keeps the complete ones) and
record what its training learnt.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data
from skorch.callbacks import EarlyStopping

from ._callbacks import PlateauStopping
from ._inputs import ModalityInputs, NetworkInputs, check_label_types
from ._parameters import AUTO_EARLY_STOPPING_ROWS, TRAINING_CONSTRAINTS, resolve_feature_transform
from ._runtime import quiet, resolve_device, seed_from, torch_threads
from ._training import WEIGHT_KEY, MultimodalNet, RowSplit, TensorBatchIterator

#: Rows of X per forward pass at prediction (bounds the memory of the network's activations).
PREDICT_BATCH_ROWS = 4096


class BaseMultimodalClassifier(ClassifierMixin, BaseEstimator):
    """Base class of the package's classifiers (not for direct use).

    Subclasses set ``_module_class`` (and ``_net_class`` if the training loop
    needs more than :class:`~sklearn_redcore._training.MultimodalNet`),
    extend ``_parameter_constraints`` and implement :meth:`_module_params`;
    they may override :meth:`_check_params`, :meth:`_check_model_params`,
    :meth:`_training_rows`, :meth:`_net_params`, :meth:`_extra_callbacks` and
    :meth:`_store_fit_results`.
    """

    _net_class: type[MultimodalNet] = MultimodalNet
    _module_class: type[torch.nn.Module]

    #: The parameters of the training loop; subclasses add their own.
    _parameter_constraints: dict = dict(TRAINING_CONSTRAINTS)

    def _reject_bools(self) -> None:
        """scikit-learn's numeric constraints take True and False for 1 and 0; numbers here must be numbers."""
        for name, constraints in self._parameter_constraints.items():
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) and constraints != "no_validation":
                if not any(c in ("boolean", "verbose", "random_state") for c in constraints if isinstance(c, str)):
                    raise ValueError(f"{name} must be a number, got the bool {value!r}.")

    # ------------------------------------------------------------- subclass API
    def _check_params(self) -> None:
        """Rules that involve several parameters (each parameter alone is checked by its constraints)."""

    def _check_model_params(self, inputs: ModalityInputs) -> None:
        """Validate the parameters that depend on the modalities (``inputs``, not fitted yet)."""

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        """Keyword arguments of ``_module_class``."""
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

    # -------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BaseMultimodalClassifier:
        """Train the network on X (NaN marks missing values) and y.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data. A modality of a sample is missing when all its
            columns are NaN.
        y : array-like of shape (n_samples,)
            Class labels, of any type.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Non-negative weight of each sample, multiplied by ``class_weight``:
            every per-sample term of the training loss (each head's
            cross-entropy, the KL and imputation terms) and the validation
            loss of early stopping count a sample that many times, and
            ``class_prior_`` is the weighted class frequencies. Samples of
            weight 0 are left out. Equal weights change nothing.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        self._reject_bools()
        self._check_params()
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
            )
        check_label_types(y)
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        if warm:
            unknown = np.setdiff1d(np.unique(y), self.classes_)
            if len(unknown):
                raise ValueError(
                    f"warm_start=True: y has classes {unknown.tolist()} that the first fit did "
                    f"not see ({self.classes_.tolist()}); fit afresh with warm_start=False."
                )
            y_enc = np.searchsorted(self.classes_, y)
            inputs = self.inputs_
        else:
            encoder = LabelEncoder().fit(y)
            if len(encoder.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes; "
                    f"got only the class {encoder.classes_[0]}."
                )
            self.classes_ = encoder.classes_
            y_enc = encoder.transform(y)
            inputs = ModalityInputs.from_spec(
                self.modalities,
                X.shape[1],
                getattr(self, "feature_names_in_", None),
                feature_transform=resolve_feature_transform(self.feature_transform, self.standardize),
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
                f"{int(empty.sum())} training sample(s) miss every modality and are ignored.", UserWarning, stacklevel=2
            )
        missing_rate = 1.0 - present[~empty].mean(axis=0)
        never = [m for m, rate in zip(inputs.modalities, missing_rate) if rate == 1.0]
        if never:
            raise ValueError(
                f"Modality {never[0]!r} is missing in every training sample (missing rate 1); "
                "drop it from `modalities` or provide samples that have it."
            )
        weight = self._sample_weight(sample_weight, y_enc)
        rows = self._training_rows(present) & ~empty
        if weight is not None:
            rows &= weight > 0
            if not rows.any():
                raise ValueError(
                    "Every training sample that has a modality has weight 0: there is nothing to learn from."
                )
        if not rows.all():  # (no copy of X when every row is used)
            X, y_enc, present = X[rows], y_enc[rows], present[rows]
            weight = weight[rows] if weight is not None else None
        if weight is not None and np.all(weight == weight[0]):
            weight = None  # equal weights: the weighted means are the plain ones
        if not warm:
            self.inputs_ = inputs.fit(X, random_state=self.random_state)
            counts = np.bincount(y_enc, weights=weight, minlength=len(self.classes_))
            self.class_prior_ = counts / counts.sum()
            auto = self.early_stopping == "auto"
            self.do_early_stopping_ = len(y_enc) >= AUTO_EARLY_STOPPING_ROWS if auto else bool(self.early_stopping)
        self.missing_rate_ = missing_rate
        self.n_training_samples_ = int(rows.sum())
        self._train(inputs.transform(X, present=present), y_enc, n_modalities, device, warm, weight)
        self._store_fit_results()
        return self

    def _sample_weight(self, sample_weight: np.ndarray | None, y_enc: np.ndarray) -> np.ndarray | None:
        """``sample_weight`` times the weight of each sample's class (``class_weight``); None when neither is set."""
        if self.class_weight is None:
            return sample_weight
        if isinstance(self.class_weight, dict):
            known = set(self.classes_.tolist())
            unknown = [label for label in self.class_weight if label not in known]
            if unknown:
                raise ValueError(
                    f"class_weight names the class {unknown[0]!r}, which is not in y ({self.classes_.tolist()})."
                )
        by_class = compute_class_weight(self.class_weight, classes=self.classes_, y=self.classes_[y_enc])
        weight = by_class[y_enc]
        return weight if sample_weight is None else weight * sample_weight

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
            self.net_.interrupted = False
            train = self.net_.partial_fit if warm else self.net_.fit
            tensors = data.to_tensors(self.net_.device, with_steps=with_steps)
            if weight is not None:  # the losses read them (MultimodalNet.infer keeps them from the module)
                tensors[WEIGHT_KEY] = torch.as_tensor(weight, dtype=torch.float32, device=self.net_.device)
            train(tensors, torch.as_tensor(y, device=self.net_.device))
        self._finish_history(n_before)

    def _finish_history(self, n_before: int) -> None:
        """Drop an epoch cut short by KeyboardInterrupt and say what the model holds."""
        history = self.net_.history
        self.interrupted_ = bool(getattr(self.net_, "interrupted", False))
        if self.interrupted_:
            keys = ("train_loss", *self._history_keys())
            while len(history) and not all(key in history[-1] for key in keys):
                del history[-1]  # the epoch that was cut short
            done = len(history) - n_before
            best = getattr(dict(self.net_.callbacks_).get("early_stopping"), "best_epoch_", None)
            if self.do_early_stopping_ and best is not None:  # this fit's best, which the weights went back to
                held = f"the weights of epoch {best}, the best on the validation data"
            else:
                held = "its weights at the moment of the interruption"
            warnings.warn(
                f"Training was interrupted after {done} complete epoch(s) of {self.max_epochs}; the "
                f"model is usable and keeps {held}. Fit again with warm_start=True to continue.",
                UserWarning,
                stacklevel=3,
            )
        self.n_iter_ = len(history)

    def _validation_split(self, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        idx = np.arange(len(y))
        counts = np.bincount(y)
        stratify = y if counts[counts > 0].min() >= 2 else None
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
        callbacks = []
        sink = print if self.verbose else quiet
        if self.do_early_stopping_:
            stopper = EarlyStopping(monitor="valid_loss", patience=self.n_iter_no_change, load_best=True, sink=sink)
            callbacks.append(("early_stopping", stopper))
        elif self.tol is not None:
            # The plateau of the joint head's training cross-entropy (the module's "classification" loss part): the
            # whole training loss can rise while the network learns, as its imputation targets move. No plateau
            # counts while that cross-entropy is above 0.9 times the one of predicting the class frequencies.
            prior = self.class_prior_[self.class_prior_ > 0]
            ceiling = 0.9 * float(-(prior * np.log(prior)).sum())
            stopper = PlateauStopping(
                "classification", patience=self.n_iter_no_change, threshold=self.tol, ceiling=ceiling, sink=sink
            )
            callbacks.append(("early_stopping", stopper))
        callbacks.extend(self._extra_callbacks())
        module_params = self._module_params(self.inputs_.sizes, len(self.classes_))
        return self._net_class(
            self._module_class,
            **{f"module__{key}": value for key, value in module_params.items()},
            criterion=torch.nn.CrossEntropyLoss,  # validation: the joint head (training: the module's loss)
            criterion__reduction="none",  # per sample, so that samples' weights can count
            optimizer=torch.optim.Adam,
            optimizer__weight_decay=self.weight_decay,
            optimizer__foreach=True,  # one batched update of all parameters per step
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            iterator_train=TensorBatchIterator,
            iterator_train__shuffle=True,
            iterator_train__generator=generator,
            iterator_valid=TensorBatchIterator,
            train_split=None,
            callbacks=callbacks,
            callbacks__print_log__keys_ignored=list(self._history_keys()),
            gradient_clip_value=1.0,
            device=device,
            verbose=self.verbose,
            **self._net_params(n_modalities),
        )

    def _history_keys(self) -> tuple[str, ...]:
        return tuple(self._net_class.extra_history_keys) + tuple(getattr(self._module_class, "loss_parts", ()))

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
        with torch_threads(self.n_threads):
            self._restoring = True  # a subclass may build the network's shape from the saved attributes
            try:
                self.net_ = self._build_net(len(self.modalities_), device, seed=0)
            finally:
                del self._restoring
            self.net_.initialize()
            try:
                self.net_.module_.load_state_dict(module_state)
                self.net_.optimizer_.load_state_dict(optimizer_state)
                self.net_.load_extra_state(net_state)
            except (RuntimeError, ValueError, KeyError) as exc:
                del self.net_
                raise ValueError(f"the saved network does not match the saved parameters: {exc}") from None
        self.net_.history = history

    # ---------------------------------------------------------------- predict
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities from the available modalities of each sample.

        The network sees which modalities each sample has and predicts from
        those (the model's own way of standing in for the missing ones);
        prediction is deterministic. Rows with every modality missing get
        ``class_prior_``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data, NaN marking missing values.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows are finite and sum to one; columns follow ``classes_``.
        """
        check_is_fitted(self)
        with np.errstate(over="ignore", invalid="ignore"):  # as in fit
            X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=[np.float64, np.float32], reset=False)
        module, device = self.net_.module_, self.net_.device
        with_steps = getattr(self._module_class, "reads_observed_steps", False)
        chunks, presence = [], []
        with torch.inference_mode(), torch_threads(self.n_threads):
            if any(part.training for part in module.modules()):  # reading the flags costs less than eval()
                module.eval()
            for start in range(0, len(X), PREDICT_BATCH_ROWS):
                data = self.inputs_.transform(X[start : start + PREDICT_BATCH_ROWS])
                logits = module(**data.to_tensors(device, with_steps=with_steps)).logits
                chunks.append(torch.softmax(logits.double(), dim=1).cpu().numpy())
                presence.append(data.present)
        proba = np.concatenate(chunks) if chunks else np.empty((0, len(self.classes_)))
        if presence:
            proba[~np.concatenate(presence).any(axis=1)] = self.class_prior_
        not_finite = ~np.isfinite(proba).all(axis=1)
        if not_finite.any():
            raise ValueError(
                f"{int(not_finite.sum())} sample(s) of X (the first: row {np.argmax(not_finite)}) hold "
                "values so far from the training data that the network's output is not finite; "
                "check X for extreme values."
            )
        return proba

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Data, NaN marking missing values.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.non_deterministic = False
        return tags
