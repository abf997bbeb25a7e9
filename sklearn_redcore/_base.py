"""The scikit-learn side shared by every classifier of the package.

:class:`BaseMultimodalClassifier` holds what does not depend on the network:
the modality specification, input validation, the presence matrix,
standardisation, seeding, thread and device handling, the skorch net that
trains the module, early stopping, warm starts, interrupted fits and
prediction from the joint head. A subclass names its torch module and the
module's arguments, and may choose which training rows it uses (perfect data
training keeps the complete ones) and record what its training learnt.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.callbacks import EarlyStopping
from skorch.dataset import Dataset
from skorch.helper import predefined_split

from ._inputs import check_label_types, column_stats, standardize_block
from ._modalities import modality_presence, resolve_modalities
from ._runtime import quiet, resolve_device, seed_from, torch_threads
from ._training import MultimodalNet, TensorBatchIterator

# Shared parameter documentation, substituted into the subclasses' docstrings.
TRAINING_PARAMETERS_DOC = """\
    max_epochs : int, default=100
        Number of passes over the training data.
    batch_size : int, default=128
        Mini-batch size.
    lr : float, default=1e-3
        Learning rate of Adam.
    weight_decay : float, default=0.0
        Weight decay of Adam.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified)
        and stop when the joint head's validation cross-entropy has not
        improved for ``n_iter_no_change`` epochs, keeping the best weights.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping``.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    standardize : bool, default=True
        Scale every column by the standard deviation of its observed training
        values. Columns are always centred on their training mean, which is
        also the value given to a NaN inside a present modality. For a
        sequence modality, the mean and scale are those of each feature over
        all observed steps (the same for every step), and padding steps are
        not filled in but masked.
    warm_start : bool, default=False
        When fitting an already fitted estimator again on data with the same
        features and classes, continue training the same network (and, for
        RedCore, the same state of Algorithm 1) for ``max_epochs`` more
        epochs instead of starting afresh. The standardisation of the first
        fit is kept.
    device : str, default="cpu"
        Torch device: "cpu", "cuda", "cuda:1", ... or "auto" (a GPU if one is
        available).
    n_threads : int or None, default=1
        Number of torch CPU threads during ``fit`` and ``predict`` (torch's
        setting is restored afterwards). One thread is the fastest for
        networks of this size and avoids oversubscribing the cores when
        scikit-learn runs several fits at once (``n_jobs``); None keeps
        torch's current setting.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, dropout and sampling. Global random
        states (numpy and torch) are left untouched.
    verbose : int, default=0
        1 prints skorch's table of the epochs."""

COMMON_ATTRIBUTES_DOC = """\
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of columns of X.
    feature_names_in_ : ndarray of shape (n_features,)
        Column names, when X was a DataFrame with string column names.
    modalities_ : dict of str to ndarray of int
        Column positions of each modality, in the order used by the network.
    modality_shapes_ : dict of str to tuple or None
        ``(n_steps, n_features)`` of each sequence modality, None for a
        vector modality.
    missing_rate_ : ndarray of shape (n_modalities,)
        Share of the training samples (with at least one modality) that miss
        each modality.
    n_training_samples_ : int
        Number of samples the network was trained on in the last fit.
    n_iter_ : int
        Number of epochs run (in total, over warm starts).
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of the training data; the prediction for a sample
        with no modality at all.
    input_mean_, input_scale_ : ndarray of shape (n_features,)
        Standardisation of the columns.
    interrupted_ : bool
        True when the last fit was stopped by KeyboardInterrupt (the model
        keeps the weights described by the warning it gave).
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module and
        ``net_.history`` the record of the epochs."""


def _rows(values: np.ndarray | None, index: Any) -> np.ndarray | None:
    return None if values is None else values[index]


def fill_doc(cls: type) -> type:
    """Substitute the shared parameter and attribute texts into ``cls.__doc__``."""
    cls.__doc__ = (cls.__doc__ or "").replace("%(training_parameters)s", TRAINING_PARAMETERS_DOC).replace(
        "%(common_attributes)s", COMMON_ATTRIBUTES_DOC)
    return cls


