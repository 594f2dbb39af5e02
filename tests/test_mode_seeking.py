"""The 1-D objectives of lecture 04 against closed forms and SciPy."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

import gancourse as gc
from gancourse.mode_seeking import GaussianOnGrid, descend, numerical_gradient

X = np.linspace(-10, 10, 8001)


def test_numerical_gradient_of_a_quadratic():
    f = lambda th: 3 * th[0] ** 2 - 2 * th[0] * th[1] + th[1] ** 3
    got = numerical_gradient(f, np.array([1.0, 2.0]))
    np.testing.assert_allclose(got, [6 - 4, -2 + 12], rtol=1e-8)
    with pytest.raises(ValueError, match="h must be a positive"):
        numerical_gradient(f, [1.0, 2.0], h=0)


def test_forward_kl_against_the_closed_form_and_its_minimum():
    wide = np.linspace(-25, 25, 20001)  # P = N(1, 2^2) has tails the grid must hold
    fit = GaussianOnGrid(stats.norm.pdf(wide, 1.0, 2.0), wide)
    theta = np.array([0.3, math.log(1.5)])
    assert fit.forward_kl(theta) == pytest.approx(gc.kl_gaussian(1.0, 2.0, 0.3, 1.5), rel=1e-6)
    # maximum likelihood of a Gaussian matches the mixture's mean and standard deviation
    mix = gc.GaussianMixture([-2.0, 2.0], [0.5, 0.5])
    fit = GaussianOnGrid(mix.pdf(X), X)
    mu, log_s = descend(fit.forward_kl, [0.5, 0.0], lr=0.1, steps=300)
    assert mu == pytest.approx(0.0, abs=1e-3) and math.exp(log_s) == pytest.approx(
        math.sqrt(4.25), abs=1e-3)


def test_mode_seeking_and_nonsaturating_against_scipy_quadrature():
    mix = gc.GaussianMixture([-2.0, 2.0], [0.5, 0.5])
    fit = GaussianOnGrid(mix.pdf(X), X)
    theta = np.array([0.5, math.log(1.2)])
    p = lambda t: stats.norm.pdf(t, 0.5, 1.2)
    q = lambda t: mix.pdf([t])[0]
    rkl = integrate.quad(lambda t: p(t) * math.log(p(t) / q(t)), -10, 10, limit=200)[0]

    def js_terms(t):
        m = 0.5 * (p(t) + q(t))
        return 0.5 * p(t) * math.log(p(t) / m) + 0.5 * q(t) * math.log(q(t) / m)

    jsd = integrate.quad(js_terms, -10, 10, limit=200)[0]
    assert fit.mode_seeking(theta) == pytest.approx(rkl - 2 * jsd, rel=1e-5)
    d = np.full(X.shape, 0.25)
    assert fit.nonsaturating(theta, d) == pytest.approx(-math.log(0.25), rel=1e-6)
    with pytest.raises(ValueError, match="theta must be"):
        fit.density([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="d needs one value per grid point"):
        fit.nonsaturating(theta, d[:5])


def test_minimax_against_d_star_follows_the_jsd():
    """The minimax objective: 2 JSD - log 4 by SciPy quadrature, and against D* held fixed
    its gradient is that of 2 JSD (the envelope theorem: V(D*, G) = 2 JSD - log 4)."""
    mix = gc.GaussianMixture([-2.0, 2.0], [0.5, 0.5])
    fit = GaussianOnGrid(mix.pdf(X), X)
    theta = np.array([0.5, math.log(1.2)])
    p = lambda t: stats.norm.pdf(t, 0.5, 1.2)
    q = lambda t: mix.pdf([t])[0]

    def js_terms(t):
        m = 0.5 * (p(t) + q(t))
        return 0.5 * p(t) * math.log(p(t) / m) + 0.5 * q(t) * math.log(q(t) / m)

    jsd = integrate.quad(js_terms, -10, 10, limit=200)[0]
    assert fit.jsd(theta) == pytest.approx(2 * jsd - math.log(4), rel=1e-6)
    assert fit.minimax(theta, np.full(X.shape, 0.75)) == pytest.approx(math.log(0.25), rel=1e-6)
    d_star = gc.optimal_discriminator(fit.p_data, fit.density(theta))
    np.testing.assert_allclose(numerical_gradient(lambda th: fit.minimax(th, d_star), theta),
                               numerical_gradient(fit.jsd, theta), rtol=1e-4, atol=1e-8)
    with pytest.raises(ValueError, match="d needs one value per grid point"):
        fit.minimax(theta, np.ones(3))
