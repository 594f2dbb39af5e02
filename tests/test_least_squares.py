"""LSGAN in closed form against SciPy quadrature of the definitions."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from gancourse.least_squares import (lsgan_generator_criterion, lsgan_optimal_discriminator,
                                     pearson_chi2_on_grid)

X = np.linspace(-12, 12, 48001)
PD, PG = stats.norm(0, 1), stats.norm(1.5, 0.7)


def test_optimal_discriminator_minimises_the_squared_errors_pointwise():
    p, q = np.array([0.3, 0.0, 0.2, 0.0]), np.array([0.1, 0.4, 0.2, 0.0])
    d = lsgan_optimal_discriminator(p, q, a=-1, b=1)
    for i in range(3):
        found = optimize.minimize_scalar(lambda v: p[i] * (v - 1) ** 2 + q[i] * (v + 1) ** 2)
        assert d[i] == pytest.approx(found.x, abs=1e-6)
    assert d[3] == 0.0  # no mass: the midpoint of the targets


def test_with_minus_one_one_zero_the_criterion_is_pearson_chi2():
    """Mao et al.'s Theorem 1, by quadrature of C(G)'s definition with D*."""
    def c_of_g(t):
        p, q = PD.pdf(t), PG.pdf(t)
        d = (p - q) / (p + q)  # D* for a = -1, b = 1
        return 0.5 * (p + q) * d**2  # c = 0

    reference = integrate.quad(c_of_g, -12, 12, limit=200)[0]
    p, q = PD.pdf(X), PG.pdf(X)
    got = lsgan_generator_criterion(p, q, X, -1, 1, 0)
    assert got == pytest.approx(reference, rel=1e-7)
    chi2 = pearson_chi2_on_grid(2 * q, p + q, X)
    assert 2 * got == pytest.approx(chi2, rel=1e-9)
    assert lsgan_generator_criterion(p, p, X, -1, 1, 0) == pytest.approx(0.0, abs=1e-12)


def test_zero_one_coding_is_not_the_chi2_and_disjoint_supports_give_a_constant():
    p, q = PD.pdf(X), PG.pdf(X)
    zero_one = lsgan_generator_criterion(p, q, X, a=0, b=1, c=1)
    assert abs(2 * zero_one - pearson_chi2_on_grid(2 * q, p + q, X)) > 0.05
    u = np.linspace(-1, 12, 130001)
    for gap in (2.0, 5.0, 9.0):  # two unit boxes further and further apart
        box_p = stats.uniform.pdf(u, 0, 1)
        box_q = stats.uniform.pdf(u, gap, 1)
        assert lsgan_generator_criterion(box_p, box_q, u) == pytest.approx(1.0, abs=1e-3)


def test_pearson_chi2_against_a_closed_form_and_bad_input():
    # chi^2(N(m, 1) || N(0, 1)) = exp(m^2) - 1
    got = pearson_chi2_on_grid(stats.norm.pdf(X, 0.8, 1), stats.norm.pdf(X), X)
    assert got == pytest.approx(math.exp(0.64) - 1, rel=1e-6)
    assert pearson_chi2_on_grid(np.array([0.0, 1.0]), np.array([1.0, 0.0]), [0.0, 1.0]) \
        == math.inf
    with pytest.raises(ValueError, match="a .* and b .* must differ"):
        lsgan_optimal_discriminator([0.5], [0.5], a=1, b=1)
    with pytest.raises(ValueError, match="c must be a finite number"):
        lsgan_generator_criterion([0.5, 0.5], [0.5, 0.5], [0.0, 1.0], c=float("nan"))
    with pytest.raises(ValueError, match="non-negative"):
        pearson_chi2_on_grid([-1.0, 1.0], [1.0, 1.0], [0.0, 1.0])
