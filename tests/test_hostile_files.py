"""Hostile model files: each crafted file ends in one ValueError that names it, quickly, in bounded memory.

Every file is made here, at test time, from a small legitimate model file:
pickles that would run code, zip tricks, JSON that nests or grows without
end, arrays whose declarations promise more than the file holds, parameters
and fitted attributes that the estimator would refuse or that would make
its network huge, and every kind of file that once raised a raw error.
Without the loader's checks none of them would allocate more than a few
hundred megabytes (the attacks that the checks stop before a large
allocation are sized so), so a regression fails these tests rather than the
machine.
"""

import hashlib
import os
import pickle
import re
import struct
import time
import tracemalloc
import warnings
import zipfile
from contextlib import contextmanager

import numpy as np
import pytest
import torch

from sklearn_redcore import RedCoreClassifier, RedCoreRegressor, SequenceModality, load_model, save_model
from sklearn_redcore._persistence._container import read_container, write_container

from ._model_files import edit_model_file
from .conftest import TINY_NETWORK, small_estimator

#: Bounds of one load: seconds (2 s on an idle machine; CI's two shared cores get a margin) and bytes.
MAX_SECONDS = 10
MAX_PEAK_BYTES = 200 << 20

ATTACKS = {}


def attack(match, source="redcore"):
    """Register ``craft(good_path, out_path)``: a hostile file whose error must match ``match``."""

    def register(craft):
        ATTACKS[craft.__name__] = (craft, match, source)
        return craft

    return register


@pytest.fixture(scope="module")
def good_files(mfeat_small, tmp_path_factory):
    """Legitimate files to craft from: a RedCore classifier, a RedCore regressor, a rocket sequence model."""
    X, y, spec = mfeat_small
    folder = tmp_path_factory.mktemp("good")
    X, y = X[:200], y[:200]
    for name, cls, target in (("redcore", RedCoreClassifier, y), ("regressor", RedCoreRegressor, y.astype(float))):
        save_model(small_estimator(cls, spec, max_epochs=2, random_state=0).fit(X, target), folder / f"{name}.model")
    rng = np.random.default_rng(0)
    sequences = np.hstack([rng.normal(size=(60, 40)), rng.normal(size=(60, 2))])
    rocket = dict(TINY_NETWORK, max_epochs=1, sequence_encoder="rocket", rocket_features=252)
    layout = {"series": SequenceModality(slice(0, 40), n_steps=20), "static": [40, 41]}
    save_model(
        RedCoreClassifier(layout, random_state=0, **rocket).fit(sequences, np.arange(60) % 2), folder / "rocket.model"
    )
    return folder


# ------------------------------------------------------------------ helpers
def _params(doc):
    return doc["params"]["__dict__"]


def _fitted(doc):
    return doc["fitted"]["__dict__"]


def _inputs(doc):
    return _fitted(doc)["inputs_"]["__modality_inputs__"]["__dict__"]


def _group(doc):
    return doc["optimizer"]["__dict__"]["param_groups"][0]["__dict__"]


def _index(tag):
    return tag.get("__ndarray__", tag.get("__tensor__"))


def _put(doc, blobs, index, array):
    """Array ``index`` of the file becomes ``array`` (declaration and bytes)."""
    doc["arrays"][index] = {"dtype": array.dtype.name, "shape": list(array.shape)}
    blobs[index] = bytearray(np.ascontiguousarray(array).tobytes())


def _append(doc, blobs, array):
    """Add ``array`` to the file; returns the tag that refers to it."""
    doc["arrays"].append(None)
    blobs.append(None)
    _put(doc, blobs, len(blobs) - 1, array)
    return {"__ndarray__": len(blobs) - 1}


