"""Values in a model file: Python, numpy and torch values as JSON with tags, and the arrays they refer to.

JSON holds None, booleans, numbers, strings and lists as they are; every
JSON object is a tag that says what it holds:

* ``{"__ndarray__": i}`` and ``{"__tensor__": i}``: a numpy array or a torch
  tensor whose bytes are array i of the file (each array is referred to
  once), its dtype one of :data:`ARRAY_DTYPES`;
* ``{"__strings__": [...], "shape": [...], "width": w}``: a numpy array of
  unicode strings; ``{"__objects__": [...], "shape": [...]}``: a numpy array
  of Python strings and numbers (dtype object);
* ``{"__dict__": {...}}`` (string keys), ``{"__items__": [[key, value], ...]}``
  (other keys), ``{"__tuple__": [...]}``, ``{"__slice__": [start, stop, step]}``,
  ``{"__range__": [start, stop, step]}``;
* ``{"__sequence__": [columns, n_steps, n_features]}``: a
  :class:`~sklearn_redcore.SequenceModality`; ``{"__modality_inputs__": state}``:
  the fitted :class:`~sklearn_redcore._inputs.ModalityInputs`, read back as
  :class:`SavedInputs` for the checks of ``_fitted.py``.

:class:`ArrayReader` checks each declared array (dtype from the allowlist,
shape, byte length equal to the blob's) before a view of its bytes is made.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .._inputs import ModalityInputs, SequenceModality
from ._container import ModelFileError

__all__ = ["ARRAY_DTYPES", "ArrayReader", "ArrayWriter", "SavedInputs", "decode", "encode"]

#: The dtypes of the arrays a file may hold: fixed-size numbers and booleans, nothing with Python objects.
ARRAY_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"]
)
#: Most dimensions of an array.
MAX_NDIM = 8
#: Memory a string array may take beyond its longest string's width (numpy pads every string to the width).
_STRING_PADDING_CHARS = 1 << 18
_LITTLE = sys.byteorder == "little"


@dataclass
class SavedInputs:
    """The state of a fitted ``ModalityInputs`` as read from a file, not yet checked (see ``_fitted.py``)."""

    state: dict[str, Any]


# ------------------------------------------------------------------- writing
class ArrayWriter:
    """The arrays of a file being written: their declarations and their bytes."""

    def __init__(self) -> None:
        self.declared: list[dict[str, Any]] = []
        self.blobs: list[memoryview] = []

    def add(self, array: np.ndarray, where: str) -> int:
        """Declare ``array`` and return its index."""
        if array.dtype.name not in ARRAY_DTYPES:
            raise TypeError(f"{where}: an array of {array.dtype} cannot be saved in the safe format")
        little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
        self.declared.append({"dtype": array.dtype.name, "shape": list(array.shape)})
        self.blobs.append(memoryview(little.reshape(-1).view(np.uint8)))
        return len(self.blobs) - 1


def encode(value: Any, where: str, arrays: ArrayWriter) -> Any:
    """``value`` as JSON with tags (its arrays added to ``arrays``); TypeError for what the format cannot hold."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor):
        return {"__tensor__": arrays.add(value.detach().cpu().numpy(), where)}
    if isinstance(value, np.ndarray):
        return _encode_array(value, where, arrays)
    if isinstance(value, slice):
        return {"__slice__": [encode(part, where, arrays) for part in (value.start, value.stop, value.step)]}
    if isinstance(value, range):
        return {"__range__": [value.start, value.stop, value.step]}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, where, arrays) for v in value]}
    if isinstance(value, list):
        return [encode(v, where, arrays) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"__dict__": {k: encode(v, f"{where}[{k!r}]", arrays) for k, v in value.items()}}
        # other keys (class labels of class_weight, the optimiser's parameter numbers) as pairs
        return {
            "__items__": [[encode(k, where, arrays), encode(v, f"{where}[{k!r}]", arrays)] for k, v in value.items()]
        }
    if isinstance(value, SequenceModality):
        return {"__sequence__": [encode(value.columns, where, arrays), value.n_steps, value.n_features]}
    if isinstance(value, ModalityInputs):
        return {"__modality_inputs__": encode(value.get_state(), where, arrays)}
    raise TypeError(
        f"{where}: a value of type {type(value).__name__} cannot be saved in the safe format; "
        "use pickle for it, or give a parameter of a plain type"
    )


