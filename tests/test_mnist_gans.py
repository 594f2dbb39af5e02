"""Lecture 07's set-ups: every variant builds and changes only what it names; the judge's report
on real digits; the labelled subset; the semi-supervised trainer's extra loss."""

import numpy as np
import pytest
import torch
from torch import nn

from gancourse.dcgan import DCGANDiscriminator, DCGANGenerator
from gancourse.improved import MinibatchDiscrimination, VirtualBatchNorm
from gancourse.judge import load_judge
from gancourse.mnist import load_mnist5k
from gancourse.mnist_gans import (LIVE, RULES, TECHNIQUES, VARIANTS, channels_last,
                                  classifier_accuracy, judge_samples, labelled_subset, make_digit_gan,
                                  make_semi_supervised, train_classifier_alone)
from gancourse.models import ImageMLPDiscriminator, ImageMLPGenerator, count_parameters


@pytest.fixture(scope="module")
def data():
    return load_mnist5k()


def test_every_variant_builds_and_changes_what_it_names(data):
    assert set(RULES) | set(TECHNIQUES) == set(VARIANTS)
    base = make_digit_gan("DCGAN", 0, steps=1, data=data, device="cpu")
    assert isinstance(base.G, DCGANGenerator) and isinstance(base.D, DCGANDiscriminator)
    assert base.config.lr_g == base.config.lr_d == LIVE["lr"] and base.config.betas[0] == 0.5
    mods = lambda net, kind: [m for m in net.modules() if isinstance(m, kind)]
    t = {name: make_digit_gan(name, 0, steps=1, data=data, device="cpu") for name in VARIANTS}
    assert not mods(t["no batch norm"].G, nn.BatchNorm2d) and mods(base.G, nn.BatchNorm2d)
    assert mods(t["pooling, not strides"].D, nn.MaxPool2d) and not mods(base.D, nn.MaxPool2d)
    assert not mods(t["no tanh"].G, nn.Tanh) and mods(base.G, nn.Tanh)
    assert not mods(t["ReLU in D"].D, nn.LeakyReLU) and mods(t["ReLU in D"].D, nn.ReLU)
    assert mods(t["minibatch discrimination"].D, MinibatchDiscrimination)
    assert mods(t["virtual batch norm"].G, VirtualBatchNorm)
    assert t["feature matching"].config.feature_matching
    assert t["label smoothing"].config.real_label == 0.9
    assert t["historical averaging"].config.historical_averaging > 0
    mlp = t["MLP"]
    assert isinstance(mlp.G, ImageMLPGenerator) and isinstance(mlp.D, ImageMLPDiscriminator)
    # "about the same size": within 15 % of the DCGAN's parameters, each player
    for a, b in ((mlp.G, base.G), (mlp.D, base.D)):
        assert abs(count_parameters(a) / count_parameters(b) - 1) < 0.3
    # the same seed gives the same start
    again = make_digit_gan("DCGAN", 0, steps=1, data=data, device="cpu")
    assert all(torch.equal(p, q) for p, q in zip(base.G.parameters(), again.G.parameters()))
    with pytest.raises(ValueError, match="variant must be one of"):
        make_digit_gan("WGAN", data=data)
    with pytest.raises(TypeError, match="data must be"):
        make_digit_gan("DCGAN", data=(data.x_train, data.y_train))


def test_channels_last_keeps_the_function_and_changes_only_the_layout(data):
    torch.manual_seed(0)
    G, D = DCGANGenerator(LIVE["latent_dim"], 28, base=8), DCGANDiscriminator(28, base=8)
    G.eval()
    z = torch.randn(16, LIVE["latent_dim"])
    before_g, before_d = G(z), D(data.x_test[:16])
    assert channels_last(G) is G and channels_last(D) is D
    conv = [m.weight for m in G.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert all(w.is_contiguous(memory_format=torch.channels_last) for w in conv)
    assert not conv[0].is_contiguous()  # (a layer with one channel looks the same either way)
    torch.testing.assert_close(G(z), before_g, rtol=0, atol=1e-5)
    torch.testing.assert_close(D(data.x_test[:16]), before_d, rtol=0, atol=1e-5)
    trainer = make_digit_gan("DCGAN", 0, steps=1, data=data, device="cpu")
    assert all(m.weight.is_contiguous(memory_format=torch.channels_last)
               for net in (trainer.G, trainer.D) for m in net.modules()
               if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)))


def test_the_judge_scores_real_digits_as_the_best_case(data):
    judge = load_judge("cpu")
    real = judge_samples(data.x_train[:1000], judge, data)
    assert real["classes"] == 10 and real["confidence"] > 0.95 and real["fid"] < 10
    assert sum(real["shares"]) == pytest.approx(1.0)
    noise = judge_samples(torch.rand(1000, 1, 28, 28) * 2 - 1, judge, data)
    assert noise["fid"] > 20 * real["fid"]


