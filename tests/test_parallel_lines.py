"""The parallel-lines example: closed forms, and agreement with samples."""

import math

import numpy as np
import pytest
import torch
from scipy import stats

import gancourse as gc
from gancourse.models import LineGenerator
from gancourse.parallel_lines import parallel_lines_divergences


def test_without_noise_only_w1_sees_the_distance():
    for theta in (-2.0, 0.01, 1.0):
        d = parallel_lines_divergences(theta)
        assert d == {"js": math.log(2), "kl": math.inf, "w1": abs(theta)}
    assert parallel_lines_divergences(0.0) == {"js": 0.0, "kl": 0.0, "w1": 0.0}


def test_histograms_of_samples_agree():
    # Discretise the plane into cells of width 0.05: disjoint columns give JS = log 2 exactly.
    a = gc.ParallelLine(0.0).sample(5000, seed=1).numpy()
    b = gc.ParallelLine(0.5).sample(5000, seed=2).numpy()
    bins = [np.arange(-1, 1.5, 0.05), np.linspace(0, 1, 11)]
    ha = np.histogram2d(a[:, 0], a[:, 1], bins=bins)[0].ravel()
    hb = np.histogram2d(b[:, 0], b[:, 1], bins=bins)[0].ravel()
    assert gc.js(ha / ha.sum(), hb / hb.sum()) == pytest.approx(math.log(2), abs=1e-12)
    assert gc.kl(ha / ha.sum(), hb / hb.sum()) == math.inf
    assert gc.w1_point_clouds(a[:1000], b[:1000]) == pytest.approx(0.5, abs=0.05)


def test_with_noise_js_matches_scipy_and_kl_closed_form():
    theta, s = 0.7, 0.3
    d = parallel_lines_divergences(theta, s)
    x = np.linspace(-5, 5, 20001)
    p, q = stats.norm.pdf(x, 0, s), stats.norm.pdf(x, theta, s)
    m = 0.5 * (p + q)
    ref = 0.5 * np.trapezoid(p * np.log(p / m) + q * np.log(q / m), x)
    assert d["js"] == pytest.approx(ref, rel=1e-6)
    assert d["kl"] == pytest.approx(theta**2 / (2 * s**2))
    assert 0 < d["js"] < math.log(2)
    # W1 with noise, computed from the densities: |theta| (a translate), against samples too
    assert d["w1"] == pytest.approx(theta, abs=1e-6)
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, s, 4000), rng.normal(theta, s, 4000)
    assert stats.wasserstein_distance(a, b) == pytest.approx(theta, abs=0.03)


def test_noise_makes_js_smooth_and_increasing():
    js = [parallel_lines_divergences(t, 0.2)["js"] for t in np.linspace(0, 1, 11)]
    assert js[0] == pytest.approx(0.0, abs=1e-12) and np.all(np.diff(js) > 0)


def test_line_generator_samples_the_line():
    G = LineGenerator(0.3)
    x = G(torch.randn(20000, 1, generator=torch.Generator().manual_seed(0))).detach().numpy()
    assert np.all(x[:, 0] == np.float32(0.3))
    assert stats.kstest(x[:, 1], "uniform").pvalue > 1e-3


def test_bad_arguments():
    with pytest.raises(ValueError, match="noise_std must be >= 0"):
        parallel_lines_divergences(1.0, -0.1)
    with pytest.raises(ValueError, match="theta must be a finite number"):
        parallel_lines_divergences(float("nan"))
    with pytest.raises(ValueError, match=r"z must have shape \(B, 1\)"):
        LineGenerator()(torch.zeros(3, 2))


def test_train_shift_records_theta_and_respects_options():
    from gancourse.parallel_lines import train_shift

    thetas, trainer = train_shift(1.0, steps=5, pretrain_d=3, loss="lsgan")
    assert len(thetas) == 6 and thetas[0] == 1.0
    assert trainer.config.loss == "lsgan" and trainer.config.k_steps == 5
    assert thetas[-1] == pytest.approx(float(trainer.G.theta.detach()))
