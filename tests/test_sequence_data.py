"""make_sequence_classification and the loaders of the paper's feature files (on small files written here)."""

import pickle
import sys

import numpy as np
import pytest

from sklearn_redcore import SequenceModality, modality_presence
from sklearn_redcore.datasets import load_iemocap_features, load_mosei_features, make_sequence_classification


# ----------------------------------------------------------------- generator
def _first_motif(data, name):
    """The motif whose best-matching step comes first, per sample (knowing the motifs)."""
    T, d = data.modalities[name].n_steps, data.motifs[name].shape[1]
    steps = np.nan_to_num(data.data[:, list(data.modalities[name].columns)].reshape(-1, T, d), nan=0.0)
    scores = steps @ data.motifs[name].T  # (n, T, n_classes)
    return scores.argmax(axis=1).argmin(axis=1)  # position of each motif -> earliest


def test_layout_lengths_and_padding():
    data = make_sequence_classification(
        200, modality_shapes=[(8, 3), (5, 2)], n_classes=3, min_length=0.6, random_state=0
    )
    assert data.data.shape == (200, 8 * 3 + 5 * 2)
    assert data.modalities == {"m0": SequenceModality(range(0, 24), 8), "m1": SequenceModality(range(24, 34), 5)}
    assert np.bincount(data.target).tolist() == [67, 67, 66]
    assert data.lengths[:, 0].min() >= 5 and data.lengths[:, 0].max() == 8 and data.lengths[:, 1].min() >= 3
    steps = data.data[:, :24].reshape(200, 8, 3)
    observed = ~np.isnan(steps).all(axis=2)
    np.testing.assert_array_equal(observed.sum(1), data.lengths[:, 0])
    np.testing.assert_array_equal(observed, np.arange(8) < data.lengths[:, :1])  # padding at the end only
    assert modality_presence(data.data, data.modalities).all()
    again = make_sequence_classification(
        200, modality_shapes=[(8, 3), (5, 2)], n_classes=3, min_length=0.6, random_state=0
    )
    np.testing.assert_array_equal(data.data, again.data)


def test_the_class_is_the_order_of_the_motifs():
    data = make_sequence_classification(
        300, modality_shapes=[(10, 6), (10, 6)], signal=[4.0, 4.0], reliability=[1.0, 0.0], random_state=0
    )
    assert np.mean(_first_motif(data, "m0") == data.target) > 0.95  # reliable: order gives the class
    assert np.mean(_first_motif(data, "m1") == data.target) < 0.5  # unreliable: order of a random class
    # Every motif is in every sequence: the set of steps carries no class information.
    reversed_data = data.data[:, :60].reshape(300, 10, 6)
    lengths = data.lengths[:, 0]
    flipped = np.stack([np.concatenate([s[:n][::-1], s[n:]]) for s, n in zip(reversed_data, lengths)])
    data.data[:, :60] = flipped.reshape(300, 60)
    assert np.mean(_first_motif(data, "m0") == data.target) < 0.5  # reversing the order loses the class


def test_generator_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least n_classes=3 steps"):
        make_sequence_classification(50, modality_shapes=[(2, 4)], n_classes=3)
    with pytest.raises(ValueError, match="min_length"):
        make_sequence_classification(50, min_length=0.0)
    with pytest.raises(ValueError, match="reliability"):
        make_sequence_classification(50, reliability=1.5)
    with pytest.raises(ValueError, match="one entry per modality"):
        make_sequence_classification(50, signal=[1.0, 2.0])


# ------------------------------------------------------------------- IEMOCAP
IEMOCAP_DIMS = {"A": 130, "V": 342, "L": 1024}