def _encode_array(value: np.ndarray, where: str, arrays: ArrayWriter) -> dict[str, Any]:
    if value.dtype.kind in "biuf":
        return {"__ndarray__": arrays.add(value, where)}
    items = value.ravel().tolist()
    if value.dtype.kind == "U":
        return {"__strings__": items, "shape": list(value.shape), "width": value.dtype.itemsize // 4}
    if value.dtype.kind == "O" and all(type(v) in (str, int, float, bool) for v in items):
        return {"__objects__": items, "shape": list(value.shape)}
    raise TypeError(f"{where}: an array of {value.dtype} cannot be saved in the safe format")


# ------------------------------------------------------------------- reading
class ArrayReader:
    """The arrays of a file being read: each declaration checked against its blob, each array handed out once.

    Parameters
    ----------
    declared : object
        The document's ``"arrays"``: one ``{"dtype", "shape"}`` per array.
    blobs : list of bytearray
        The bytes of each array entry.
    """

    def __init__(self, declared: Any, blobs: list[bytearray]) -> None:
        if not isinstance(declared, list) or len(declared) != len(blobs):
            raise ModelFileError(f"its document declares {_count(declared)} arrays and the file holds {len(blobs)}")
        self._dtypes, self._shapes = [], []
        for index, (entry, blob) in enumerate(zip(declared, blobs)):
            if not isinstance(entry, dict) or set(entry) != {"dtype", "shape"}:
                raise ModelFileError(f"array {index} is declared without exactly a dtype and a shape")
            if not isinstance(entry["dtype"], str) or entry["dtype"] not in ARRAY_DTYPES:
                raise ModelFileError(
                    f"array {index} has the dtype {str(entry['dtype'])[:40]!r}, not a plain number type"
                )
            dtype = np.dtype(entry["dtype"]).newbyteorder("<")
            shape = _shape(entry["shape"], f"array {index}")
            nbytes = math.prod(shape) * dtype.itemsize
            if nbytes != len(blob):
                raise ModelFileError(
                    f"array {index} is declared as {entry['dtype']} {tuple(shape)} ({nbytes} bytes) but the file "
                    f"holds {len(blob)} bytes for it"
                )
            self._dtypes.append(dtype)
            self._shapes.append(tuple(shape))
        self._blobs: list[bytearray | None] = list(blobs)
        self.nbytes = [len(blob) for blob in blobs]

    def take(self, index: Any, where: str) -> np.ndarray:
        """Array ``index`` as a numpy array over its bytes (no copy); each array can be taken once."""
        if not _is_int(index) or not 0 <= index < len(self._blobs):
            raise ModelFileError(f"{where} refers to an array that the file does not declare")
        blob = self._blobs[index]
        if blob is None:
            raise ModelFileError(f"{where} refers to array {index} a second time")
        self._blobs[index] = None
        array = np.frombuffer(blob, dtype=self._dtypes[index]).reshape(self._shapes[index])
        if array.dtype.kind == "b" and blob and max(blob) > 1:
            raise ModelFileError(f"{where}: a boolean array holds bytes other than 0 and 1")
        return array if _LITTLE else array.astype(array.dtype.newbyteorder("="))

    def check_all_taken(self) -> None:
        """Refuse arrays that no value refers to."""
        unused = [i for i, blob in enumerate(self._blobs) if blob is not None]
        if unused:
            raise ModelFileError(f"array {unused[0]} is declared but nothing refers to it")


def decode(value: Any, where: str, arrays: ArrayReader) -> Any:
    """The value that :func:`encode` wrote, its arrays taken from ``arrays``; ModelFileError for anything else."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(v, where, arrays) for v in value]
    if len(value) == 1 and "__dict__" in value and isinstance(value["__dict__"], dict):
        return {k: decode(v, f"{where}[{k!r}]", arrays) for k, v in value["__dict__"].items()}
    tag = next((key for key in _TAGS if key in value), None)
    if tag is None or set(value) != _TAGS[tag]:
        raise ModelFileError(f"{where} holds an entry the format does not know ({sorted(value)[:5]!r})")
    if tag == "__ndarray__":
        return arrays.take(value[tag], where)
    if tag == "__tensor__":
        return torch.from_numpy(arrays.take(value[tag], where))
    if tag in ("__strings__", "__objects__"):
        return _text_array(value, tag, where)
    if tag == "__modality_inputs__":
        state = decode(value[tag], where, arrays)
        if not isinstance(state, dict):
            raise ModelFileError(f"{where}: the input statistics are not a dict")
        return SavedInputs(state)
    parts = value[tag]
    if not isinstance(parts, list):
        raise ModelFileError(f"{where}: {tag} does not hold a list")
    parts = [decode(v, where, arrays) for v in parts]
    if tag == "__tuple__":
        return tuple(parts)
    if tag == "__items__":
        return _items(parts, where)
    try:
        if tag == "__slice__" and len(parts) == 3 and all(p is None or _is_int(p) for p in parts):
            return slice(*parts)
        if tag == "__range__" and len(parts) == 3 and all(_is_int(p) for p in parts):
            return range(*parts)
        if tag == "__sequence__" and len(parts) == 3:
            return SequenceModality(*parts)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{where}: {exc}") from None
    raise ModelFileError(f"{where}: {tag} does not hold what it should")


_TAGS = {
    "__ndarray__": {"__ndarray__"},
    "__tensor__": {"__tensor__"},
    "__strings__": {"__strings__", "shape", "width"},
    "__objects__": {"__objects__", "shape"},
    "__tuple__": {"__tuple__"},
    "__items__": {"__items__"},
    "__slice__": {"__slice__"},
    "__range__": {"__range__"},
    "__sequence__": {"__sequence__"},
    "__modality_inputs__": {"__modality_inputs__"},
}


def _items(pairs: list[Any], where: str) -> dict[Any, Any]:
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
        raise ModelFileError(f"{where}: __items__ does not hold [key, value] pairs")
    if not all(isinstance(key, (str, int, float, bool, type(None))) for key, _ in pairs):
        raise ModelFileError(f"{where}: a dict key is not a string or a number")
    result = {key: item for key, item in pairs}
    if len(result) != len(pairs):
        raise ModelFileError(f"{where}: a dict gives a key twice")
    return result


def _text_array(value: dict[str, Any], tag: str, where: str) -> np.ndarray:
    items, shape = value[tag], _shape(value["shape"], where)
    if not isinstance(items, list) or len(items) != math.prod(shape):
        raise ModelFileError(f"{where}: the values of an array of shape {tuple(shape)} are not a list of that length")
    if tag == "__objects__":
        if not all(type(v) in (str, int, float, bool) for v in items):
            raise ModelFileError(f"{where}: an array of objects holds something other than strings and numbers")
        array = np.empty(len(items), dtype=object)
        array[:] = items
        return array.reshape(shape)
    width, longest = value["width"], max((len(v) for v in items if isinstance(v, str)), default=0)
    if not all(isinstance(v, str) for v in items) or not _is_int(width) or not longest <= width:
        raise ModelFileError(f"{where}: a string array's values are not strings of at most its width")
    if len(items) * (width - longest) > _STRING_PADDING_CHARS:
        raise ModelFileError(f"{where}: a string array declares the width {width} for strings of at most {longest}")
    return np.array(items, dtype=f"<U{max(width, 1)}").reshape(shape)


def _shape(shape: Any, where: str) -> list[int]:
    if not isinstance(shape, list) or len(shape) > MAX_NDIM or not all(_is_int(n) and n >= 0 for n in shape):
        raise ModelFileError(f"{where}: the shape is not a list of at most {MAX_NDIM} non-negative integers")
    return shape


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: Any) -> Any:
    return len(value) if isinstance(value, list) else "no list of"