def check_positive_int(estimator: Any, name: str) -> None:
    """Raise ValueError unless ``estimator.name`` is an int >= 1."""
    value = getattr(estimator, name)
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def check_in_range(estimator: Any, name: str, low: float, high: float, *, closed_high: bool = False) -> None:
    """Raise ValueError unless ``low <= estimator.name < high`` (or ``<= high``)."""
    value = getattr(estimator, name)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and low <= value
    ok = ok and (value <= high if closed_high else value < high)
    if not ok:
        bracket = "]" if closed_high else ")"
        raise ValueError(f"{name} must lie in [{low}, {high}{bracket}, got {value!r}.")


def check_nonnegative(estimator: Any, name: str, *, strict: bool = False) -> None:
    """Raise ValueError unless ``estimator.name`` is a finite number >= 0 (> 0 if strict)."""
    value = getattr(estimator, name)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or value < 0 or (strict and value == 0):
        raise ValueError(f"{name} must be a finite number {'> 0' if strict else '>= 0'}, got {value!r}.")


def check_widths(estimator: Any, name: str, *, allow_empty: bool = True) -> tuple[int, ...]:
    """Validate a tuple of layer widths and return it as a tuple of int."""
    widths = getattr(estimator, name)
    values = tuple(np.atleast_1d(np.asarray(widths, dtype=object)).tolist()) if widths is not None else ()
    if not all(isinstance(w, numbers.Integral) and not isinstance(w, bool) and w >= 1 for w in values):
        raise ValueError(f"{name} must be a tuple of positive integers, got {widths!r}.")
    if not values and not allow_empty:
        raise ValueError(f"{name} must not be empty.")
    return tuple(int(w) for w in values)