def _drop_arrays(doc, blobs, indices):
    """Remove arrays from the file (nothing may refer to them any more); the others are numbered again."""
    indices = sorted(indices)
    for index in reversed(indices):
        del doc["arrays"][index], blobs[index]

    def renumber(value):
        if isinstance(value, list):
            return [renumber(v) for v in value]
        if not isinstance(value, dict):
            return value
        for tag in ("__ndarray__", "__tensor__"):
            if tag in value:
                return {tag: value[tag] - sum(i < value[tag] for i in indices)}
        return {k: renumber(v) for k, v in value.items()}

    for part in ("params", "fitted", "module", "optimizer", "net_state"):
        doc[part] = renumber(doc[part])


def _raw_zip(out, entries, compressed=()):
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            kind = zipfile.ZIP_DEFLATED if name in compressed else zipfile.ZIP_STORED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=kind)


def _raw_document(out, text, blobs=()):
    """A container whose document is ``text`` as it is (bytes), with a correct digest."""
    digest = hashlib.sha256(text)
    for blob in blobs:
        digest.update(blob)
    entries = {"model.json": text, **{f"arrays/{i}": bytes(b) for i, b in enumerate(blobs)}}
    _raw_zip(out, entries | {"model.sha256": digest.hexdigest().encode()})


