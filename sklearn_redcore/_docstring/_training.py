"""The shared texts of the training loop's parameters and of the fitted attributes of every estimator."""

from __future__ import annotations

__all__ = [
    "CLASSIFIER_ATTRIBUTES",
    "COMMON_ATTRIBUTES",
    "REGRESSOR_ATTRIBUTES",
    "TRAINING_PARAMETERS",
    "common_attributes",
    "training_parameters",
]


#: The parameters of the training loop, shared by every estimator of the package.
TRAINING_PARAMETERS = """\
    max_epochs : int, default=100
        Most passes over the training data (training may stop earlier: see
        ``early_stopping`` and ``tol``).
    batch_size : int or "auto", default=128
        Mini-batch size. "auto": 256 up to 16,384 training rows per epoch;
        above, 256 times the largest power of two not above the rows divided
        by 16,384, at most 4096 (1024 for 80,000 rows). The learning rate is
        the same for every batch size. The rows per epoch exclude the
        validation rows; ``batch_size_`` holds the value used.
    lr : float, default=1e-3
        Learning rate of Adam.
    weight_decay : float, default=0.0
        Weight decay of Adam.
    early_stopping : "auto" or bool, default="auto"
        True: hold out ``validation_fraction`` of the training data
        (stratified) and stop when the joint head's validation cross-entropy
        has not improved for ``n_iter_no_change`` epochs, keeping the weights
        (and, for RedCore, the state of Algorithm 1) of the best epoch.
        False: train on every row, and stop when the training loss has
        converged (see ``tol``). "auto": True when there are at least 10,000
        training rows (as scikit-learn's gradient boosting decides), where
        the held-out rows cost little and estimate well; False below.
    validation_fraction : float, default=0.1
        Share of the training data held out when early stopping is on.
    n_iter_no_change : int or "auto", default=10
        Patience of both stopping rules, in epochs. "auto": 10 up to 16,384
        training rows per epoch; above, the epochs that hold 163,840 rows,
        at least 3 (3 for 80,000 rows), since a large training set improves
        the network many times within one epoch. ``n_iter_no_change_``
        holds the value used.
    tol : float or None, default=1e-3
        Without validation data: stop when the joint head's training
        cross-entropy (its mean over the epoch's mini-batches) has not
        fallen below ``(1 - tol)`` times its best value for
        ``n_iter_no_change`` epochs. None: run exactly ``max_epochs``
        epochs, the paper's fixed-epoch recipe (with ``early_stopping=False``).
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in every loss (``{label: weight}``;
        "balanced": ``n_samples / (n_classes * count)``, as in scikit-learn),
        multiplying ``sample_weight`` (see ``fit``). None: equal weights.
    feature_transform : {"auto", "standard", "center", "robust", "quantile"}, default="auto"
        How each column is transformed before the network, fitted on the
        observed values of the training rows: "standard" (mean and standard
        deviation), "center" (mean only), "robust" (median and interquartile
        range, then clipped smoothly within :math:`\\pm 3`), "quantile" (to a
        standard normal through its empirical quantiles), or "auto": "robust"
        for the columns whose standard deviation exceeds their interquartile
        range (``inputs_.robust_columns_``), "standard" for the others (not in
        the paper). A NaN inside a present modality becomes the centre of the
        map. :ref:`modalities` gives the details and the edge cases.
    warm_start : bool, default=False
        When fitting an already fitted estimator again on data with the same
        features and classes, continue training the same network (and, for
        RedCore, the same state of Algorithm 1) for ``max_epochs`` more
        epochs instead of starting afresh. The input transform of the first
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

#: The fitted attributes of every classifier of the package that describe the targets.
CLASSIFIER_ATTRIBUTES = """\
    classes_ : ndarray of shape (n_classes,)
        Class labels."""

#: The fitted attributes of every regressor of the package that describe the targets.
REGRESSOR_ATTRIBUTES = """\
    n_outputs_ : int
        Number of targets.
    target_mean_, target_scale_ : ndarray of shape (n_outputs,)
        Mean and standard deviation of the training targets (weighted by
        ``sample_weight``), by which the network's targets are
        standardised; ``target_mean_`` is the prediction for a sample with
        no modality at all.
    target_constant_ : ndarray of bool of shape (n_outputs,)
        Whether each target took a single value in training; such a target
        is predicted as that value for every sample."""

#: The fitted attributes of every estimator that describe the training data.
_DATA_ATTRIBUTES = """\
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
        Number of epochs run (in total, over warm starts)."""

#: The classifiers' prediction without any modality.
_CLASS_PRIOR = """\
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of the training data; the prediction for a sample
        with no modality at all."""

#: The fitted attributes of every estimator that describe the fitted inputs and network.
_FIT_ATTRIBUTES = """\
    inputs_ : ModalityInputs
        The fitted map from the columns of X to the network's inputs: the
        modalities' layout and the transform of the columns.
    input_mean_, input_scale_ : ndarray of shape (n_features,)
        Centre and scale of the columns (read from ``inputs_``): mean and
        standard deviation, mean and 1 ("center"), median and robust spread
        ("robust"), 0 and 1 ("quantile", whose knots are in
        ``inputs_.quantiles_``), per column one of the first and third
        ("auto", the robust ones in ``inputs_.robust_columns_``).
    do_early_stopping_ : bool
        Whether the first fit held out validation data to stop (the value
        ``early_stopping="auto"`` chose).
    batch_size_, n_iter_no_change_ : int
        The mini-batch size and the stopping rules' patience of the first
        fit (the values ``"auto"`` chose).
    interrupted_ : bool
        True when the last fit was stopped by KeyboardInterrupt (the model
        keeps the weights described by the warning it gave).
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module and
        ``net_.history`` the record of the epochs."""

#: The fitted attributes shared by every classifier of the package (see :func:`common_attributes`).
COMMON_ATTRIBUTES = "\n".join([CLASSIFIER_ATTRIBUTES, _DATA_ATTRIBUTES, _CLASS_PRIOR, _FIT_ATTRIBUTES])


_CLASS_WEIGHT = """\
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in every loss (``{label: weight}``;
        "balanced": ``n_samples / (n_classes * count)``, as in scikit-learn),
        multiplying ``sample_weight`` (see ``fit``). None: equal weights.
