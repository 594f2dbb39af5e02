"""Gaussian MLE and KL fits against closed forms and scipy."""

import math

import numpy as np
import pytest
from scipy import stats

import gancourse as gc
from gancourse.likelihood import (entropy_on_grid, fit_gaussian_by_kl, gaussian_log_likelihood,
                                  gaussian_mle)

X = np.linspace(-10, 10, 8001)


def test_log_likelihood_matches_scipy(rng):
    x = rng.normal(1, 2, size=500)
    assert gaussian_log_likelihood(x, 0.5, 1.7) == pytest.approx(
        stats.norm.logpdf(x, 0.5, 1.7).mean(), rel=1e-13)


def test_mle_matches_scipy_fit(rng):
    x = rng.normal(-1, 0.5, size=1000)
    loc, scale = stats.norm.fit(x)
    assert gaussian_mle(x) == pytest.approx((loc, scale), rel=1e-10)


def test_entropy_of_gaussian_closed_form():
    sigma = 1.3
    assert entropy_on_grid(stats.norm.pdf(X, 0, sigma), X) == pytest.approx(
        0.5 * math.log(2 * math.pi * math.e * sigma**2), rel=1e-7)


def test_forward_fit_of_a_gaussian_recovers_it_and_reverse_too():
    p = stats.norm.pdf(X, 0.7, 1.4)
    for direction in ("forward", "reverse"):
        mu, sigma = fit_gaussian_by_kl(p, X, direction)
        assert (mu, sigma) == pytest.approx((0.7, 1.4), abs=1e-4)


def test_forward_fit_is_moment_matching_for_a_skewed_mixture():
    mix = gc.GaussianMixture([-1.0, 2.5], [0.5, 1.0], [0.7, 0.3])
    p = mix.pdf(X)
    mean = 0.7 * -1 + 0.3 * 2.5
    var = 0.7 * (0.25 + 1) + 0.3 * (1 + 6.25) - mean**2
    assert fit_gaussian_by_kl(p, X, "forward") == pytest.approx((mean, math.sqrt(var)),
                                                                abs=1e-4)


def test_reverse_fit_picks_the_heavier_mode():
    p = gc.GaussianMixture([-3.0, 3.0], [0.5, 0.5], [0.35, 0.65]).pdf(X)
    mu, sigma = fit_gaussian_by_kl(p, X, "reverse")
    assert mu == pytest.approx(3.0, abs=0.02) and sigma == pytest.approx(0.5, abs=0.02)
    # its reverse KL there is -log(weight of that mode)
    q = stats.norm.pdf(X, mu, sigma)
    assert gc.kl_on_grid(q, p, X) == pytest.approx(-math.log(0.65), abs=1e-3)


def test_bad_input():
    with pytest.raises(ValueError, match="direction must be"):
        fit_gaussian_by_kl(stats.norm.pdf(X), X, "sideways")
    with pytest.raises(ValueError, match="std must be positive"):
        gaussian_log_likelihood([0.0], 0.0, 0.0)
    with pytest.raises(ValueError, match="x needs at least 2 samples"):
        gaussian_mle([1.0])
