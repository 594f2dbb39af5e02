"""D*, V(G, D) and C(G) against quadrature and the closed-form identities."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

import gancourse as gc

LOG4 = math.log(4)
X = np.linspace(-12, 12, 24001)


def test_optimal_discriminator_values_and_range(rng):
    a, b = rng.random(100), rng.random(100)
    d = gc.optimal_discriminator(a, b)
    np.testing.assert_allclose(d, a / (a + b), rtol=1e-15)
    assert d.min() >= 0 and d.max() <= 1
    np.testing.assert_array_equal(gc.optimal_discriminator([1.0, 0.0, 0.0], [0.0, 2.0, 0.0]),
                                  [1.0, 0.0, 0.5])


def test_optimal_discriminator_maximises_the_pointwise_objective(rng):
    # a log D + b log(1 - D) on a fine grid of D peaks at a / (a + b)
    grid = np.linspace(1e-4, 1 - 1e-4, 99999)
    for a, b in rng.random((5, 2)):
        best = grid[np.argmax(a * np.log(grid) + b * np.log1p(-grid))]
        assert best == pytest.approx(gc.optimal_discriminator([a], [b])[0], abs=1e-4)


def test_criterion_is_minus_log4_iff_equal():
    p = stats.norm.pdf(X, 0.5, 1.3)
    assert gc.generator_criterion(p, p, X) == pytest.approx(-LOG4, abs=1e-12)
    q = stats.norm.pdf(X, 0.9, 1.3)
    assert gc.generator_criterion(p, q, X) > -LOG4 + 1e-3


def test_value_at_optimal_d_equals_criterion_by_quadrature():
    pd, pg = stats.norm(0, 1), stats.norm(2, 0.8)

    def integrand(t):  # V(G, D*) written out independently
        a, b = pd.pdf(t), pg.pdf(t)
        return a * math.log(a / (a + b)) + b * math.log(b / (a + b))

    reference, _ = integrate.quad(integrand, -12, 12, limit=200)
    p, q = pd.pdf(X), pg.pdf(X)
    assert gc.value_on_grid(p, q, gc.optimal_discriminator(p, q), X) == pytest.approx(
        reference, abs=1e-6)
    assert gc.generator_criterion(p, q, X) == pytest.approx(reference, abs=1e-6)


def test_any_other_discriminator_scores_lower():
    p, q = stats.norm.pdf(X, 0, 1), stats.norm.pdf(X, 1, 1)
    best = gc.value_on_grid(p, q, gc.optimal_discriminator(p, q), X)
    for d in (np.full_like(X, 0.5), stats.norm.cdf(-X), gc.optimal_discriminator(p, q) ** 2):
        assert gc.value_on_grid(p, q, d, X) < best


def test_constant_half_discriminator_gives_minus_log4():
    p, q = stats.norm.pdf(X, 0, 1), stats.norm.pdf(X, 3, 1)
    assert gc.value_on_grid(p, q, np.full_like(X, 0.5), X) == pytest.approx(-LOG4, abs=1e-8)


def test_monte_carlo_value_matches_grid_value(rng):
    pd, pg = stats.norm(0, 1), stats.norm(1, 1.5)
    d_of = lambda t: gc.optimal_discriminator(pd.pdf(t), pg.pdf(t))  # noqa: E731
    x_real, x_fake = pd.rvs(200_000, random_state=rng), pg.rvs(200_000, random_state=rng)
    mc = gc.value_function(d_of(x_real), d_of(x_fake))
    exact = gc.value_on_grid(pd.pdf(X), pg.pdf(X), d_of(X), X)
    assert mc == pytest.approx(exact, abs=1e-2)


def test_logits_and_probabilities_agree(rng):
    lr, lf = rng.normal(size=50) * 3, rng.normal(size=50) * 3
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    assert gc.value_function_from_logits(lr, lf) == pytest.approx(
        gc.value_function(sig(lr), sig(lf)), rel=1e-12)
    # large logits do not overflow
    assert np.isfinite(gc.value_function_from_logits([800.0], [-800.0]))


def test_bad_input_raises():
    with pytest.raises(ValueError, match="d_real must hold probabilities"):
        gc.value_function([1.5], [0.5])
    with pytest.raises(ValueError, match="p_g has negative values"):
        gc.optimal_discriminator([0.5], [-0.5])
    with pytest.raises(ValueError, match="p_data and p_g must have the same shape"):
        gc.optimal_discriminator([0.5, 0.5], [0.5])
    with pytest.raises(ValueError, match="d must hold probabilities"):
        gc.value_on_grid(np.ones(3) / 2, np.ones(3) / 2, [0.5, 2.0, 0.5], [0.0, 1.0, 2.0])
