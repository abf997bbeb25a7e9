"""GPU check: fit and predict on CUDA, speed-up over the CPU, GPU model loaded on a CPU-only process.

Run on a machine with a CUDA GPU::

    python benchmarks/gpu_check.py [--out DIR]

Steps: (1) fit RedCoreClassifier (defaults, mfeat fou+zer+mor, missing rates
0.8/0.5/0.2) on ``device="cuda"`` and on the CPU, timing both and comparing
their test F1; (2) pickle the GPU model and unpickle it in a fresh process
that sees no GPU (``CUDA_VISIBLE_DEVICES=""``), checking that it predicts the
same labels and probabilities there; (3) time a larger synthetic fit
(20,000 samples) on both devices.
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

from sklearn_redcore import RedCoreClassifier, mask_modalities
from sklearn_redcore.datasets import load_mfeat

CPU_PREDICT = """
import pickle, sys, numpy as np, torch, warnings
warnings.simplefilter("ignore")
assert not torch.cuda.is_available()
model = pickle.load(open(sys.argv[1], "rb"))
X = np.load(sys.argv[2])
np.save(sys.argv[3], model.predict_proba(X))
print("device after unpickling:", model.net_.device)
"""


def timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("."))
    args = parser.parse_args()
    assert torch.cuda.is_available(), "no CUDA GPU visible"
    report = {"card": torch.cuda.get_device_name(0), "torch": torch.__version__}

    data = load_mfeat(views=["fou", "zer", "mor"])
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
    )
    X_train = mask_modalities(X_train, data.modalities, [0.8, 0.5, 0.2], random_state=0)
    gpu = RedCoreClassifier(data.modalities, device="cuda", random_state=0)
    cpu = RedCoreClassifier(data.modalities, device="cpu", random_state=0)
    report["mfeat_fit_s"] = {"cuda": timed_fit(gpu, X_train, y_train), "cpu": timed_fit(cpu, X_train, y_train)}
    report["mfeat_f1"] = {
        name: f1_score(y_test, m.predict(X_test), average="weighted") for name, m in (("cuda", gpu), ("cpu", cpu))
    }

    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, name) for name in ("model.pkl", "X.npy", "proba.npy")]
        with open(paths[0], "wb") as handle:
            pickle.dump(gpu, handle)
        np.save(paths[1], X_test)
        env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
        result = subprocess.run([sys.executable, "-c", CPU_PREDICT, *paths], env=env, capture_output=True, text=True)
        report["cpu_unpickle_stdout"] = result.stdout.strip()
        report["cpu_unpickle_returncode"] = result.returncode
        if result.returncode == 0:
            on_cpu = np.load(paths[2])
            on_gpu = gpu.predict_proba(X_test)
            report["cpu_vs_gpu_max_abs_proba_diff"] = float(np.max(np.abs(on_cpu - on_gpu)))
            report["cpu_vs_gpu_same_labels"] = bool(np.array_equal(on_cpu.argmax(1), on_gpu.argmax(1)))
        else:
            report["cpu_unpickle_stderr"] = result.stderr[-2000:]

    rng = np.random.default_rng(0)
    n, widths = 20000, [200, 100, 50]
    signal = rng.normal(size=(n, 8))
    y = (signal[:, 0] + signal[:, 1] > 0).astype(int) + 2 * (signal[:, 2] > 0)
    X = np.hstack([signal @ rng.normal(size=(8, w)) + rng.normal(size=(n, w)) for w in widths])
    spec = {f"m{i}": list(range(sum(widths[:i]), sum(widths[: i + 1]))) for i in range(3)}
    X = mask_modalities(X, spec, [0.6, 0.4, 0.2], random_state=0)
    large = {}
    for device, threads in (("cuda", 1), ("cpu", None)):
        model = RedCoreClassifier(spec, device=device, max_epochs=10, batch_size=512, n_threads=threads, random_state=0)
        large[device] = timed_fit(model, X, y)
    report["synthetic_20k_10_epochs_fit_s"] = large
    report["synthetic_speedup"] = large["cpu"] / large["cuda"]
    report["mfeat_speedup"] = report["mfeat_fit_s"]["cpu"] / report["mfeat_fit_s"]["cuda"]
    text = json.dumps(report, indent=2)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu_check.json").write_text(text + "\n")
    return 0 if report.get("cpu_vs_gpu_same_labels") else 1


if __name__ == "__main__":
    sys.exit(main())
