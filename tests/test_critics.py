"""Critic diagnostics against closed forms and numpy's SVD."""

import numpy as np
import pytest
import torch
from torch import nn

from scipy import integrate, optimize

import gancourse as gc
from gancourse.critics import (critic_estimate, critic_standard_error, gradient_norms, input_gradients,
                               gradient_penalty_optimum_1d, interpolate_density_1d,
                               penalised_objective_1d, power_iteration, spectral_norms)
from gancourse.losses import gradient_penalty
from gancourse.models import MLPDiscriminator

# Lecture 05's example: the CDFs cross at 0, so the best critic bends there.
P = gc.Gaussian1D(0.0, 1.0)
Q = gc.GaussianMixture([-2.0, 2.0], [0.5, 0.5])
GRID = np.linspace(-7.0, 7.0, 2801)


def test_linear_critic_estimates_the_mean_difference():
    f = nn.Linear(2, 1)
    with torch.no_grad():
        f.weight.copy_(torch.tensor([[0.6, -0.8]]))  # a unit vector: 1-Lipschitz
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(500, 2, generator=gen), torch.randn(300, 2, generator=gen) + 1.0
    expected = float((a.mean(0) - b.mean(0)) @ torch.tensor([0.6, -0.8]))
    assert critic_estimate(f, a, b) == pytest.approx(expected, abs=1e-5)
    np.testing.assert_allclose(gradient_norms(f, a).numpy(), 1.0, atol=1e-6)


def test_gradient_norms_of_a_quadratic():
    class Square(nn.Module):
        def forward(self, x):
            return (x ** 2).sum(1, keepdim=True)

    x = torch.tensor([[3.0, 4.0], [0.0, -1.0]])
    np.testing.assert_allclose(gradient_norms(Square(), x).numpy(), [10.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(input_gradients(Square(), x).numpy(), 2 * x.numpy(), rtol=1e-6)


def test_spectral_norms_match_numpy_and_normalisation_brings_them_to_one():
    torch.manual_seed(0)
    D = MLPDiscriminator(3, (16, 8))
    expected = [np.linalg.svd(m.weight.detach().numpy(), compute_uv=False)[0]
                for m in D.modules() if isinstance(m, nn.Linear)]
    np.testing.assert_allclose(spectral_norms(D), expected, rtol=1e-5)
    torch.manual_seed(0)
    sn = MLPDiscriminator(3, (16, 8), spectral_norm=True)
    for _ in range(30):  # each training-mode forward pass runs one power-iteration step
        sn(torch.randn(4, 3))
    sn.eval()
    norms = spectral_norms(sn)
    assert len(norms) == 3
    np.testing.assert_allclose(norms, 1.0, atol=1e-3)


def test_power_iteration_matches_the_svd():
    gen = torch.Generator().manual_seed(1)
    for shape in ((5, 3), (3, 7), (20, 20)):
        W = torch.randn(*shape, generator=gen, dtype=torch.float64)
        sigma = np.linalg.svd(W.numpy(), compute_uv=False)[0]
        assert power_iteration(W, n_iter=200) == pytest.approx(sigma, rel=1e-6)
    # one iteration is already a lower bound, and it improves with more
    W = torch.randn(30, 30, generator=gen, dtype=torch.float64)
    sigma = np.linalg.svd(W.numpy(), compute_uv=False)[0]
    first, later = power_iteration(W, 1), power_iteration(W, 50)
    assert first <= sigma + 1e-9 and abs(later - sigma) < abs(first - sigma)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="W must be a 2-D"):
        power_iteration(torch.ones(3))
    with pytest.raises(ValueError, match="n_iter"):
        power_iteration(torch.ones(2, 2), n_iter=0)
    with pytest.raises(TypeError, match="x_p must be a torch.Tensor"):
        critic_estimate(nn.Linear(1, 1), np.zeros((2, 1)), torch.zeros(2, 1))
    with pytest.raises(ValueError, match="x must hold at least one sample"):
        gradient_norms(nn.Linear(1, 1), torch.zeros(0, 1))


def test_standard_error_of_a_linear_critic():
    f = nn.Linear(1, 1)
    with torch.no_grad():
        f.weight.fill_(2.0)
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(400, 1, generator=gen), 3 * torch.randn(900, 1, generator=gen)
    expected = 2 * np.sqrt(a.double().var().item() / 400 + b.double().var().item() / 900)
    assert critic_standard_error(f, a, b) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="at least two samples"):
        critic_standard_error(f, a[:1], b)