def _write_iemocap(root, ids_format="bytes_rows", one_hot=True):
    """Three utterances in fold 1 'trn' and one in 'tst', in the layout of the paper's code."""
    h5py = pytest.importorskip("h5py")
    rng = np.random.RandomState(0)
    lengths = {
        "u1": {"A": 7, "V": 3, "L": 4},
        "u2": {"A": 2, "V": 5, "L": 1},
        "u3": {"A": 4, "V": 0, "L": 2},
        "u4": {"A": 9, "V": 1, "L": 3},
    }
    arrays = {}
    for modality, filename in (("A", "comparE"), ("V", "denseface"), ("L", "bert_large")):
        (root / modality).mkdir(parents=True, exist_ok=True)
        with h5py.File(root / modality / f"{filename}.h5", "w") as store:
            for utt, sizes in lengths.items():
                values = rng.normal(size=(sizes[modality], IEMOCAP_DIMS[modality])).astype(np.float32)
                store[utt] = values
                arrays[utt, modality] = values
    for split, utts, classes in (("trn", ["u1", "u2", "u3"], [2, 0, 3]), ("tst", ["u4"], [1])):
        folder = root / "target" / "1"
        folder.mkdir(parents=True, exist_ok=True)
        labels = np.eye(4)[classes] if one_hot else np.array(classes)
        np.save(folder / f"{split}_label.npy", labels)
        if ids_format == "bytes_rows":
            names = np.array([[u.encode()] for u in utts])  # (n, 1) bytes, as IEMOCAP's are read
        else:
            names = np.array(utts)
        np.save(folder / f"{split}_int2name.npy", names)
    return arrays


def test_iemocap_layout(tmp_path):
    arrays = _write_iemocap(tmp_path)
    train = load_iemocap_features(tmp_path, fold=1, split="trn")
    T = {"A": 9, "V": 5, "L": 4}  # the longest of each whole file (u4 is in 'tst')
    assert train.data.dtype == np.float32
    assert train.data.shape == (3, sum(T[m] * IEMOCAP_DIMS[m] for m in T))
    assert train.target.tolist() == [2, 0, 3] and train.ids.tolist() == ["u1", "u2", "u3"]
    assert {name: (spec.n_steps, len(spec.columns) // spec.n_steps) for name, spec in train.modalities.items()} == {
        m: (T[m], IEMOCAP_DIMS[m]) for m in T
    }
    assert train.lengths.tolist() == [[7, 3, 4], [2, 5, 1], [4, 0, 2]]
    cols = list(train.modalities["A"].columns)
    steps = train.data[:, cols].reshape(3, 9, 130)
    np.testing.assert_array_equal(steps[0, :7], arrays["u1", "A"])
    assert np.isnan(steps[0, 7:]).all() and np.isnan(steps[1, 2:]).all()
    # u3 has no visual frame: it misses V.
    np.testing.assert_array_equal(
        modality_presence(train.data, train.modalities), [[True, True, True], [True, True, True], [True, False, True]]
    )
    test = load_iemocap_features(tmp_path, fold=1, split="tst")
    assert test.data.shape[1] == train.data.shape[1] and test.target.tolist() == [1]


def test_iemocap_options_and_errors(tmp_path):
    _write_iemocap(tmp_path, ids_format="str", one_hot=False)  # MSP-IMPROV: class numbers, str ids
    data = load_iemocap_features(tmp_path, split="trn", n_steps={"A": 3}, files={"A": "A/comparE.h5"})
    assert list(data.modalities) == ["A"] and data.data.shape == (3, 3 * 130)
    assert data.target.tolist() == [2, 0, 3] and data.ids.tolist() == ["u1", "u2", "u3"]
    assert data.lengths[:, 0].tolist() == [7, 2, 4]  # before cutting to 3 steps
    with pytest.raises(ValueError, match="split must be one of"):
        load_iemocap_features(tmp_path, split="train")
    with pytest.raises(FileNotFoundError, match="Label file not found"):
        load_iemocap_features(tmp_path, fold=2)
    with pytest.raises(FileNotFoundError, match="modality 'X'"):
        load_iemocap_features(tmp_path, files={"X": "X/nothing.h5"})
    with pytest.raises(ValueError, match="unknown modalities"):
        load_iemocap_features(tmp_path, n_steps={"Q": 3})
    np.save(tmp_path / "target" / "1" / "trn_int2name.npy", np.array(["u1", "u2", "gone"]))
    with pytest.raises(KeyError, match="'gone'"):
        load_iemocap_features(tmp_path)


def test_missing_h5py_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"sklearn-redcore\[paper-data\]"):
        load_iemocap_features(tmp_path)


