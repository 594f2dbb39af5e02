"""Public checks for exercises 01: maximum likelihood and KL.

Expected values come from scipy or closed forms, computed in the grader.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ..checks import Registry, expect_close, expect_tensor, expect_true

TOPIC = "mle_and_kl"  # the notebooks are 01_mle_and_kl.ipynb


def register(reg: Registry) -> None:
    rng = np.random.default_rng(101)

    # ---------------------------------------------------------------- 01.1 log-likelihood
    ex = reg.exercise("01.1", function="gaussian_log_likelihood",
                      title="Gaussian log-likelihood")
    x50 = rng.normal(0.3, 1.5, size=50)

    @ex.check(points=1, name="mean log-likelihood of 50 points at mu=0.5, sigma=1.2")
    def _(call):
        expect_close(call(x50, 0.5, 1.2), stats.norm.logpdf(x50, 0.5, 1.2).mean(),
                     what="gaussian_log_likelihood(x, 0.5, 1.2)", rtol=1e-8)

    @ex.check(points=1, name="a single number, also for a tiny sigma and far-away data")
    def _(call):
        x = np.array([10.0, 12.0, 15.0])
        got = call(x, -1.0, 0.1)
        expect_true(np.ndim(got) == 0, f"the result should be one number, got shape "
                                       f"{np.shape(got)}")
        expect_close(got, stats.norm.logpdf(x, -1.0, 0.1).mean(), what="the log-likelihood",
                     rtol=1e-8)

    # ---------------------------------------------------------------- 01.2 KL
    ex = reg.exercise("01.2", function="kl_divergence", title="KL divergence of discrete distributions")
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))

    @ex.check(points=1, name="KL(p || q) of two random distributions on 6 outcomes")
    def _(call):
        expect_close(call(p, q), stats.entropy(p, q), what="kl_divergence(p, q)", rtol=1e-8)
        expect_close(call(q, p), stats.entropy(q, p), what="kl_divergence(q, p)", rtol=1e-8)

    @ex.check(points=0.5, name="0 log 0 = 0: outcomes that p never takes cost nothing")
    def _(call):
        pz, qz = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
        expect_close(call(pz, qz), math.log(2), what="kl_divergence([.5, .5, 0], [.25, .25, .5])")

    @ex.check(points=0.5, name="infinite when p has mass where q has none; zero when p = q")
    def _(call):
        got = call(np.array([0.5, 0.5]), np.array([1.0, 0.0]))
        expect_true(np.ndim(got) == 0 and np.isinf(got) and got > 0,
                    f"kl_divergence([.5, .5], [1, 0]) should be +inf, got {got}")
        expect_close(call(p, p), 0.0, what="kl_divergence(p, p)", atol=1e-12)

    # ---------------------------------------------------------------- 01.3 torch NLL
    ex = reg.exercise("01.3", function="gaussian_nll",
                      title="Negative log-likelihood in PyTorch")
    import torch

    xt = rng.normal(1.0, 2.0, size=40)

    def reference(mu: float, log_sigma: float) -> float:
        return -stats.norm.logpdf(xt, mu, math.exp(log_sigma)).mean()

    @ex.check(points=1, name="returns a scalar tensor equal to the mean NLL")
    def _(call):
        got = call(torch.tensor(xt), torch.tensor(0.5, dtype=torch.float64),
                   torch.tensor(0.3, dtype=torch.float64))
        expect_tensor(got, "gaussian_nll(...)")
        expect_true(got.size == 1, f"the loss should be a single number, got shape {got.shape}")
        expect_close(got.reshape(()), reference(0.5, 0.3), what="the mean NLL", rtol=1e-6)

    @ex.check(points=2, name="gradients with respect to mu and log_sigma")
    def _(call):
        mu, log_sigma = -0.4, 0.7
        _, grads = call.with_grad(torch.tensor(xt), torch.tensor(mu, dtype=torch.float64),
                                  torch.tensor(log_sigma, dtype=torch.float64), wrt=[1, 2])
        var = math.exp(2 * log_sigma)
        expect_close(grads[0], -(xt.mean() - mu) / var, what="d NLL / d mu", rtol=1e-5)
        expect_close(grads[1], 1 - np.mean((xt - mu) ** 2) / var, what="d NLL / d log_sigma",
                     rtol=1e-5)

    # ---------------------------------------------------------------- 01.4 experiment
    ex = reg.exercise("01.4", function="fit_gaussian_by_gradient_descent",
                      title="Maximum likelihood by gradient descent")
    data = rng.normal(3.0, 0.5, size=1000)

    @ex.check(points=3, name="reaches the closed-form MLE (sample mean and std) within 0.01")
    def _(call):
        got = call(data, 2000, 0.05)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                    "the result should be a tuple (mu, sigma)")
        expect_close(tuple(float(np.asarray(v)) for v in got), (data.mean(), data.std()),
                     what="(mu, sigma)", atol=0.01, rtol=0)
