"""Public checks for exercises 02: the GAN game and the optimal discriminator.

Expected values come from closed forms and scipy quadrature, computed in the grader.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, stats
from scipy.special import expit

from ..checks import Registry, expect_close, expect_tensor, expect_true


def _softplus(t):
    return np.logaddexp(0.0, t)


# The classic mistakes in writing Algorithm 1, each with what a student should be told.
MISTAKES = {
    "no detach": "the generator's step also followed the gradient of the discriminator's loss: "
                 "in D's step use G(z).detach(), so that D's step cannot move G",
    "saturating": "the generator minimised mean log(1 - D(G(z))), the saturating loss; this "
                  "step asks for the non-saturating -mean log D(G(z))",
    "D moved by G's loss": "after G's step the discriminator moved again, down the generator's "
                           "loss: step D with its own loss only (zero or ignore its gradient "
                           "from G's loss)",
    "old D": "the generator's step used D from before its update; Algorithm 1 lets G answer the "
             "D that has just been trained",
}


def algorithm1_reference(theta_g, theta_d, x, z, lr_d, lr_g, mistake=None):
    """Exercise 02.6's step, computed in the grader (float64), or with one of MISTAKES."""
    import torch
    import torch.nn.functional as F

    tg = torch.as_tensor(np.asarray(theta_g, dtype=float)).requires_grad_(True)
    td = torch.as_tensor(np.asarray(theta_d, dtype=float)).requires_grad_(True)
    x, z = torch.as_tensor(np.asarray(x, dtype=float)), torch.as_tensor(np.asarray(z, dtype=float))

    def logit(d, v):
        return d[0] + d[1] * v + d[2] * v**2

    fake = tg[0] + tg[1] * z
    seen = fake if mistake == "no detach" else fake.detach()
    d_loss = F.softplus(-logit(td, x)).mean() + F.softplus(logit(td, seen)).mean()
    grad_d, leak = torch.autograd.grad(d_loss, [td, tg], allow_unused=True, retain_graph=True)
    new_d = (td - lr_d * grad_d).detach().requires_grad_(True)
    judge = td.detach().requires_grad_(True) if mistake == "old D" else new_d
    g_loss = (-F.softplus(logit(judge, fake)).mean() if mistake == "saturating"
              else F.softplus(-logit(judge, fake)).mean())
    grad_g, grad_dg = torch.autograd.grad(g_loss, [tg, judge])
    if leak is not None:
        grad_g = grad_g + leak
    new_g = (tg - lr_g * grad_g).detach()
    if mistake == "D moved by G's loss":
        new_d = new_d - lr_d * grad_dg
    return new_g.numpy(), new_d.detach().numpy()

TOPIC = "gan_game"  # the notebooks are 02_gan_game.ipynb