def test_interpolate_density_matches_sampled_interpolates():
    rho = interpolate_density_1d(P, Q, GRID)
    assert np.trapezoid(rho, GRID) == pytest.approx(1.0, abs=1e-9)
    gen = torch.Generator().manual_seed(0)
    n = 400_000
    eps = torch.rand(n, 1, generator=gen, dtype=torch.float64)
    x_hat = (eps * P.sample(n, seed=1).double() + (1 - eps) * Q.sample(n, seed=2).double())
    counts, edges = np.histogram(x_hat.numpy().ravel(), bins=60, range=(-3, 3))
    centres = (edges[:-1] + edges[1:]) / 2
    expected = np.array([integrate.quad(lambda t: interpolate_density_1d(P, Q, [t])[0], lo, hi)[0]
                         for lo, hi in zip(edges[:-1], edges[1:])])
    sd = np.sqrt(n * expected)  # Poisson counting error
    assert np.all(np.abs(counts - n * expected) < 5 * sd + 1), centres


def test_penalty_by_quadrature_matches_the_sampled_penalty():
    """The penalty of f(x) = x^2 / 2 (slope |x|): quadrature against the training code's."""
    weight = 10.0
    by_quadrature = penalised_objective_1d(GRID, P, Q, weight, GRID)
    gen = torch.Generator().manual_seed(3)
    n = 200_000
    sampled = gradient_penalty(lambda x: x**2 / 2, P.sample(n, seed=4).double(),
                               Q.sample(n, seed=5).double(), weight, generator=gen).item()
    assert by_quadrature["penalty"] == pytest.approx(sampled, rel=0.01)
    # E_P f - E_Q f of x^2 / 2 is (E_P x^2 - E_Q x^2) / 2 = (1 - 4.25) / 2
    assert by_quadrature["estimate"] == pytest.approx((1 - 4.25) / 2, abs=1e-6)


def test_gradient_penalty_optimum_is_the_pointwise_maximum():
    weight = 10.0
    best = gradient_penalty_optimum_1d(P, Q, weight, GRID)
    w1 = integrate.quad(lambda t: abs(Q.cdf([t])[0] - P.cdf([t])[0]), -12, 12, points=[0],
                        limit=200)[0]
    assert best["w1"] == pytest.approx(w1, rel=1e-5)  # trapezoid sums on the grid
    assert best["w1"] < best["estimate"] < 1.1 * best["w1"]  # above W1, by a few per cent
    # at each point the slope maximises v * Delta - weight * rho * (|v| - 1)^2 (SciPy's search)
    rho = interpolate_density_1d(P, Q, GRID)
    delta = Q.cdf(GRID) - P.cdf(GRID)
    for i in range(100, 2800, 300):
        found = optimize.minimize_scalar(
            lambda v: -(v * delta[i] - weight * rho[i] * (abs(v) - 1) ** 2),
            bounds=(-50, 50), method="bounded", options={"xatol": 1e-10})
        assert best["slope"][i] == pytest.approx(found.x, abs=1e-6)
    # any other slope does worse, and a stronger penalty brings the estimate down to W1
    gen = np.random.default_rng(0)
    for _ in range(5):
        other = best["slope"] + 0.1 * gen.standard_normal(GRID.size)
        assert penalised_objective_1d(other, P, Q, weight, GRID)["objective"] < best["objective"]
    stiff = gradient_penalty_optimum_1d(P, Q, 1e4, GRID)
    assert stiff["estimate"] == pytest.approx(best["w1"], rel=1e-3)
    # the critic integrates the slope: E_P f - E_Q f computed from f itself
    f_p = np.trapezoid(best["critic"] * P.pdf(GRID), GRID)
    f_q = np.trapezoid(best["critic"] * Q.pdf(GRID), GRID)
    assert f_p - f_q == pytest.approx(best["estimate"], rel=1e-4)


def test_gradient_penalty_optimum_bad_input():
    with pytest.raises(TypeError, match="P must be a 1-D GaussianMixture"):
        gradient_penalty_optimum_1d(gc.Ring(), Q, 10.0, GRID)
    with pytest.raises(ValueError, match="increasing grid"):
        gradient_penalty_optimum_1d(P, Q, 10.0, GRID[::-1])
    with pytest.raises(ValueError, match="weight"):
        gradient_penalty_optimum_1d(P, Q, 0.0, GRID)
    with pytest.raises(ValueError, match="underflows"):
        gradient_penalty_optimum_1d(P, Q, 10.0, np.linspace(-60, 60, 101))
    with pytest.raises(ValueError, match="slope must have one value per grid point"):
        penalised_objective_1d(np.ones(3), P, Q, 10.0, GRID)
