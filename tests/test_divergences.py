"""KL and JS against scipy, closed forms and hand computations."""

import math

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.spatial.distance import jensenshannon

import gancourse as gc
from conftest import random_prob

LOG2 = math.log(2)


def test_kl_matches_scipy_entropy(rng):
    for n in (2, 5, 40):
        p, q = random_prob(rng, n), random_prob(rng, n)
        assert gc.kl(p, q) == pytest.approx(stats.entropy(p, q), rel=1e-12)
        assert gc.reverse_kl(p, q) == pytest.approx(stats.entropy(q, p), rel=1e-12)


def test_kl_hand_computed():
    # KL([1/2, 1/2] || [1/4, 3/4]) = 1/2 log 2 + 1/2 log(2/3)
    expected = 0.5 * math.log(2) + 0.5 * math.log(2 / 3)
    assert gc.kl([0.5, 0.5], [0.25, 0.75]) == pytest.approx(expected, rel=1e-14)


def test_kl_zero_conventions():
    # 0 log 0 = 0: mass that P does not have costs nothing
    assert gc.kl([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))
    # P has mass where Q has none: +inf
    assert gc.kl([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert gc.kl([0.3, 0.7], [0.3, 0.7]) == 0.0


def test_js_matches_scipy_squared(rng):
    # scipy returns the Jensen-Shannon *distance*, the square root of the divergence
    for zeros in (0, 3):
        p, q = random_prob(rng, 12, zeros=zeros), random_prob(rng, 12, zeros=zeros)
        assert gc.js(p, q) == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-10)


def test_js_properties(rng):
    for _ in range(20):
        p, q = random_prob(rng, 7, zeros=2), random_prob(rng, 7, zeros=2)
        assert gc.js(p, q) == pytest.approx(gc.js(q, p), abs=1e-15)
        assert 0.0 <= gc.js(p, q) <= LOG2
    assert gc.js([0.2, 0.8], [0.2, 0.8]) == 0.0
    # disjoint supports: exactly log 2, however the masses are spread
    assert gc.js([0.5, 0.5, 0, 0], [0, 0, 0.1, 0.9]) == pytest.approx(LOG2, abs=1e-15)


def test_kl_on_grid_matches_gaussian_closed_form():
    x = np.linspace(-15, 15, 30001)
    p, q = stats.norm.pdf(x, 0.3, 1.2), stats.norm.pdf(x, -1.0, 2.0)
    closed = gc.kl_gaussian(0.3, 1.2, -1.0, 2.0)
    assert gc.kl_on_grid(p, q, x) == pytest.approx(closed, rel=1e-6)
    assert gc.reverse_kl_on_grid(p, q, x) == pytest.approx(gc.kl_gaussian(-1.0, 2.0, 0.3, 1.2),
                                                           rel=1e-6)


def test_js_on_grid_matches_quad():
    a, b = stats.norm(0, 1), stats.norm(1.5, 0.7)

    def integrand(t):
        pa, pb = a.pdf(t), b.pdf(t)
        m = 0.5 * (pa + pb)
        return 0.5 * pa * math.log(pa / m) + 0.5 * pb * math.log(pb / m)

    reference, _ = integrate.quad(integrand, -12, 12, limit=200)
    x = np.linspace(-12, 12, 24001)
    assert gc.js_on_grid(a.pdf(x), b.pdf(x), x) == pytest.approx(reference, rel=1e-6)


def test_grid_disjoint_supports_give_log2_and_inf():
    x = np.linspace(-1, 4, 5001)
    p = stats.uniform.pdf(x, 0, 1)
    q = stats.uniform.pdf(x, 2, 1)
    assert gc.js_on_grid(p, q, x) == pytest.approx(LOG2, abs=2e-3)
    assert gc.kl_on_grid(p, q, x) == math.inf


def test_kl_gaussian_broadcasts_and_is_zero_at_equality():
    mus = np.linspace(-2, 2, 5)
    out = gc.kl_gaussian(mus, 1.0, 0.0, 1.0)
    np.testing.assert_allclose(out, mus**2 / 2, rtol=1e-14)
    assert gc.kl_gaussian(1.0, 2.0, 1.0, 2.0) == 0.0


def test_kl_mvn_matches_1d_and_monte_carlo(rng):
    assert gc.kl_mvn([0.3], [[1.44]], [-1.0], [[4.0]]) == pytest.approx(
        gc.kl_gaussian(0.3, 1.2, -1.0, 2.0), rel=1e-12)
    mp, mq = np.array([0.0, 1.0]), np.array([0.5, -0.5])
    cp = np.array([[1.0, 0.3], [0.3, 0.5]])
    cq = np.array([[2.0, -0.2], [-0.2, 1.0]])
    x = rng.multivariate_normal(mp, cp, size=400_000)
    mc = np.mean(stats.multivariate_normal(mp, cp).logpdf(x)
                 - stats.multivariate_normal(mq, cq).logpdf(x))
    assert gc.kl_mvn(mp, cp, mq, cq) == pytest.approx(mc, abs=1e-2)


@pytest.mark.parametrize("p, q, match", [
    ([0.5, -0.1, 0.6], [0.3, 0.3, 0.4], "p has negative entries"),
    ([0.5, 0.5], [0.3, np.nan], "q contains NaN"),
    ([0.5, 0.6], [0.5, 0.5], "p must sum to 1"),
    ([0.5, 0.5], [0.2, 0.3, 0.5], "same shape"),
    ([[0.5, 0.5]], [[0.5, 0.5]], "p must be 1-dimensional"),
    ([], [], "p must not be empty"),
    ("abc", [1.0], "p must be an array of numbers"),
])
def test_bad_probability_vectors_raise(p, q, match):
    for fn in (gc.kl, gc.js, gc.reverse_kl):
        with pytest.raises(ValueError, match=match if fn is not gc.reverse_kl else None):
            fn(p, q)


def test_bad_grids_raise():
    x = np.linspace(0, 1, 11)
    ok = np.ones(11)
    with pytest.raises(ValueError, match="x must be strictly increasing"):
        gc.js_on_grid(ok, ok, x[::-1])
    with pytest.raises(ValueError, match="p must have one value per grid point"):
        gc.kl_on_grid(np.ones(10), ok, x)
    with pytest.raises(ValueError, match="q integrates to 2"):
        gc.kl_on_grid(ok, 2 * ok, x)
    with pytest.raises(ValueError, match="std_q must be positive"):
        gc.kl_gaussian(0, 1, 0, 0)
    with pytest.raises(ValueError, match="cov_q must be symmetric positive definite"):
        gc.kl_mvn([0, 0], np.eye(2), [0, 0], -np.eye(2))