"""


def _typed(default: int | str) -> str:
    """The type and default of a parameter that takes an int or "auto", as numpydoc writes them."""
    shown = f'"{default}"' if isinstance(default, str) else str(default)
    return f'int or "auto", default={shown}'


def training_parameters(
    *, batch_size: int | str = 128, n_iter_no_change: int | str = 10, lr: str = "1e-3", task: str = "classification"
) -> str:
    """The documentation of the training loop's parameters, with an estimator's defaults of the two that differ.

    ``task="regression"`` words the stopping rules for the squared error of
    the standardised targets and leaves out ``class_weight``.
    """
    text = TRAINING_PARAMETERS.replace('batch_size : int or "auto", default=128', f"batch_size : {_typed(batch_size)}")
    patience = 'n_iter_no_change : int or "auto", default=10'
    text = text.replace(patience, f"n_iter_no_change : {_typed(n_iter_no_change)}")
    text = text.replace("lr : float, default=1e-3", f"lr : float, default={lr}")
    if task == "regression":
        text = text.replace(_CLASS_WEIGHT, "")
        text = text.replace(
            "(stratified) and stop when the joint head's validation cross-entropy",
            "and stop when the joint head's validation squared error",
        )
        text = text.replace("training\n        cross-entropy (its mean", "training\n        squared error (its mean")
        text = text.replace("same\n        features and classes,", "same\n        features and targets,")
        # a rewording of TRAINING_PARAMETERS that these replacements miss must not pass unnoticed
        leftover = [word for word in ("class_weight", "cross-entropy", "classes", "stratified") if word in text]
        if leftover:
            raise RuntimeError(f"training_parameters(task='regression') left {leftover} in the text: reword it")
    return text


def common_attributes(task: str = "classification") -> str:
    """The shared fitted attributes of a classifier (``classes_`` and ``class_prior_`` among them) or a regressor."""
    if task == "classification":
        return COMMON_ATTRIBUTES
    return "\n".join([REGRESSOR_ATTRIBUTES, _DATA_ATTRIBUTES, _FIT_ATTRIBUTES])
