"""scikit-learn estimator around the RedCore network and Algorithm 1."""

from __future__ import annotations

import contextlib
import numbers
import threading
import warnings
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.callbacks import EarlyStopping, GradientNormClipping
from skorch.dataset import Dataset
from skorch.helper import predefined_split

from ._inputs import check_label_types, column_stats, standardize
from ._modalities import ModalitySpec, modality_presence, resolve_modalities
from ._network import RedCoreModule
from ._regulation import SupervisionRegulator, check_regulation_params
from ._training import HISTORY_KEYS, RedCoreNet, TensorBatchIterator

__all__ = ["RedCoreClassifier"]


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was requested but this torch build sees no CUDA GPU; "
                         "use device='cpu' or device='auto'.")
    return str(device)


_THREADS_LOCK = threading.Lock()
_threads_state = {"active": 0, "before": 0}  # calls inside _torch_threads; the setting before the first


@contextlib.contextmanager
def _torch_threads(n_threads: int | None):
    """Run with ``n_threads`` torch threads, then restore the previous setting.

    torch keeps a thread count per OS thread and a process-wide value that a
    thread adopts at its first torch call; ``torch.set_num_threads`` changes
    both. While calls overlap (predictions from several threads), a thread
    whose first torch call falls inside another call would adopt that call's
    temporary value and keep it. So a call that starts while others run
    restores the value seen before the first of them started.
    """
    if n_threads is None:
        yield
        return
    with _THREADS_LOCK:
        current = torch.get_num_threads()
        if _threads_state["active"] == 0:
            _threads_state["before"] = current
        restore = _threads_state["before"]
        _threads_state["active"] += 1
        if current != n_threads:
            torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        with _THREADS_LOCK:
            _threads_state["active"] -= 1
            if torch.get_num_threads() != restore:
                torch.set_num_threads(restore)


def _quiet(*args: Any, **kwargs: Any) -> None:
    """A sink that prints nothing."""


