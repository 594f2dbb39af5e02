"""Public checks for exercises 04: mode collapse.

Expected values come from closed forms and direct computations in the grader.
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import Registry, expect_close, expect_tensor, expect_true

TOPIC = "mode_collapse"  # the notebooks are 04_mode_collapse.ipynb


def register(reg: Registry) -> None:
    import torch

    rng = np.random.default_rng(404)

    # ---------------------------------------------------------------- 04.1 metrics
    ex = reg.exercise("04.1", function="mode_statistics",
                      title="Counting modes and high-quality samples")
    angles = 2 * np.pi * np.arange(8) / 8
    means = np.stack([np.cos(angles), np.sin(angles)], axis=1)

    @ex.check(points=1, name="hand-built samples: 3 modes, 75% high quality")
    def _(call):
        samples = np.concatenate([np.repeat(means[:3], 10, axis=0), np.zeros((10, 2))])
        got = call(samples, means, 0.01, 3.0)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                    "the result should be a tuple (modes_captured, high_quality)")
        expect_close(tuple(float(np.asarray(v)) for v in got), (3.0, 0.75),
                     what="(modes_captured, high_quality)")

    @ex.check(points=1, name="noisy samples around 5 modes, and the threshold")
    def _(call):
        rng = np.random.default_rng(4038)  # this check's own data
        pick = rng.integers(0, 5, 500)
        samples = means[pick] + rng.normal(0, 0.02, (500, 2))
        dist = np.sqrt(((samples[:, None] - means[None]) ** 2).sum(-1))
        good = dist.min(1) <= 3 * 0.01
        expected = (len(np.unique(dist.argmin(1)[good])), good.mean())
        got = call(samples, means, 0.01, 3.0)
        expect_close(tuple(float(np.asarray(v)) for v in got), expected,
                     what="(modes_captured, high_quality)")
        wide = call(samples, means, 0.01, 100.0)
        expect_close(tuple(float(np.asarray(v)) for v in wide), (5.0, 1.0),
                     what="the result with threshold 100")

    # ---------------------------------------------------------------- 04.2 packing
    ex = reg.exercise("04.2", function="pack_samples", title="PacGAN packing")
    x = torch.tensor(rng.normal(size=(12, 3)))

    @ex.check(points=1, name="(12, 3) packed by 4 gives (3, 12), rows in order")
    def _(call):
        got = call(x, 4)
        expect_tensor(got, "pack_samples(x, 4)")
        expected = np.stack([np.concatenate(x.numpy()[4 * i: 4 * i + 4]) for i in range(3)])
        expect_close(got, expected, what="pack_samples(x, 4)")

    @ex.check(points=1, name="pack = 1 leaves the batch as it is; pack = B gives one row")
    def _(call):
        expect_close(call(x, 1), x.numpy(), what="pack_samples(x, 1)")
        expect_close(call(x, 12), x.numpy().reshape(1, -1), what="pack_samples(x, 12)")

    # ---------------------------------------------------------------- 04.3 minibatch std
    ex = reg.exercise("04.3", function="minibatch_std_feature",
                      title="The minibatch standard-deviation feature")
    h = torch.tensor(rng.normal(size=(6, 4)) * [1.0, 2.0, 0.5, 3.0])

    @ex.check(points=1, name="appends mean_f std_b h[b, f] (population std) to every row")
    def _(call):
        got = call(h)
        expect_tensor(got, "minibatch_std_feature(h)")
        value = h.numpy().std(axis=0).mean()
        expected = np.concatenate([h.numpy(), np.full((6, 1), value)], axis=1)
        expect_close(got, expected, what="minibatch_std_feature(h)", rtol=1e-9)

    @ex.check(points=1, name="a collapsed batch gets 0")
    def _(call):
        same = torch.ones(5, 3, dtype=torch.float64)
        got = call(same)
        expect_close(got[:, -1], np.zeros(5), what="the feature of identical samples",
                     atol=1e-12)

    # ---------------------------------------------------------------- 04.4 dynamics
    ex = reg.exercise("04.4", function="bilinear_trajectory",
                      title="Gradient play on x·y")

    @ex.check(points=1, name="simultaneous: spirals out by sqrt(1 + lr^2) per step")
    def _(call):
        got = call(1.0, 0.5, 0.1, 50, False)
        expect_true(np.shape(got) == (51, 2), f"expected shape (51, 2), got {np.shape(got)}")
        r = np.linalg.norm(np.asarray(got), axis=1)
        expect_close(r[1:] / r[:-1], np.full(50, math.sqrt(1.01)), what="the radius ratios",
                     rtol=1e-9)

    @ex.check(points=1, name="alternating: hand-computed steps and a conserved quantity")
    def _(call):
        got = np.asarray(call(1.0, 0.5, 0.5, 1, True))
        expect_close(got, np.array([[1.0, 0.5], [0.75, 0.875]]), what="two points")
        long = np.asarray(call(1.0, 0.5, 0.1, 500, True))
        inv = long[:, 0] ** 2 - 0.1 * long[:, 0] * long[:, 1] + long[:, 1] ** 2
        expect_close(inv, np.full(501, inv[0]), what="x^2 - lr x y + y^2 along the path",
                     rtol=1e-9)

    # ---------------------------------------------------------------- 04.5 experiment
    ex = reg.exercise("04.5", function="modes_with_minibatch_std",
                      title="Minibatch-std against collapse", uses_course=True)
    # One run's end point is chaotic: another CPU's rounding can send a seed that captures all
    # 8 modes here to a poor end there. The claim graded is about the method, so it is the
    # middle of three seeds (minibatch-std: 8 of 8 on 34 of 34 runs measured over four float
    # paths; the vanilla GAN: 0 to 4, see tests/test_experiment_checks.py).
    @ex.check(points=3, name="2000 steps, seeds 0, 1, 2: the middle run captures >= 6 of 8 modes")
    def _(call):
        counts = []
        for seed in (0, 1, 2):
            got = call(2000, seed)
            expect_true(np.ndim(got) == 0, f"the result should be one integer, got {got!r}")
            counts.append(float(got))
        expect_true(sorted(counts)[1] >= 6,
                    f"expected at least 6 modes captured on the middle of three seeds, got "
                    f"{', '.join(f'{c:g}' for c in counts)} for seeds 0, 1, 2")
