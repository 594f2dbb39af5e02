"""Each loss against a hand computation, and the classic GAN bugs caught by tests."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from gancourse import losses as L

LR = torch.tensor([2.0, -1.0, 0.5])  # logits on real samples
LF = torch.tensor([-3.0, 0.0, 1.5])  # logits on fake samples


def sig(t):
    return 1 / (1 + math.exp(-t))


def test_bce_matches_hand_computation():
    expected = (-sum(math.log(sig(v)) for v in LR.tolist()) / 3
                - sum(math.log(1 - sig(v)) for v in LF.tolist()) / 3)
    assert L.d_loss_bce(LR, LF).item() == pytest.approx(expected, rel=1e-6)
    # one-sided label smoothing: real targets 0.9, fake targets stay 0
    smooth = (-sum(0.9 * math.log(sig(v)) + 0.1 * math.log(1 - sig(v)) for v in LR.tolist()) / 3
              - sum(math.log(1 - sig(v)) for v in LF.tolist()) / 3)
    assert L.d_loss_bce(LR, LF, real_label=0.9).item() == pytest.approx(smooth, rel=1e-6)


def test_generator_losses_match_hand_computation():
    assert L.g_loss_minimax(LF).item() == pytest.approx(
        sum(math.log(1 - sig(v)) for v in LF.tolist()) / 3, rel=1e-6)
    assert L.g_loss_nonsaturating(LF).item() == pytest.approx(
        -sum(math.log(sig(v)) for v in LF.tolist()) / 3, rel=1e-6)


def test_saturating_gradient_vanishes_where_d_rejects_fakes():
    # At D(G(z)) ~ 0 (logit -10), d/dl of log(1 - sigmoid(l)) = -sigmoid(l) ~ -4.5e-5,
    # while d/dl of -log sigmoid(l) = -(1 - sigmoid(l)) ~ -1.
    logit = torch.tensor([-10.0], requires_grad=True)
    (g_sat,) = torch.autograd.grad(L.g_loss_minimax(logit), logit)
    (g_ns,) = torch.autograd.grad(L.g_loss_nonsaturating(logit), logit)
    assert g_sat.item() == pytest.approx(-sig(-10.0), rel=1e-4)
    assert g_ns.item() == pytest.approx(-(1 - sig(-10.0)), rel=1e-6)


def test_logit_losses_do_not_overflow():
    huge = torch.tensor([1000.0, -1000.0])
    for value in (L.d_loss_bce(huge, huge), L.g_loss_nonsaturating(huge),
                  L.g_loss_minimax(huge)):
        assert torch.isfinite(value)


def test_least_squares_wasserstein_hinge():
    sr, sf = torch.tensor([0.5, 1.5]), torch.tensor([-0.5, 0.25])
    assert L.d_loss_lsgan(sr, sf).item() == pytest.approx(
        0.5 * ((0.25 + 0.25) / 2) + 0.5 * ((0.25 + 0.0625) / 2))
    assert L.g_loss_lsgan(sf).item() == pytest.approx(0.5 * ((2.25 + 0.5625) / 2))
    assert L.d_loss_wasserstein(sr, sf).item() == pytest.approx(-0.125 - 1.0)
    assert L.g_loss_wasserstein(sf).item() == pytest.approx(0.125)
    assert L.d_loss_hinge(sr, sf).item() == pytest.approx((0.5 + 0) / 2 + (0.5 + 1.25) / 2)
    assert L.g_loss_hinge(sf).item() == pytest.approx(0.125)


def test_losses_accept_b1_and_reject_other_shapes():
    assert L.d_loss_wasserstein(LR[:, None], LF[:, None]) == L.d_loss_wasserstein(LR, LF)
    with pytest.raises(ValueError, match=r"logits_fake must have shape \(B,\) or \(B, 1\)"):
        L.g_loss_nonsaturating(torch.zeros(3, 2))


class Linear2(nn.Module):
    """f(x) = a . x for (B, 2) inputs: its gradient is a, everywhere."""

    def __init__(self, a):
        super().__init__()
        self.a = nn.Parameter(torch.tensor(a))

    def forward(self, x):
        return (x * self.a).sum(dim=1, keepdim=True)


def test_gradient_penalty_of_a_linear_critic():
    # ||grad f|| = ||a|| = 5 for every sample, so the penalty is weight * (5 - 1)^2 exactly.
    critic = Linear2([3.0, 4.0])
    x_real, x_fake = torch.randn(16, 2), torch.randn(16, 2)
    assert L.gradient_penalty(critic, x_real, x_fake, gp_weight=10.0).item() == pytest.approx(160.0)


def test_gradient_penalty_uses_per_sample_norms():
    # f(x) = sum_i w_i x_i^2 on images (B, 1, 2, 2): the per-sample gradient norm differs by
    # sample; a norm over the whole batch (the classic bug) would give a different number.
    class Quad(nn.Module):
        def forward(self, x):
            return (x**2).flatten(1).sum(1)

    x = torch.tensor([[[[1.0, 0.0], [0.0, 0.0]]], [[[0.0, 0.0], [0.0, 3.0]]]])
    gen = torch.Generator().manual_seed(0)
    eps = torch.rand((2, 1, 1, 1), generator=torch.Generator().manual_seed(0))
    x_hat = eps * x + (1 - eps) * torch.zeros_like(x)
    per_sample = (2 * x_hat).flatten(1).norm(dim=1)
    expected = ((per_sample - 1) ** 2).mean().item()
    wrong = ((((2 * x_hat).norm()) - 1) ** 2).item()
    got = L.gradient_penalty(Quad(), x, torch.zeros_like(x), gp_weight=1.0, generator=gen).item()
    assert got == pytest.approx(expected, rel=1e-6)
    assert abs(got - wrong) > 1e-3


def test_gradient_penalty_trains_the_critic():
    # The penalty must be differentiable w.r.t. the critic's parameters (create_graph=True),
    # otherwise "computed but not applied" would go unnoticed.
    critic = Linear2([3.0, 4.0])
    gp = L.gradient_penalty(critic, torch.randn(8, 2), torch.randn(8, 2), gp_weight=1.0)
    gp.backward()
    # d/da (||a|| - 1)^2 = 2 (||a|| - 1) a / ||a|| = 2 * 4 * (0.6, 0.8)
    torch.testing.assert_close(critic.a.grad, torch.tensor([4.8, 6.4]))


def test_clip_weights():
    layer = nn.Linear(3, 3)
    with torch.no_grad():
        layer.weight.mul_(100)
    L.clip_weights(layer, 0.01)
    assert layer.weight.abs().max().item() <= 0.01 and layer.bias.abs().max().item() <= 0.01
    with pytest.raises(ValueError, match="clip_value must be positive"):
        L.clip_weights(layer, 0.0)


def test_loss_registry():
    assert L.get_loss("nonsaturating").g_loss is L.g_loss_nonsaturating
    assert L.get_loss("minimax").bce and not L.get_loss("wgan").bce
    with pytest.raises(ValueError, match="loss must be one of"):
        L.get_loss("wasserstein-ish")


def test_fgan_pairs_follow_the_table_and_the_gan_row_is_the_original_gan():
    from gancourse.fdivergences import F_DIVERGENCES
    from gancourse.losses import LOSSES, d_loss_bce, fgan_loss_pair, g_loss_minimax

    gen = torch.Generator().manual_seed(0)
    v_real, v_fake = torch.randn(9, generator=gen, dtype=torch.float64), \
        torch.randn(7, 1, generator=gen, dtype=torch.float64)
    # the GAN divergence's f-GAN is Goodfellow et al.'s minimax game, term by term
    gan = LOSSES["f-gan"]
    torch.testing.assert_close(gan.d_loss(v_real, v_fake), d_loss_bce(v_real, v_fake))
    torch.testing.assert_close(gan.g_loss(v_fake), g_loss_minimax(v_fake))
    for name, div in F_DIVERGENCES.items():
        pair = fgan_loss_pair(name)
        assert LOSSES[f"f-{name}"].name == pair.name == f"f-{name}" and not pair.bce
        t_r = div.activation(v_real.numpy())
        t_f = div.activation(v_fake.numpy()[:, 0])
        want = -(t_r.mean() - div.conjugate(t_f).mean())
        assert float(pair.d_loss(v_real, v_fake)) == pytest.approx(want, rel=1e-12)
        # differentiable: G's loss moves with D's scores on fakes
        scores = v_fake.clone().requires_grad_(True)
        pair.g_loss(scores).backward()
        assert torch.isfinite(scores.grad).all() and scores.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="name must be one of"):
        fgan_loss_pair("wasserstein")


@pytest.mark.parametrize("loss", ["f-kl", "f-reverse_kl", "f-pearson", "f-total_variation"])
def test_fgan_losses_train_through_the_one_loop(loss):
    from gancourse.distributions import Gaussian1D
    from gancourse.models import MLPDiscriminator, MLPGenerator
    from gancourse.training import GANTrainer, TrainConfig

    G, D = MLPGenerator(1, 1, (16,)), MLPDiscriminator(1, (16,))
    trainer = GANTrainer(G, D, Gaussian1D(2.0, 0.5),
                         TrainConfig(steps=30, batch_size=64, loss=loss, lr_g=1e-3,
                                     lr_d=1e-3, progress=False), device="cpu")
    trainer.train()
    assert trainer.step == 30 and all(np.isfinite(trainer.history.d_loss))


def test_lsgan_codings_and_the_chi2_pair():
    from gancourse.least_squares import lsgan_optimal_discriminator
    from gancourse.losses import LOSSES, lsgan_loss_pair

    gen = torch.Generator().manual_seed(1)
    sr, sf = torch.randn(8, generator=gen), torch.randn(5, 1, generator=gen)
    chi2 = LOSSES["lsgan-chi2"]
    want_d = 0.5 * ((sr - 1) ** 2).mean() + 0.5 * ((sf[:, 0] + 1) ** 2).mean()
    torch.testing.assert_close(chi2.d_loss(sr, sf), want_d)
    torch.testing.assert_close(chi2.g_loss(sf), 0.5 * (sf ** 2).mean())
    # the 0-1-1 coding is the course's "lsgan"
    torch.testing.assert_close(lsgan_loss_pair(0, 1, 1).d_loss(sr, sf), L.d_loss_lsgan(sr, sf))
    torch.testing.assert_close(lsgan_loss_pair(0, 1, 1).g_loss(sf), L.g_loss_lsgan(sf))
    # pointwise, D's loss is minimised by D* = (b p + a q) / (p + q): a real and a fake batch
    # drawn as p : q = 3 : 1 at one point x
    p_, q_ = 3.0, 1.0
    d = torch.linspace(-2, 2, 4001)
    values = p_ * 0.5 * (d - 1) ** 2 + q_ * 0.5 * (d + 1) ** 2
    best = float(d[values.argmin()])
    assert best == pytest.approx(float(lsgan_optimal_discriminator(
        np.array([p_]), np.array([q_]), -1.0, 1.0)[0]), abs=1e-3)
    with pytest.raises(ValueError, match="a and b must differ"):
        lsgan_loss_pair(1, 1, 0)


def test_ebgan_margin_loss_and_pulling_away_term():
    from gancourse.losses import ebgan_loss_pair, pulling_away

    pair = ebgan_loss_pair(2.0)
    er, ef = torch.tensor([0.5, 1.0]), torch.tensor([0.5, 3.0, 1.0])
    # D: mean real energy + mean of max(0, m - fake energy) = 0.75 + (1.5 + 0 + 1) / 3
    assert float(pair.d_loss(er, ef)) == pytest.approx(0.75 + 2.5 / 3)
    assert float(pair.g_loss(ef)) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="margin must be positive"):
        ebgan_loss_pair(0.0)
    s = np.random.default_rng(2).normal(size=(6, 4))
    unit = s / np.linalg.norm(s, axis=1, keepdims=True)
    cos2 = (unit @ unit.T) ** 2
    want = (cos2.sum() - np.trace(cos2)) / 30
    assert float(pulling_away(torch.tensor(s))) == pytest.approx(want, rel=1e-12)
    assert float(pulling_away(torch.eye(3))) == pytest.approx(0.0)  # orthogonal: 0
    assert float(pulling_away(torch.ones(4, 3))) == pytest.approx(1.0)  # identical: 1
    with pytest.raises(ValueError, match="embeddings must have shape"):
        pulling_away(torch.ones(1, 3))


def test_every_named_pair_carries_its_name():
    from gancourse.losses import LOSSES

    assert all(pair.name == key for key, pair in LOSSES.items())
