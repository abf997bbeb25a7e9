"""The comparison methods: MMIN, CRA and AMAE on the shared base."""

import numpy as np
import pandas as pd
import pytest
import torch

from sklearn_redcore import AMAEClassifier, CRAClassifier, MMINClassifier, modality_presence
from sklearn_redcore._baselines._networks import ImaginationModule, MaskedModalityModule, sample_visible
from sklearn_redcore._benchmark import make_model, run_study

SMALL = dict(n_latent=16, encoder_hidden=(32,), classifier_hidden=32, lr=3e-3, max_epochs=25, batch_size=64)
MODELS = {
    "MMIN": lambda spec, **kw: MMINClassifier(spec, cra_widths=(16, 8), cra_blocks=2, **(SMALL | kw)),
    "CRA": lambda spec, **kw: CRAClassifier(spec, cra_widths=(16, 8), cra_blocks=2, **(SMALL | kw)),
    "AMAE": lambda spec, **kw: AMAEClassifier(spec, n_heads=2, feedforward=32, **(SMALL | kw)),
}


def test_sample_visible_draws_every_nonempty_subset_of_the_present_ones_alike():
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(0)
    present = torch.tensor([[True, True, True], [True, False, True], [False, False, False]]).repeat(4000, 1)
    visible = sample_visible(present)
    torch.random.set_rng_state(generator_state)
    assert not (visible & ~present).any()  # only present modalities are shown
    assert visible[present.any(1)].any(1).all()  # at least one per sample that has one
    assert not visible[~present.any(1)].any()  # none for a sample with none
    codes = (visible[0::3].long() * torch.tensor([1, 2, 4])).sum(1)
    counts = torch.bincount(codes, minlength=8)[1:].double()  # the 7 non-empty subsets of 3
    assert counts.min() > 0.85 * counts.mean() and counts.max() < 1.15 * counts.mean()
    pairs = (visible[1::3][:, [0, 2]].long() * torch.tensor([1, 2])).sum(1)
    assert set(torch.unique(pairs).tolist()) == {1, 2, 3}


@pytest.mark.parametrize("name", list(MODELS))
def test_learns_in_both_training_regimes(name, mfeat_small):
    X, y, spec = mfeat_small
    complete = modality_presence(X, spec).all(axis=1)
    # About 100 complete samples: more epochs for as many updates.
    # Scored on all training rows, most of them incomplete: the regime that saw them does better.
    # (measured: 0.69 to 0.74 on complete samples, 0.86 to 0.88 on all)
    for training, n_rows, epochs, floor in (("complete", complete.sum(), 100, 0.64), ("all", len(y), 25, 0.81)):
        clf = MODELS[name](spec, training=training, random_state=0, max_epochs=epochs).fit(X, y)
        assert clf.n_training_samples_ == n_rows
        proba = clf.predict_proba(X)
        assert np.isfinite(proba).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        np.testing.assert_array_equal(proba, clf.predict_proba(X))  # deterministic
        assert clf.score(X, y) > floor, (name, training)
        history = clf.net_.history
        assert np.isfinite(history[:, "classification"]).all()


def test_losses_recorded_and_cra_has_no_cycle(mfeat_small):
    X, y, spec = mfeat_small
    mmin = MODELS["MMIN"](spec, random_state=0, max_epochs=4).fit(X, y)
    cra = MODELS["CRA"](spec, random_state=0, max_epochs=4).fit(X, y)
    amae = MODELS["AMAE"](spec, random_state=0, max_epochs=4).fit(X, y)
    assert np.all(np.asarray(mmin.net_.history[:, "cycle"]) > 0)
    assert cra.net_.module_.backward_cascade is None
    assert np.all(np.asarray(cra.net_.history[:, "cycle"]) == 0)
    imagination = np.asarray(cra.net_.history[:, "imagination"])
    assert np.all(imagination > 0) and np.all(np.isfinite(imagination))
    assert np.all(np.asarray(amae.net_.history[:, "reconstruction"]) > 0)
    assert "cycle_weight" not in cra.get_params() and mmin.get_params()["cycle_weight"] == 2.0


def test_imagination_targets_only_the_modalities_a_sample_has():
    torch.manual_seed(0)
    module = ImaginationModule([3, 2], 2, n_latent=4, encoder_hidden=(5,), cra_widths=(6, 3), cra_blocks=2)
    x = torch.randn(8, 5)
    present = torch.tensor([[True, False]] * 8)
    out = module.train()(x, present)
    loss = module.loss(out, torch.zeros(8, dtype=torch.long))
    # only modality 0 is present: the imagination loss is the error on its block alone
    expected = (out.reconstruction[:, 0] - out.embedding[:, 0]).pow(2).mean()
    torch.testing.assert_close(loss["imagination"], expected)


