"""Salimans et al.'s improved techniques, the (K+1)-class discriminator, and latent paths, each
against an independent computation (numpy loops, an explicit (K+1)-way softmax, closed forms)."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gancourse as gc
from gancourse.dcgan import DCGANDiscriminator, DCGANGenerator
from gancourse.improved import (HistoricalAverage, MinibatchDiscrimination, VirtualBatchNorm,
                                feature_matching_loss)
from gancourse.latent import (attribute_direction, ink, interpolate, label_switches,
                              step_lengths)
from gancourse.models import MLPDiscriminator, MLPGenerator, count_parameters
from gancourse.semi_supervised import KPlusOneDiscriminator, real_logit, semi_supervised_loss
from gancourse.training import GANTrainer, TrainConfig


def test_feature_matching_is_the_squared_distance_of_the_mean_features():
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(7, 5, generator=gen), torch.randn(9, 5, generator=gen)
    expected = sum((a.numpy()[:, j].mean() - b.numpy()[:, j].mean()) ** 2 for j in range(5))
    assert feature_matching_loss(a, b).item() == pytest.approx(expected, rel=1e-5)
    assert feature_matching_loss(a, a).item() == 0.0
    with pytest.raises(ValueError, match="features_fake"):
        feature_matching_loss(a, b[:, :4])
    with pytest.raises(ValueError, match="features_real"):
        feature_matching_loss(a[0], b)


def test_minibatch_discrimination_against_a_double_loop():
    torch.manual_seed(0)
    layer = MinibatchDiscrimination(6, kernels=3, kernel_dim=2)
    assert count_parameters(layer) == 6 * 3 * 2
    h = torch.randn(5, 6)
    m = (h @ layer.T).detach().numpy().reshape(5, 3, 2)
    expected = np.array([[sum(math.exp(-np.abs(m[i, b] - m[j, b]).sum())
                              for j in range(5) if j != i) for b in range(3)] for i in range(5)])
    out = layer(h)
    assert out.shape == (5, 9) and torch.equal(out[:, :6], h)
    assert np.allclose(out[:, 6:].detach().numpy(), expected, rtol=1e-5)
    # a collapsed minibatch: every sample is close to all B - 1 others
    same = layer.closeness(h[:1].expand(4, 6))
    assert torch.allclose(same, torch.full((4, 3), 3.0))
    with pytest.raises(ValueError, match="h must have shape"):
        layer(torch.randn(5, 4))


def test_historical_average_tracks_the_mean_of_past_parameters():
    net = torch.nn.Linear(2, 1)
    history = []
    avg = HistoricalAverage(net)
    for t in range(4):
        with torch.no_grad():
            for p in net.parameters():
                p.add_(float(t + 1))
        history.append(torch.cat([p.detach().ravel().clone() for p in net.parameters()]))
        penalty = avg.penalty()
    mean = torch.stack(history).mean(0)
    now = history[-1]
    assert penalty.item() == pytest.approx(((now - mean) ** 2).sum().item(), rel=1e-5)
    penalty.backward()  # d/dtheta ||theta - mean||^2 = 2 (theta - mean)
    grad = torch.cat([p.grad.ravel() for p in net.parameters()])
    assert torch.allclose(grad, 2 * (now - mean), atol=1e-6)
    with pytest.raises(TypeError, match="module"):
        HistoricalAverage("not a module")


def test_virtual_batch_norm_uses_the_reference_batch_and_the_example_alone():
    torch.manual_seed(0)
    vbn = VirtualBatchNorm(3)
    ref, x = torch.randn(8, 3, 4, 4), torch.randn(5, 3, 4, 4)
    # the reference pass is batch norm in training mode (with the same affine parameters)
    bn = torch.nn.BatchNorm2d(3)
    assert torch.allclose(vbn(ref), bn.train()(ref), atol=1e-5)
    vbn.reference = False
    out = vbn(x)
    # example 0 by the formula: (8 * reference statistics + its own) / 9
    r, e = ref.double(), x[0].double()
    mean = (8 * r.mean((0, 2, 3)) + e.mean((1, 2))) / 9
    sq = (8 * (r ** 2).mean((0, 2, 3)) + (e ** 2).mean((1, 2))) / 9
    expected = (e - mean[:, None, None]) / torch.sqrt(sq - mean ** 2 + 1e-5)[:, None, None]
    assert torch.allclose(out[0].double(), expected, atol=1e-5)
    # and it does not depend on the other examples of its minibatch (batch norm would)
    assert torch.allclose(vbn(torch.cat([x[:1], 10 * x[1:]]))[0], out[0], atol=1e-6)
    with pytest.raises(ValueError, match="x must have shape"):
        vbn(torch.randn(2, 4))
    fresh = VirtualBatchNorm(3)
    fresh.reference = False
    with pytest.raises(RuntimeError, match="reference pass"):
        fresh(x)


def test_dcgan_options_keep_the_defaults_and_name_bad_values():
    torch.manual_seed(0)
    G = DCGANGenerator(8, 28, base=4, norm="virtual", reference_size=6)
    z = torch.randn(5, 8)
    one = G(z)[0]
    assert torch.allclose(G(torch.cat([z[:1], 3 * z[1:]]))[0], one, atol=1e-5)  # per example
    assert G(z).shape == (5, 1, 28, 28)
    assert DCGANGenerator(8, 28, base=4, output="linear")(z).abs().max() > 0
    D = DCGANDiscriminator(28, base=4)
    x = torch.randn(5, 1, 28, 28)
    assert D.features(x).shape == (5, D.n_features) and D.n_features == 8 * 7 * 7
    for kw in (dict(downsample="pool"), dict(activation="relu"), dict(minibatch="std"),
               dict(minibatch="discrimination"), dict(outputs=10)):
        out = DCGANDiscriminator(28, base=4, **kw)(x)
        assert out.shape == (5, kw.get("outputs", 1))
    for bad in (dict(norm="layer"), dict(output="sigmoid")):
        with pytest.raises(ValueError, match=next(iter(bad))):
            DCGANGenerator(8, 28, **bad)
    for bad in (dict(downsample="avg"), dict(activation="elu"), dict(minibatch="pack")):
        with pytest.raises(ValueError, match=next(iter(bad))):
            DCGANDiscriminator(28, **bad)


def _trainer(**config):
    gc.seed_everything(0)
    G, D = DCGANGenerator(4, 8, base=4), DCGANDiscriminator(8, base=4)
    x = torch.rand(64, 1, 8, 8) * 2 - 1
    return GANTrainer(G, D, x, TrainConfig(steps=1, batch_size=16, progress=False, **config),
                      device="cpu")


def test_trainer_feature_matching_is_the_generators_loss():
    t = _trainer(feature_matching=True)
    seen = []
    original = t.D.features
    t.D.features = lambda x: seen.append(len(x)) or original(x)
    t.train(1)
    assert seen == [16, 16]  # one real and one generated batch, in G's step only
    assert t.history.g_loss[0] >= 0  # a squared distance, not a log-loss
    with pytest.raises(ValueError, match="features"):
        GANTrainer(MLPGenerator(2, 2), MLPDiscriminator(2), gc.Ring(),
                   TrainConfig(feature_matching=True), device="cpu")


def test_trainer_adds_historical_averaging_and_extra_terms_to_each_players_loss(monkeypatch):
    base = _trainer()
    base.train(1)

    def constant(self):  # a penalty of exactly 100 with no gradient: same steps, known losses
        return 100.0 + 0.0 * sum(p.sum() for p in self.params)

    monkeypatch.setattr(HistoricalAverage, "penalty", constant)
    t = _trainer(historical_averaging=0.5)
    t.train(1)
    assert t.history.g_loss[0] == pytest.approx(base.history.g_loss[0] + 50, abs=1e-4)
    assert t.history.d_loss[0] == pytest.approx(base.history.d_loss[0] + 50, abs=1e-4)
    calls = []
    extra = _trainer(k_steps=2)
    extra.d_extra = lambda trainer: calls.append(trainer.step) or torch.tensor(3.0)
    extra.train(1)
    assert calls == [0, 0]
    with pytest.raises(ValueError, match="historical_averaging"):
        TrainConfig(historical_averaging=-1)


def test_semi_supervised_loss_against_an_explicit_k_plus_one_softmax():
    gen = torch.Generator().manual_seed(0)
    lab, real, fake = (torch.randn(n, 4, generator=gen) * 2 for n in (6, 7, 8))
    y = torch.tensor([0, 1, 2, 3, 0, 1])

    def k_plus_one(logits):  # class K+1 ("generated") has logit 0
        return F.log_softmax(torch.cat([logits, torch.zeros(len(logits), 1)], 1), 1)

    supervised = -F.log_softmax(lab, 1)[torch.arange(6), y].mean()
    unsup_real = -torch.log(1 - k_plus_one(real)[:, 4].exp()).mean()
    unsup_fake = -k_plus_one(fake)[:, 4].mean()
    expected = supervised + unsup_real + unsup_fake
    assert semi_supervised_loss(lab, y, real, fake).item() == pytest.approx(expected.item(),
                                                                            rel=1e-5)
    p_real = torch.sigmoid(real_logit(real)).squeeze(1)
    assert torch.allclose(p_real, 1 - k_plus_one(real)[:, 4].exp(), atol=1e-6)
    with pytest.raises(ValueError, match="labels"):
        semi_supervised_loss(lab, y[:3], real, fake)
    with pytest.raises(ValueError, match="logits_fake"):
        semi_supervised_loss(lab, y, real, fake[:, :3])
    D = KPlusOneDiscriminator(DCGANDiscriminator(8, base=4, outputs=10))
    x = torch.randn(3, 1, 8, 8)
    assert D(x).shape == (3, 1) and D.classify(x).shape == (3, 10)
    assert torch.allclose(D(x), torch.logsumexp(D.classify(x), 1, keepdim=True))


def test_latent_paths():
    gen = torch.Generator().manual_seed(0)
    z0, z1 = torch.randn(32, generator=gen), torch.randn(32, generator=gen)
    z1 = z1 * z0.norm() / z1.norm()
    line, arc = interpolate(z0, z1, 9), interpolate(z0, z1, 9, "spherical")
    for path in (line, arc):
        assert torch.allclose(path[0], z0, atol=1e-5) and torch.allclose(path[-1], z1, atol=1e-5)
    assert torch.allclose(arc.norm(dim=1), z0.norm().expand(9), rtol=1e-5)  # on the sphere
    assert line[4].norm() < 0.85 * z0.norm()  # the straight line cuts inside
    assert torch.allclose(line[4], (z0 + z1) / 2)
    assert np.allclose(step_lengths(line), (z1 - z0).norm().item() / 8, rtol=1e-5)
    assert label_switches([3, 3, 5, 5, 3]) == 2 and label_switches([1]) == 0
    assert np.allclose(ink(-np.ones((2, 1, 4, 4))), 0) and np.allclose(ink(np.ones((1, 1, 4, 4))),
                                                                        16)
    with pytest.raises(ValueError, match="kind"):
        interpolate(z0, z1, 3, "cubic")
    with pytest.raises(ValueError, match="n must"):
        interpolate(z0, z1, 1)
    with pytest.raises(ValueError, match="z0 and z1"):
        interpolate(z0, z1[:3], 3)


def test_historical_averages_survive_a_checkpoint(tmp_path):
    straight = _trainer(historical_averaging=0.1)
    straight.train(6)
    first = _trainer(historical_averaging=0.1)
    first.train(3)
    path = first.save(tmp_path / "run.pt")
    resumed = _trainer(historical_averaging=0.1)
    resumed.load(path)
    resumed.train(3)
    assert resumed.history.d_loss == straight.history.d_loss
    assert torch.equal(resumed.sample(8), straight.sample(8))


def test_attribute_direction_is_the_difference_of_the_extremes_means():
    z = torch.arange(20, dtype=torch.float32).reshape(10, 2)
    values = np.arange(10)[::-1]  # row 0 has the most
    d = attribute_direction(z, values, share=0.2)
    assert torch.allclose(d, z[:2].mean(0) - z[-2:].mean(0))
    with pytest.raises(ValueError, match="share"):
        attribute_direction(z, values, share=0.7)
    with pytest.raises(ValueError, match="one value per row"):
        attribute_direction(z, values[:3])
