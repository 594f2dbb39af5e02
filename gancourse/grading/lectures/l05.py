"""Public checks for exercises 05: Wasserstein GAN and the earth mover's distance.

Expected values come from independent references computed here: scipy's 1-D Wasserstein
distance, numpy's SVD, a float64 autograd reference of WGAN-GP's critic step (with the
classic mistakes, to name them), and the gradient penalty's pointwise optimum
(``gancourse.critics``, tested against SciPy on its own).
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import Registry, expect_close, expect_tensor, expect_true


def _pair(got, what: str):
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"the result should be a tuple {what}")
    return got

TOPIC = "wasserstein"  # the notebooks are 05_wasserstein.ipynb

# Exercise 05.6's critic: f(x) = sum_k a_k tanh(b_k x + c_k), theta_f = (a, b, c) as rows.
# The classic mistakes in writing WGAN-GP's critic step, each with what a student should hear.
CRITIC_MISTAKES = {
    "no penalty": "the penalty did not change the step: add lam * mean((|f'(x_hat)| - 1)^2) "
                  "to the loss, with the gradient taken with create_graph=True so that the "
                  "penalty's own gradient reaches theta_f",
    "wrong sign": "the critic was pushed the wrong way: its loss is mean f(x_fake) - mean "
                  "f(x_real) (+ the penalty), so that f rises on real samples",
    "ascent": "the step went up the loss: theta_f - lr * gradient, not plus",
    "penalty at real points": "the penalty was taken at the real samples; take it at "
                              "x_hat = eps * x_real + (1 - eps) * x_fake",
    "penalty at fake points": "the penalty was taken at the generated samples; take it at "
                              "x_hat = eps * x_real + (1 - eps) * x_fake",
    "eps swapped": "the mixing weights are swapped: x_hat = eps * x_real + (1 - eps) * x_fake",
    "squared norm": "the penalty used the squared slope, (f'^2 - 1)^2; WGAN-GP penalises "
                    "(|f'| - 1)^2",
    "one norm for the batch": "the penalty took one norm over the whole batch; take |f'(x_hat_i)| "
                              "per sample, then the mean of (|f'| - 1)^2",
    "GAN loss": "the critic used the GAN's cross-entropy (a sigmoid and a log); a WGAN critic's "
                "loss is the plain difference of means",
}


def critic_of(theta_f, x):
    """Exercise 05.6's critic f(x) = sum_k a_k tanh(b_k x + c_k) at the points ``x`` (m,)."""
    import torch

    a, b, c = theta_f
    return (a * torch.tanh(b * x[:, None] + c)).sum(dim=1)


def critic_step_reference(theta_f, x_real, x_fake, eps, lam, lr, mistake=None):
    """Exercise 05.6's step, computed in the grader (float64), or with one of CRITIC_MISTAKES."""
    import torch
    import torch.nn.functional as F

    th = torch.as_tensor(np.asarray(theta_f, dtype=float)).requires_grad_(True)
    x_real, x_fake, eps = (torch.as_tensor(np.asarray(v, dtype=float))
                           for v in (x_real, x_fake, eps))
    mix = (1 - eps) * x_real + eps * x_fake if mistake == "eps swapped" \
        else eps * x_real + (1 - eps) * x_fake
    where = {"penalty at real points": x_real, "penalty at fake points": x_fake}.get(mistake, mix)
    x_hat = where.clone().requires_grad_(True)
    (slope,) = torch.autograd.grad(critic_of(th, x_hat).sum(), x_hat, create_graph=True)
    if mistake == "squared norm":
        penalty = ((slope**2 - 1) ** 2).mean()
    elif mistake == "one norm for the batch":
        penalty = (slope.norm() - 1) ** 2
    else:
        penalty = ((slope.abs() - 1) ** 2).mean()
    f_real, f_fake = critic_of(th, x_real), critic_of(th, x_fake)
    if mistake == "GAN loss":
        gap = F.softplus(-f_real).mean() + F.softplus(f_fake).mean()
    elif mistake == "wrong sign":
        gap = f_real.mean() - f_fake.mean()
    else:
        gap = f_fake.mean() - f_real.mean()
    loss = gap + (0.0 if mistake == "no penalty" else lam * penalty)
    (grad,) = torch.autograd.grad(loss, th)
    return (th + lr * grad if mistake == "ascent" else th - lr * grad).detach().numpy()


