"""Fit every estimator of the package with fixed seeds and compare its predictions with a reference.

A refactoring must not change what the models compute. This script fits each
public estimator (RedCore and its Core and Red ablations, MMIN, CRA and AMAE in
both training regimes, sequence models with each encoder (the convolutional
one where the version has it), early stopping, a warm start, the
masker) on mfeat with fixed seeds, and writes their probabilities to a file;
run on two versions of the code, the second run compares its probabilities
with the first's::

    python benchmarks/check_unchanged.py --save before.npz     # on the old code
    python benchmarks/check_unchanged.py --compare before.npz  # on the new code

Only the public API is used, so the same script runs on both versions. One
torch thread; about a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def cases():
    """(name, fitted-model function) pairs; each function returns an array to compare."""
    from sklearn_redcore import (
        AMAEClassifier,
        CRAClassifier,
        MMINClassifier,
        ModalityMasker,
        RedCoreClassifier,
        SequenceModality,
        mask_modalities,
    )
    from sklearn_redcore.datasets import load_mfeat, make_sequence_classification

    data = load_mfeat(views=["fou", "zer", "mor"])
    rows = np.random.RandomState(0).permutation(len(data.target))
    train, test = rows[:700], rows[700:1000]
    X = mask_modalities(data.data[train], data.modalities, [0.6, 0.4, 0.2], random_state=0)
    y = data.target[train]
    X_test = mask_modalities(data.data[test], data.modalities, 0.3, random_state=1)
    spec = data.modalities

    def proba(model, X=X, y=y, X_test=X_test):
        return lambda: model.fit(X, y).predict_proba(X_test)

    def warm():
        model = RedCoreClassifier(spec, max_epochs=3, warm_start=True, random_state=3).fit(X, y)
        model.fit(X, y)
        return np.concatenate([model.predict_proba(X_test).ravel(), model.eta_history_.ravel()])

    def regulation():
        model = RedCoreClassifier(spec, max_epochs=4, random_state=0).fit(X, y)
        return np.concatenate(
            [
                model.eta_history_.ravel(),
                model.relative_advantage_history_.ravel(),
                model.imputation_loss_history_.ravel(),
            ]
        )

    seq = make_sequence_classification(300, modality_shapes=((8, 3), (6, 4)), n_classes=3, random_state=0)
    X_seq = mask_modalities(seq.data, seq.modalities, [0.5, 0.2], random_state=0)
    seq_spec = seq.modalities
    vector_seq = {name: getattr(group, "columns", group) for name, group in seq_spec.items()}
    assert all(isinstance(group, SequenceModality) for group in seq_spec.values())

    small_amae = dict(n_heads=2, feedforward=32)
    runs = [
        ("redcore", proba(RedCoreClassifier(spec, max_epochs=4, random_state=0))),
        ("core", proba(RedCoreClassifier(spec, max_epochs=4, regulate=False, random_state=0))),
        ("red", proba(RedCoreClassifier(spec, max_epochs=4, unimodal_heads=False, random_state=0))),
        (
            "paper_recipe",
            proba(
                RedCoreClassifier(spec, max_epochs=4, modality_dropout=0, stop_target_gradient=False, random_state=1)
            ),
        ),
        (
            "early_stopping",
            proba(RedCoreClassifier(spec, max_epochs=6, early_stopping=True, n_iter_no_change=2, random_state=2)),
        ),
        ("regulation_history", regulation),
        ("warm_start", warm),
        ("mmin", proba(MMINClassifier(spec, max_epochs=4, random_state=0))),
        ("mmin_idt", proba(MMINClassifier(spec, training="all", max_epochs=4, random_state=0))),
        ("cra", proba(CRAClassifier(spec, max_epochs=4, random_state=0))),
        ("cra_idt", proba(CRAClassifier(spec, training="all", max_epochs=4, random_state=0))),
        ("amae", proba(AMAEClassifier(spec, max_epochs=4, random_state=0, **small_amae))),
        ("amae_idt", proba(AMAEClassifier(spec, training="all", max_epochs=4, random_state=0, **small_amae))),
        (
            "sequence_transformer",
            proba(
                RedCoreClassifier(
                    seq_spec,
                    max_epochs=3,
                    sequence_encoder="transformer",  # the default until the conv encoder became it
                    transformer_width=16,
                    transformer_layers=1,
                    transformer_heads=2,
                    random_state=0,
                ),
                X=X_seq,
                y=seq.target,
                X_test=X_seq[:100],
            ),
        ),
        (
            "sequence_mlp",
            proba(
                RedCoreClassifier(seq_spec, max_epochs=3, sequence_encoder="mlp", random_state=0),
                X=X_seq,
                y=seq.target,
                X_test=X_seq[:100],
            ),
        ),
        (
            "sequence_as_vectors",
            proba(
                MMINClassifier(vector_seq, training="all", max_epochs=3, random_state=0),
                X=X_seq,
                y=seq.target,
                X_test=X_seq[:100],
            ),
        ),
        ("masker", lambda: ModalityMasker(spec, [0.5, 0.3, 0.1], random_state=0).fit_transform(X_test)),
    ]
    if "conv_channels" in RedCoreClassifier().get_params():  # versions with the convolutional encoder
        conv = RedCoreClassifier(seq_spec, max_epochs=3, sequence_encoder="conv", conv_channels=8, random_state=0)
        runs.insert(-1, ("sequence_conv", proba(conv, X=X_seq, y=seq.target, X_test=X_seq[:100])))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", metavar="FILE", help="write the outputs to FILE (.npz)")
    action.add_argument("--compare", metavar="FILE", help="compare the outputs with those in FILE")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    import sklearn_redcore

    print(f"sklearn_redcore from {sklearn_redcore.__file__}", file=sys.stderr)
    outputs = {}
    for name, run in cases():
        start = time.perf_counter()
        outputs[name] = np.asarray(run(), dtype=float)
        print(f"{name:<22} {time.perf_counter() - start:5.1f} s", file=sys.stderr)
    if args.save:
        np.savez_compressed(args.save, **outputs)
        print(f"wrote {len(outputs)} outputs to {args.save}")
        return 0
    reference = np.load(args.compare)
    failed = 0
    print(f"{'case':<22} {'max |difference|':>18}  identical")
    for name, value in outputs.items():
        if name not in reference:
            print(f"{name:<22} {'(not in reference)':>18}")
            failed += 1
            continue
        expected = reference[name]
        same_shape = expected.shape == value.shape
        diff = float(np.nanmax(np.abs(expected - value))) if same_shape and value.size else float("nan")
        identical = same_shape and np.array_equal(expected, value, equal_nan=True)
        failed += not identical
        print(f"{name:<22} {diff:>18.3g}  {'yes' if identical else 'NO'}")
    print(f"{len(outputs) - failed} of {len(outputs)} cases identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