def test_perfect_data_training_needs_complete_samples(mfeat_small):
    X, y, spec = mfeat_small
    X = X.copy()
    X[np.arange(len(X)) % 2 == 0, spec["zer"][0] : spec["zer"][-1] + 1] = np.nan
    X[np.arange(len(X)) % 2 == 1, spec["mor"][0] : spec["mor"][-1] + 1] = np.nan
    with pytest.raises(ValueError, match="training='all'"):
        MODELS["CRA"](spec).fit(X, y)
    with pytest.warns(UserWarning, match="miss every modality"):  # some lost their last modality here
        clf = MODELS["CRA"](spec, training="all", max_epochs=2).fit(X, y)
    assert clf.n_training_samples_ == modality_presence(X, spec).any(axis=1).sum()


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (dict(training="some"), "'training' parameter"),
        (dict(n_heads=3), "must divide"),
        (dict(cra_blocks=0), "cra_blocks"),
        (dict(cycle_weight=-1.0), "cycle_weight"),
    ],
)
def test_bad_parameters(params, match, mfeat_small):
    X, y, spec = mfeat_small
    cls = AMAEClassifier if "n_heads" in params else MMINClassifier
    with pytest.raises(ValueError, match=match):
        cls(spec, max_epochs=1, **params).fit(X, y)


def test_study_runs_them_and_reports_untrainable_ones(mfeat_small):
    X, y, spec = mfeat_small
    assert make_model("AMAE-IDT", spec, 0, {"max_epochs": 2, "xi1": 0.1}).get_params()["training"] == "all"
    positions = {name: np.asarray(cols) for name, cols in spec.items()}
    frame = run_study(
        X[:300],
        y[:300],
        positions,
        {"high": (0.95, 0.95, 0.95), "low": (0.1, 0.1, 0.1)},
        models=["CRA", "CRA-IDT"],
        progress=False,
        redcore_params=dict(SMALL, max_epochs=2, cra_blocks=1),
    )
    high = frame[frame["setting"] == "high"].set_index("model")
    assert np.isnan(high.loc["CRA", "Ave."]) and "training='all'" in high.loc["CRA", "error"]
    assert len(frame) == 4
    low = frame[frame["setting"] == "low"].set_index("model")
    # scored (two epochs learn little): "Ave." is the mean over the 7 combinations of the modalities
    combinations = ["zer", "mor", "fou", "zer+mor", "zer+fou", "mor+fou", "zer+mor+fou"]
    scored = pd.concat([low, high.loc[["CRA-IDT"]]])
    assert np.isfinite(scored[combinations].to_numpy()).all()
    np.testing.assert_allclose(scored["Ave."], scored[combinations].mean(axis=1), rtol=1e-12)
    assert low["error"].isna().all() and np.isnan(high.loc["CRA-IDT", "error"])


def test_hidden_modalities_follow_the_given_rates():
    present = torch.ones(20000, 3, dtype=torch.bool)
    present[::2, 2] = False
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(0)
    visible = sample_visible(present, torch.tensor([0.8, 0.5, 0.1]))
    torch.random.set_rng_state(generator_state)
    assert not (visible & ~present).any() and visible.any(1).all()
    full = present.all(1)
    hidden = 1 - visible[full].double().mean(0)  # redrawing the empty draws lowers the rates a little
    assert hidden[0] > hidden[1] > hidden[2] and abs(hidden[1] - 0.5) < 0.05 and hidden[2] < 0.12


@pytest.mark.parametrize("module_class", [ImaginationModule, MaskedModalityModule])
def test_simulated_missing_modalities_are_targets_never_inputs(module_class):
    """Perfect data training: a hidden modality's columns change nothing the network computes
    from its inputs (the classifier's output), only the target of its stand-in."""
    torch.manual_seed(0)
    if module_class is ImaginationModule:
        module = module_class(
            [4, 3, 5],
            3,
            n_latent=8,
            encoder_hidden=(8,),
            cra_widths=(8,),
            cra_blocks=1,
            hide_rates=[0.6, 0.3, 0.3],
            dropout=0.0,
        )
    else:
        module = module_class(
            [4, 3, 5],
            3,
            n_latent=8,
            encoder_hidden=(8,),
            n_heads=2,
            feedforward=8,
            dropout=0.0,
            hide_rates=[0.6, 0.3, 0.3],
        )
    module.train()
    x, present = torch.randn(64, 12), torch.ones(64, 3, dtype=torch.bool)
    changed = x.clone()
    changed[:, :4] += 5.0  # modality 0's columns
    torch.manual_seed(1)
    out = module(x, present)
    torch.manual_seed(1)
    again = module(changed, present)
    hidden = ~out.visible[:, 0]
    assert hidden.any() and (out.visible == again.visible).all()
    torch.testing.assert_close(out.logits[hidden], again.logits[hidden])
    assert not torch.allclose(out.embedding[hidden, 0], again.embedding[hidden, 0])  # the target moved
    assert not torch.allclose(out.logits[~hidden], again.logits[~hidden])  # shown: an input