def register(reg: Registry) -> None:
    import torch
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(505)

    def prob(rng, n, zeros=0):
        p = rng.random(n)
        p[rng.choice(n, size=zeros, replace=False)] = 0.0
        return p / p.sum()

    # ---------------------------------------------------------------- 05.1 EMD LP
    ex = reg.exercise("05.1", function="emd_linear_programme",
                      title="The earth mover's distance as a linear programme")

    @ex.check(points=1, name="hand-built: half the earth moves one step")
    def _(call):
        dist, plan = _pair(call(np.array([0.5, 0.5]), np.array([1.0]), np.array([[1.0], [0.0]])),
                           "(distance, plan)")
        expect_close(float(np.asarray(dist)), 0.5, what="the distance")
        expect_close(plan, np.array([[0.5], [0.5]]), what="the plan", atol=1e-9)

    @ex.check(points=1, name="random 1-D histograms: scipy's distance, and a valid plan")
    def _(call):
        rng = np.random.default_rng(5110)  # this check's own data
        x_p, x_q = np.sort(rng.normal(size=6)), np.sort(rng.normal(size=5) + 0.7)
        p, q = prob(rng, 6, zeros=1), prob(rng, 5)
        cost = np.abs(x_p[:, None] - x_q[None, :])
        dist, plan = _pair(call(p, q, cost), "(distance, plan)")
        expect_close(float(np.asarray(dist)), wasserstein_distance(x_p, x_q, p, q),
                     what="the distance", rtol=1e-7)
        plan = np.asarray(plan, dtype=float)
        expect_true(plan.shape == (6, 5), f"the plan should have shape (6, 5), got {plan.shape}")
        expect_close(plan.sum(axis=1), p, what="the plan's row sums (P)", atol=1e-8)
        expect_close(plan.sum(axis=0), q, what="the plan's column sums (Q)", atol=1e-8)
        expect_true(plan.min() >= -1e-9, "the plan must not be negative")

    # ---------------------------------------------------------------- 05.2 1-D critic
    ex = reg.exercise("05.2", function="optimal_critic_1d",
                      title="The optimal critic on the line")

    @ex.check(points=1, name="one pile moves right by 2: f = 0, -1, -2 and value 2")
    def _(call):
        f, value = _pair(call(np.array([0.0, 1.0, 2.0]), np.array([1.0, 0.0, 0.0]),
                              np.array([0.0, 0.0, 1.0])), "(f, value)")
        expect_close(f, np.array([0.0, -1.0, -2.0]), what="f")
        expect_close(float(np.asarray(value)), 2.0, what="the value")

    @ex.check(points=1, name="random histograms: value = scipy's W1, f is 1-Lipschitz")
    def _(call):
        rng = np.random.default_rng(5135)  # this check's own data
        x = np.sort(rng.uniform(0, 5, 8))
        p, q = prob(rng, 8, zeros=2), prob(rng, 8, zeros=2)
        f, value = _pair(call(x, p, q), "(f, value)")
        f = np.asarray(f, dtype=float)
        expect_true(f.shape == (8,), f"f should have shape (8,), got {f.shape}")
        expect_close(float(np.asarray(value)), wasserstein_distance(x, x, p, q),
                     what="the value", rtol=1e-9)
        expect_close(f[0], 0.0, what="f[0]", atol=1e-12)
        expect_true(np.all(np.abs(np.diff(f)) <= np.diff(x) + 1e-9),
                    "f must be 1-Lipschitz: |f[k+1] - f[k]| <= x[k+1] - x[k]")

    # ---------------------------------------------------------------- 05.3 clipping
    ex = reg.exercise("05.3", function="clip_and_bound",
                      title="Weight clipping and the slope it allows")
    ws = [torch.tensor(rng.normal(size=(4, 2))), torch.tensor(rng.normal(size=(1, 4)))]

    @ex.check(points=1, name="weights clamped to [-c, c]")
    def _(call):
        clipped, _ = _pair(call(ws, 0.5), "(clipped, bound)")
        expect_true(isinstance(clipped, (list, tuple)) and len(clipped) == 2,
                    "clipped should be a list with one tensor per layer")
        for k, (got, w) in enumerate(zip(clipped, ws)):
            expect_tensor(got, f"clipped[{k}]")
            expect_close(got, np.clip(w.numpy(), -0.5, 0.5), what=f"clipped[{k}]")

    @ex.check(points=1, name="the bound: product of c * sqrt(m n), attained by all-c weights")
    def _(call):
        _, bound = _pair(call(ws, 0.01), "(clipped, bound)")
        expected = 0.01 * math.sqrt(8) * 0.01 * math.sqrt(4)
        expect_close(float(np.asarray(bound)), expected, what="the bound", rtol=1e-9)
        full = [torch.full((4, 2), 0.01, dtype=torch.float64),
                torch.full((1, 4), 0.01, dtype=torch.float64)]
        attained = np.prod([np.linalg.svd(w.numpy(), compute_uv=False)[0] for w in full])
        expect_close(float(np.asarray(call(full, 0.01)[1])), attained,
                     what="the bound for weights that attain it", rtol=1e-9)

    # ---------------------------------------------------------------- 05.4 power iteration
    ex = reg.exercise("05.4", function="power_iteration",
                      title="Power iteration for the spectral norm")
    W = rng.normal(size=(6, 4))
    v0 = rng.normal(size=4)

    @ex.check(points=1, name="one iteration by hand")
    def _(call):
        got = call(torch.tensor(W), torch.tensor(v0), 1)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 3,
                    "the result should be a tuple (sigma, u, v)")
        v = v0 / np.linalg.norm(v0)
        u = W @ v
        u /= np.linalg.norm(u)
        v = W.T @ u
        v /= np.linalg.norm(v)
        expect_close(float(np.asarray(got[0])), u @ W @ v, what="sigma", rtol=1e-9)
        expect_close(got[1], u, what="u", rtol=1e-9)
        expect_close(got[2], v, what="v", rtol=1e-9)

    @ex.check(points=1, name="200 iterations reach numpy's largest singular value")
    def _(call):
        sigma, _, v = call(torch.tensor(W), torch.tensor(v0), 200)
        expect_close(float(np.asarray(sigma)), np.linalg.svd(W, compute_uv=False)[0],
                     what="sigma", rtol=1e-7)
        top = np.linalg.svd(W)[2][0]
        expect_close(abs(float(np.asarray(v) @ top)), 1.0, what="|v . top right-singular vector|",
                     rtol=1e-6)

    # ---------------------------------------------------------------- 05.5 experiment
    ex = reg.exercise("05.5", function="critic_w1_estimate",
                      title="A critic estimates W1", uses_course=True)
    for m, seed in ((2.0, 0), (-0.5, 1)):
        @ex.check(points=1, name=f"m = {m}, 800 steps, seed {seed}: within 30% of |m|")
        def _(call, m=m, seed=seed):
            got = call(m, 800, seed)
            expect_true(np.ndim(got) == 0, f"the result should be one number, got {got!r}")
            expect_true(abs(float(got) - abs(m)) < 0.3 * abs(m),
                        f"expected an estimate within 30% of W1 = {abs(m)}, got {float(got):.4f}")

    # ---------------------------------------------------------------- 05.6 the critic step
    ex = reg.exercise("05.6", function="wgan_gp_critic_step",
                      title="Write WGAN-GP's critic step")
    h = 8
    starts = [np.random.default_rng(k).normal(0.0, 0.5, (3, h)) for k in (0, 1)]
    batches = [(rng.normal(0.0, 1.0, 64), rng.normal(1.5, 1.0, 64), rng.uniform(size=64))
               for _ in starts]

    @ex.check(points=2, name="one step equals WGAN-GP's (two critics, lam = 10, lr = 0.02)")
    def _(call):
        for theta_f, (x, x_fake, eps) in zip(starts, batches):
            args = [torch.tensor(v) for v in (theta_f, x, x_fake, eps)] + [10.0, 0.02]
            got = call(*args)
            expect_tensor(got, "wgan_gp_critic_step(...)")
            want = critic_step_reference(theta_f, x, x_fake, eps, 10.0, 0.02)
            if np.shape(got) == (3, h) and np.allclose(got, want, rtol=1e-6, atol=1e-9):
                continue
            for mistake, advice in CRITIC_MISTAKES.items():
                wrong = critic_step_reference(theta_f, x, x_fake, eps, 10.0, 0.02, mistake)
                if np.shape(got) == (3, h) and np.allclose(got, wrong, rtol=1e-6, atol=1e-9):
                    expect_true(False, f"{mistake}: {advice}")
            expect_close(got, want, what="the new theta_f", rtol=1e-6, atol=1e-9)

    @ex.check(points=2, name="300 steps: the critic's estimate reaches the penalised optimum")
    def _(call):
        from gancourse.critics import gradient_penalty_optimum_1d  # tested on its own
        from gancourse.distributions import Gaussian1D

        real, fake = Gaussian1D(0.0, 1.0), Gaussian1D(1.5, 1.0)
        best = gradient_penalty_optimum_1d(real, fake, 10.0, np.linspace(-8.0, 9.5, 3501))
        play = np.random.default_rng(3)
        theta = torch.tensor(starts[0])
        for step in range(300):
            x = torch.tensor(play.normal(0.0, 1.0, 256))
            x_fake = torch.tensor(play.normal(1.5, 1.0, 256))
            eps = torch.tensor(play.uniform(size=256))
            theta = torch.as_tensor(np.asarray(call(theta, x, x_fake, eps, 10.0, 0.02),
                                               dtype=float))
            expect_true(theta.shape == (3, h) and bool(torch.isfinite(theta).all()),
                        f"after step {step} theta_f should be a finite (3, {h}) tensor")
        fresh = np.random.default_rng(4)
        with torch.no_grad():
            estimate = float(critic_of(theta, torch.tensor(fresh.normal(0.0, 1.0, 20000))).mean()
                             - critic_of(theta, torch.tensor(fresh.normal(1.5, 1.0, 20000))).mean())
        # W1 = 1.5; the penalty is soft, so its optimum lies a little above (lecture 05, sec. 4)
        expect_true(abs(estimate - best["estimate"]) < 0.1,
                    f"after 300 steps on P = N(0, 1) against Q = N(1.5, 1), E_P f - E_Q f should "
                    f"be within 0.1 of the penalised optimum {best['estimate']:.3f} (W1 = 1.5); "
                    f"it was {estimate:.4f}")
