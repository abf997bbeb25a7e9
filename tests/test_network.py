"""The RedCore network and loss (Section 3), independent of scikit-learn."""

import inspect

import numpy as np
import pytest
import torch
from torch.distributions import Normal, kl_divergence

from sklearn_redcore import RedCoreClassifier
from sklearn_redcore._network import SEQUENCE_ENCODERS, RedCoreModule, RedCoreRegressionModule, redcore_objective
from sklearn_redcore._network._layers import GaussianEncoder, StackedLinear
from sklearn_redcore._network._loss import gaussian_kl

from .conftest import network_arguments


@pytest.fixture
def module():
    torch.manual_seed(0)
    return RedCoreModule(**network_arguments([5, 3, 4], 3))


def batch(n=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 12, generator=g)
    present = torch.rand(n, 3, generator=g) > 0.4
    present[:, 0] |= ~present.any(1)
    return x, present, torch.randint(0, 3, (n,), generator=g)


def test_shapes_and_eq_1(module):
    x, present, _ = batch()
    module.eval()
    out = module(x, present)
    assert out.logits.shape == (16, 3) and out.unimodal_logits.shape == (3, 16, 3)
    assert out.z_bar.shape == out.z_hat.shape == (16, 3, 6)
    torch.testing.assert_close(out.z_bar, out.mean)  # evaluation uses the means


def test_a_missing_modality_contributes_nothing(module):
    """Masks instead of zero inputs: the values in a missing block never matter."""
    module.eval()
    x, present, _ = batch()
    present[:, 1] = False
    out = module(x, present)
    x2 = x.clone()
    x2[:, 5:8] = torch.randn(16, 3) * 100  # modality 1's columns
    out2 = module(x2, present)
    torch.testing.assert_close(out.logits, out2.logits)
    torch.testing.assert_close(out.z_hat[:, [0, 2]], out2.z_hat[:, [0, 2]])
    # but they do matter once the modality is present
    present[:, 1] = True
    assert not torch.allclose(module(x, present).logits, module(x2, present).logits)


def test_training_samples_and_modality_dropout_keeps_one_visible():
    torch.manual_seed(0)
    module = RedCoreModule(**network_arguments([2, 2, 2], 2, n_latent=3, modality_dropout=0.9))
    module.train()
    x, present, _ = batch(n=500)
    x = x[:, :6]
    out = module(x, present)
    assert not torch.allclose(out.z_bar, out.mean)
    assert torch.all(out.visible.any(1)) and torch.all(out.visible <= out.present)
    assert out.visible.sum() < out.present.sum()


def test_gaussian_kl_matches_torch():
    mean, log_var = torch.randn(7, 4), torch.randn(7, 4)
    expected = kl_divergence(Normal(mean, torch.exp(0.5 * log_var)), Normal(0.0, 1.0)).sum(-1)
    torch.testing.assert_close(gaussian_kl(mean, log_var), expected)


def test_loss_parts(module):
    module.eval()
    x, present, y = batch()
    present[:, 2] = False
    out = module(x, present)
    eta = torch.tensor([0.1, 0.2, 0.3])
    loss = module.loss(out, y)
    # imputation loss of modality 0: mean squared distance over samples that have it
    rows = present[:, 0]
    expected = (out.z_bar[rows, 0] - out.z_hat[rows, 0]).pow(2).sum(-1).mean()
    torch.testing.assert_close(loss.imputation[0], expected)
    assert loss.imputation[2] == 0 and loss.observed.tolist() == [True, True, False]
    total = redcore_objective(loss, eta)
    torch.testing.assert_close(total, loss.vib + (eta * loss.imputation).sum())
    assert torch.isfinite(total)


def test_stacked_linear_equals_separate_layers():
    layer = StackedLinear(3, 4, 2)
    x = torch.randn(3, 5, 4)
    out = layer(x)
    for m in range(3):
        torch.testing.assert_close(out[m], x[m] @ layer.weight[m] + layer.bias[m])


def test_single_modality_network_runs():
    module = RedCoreModule(**network_arguments([4], 2, n_latent=3))
    module.eval()
    out = module(torch.randn(5, 4), torch.ones(5, 1, dtype=torch.bool))
    assert np.isfinite(out.logits.detach().numpy()).all()


def test_detached_target_keeps_the_imputation_gradient_off_the_modality_own_encoder():
    """A single modality has no partner, so its own encoder can get an imputation gradient
    through the target side only: none with the target detached, some without."""
    torch.manual_seed(0)
    x, present, y = torch.randn(8, 4), torch.ones(8, 1, dtype=torch.bool), torch.randint(0, 2, (8,))
    for detach, expect_grad in ((True, False), (False, True)):
        module = RedCoreModule(**network_arguments([4], 2, n_latent=3, kl_weight=0.0, detach_target=detach))
        module.train()
        out = module(x, present)
        module.loss(out, y).imputation.sum().backward()
        encoder_grad = module.encoders[0].head.weight.grad
        has_grad = encoder_grad is not None and bool(encoder_grad.abs().sum() > 0)
        assert has_grad is expect_grad
        assert module.cross_encoders.project_out.bias.grad.abs().sum() > 0


