"""The paper's settings, and the authors' code's, as named presets of RedCoreClassifier.

``RedCoreClassifier.from_preset(name)`` builds the estimator with these
parameters (explicit keyword arguments win). The user guide's method page
lists every value with its source, and a test pins the two against each
other.

* ``"paper"``: the implementation section of Sun et al. (AAAI 2024), with
  eq. (3) and the total loss weighted as written: ``KL - gamma log q`` with
  gamma = 0.008 and ``+ sum_m eta^m L_MSE^m``, divided by gamma so that the
  cross-entropy keeps weight 1 (``kl_weight = imputation_weight = 1 /
  gamma = 125``). Where the paper is silent (epochs, the heads' widths), the
  authors' code fills in.
* ``"authors_code"``: the public code's choices where they differ from the
  paper's text: the KL weighted by 8e-4 without its factor 1/2 (so 1.6e-3
  here, where the KL carries it), the imputation losses by 0.15 eta with
  ``xi1 = 0.1, xi2 = 1``, the learning rate decayed linearly over the last
  30 of 60 epochs, heads of two hidden layers with dropout 0.5, and
  residual blocks narrowing to 64.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PAPER_GAMMA", "PRESETS", "preset_params", "presets_table"]

#: gamma of eq. (3), as the paper's implementation section quotes it.
PAPER_GAMMA = 0.008

_PAPER: dict[str, Any] = dict(
    # the network (Section "Implementation details"): d = 128, transformers 3 x 8 heads x 128,
    # 5 residual autoencoder blocks 256-128-64-32-64-128-256
    n_latent=128,
    sequence_encoder="transformer",
    transformer_width=128,
    transformer_layers=3,
    transformer_heads=8,
    encoder_hidden=(128,),  # vector modalities (the paper has none): one layer as wide as its transformers
    xenc_hidden=256,
    xenc_widths=(128, 64, 32),
    xenc_blocks=5,
    classifier_hidden=(128,),  # "MLPs as decoders"; the width is the code's
    # the loss: eq. (3) and the total loss as written, divided by gamma
    kl_weight=1 / PAPER_GAMMA,
    imputation_weight=1 / PAPER_GAMMA,
    modality_dropout=0.0,
    stop_target_gradient=False,
    # supervision regulation: Algorithm 1 on the raw imputation losses, as written
    advantage_reference="none",
    p=2,
    xi1=0.015,
    xi2=0.15,
    K=3,
    alpha1=0.1,
    beta=0.7,
    # optimisation: Adam 2e-4, batches of 128; a fixed number of epochs (the paper gives none: the code's 60)
    lr=2e-4,
    batch_size=128,
    max_epochs=60,
    lr_schedule="constant",
    early_stopping=False,
    tol=None,
    weight_averaging=None,  # the last epoch's weights
    feature_transform="standard",  # the paper does not describe its preprocessing: plain standardisation
)

_AUTHORS_CODE: dict[str, Any] = _PAPER | dict(
    xenc_widths=(128, 64),
    classifier_hidden=(128, 128),
    classifier_dropout=0.5,
    kl_weight=2 * 8e-4,
    imputation_weight=0.15,
    xi1=0.1,
    xi2=1.0,
    lr_schedule="linear",
)

#: Preset name -> the parameters it sets.
PRESETS: dict[str, dict[str, Any]] = {"paper": _PAPER, "authors_code": _AUTHORS_CODE}


def preset_params(name: str) -> dict[str, Any]:
    """A copy of the parameters of the preset ``name``; ValueError for an unknown name."""
    if name not in PRESETS:
        raise ValueError(f"Unknown preset {name!r}; choose among {sorted(PRESETS)}.")
    return dict(PRESETS[name])


def presets_table() -> str:
    """The presets as a reStructuredText table (parameter, then one column per preset), for docstrings."""
    names = list(PRESETS)
    params = list(dict.fromkeys(key for name in names for key in PRESETS[name]))
    rows = [["parameter", *(f'"{name}"' for name in names)]]
    rows += [
        [f"``{key}``", *(repr(PRESETS[name][key]) if key in PRESETS[name] else "(default)" for name in names)]
        for key in params
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rule = "  ".join("=" * width for width in widths)
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join([rule, lines[0], rule, *lines[1:], rule])
