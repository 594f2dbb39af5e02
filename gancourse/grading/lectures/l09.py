"""Public checks for exercises 09: the loss zoo.

Expected values come from independent references computed here: the conjugate as a numerical
supremum (SciPy's bounded search), the f-GAN and EBGAN losses and their gradients written out
by hand in NumPy, and 09.5's protocol re-run step by step.
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import Registry, expect_close, expect_raises, expect_tensor, expect_true

TOPIC = "loss_zoo"  # the notebooks are 09_loss_zoo.ipynb


def jeffreys(u: float) -> float:
    return (u - 1.0) * math.log(u)


def conjugate_reference(t: float) -> float:
    """sup over u > 0 of u t - f(u) for f(u) = (u - 1) log u, searched over log u."""
    from scipy import optimize

    best = optimize.minimize_scalar(lambda s: jeffreys(math.exp(s)) - math.exp(s) * t,
                                    bounds=(-30.0, 30.0), method="bounded",
                                    options={"xatol": 1e-13})
    return -float(best.fun)


def fit_two_modes_reference(divergence: str, seeds, steps: int) -> np.ndarray:
    """Exercise 09.5's protocol, run here."""
    from ...loss_zoo import make_fgan_1d

    rows = []
    for seed in seeds:
        trainer = make_fgan_1d(divergence, seed, steps=steps, device="cpu")
        trainer.train()
        rows.append((float(trainer.G.mu.detach()), trainer.G.sigma))
    return np.array(rows)