class _RunsCode:
    """Runs a shell command when unpickled: what a malicious pickle does."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


# ------------------------------------------- pickles: never read, never run
@attack("not a safe sklearn-redcore model file")
def pickle_protocol_0_running_a_command(good, out):
    out.write_bytes(pickle.dumps(_RunsCode(out.parent / "code-ran"), protocol=0))


@attack("not a safe sklearn-redcore model file")
def pickle_protocol_5_running_a_command(good, out):
    out.write_bytes(pickle.dumps({"format": "sklearn-redcore model", "x": _RunsCode(out.parent / "code-ran")}, 5))


@attack("holds a pickle.*nothing in it was executed")
def torch_save_running_a_command(good, out):
    torch.save({"format": "sklearn-redcore model", "fitted": _RunsCode(out.parent / "code-ran")}, out)


@attack("holds a pickle")
def torch_zip_with_a_codecs_cpu_hang(good, out):
    # torch's weights-only reader allows _codecs.encode: punycode of a long non-ASCII string takes quadratic time.
    text = ("\u00e9" * 29_000).encode()
    body = b"\x80\x02c_codecs\nencode\nX" + struct.pack("<I", len(text)) + text
    body += b"X\x08\x00\x00\x00punycode\x86R."
    _raw_zip(out, {"archive/data.pkl": body, "archive/version": b"3\n", "archive/byteorder": b"little"})


@attack("not JSON")
def pickle_as_the_document(good, out):
    _raw_document(out, pickle.dumps(_RunsCode(out.parent / "code-ran")))


@attack("not a safe sklearn-redcore model file")
def numpy_file_of_pickled_objects(good, out):
    with open(out, "wb") as f:
        np.save(f, np.array([_RunsCode(out.parent / "code-ran")], dtype=object), allow_pickle=True)


@attack("not a plain number type")
def array_declared_as_python_objects(good, out):
    def edit(doc, blobs):
        doc["arrays"][0]["dtype"] = "object"

    edit_model_file(good, out, edit)


@attack("not a safe sklearn-redcore model file")
def random_bytes(good, out):
    out.write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)))


# ----------------------------------------------------------- zip containers
@attack("compressed or encrypted")
def zip_bomb_in_a_compressed_entry(good, out):
    doc, blobs = read_container(good)
    _put(doc, blobs, 0, np.zeros(12_500_000, dtype=np.float32))  # 50 MB of zeros, 50 kB deflated
    write_container(out, doc, blobs)
    with zipfile.ZipFile(out) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    _raw_zip(out, entries, compressed={"arrays/0"})


@attack("unexpected entry")
def entry_named_outside_the_archive(good, out):
    with zipfile.ZipFile(good) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    _raw_zip(out, entries | {"../../outside.txt": b"x", "arrays/../../etc/x": b"y"})


@attack("missing or repeated entries")
def digest_entry_missing(good, out):
    with zipfile.ZipFile(good) as archive:
        _raw_zip(out, {name: archive.read(name) for name in archive.namelist() if name != "model.sha256"})


@attack("missing or repeated entries")
def entry_given_twice(good, out):
    with zipfile.ZipFile(good) as archive, zipfile.ZipFile(out, "w") as copy, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (zipfile warns of the duplicate name)
        for name in [*archive.namelist(), "arrays/0"]:
            copy.writestr(name, archive.read(name))


@attack("not numbered")
def array_entries_with_a_gap(good, out):
    with zipfile.ZipFile(good) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["arrays/9999"] = entries.pop("arrays/1")
    _raw_zip(out, entries)


@attack("declares more bytes than the file holds")
def entry_declaring_two_gigabytes(good, out):
    data = bytearray(good.read_bytes())
    position = data.find(b"PK\x01\x02")
    while position >= 0:  # central directory records: name at +46, sizes at +20 and +24
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + length] == b"arrays/0":
            struct.pack_into("<II", data, position + 20, 2**31 - 1, 2**31 - 1)
        position = data.find(b"PK\x01\x02", position + 4)
    out.write_bytes(bytes(data))


@attack("checksum does not match")
def weight_bytes_overwritten_in_place(good, out):
    data = bytearray(good.read_bytes())
    doc, blobs = read_container(good)
    largest = max(range(len(blobs)), key=lambda i: len(blobs[i]))
    start = data.find(bytes(blobs[largest]))
    data[start + 8 : start + 108] = b"\x7f" * 100
    out.write_bytes(bytes(data))


@attack("digest does not match")
def weight_bytes_overwritten_and_the_zip_checksums_redone(good, out):
    with zipfile.ZipFile(good) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    largest = max((n for n in entries if n.startswith("arrays/")), key=lambda n: len(entries[n]))
    entries[largest] = entries[largest][:8] + b"\x7f" * 100 + entries[largest][108:]
    _raw_zip(out, entries)


@attack("digest does not match")
def document_edited_without_its_digest(good, out):
    with zipfile.ZipFile(good) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["model.json"] = entries["model.json"].replace(b'"lr":0.003', b'"lr":3e+99')
    _raw_zip(out, entries)


# ------------------------------------------------------------ the document
@attack("nests deeper")
def list_nested_200000_deep(good, out):
    _raw_document(out, b"[" * 200_000 + b"]" * 200_000)


@attack("nests deeper")
def parameter_nested_100_deep(good, out):
    def edit(doc, blobs):
        value = 1
        for _ in range(100):
            value = [value]
        _params(doc)["modalities"] = value

    edit_model_file(good, out, edit)


@attack("a string of 2000000 characters")
def string_of_two_million_characters(good, out):
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(device="x" * 2_000_000))


@attack("not JSON")
def integer_of_five_thousand_digits(good, out):
    doc, blobs = read_container(good)
    text = f'{{"format":"sklearn-redcore model","format_version":{"9" * 5000}}}'.encode()
    _raw_document(out, text)


@attack("key twice")
def key_given_twice(good, out):
    _raw_document(out, b'{"format":"sklearn-redcore model","format":"other"}')


@attack("not a JSON object")
def document_that_is_a_list(good, out):
    _raw_document(out, b"[]")


@attack("not JSON")
def document_that_is_not_utf8(good, out):
    _raw_document(out, b'{"format":"\xff\xfe"}')


# ---------------------------------------------------------------- the arrays
@attack("declared as float64 \\(300000000,\\)")
def statistic_declared_as_300_million_values(good, out):
    # (the zero-stride tensor of torch's format: a huge array from a few bytes)
    edit_model_file(
        good, out, lambda doc, blobs: doc["arrays"][_index(_inputs(doc)["mean"])].update(shape=[300_000_000])
    )


@attack("declared as uint8 \\(2000000000,\\)")
def byte_string_declared_as_two_gigabytes(good, out):
    def edit(doc, blobs):
        doc["arrays"][_index(doc["net_state"]["__dict__"]["shuffle_rng"])]["shape"] = [2_000_000_000]

    edit_model_file(good, out, edit)


@attack("has the shape \\(0, 1000000000000\\)")
def statistic_of_shape_zero_by_a_trillion(good, out):
    def edit(doc, blobs):
        index = _index(_inputs(doc)["mean"])
        doc["arrays"][index]["shape"], blobs[index] = [0, 10**12], bytearray()

    edit_model_file(good, out, edit)


@attack("at most 8 non-negative integers")
def array_of_100_dimensions(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc["arrays"][0].update(shape=[1] * 99 + [47]))


@attack("at most 8 non-negative integers")
def array_of_negative_shape(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc["arrays"][0].update(shape=[-47]))


@attack("not a plain number type")
def dtype_of_two_billion_byte_strings(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc["arrays"][0].update(dtype="S2000000000"))


@attack("not a plain number type")
def dtype_given_as_a_list(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc["arrays"][0].update(dtype=["float32"]))


@attack("declares the width 50000000")
def string_array_of_width_fifty_million(good, out):
    # unchecked: numpy pads the one string to 50 million characters (200 MB)
    def edit(doc, blobs):
        _fitted(doc)["feature_names_in_"] = {"__strings__": ["a"], "shape": [1], "width": 50_000_000}

    edit_model_file(good, out, edit)


@attack("bytes other than 0 and 1")
def boolean_array_holding_other_bytes(good, out):
    def edit(doc, blobs):
        index = _index(_inputs(doc)["robust_columns"])
        blobs[index][:] = b"\x02" * len(blobs[index])

    edit_model_file(good, out, edit)


@attack("a second time")
def array_referred_to_twice(good, out):
    edit_model_file(good, out, lambda doc, blobs: _fitted(doc).update(eta_=_fitted(doc)["missing_rate_"]))


@attack("nothing refers to it")
def array_nothing_refers_to(good, out):
    def edit(doc, blobs):
        doc["arrays"].append({"dtype": "uint8", "shape": [3]})
        blobs.append(bytearray(3))

    edit_model_file(good, out, edit)


@attack("does not declare")
def array_index_out_of_range(good, out):
    edit_model_file(good, out, lambda doc, blobs: _inputs(doc).update(mean={"__ndarray__": 10**9}))


@attack("declares 1 arrays and the file holds")
def fewer_arrays_declared_than_held(good, out):
    def edit(doc, blobs):
        doc["arrays"] = doc["arrays"][:1]

    edit_model_file(good, out, edit)


# ------------------------------------------------------- tags and raw types
@attack("does not know")
def tag_that_names_a_function(good, out):
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(device={"__reduce__": ["os.system", "id"]}))


@attack("does not know")
def tensor_that_requires_grad(good, out):
    def edit(doc, blobs):
        weights = doc["module"]["__dict__"]
        weights[next(iter(weights))]["requires_grad"] = True

    edit_model_file(good, out, edit)


@attack("lacks 'module'")
def document_without_module(good, out):
    def edit(doc, blobs):
        del doc["module"]

    edit_model_file(good, out, edit)


@attack("lacks 'history'")
def document_without_history(good, out):
    def edit(doc, blobs):
        del doc["history"]

    edit_model_file(good, out, edit)


@attack("unknown parts")
def document_with_an_extra_part(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update(callbacks=[]))


@attack("format version is not a number")
def format_version_as_a_string(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update(format_version="3"))


@attack("format version is not a number")
def format_version_null(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update(format_version=None))


@attack("development version .* fit the model again")
def format_version_of_torch_files(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update(format_version=2))


@attack("not one of the package's estimators")
def class_as_a_list(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update({"class": ["RedCoreClassifier"]}))


@attack("not one of the package's estimators")
def class_of_the_standard_library(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update({"class": "subprocess.Popen"}))


@attack("not one of the package's estimators")
def class_that_is_a_base_class(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update({"class": "BaseMultimodalEstimator"}))


@attack("history is not a list")
def history_as_a_number(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update(history=5))


@attack("not the record of epoch 1")
def history_of_numbers(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update(history=[1, 2]))


@attack("not a value Adam takes")
def learning_rate_as_a_string(good, out):
    edit_model_file(good, out, lambda doc, blobs: _group(doc).update(lr="fast"))


@attack("not a value Adam takes")
def adam_setting_it_does_not_have(good, out):
    edit_model_file(good, out, lambda doc, blobs: _group(doc).update(hook="os.system"))


@attack("not a value Adam takes")
def adam_betas_of_two(good, out):
    edit_model_file(good, out, lambda doc, blobs: _group(doc).update(betas={"__tuple__": [0.9, 2.0]}))


@attack("does not accept")
def learning_rate_parameter_as_a_string(good, out):
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(lr="fast"))


@attack("fitted attributes are not a dict")
def fitted_as_a_list(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update(fitted=list(_fitted(doc).values())))


@attack("unexpected fitted attribute 'n_outputs_'", source="regressor")
def regressor_relabelled_as_a_classifier(good, out):
    def edit(doc, blobs):
        doc["class"] = "RedCoreClassifier"
        _params(doc)["class_weight"] = None

    edit_model_file(good, out, edit)


@attack("does not accept: \\['class_weight'\\]")
def classifier_relabelled_as_a_regressor(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc.update({"class": "RedCoreRegressor"}))


@attack("does not accept")
def negative_n_latent(good, out):
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(n_latent=-1))


@attack("network_sizes_ holds sizes")
def negative_n_latent_in_the_network_sizes(good, out):
    edit_model_file(good, out, lambda doc, blobs: _fitted(doc)["network_sizes_"]["__dict__"].update(n_latent=-1))


@attack("does not accept")
def no_threads(good, out):
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(n_threads=0))


@attack("n_threads above")
def a_hundred_thousand_threads(good, out):
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(n_threads=100_000))


@attack("does not accept")
def device_as_a_number(good, out):
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(device=5))


@attack("n_steps must be a positive integer")
def sequence_of_minus_one_steps(good, out):
    def edit(doc, blobs):
        _params(doc)["modalities"] = {"__dict__": {"a": {"__sequence__": [[0, 1], -1, None]}}}

    edit_model_file(good, out, edit)


# ------------------------------------------------- fitted attributes vs X
def _column(value):
    def edit(doc, blobs):
        index = _index(_inputs(doc)["modalities"]["__dict__"]["mor"])
        columns = np.frombuffer(blobs[index], dtype="<i8").copy()
        columns[0] = value
        blobs[index] = bytearray(columns.tobytes())

    return edit


@attack("not indices of the 129 columns")
def column_index_of_a_billion(good, out):
    edit_model_file(good, out, _column(10**9))


@attack("not indices of the 129 columns")
def negative_column_index(good, out):
    edit_model_file(good, out, _column(-1))


@attack("shares a column")
def column_in_two_modalities(good, out):
    edit_model_file(good, out, _column(0))


@attack("its parameters hold a Tensor")
def tensor_as_a_parameter(good, out):
    def edit(doc, blobs):
        _params(doc)["modalities"] = {"__tensor__": _index(_append(doc, blobs, np.ones(3)))}

    edit_model_file(good, out, edit)


@attack("its parameters hold a SavedInputs")
def input_statistics_as_a_parameter(good, out):
    def edit(doc, blobs):
        _params(doc)["modalities"] = {"__modality_inputs__": {"__dict__": {}}}

    edit_model_file(good, out, edit)


@attack("range of 200000000 columns")
def range_of_200_million_columns(good, out):
    def edit(doc, blobs):
        _params(doc)["modalities"] = {"__dict__": {"all": {"__range__": [0, 200_000_000, 1]}}}

    edit_model_file(good, out, edit)


@attack("has the shape \\(128,\\), not \\(129,\\)")
def statistic_of_the_wrong_length(good, out):
    def edit(doc, blobs):
        index = _index(_inputs(doc)["mean"])
        _put(doc, blobs, index, np.frombuffer(blobs[index], dtype="<f8")[:-1].copy())

    edit_model_file(good, out, edit)


@attack("scales that are not positive")
def scale_of_zero(good, out):
    def edit(doc, blobs):
        index = _index(_inputs(doc)["scale"])
        _put(doc, blobs, index, np.zeros(129))

    edit_model_file(good, out, edit)


@attack("not finite")
def mean_of_nan(good, out):
    def edit(doc, blobs):
        _put(doc, blobs, _index(_inputs(doc)["mean"]), np.full(129, np.nan))

    edit_model_file(good, out, edit)


@attack("unknown feature_transform")
def unknown_feature_transform(good, out):
    edit_model_file(good, out, lambda doc, blobs: _inputs(doc).update(feature_transform="pickle"))


@attack("sequence shape of modality 'series' does not match", source="rocket")
def sequence_shape_beyond_its_columns(good, out):
    def edit(doc, blobs):
        _inputs(doc)["shapes"]["__dict__"]["series"] = {"__tuple__": [10**9, 2]}

    edit_model_file(good, out, edit)


@attack("n_features_in_ is not an integer")
def n_features_as_a_string(good, out):
    edit_model_file(good, out, lambda doc, blobs: _fitted(doc).update(n_features_in_="129"))


@attack("not a distribution")
def class_prior_of_nan(good, out):
    def edit(doc, blobs):
        index = _index(_fitted(doc)["class_prior_"])
        _put(doc, blobs, index, np.full(len(blobs[index]) // 8, -1.0))

    edit_model_file(good, out, edit)


@attack("distinct labels")
def classes_given_twice(good, out):
    def edit(doc, blobs):
        index = _index(_fitted(doc)["classes_"])
        _put(doc, blobs, index, np.zeros(len(blobs[index]) // 8, dtype=np.int64))

    edit_model_file(good, out, edit)


@attack("lacks the fitted attribute 'eta_'")
def fitted_attribute_missing(good, out):
    edit_model_file(good, out, lambda doc, blobs: _drop_arrays(doc, blobs, [_index(_fitted(doc).pop("eta_"))]))


# ---------------------------------------- networks larger than the file's weights
@attack("beyond the \\d+ bytes that the file's weights allow")
def network_sizes_of_four_thousand(good, out):
    # unchecked: two stacked layers of 3 x 4000 x 4000 floats (384 MB) before a shape mismatch
    def edit(doc, blobs):
        _fitted(doc)["network_sizes_"]["__dict__"].update(xenc_hidden=4000, xenc_widths={"__tuple__": [4000]})

    edit_model_file(good, out, edit)


@attack("beyond the \\d+ bytes that the file's weights allow", source="rocket")
def two_million_rocket_features(good, out):
    # unchecked: about 170 MB of thresholds, standardisation and the first layer
    edit_model_file(good, out, lambda doc, blobs: _params(doc).update(rocket_features=2_000_000))


@attack("far more steps than its weights could describe")
def twenty_thousand_residual_blocks(good, out):
    # unchecked: 20,000 tiny blocks, built in about 15 s
    def edit(doc, blobs):
        _fitted(doc)["network_sizes_"]["__dict__"]["xenc_blocks"] = 20_000

    edit_model_file(good, out, edit)


@attack("weight tensors for 129 modalities")
def one_modality_per_column(good, out):
    def edit(doc, blobs):
        inputs = _inputs(doc)
        _drop_arrays(doc, blobs, [_index(tag) for tag in inputs["modalities"]["__dict__"].values()])
        inputs = _inputs(doc)
        inputs["modalities"]["__dict__"] = {f"m{i}": _append(doc, blobs, np.array([i])) for i in range(129)}
        inputs["shapes"]["__dict__"] = dict.fromkeys(inputs["modalities"]["__dict__"])
        fitted = _fitted(doc)  # every per-modality attribute for 129 modalities
        for name, array in (("missing_rate_", np.zeros(129)), ("eta_", np.ones(129))):
            _put(doc, blobs, _index(fitted[name]), array)
        for name in ("eta_history_", "relative_advantage_history_", "imputation_loss_history_"):
            _put(doc, blobs, _index(fitted[name]), np.zeros((2, 129)))

    edit_model_file(good, out, edit)


# ------------------------------------------------- the network and its state
@attack("does not match the saved parameters")
def weight_of_another_shape(good, out):
    def edit(doc, blobs):
        index = _index(next(iter(doc["module"]["__dict__"].values())))
        doc["arrays"][index]["shape"] = doc["arrays"][index]["shape"][::-1]

    edit_model_file(good, out, edit)


@attack("does not have the shape of its parameter")
def adam_moment_of_another_shape(good, out):
    def edit(doc, blobs):
        index = _index(doc["optimizer"]["__dict__"]["state"]["__items__"][0][1]["__dict__"]["exp_avg"])
        shape = doc["arrays"][index]["shape"]
        doc["arrays"][index]["shape"] = [int(np.prod(shape))]

    edit_model_file(good, out, edit)


@attack("does not match the saved parameters")
def shuffling_state_of_ten_bytes(good, out):
    def edit(doc, blobs):
        _put(doc, blobs, _index(doc["net_state"]["__dict__"]["shuffle_rng"]), np.zeros(10, dtype=np.uint8))

    edit_model_file(good, out, edit)


@attack("does not match the saved parameters")
def eta_of_one_modality_too_many(good, out):
    def edit(doc, blobs):
        _put(doc, blobs, _index(doc["net_state"]["__dict__"]["eta"]), np.ones(4))

    edit_model_file(good, out, edit)


@attack("is not a number or a flat array")
def step_count_as_a_string(good, out):
    edit_model_file(good, out, lambda doc, blobs: doc["net_state"]["__dict__"].update(n_steps="many"))


# -------------------------------------------------------------------- the tests
@contextmanager
def _peak_growth():
    """Yields a function giving the peak memory growth since entry (the resident set, where Linux lets it be reset)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets the resident set's high-water mark (VmHWM)
        before = _status("VmRSS")
        yield lambda: _status("VmHWM") - before
    except OSError:  # elsewhere: what Python and numpy allocate
        tracemalloc.start()
        try:
            yield lambda: tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def _status(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field))


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_hostile_file_ends_in_one_clear_value_error(name, good_files, tmp_path):
    craft, match, source = ATTACKS[name]
    path = tmp_path / f"{name}.model"
    craft(good_files / f"{source}.model", path)
    with _peak_growth() as peak:
        start = time.perf_counter()
        with pytest.raises(ValueError) as error:
            load_model(path)
        seconds = time.perf_counter() - start
        grown = peak()
    message = str(error.value)
    assert str(path) in message
    assert re.search(match, message), message
    # In our words: never torch's advice to load without weights_only, no terminal colours, one line of reason.
    assert "weights_only" not in message and "\x1b" not in message and "Traceback" not in message
    assert not (tmp_path / "code-ran").exists()
    assert seconds < MAX_SECONDS, f"{name} took {seconds:.1f} s"
    assert grown < MAX_PEAK_BYTES, f"{name} took {grown / 2**20:.0f} MB"


def test_every_attack_is_in_the_corpus():
    """The corpus covers each class of attack (a guard against losing some in an edit)."""
    assert len(ATTACKS) >= 60
