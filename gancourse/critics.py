"""Looking inside a Wasserstein critic: its W1 estimate, its slopes, its layers' spectral norms.

Kantorovich-Rubinstein duality says W1(P, Q) = max over 1-Lipschitz f of E_P f - E_Q f. A
critic network f trained to maximise E_P f - E_Q f therefore estimates W1 -- but only if it is
kept (close to) 1-Lipschitz. These helpers measure how well it is kept:

* :func:`critic_estimate` -- E_P f - E_Q f on samples (the critic's W1 estimate);
* :func:`input_gradients`, :func:`gradient_norms` -- grad f(x) and ||grad f(x)|| at given
  points: the local slopes; the largest norm is a lower bound on f's Lipschitz constant;
* :func:`spectral_norms` -- the largest singular value of every linear layer's weight (with
  spectral normalisation applied, as the layer uses it);
* :func:`power_iteration` -- the estimate of the largest singular value that spectral
  normalisation refreshes at every step (Miyato et al. 2018, Algorithm 1);
* :func:`critic_standard_error` -- the sampling error of :func:`critic_estimate`.

On the line the gradient penalty's own optimum can be written down, which tells how far a
WGAN-GP critic's estimate overshoots W1. The penalised objective

    E_P f - E_Q f - lam * E[(|f'(x_hat)| - 1)^2],   x_hat = eps X + (1 - eps) Y,

becomes, after integrating by parts (E_P f - E_Q f = int f'(t) (F_Q(t) - F_P(t)) dt), an
integral in which each point t only sees f'(t):

    int [ f'(t) Delta(t) - lam rho(t) (|f'(t)| - 1)^2 ] dt,   Delta = F_Q - F_P,

with rho the density of the interpolates x_hat. Maximising point by point gives the optimal
slope f'(t) = sign(Delta) (1 + |Delta| / (2 lam rho)) and the estimate
W1 + int Delta^2 / (2 lam rho) dt: above W1 wherever mass must cross and interpolates are few
(:func:`interpolate_density_1d`, :func:`penalised_objective_1d`,
:func:`gradient_penalty_optimum_1d`). Gulrajani et al. (2017), "Improved Training of
Wasserstein GANs", define the penalty; the pointwise optimum is this course's derivation.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._validation import as_array, check_positive

__all__ = ["critic_estimate", "critic_standard_error", "input_gradients", "gradient_norms",
           "spectral_norms", "power_iteration", "interpolate_density_1d", "penalised_objective_1d",
           "gradient_penalty_optimum_1d"]


def _tensor(x, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (n, ...), got {type(x).__name__}")
    if x.dim() < 1 or x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {tuple(x.shape)}")
    return x


@torch.no_grad()
def critic_estimate(critic: nn.Module, x_p: torch.Tensor, x_q: torch.Tensor) -> float:
    """The critic's estimate of W1(P, Q): mean f(x_p) - mean f(x_q).

    Use fresh samples, not the ones the critic was trained on, to avoid an optimistic value.
    """
    x_p, x_q = _tensor(x_p, "x_p"), _tensor(x_q, "x_q")
    return float(critic(x_p).mean() - critic(x_q).mean())


@torch.no_grad()
def critic_standard_error(critic: nn.Module, x_p: torch.Tensor, x_q: torch.Tensor) -> float:
    """Standard error of :func:`critic_estimate` from the two independent samples:
    sqrt(var f(x_p) / n_p + var f(x_q) / n_q)."""
    x_p, x_q = _tensor(x_p, "x_p"), _tensor(x_q, "x_q")
    f_p, f_q = critic(x_p).double().ravel(), critic(x_q).double().ravel()
    if len(f_p) < 2 or len(f_q) < 2:
        raise ValueError("x_p and x_q need at least two samples each for a standard error")
    return float(torch.sqrt(f_p.var() / len(f_p) + f_q.var() / len(f_q)))


def input_gradients(critic: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """grad_x f(x) for every sample of ``x`` (shape (n, ...)), same shape as ``x``.

    For a critic on the line (``x`` of shape (n, 1)) these are its signed slopes.
    """
    x = _tensor(x, "x").detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x)
    return grad.detach()


def gradient_norms(critic: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """||grad_x f(x)||_2 for every sample of ``x`` (shape (n, ...)), as a tensor of shape (n,)."""
    grad = input_gradients(critic, x)
    return grad.reshape(len(grad), -1).norm(dim=1)


@torch.no_grad()
def spectral_norms(module: nn.Module) -> list[float]:
    """Largest singular value of the weight of every ``nn.Linear`` in ``module``, in order.

    With ``torch.nn.utils.parametrizations.spectral_norm`` the weight read here is the
    normalised one the layer computes with, so the values are close to 1 after training.
    """
    return [float(torch.linalg.matrix_norm(layer.weight, ord=2))
            for layer in module.modules() if isinstance(layer, nn.Linear)]


def power_iteration(W: torch.Tensor, n_iter: int = 20, seed: int = 0) -> float:
    """Estimate the largest singular value of a matrix by power iteration.

    Alternate u <- W v / ||W v|| and v <- W^T u / ||W^T u|| from a random start; then
    sigma ~= u^T W v. Spectral normalisation runs one such step per training step, reusing u.

    Args:
        W: a 2-D tensor of shape (m, n).
        n_iter: number of iterations (>= 1).
        seed: seeds the random starting vector.
    """
    if not isinstance(W, torch.Tensor) or W.dim() != 2:
        raise ValueError(f"W must be a 2-D torch.Tensor, got "
                         f"{tuple(W.shape) if isinstance(W, torch.Tensor) else type(W).__name__}")
    if not (isinstance(n_iter, int) and n_iter >= 1):
        raise ValueError(f"n_iter must be an integer >= 1, got {n_iter!r}")
    W = W.detach()
    gen = torch.Generator().manual_seed(seed)
    v = torch.randn(W.shape[1], generator=gen, dtype=W.dtype).to(W.device)
    v = v / v.norm()
    for _ in range(n_iter):
        u = W @ v
        u = u / u.norm().clamp_min(1e-12)
        v = W.T @ u
        v = v / v.norm().clamp_min(1e-12)
    return float(u @ W @ v)


def _mixture_1d(dist, name: str):
    means, stds, weights = (getattr(dist, a, None) for a in ("means", "stds", "weights"))
    if means is None or stds is None or weights is None or getattr(dist, "dim", None) != 1:
        raise TypeError(f"{name} must be a 1-D GaussianMixture (or Gaussian1D), got {dist!r}")
    return means[:, 0], stds, weights


def _grid(x) -> np.ndarray:
    x = as_array(x, "x", ndim=1)
    if x.size < 3 or np.any(np.diff(x) <= 0):
        raise ValueError("x must be an increasing grid of at least 3 points")
    return x


def interpolate_density_1d(P, Q, x, *, n_nodes: int = 200) -> np.ndarray:
    """Density at ``x`` of x_hat = eps X + (1 - eps) Y, X ~ P, Y ~ Q, eps ~ U[0, 1] independent.

    These are the points where WGAN-GP evaluates its penalty (P real, Q generated). For fixed
    eps, x_hat is a Gaussian mixture with components N(eps mu_i + (1 - eps) nu_j,
    eps^2 s_i^2 + (1 - eps)^2 t_j^2); the average over eps is a Gauss-Legendre sum.

    Args:
        P, Q: 1-D :class:`~gancourse.distributions.GaussianMixture` (or ``Gaussian1D``).
        x: points, shape (n,).
        n_nodes: quadrature nodes in eps.
    """
    (mu, s, w), (nu, t, v) = _mixture_1d(P, "P"), _mixture_1d(Q, "Q")
    x = as_array(x, "x", ndim=1)
    nodes, node_weights = np.polynomial.legendre.leggauss(n_nodes)
    eps, node_weights = (nodes + 1) / 2, node_weights / 2  # from [-1, 1] to [0, 1]
    e = eps[:, None, None]  # (nodes, i, j)
    mean = e * mu[None, :, None] + (1 - e) * nu[None, None, :]
    var = e**2 * s[None, :, None] ** 2 + (1 - e) ** 2 * t[None, None, :] ** 2
    mix = (w[:, None] * v[None, :])[None]  # (1, i, j)
    z = (x[:, None, None, None] - mean[None]) ** 2 / var[None]  # (n, nodes, i, j)
    dens = (mix[None] * np.exp(-0.5 * z) / np.sqrt(2 * np.pi * var[None])).sum(axis=(2, 3))
    return dens @ node_weights


def penalised_objective_1d(slope, P, Q, gp_weight: float, x) -> dict[str, float]:
    """The gradient-penalised critic objective of a critic with slope ``slope`` on the grid ``x``.

    Returns ``{"estimate": int f' (F_Q - F_P), "penalty": gp_weight * int rho (|f'| - 1)^2,
    "objective": estimate - penalty}`` (trapezoid sums; the grid must cover P and Q). The
    estimate equals E_P f - E_Q f for any f with that slope.
    """
    x = _grid(x)
    slope = as_array(slope, "slope", ndim=1)
    if slope.shape != x.shape:
        raise ValueError(f"slope must have one value per grid point ({x.size}), got {slope.size}")
    gp_weight = check_positive(gp_weight, "gp_weight")
    rho = interpolate_density_1d(P, Q, x)  # checks P and Q first
    delta = Q.cdf(x) - P.cdf(x)
    estimate = float(np.trapezoid(slope * delta, x))
    penalty = gp_weight * float(np.trapezoid(rho * (np.abs(slope) - 1) ** 2, x))
    return {"estimate": estimate, "penalty": penalty, "objective": estimate - penalty}


def gradient_penalty_optimum_1d(P, Q, gp_weight: float, x) -> dict:
    """The best gradient-penalised critic between 1-D Gaussian mixtures (over all functions).

    Point by point, f'(t) = sign(Delta(t)) (1 + |Delta(t)| / (2 gp_weight rho(t))) with
    Delta = F_Q - F_P and rho the density of the interpolates (see the module docstring).

    Args:
        P: the real distribution, Q: the generated one (1-D Gaussian mixtures).
        gp_weight: the penalty's lambda (> 0).
        x: increasing grid covering both distributions; the interpolates must have a density
            there (rho > 0), so keep it within a dozen standard deviations.

    Returns:
        ``{"x", "slope", "critic" (f on x, f(x[0]) = 0), "w1", "estimate", "penalty",
        "objective"}``: ``estimate`` = E_P f - E_Q f = W1 + int Delta^2 / (2 gp_weight rho).
    """
    x = _grid(x)
    gp_weight = check_positive(gp_weight, "gp_weight")
    rho = interpolate_density_1d(P, Q, x)  # checks P and Q first
    delta = Q.cdf(x) - P.cdf(x)
    if np.any(rho <= 0):
        raise ValueError("x reaches points where the interpolates' density underflows to 0; "
                         "use a grid closer to the two distributions")
    slope = np.sign(delta) * (1 + np.abs(delta) / (2 * gp_weight * rho))
    critic = np.concatenate([[0.0], np.cumsum((slope[1:] + slope[:-1]) / 2 * np.diff(x))])
    out = {"x": x, "slope": slope, "critic": critic,
           "w1": float(np.trapezoid(np.abs(delta), x))}
    out.update(penalised_objective_1d(slope, P, Q, gp_weight, x))
    return out