# --------------------------------------------------------------------- MOSEI
def _mosei_split(rng, n, lengths=None):
    T = 6
    part = {
        "audio": rng.normal(size=(n, T, 74)),
        "vision": rng.normal(size=(n, T, 35)),
        "text": rng.normal(size=(n, T, 768)).astype(np.float32),
        "classification_labels": np.arange(n, dtype=float) % 3,
        "id": [f"clip{i}" for i in range(n)],
    }
    for i in range(n):  # zero padding at the end, as stored in the MMSA layout
        valid = lengths[i] if lengths is not None else T - i % 3
        for key in ("audio", "vision", "text"):
            part[key][i, valid:] = 0.0
    return part


def test_mosei_layout(tmp_path):
    rng = np.random.RandomState(0)
    data = {"train": _mosei_split(rng, 4), "valid": _mosei_split(rng, 2), "test": _mosei_split(rng, 3)}
    data["train"]["audio"][0, 1, 5] = -np.inf
    path = tmp_path / "aligned.pkl"
    path.write_bytes(pickle.dumps(data))
    train = load_mosei_features(path, split="train")
    assert train.data.shape == (4, 6 * (74 + 35 + 768)) and train.data.dtype == np.float32
    assert train.target.tolist() == [0, 1, 2, 0] and train.ids.tolist() == ["clip0", "clip1", "clip2", "clip3"]
    assert {k: (v.n_steps, len(v.columns)) for k, v in train.modalities.items()} == {
        "A": (6, 6 * 74),
        "V": (6, 6 * 35),
        "L": (6, 6 * 768),
    }
    assert train.lengths.tolist() == [[6, 6, 6], [5, 5, 5], [4, 4, 4], [6, 6, 6]]
    audio = train.data[:, list(train.modalities["A"].columns)].reshape(4, 6, 74)
    assert np.isnan(audio[1, 5]).all() and np.isnan(audio[2, 4:]).all() and not np.isnan(audio[1, :5]).any()
    assert audio[0, 1, 5] == 0.0  # -inf set to 0
    np.testing.assert_allclose(audio[3], data["train"]["audio"][3], rtol=1e-6)
    assert load_mosei_features(path, split="tst").data.shape[0] == 3  # the code's split names work too
    kept = load_mosei_features(path, padding="none", keys={"V": "vision"})
    assert not np.isnan(kept.data).any() and kept.data.shape == (4, 6 * 35)


def test_mosei_lengths_and_errors(tmp_path):
    rng = np.random.RandomState(1)
    part = _mosei_split(rng, 3, lengths=[6, 6, 6])
    part["audio_lengths"] = np.array([6, 2, 3])  # lengths given: they decide, not zero steps
    path = tmp_path / "unaligned.pkl"
    path.write_bytes(pickle.dumps({"train": part, "valid": part, "test": part}))
    data = load_mosei_features(path, n_steps=4)
    assert data.lengths[:, 0].tolist() == [6, 2, 3] and data.modalities["A"].n_steps == 4
    assert data.lengths[:, 1].tolist() == [6, 6, 6]
    with pytest.raises(ValueError, match="split must be one of"):
        load_mosei_features(path, split="dev")
    with pytest.raises(KeyError, match="'sentiment'"):
        load_mosei_features(path, label_key="sentiment")
    part["classification_labels"] = np.array([0.5, 1.0, 2.0])
    path.write_bytes(pickle.dumps({"train": part}))
    with pytest.raises(ValueError, match="not class numbers"):
        load_mosei_features(path)
    path.write_bytes(pickle.dumps([1, 2]))
    with pytest.raises(ValueError, match="not in the MMSA layout"):
        load_mosei_features(path)
    with pytest.raises(FileNotFoundError):
        load_mosei_features(tmp_path / "absent.pkl")
