"""The f-GAN table against independent references: each conjugate against a numerical
supremum, each divergence against a closed form or SciPy, the variational bound below the
divergence for other T and equal to it at T*, and the values on disjoint supports."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from scipy.spatial.distance import jensenshannon

from gancourse.divergences import kl_gaussian
from gancourse.fdivergences import (F_DIVERGENCES, f_divergence_on_grid, optimal_t_on_grid,
                                    variational_bound_on_grid)

X = np.linspace(-14, 14, 28001)


def normal(mean, std):
    return stats.norm.pdf(X, mean, std)


def numerical_conjugate(f, t):
    """sup over u > 0 of u t - f(u), by a bounded scalar search on log u."""
    res = optimize.minimize_scalar(lambda s: -(math.exp(s) * t - float(f(np.exp(s)))),
                                   bounds=(-30, 12), method="bounded",
                                   options={"xatol": 1e-12})
    return -res.fun


@pytest.mark.parametrize("name", list(F_DIVERGENCES))
def test_each_conjugate_is_the_supremum(name):
    div = F_DIVERGENCES[name]
    want_at_1 = -math.log(4) if name == "gan" else 0.0  # D_GAN = 2 JS - log 4
    assert float(div.f(np.array(1.0))) == pytest.approx(want_at_1, abs=1e-15)
    low, high = div.domain
    # (f-GAN extends Pearson's f = (u - 1)^2 to the real line; over u > 0 the supremum is
    # t^2/4 + t only where it is attained at u = 1 + t/2 > 0, that is for t > -2)
    low_t = -1.95 if name == "pearson" else max(low, -3.0) + 0.05
    ts = np.linspace(low_t, min(high, 3.0) - 0.05, 9)
    for t in ts:
        assert float(div.conjugate(np.array(t))) == pytest.approx(
            numerical_conjugate(div.f, t), abs=1e-6), (name, t)
    # the activation maps the real line into the domain, and T* = f'(u) solves the sup at u
    v = np.linspace(-20, 20, 81)
    g = div.activation(v)
    assert np.all(g >= low) and np.all(g <= high)
    for u in (0.3, 1.0, 2.5):
        t = float(div.derivative(np.array(u)))
        if low < t < high:  # total variation: f' sits on the domain's edge
            assert u * t - float(div.f(np.array(u))) == pytest.approx(
                float(div.conjugate(np.array(t))), abs=1e-9)


def test_divergences_match_closed_forms_and_scipy():
    p, q = normal(0.0, 1.0), normal(1.0, 1.5)
    assert f_divergence_on_grid("kl", p, q, X) == pytest.approx(kl_gaussian(0, 1, 1, 1.5),
                                                                 rel=1e-8)
    assert f_divergence_on_grid("reverse_kl", p, q, X) == pytest.approx(
        kl_gaussian(1, 1.5, 0, 1), rel=1e-8)
    same_var = normal(0.7, 1.0)
    assert f_divergence_on_grid("pearson", same_var, p, X) == pytest.approx(
        math.exp(0.7 ** 2) - 1, rel=1e-8)
    assert f_divergence_on_grid("neyman", p, same_var, X) == pytest.approx(
        math.exp(0.7 ** 2) - 1, rel=1e-8)
    bc = math.sqrt(2 * 1.0 * 1.5 / (1 + 1.5 ** 2)) * math.exp(-1 / (4 * (1 + 1.5 ** 2)))
    assert f_divergence_on_grid("hellinger", p, q, X) == pytest.approx(2 - 2 * bc, rel=1e-8)
    pm, qm = p / p.sum(), q / q.sum()
    js = jensenshannon(pm, qm) ** 2
    assert f_divergence_on_grid("jensen_shannon", p, q, X) == pytest.approx(js, rel=1e-6)
    assert f_divergence_on_grid("gan", p, q, X) == pytest.approx(2 * js - math.log(4), rel=1e-6)
    tv = integrate.quad(lambda x: abs(stats.norm.pdf(x) - stats.norm.pdf(x, 1, 1.5)), -14, 14,
                        points=[0.0, 2.0], limit=200)[0] / 2
    assert f_divergence_on_grid("total_variation", p, q, X) == pytest.approx(tv, rel=1e-6)


@pytest.mark.parametrize("name", list(F_DIVERGENCES))
def test_the_bound_is_below_and_tight_at_t_star(name):
    div = F_DIVERGENCES[name]
    p, q = normal(0.0, 1.0), normal(0.8, 1.2)
    true = f_divergence_on_grid(name, p, q, X)
    best = optimal_t_on_grid(name, p, q)
    assert variational_bound_on_grid(name, best, p, q, X) == pytest.approx(true, rel=1e-7)
    rng = np.random.default_rng(0)
    for _ in range(5):  # smooth random critics, through the activation
        a, b, c = rng.normal(size=3)
        t = div.activation(a + b * X / 4 + c * np.sin(X))
        assert variational_bound_on_grid(name, t, p, q, X) <= true + 1e-9


def test_disjoint_supports_give_constants():
    def uniform(start):
        box = np.where((X >= start) & (X <= start + 1), 1.0, 0.0)
        return box / np.trapezoid(box, X)

    want = {"kl": math.inf, "reverse_kl": math.inf, "pearson": math.inf, "neyman": math.inf,
            "hellinger": 2.0, "jensen_shannon": math.log(2), "gan": 0.0,
            "total_variation": 1.0}
    for shift in (2.0, 5.0, 9.0):
        p, q = uniform(-3.0), uniform(-3.0 + shift)
        for name, value in want.items():
            got = f_divergence_on_grid(name, p, q, X)
            assert got == pytest.approx(value, abs=1e-9), (name, shift)


def test_bad_input_names_the_argument():
    p = normal(0, 1)
    with pytest.raises(ValueError, match="name must be one of"):
        f_divergence_on_grid("wasserstein", p, p, X)
    with pytest.raises(ValueError, match="t must lie in the domain"):
        variational_bound_on_grid("gan", np.ones_like(X), p, p, X)
    with pytest.raises(ValueError, match="t must have one value per grid point"):
        variational_bound_on_grid("kl", np.ones(3), p, p, X)