def register(reg: Registry) -> None:
    import torch

    rng = np.random.default_rng(909)

    # ---------------------------------------------------------------- 09.1 conjugate
    ex = reg.exercise("09.1", function="jeffreys_conjugate",
                      title="The conjugate of Jeffreys' divergence")
    ts = np.array([-4.0, -1.5, -0.3, 0.0, 0.7, 2.0, 3.5])

    @ex.check(points=1, name="values against the numerical supremum, t from -4 to 3.5")
    def _(call):
        want = np.array([conjugate_reference(t) for t in ts])
        expect_close(call(ts), want, what="f*(t)", rtol=1e-7, atol=1e-9)

    @ex.check(points=1, name="Fenchel-Young: f*(t) >= u t - f(u) for 200 random (u, t); f*(0) = 0")
    def _(call):
        rng = np.random.default_rng(9061)  # this check's own data
        u = np.exp(rng.normal(0, 1.5, 200))
        t = rng.normal(0, 2, 200)
        got = np.asarray(call(t), dtype=float)
        lower = u * t - (u - 1) * np.log(u)
        expect_true(got.shape == t.shape and bool(np.all(got >= lower - 1e-9)),
                    "f*(t) must be at least u t - f(u) for every u > 0 (it is their supremum); "
                    f"it fell below at {int(np.sum(~(got >= lower - 1e-9)))} of 200 pairs")
        expect_close(call(0.0), 0.0, what="f*(0) = -min f = 0", atol=1e-12)

    @ex.check(points=1, name="ValueError naming t for infinite or NaN input")
    def _(call):
        expect_raises(call, np.array([0.0, np.inf]), error="ValueError", mentions="t")
        expect_raises(call, np.array([np.nan]), error="ValueError", mentions="t")

    # ---------------------------------------------------------------- 09.2 and 09.3 f-GAN
    vr, vf = rng.normal(0, 0.8, 9), rng.normal(0.5, 1.0, 7)

    def d_reference(vr, vf):  # -(mean T(v_r) - mean f*(T(v_f))), T = 1 - e^v, f*(t) = t / (1 - t)
        t_r, t_f = 1 - np.exp(vr), 1 - np.exp(vf)
        return -(t_r.mean() - (t_f / (1 - t_f)).mean())

    ex = reg.exercise("09.2", function="hellinger_d_loss",
                      title="The f-GAN discriminator's loss")

    @ex.check(points=1, name="value on random outputs (9 real, 7 generated), shapes (B,) and (B, 1)")
    def _(call):
        got = call(torch.tensor(vr), torch.tensor(vf))
        expect_tensor(got, "hellinger_d_loss(...)")
        expect_close(np.reshape(got, ()), d_reference(vr, vf), what="the loss", rtol=1e-9)
        got = call(torch.tensor(vr[:, None]), torch.tensor(vf[:, None]))
        expect_close(np.reshape(got, ()), d_reference(vr, vf), what="the loss for (B, 1) inputs",
                     rtol=1e-9)

    @ex.check(points=2, name="gradients with respect to both inputs")
    def _(call):
        _, grads = call.with_grad(torch.tensor(vr), torch.tensor(vf), wrt=[0, 1])
        expect_close(grads[0], np.exp(vr) / len(vr), what="d loss / d v_real", rtol=1e-9)
        expect_close(grads[1], -np.exp(-vf) / len(vf), what="d loss / d v_fake", rtol=1e-9)

    ex = reg.exercise("09.3", function="hellinger_g_loss", title="The f-GAN generator's loss")

    @ex.check(points=1, name="value on random outputs, shapes (B,) and (B, 1)")
    def _(call):
        want = 1 - np.exp(-vf).mean()  # -mean f*(T(v_f)) = -mean(e^{-v} - 1)
        for v in (vf, vf[:, None]):
            got = call(torch.tensor(v))
            expect_tensor(got, "hellinger_g_loss(...)")
            expect_close(np.reshape(got, ()), want, what="the loss", rtol=1e-9)

    @ex.check(points=2, name="gradient with respect to v_fake")
    def _(call):
        _, grads = call.with_grad(torch.tensor(vf), wrt=[0])
        expect_close(grads[0], np.exp(-vf) / len(vf), what="d loss / d v_fake", rtol=1e-9)

    # ---------------------------------------------------------------- 09.4 EBGAN
    ex = reg.exercise("09.4", function="ebgan_d_loss", title="EBGAN's margin loss")
    er, ef = rng.uniform(0, 2, 8), np.array([0.1, 0.5, 1.2, 2.5, 0.9, 3.0])

    @ex.check(points=1, name="value on energies on both sides of the margin (m = 1.0 and 2.0)")
    def _(call):
        for m in (1.0, 2.0):
            got = call(torch.tensor(er), torch.tensor(ef), m)
            expect_tensor(got, "ebgan_d_loss(...)")
            expect_close(np.reshape(got, ()), er.mean() + np.maximum(0, m - ef).mean(),
                         what=f"the loss at margin {m}", rtol=1e-9)

    @ex.check(points=1, name="gradient: -1/m for fakes below the margin, 0 above it")
    def _(call):
        _, grads = call.with_grad(torch.tensor(er), torch.tensor(ef), 1.0, wrt=[0, 1])
        expect_close(grads[0], np.full(len(er), 1 / len(er)), what="d loss / d e_real",
                     rtol=1e-9)
        expect_close(grads[1], np.where(ef < 1.0, -1 / len(ef), 0.0), what="d loss / d e_fake",
                     rtol=1e-9)

    @ex.check(points=1, name="ValueError naming margin (m <= 0) and energies (negative)")
    def _(call):
        expect_raises(call, torch.tensor(er), torch.tensor(ef), 0.0, error="ValueError",
                      mentions="margin")
        expect_raises(call, torch.tensor(er - 1.0), torch.tensor(ef), 1.0, error="ValueError",
                      mentions="energies")

    # ---------------------------------------------------------------- 09.5 experiment
    ex = reg.exercise("09.5", function="fit_two_modes",
                      title="Mode covering or mode seeking? An experiment", uses_course=True)

    def fits(got, n):
        expect_true(np.shape(got) == (n, 2), f"the result should be an array of shape ({n}, 2), "
                    f"one (mu, sigma) per seed; got {np.shape(got)}")
        return np.asarray(got, dtype=float)

    @ex.check(points=2, name="the protocol, on 40 steps and seeds 0 and 1")
    def _(call):
        for divergence in ("kl", "hellinger"):
            got = fits(call(divergence, (0, 1), 40), 2)
            expect_close(got, fit_two_modes_reference(divergence, (0, 1), 40),
                         what=f"(mu, sigma) per seed for {divergence!r}", rtol=1e-6)

    # Measured on seeds 0-2 at 800 steps (one CPU thread, 1.5 s a run): KL ends with sigma
    # 1.79-2.12 and |mu| 0.37-1.01 (still drifting towards the optimum 0, 2.09; at 1500 steps,
    # benchmarks/results/loss_zoo_fgan.md, |mu| <= 0.49 and sigma 2.07-2.15), reverse KL with
    # |mu| 1.99-2.01 and sigma 0.59-0.61. The check asks the qualitative question -- spread
    # over both modes, or on one -- with margins far outside that spread, on a budget that
    # stays well inside the grader's 20 s per call even when two notebooks share two cores.
    @ex.check(points=2, name="seed 0, 800 steps: KL covers both modes, reverse KL picks one")
    def _(call):
        (mu, sigma), = fits(call("kl", (0,), 800), 1)
        expect_true(abs(mu) < 1.2 and sigma > 1.5,
                    f"KL should spread one Gaussian over both modes (mu between them, sigma "
                    f"near the mixture's 2.09); got mu = {mu:.3f}, sigma = {sigma:.3f}")
        (mu, sigma), = fits(call("reverse_kl", (0,), 800), 1)
        expect_true(abs(mu) > 1.6 and sigma < 0.8,
                    f"reverse KL should sit on one mode (|mu| near 2, sigma near one mode's "
                    f"0.6); got mu = {mu:.3f}, sigma = {sigma:.3f}")