def register(reg: Registry) -> None:
    import torch

    rng = np.random.default_rng(202)

    # ---------------------------------------------------------------- 02.1 D*
    ex = reg.exercise("02.1", function="optimal_discriminator",
                      title="The optimal discriminator")
    a, b = rng.random(20), rng.random(20)

    @ex.check(points=1, name="p_data / (p_data + p_g) on 20 random points")
    def _(call):
        expect_close(call(a, b), a / (a + b), what="optimal_discriminator(p_data, p_g)")

    @ex.check(points=1, name="1 where only data live, 0 where only fakes, 1/2 where neither")
    def _(call):
        got = call(np.array([0.0, 0.3, 0.0]), np.array([0.0, 0.0, 0.2]))
        expect_close(got, np.array([0.5, 1.0, 0.0]), what="D* for p_data=[0, .3, 0], "
                                                          "p_g=[0, 0, .2]")

    # ---------------------------------------------------------------- 02.2 D loss
    ex = reg.exercise("02.2", function="discriminator_loss",
                      title="The discriminator's loss on logits")
    lr, lf = rng.normal(0, 2, 7), rng.normal(0, 2, 5)

    @ex.check(points=1, name="value on random logits (7 real, 5 fake)")
    def _(call):
        got = call(torch.tensor(lr), torch.tensor(lf))
        expect_tensor(got, "discriminator_loss(...)")
        expect_close(np.reshape(got, ()), _softplus(-lr).mean() + _softplus(lf).mean(),
                     what="the loss", rtol=1e-6)

    @ex.check(points=1, name="gradients with respect to the logits")
    def _(call):
        _, grads = call.with_grad(torch.tensor(lr), torch.tensor(lf), wrt=[0, 1])
        expect_close(grads[0], -(1 - expit(lr)) / len(lr), what="d loss / d logits_real",
                     rtol=1e-5)
        expect_close(grads[1], expit(lf) / len(lf), what="d loss / d logits_fake", rtol=1e-5)

    @ex.check(points=1, name="no overflow for logits of +-200")
    def _(call):
        big_r, big_f = np.array([-200.0, 200.0]), np.array([200.0, -200.0])
        got = call(torch.tensor(big_r), torch.tensor(big_f))
        expect_close(np.reshape(got, ()), _softplus(-big_r).mean() + _softplus(big_f).mean(),
                     what="the loss for logits of +-200", rtol=1e-9)

    # ---------------------------------------------------------------- 02.3 G loss
    ex = reg.exercise("02.3", function="generator_loss",
                      title="The non-saturating generator loss")

    @ex.check(points=1, name="value and gradient on random logits")
    def _(call):
        got, grads = call.with_grad(torch.tensor(lf), wrt=[0])
        expect_close(np.reshape(got, ()), _softplus(-lf).mean(), what="the loss", rtol=1e-6)
        expect_close(grads[0], -(1 - expit(lf)) / len(lf), what="d loss / d logits_fake",
                     rtol=1e-5)

    @ex.check(points=2, name="finite and correct when D rejects the fakes (logit -300)")
    def _(call):
        got = call(torch.tensor([-300.0, -300.0]))
        expect_close(np.reshape(got, ()), 300.0, what="generator_loss([-300, -300])",
                     rtol=1e-9)

    # ---------------------------------------------------------------- 02.4 C(G)
    ex = reg.exercise("02.4", function="generator_criterion",
                      title="The value of the game against D*")
    x = np.linspace(-12, 12, 24001)
    pd, pg = stats.norm(0, 1), stats.norm(1, 1.5)

    @ex.check(points=2, name="two Gaussians: equals the integral, computed by quadrature")
    def _(call):
        def integrand(t):
            a_, b_ = pd.pdf(t), pg.pdf(t)
            return a_ * math.log(a_ / (a_ + b_)) + b_ * math.log(b_ / (a_ + b_))

        reference, _ = integrate.quad(integrand, -12, 12, limit=200)
        expect_close(call(pd.pdf(x), pg.pdf(x), x), reference, what="C(G)", atol=1e-6)

    @ex.check(points=1, name="-log 4 for equal densities, 0 for disjoint supports")
    def _(call):
        p = pd.pdf(x)
        expect_close(call(p, p, x), -math.log(4) * np.trapezoid(p, x), what="C(G) for P_G = "
                     "P_data", atol=1e-9)
        u = np.linspace(-1, 4, 5001)
        got = call(stats.uniform.pdf(u, 0, 1), stats.uniform.pdf(u, 2, 1), u)
        expect_true(np.ndim(got) == 0 and abs(float(got)) < 1e-9,
                    f"C(G) for disjoint supports should be 0 (-log 4 + 2 log 2), got {got}")

    # ---------------------------------------------------------------- 02.5 experiment
    ex = reg.exercise("02.5", function="estimate_js_with_discriminator",
                      title="Estimating JSD with a trained discriminator")
    grid = np.linspace(-12, 12, 24001)

    def true_js(p, q) -> float:
        a_, b_ = p.pdf(grid), q.pdf(grid)
        m = 0.5 * (a_ + b_)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = (np.where(a_ > 0, a_ * np.log(a_ / m), 0.0)
                     + np.where(b_ > 0, b_ * np.log(b_ / m), 0.0))
        return 0.5 * float(np.trapezoid(terms, grid))

    for points, (mean, std) in ((2, (1.0, 1.0)), (1, (3.0, 0.5))):
        x_real = rng.normal(0.0, 1.0, 4000)
        x_fake = rng.normal(mean, std, 4000)
        truth = true_js(stats.norm(0, 1), stats.norm(mean, std))

        @ex.check(points=points, name=f"N(0, 1) vs N({mean:g}, {std:g}^2): within 0.03 of the "
                                      f"true JSD ({truth:.3f}), 1000 steps")
        def _(call, x_real=x_real, x_fake=x_fake, truth=truth):
            got = call(x_real, x_fake, 1000, 0)
            expect_true(np.ndim(got) == 0, f"the estimate should be one number, got shape "
                                           f"{np.shape(got)}")
            expect_close(got, truth, what="the JSD estimate", atol=0.03, rtol=0)

    # ---------------------------------------------------------------- 02.6 the GAN loop
    ex = reg.exercise("02.6", function="algorithm1_step",
                      title="Write the GAN loop: one iteration of Algorithm 1")
    states = [(np.array([-1.0, 0.3]), np.array([0.0, 0.0, 0.0])),
              (np.array([1.5, 1.2]), np.array([-0.7, 0.6, -0.12]))]
    batches = [(rng.normal(2.0, 0.75, 64), rng.normal(0.0, 1.0, 64)) for _ in states]

    @ex.check(points=2, name="one step equals Algorithm 1's (two states, lr_d = 0.5, lr_g = 0.1)")
    def _(call):
        for (tg, td), (x, z) in zip(states, batches):
            args = [torch.tensor(v) for v in (tg, td, x, z)] + [0.5, 0.1]
            got = call(*args)
            expect_true(isinstance(got, tuple) and len(got) == 2,
                        f"algorithm1_step should return (new_theta_g, new_theta_d), got {got!r}"[:300])
            new_g, new_d = got
            expect_tensor(new_g, "new_theta_g")
            expect_tensor(new_d, "new_theta_d")
            want_g, want_d = algorithm1_reference(tg, td, x, z, 0.5, 0.1)
            ok = (np.shape(new_g) == (2,) and np.shape(new_d) == (3,)
                  and np.allclose(new_g, want_g, rtol=1e-6, atol=1e-9)
                  and np.allclose(new_d, want_d, rtol=1e-6, atol=1e-9))
            if ok:
                continue
            for mistake, advice in MISTAKES.items():
                mg, md = algorithm1_reference(tg, td, x, z, 0.5, 0.1, mistake)
                if np.shape(new_g) == (2,) and np.shape(new_d) == (3,) and \
                        np.allclose(new_g, mg, rtol=1e-6, atol=1e-9) and \
                        np.allclose(new_d, md, rtol=1e-6, atol=1e-9):
                    expect_true(False, f"{mistake}: {advice}")
            expect_close(new_d, want_d, what="new_theta_d (D's step)", rtol=1e-6, atol=1e-9)
            expect_close(new_g, want_g, what="new_theta_g (G's step)", rtol=1e-6, atol=1e-9)

    @ex.check(points=2, name="1500 iterations from a poor start move P_G onto N(2, 0.75^2)")
    def _(call):
        play = np.random.default_rng(7)
        tg, td = torch.tensor([-1.0, 0.3]), torch.zeros(3, dtype=torch.float64)
        tg = tg.double()
        shifts, scales = [], []
        for step in range(1500):
            x = torch.tensor(play.normal(2.0, 0.75, 256))
            z = torch.tensor(play.normal(0.0, 1.0, 256))
            tg, td = (torch.as_tensor(np.asarray(v, dtype=float))
                      for v in call(tg, td, x, z, 0.5, 0.02))
            expect_true(bool(torch.isfinite(tg).all() and torch.isfinite(td).all()),
                        f"the parameters stopped being finite at iteration {step}: "
                        f"theta_g = {tg.tolist()}, theta_d = {td.tolist()}")
            if step >= 1000:
                shifts.append(float(tg[0]))
                scales.append(abs(float(tg[1])))
        # The game circles around its equilibrium rather than settling (lecture 04), so judge
        # the average of the last 500 iterations, which is not chaotic: about (1.77, 0.72) for
        # Algorithm 1 on any CPU; a generator left untrained stays at (-1, 0.3).
        mean_shift, mean_scale = float(np.mean(shifts)), float(np.mean(scales))
        expect_true(abs(mean_shift - 2.0) < 0.4 and abs(mean_scale - 0.75) < 0.2,
                    f"after 1500 iterations G(z) = shift + scale z should hover around "
                    f"N(2, 0.75^2) (averaged over the last 500: shift within 0.4 of 2, scale "
                    f"within 0.2 of 0.75); it averaged shift {mean_shift:.3f}, "
                    f"scale {mean_scale:.3f}")
