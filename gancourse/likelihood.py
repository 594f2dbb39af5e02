"""Maximum likelihood for a Gaussian model, and fitting a Gaussian by forward or reverse KL.

Lecture 01's story: maximising the mean log-likelihood (1/n) sum_i log p_theta(x_i) of samples
x_i ~ P_data is, as n grows, maximising E_{P_data} log p_theta, and

    E_{P_data} log p_theta = -H(P_data) - KL(P_data || P_theta),

so it is the same as minimising the forward KL. Within the Gaussian family the forward-KL
(= maximum-likelihood) fit matches the mean and variance of P_data; the reverse KL
KL(P_theta || P_data) has no closed form and, for a multi-modal P_data, several local minima, one
per mode.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize
from scipy.stats import norm

from ._validation import as_array, as_density_on_grid, as_grid
from .divergences import kl_on_grid

__all__ = ["gaussian_log_likelihood", "gaussian_mle", "fit_gaussian_by_kl", "entropy_on_grid"]


def gaussian_log_likelihood(x, mean: float, std: float) -> float:
    """Mean log-likelihood (1/n) sum_i log N(x_i; mean, std^2) of samples ``x`` of shape (n,)."""
    x = as_array(x, "x", ndim=1)
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}")
    return float(np.mean(-0.5 * ((x - mean) / std) ** 2 - math.log(std)
                         - 0.5 * math.log(2 * math.pi)))


def gaussian_mle(x) -> tuple[float, float]:
    """Closed-form maximum-likelihood (mean, std) of a Gaussian for samples of shape (n,).

    The MLE of the standard deviation divides by n, not n - 1.
    """
    x = as_array(x, "x", ndim=1)
    if x.size < 2:
        raise ValueError(f"x needs at least 2 samples to estimate a spread, got {x.size}")
    return float(x.mean()), float(x.std())


def entropy_on_grid(p, x, *, mass_tol: float = 1e-2) -> float:
    """Differential entropy H(P) = -integral p log p dx of a density sampled on the grid ``x``."""
    x = as_grid(x, "x")
    p = as_density_on_grid(p, "p", x, mass_tol=mass_tol)
    with np.errstate(divide="ignore", invalid="ignore"):
        integrand = np.where(p > 0, -p * np.log(p), 0.0)
    return float(np.trapezoid(integrand, x))


def fit_gaussian_by_kl(p, x, direction: str = "forward", *, starts=None) -> tuple[float, float]:
    """The Gaussian N(mean, std^2) closest to the density ``p`` (sampled on grid ``x``) in KL.

    Args:
        p: density values on the grid, shape (n,).
        x: the grid, shape (n,), strictly increasing; it must hold the fitted Gaussian's mass.
        direction: ``"forward"`` minimises KL(P || N) (mode covering, = maximum likelihood);
            ``"reverse"`` minimises KL(N || P) (mode seeking).
        starts: initial means for the local optimiser (default: 9 points across the grid's
            mass); the best local optimum is returned. Reverse KL has one local optimum per
            well-separated mode, so a single start can miss the global one.

    Returns:
        ``(mean, std)`` of the best fit.
    """
    x = as_grid(x, "x")
    p = as_density_on_grid(p, "p", x, mass_tol=1e-2)
    if direction not in ("forward", "reverse"):
        raise ValueError(f"direction must be 'forward' or 'reverse', got {direction!r}")
    mean0 = float(np.trapezoid(x * p, x))
    std0 = math.sqrt(max(float(np.trapezoid((x - mean0) ** 2 * p, x)), 1e-12))
    if starts is None:
        cdf = np.cumsum(p) / p.sum()
        starts = np.interp(np.linspace(0.05, 0.95, 9), cdf, x)
    floor = 1e-300  # keeps log q finite where the candidate's tail underflows

    def objective(theta):
        q = norm.pdf(x, theta[0], math.exp(theta[1])) + floor
        return kl_on_grid(p, q, x, mass_tol=1.0) if direction == "forward" else \
            kl_on_grid(q, p + floor, x, mass_tol=1.0)

    best = None
    for m0 in starts:
        res = minimize(objective, x0=[m0, math.log(std0 / 2)], method="Nelder-Mead",
                       options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 4000})
        if best is None or res.fun < best.fun:
            best = res
    return float(best.x[0]), float(math.exp(best.x[1]))
