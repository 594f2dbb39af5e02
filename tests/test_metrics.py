"""Mode metrics against hand-built samples and against the Gaussian's own 3-sigma mass."""

import math

import numpy as np
import pytest
import torch

import gancourse as gc
from gancourse.metrics import conditional_accuracy, mode_stats


def test_true_samples_of_the_ring_and_grid():
    # For an isotropic 2-D Gaussian, P(|x - mu| <= 3 sigma) = 1 - exp(-9/2) (chi-square, 2 dof).
    p = 1 - math.exp(-4.5)
    se = math.sqrt(p * (1 - p) / 2500)
    for dist in (gc.Ring(), gc.Grid()):
        stats = mode_stats(dist.sample(2500, seed=3).numpy(), dist.means, dist.stds[0])
        assert stats.modes_captured == dist.n_modes
        assert abs(stats.high_quality - p) < 4 * se
        assert stats.reverse_kl < 0.02


def test_hand_built_samples():
    ring = gc.Ring()
    samples = np.concatenate([np.repeat(ring.means[:3], 10, axis=0),  # 3 modes, exactly
                              np.zeros((10, 2))])  # the centre: far from every mode
    stats = mode_stats(samples, ring.means, 0.01)
    assert stats.modes_captured == 3
    assert stats.high_quality == pytest.approx(30 / 40)
    np.testing.assert_array_equal(stats.counts, [10, 10, 10, 0, 0, 0, 0, 0])
    assert stats.reverse_kl == pytest.approx(math.log(8 / 3))  # uniform on 3 of 8 modes
    one = mode_stats(np.repeat(ring.means[:1], 5, axis=0), ring.means, 0.01)
    assert one.modes_captured == 1 and one.reverse_kl == pytest.approx(math.log(8))
    none = mode_stats(np.zeros((5, 2)), ring.means, 0.01)
    assert none.modes_captured == 0 and none.reverse_kl == math.inf


def test_threshold_is_in_standard_deviations():
    ring = gc.Ring()
    point = ring.means[:1] * (1 + 0.025)  # 0.025 from mode 0: 2.5 std
    assert mode_stats(point, ring.means, 0.01).high_quality == 1.0
    assert mode_stats(point, ring.means, 0.01, threshold=2.0).high_quality == 0.0


def test_conditional_accuracy():
    ring = gc.Ring()
    x, y = ring.sample_with_labels(1000, seed=0)
    assert conditional_accuracy(x.numpy(), y.numpy(), ring.means, 0.01) == pytest.approx(
        1 - math.exp(-4.5), abs=0.02)
    assert conditional_accuracy(x.numpy(), ((y + 1) % 8).numpy(), ring.means, 0.01) == 0.0
    with pytest.raises(ValueError, match="labels must have one entry per sample"):
        conditional_accuracy(x.numpy(), y[:5].numpy(), ring.means, 0.01)


def test_bad_input():
    with pytest.raises(ValueError, match="samples have dimension 3 but means have 2"):
        mode_stats(torch.zeros(4, 3), gc.Ring().means, 0.01)
    with pytest.raises(ValueError, match="std must be positive"):
        mode_stats(torch.zeros(4, 2), gc.Ring().means, 0.0)


def test_modes_holding():
    from gancourse.metrics import modes_holding

    ring = gc.Ring()
    samples = np.concatenate([np.repeat(ring.means[2:3], 90, axis=0),  # 90% on mode 2
                              np.repeat(ring.means[5:6], 4, axis=0),  # 4% on mode 5
                              np.zeros((6, 2))])  # 6% in the centre
    assert modes_holding(samples, ring.means) == (2,)
    assert modes_holding(samples, ring.means, share=0.03) == (2, 5)
