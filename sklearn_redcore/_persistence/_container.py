"""The model file as a container: an uncompressed zip of one JSON document and raw array blobs.

Entries, and nothing else:

* ``model.json``: the document (UTF-8 JSON), which declares every array
  (``"arrays"``: dtype and shape of each, in order);
* ``arrays/0``, ``arrays/1``, ...: the bytes of each array, little-endian,
  C order;
* ``model.sha256``: the SHA-256 digest (hexadecimal) of the document's
  bytes followed by every array's bytes in order.

:func:`read_container` trusts nothing in the file: every entry must be
stored (not compressed), be named as above and fit in the file; the digest
must match; the document must be JSON of bounded nesting and string length.
Whatever fails raises :class:`ModelFileError` before any of it is used.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["DOCUMENT", "MAX_DEPTH", "MAX_STRING_CHARS", "ModelFileError", "read_container", "write_container"]

#: The entry of the JSON document.
DOCUMENT = "model.json"
#: The entry of the digest.
DIGEST = "model.sha256"
#: Most nesting of lists and objects in the document (a fitted model needs about 8).
MAX_DEPTH = 32
#: Longest string of the document (labels, names, parameter values).
MAX_STRING_CHARS = 1 << 20
_ARRAY_ENTRY = re.compile(r"arrays/(0|[1-9][0-9]{0,8})")


class ModelFileError(ValueError):
    """What is wrong with a model file, in words for its reader (``load_model`` adds the file's name)."""


def array_entry(index: int) -> str:
    """The name of the entry of array ``index``."""
    return f"arrays/{index}"


def write_container(path: Path, document: dict[str, Any], blobs: list[bytes | memoryview]) -> None:
    """Write the document and the arrays' bytes to ``path`` (``blobs[i]``: array i, as the document declares it)."""
    text = json.dumps(document, separators=(",", ":"), allow_nan=True).encode("utf-8")
    digest = hashlib.sha256(text)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(DOCUMENT, text)
        for index, blob in enumerate(blobs):
            digest.update(blob)
            with archive.open(array_entry(index), "w") as entry:
                entry.write(blob)
        archive.writestr(DIGEST, digest.hexdigest())


def read_container(path: Path) -> tuple[dict[str, Any], list[bytearray]]:
    """The document and the bytes of each array it declares, from a file checked as the module docstring says.

    Raises
    ------
    ModelFileError
        Anything that is not such a container, or an altered one.
    """
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        try:
            with zipfile.ZipFile(file) as archive:
                entries = _checked_entries(archive, size)
                text = _read(archive, entries[DOCUMENT])
                digest = hashlib.sha256(text)
                document = _parse_document(text)
                blobs = [_read(archive, entries[array_entry(i)]) for i in range(len(entries) - 2)]
                for blob in blobs:
                    digest.update(blob)
                recorded = _read(archive, entries[DIGEST])
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            NotImplementedError,
            io.UnsupportedOperation,
        ) as exc:
            raise ModelFileError(f"not a safe sklearn-redcore model file ({_zip_reason(exc)})") from None
    if recorded.decode("ascii", "replace").strip() != digest.hexdigest():
        raise ModelFileError(
            "its SHA-256 digest does not match its contents: the file was altered or damaged after it was written"
        )
    return document, blobs


def _zip_reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return "an entry's checksum does not match its bytes: the file was altered or damaged"
    return "not a zip archive of the expected layout"


def _checked_entries(archive: zipfile.ZipFile, size: int) -> dict[str, zipfile.ZipInfo]:
    """The entries by name, once each checked: expected names, stored uncompressed, within the file."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if any(name.endswith("data.pkl") for name in names):
        raise ModelFileError(
            "not a safe sklearn-redcore model file: it holds a pickle (torch.save's format, which "
            "sklearn-redcore before 0.1.0 also wrote), and pickles are never read; nothing in it was executed. "
            "If you saved it yourself with an earlier version, fit the model again and save it"
        )
    unexpected = [name for name in names if name not in (DOCUMENT, DIGEST) and not _ARRAY_ENTRY.fullmatch(name)]
    if unexpected or DOCUMENT not in names or DIGEST not in names or len(set(names)) != len(names):
        what = f"an unexpected entry {unexpected[0][:80]!r}" if unexpected else "missing or repeated entries"
        raise ModelFileError(f"not a safe sklearn-redcore model file ({what}); nothing in it was executed")
    if sorted(names) != sorted([DOCUMENT, DIGEST, *(array_entry(i) for i in range(len(names) - 2))]):
        raise ModelFileError("not a safe sklearn-redcore model file (its arrays are not numbered 0, 1, 2, ...)")
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise ModelFileError(
                f"not a safe sklearn-redcore model file (the entry {info.filename!r} is compressed or "
                "encrypted; the format stores every entry as it is)"
            )
        if info.file_size != info.compress_size or info.file_size > size:
            raise ModelFileError(f"the entry {info.filename!r} declares more bytes than the file holds")
    if sum(info.file_size for info in infos) > size:
        raise ModelFileError("its entries declare more bytes than the file holds (overlapping entries)")
    return dict(zip(names, infos))


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytearray:
    """An entry's bytes (checked against its CRC by zipfile), in a buffer the arrays can share."""
    buffer = bytearray(info.file_size)
    with archive.open(info) as entry:
        view, filled = memoryview(buffer), 0
        while filled < len(buffer):
            n = _read_into(entry, view[filled:])
            if not n:
                raise ModelFileError(f"the entry {info.filename!r} ends before its declared size")
            filled += n
        if entry.read(1):
            raise ModelFileError(f"the entry {info.filename!r} is longer than its declared size")
    return buffer


def _read_into(entry: BinaryIO, view: memoryview) -> int:
    data = entry.read(min(len(view), 1 << 24))
    view[: len(data)] = data
    return len(data)


def _parse_document(text: bytes | bytearray) -> dict[str, Any]:
    """The JSON document, with its nesting and strings bounded and no key given twice."""
    try:
        document = json.loads(bytes(text).decode("utf-8"), object_pairs_hook=_object)
    except ModelFileError:
        raise
    except RecursionError:
        raise ModelFileError(f"its document nests deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:  # (JSONDecodeError; an integer of too many digits)
        raise ModelFileError(f"not a safe sklearn-redcore model file (its document is not JSON: {exc})") from None
    if not isinstance(document, dict):
        raise ModelFileError("not a sklearn-redcore model file (its document is not a JSON object)")
    _check_bounds(document, 0)
    return document


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ModelFileError("its document gives a key twice in one object")
    return result


def _check_bounds(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ModelFileError(f"its document nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            raise ModelFileError(f"its document holds a string of {len(value)} characters (at most {MAX_STRING_CHARS})")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (str, list, dict)):  # (numbers need no check)
                _check_bounds(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_bounds(key, depth + 1)
            _check_bounds(item, depth + 1)