def test_labelled_subset_is_balanced_and_seeded(data):
    x, y = labelled_subset(data, 10, seed=0)
    assert x.shape == (100, 1, 28, 28) and np.bincount(y.numpy()).tolist() == [10] * 10
    x2, _ = labelled_subset(data, 10, seed=0)
    x3, _ = labelled_subset(data, 10, seed=1)
    assert torch.equal(x, x2) and not torch.equal(x, x3)
    with pytest.raises(ValueError, match="per_class"):
        labelled_subset(data, 0)


def test_semi_supervised_trainer_adds_the_labelled_loss(data):
    t = make_semi_supervised(0, steps=2, data=data, device="cpu")
    calls = []
    inner = t.d_extra
    t.d_extra = lambda trainer: calls.append(1) or inner(trainer)
    t.train()
    assert len(calls) == 2 and not t.config.feature_matching
    assert make_semi_supervised(0, steps=1, feature_matching=True, data=data,
                                device="cpu").config.feature_matching
    assert t.D.classify(data.x_test[:5]).shape == (5, 10)
    net = train_classifier_alone(0, steps=30, data=data, device="cpu")
    assert classifier_accuracy(net, data) > 0.3  # 100 labels, 30 steps: far above chance


def test_the_saved_generator_makes_digits_and_a_missing_one_says_how(data, tmp_path):
    from gancourse.mnist_gans import load_digit_generator

    G = load_digit_generator()
    assert not G.training and G.latent_dim == LIVE["latent_dim"]
    with torch.no_grad():
        x = G(torch.randn(1000, G.latent_dim, generator=torch.Generator().manual_seed(0)))
    report = judge_samples(x, load_judge("cpu"), data)
    assert report["classes"] == 10 and report["confidence"] > 0.7 and report["fid"] < 150
    with pytest.raises(FileNotFoundError, match="digit_gans.py --only generator"):
        load_digit_generator(tmp_path / "none.pt")


def test_judge_samples_clips_what_a_generator_without_tanh_makes(data):
    judge = load_judge("cpu")
    x = data.x_test[:200]
    wide = judge_samples(3 * x, judge, data)  # pixels in [-3, 3]
    assert wide == judge_samples((3 * x).clamp(-1, 1), judge, data)


def test_saved_comparisons_against_a_hand_computation():
    from gancourse.mnist_gans import compare_saved, saved_scores

    bench = {"runs": [{"variant": "DCGAN", "fid": f} for f in (10.0, 12.0, 14.0)]
             + [{"variant": "X", "fid": f} for f in (30.0, 31.0, 32.0)]
             + [{"variant": "Y", "fid": f} for f in (9.0, 13.0, 17.0)]}
    assert saved_scores(bench, "X").tolist() == [30.0, 31.0, 32.0]
    diff, se, verdict = compare_saved(bench, "X")
    assert diff == pytest.approx(19.0) and se == pytest.approx(np.sqrt(4 / 3 + 1 / 3))
    assert verdict == "worse" and compare_saved(bench, "Y")[2] == "within noise"
    with pytest.raises(ValueError, match="no saved runs"):
        saved_scores(bench, "Z")


def test_the_saved_runs_match_the_settings_they_claim():
    """Lecture 07's tables and lecture 08's rankings read digit_gans.json: its runs must be
    those of the current settings (budget, seeds, every variant), each with its trace and
    every metric, and its numbers must agree with the judge's report they were made with."""
    from gancourse.mnist_gans import SEMI_SUPERVISED, load_digit_gans_benchmark

    bench = load_digit_gans_benchmark()
    assert bench["live"] == LIVE and bench["settings"] == SEMI_SUPERVISED
    for name, v in VARIANTS.items():
        runs = [r for r in bench["runs"] if r["variant"] == name]
        assert sorted(r["seed"] for r in runs) == [0, 1, 2], name
        for r in runs:
            assert r["steps"] == (v.steps or LIVE["steps"]), name
            assert [t["step"] for t in r["trace"]][-1] == r["steps"]
            assert r["trace"][-1]["fid"] == pytest.approx(r["fid"], rel=1e-6)
            assert set(r["metrics"]) == {"fid", "kid", "kid_se", "precision", "recall",
                                         "density", "coverage", "inception_score"}
            assert r["metrics"]["fid"] == pytest.approx(r["fid"], rel=1e-6)
    assert [r["steps"] for r in bench["semi_supervised"]] == [SEMI_SUPERVISED["steps"]] * 3


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_lecture_07_trains_and_judges_on_cuda(data):
    """The live DCGAN, its semi-supervised sibling and the saved generator on a GPU."""
    from gancourse.mnist_gans import load_digit_generator

    trainer = make_digit_gan("DCGAN", 0, steps=20, data=data, device="cuda")
    trainer.train()
    assert next(trainer.G.parameters()).is_cuda and trainer.step == 20
    report = judge_samples(trainer.sample(200), load_judge("cuda"), data)
    assert 0 <= report["smallest"] <= 1 and np.isfinite(report["fid"])
    semi = make_semi_supervised(0, steps=5, data=data, device="cuda")
    semi.train()
    assert 0 <= classifier_accuracy(semi.D.classifier, data) <= 1
    G = load_digit_generator(device="cuda")
    with torch.no_grad():
        assert G(torch.randn(4, G.latent_dim, device="cuda")).shape == (4, 1, 28, 28)
