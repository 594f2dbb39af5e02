"""Lecture 08's toy with a known truth, the truncation trick's codes, the memorisation distance
and coverage's expected value, each against an independent reference."""

import math

import numpy as np
import pytest
import torch
from scipy import special, stats

from gancourse import evaluation as ev
from gancourse.latent import truncated_normal
from gancourse.metric_toys import REAL, toy_generator, toy_report, toy_samples


def test_the_toy_generator_keeps_modes_and_widens_them():
    same = toy_generator()
    np.testing.assert_array_equal(same.means, REAL.means)
    np.testing.assert_array_equal(same.stds, REAL.stds)
    two = toy_generator(2, 3.0)
    np.testing.assert_array_equal(two.means, REAL.means[:2])
    assert two.stds.tolist() == pytest.approx([0.15, 0.15])
    x = toy_samples(4000, 2, seed=5)
    assert x.shape == (4000, 2) and np.array_equal(x, toy_samples(4000, 2, seed=5))
    nearest = np.argmin(((x[:, None] - REAL.means[None]) ** 2).sum(-1), axis=1)
    assert set(nearest.tolist()) == {0, 1}
    # the spread around each mode is the widened std, per coordinate
    x, mode = two.sample_with_labels(4000, seed=5)
    spread = np.std(x.double().numpy() - REAL.means[mode.numpy()], axis=0)
    assert spread == pytest.approx([0.15, 0.15], rel=0.05)


@pytest.mark.parametrize("call, match", [
    (lambda: toy_generator(0), "modes_kept must be"),
    (lambda: toy_generator(9), "modes_kept must be at most 8"),
    (lambda: toy_generator(8, -1.0), "noise must be a positive"),
    (lambda: toy_samples(10, seed="a"), "seed must be an integer"),
])
def test_toy_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_collapse_and_blur_move_the_metrics_their_own_way():
    real = toy_samples(1000, seed=0)
    same = toy_report(real, toy_samples(1000, seed=1))
    collapsed = toy_report(real, toy_samples(1000, 2, seed=1))
    blurred = toy_report(real, toy_samples(1000, 8, 3.0, seed=1))
    assert same["modes"] == blurred["modes"] == 8 and collapsed["modes"] == 2
    # collapse: every sample is near a real mode, a quarter of the real modes are reached
    assert collapsed["precision"] > 0.9 and abs(collapsed["recall"] - 2 / 8) < 0.05
    assert abs(collapsed["coverage"] - 2 / 8) < 0.05
    # blur: the reverse
    assert blurred["precision"] < 0.6 and blurred["recall"] > 0.95
    # the blurred ring has nearly the real mean and covariance: FID hardly moves
    assert blurred["fid"] < 0.01 < collapsed["fid"]
    assert same["high_quality"] > 0.98 and blurred["high_quality"] < 0.5


def test_truncated_normal_is_scipys_truncated_normal():
    for psi in (0.5, 1.0, 2.0):
        z = truncated_normal(4000, 3, psi, torch.Generator().manual_seed(1))
        assert z.shape == (4000, 3) and z.dtype == torch.float32
        assert z.abs().max() <= psi
        assert stats.kstest(z.flatten().numpy(), stats.truncnorm(-psi, psi).cdf).pvalue > 0.01
    free = truncated_normal(4000, 2, math.inf, torch.Generator().manual_seed(1))
    assert stats.kstest(free.flatten().numpy(), "norm").pvalue > 0.01
    # one generator state, every psi: the same uniform numbers, each code pulled towards 0
    small = truncated_normal(500, 4, 0.5, torch.Generator().manual_seed(2))
    big = truncated_normal(500, 4, 2.0, torch.Generator().manual_seed(2))
    assert torch.all(small.abs() <= big.abs() + 1e-6) and torch.all(small * big >= 0)
    with pytest.raises(ValueError, match="psi must be a positive number"):
        truncated_normal(3, 2, 0.0)
    with pytest.raises(ValueError, match="dim must be an integer"):
        truncated_normal(3, 0, 1.0)


def test_nearest_distances_against_brute_force():
    rng = np.random.default_rng(4)
    x, ref = rng.normal(size=(30, 5)), rng.normal(size=(3000, 5))
    want = np.sqrt(((x[:, None] - ref[None]) ** 2).sum(-1)).min(1)
    np.testing.assert_allclose(ev.nearest_distances(x, ref), want, rtol=1e-9)
    assert np.allclose(ev.nearest_distances(ref[:10], ref), 0.0, atol=1e-6)
    with pytest.raises(ValueError, match="same dimension"):
        ev.nearest_distances(x, ref[:, :4])


def test_expected_coverage_matches_its_formula_and_simulation():
    k, n, m = 3, 50, 70
    uncovered = special.comb(n - 1, k) / special.comb(n - 1 + m, k)
    assert ev.expected_coverage(n, m, k) == pytest.approx(1 - uncovered, rel=1e-12)
    assert ev.expected_coverage(10_000, 10_000, 5) == pytest.approx(1 - 2 ** -5, abs=1e-3)
    rng = np.random.default_rng(0)
    sims = [ev.density_coverage(rng.normal(size=(n, 2)), rng.normal(size=(m, 2)), k)[1]
            for _ in range(400)]
    se = np.std(sims) / np.sqrt(len(sims))
    assert abs(np.mean(sims) - ev.expected_coverage(n, m, k)) < 4 * se
    with pytest.raises(ValueError, match="k must be smaller than n_real"):
        ev.expected_coverage(5, 5, 5)
