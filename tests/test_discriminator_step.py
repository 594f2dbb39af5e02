"""The one discriminator step: every option checked by its numbers against an independent
computation, and every caller in the course going through it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import gancourse as gc
from gancourse import discriminator_step as ds
from gancourse.losses import d_loss_bce, d_loss_wasserstein, gradient_penalty
from gancourse.models import MLPDiscriminator


class Recorder(nn.Module):
    """A linear critic that keeps every input it sees (and the condition, if any)."""

    def __init__(self, dim=2):
        super().__init__()
        self.lin = nn.Linear(dim, 1)
        self.seen: list[tuple[torch.Tensor, torch.Tensor | None]] = []

    def forward(self, x, y=None):
        self.seen.append((x.detach().clone(), None if y is None else y.clone()))
        out = self.lin(x)
        return out if y is None else out + 0.1 * y[:, None].float()


def batch(seed=0, n=64):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 2, generator=g), torch.randn(n, 2, generator=g) + 1.0


def test_the_plain_loss_is_the_loss_pairs():
    gc.seed_everything(0)
    D = MLPDiscriminator(2, (16,))
    x_real, x_fake = batch()
    for name in ("nonsaturating", "wgan", "hinge", "lsgan"):
        got = ds.discriminator_loss(D, x_real, x_fake, loss=name)
        want = gc.losses.get_loss(name).d_loss(D(x_real), D(x_fake))
        assert got.loss == pytest.approx(want.item(), rel=1e-6)
        assert got.total.item() == pytest.approx(want.item(), rel=1e-6)
        assert got.penalty == 0.0 and got.mismatch == 0.0


def test_the_penalty_adds_exactly_the_gradient_penalty():
    gc.seed_everything(0)
    D = MLPDiscriminator(2, (16,))
    x_real, x_fake = batch()
    without = ds.discriminator_loss(D, x_real, x_fake, loss="wgan")
    rng = torch.Generator().manual_seed(5)
    with_ = ds.discriminator_loss(D, x_real, x_fake, loss="wgan", gp_weight=10.0,
                                  gp_generator=rng)
    alone = gradient_penalty(D, x_real, x_fake, 10.0, generator=torch.Generator().manual_seed(5))
    assert with_.loss == pytest.approx(without.loss, rel=1e-6)
    assert with_.penalty == pytest.approx(alone.item(), rel=1e-6) and with_.penalty > 0
    assert with_.total.item() - without.total.item() == pytest.approx(alone.item(), rel=1e-5)


def test_instance_noise_reaches_both_inputs_with_the_seeded_draws():
    D = Recorder()
    x_real, x_fake = batch()
    ds.discriminator_loss(D, x_real, x_fake, loss="wgan", instance_noise=0.3,
                          generator=torch.Generator().manual_seed(7))
    g = torch.Generator().manual_seed(7)
    noise_real, noise_fake = torch.randn(64, 2, generator=g), torch.randn(64, 2, generator=g)
    (seen_real, _), (seen_fake, _) = D.seen
    torch.testing.assert_close(seen_real, x_real + 0.3 * noise_real)
    torch.testing.assert_close(seen_fake, x_fake + 0.3 * noise_fake)
    assert torch.equal(ds.add_instance_noise(x_real, 0.0), x_real)


def test_label_smoothing_moves_the_optimum_to_alpha_p_over_p_plus_q():
    """Salimans et al. (2016): with real targets alpha, D*(x) = alpha p(x) / (p(x) + q(x)).
    A discriminator with one free logit per point of a 3-point space reaches it."""
    points = torch.tensor([[0.0], [1.0], [2.0]])
    real = points[torch.tensor([0] * 6 + [1] * 3 + [2] * 1)]  # p = 0.6, 0.3, 0.1
    fake = points[torch.tensor([0] * 2 + [1] * 3 + [2] * 5)]  # q = 0.2, 0.3, 0.5
    logits = nn.Parameter(torch.zeros(3))
    table = lambda x: logits[x[:, 0].long()][:, None]  # noqa: E731
    opt = torch.optim.Adam([logits], lr=0.05)
    for _ in range(3000):
        ds.discriminator_step(table, opt, real, fake, real_label=0.9)
    p, q = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(torch.sigmoid(logits).detach().numpy(), 0.9 * p / (p + q),
                               atol=1e-3)


def test_mismatched_pairs_add_a_wrong_label_term():
    D = Recorder()
    x_real, x_fake = batch()
    y = torch.arange(64) % 8
    got = ds.discriminator_loss(D, x_real, x_fake, y=y, mismatch_weight=0.5, n_classes=8,
                                generator=torch.Generator().manual_seed(3))
    (xr, yr), (xf, yf), (xw, yw) = D.seen
    assert torch.equal(yr, y) and torch.equal(yf, y) and torch.equal(xw, x_real)
    assert ((yw != y) & (yw >= 0) & (yw < 8)).all()  # always a wrong label, always valid
    out_wrong = D.lin(x_real) + 0.1 * yw[:, None].float()
    want = 0.5 * F.binary_cross_entropy_with_logits(out_wrong, torch.zeros_like(out_wrong))
    assert got.mismatch == pytest.approx(want.item(), rel=1e-6)
    base = d_loss_bce(D.lin(x_real) + 0.1 * y[:, None].float(),
                      D.lin(x_fake) + 0.1 * y[:, None].float())
    assert got.total.item() == pytest.approx(base.item() + want.item(), rel=1e-6)


def test_a_conditional_penalty_differentiates_d_of_x_given_y():
    D = Recorder()
    x_real, x_fake = batch()
    y = torch.arange(64) % 4
    got = ds.discriminator_loss(D, x_real, x_fake, loss="wgan", y=y, gp_weight=1.0,
                                gp_generator=torch.Generator().manual_seed(0))
    # a linear critic has gradient w everywhere, whatever y adds: penalty (|w| - 1)^2
    w = D.lin.weight.detach()[0]
    assert got.penalty == pytest.approx(((w.norm() - 1) ** 2).item(), rel=1e-5)
    assert all(seen_y is not None for _, seen_y in D.seen)


def test_the_step_minimises_the_total_and_clips_after():
    gc.seed_everything(0)
    D = MLPDiscriminator(2, (16,))
    twin = MLPDiscriminator(2, (16,))
    twin.load_state_dict(D.state_dict())
    x_real, x_fake = batch()
    opt = torch.optim.SGD(D.parameters(), lr=0.1)
    ds.discriminator_step(D, opt, x_real, x_fake, loss="wgan", clip_value=0.05)
    value = d_loss_wasserstein(twin(x_real), twin(x_fake))
    value.backward()
    for p, q in zip(D.parameters(), twin.parameters()):
        torch.testing.assert_close(p.detach(), (q - 0.1 * q.grad).clamp(-0.05, 0.05))


@pytest.mark.parametrize("kwargs, match", [
    (dict(loss="wgan", real_label=0.9), "real_label"),
    (dict(mismatch_weight=1.0), "mismatch_weight"),
    (dict(loss="wgan", mismatch_weight=1.0, y=torch.zeros(64, dtype=torch.long), n_classes=3),
     "mismatch_weight"),
    (dict(instance_noise=-0.1), "std"),
    (dict(loss="nope"), "loss must be one of"),
])
def test_bad_options_are_named(kwargs, match):
    x_real, x_fake = batch()
    with pytest.raises(ValueError, match=match):
        ds.discriminator_loss(Recorder(), x_real, x_fake, **kwargs)


def test_every_caller_goes_through_the_one_step(monkeypatch):
    """The trainer (and its discriminator-only training), the fixed-sample fits and pix2pix
    all take their discriminator steps here: no second copy of the step exists."""
    from gancourse import pix2pix, training
    from gancourse.digits import load_digits_split
    from gancourse.models import MLPGenerator

    calls = []
    real_step = ds.discriminator_step

    def counting(*args, **kwargs):
        calls.append(1)
        return real_step(*args, **kwargs)

    monkeypatch.setattr(training, "discriminator_step", counting)
    monkeypatch.setattr(pix2pix, "discriminator_step", counting)
    gc.seed_everything(0)
    t = training.GANTrainer(MLPGenerator(2, 2, (8,)), MLPDiscriminator(2, (8,)), gc.Ring(),
                            training.TrainConfig(steps=3, k_steps=2, unrolled_steps=1,
                                                 batch_size=16, progress=False), device="cpu")
    t.train()
    assert len(calls) == 3 * (2 + 1)  # k D steps and one unrolled step per G step
    t.train_discriminator(4)
    assert len(calls) == 13
    x_real, x_fake = batch()
    training.fit_discriminator(MLPDiscriminator(2, (8,)), x_real, x_fake, steps=5)
    assert len(calls) == 18
    d = load_digits_split()
    pix2pix.train_pix2pix(pix2pix.mask_lower(d.x_train[:64]), d.x_train[:64], steps=2,
                          batch_size=8, device="cpu")
    assert len(calls) == 20
