"""Property-based tests: random modality specifications, missingness, labels and dtypes.

Every generated case must either fit and give finite probabilities whose rows
sum to one (on the training X and on X with more modalities hidden), or raise
a ValueError / TypeError that comes from this package or from scikit-learn's
input validation: never a torch error, an IndexError / KeyError /
ZeroDivisionError, or a numpy RuntimeWarning (they are turned into errors).

By default 200 derandomized examples run, the same ones every time (about 20 s
on two busy cores). For a longer, randomized campaign set
``REDCORE_FUZZ_EXAMPLES`` (and a seed, to be able to repeat it)::

    REDCORE_FUZZ_EXAMPLES=3000 pytest tests/test_fuzz.py --hypothesis-seed=1 --hypothesis-show-statistics

``--hypothesis-show-statistics`` prints how many cases ran and the share of
each outcome (the ``outcome:`` events below): fitted, or which clear error.
"""

from __future__ import annotations

import os
import re
import traceback
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sklearn_redcore import RedCoreClassifier
from sklearn_redcore._inputs import FEATURE_TRANSFORMS, modality_presence

# A network small enough that one example (two fits at most) costs well under a second.
TINY = dict(
    n_latent=4, encoder_hidden=(4,), xenc_hidden=4, xenc_widths=(2,), xenc_blocks=1, classifier_hidden=4, lr=3e-3
)