def _seed_from(random_state: Any) -> int:
    """A torch seed from ``random_state`` without drawing from global RNGs."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))  # fresh OS entropy
    return int(check_random_state(random_state).randint(2**31 - 1))


class RedCoreClassifier(ClassifierMixin, BaseEstimator):
    """RedCore: classification from modalities that may be missing (Sun et al., AAAI 2024).

    Each modality is a group of columns of X; a sample misses a modality when
    all of its columns are NaN. The model learns a Gaussian (variational
    information bottleneck) representation of every available modality and,
    for every modality, a cross-modal representation computed from the other
    available ones, which stands in for the modality when it is missing
    (eq. 1). A joint classifier and one classifier per modality are trained
    with the VIB loss (eq. 3) plus imputation losses weighted by eta. With
    ``regulate=True``, eta is adapted during training from the relative
    advantage of each modality (eqs. 4-9, Algorithm 1), so that modalities
    with higher missing rates are not under-trained.

    Parameters
    ----------
    modalities : dict, list or None, default=None
        Which columns form which modality: a dict ``name -> columns`` or a
        list of column groups (named ``"m0"``, ``"m1"``, ...). Columns are int
        positions, a slice, a range, or column names when X is a DataFrame.
        None: all columns form one modality. Columns in no group are ignored
        (with a warning).
    xi1 : float, default=0.015
        Lower bound of every eta^m (xi_1, eq. 6b).
    xi2 : float, default=0.15
        l_p norm of eta (xi_2, eq. 6c). Requires ``xi1 * M**(1/p) <= xi2``.
    beta : float, default=0.7
        Weight of the newest imputation loss in its moving average (beta,
        eq. 9), in (0, 1].
    p : float, default=2
        Order of the norm constraining eta (p, eq. 6c), ``p >= 1``.
    regulate : bool, default=True
        Adapt eta by Algorithm 1 (RedCore). False keeps eta fixed and equal,
        ``xi2 / M**(1/p)`` per modality: the paper's "Core" ablation.
    unimodal_heads : bool, default=True
        Train one classifier per modality besides the joint one (the m in [M]
        terms of eq. 3). False keeps only the joint head: the paper's "Red"
        ablation.
    K : int, default=3
        Number of parameter updates between two eta updates (K, Algorithm 1).
    alpha1 : float, default=0.1
        Step size of the projected update of eta (alpha_1, eq. 8).
    kl_weight : float, default=1e-3
        Weight of the KL terms of the VIB loss relative to the cross-entropy:
        eq. (3) divided by gamma, so ``kl_weight = 1 / gamma``. (The paper
        quotes gamma = 0.008 for the form "KL - gamma log q", which read
        literally lets the KL term dominate; the authors' code weights the KL
        by 8e-4 against the cross-entropy, and so does this default, rounded.)
    modality_dropout : float, default=0.3
        Not in the paper. During training, each available modality of a
        sample is hidden from the inputs with this probability (at least one
        stays), so that the classifiers also learn from cross-modal
        representations of modalities that are in fact present; the hidden
        modality still supervises its cross-modal encoder through the
        imputation loss. This makes models trained on (nearly) complete data
        robust to modalities missing at prediction time. 0 gives the paper's
        recipe.
    stop_target_gradient : bool, default=True
        Not in the paper. The imputation loss ``||z_bar^m - z_hat^m||^2``
        trains the cross-modal encoder towards the self-modal representation
        but does not pull that representation towards its imputation. In the
        paper both sides receive the gradient; we measured that the own
        representations then shrink until every modality's imputation loss is
        about the same, which leaves the relative advantage (eq. 5) little to
        measure and costs accuracy (README, benchmark). False gives the
        paper's recipe.
    n_latent : int, default=64
        Dimension d of each representation z^m.
    encoder_hidden : tuple of int, default=(128,)
        Hidden widths of each self-modal encoder (an MLP).
    xenc_hidden : int, default=128
        Width of the residual stream of each cross-modal encoder.
    xenc_widths : tuple of int, default=(64, 32)
        Narrowing widths of each residual autoencoder block (mirrored on the
        way back: 128-64-32-64-128).
    xenc_blocks : int, default=2
        Number of residual autoencoder blocks per cross-modal encoder.
    classifier_hidden : int, default=128
        Hidden width of each classifier head.
    dropout : float, default=0.1
        Dropout in the encoders and classifier heads.
    max_epochs : int, default=100
        Number of passes over the training data.
    batch_size : int, default=128
        Mini-batch size.
    lr : float, default=1e-3
        Learning rate of Adam (alpha_2 of Algorithm 1).
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
        also the value given to a NaN inside a present modality.
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
        1 prints skorch's table of the epochs.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of columns of X seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names of X, when X was a DataFrame with string column names.
    modalities_ : dict of str to ndarray of int
        The columns of each modality, resolved from ``modalities``.
    missing_rate_ : ndarray of shape (n_modalities,)
        Missing rate MR^m of each modality in the training data used.
    eta_ : ndarray of shape (n_modalities,)
        Supervision weights eta at the end of training.
    eta_history_ : ndarray of shape (n_epochs, n_modalities)
        eta at the end of each epoch.
    relative_advantage_history_ : ndarray of shape (n_epochs, n_modalities)
        Relative advantage RA^m (eq. 5) of the moving-average imputation
        losses at the end of each epoch.
    imputation_loss_history_ : ndarray of shape (n_epochs, n_modalities)
        Mean over the epoch's mini-batches of the imputation loss L_MSE^m.
    n_iter_ : int
        Number of epochs run.
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of the training data: the probabilities returned
        for a sample with every modality missing.
    input_mean_, input_scale_ : ndarray of shape (n_features_in_,)
        Per-column centring and scaling learnt in ``fit``.
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.history`` holds the per-epoch losses.

    Notes
    -----
    *Missing data.* Training rows with every modality missing carry no
    information and are dropped with a warning. A modality missing in every
    training row raises ``ValueError`` (the paper assumes MR^m < 1). At
    prediction, a row with every modality missing gets ``class_prior_``.

    *Differences from the paper.* ``modality_dropout`` and
    ``stop_target_gradient`` are additions, on by default; set them to 0 and
    False for the paper's recipe.

    *Differences from the authors' code.* eta is projected exactly onto
    ``{eta >= xi1, ||eta||_p = xi2}``; predictions use the means of the
    Gaussian encoders (deterministic); missing modalities are masked rather
    than fed as zeros; every run is seeded from ``random_state``.

    References
    ----------
    J. Sun, X. Zhang, S. Han, Y.-P. Ruan, T. Li. "RedCore: Relative Advantage
    Aware Cross-modal Representation Learning for Missing Modalities with
    Imbalanced Missing Rates." AAAI 2024.

    Examples
    --------
    >>> from sklearn_redcore import RedCoreClassifier, mask_modalities
    >>> from sklearn_redcore.datasets import load_mfeat
    >>> data = load_mfeat(views=["fou", "zer", "mor"])
    >>> X = mask_modalities(data.data, data.modalities, [0.5, 0.2, 0.2], random_state=0)
    >>> clf = RedCoreClassifier(data.modalities, max_epochs=5, random_state=0).fit(X, data.target)
    >>> clf.predict_proba(X[:2]).shape
    (2, 10)
    >>> clf.eta_.shape
    (3,)
    """

    def __init__(self, modalities: ModalitySpec = None, *, xi1: float = 0.015, xi2: float = 0.15,
                 beta: float = 0.7, p: float = 2, regulate: bool = True, unimodal_heads: bool = True,
                 K: int = 3, alpha1: float = 0.1, kl_weight: float = 1e-3,
                 modality_dropout: float = 0.3, stop_target_gradient: bool = True, n_latent: int = 64,
                 encoder_hidden: tuple[int, ...] = (128,), xenc_hidden: int = 128,
                 xenc_widths: tuple[int, ...] = (64, 32), xenc_blocks: int = 2,
                 classifier_hidden: int = 128, dropout: float = 0.1, max_epochs: int = 100,
                 batch_size: int = 128, lr: float = 1e-3, weight_decay: float = 0.0,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 n_iter_no_change: int = 10, standardize: bool = True, device: str = "cpu",
                 n_threads: int | None = 1, random_state: int | np.random.RandomState | None = None,
                 verbose: int = 0) -> None:
        self.modalities = modalities
        self.xi1 = xi1
        self.xi2 = xi2
        self.beta = beta
        self.p = p
        self.regulate = regulate
        self.unimodal_heads = unimodal_heads
        self.K = K
        self.alpha1 = alpha1
        self.kl_weight = kl_weight
        self.modality_dropout = modality_dropout
        self.stop_target_gradient = stop_target_gradient
        self.n_latent = n_latent
        self.encoder_hidden = encoder_hidden
        self.xenc_hidden = xenc_hidden
        self.xenc_widths = xenc_widths
        self.xenc_blocks = xenc_blocks
        self.classifier_hidden = classifier_hidden
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.standardize = standardize
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> None:
        def positive_int(name: str) -> None:
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")

        def in_range(name: str, low: float, high: float, *, closed_high: bool = False) -> None:
            value = getattr(self, name)
            below_high = value <= high if closed_high else value < high
            ok = isinstance(value, numbers.Real) and low <= value and below_high
            if not ok:
                bracket = "]" if closed_high else ")"
                raise ValueError(f"{name} must lie in [{low}, {high}{bracket}, got {value!r}.")

        for name in ("max_epochs", "batch_size", "n_latent", "xenc_hidden", "xenc_blocks",
                     "classifier_hidden", "n_iter_no_change", "K"):
            positive_int(name)
        for name in ("encoder_hidden", "xenc_widths"):
            widths = getattr(self, name)
            if not all(isinstance(w, numbers.Integral) and w >= 1 for w in np.atleast_1d(widths)):
                raise ValueError(f"{name} must be a tuple of positive integers, got {widths!r}.")
        if self.n_threads is not None and (not isinstance(self.n_threads, numbers.Integral) or self.n_threads < 1):
            raise ValueError(f"n_threads must be None or a positive integer, got {self.n_threads!r}.")
        if not self.xenc_widths:
            raise ValueError("xenc_widths must not be empty.")
        in_range("modality_dropout", 0.0, 1.0)
        in_range("dropout", 0.0, 1.0)
        in_range("validation_fraction", 0.0, 1.0)
        for name in ("lr", "kl_weight", "weight_decay"):
            value = getattr(self, name)
            finite = isinstance(value, numbers.Real) and np.isfinite(value)
            if not finite or value < 0 or (name == "lr" and value == 0):
                raise ValueError(f"{name} must be a finite number {'> 0' if name == 'lr' else '>= 0'}, got {value!r}.")

    # --------------------------------------------------------------- internals
    def _prepare(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Standardize, impute partial NaN, order columns by modality; presence matrix."""
        present = modality_presence(X, self.modalities_)
        return standardize(X, self.input_mean_, self.input_scale_, self._column_order), present

    def _tensors(self, Z: np.ndarray, present: np.ndarray, device: str) -> dict[str, torch.Tensor]:
        return {"x": torch.as_tensor(Z, device=device), "present": torch.as_tensor(present, device=device)}

    # --------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any) -> RedCoreClassifier:
        """Train the RedCore network on X (NaN marks missing values) and y.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data. A modality of a sample is missing when all its
            columns are NaN.
        y : array-like of shape (n_samples,)
            Class labels, of any type.

        Returns
        -------
        self : RedCoreClassifier
            The fitted estimator.
        """
        self._check_params()
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64,
                             ensure_min_samples=2)
        check_label_types(y)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError("RedCoreClassifier needs samples of at least 2 classes; "
                             f"got only the class {self.classes_[0]}.")
        y_enc = encoder.transform(y)
        self.modalities_ = resolve_modalities(self.modalities, X.shape[1], getattr(self, "feature_names_in_", None))
        n_modalities = len(self.modalities_)
        check_regulation_params(n_modalities, self.xi1, self.xi2, self.p, self.beta, self.alpha1, self.K)
        device = _resolve_device(self.device)

        present = modality_presence(X, self.modalities_)
        empty = ~present.any(axis=1)
        if empty.all():
            raise ValueError("Every training sample misses every modality: there is nothing to learn from.")
        if empty.any():
            warnings.warn(f"{int(empty.sum())} training sample(s) miss every modality and are ignored.",
                          UserWarning, stacklevel=2)
            X, y_enc, present = X[~empty], y_enc[~empty], present[~empty]
        self.missing_rate_ = 1.0 - present.mean(axis=0)
        never = [name for name, rate in zip(self.modalities_, self.missing_rate_) if rate == 1.0]
        if never:
            raise ValueError(f"Modality {never[0]!r} is missing in every training sample (missing rate 1); "
                             "drop it from `modalities` or provide samples that have it.")

        mean, scale = column_stats(X)  # NaN for all-NaN columns
        mean = np.where(np.isfinite(mean), mean, 0.0)
        size = np.maximum(1.0, np.abs(mean))  # a constant column's rounding residue is scaled by its size
        scale = np.where(np.isfinite(scale) & (scale > 1e-12 * size), scale, size)
        if not self.standardize:
            scale = np.ones_like(scale)
        self.input_mean_, self.input_scale_ = mean, scale
        self._column_order = np.concatenate(list(self.modalities_.values()))
        Z, present = self._prepare(X)
        self.class_prior_ = np.bincount(y_enc, minlength=len(self.classes_)) / len(y_enc)

        seed = _seed_from(self.random_state)
        cuda_devices = [torch.device(device).index or 0] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda_devices), _torch_threads(self.n_threads):
            torch.manual_seed(seed)
            self.net_ = self._build_net(n_modalities, device, seed)
            train_idx = slice(None)  # a view: no copy of the training data
            if self.early_stopping:
                train_idx, valid_idx = self._validation_split(y_enc, seed)
                valid = Dataset(self._tensors(Z[valid_idx], present[valid_idx], device),
                                torch.as_tensor(y_enc[valid_idx], device=device))
                self.net_.set_params(train_split=predefined_split(valid))
            self.net_.fit(self._tensors(Z[train_idx], present[train_idx], device),
                          torch.as_tensor(y_enc[train_idx], device=device))

        history = self.net_.history
        self.n_iter_ = len(history)
        self.eta_ = np.asarray(self.net_.regulator.eta, dtype=float).copy()
        for key in HISTORY_KEYS:
            setattr(self, f"{key}_history_", np.asarray(history[:, key], dtype=float))
        return self

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

    def _build_net(self, n_modalities: int, device: str, seed: int) -> RedCoreNet:
        regulator = SupervisionRegulator(n_modalities, xi1=self.xi1, xi2=self.xi2, p=self.p, beta=self.beta,
                                         alpha1=self.alpha1, K=self.K, regulate=self.regulate)
        generator = torch.Generator().manual_seed(seed)
        callbacks = [("grad_clip", GradientNormClipping(gradient_clip_value=1.0))]
        if self.early_stopping:
            callbacks.append(("early_stopping", EarlyStopping(monitor="valid_loss", patience=self.n_iter_no_change,
                                                               load_best=True, sink=print if self.verbose else _quiet)))
        sizes = [len(cols) for cols in self.modalities_.values()]
        return RedCoreNet(
            RedCoreModule,
            module__modality_sizes=sizes,
            module__n_classes=len(self.classes_),
            module__n_latent=self.n_latent,
            module__encoder_hidden=tuple(np.atleast_1d(self.encoder_hidden).tolist()),
            module__xenc_hidden=self.xenc_hidden,
            module__xenc_widths=tuple(np.atleast_1d(self.xenc_widths).tolist()),
            module__xenc_blocks=self.xenc_blocks,
            module__classifier_hidden=self.classifier_hidden,
            module__dropout=self.dropout,
            module__unimodal_heads=self.unimodal_heads,
            module__modality_dropout=self.modality_dropout,
            criterion=torch.nn.CrossEntropyLoss,  # unused: the loss is redcore_loss
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
            callbacks__print_log__keys_ignored=list(HISTORY_KEYS),
            device=device,
            verbose=self.verbose,
            regulator=regulator,
            kl_weight=self.kl_weight,
            detach_target=self.stop_target_gradient,
        )

    # ----------------------------------------------------------------- predict
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities from the available modalities of each sample.

        Missing modalities are replaced by their cross-modal representations
        (eq. 1); the encoders' means are used, so the result is deterministic.
        Rows with every modality missing get ``class_prior_``.

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
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64, reset=False)
        Z, present = self._prepare(X)
        module, device = self.net_.module_, self.net_.device
        module.eval()
        chunks = []
        with torch.no_grad(), _torch_threads(self.n_threads):
            for start in range(0, len(Z), 4096):
                inputs = self._tensors(Z[start:start + 4096], present[start:start + 4096], device)
                logits = module(**inputs).logits
                chunks.append(torch.softmax(logits.double(), dim=1).cpu().numpy())
        proba = np.concatenate(chunks) if chunks else np.empty((0, len(self.classes_)))
        proba[~present.any(axis=1)] = self.class_prior_
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
