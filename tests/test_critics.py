"""Critic diagnostics against closed forms and numpy's SVD."""

import numpy as np
import pytest
import torch
from torch import nn

from gancourse.critics import critic_estimate, gradient_norms, power_iteration, spectral_norms
from gancourse.models import MLPDiscriminator


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