def test_the_red_ablation_drops_the_unimodal_cross_entropies_and_keeps_their_kl_terms():
    """Eq. (3) without the unimodal heads (the paper's "Red" ablation): the KL terms of the M
    representations stay, beside the joint representation's (the same sum over modalities)."""
    torch.manual_seed(0)
    x, present, y = batch()
    for heads in (True, False):
        module = RedCoreModule(**network_arguments([5, 3, 4], 3, kl_weight=0.01, unimodal_heads=heads))
        module.eval()
        out = module(x, present)
        kl = (gaussian_kl(out.mean, out.log_var) * present.to(out.mean.dtype)).sum(0) / len(y)
        expected = torch.nn.functional.cross_entropy(out.logits, y) + 2 * 0.01 * kl.sum()
        if heads:
            expected = expected + 3 * torch.nn.functional.cross_entropy(out.unimodal_logits.reshape(-1, 3), y.repeat(3))
        torch.testing.assert_close(module.loss(out, y).vib, expected)


def test_unimodal_parts_and_their_weights_in_the_objective(module):
    module.eval()
    x, present, y = batch()
    out = module(x, present)
    parts = module.loss(out, y)
    per_head = torch.stack([torch.nn.functional.cross_entropy(out.unimodal_logits[m], y) for m in range(3)])
    torch.testing.assert_close(parts.unimodal, per_head)
    eta = torch.tensor([0.1, 0.05, 0.02])
    base = redcore_objective(parts, eta)
    torch.testing.assert_close(redcore_objective(parts, eta, unimodal_weights=np.ones(3)), base)
    weights = np.array([2.0, 0.5, 0.5])
    expected = base + ((torch.as_tensor(weights, dtype=base.dtype) - 1) * per_head).sum()
    torch.testing.assert_close(redcore_objective(parts, eta, unimodal_weights=weights), expected)


def test_the_module_names_its_joint_loss_part(module):
    """The training loop reads the joint head's loss under the module's ``joint_loss_part``, its first loss part."""
    assert RedCoreModule.loss_parts == (RedCoreModule.joint_loss_part,) == ("classification",)
    assert RedCoreRegressionModule.loss_parts == (RedCoreRegressionModule.joint_loss_part,) == ("regression",)
    x, present, y = batch()
    parts = module.eval().loss(module(x, present), y)
    assert parts["classification"] is parts.joint and parts["imputation"] is parts.imputation
    with pytest.raises(AttributeError):
        parts["regression"]


def test_the_network_has_no_defaults_of_its_own():
    """The estimator sets every argument of the network: none has a default that could differ from the estimator's."""
    parameters = list(inspect.signature(RedCoreModule).parameters.values())
    assert {p.name for p in parameters} == set(network_arguments([4], 2))
    assert all(p.kind is p.KEYWORD_ONLY and p.default is p.empty for p in parameters)


@pytest.mark.parametrize("name", sorted(SEQUENCE_ENCODERS))
def test_every_named_sequence_encoder_builds_the_encoder_of_a_sequence(name):
    """``SEQUENCE_ENCODERS`` is the one list of the encoders; the estimator accepts each of its names."""
    RedCoreClassifier(sequence_encoder=name)._validate_params()
    torch.manual_seed(0)
    arguments = network_arguments([9 * 3, 2], 2, sequence_shapes=[(9, 3), None], sequence_encoders=[name, name])
    module = RedCoreModule(**arguments).eval()
    assert isinstance(module.encoders[1], GaussianEncoder)  # a vector's encoder whatever the name
    x, present = torch.randn(5, 29), torch.ones(5, 2, dtype=torch.bool)
    out = module(x, present, observed_steps=torch.ones(5, 9, dtype=torch.bool))
    assert out.mean.shape == (5, 2, 6) and torch.isfinite(out.logits).all()


def test_an_unknown_sequence_encoder_is_refused_with_the_known_names():
    arguments = network_arguments([6], 2, sequence_shapes=[(3, 2)], sequence_encoders=["lstm"])
    with pytest.raises(ValueError, match="'conv', 'mlp', 'rocket', 'transformer'"):
        RedCoreModule(**arguments)


def test_the_target_spread_is_that_of_each_modality_own_representation_where_present():
    """``target_spread[m]``: the mean squared distance of z_bar^m to its mean over the samples where m is present,
    so that the imputation loss divided by it is one minus the R^2 of the imputation (weighted like the loss)."""
    torch.manual_seed(0)
    x, _, y = batch()
    present = torch.tensor([[1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1], [1, 1, 0], [0, 1, 1]], dtype=torch.bool)
    x, y = x[: len(present)], y[: len(present)]
    module = RedCoreModule(**network_arguments([5, 3, 4], 3))
    module.train()
    out = module(x, present)
    weight = torch.tensor([1.0, 2.0, 0.5, 1.0, 3.0, 1.0])
    for sample_weight in (None, weight):
        parts = module.loss(out, y, sample_weight)
        for m in range(3):
            rows = present[:, m]
            z = out.z_bar[rows, m].detach().double()
            w = torch.ones(len(z), dtype=torch.double) if sample_weight is None else weight[rows].double()
            centre = (w[:, None] * z).sum(0) / w.sum()
            expected = (w * (z - centre).pow(2).sum(-1)).sum() / w.sum()
            assert parts.target_spread[m].item() == pytest.approx(expected.item(), rel=1e-5)
        assert not parts.target_spread.requires_grad
