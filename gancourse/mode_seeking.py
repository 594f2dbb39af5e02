"""What the non-saturating generator minimises, on a line (lecture 04).

Arjovsky & Bottou (2017, Theorem 2.5): against the optimal discriminator D* of the current
generator P_theta0, the gradient of the non-saturating loss E_{x ~ P_theta}[-log D*(x)] at
theta0 equals that of KL(P_theta || P_data) - 2 JSD(P_data || P_theta): the reverse, mode-seeking
KL of lecture 01, with the JSD entering with a minus sign. The minimax loss
E_{x ~ P_theta}[log(1 - D*(x))] follows 2 JSD(P_data || P_theta) instead (Goodfellow et al.
2014), which from the same starts spreads over both modes of a two-mode P_data.

:class:`GaussianOnGrid` holds a fixed P_data on a grid and a Gaussian P_theta with
theta = (mu, log s), and computes each objective; :func:`numerical_gradient` and
:func:`descend` follow them by central differences, so that the identity and the two fits
(mode-seeking against maximum likelihood, and the JSD) can be checked without deriving anything by hand.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy.stats import norm

from ._validation import as_array, as_density_on_grid, as_grid, check_positive
from .divergences import js_on_grid, kl_on_grid

__all__ = ["GaussianOnGrid", "numerical_gradient", "descend"]

Objective = Callable[[np.ndarray], float]


def _theta(theta) -> np.ndarray:
    theta = as_array(theta, "theta", ndim=1)
    if theta.shape != (2,):
        raise ValueError(f"theta must be (mu, log s), two numbers, got shape {theta.shape}")
    return theta


class GaussianOnGrid:
    """P_theta = N(mu, s^2), theta = (mu, log s), against a fixed P_data, on the grid ``x``.

    Args:
        p_data: the data density at the grid points, shape (n,).
        x: increasing grid, shape (n,), covering both distributions.
    """

    def __init__(self, p_data, x):
        self.x = as_grid(x, "x")
        self.p_data = as_density_on_grid(p_data, "p_data", self.x, mass_tol=1e-2)

    def density(self, theta) -> np.ndarray:
        """p_theta at the grid points."""
        mu, log_s = _theta(theta)
        return norm.pdf(self.x, mu, math.exp(log_s))

    def forward_kl(self, theta) -> float:
        """KL(P_data || P_theta): what maximum likelihood minimises (lecture 01)."""
        return kl_on_grid(self.p_data, self.density(theta) + 1e-300, self.x)

    def mode_seeking(self, theta) -> float:
        """KL(P_theta || P_data) - 2 JSD(P_data || P_theta) (Theorem 2.5's objective)."""
        p = self.density(theta)
        return kl_on_grid(p, self.p_data + 1e-300, self.x) - 2 * js_on_grid(self.p_data, p, self.x)

    def jsd(self, theta) -> float:
        """2 JSD(P_data || P_theta) - log 4: what the minimax generator minimises against D*
        (Goodfellow et al. 2014, Theorem 1)."""
        return 2 * js_on_grid(self.p_data, self.density(theta), self.x) - math.log(4)

    def minimax(self, theta, d) -> float:
        """E_{x ~ P_theta}[log(1 - d(x))], the minimax generator's loss, for a fixed ``d``."""
        d = self._d(d)
        return float(np.trapezoid(self.density(theta) * np.log(np.clip(1 - d, 1e-300, 1.0)),
                                  self.x))

    def _d(self, d) -> np.ndarray:
        d = as_array(d, "d", ndim=1)
        if d.shape != self.x.shape:
            raise ValueError(f"d needs one value per grid point ({self.x.size}), got {d.size}")
        return d

    def nonsaturating(self, theta, d) -> float:
        """E_{x ~ P_theta}[-log d(x)] for a fixed discriminator ``d`` on the grid."""
        d = self._d(d)
        return float(np.trapezoid(self.density(theta) * -np.log(np.clip(d, 1e-300, 1.0)),
                                  self.x))


def numerical_gradient(f: Objective, theta, h: float = 1e-5) -> np.ndarray:
    """The gradient of ``f`` at ``theta`` by central differences of step ``h``."""
    theta = as_array(theta, "theta", ndim=1)
    h = check_positive(h, "h")
    return np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h)
                     for e in np.eye(theta.size)])


def descend(f: Objective, theta, *, lr: float = 0.1, steps: int = 300) -> np.ndarray:
    """``steps`` plain gradient steps of size ``lr`` down ``f`` from ``theta``."""
    theta = as_array(theta, "theta", ndim=1).copy()
    lr = check_positive(lr, "lr")
    for _ in range(steps):
        theta = theta - lr * numerical_gradient(f, theta)
    return theta