_CAMPAIGN = int(os.environ.get("REDCORE_FUZZ_EXAMPLES", "0"))
FUZZ_SETTINGS = settings(
    max_examples=_CAMPAIGN or 200,
    deadline=None,
    derandomize=not _CAMPAIGN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

# Where a clear error may come from: this package or scikit-learn's validation
# (which lets numpy's and pandas' conversion errors through, e.g. "could not
# convert string to float").
_CLEAR_SOURCES = ("sklearn_redcore", "sklearn", "numpy", "pandas")
_FORBIDDEN_FRAMES = ("/torch/", "/skorch/")


def assert_clear_error(exc: BaseException, *, allow_divergence: bool = False) -> None:
    """The error a user sees must be a ValueError/TypeError raised outside torch.

    ``allow_divergence``: also accept the FloatingPointError with which training
    stops when its loss is not finite.
    """
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    allowed = (ValueError, TypeError, FloatingPointError) if allow_divergence else (ValueError, TypeError)
    assert type(exc) in allowed or (
        isinstance(exc, (ValueError, TypeError)) and type(exc).__module__.split(".")[0] in _CLEAR_SOURCES
    ), f"unexpected error type:\n{text}"
    frames = traceback.extract_tb(exc.__traceback__)
    if any(part in frame.filename for frame in frames for part in _FORBIDDEN_FRAMES):
        # Through torch or skorch (e.g. the training loop): only a `raise` of this package.
        innermost = frames[-1]
        assert "sklearn_redcore" in innermost.filename and (innermost.line or "").startswith("raise"), (
            f"error raised from torch/skorch:\n{text}"
        )
    assert str(exc).strip(), f"empty error message:\n{text}"


def _sklearn_inf_warning(exc: BaseException) -> bool:
    """scikit-learn's finiteness check sums X: with +inf and -inf it warns "invalid value"
    before raising its ValueError. Not this package's doing; accepted where X has both."""
    return isinstance(exc, RuntimeWarning) and any(
        frame.filename.endswith(os.path.join("sklearn", "utils", "validation.py"))
        for frame in traceback.extract_tb(exc.__traceback__)
    )


# ------------------------------------------------------------------ the cases
@dataclass
class Case:
    X: Any
    y: Any
    spec: Any
    params: dict
    # "ok": must fit; "error": must raise a clear error matching `match`; "either": clear error allowed
    expect: str = "ok"
    match: str = ""


COLUMN_DTYPES = ["float64", "float32", "int64", "Int64", "Float64", "object", "bool"]
ARRAY_DTYPES = ["float64", "float32", "int64", "object", "bool"]
LABEL_KINDS = [
    "int",
    "negative",
    "string",
    "bool",
    "integral_float",
    "categorical",
    "series",
    "list",
    "mixed_object",
    "fractional_float",
]


def _column_group(draw, cols: list[int], p: int, names: list[str] | None, contiguous: bool) -> Any:
    forms = ["list", "array", "negative", "tuple"]
    if len(cols) == 1:
        forms.append("int")
    if contiguous:
        forms += ["slice", "negative_slice", "range"]
    if names is not None:
        forms += ["names", "names"]
    form = draw(st.sampled_from(forms))
    if form == "list":
        return list(cols)
    if form == "array":
        return np.asarray(cols, dtype=draw(st.sampled_from([np.int64, np.int32, np.intp])))
    if form == "negative":
        return [c - p for c in cols]
    if form == "tuple":
        return tuple(cols)
    if form == "int":
        return int(cols[0]) if draw(st.booleans()) else np.int64(cols[0])
    if form == "slice":
        return slice(cols[0], cols[-1] + 1)
    if form == "negative_slice":
        return slice(cols[0] - p, cols[-1] + 1 - p if cols[-1] + 1 < p else None)
    if form == "range":
        return range(cols[0], cols[-1] + 1)
    chosen = [names[c] for c in cols]
    return chosen[0] if len(chosen) == 1 and draw(st.booleans()) else chosen


def _convert_column(values: np.ndarray, dtype: str) -> Any:
    """One float column with NaN -> the asked dtype (NaN becomes that dtype's missing value)."""
    nan = np.isnan(values)
    finite = np.where(np.isfinite(values), values, 0.0)
    if dtype == "float64":
        return values
    if dtype == "float32":  # huge values clipped to float32's range (infinities are drawn on their own)
        return np.clip(values, -3e38, 3e38).astype(np.float32)
    if dtype in ("int64", "Int64"):
        ints = np.round(np.clip(finite, -1e12, 1e12)).astype(np.int64)
        if dtype == "int64" and not nan.any():
            return ints
        return pd.array([None if m else int(v) for v, m in zip(ints, nan)], dtype="Int64")
    if dtype == "Float64":
        return pd.array([None if m else float(v) for v, m in zip(values, nan)], dtype="Float64")
    if dtype == "object":
        out = values.astype(object)
        out[nan] = None
        return out
    # bool: a nullable boolean column where values are missing
    flags = finite > 0
    if not nan.any():
        return flags
    return pd.array([None if m else bool(v) for v, m in zip(flags, nan)], dtype="boolean")


def _labels(draw, rng: np.random.Generator, n: int) -> tuple[Any, str, str]:
    """Labels of a random kind; returns (y, expect, match)."""
    kind = draw(st.sampled_from(LABEL_KINDS))
    n_classes = draw(st.sampled_from([2, 2, 3, 4, 1] if kind != "bool" else [2, 2, 2, 1]))
    codes = rng.integers(n_classes, size=n)
    if draw(st.sampled_from([True, True, True, False])):  # every class present at least once when possible
        codes[: min(n, n_classes)] = np.arange(min(n, n_classes))
    distinct = len(np.unique(codes))
    event(f"labels: {kind}")
    if kind == "int":
        y = codes
    elif kind == "negative":
        y = codes * 7 - 1000
    elif kind == "string":
        y = np.array(["class-" + str(c) for c in codes])
    elif kind == "bool":
        y = codes.astype(bool)
    elif kind == "integral_float":
        y = codes.astype(float) * 2.0
    elif kind == "categorical":
        y = pd.Categorical(np.array(list("abcd"))[codes], categories=list("dcbae"))
    elif kind == "series":
        y = pd.Series(codes + 1, name="target")
    elif kind == "list":
        y = [int(c) for c in codes]
    elif kind == "mixed_object":
        y = np.array([c if i % 2 else str(c) for i, c in enumerate(codes)], dtype=object)  # n >= 2
        return y, "error", "y mixes labels of types"
    else:  # fractional floats: a regression target
        y = codes + 0.5
        return y, "error", "Unknown label type|continuous"
    if distinct < 2:
        return y, "error", "at least 2 classes"
    return y, "ok", ""


@st.composite
def cases(draw) -> Case:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(2, 40))
    n_modalities = draw(st.integers(1, 5))
    sizes = [draw(st.integers(1, 6)) for _ in range(n_modalities)]
    n_unused = draw(st.integers(0, 2))
    p = sum(sizes) + n_unused
    contiguous = draw(st.booleans())
    layout = list(range(p)) if contiguous else draw(st.permutations(range(p)))
    groups, start = [], 0
    for size in sizes:
        groups.append(sorted(layout[start : start + size]) if not contiguous else layout[start : start + size])
        start += size

    # --- values: normal columns of varied scale, some constant, some huge
    scales = (
        rng.choice([1.0, 1e-6, 1e6, 0.0, 1e300], size=p, p=[0.6, 0.1, 0.1, 0.1, 0.1])
        if draw(st.booleans())
        else np.ones(p)
    )
    values = rng.normal(size=(n, p)) * scales + rng.normal(size=p) * np.where(scales == 0, 1.0, scales)
    if draw(st.booleans()):  # a few huge single values
        k = draw(st.integers(1, 3))
        values[rng.integers(n, size=k), rng.integers(p, size=k)] = rng.choice([1e300, -1e300, 1e30, 3e38], size=k)

    # --- missingness
    missing = np.zeros((n, p), dtype=bool)
    for cols in groups:
        rate = draw(st.floats(0.0, 0.95))
        missing[np.ix_(rng.random(n) < rate, cols)] = True
    if draw(st.booleans()):  # one modality present in a single sample
        cols = groups[draw(st.integers(0, n_modalities - 1))]
        missing[:, cols] = True
        missing[rng.integers(n), cols] = False
    if draw(st.booleans()):  # samples that miss every modality
        missing[rng.integers(n, size=draw(st.integers(1, max(1, n // 3))))] = True
    if draw(st.booleans()):  # partial NaN inside present modalities
        missing |= rng.random((n, p)) < draw(st.floats(0.0, 0.5))
    values[missing] = np.nan
    n_inf = draw(st.sampled_from([0] * 10 + [1, 2]))
    if n_inf:
        values[rng.integers(n, size=n_inf), rng.integers(p, size=n_inf)] = rng.choice([np.inf, -np.inf], size=n_inf)

    # --- container and dtypes
    container = draw(st.sampled_from(["array", "frame_str", "frame_int"]))
    names = None
    if container == "array":
        dtype = draw(st.sampled_from(ARRAY_DTYPES))
        if dtype in ("int64", "bool") and np.isnan(values).any():
            dtype = "float64"  # no missing value in these numpy dtypes
        columns = [_convert_column(values[:, j], dtype) for j in range(p)]
        X = np.column_stack(columns) if dtype != "object" else np.array(columns, dtype=object).T
        event(f"X: ndarray {dtype}")
    else:
        dtypes = [draw(st.sampled_from(COLUMN_DTYPES)) for _ in range(p)]
        if container == "frame_str":
            names = [f"c{j}_{draw(st.sampled_from(['x', 'é', 'long name']))}" for j in range(p)]
            labels = names
        else:
            labels = list(range(p))
        X = pd.DataFrame(
            {label: _convert_column(values[:, j], dtype) for j, (label, dtype) in enumerate(zip(labels, dtypes))}
        )
        event(f"X: DataFrame ({'str' if names else 'int'} names)")

    spec_groups = [_column_group(draw, cols, p, names, contiguous) for cols in groups]
    if draw(st.booleans()):
        # names: short strings, sometimes ints (1 and "1" name the same modality: an error)
        keys = draw(
            st.lists(
                st.one_of(st.text("abc1_", min_size=1, max_size=3), st.integers(0, 3)),
                min_size=n_modalities,
                max_size=n_modalities,
                unique=True,
            )
        )
        spec = dict(zip(keys, spec_groups))
    else:
        spec = spec_groups if draw(st.booleans()) else tuple(spec_groups)

    y, expect, match = _labels(draw, rng, n)
    params = TINY | dict(
        max_epochs=draw(st.integers(1, 2)),
        batch_size=draw(st.integers(2, 16)),
        feature_transform=draw(st.sampled_from(FEATURE_TRANSFORMS)) if draw(st.booleans()) else "standard",
        modality_dropout=draw(st.sampled_from([0.0, 0.3])),
        unimodal_heads=draw(st.booleans()),
        regulate=draw(st.booleans()),
        early_stopping=draw(st.sampled_from([False, False, False, True])),
        random_state=0,
    )
    case = Case(X, y, spec, params, expect, match)

    # --- what the data itself makes of the case: any of the reasons may be the one reported
    as_float = pd.DataFrame(X).astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
    present = np.column_stack([~np.isnan(as_float[:, cols]).all(axis=1) for cols in groups])
    reasons = [match] if expect == "error" else []
    if isinstance(spec, dict) and len({str(key) for key in spec}) < len(spec):
        reasons.append("Two modalities are named")
    if np.isinf(as_float).any():
        reasons.append("infinity")
    if not present.any():
        reasons.append("Every training sample misses every modality")
    elif not present.any(axis=0).all():
        reasons.append("is missing in every training sample")
    if reasons:
        case.expect, case.match = "error", "|".join(reasons)
    else:
        allowed = []  # errors that these settings may cause
        if params["early_stopping"]:
            allowed.append("early_stopping")  # too few samples to hold out a validation set
        if params["feature_transform"] == "center" and np.nanmax(np.abs(as_float), initial=0.0) > 1e20:
            # Unscaled extreme values: refused before training, or (within float32's range)
            # training diverges, which RedCoreNet reports as a FloatingPointError.
            allowed.append("too large for the network|training loss became")
        if allowed:
            case.expect, case.match = "either", "|".join(allowed)
    return case


def _more_missing(X: Any, spec_groups: list[np.ndarray], rng: np.random.Generator) -> Any:
    """X with half of each modality's samples hidden (as float, same container)."""
    if isinstance(X, pd.DataFrame):
        values = X.astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = np.asarray(X, dtype=np.float64)
    values = values.copy()
    for cols in spec_groups:
        values[np.ix_(rng.random(len(values)) < 0.5, cols)] = np.nan
    if isinstance(X, pd.DataFrame):
        return pd.DataFrame(values, columns=X.columns)
    return values


def _check_proba(clf: RedCoreClassifier, X: Any) -> None:
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), len(clf.classes_))
    assert np.isfinite(proba).all(), proba
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(proba, axis=1)])


def run_case(case: Case) -> str:
    """Fit and predict, check the outcome against the expectation; return the outcome's name."""
    clf = RedCoreClassifier(case.spec, **case.params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # unused columns, dropped rows: expected here
        warnings.simplefilter("error", RuntimeWarning)  # a numpy warning is a bug
        try:
            clf.fit(case.X, case.y)
        except Exception as exc:  # noqa: BLE001 - classified below
            if _sklearn_inf_warning(exc) and "infinity" in case.match:
                return "clear error (scikit-learn's warning for +inf and -inf)"
            assert case.expect != "ok", f"valid case failed: {type(exc).__name__}: {exc}"
            assert_clear_error(exc, allow_divergence="training loss became" in case.match)
            assert case.match == "" or re.search(case.match, str(exc)), (
                f"expected an error matching {case.match!r}, got {type(exc).__name__}: {exc}"
            )
            return f"clear error ({case.match or type(exc).__name__})"
        assert case.expect != "error", f"expected an error matching {case.match!r}, but fit succeeded"
        _check_proba(clf, case.X)
        rng = np.random.default_rng(0)
        _check_proba(clf, _more_missing(case.X, list(clf.modalities_.values()), rng))
        empty = _more_missing(case.X, [np.arange(clf.n_features_in_)], np.random.default_rng(1))
        _check_proba(clf, empty)
        # rows left without any modality get the class prior
        nothing = ~modality_presence(np.asarray(empty, dtype=float), clf.modalities_).any(axis=1)
        np.testing.assert_array_equal(clf.predict_proba(empty)[nothing], np.tile(clf.class_prior_, (nothing.sum(), 1)))
    return "fitted"


@FUZZ_SETTINGS
@given(case=cases())
def test_fit_predict_or_clear_error(case: Case) -> None:
    outcome = run_case(case)
    event(f"outcome: {outcome}")
