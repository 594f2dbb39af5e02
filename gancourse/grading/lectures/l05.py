"""Public checks for exercises 05: Wasserstein GAN and the earth mover's distance.

Expected values come from independent references computed here: scipy's 1-D Wasserstein
distance, closed-form gradients of the tiny critic, numpy's SVD.
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


def register(reg: Registry) -> None:
    import torch
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(505)

    def prob(n, zeros=0):
        p = rng.random(n)
        p[rng.choice(n, size=zeros, replace=False)] = 0.0
        return p / p.sum()

    # ---------------------------------------------------------------- 05.1 EMD LP
    ex = reg.exercise("05", "05.1", function="emd_linear_programme",
                      title="The earth mover's distance as a linear programme")

    @ex.check(points=1, name="hand-built: half the earth moves one step")
    def _(call):
        dist, plan = _pair(call(np.array([0.5, 0.5]), np.array([1.0]), np.array([[1.0], [0.0]])),
                           "(distance, plan)")
        expect_close(float(np.asarray(dist)), 0.5, what="the distance")
        expect_close(plan, np.array([[0.5], [0.5]]), what="the plan", atol=1e-9)

    @ex.check(points=1, name="random 1-D histograms: scipy's distance, and a valid plan")
    def _(call):
        x_p, x_q = np.sort(rng.normal(size=6)), np.sort(rng.normal(size=5) + 0.7)
        p, q = prob(6, zeros=1), prob(5)
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
    ex = reg.exercise("05", "05.2", function="optimal_critic_1d",
                      title="The optimal critic on the line")

    @ex.check(points=1, name="one pile moves right by 2: f = 0, -1, -2 and value 2")
    def _(call):
        f, value = _pair(call(np.array([0.0, 1.0, 2.0]), np.array([1.0, 0.0, 0.0]),
                              np.array([0.0, 0.0, 1.0])), "(f, value)")
        expect_close(f, np.array([0.0, -1.0, -2.0]), what="f")
        expect_close(float(np.asarray(value)), 2.0, what="the value")

    @ex.check(points=1, name="random histograms: value = scipy's W1, f is 1-Lipschitz")
    def _(call):
        x = np.sort(rng.uniform(0, 5, 8))
        p, q = prob(8, zeros=2), prob(8, zeros=2)
        f, value = _pair(call(x, p, q), "(f, value)")
        f = np.asarray(f, dtype=float)
        expect_true(f.shape == (8,), f"f should have shape (8,), got {f.shape}")
        expect_close(float(np.asarray(value)), wasserstein_distance(x, x, p, q),
                     what="the value", rtol=1e-9)
        expect_close(f[0], 0.0, what="f[0]", atol=1e-12)
        expect_true(np.all(np.abs(np.diff(f)) <= np.diff(x) + 1e-9),
                    "f must be 1-Lipschitz: |f[k+1] - f[k]| <= x[k+1] - x[k]")

    # ---------------------------------------------------------------- 05.3 penalty
    ex = reg.exercise("05", "05.3", function="gradient_penalty",
                      title="The gradient penalty")
    B, d, h = 5, 3, 4
    xr, xf = rng.normal(size=(B, d)), rng.normal(size=(B, d)) + 1.0
    eps = rng.uniform(size=B)
    W1, b1, w2 = rng.normal(size=(h, d)), rng.normal(size=h), rng.normal(size=h)

    def reference(W1_=W1):
        x_hat = eps[:, None] * xr + (1 - eps[:, None]) * xf
        a = np.tanh(x_hat @ W1_.T + b1)  # (B, h)
        grad = ((1 - a**2) * w2) @ W1_  # (B, d): closed-form gradient of w2 . tanh(W1 x + b1)
        return 3.0 * np.mean((np.linalg.norm(grad, axis=1) - 1) ** 2)

    args = [torch.tensor(a) for a in (xr, xf, eps, W1, b1, w2)] + [3.0]

    @ex.check(points=1, name="value against the closed-form gradient of the critic")
    def _(call):
        got = call(*args)
        expect_tensor(got, "gradient_penalty(...)")
        expect_close(np.reshape(got, ()), reference(), what="the penalty", rtol=1e-9)

    @ex.check(points=1, name="the penalty trains the critic: its gradient with respect to W1")
    def _(call):
        _, grads = call.with_grad(*args, wrt=[3])
        step, numeric = 1e-6, np.zeros_like(W1)
        for idx in np.ndindex(W1.shape):  # central differences of the reference
            up, down = W1.copy(), W1.copy()
            up[idx] += step
            down[idx] -= step
            numeric[idx] = (reference(up) - reference(down)) / (2 * step)
        expect_true(np.any(np.asarray(grads[0]) != 0),
                    "no gradient reached W1: the penalty must depend on the critic's weights "
                    "(torch.autograd.grad(..., create_graph=True))")
        expect_close(grads[0], numeric, what="d penalty / d W1", rtol=1e-5, atol=1e-7)

    # ---------------------------------------------------------------- 05.4 clipping
    ex = reg.exercise("05", "05.4", function="clip_and_bound",
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

    # ---------------------------------------------------------------- 05.5 power iteration
    ex = reg.exercise("05", "05.5", function="power_iteration",
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

    # ---------------------------------------------------------------- 05.6 experiment
    ex = reg.exercise("05", "05.6", function="critic_w1_estimate",
                      title="A critic estimates W1", uses_course=True)
    for m, seed in ((2.0, 0), (-0.5, 1)):
        @ex.check(points=1, name=f"m = {m}, 800 steps, seed {seed}: within 30% of |m|")
        def _(call, m=m, seed=seed):
            got = call(m, 800, seed)
            expect_true(np.ndim(got) == 0, f"the result should be one number, got {got!r}")
            expect_true(abs(float(got) - abs(m)) < 0.3 * abs(m),
                        f"expected an estimate within 30% of W1 = {abs(m)}, got {float(got):.4f}")