class BaseMultimodalClassifier(ClassifierMixin, BaseEstimator):
    """Base class of the package's classifiers (not for direct use).

    Subclasses set ``_net_class`` and implement :meth:`_module_params`; they
    may override :meth:`_check_model_params`, :meth:`_training_rows`,
    :meth:`_net_params` and :meth:`_store_fit_results`.
    """

    _net_class: type[MultimodalNet] = MultimodalNet
    _module_class: type[torch.nn.Module]
    #: Whether the module's forward takes ``observed_steps`` (which steps of the sequences hold data).
    _module_reads_steps: bool = False

    # ------------------------------------------------------------- subclass API
    def _check_model_params(self, n_modalities: int) -> None:
        """Validate the parameters of the model (after the modalities are known)."""

    def _module_params(self, modality_sizes: list[int], n_classes: int) -> dict[str, Any]:
        """Keyword arguments of ``_module_class``."""
        raise NotImplementedError

    def _net_params(self, n_modalities: int) -> dict[str, Any]:
        """Extra keyword arguments of ``_net_class``."""
        return {}

    def _training_rows(self, present: np.ndarray) -> np.ndarray:
        """Boolean mask of the training rows the model learns from (all, by default)."""
        return np.ones(len(present), dtype=bool)

    def _store_fit_results(self) -> None:
        """Copy what training learnt from ``self.net_`` into fitted attributes."""

    # ----------------------------------------------------------------- checks
    def _check_params(self) -> None:
        for name in ("max_epochs", "batch_size", "n_iter_no_change"):
            check_positive_int(self, name)
        check_in_range(self, "validation_fraction", 0.0, 1.0)
        check_nonnegative(self, "lr", strict=True)
        check_nonnegative(self, "weight_decay")
        if self.n_threads is not None:
            check_positive_int(self, "n_threads")

    # -------------------------------------------------------------- internals
    def _sequence_layout(self) -> list[tuple[int, int, int]]:
        """(first column in the network's order, T, d) of each sequence modality."""
        shapes = getattr(self, "modality_shapes_", None) or {}
        layout, start = [], 0
        for name, cols in self.modalities_.items():
            if shapes.get(name) is not None:
                layout.append((start, *shapes[name]))
            start += len(cols)
        return layout

    def _prepare(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Network input: standardised float32 columns ordered by modality, NaN set to 0 (the mean).

        Also returns the presence matrix and, when there are sequence modalities,
        which of their steps hold data (n_samples, sum of their T). Rows are
        processed in chunks, so that long sequences need little memory beyond
        the result.
        """
        order = self._column_order
        mean, scale = self.input_mean_[order], self.input_scale_[order]
        bounds = np.cumsum([0] + [len(cols) for cols in self.modalities_.values()])
        layout = self._sequence_layout()
        Z = np.empty((len(X), len(order)), dtype=np.float32)
        present = np.empty((len(X), len(bounds) - 1), dtype=bool)
        steps = np.empty((len(X), sum(T for _, T, _ in layout)), dtype=bool) if layout else None
        chunk = max(1, 2**18 // max(len(order), 1))  # blocks of about 2 MB: temporaries stay small
        leftmost = int(order[0]) if len(order) else 0
        # Modalities side by side in X (the usual layout): a view instead of a gather of the columns.
        span = slice(leftmost, leftmost + len(order))
        side_by_side = np.array_equal(order, np.arange(span.start, span.stop))
        for start in range(0, len(X), chunk):
            rows = slice(start, start + chunk)
            block = X[rows, span] if side_by_side else X[rows][:, order]
            isnan = np.isnan(block)
            for m in range(len(bounds) - 1):
                present[rows, m] = ~isnan[:, bounds[m]:bounds[m + 1]].all(axis=1)
            offset = 0
            for first, T, d in layout:
                steps[rows, offset:offset + T] = ~isnan[:, first:first + T * d].reshape(-1, T, d).all(axis=2)
                offset += T
            standardize_block(block, mean, scale, out=Z[rows], missing=isnan, first_row=start, columns=order)
        return Z, present, steps

    def _tensors(self, Z: np.ndarray, present: np.ndarray, steps: np.ndarray | None,
                 device: str) -> dict[str, torch.Tensor]:
        tensors = {"x": torch.as_tensor(Z, device=device), "present": torch.as_tensor(present, device=device)}
        if steps is not None and self._module_reads_steps:
            tensors["observed_steps"] = torch.as_tensor(steps, device=device)
        return tensors

    def _fit_standardization(self, X: np.ndarray) -> None:
        """Mean and scale of each column (per feature over the observed steps for a sequence)."""
        shapes = getattr(self, "modality_shapes_", None) or {}
        sequences = [(cols, shapes[name]) for name, cols in self.modalities_.items() if shapes.get(name) is not None]
        if sequences:
            mean, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
            others = np.setdiff1d(np.arange(X.shape[1]), np.concatenate([cols for cols, _ in sequences]))
            if len(others):
                mean[others], scale[others] = self._column_statistics(np.asarray(X[:, others], dtype=np.float64))
            for cols, (T, d) in sequences:
                feature_mean, feature_scale = self._step_statistics(X, cols, T, d)
                mean[cols], scale[cols] = np.tile(feature_mean, T), np.tile(feature_scale, T)
        else:
            mean, scale = self._column_statistics(np.asarray(X, dtype=np.float64))
        if not self.standardize:
            scale = np.ones_like(scale)
        self.input_mean_, self.input_scale_ = mean, scale

    @staticmethod
    def _usable(mean: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """0 for a mean that could not be computed, max(1, |mean|) for a scale that is not usable."""
        mean = np.where(np.isfinite(mean), mean, 0.0)
        size = np.maximum(1.0, np.abs(mean))  # a constant column's rounding residue is scaled by its size
        scale = np.where(np.isfinite(scale) & (scale > 1e-12 * size), scale, size)
        return mean, scale

    @classmethod
    def _column_statistics(cls, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return cls._usable(*column_stats(X))  # NaN for all-NaN columns

    @classmethod
    def _step_statistics(cls, X: np.ndarray, cols: np.ndarray, T: int, d: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of each of the d features over all observed steps (two passes in chunks)."""
        chunk = max(1, 2**21 // (T * d))
        count, total, squares = np.zeros(d), np.zeros(d), np.zeros(d)
        for start in range(0, len(X), chunk):
            block = np.asarray(X[start:start + chunk][:, cols], dtype=np.float64).reshape(-1, d)
            observed = ~np.isnan(block)
            count += observed.sum(axis=0)
            total += np.where(observed, block, 0.0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        for start in range(0, len(X), chunk):
            block = np.asarray(X[start:start + chunk][:, cols], dtype=np.float64).reshape(-1, d)
            squares += np.square(np.nan_to_num(block - mean, nan=0.0)).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.sqrt(squares / count)
        return cls._usable(mean, scale)

    def _continues(self) -> bool:
        """Whether this fit continues the previous one (warm start)."""
        return bool(getattr(self, "warm_start", False)) and hasattr(self, "net_")

    # -------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any) -> BaseMultimodalClassifier:
        """Train the network on X (NaN marks missing values) and y.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data. A modality of a sample is missing when all its
            columns are NaN.
        y : array-like of shape (n_samples,)
            Class labels, of any type.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_params()
        warm = self._continues()
        previous = (self.n_features_in_, self.classes_, self.modalities_) if warm else None
        # float32 is kept as it is (no copy of long sequences); the statistics are computed in float64.
        with np.errstate(over="ignore", invalid="ignore"):  # scikit-learn's finiteness check sums X in its dtype
            X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=[np.float64, np.float32],
                                 ensure_min_samples=2, reset=not warm)
        check_label_types(y)
        check_classification_targets(y)
        name = type(self).__name__
        if warm:
            unknown = np.setdiff1d(np.unique(y), previous[1])
            if len(unknown):
                raise ValueError(f"warm_start=True: y has classes {unknown.tolist()} that the first fit did "
                                 f"not see ({previous[1].tolist()}); fit afresh with warm_start=False.")
            y_enc = np.searchsorted(previous[1], y)
        else:
            encoder = LabelEncoder().fit(y)
            self.classes_ = encoder.classes_
            if len(self.classes_) < 2:
                raise ValueError(f"{name} needs samples of at least 2 classes; "
                                 f"got only the class {self.classes_[0]}.")
            y_enc = encoder.transform(y)
            self.modalities_, self.modality_shapes_ = resolve_modalities(
                self.modalities, X.shape[1], getattr(self, "feature_names_in_", None), return_shapes=True)
        n_modalities = len(self.modalities_)
        self._check_model_params(n_modalities)
        device = resolve_device(self.device)

        present = modality_presence(X, self.modalities_)
        empty = ~present.any(axis=1)
        if empty.all():
            raise ValueError("Every training sample misses every modality: there is nothing to learn from.")
        if empty.any():
            warnings.warn(f"{int(empty.sum())} training sample(s) miss every modality and are ignored.",
                          UserWarning, stacklevel=2)
        self.missing_rate_ = 1.0 - present[~empty].mean(axis=0)
        never = [m for m, rate in zip(self.modalities_, self.missing_rate_) if rate == 1.0]
        if never:
            raise ValueError(f"Modality {never[0]!r} is missing in every training sample (missing rate 1); "
                             "drop it from `modalities` or provide samples that have it.")
        rows = self._training_rows(present) & ~empty
        self.n_training_samples_ = int(rows.sum())
        if not rows.all():  # (no copy of X when every row is used)
            X, y_enc = X[rows], y_enc[rows]

        if not warm:
            self._fit_standardization(X)
            self._column_order = np.concatenate(list(self.modalities_.values()))
            self.class_prior_ = np.bincount(y_enc, minlength=len(self.classes_)) / len(y_enc)
        Z, present, steps = self._prepare(X)

        seed = seed_from(self.random_state)
        cuda_devices = [torch.device(device).index or 0] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda_devices), torch_threads(self.n_threads):
            torch.manual_seed(seed)
            if warm:
                self.net_.set_params(max_epochs=self.max_epochs, verbose=self.verbose)
            else:
                self.net_ = self._build_net(n_modalities, device, seed)
            train_idx = slice(None)  # every row, without copying Z
            if self.early_stopping:
                train_idx, valid_idx = self._validation_split(y_enc, seed)
                valid = Dataset(self._tensors(Z[valid_idx], present[valid_idx], _rows(steps, valid_idx),
                                              self.net_.device),
                                torch.as_tensor(y_enc[valid_idx], device=self.net_.device))
                self.net_.set_params(train_split=predefined_split(valid))
            inputs = self._tensors(Z[train_idx], present[train_idx], _rows(steps, train_idx), self.net_.device)
            targets = torch.as_tensor(y_enc[train_idx], device=self.net_.device)
            n_before = len(self.net_.history) if warm else 0
            self.net_.interrupted = False
            if warm:
                self.net_.partial_fit(inputs, targets)
            else:
                self.net_.fit(inputs, targets)
        self._finish_history(n_before)
        self._store_fit_results()
        return self

    def _finish_history(self, n_before: int) -> None:
        """Drop an epoch cut short by KeyboardInterrupt and say what the model holds."""
        history = self.net_.history
        self.interrupted_ = bool(getattr(self.net_, "interrupted", False))
        if self.interrupted_:
            keys = ("train_loss", *self._history_keys())
            while len(history) and not all(key in history[-1] for key in keys):
                del history[-1]  # the epoch that was cut short
            done = len(history) - n_before
            if self.early_stopping and any("valid_loss_best" in row for row in history):
                best = [i for i, row in enumerate(history) if row.get("valid_loss_best")]
                held = f"the weights of epoch {best[-1] + 1}, the best on the validation data"
            else:
                held = "its weights at the moment of the interruption"
            warnings.warn(f"Training was interrupted after {done} complete epoch(s) of {self.max_epochs}; the "
                          f"model is usable and keeps {held}. Fit again with warm_start=True to continue.",
                          UserWarning, stacklevel=3)
        self.n_iter_ = len(history)

    def _validation_split(self, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        idx = np.arange(len(y))
        counts = np.bincount(y)
        stratify = y if counts[counts > 0].min() >= 2 else None
        try:
            return train_test_split(idx, test_size=self.validation_fraction, random_state=seed % (2**31),
                                    stratify=stratify)
        except ValueError as exc:
            raise ValueError(f"early_stopping could not hold out validation_fraction="
                             f"{self.validation_fraction} of {len(y)} samples: {exc}") from None

    def _build_net(self, n_modalities: int, device: str, seed: int) -> MultimodalNet:
        generator = torch.Generator().manual_seed(seed)
        callbacks = []
        if self.early_stopping:
            callbacks.append(("early_stopping", EarlyStopping(monitor="valid_loss", patience=self.n_iter_no_change,
                                                               load_best=True, sink=print if self.verbose else quiet)))
        sizes = [len(cols) for cols in self.modalities_.values()]
        module_params = self._module_params(sizes, len(self.classes_))
        return self._net_class(
            self._module_class,
            **{f"module__{key}": value for key, value in module_params.items()},
            criterion=torch.nn.CrossEntropyLoss,  # unused: the module computes its loss
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
        return tuple(self._net_class.history_keys) + tuple(getattr(self._module_class, "loss_parts", ()))

    def _restore(self, fitted: dict[str, Any], module_state: dict, optimizer_state: dict, net_state: dict,
                 history: Any, device: str) -> None:
        """Rebuild a fitted estimator from saved parts (see ``sklearn_redcore.load_model``)."""
        for name, value in fitted.items():
            allowed = name == "_column_order" or (name.endswith("_") and not name.startswith("_"))
            if not allowed or callable(getattr(type(self), name, None)):
                raise ValueError(f"unexpected fitted attribute {name!r}")
            setattr(self, name, value)
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
        chunks, presence = [], []
        with torch.inference_mode(), torch_threads(self.n_threads):
            if any(part.training for part in module.modules()):  # reading the flags costs less than eval()
                module.eval()
            for start in range(0, len(X), 4096):
                Z, present, steps = self._prepare(X[start:start + 4096])
                logits = module(**self._tensors(Z, present, steps, device)).logits
                chunks.append(torch.softmax(logits.double(), dim=1).cpu().numpy())
                presence.append(present)
        proba = np.concatenate(chunks) if chunks else np.empty((0, len(self.classes_)))
        if presence:
            proba[~np.concatenate(presence).any(axis=1)] = self.class_prior_
        not_finite = ~np.isfinite(proba).all(axis=1)
        if not_finite.any():
            raise ValueError(f"{int(not_finite.sum())} sample(s) of X (the first: row {np.argmax(not_finite)}) hold "
                             "values so far from the training data that the network's output is not finite; "
                             "check X for extreme values.")
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
