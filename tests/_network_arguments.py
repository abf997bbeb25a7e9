"""The arguments of a small RedCore network, for the tests that build one without an estimator."""

#: Every argument of ``RedCoreModule`` but the data's, small. The estimator sets each of them (the network has no
#: defaults of its own); a test starts from these and changes what it tests.
SMALL_NETWORK = dict(
    n_latent=6,
    encoder_hidden=(8,),
    xenc_hidden=8,
    xenc_widths=(4,),
    xenc_blocks=2,
    classifier_hidden=8,
    dropout=0.0,
    classifier_dropout=None,
    unimodal_heads=True,
    modality_dropout=0.0,
    transformer_width=8,
    transformer_layers=1,
    transformer_heads=2,
    conv_channels=8,
    conv_blocks=2,
    conv_kernel_size=3,
    rocket_features=252,
    kl_weight=1e-3,
    detach_target=False,
    numerical_embedding=None,
    embedding_dim=4,
    embedding_scale=0.1,
)


def network_arguments(modality_sizes: list[int], n_classes: int, **changes) -> dict:
    """The arguments of a small network of vector modalities of ``modality_sizes`` columns, ``changes`` on top."""
    vectors = dict(sequence_shapes=[None] * len(modality_sizes), sequence_encoders=["mlp"] * len(modality_sizes))
    return dict(modality_sizes=modality_sizes, n_classes=n_classes) | SMALL_NETWORK | vectors | changes