@pytest.mark.parametrize("module_class", [ImaginationModule, MaskedModalityModule])
def test_hiding_per_fit_draws_each_row_hidden_modalities_once(module_class):
    """The fixed-mask reading: ``prepare_training_inputs`` draws every training row's visible modalities once,
    training shows exactly those in every mini-batch, and prediction shows every present one."""
    sizes = dict(n_latent=8, encoder_hidden=(8,), dropout=0.0, hide_rates=[0.6, 0.3, 0.3], hide_once=True)
    extra = dict(cra_widths=(8,), cra_blocks=1) if module_class is ImaginationModule else dict(n_heads=2, feedforward=8)
    module = module_class([4, 3, 5], 3, **sizes, **extra)
    x, present = torch.randn(64, 12), torch.rand(64, 3) < 0.8
    present[:, 0] |= ~present.any(1)
    torch.manual_seed(0)
    tensors = module.prepare_training_inputs({"x": x, "present": present})
    visible = tensors["visible"]
    assert not (visible & ~present).any() and visible.any(1).all() and (visible != present).any()
    module.train()
    for seed in (1, 2):  # two mini-batches' draws: the same rows shown
        torch.manual_seed(seed)
        assert torch.equal(module(**tensors).visible, visible)
    module.eval()
    assert torch.equal(module(**tensors).visible, present)
    per_batch = module_class([4, 3, 5], 3, **(sizes | {"hide_once": False}), **extra)
    assert "visible" not in per_batch.prepare_training_inputs({"x": x, "present": present})


def test_hiding_is_checked_and_reaches_the_network(mfeat_small):
    X, y, spec = mfeat_small
    params = dict(training="all", missing_rates=0.3, max_epochs=2, cra_blocks=1, random_state=0)
    fixed = CRAClassifier(spec, hiding="per_fit", **params).fit(X, y)
    assert fixed.net_.module_.hide_once and not CRAClassifier(spec, **params).fit(X, y).net_.module_.hide_once
    again = CRAClassifier(spec, hiding="per_fit", **params).fit(X, y)
    np.testing.assert_array_equal(fixed.predict_proba(X), again.predict_proba(X))
    with pytest.raises(ValueError, match="hiding"):
        AMAEClassifier(spec, hiding="sometimes").fit(X, y)


def test_missing_rates_must_match_the_modalities(mfeat_small):
    X, y, spec = mfeat_small
    with pytest.raises(ValueError, match="missing_rates has 2 entries but there are 3 modalities"):
        MMINClassifier(spec, missing_rates=[0.5, 0.5], max_epochs=1).fit(X, y)
    clf = CRAClassifier(spec, training="all", missing_rates=0.3, max_epochs=1, cra_blocks=1).fit(X, y)
    assert clf.net_.module_.hide_rates.tolist() == pytest.approx([0.3, 0.3, 0.3])


def test_the_study_trains_pdt_models_on_the_unmasked_part_at_the_setting_rates(mfeat_small, monkeypatch):
    from sklearn_redcore._baselines._base import BaselineClassifier

    X, y, spec = mfeat_small
    complete = ~np.isnan(X).any(axis=1)
    seen = {}
    original = BaselineClassifier.fit

    def recording_fit(self, X_fit, y_fit):
        seen[self.get_params()["training"], str(self.missing_rates)] = np.isnan(X_fit).any(axis=1).mean()
        return original(self, X_fit, y_fit)

    monkeypatch.setattr(BaselineClassifier, "fit", recording_fit)
    positions = {name: np.asarray(cols) for name, cols in spec.items()}
    frame = run_study(
        X[complete][:200],
        y[complete][:200],
        positions,
        {"s": (0.9, 0.5, 0.2)},
        models=["CRA-PDT", "CRA-IDT"],
        progress=False,
        redcore_params=dict(SMALL, max_epochs=2, cra_blocks=1),
    )
    assert seen[("complete", "[0.9, 0.5, 0.2]")] == 0.0  # the unmasked training part, the rates simulated
    assert seen[("all", "None")] > 0.5  # the masked part
    assert frame["error"].isna().all() if "error" in frame else True
