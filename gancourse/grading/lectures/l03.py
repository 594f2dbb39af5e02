"""Public checks for exercises 03: disjoint supports.

Expected values come from scipy and closed forms, computed in the grader.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance

from ..checks import Registry, expect_close, expect_tensor, expect_true

TOPIC = "disjoint_supports"  # the notebooks are 03_disjoint_supports.ipynb


def register(reg: Registry) -> None:
    import torch

    rng = np.random.default_rng(303)

    # ---------------------------------------------------------------- 03.1 JSD
    ex = reg.exercise("03.1", function="js_divergence",
                      title="Jensen–Shannon divergence of histograms")
    p, q = rng.dirichlet(np.ones(8)), rng.dirichlet(np.ones(8))

    @ex.check(points=1, name="two random histograms (scipy's jensenshannon, squared)")
    def _(call):
        expect_close(call(p, q), jensenshannon(p, q) ** 2, what="js_divergence(p, q)",
                     rtol=1e-8)

    @ex.check(points=1, name="log 2 for disjoint supports, 0 for equal histograms")
    def _(call):
        a, b = np.array([0.2, 0.8, 0.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.5])
        expect_close(call(a, b), math.log(2), what="JSD of disjoint histograms", rtol=1e-12)
        expect_close(call(p, p), 0.0, what="js_divergence(p, p)", atol=1e-12)

    # ---------------------------------------------------------------- 03.2 W1 of samples
    ex = reg.exercise("03.2", function="w1_equal_samples",
                      title="Earth mover's distance of two samples")
    u, v = rng.normal(0, 1, 300), rng.exponential(1.0, 300)

    @ex.check(points=1, name="agrees with scipy.stats.wasserstein_distance")
    def _(call):
        expect_close(call(u, v), wasserstein_distance(u, v), what="w1_equal_samples(u, v)",
                     rtol=1e-9)

    @ex.check(points=1, name="a shifted copy is exactly |shift| away")
    def _(call):
        rng = np.random.default_rng(3051)  # this check's own data
        expect_close(call(u, u + 2.5), 2.5, what="W1(u, u + 2.5)", rtol=1e-9)
        expect_close(call(u, rng.permutation(u)), 0.0, what="W1 of a shuffled copy", atol=1e-12)

    # ---------------------------------------------------------------- 03.3 noise
    ex = reg.exercise("03.3", function="add_instance_noise", title="Instance noise")
    x = torch.tensor(rng.normal(0, 1, (4000, 2)), dtype=torch.float32)

    @ex.check(points=1, name="keeps shape and dtype; the same seed gives the same noise")
    def _(call):
        a, b = call(x, 0.5, 7), call(x, 0.5, 7)
        expect_tensor(a, "add_instance_noise(...)")
        expect_true(a.shape == (4000, 2) and a.dtype == np.float32,
                    f"expected shape (4000, 2) and float32, got {a.shape} {a.dtype}")
        expect_close(a, b, what="two calls with the same seed")
        expect_close(call(x, 0.0, 7), x.numpy(), what="the result for sigma = 0")

    @ex.check(points=1, name="the noise has mean 0 and standard deviation sigma")
    def _(call):
        noise = call(x, 0.3, 1) - x.numpy()
        se = 0.3 / math.sqrt(noise.size)
        expect_true(abs(noise.mean()) < 5 * se, f"the noise should have mean 0, got "
                                                f"{noise.mean():.4f}")
        expect_close(noise.std(), 0.3, what="the noise's standard deviation", rtol=0.05)

    # ---------------------------------------------------------------- 03.4 LSGAN
    ex = reg.exercise("03.4", function="lsgan_discriminator_loss",
                      title="The least-squares discriminator loss")
    sr, sf = rng.normal(0.5, 1, 6), rng.normal(0, 1, 4)

    @ex.check(points=1, name="value on random scores")
    def _(call):
        got = call(torch.tensor(sr), torch.tensor(sf))
        expect_tensor(got, "lsgan_discriminator_loss(...)")
        expect_close(np.reshape(got, ()), 0.5 * np.mean((sr - 1) ** 2) + 0.5 * np.mean(sf**2),
                     what="the loss", rtol=1e-9)

    @ex.check(points=1, name="gradients with respect to the scores")
    def _(call):
        _, grads = call.with_grad(torch.tensor(sr), torch.tensor(sf), wrt=[0, 1])
        expect_close(grads[0], (sr - 1) / len(sr), what="d loss / d scores_real", rtol=1e-9)
        expect_close(grads[1], sf / len(sf), what="d loss / d scores_fake", rtol=1e-9)

    # ---------------------------------------------------------------- 03.5 experiment
    ex = reg.exercise("03.5", function="memorisation_accuracy",
                      title="A discriminator memorises")

    @ex.check(points=3, name="dim 20, 64 points each: train accuracy >= 0.95, fresh within "
                              "0.08 of chance")
    def _(call):
        got = call(20, 64, 600, 0)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                    "the result should be a tuple (train_accuracy, fresh_accuracy)")
        train, fresh = (float(np.asarray(v)) for v in got)
        expect_true(train >= 0.95, f"training accuracy should reach 0.95 or more, got {train:.3f}")
        expect_true(abs(fresh - 0.5) < 0.08, f"accuracy on fresh samples should be near 0.5 "
                                             f"(chance), got {fresh:.3f}")
