"""GPU check: speed per step, large fits to convergence, sequences, and a GPU model loaded on a CPU-only process.

Run on a machine with a CUDA GPU (one prepared run, about 10 minutes on an H100 or H200)::

    python benchmarks/gpu_check.py [--out DIR] [--skip-1m]

Steps, each reported in ``gpu_check.json`` (and printed as it goes):

1. **Per step**: 100,000 synthetic rows (5 modalities of 20 columns, 10
   classes, 30% missing per modality), 3 fixed epochs at batch 256 and at
   the auto batch; milliseconds per optimiser step and rows per second.
2. **Large fits to convergence**, the defaults (``batch_size="auto"``), at
   100,000 and 1,000,000 rows, with the F1 averaged over the 31
   combinations of modalities; at 1,000,000 rows also batch 256 for the
   F1 it reaches (``--skip-1m`` leaves the million rows out).
3. **mfeat**: the README's fit (views fou + zer + mor, rates 0.8/0.5/0.2)
   on the GPU and on the CPU (one thread, the default).
4. **Sequences**: 3,000 rows of two modalities of 40 steps x 12 features,
   each sequence encoder, fit time.
5. **Portability**: the GPU model pickled, then unpickled and used in a
   fresh process that sees no GPU (``CUDA_VISIBLE_DEVICES=""``); the
   probabilities there against the GPU's.

``--device cpu --quick`` runs the same steps on the CPU with small sizes (a
check of the script itself, not a measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from sklearn_redcore import RedCoreClassifier, evaluate_modality_combinations, mask_modalities
from sklearn_redcore._benchmark._data import large_fit_data
from sklearn_redcore.datasets import load_mfeat, make_sequence_classification

CPU_PREDICT = """
import pickle, sys, numpy as np, torch, warnings
warnings.simplefilter("ignore")
assert not torch.cuda.is_available()
model = pickle.load(open(sys.argv[1], "rb"))
X = np.load(sys.argv[2])
np.save(sys.argv[3], model.predict_proba(X))
print("device after unpickling:", model.net_.device)
"""


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed_fit(model, X, y, device: str) -> float:
    synchronize(device)
    start = time.perf_counter()
    model.fit(X, y)
    synchronize(device)
    return time.perf_counter() - start


def per_step(device: str, n_samples: int) -> dict:
    spec, X, _, y, _ = large_fit_data(n_samples)
    result = {}
    for batch_size in (256, "auto"):
        model = RedCoreClassifier(spec, device=device, batch_size=batch_size, max_epochs=3, early_stopping=False)
        model.set_params(tol=None, random_state=0)
        seconds = timed_fit(model, X, y, device)
        steps = model.n_iter_ * -(-len(y) // model.batch_size_)
        result[str(batch_size)] = {
            "batch_size": model.batch_size_,
            "ms_per_step": round(1000 * seconds / steps, 3),
            "rows_per_s": round(model.n_iter_ * len(y) / seconds),
        }
        print("per step", batch_size, result[str(batch_size)], flush=True)
    return result


def large_fit(device: str, n_samples: int, batch_size) -> dict:
    spec, X_train, X_test, y_train, y_test = large_fit_data(n_samples)
    model = RedCoreClassifier(spec, device=device, batch_size=batch_size, random_state=0)
    seconds = timed_fit(model, X_train, y_train, device)
    f1 = evaluate_modality_combinations(model, X_test, y_test, spec)["Ave."].iloc[0]
    result = {"batch_size": model.batch_size_, "fit_s": round(seconds, 1), "epochs": model.n_iter_, "f1": round(f1, 4)}
    print("large fit", n_samples, batch_size, result, flush=True)
    return result


def mfeat(device: str) -> tuple[dict, RedCoreClassifier, np.ndarray]:
    data = load_mfeat(views=["fou", "zer", "mor"])
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
    )
    X_train = mask_modalities(X_train, data.modalities, [0.8, 0.5, 0.2], random_state=0)
    result, models = {}, {}
    for name in dict.fromkeys((device, "cpu")):
        models[name] = RedCoreClassifier(data.modalities, device=name, random_state=0)
        seconds = timed_fit(models[name], X_train, y_train, name)
        f1 = f1_score(y_test, models[name].predict(X_test), average="weighted")
        result[name] = {"fit_s": round(seconds, 2), "f1": round(f1, 4)}
    print("mfeat", result, flush=True)
    return result, models[device], X_test


def sequences(device: str, n_samples: int) -> dict:
    data = make_sequence_classification(n_samples, modality_shapes=((40, 12), (40, 12)), random_state=0)
    X = mask_modalities(data.data, data.modalities, 0.3, random_state=0)
    result = {}
    for encoder in ("rocket", "conv", "transformer"):
        model = RedCoreClassifier(data.modalities, device=device, sequence_encoder=encoder, random_state=0)
        result[encoder] = {"fit_s": round(timed_fit(model, X, data.target, device), 2), "epochs": None}
        result[encoder]["epochs"] = model.n_iter_
        print("sequences", encoder, result[encoder], flush=True)
    return result


def portability(model: RedCoreClassifier, X_test: np.ndarray) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, name) for name in ("model.pkl", "X.npy", "proba.npy")]
        with open(paths[0], "wb") as handle:
            pickle.dump(model, handle)
        np.save(paths[1], X_test)
        env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
        result = subprocess.run([sys.executable, "-c", CPU_PREDICT, *paths], env=env, capture_output=True, text=True)
        report = {"stdout": result.stdout.strip(), "returncode": result.returncode}
        if result.returncode == 0:
            on_cpu, here = np.load(paths[2]), model.predict_proba(X_test)
            report["max_abs_proba_diff"] = float(np.max(np.abs(on_cpu - here)))
            report["same_labels"] = bool(np.array_equal(on_cpu.argmax(1), here.argmax(1)))
        else:
            report["stderr"] = result.stderr[-2000:]
    print("portability", report, flush=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--skip-1m", action="store_true", help="leave out the fits of 1,000,000 rows")
    parser.add_argument("--quick", action="store_true", help="small sizes: a check of the script, not a measurement")
    args = parser.parse_args(argv)
    device = args.device
    if device.startswith("cuda") and not torch.cuda.is_available():
        parser.error("no CUDA GPU visible (use --device cpu --quick to check the script)")
    card = torch.cuda.get_device_name(0) if device.startswith("cuda") else "CPU"
    report = {"device": card, "torch": torch.__version__}
    step_rows, large, sequence_rows = (2_000, [4_000], 300) if args.quick else (100_000, [100_000, 1_000_000], 3_000)
    if args.skip_1m:
        large = large[:1]
    report["per_step_100k"] = per_step(device, step_rows)
    report["large_fits"] = {str(n): {"auto": large_fit(device, n, "auto")} for n in large}
    if len(large) > 1 or args.quick:
        report["large_fits"][str(large[-1])]["256"] = large_fit(device, large[-1], 256)
    report["mfeat"], model, X_test = mfeat(device)
    report["sequences"] = sequences(device, sequence_rows)
    report["portability"] = portability(model, X_test)
    text = json.dumps(report, indent=2)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu_check.json").write_text(text + "\n")
    return 0 if report["portability"].get("same_labels") else 1


if __name__ == "__main__":
    sys.exit(main())
