"""Toy distributions: the data sets of lectures 01-06, with samplers and (where defined) densities.

Conventions, the same for every class:

* ``sample(n, seed=None, device=None)`` returns a ``torch.Tensor`` of shape ``(n, dim)`` and dtype
  float32 -- what a model eats. ``seed`` is an ``int`` (a fresh generator, so the same seed gives
  the same points), a ``torch.Generator`` (its stream continues) or ``None`` (torch's global
  generator). Points are drawn on the CPU and then moved to ``device``, so the numbers do not
  depend on the device.
* ``pdf(x)`` and ``log_pdf(x)`` take an array-like of shape ``(n, dim)`` (or ``(n,)`` when
  ``dim == 1``) and return a NumPy float64 array of shape ``(n,)`` -- what quadrature eats.
  Distributions without a density in their space (a line in the plane) raise
  ``NotImplementedError`` with a reason.

The 2-D benchmarks follow PacGAN (Lin et al., 2018, section 5), whose definitions VEEGAN
(Srivastava et al., 2017) also uses for its metrics: the ring has 8 modes at angles 2*pi*k/8 on
a circle of radius 1 with standard deviation 0.01; the grid has 25 modes at
{-4, -2, 0, 2, 4}^2 with standard deviation 0.05. Note that building the ring with
``linspace(0, 2*pi, 8)`` (as some public code does) repeats the first angle and gives only 7
distinct modes; :class:`Ring` uses ``2*pi*k/n_modes`` for k = 0..n_modes-1.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy.special import logsumexp, ndtr

from ._validation import as_array, as_probability_vector, check_count, check_positive
from .seeding import Seed, torch_generator

__all__ = [
    "Distribution",
    "GaussianMixture",
    "Gaussian1D",
    "Uniform1D",
    "Ring",
    "Grid",
    "ParallelLine",
    "SwissRoll",
]


class Distribution:
    """Base class: a distribution over R^dim that can be sampled."""

    dim: int = 1

    def sample(self, n: int, seed: Seed = None, device: torch.device | str | None = None
               ) -> torch.Tensor:
        """Draw ``n`` points; returns a float32 tensor of shape ``(n, dim)`` on ``device``."""
        n = check_count(n, "n")
        x = self._sample(n, torch_generator(seed))
        return x if device is None else x.to(device)

    def _sample(self, n: int, gen: torch.Generator | None) -> torch.Tensor:
        raise NotImplementedError

    def log_pdf(self, x) -> np.ndarray:
        """Log-density at the points ``x`` (shape ``(n, dim)``); returns shape ``(n,)``."""
        raise NotImplementedError(f"{type(self).__name__} has no density on R^{self.dim}")

    def pdf(self, x) -> np.ndarray:
        """Density at the points ``x`` (shape ``(n, dim)``); returns shape ``(n,)``."""
        return np.exp(self.log_pdf(x))

    def _points(self, x) -> np.ndarray:
        """``x`` as an ``(n, dim)`` float64 array; 1-D inputs are accepted when ``dim == 1``."""
        arr = as_array(x, "x")
        if self.dim == 1 and arr.ndim <= 1:
            return arr.reshape(-1, 1)
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise ValueError(f"x must have shape (n, {self.dim}) for {type(self).__name__}, "
                             f"got {arr.shape}")
        return arr


class GaussianMixture(Distribution):
    """A mixture of isotropic Gaussians: sum_k w_k N(mu_k, sigma_k^2 I).

    Args:
        means: component means, shape ``(K, dim)``, or ``(K,)`` for a 1-D mixture.
        stds: one standard deviation per component, shape ``(K,)``, or a single number.
        weights: mixing weights, shape ``(K,)``, summing to one; uniform when omitted.
    """

    def __init__(self, means, stds, weights=None):
        means = as_array(means, "means")
        if means.ndim == 1:
            means = means[:, None]
        if means.ndim != 2:
            raise ValueError(f"means must have shape (K, dim) or (K,), got {means.shape}")
        k = means.shape[0]
        stds = as_array(stds, "stds")
        stds = np.broadcast_to(stds, (k,)).copy() if stds.ndim == 0 else stds
        if stds.shape != (k,):
            raise ValueError(f"stds must hold one value per component ({k}), got {stds.shape}")
        if np.any(stds <= 0):
            raise ValueError("stds must be positive")
        if weights is None:
            weights = np.full(k, 1.0 / k)
        weights = as_probability_vector(weights, "weights")
        if weights.shape != (k,):
            raise ValueError(f"weights must hold one value per component ({k}), "
                             f"got {weights.shape}")
        self.means, self.stds, self.weights = means, stds, weights
        self.dim = means.shape[1]

    @property
    def n_modes(self) -> int:
        """Number of components K."""
        return self.means.shape[0]

    def sample_with_labels(self, n: int, seed: Seed = None,
                           device: torch.device | str | None = None
                           ) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw ``n`` points and the index of the component each came from.

        Returns ``(x, y)``: ``x`` float32 of shape ``(n, dim)``, ``y`` int64 of shape ``(n,)``.
        """
        n = check_count(n, "n")
        gen = torch_generator(seed)
        y = torch.multinomial(torch.as_tensor(self.weights), n, replacement=True, generator=gen)
        noise = torch.randn(n, self.dim, generator=gen, dtype=torch.float64)
        means = torch.as_tensor(self.means)[y]
        stds = torch.as_tensor(self.stds)[y, None]
        x = (means + stds * noise).float()
        if device is not None:
            x, y = x.to(device), y.to(device)
        return x, y

    def _sample(self, n, gen):
        return self.sample_with_labels(n, gen)[0]

    def log_pdf(self, x) -> np.ndarray:
        pts = self._points(x)  # (n, dim)
        sq = ((pts[:, None, :] - self.means[None, :, :]) ** 2).sum(-1)  # (n, K)
        var = self.stds**2
        log_comp = -0.5 * sq / var - 0.5 * self.dim * np.log(2 * np.pi * var)
        with np.errstate(divide="ignore"):  # a zero weight contributes log 0 = -inf, which is right
            return logsumexp(log_comp + np.log(self.weights), axis=1)

    def cdf(self, x) -> np.ndarray:
        """P(X <= x) at each point of ``x``, for a 1-D mixture: sum_k w_k Phi((x - mu_k) / s_k)."""
        if self.dim != 1:
            raise ValueError(f"cdf is defined for a 1-D mixture, this one has dim={self.dim}")
        pts = self._points(x)  # (n, 1)
        return (ndtr((pts - self.means[:, 0]) / self.stds) * self.weights).sum(axis=1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(K={self.n_modes}, dim={self.dim})"


class Gaussian1D(GaussianMixture):
    """The normal distribution N(mean, std^2) on the real line."""

    def __init__(self, mean: float = 0.0, std: float = 1.0):
        self.mean = float(as_array(mean, "mean", ndim=0))
        self.std = check_positive(std, "std")
        super().__init__([self.mean], [self.std])

    def __repr__(self) -> str:
        return f"Gaussian1D(mean={self.mean:g}, std={self.std:g})"


class Uniform1D(Distribution):
    """The uniform distribution on the interval [low, high]."""

    def __init__(self, low: float = 0.0, high: float = 1.0):
        self.low = float(as_array(low, "low", ndim=0))
        self.high = float(as_array(high, "high", ndim=0))
        if not self.high > self.low:
            raise ValueError(f"high must be greater than low, got low={low}, high={high}")
        self.dim = 1

    def _sample(self, n, gen):
        u = torch.rand(n, 1, generator=gen, dtype=torch.float64)
        return (self.low + (self.high - self.low) * u).float()

    def log_pdf(self, x) -> np.ndarray:
        pts = self._points(x)[:, 0]
        inside = (pts >= self.low) & (pts <= self.high)
        return np.where(inside, -math.log(self.high - self.low), -np.inf)

    def __repr__(self) -> str:
        return f"Uniform1D(low={self.low:g}, high={self.high:g})"


class Ring(GaussianMixture):
    """``n_modes`` Gaussians equally spaced on a circle.

    PacGAN's 2D-ring: 8 modes, radius 1, std 0.01 (the defaults).
    """

    def __init__(self, n_modes: int = 8, radius: float = 1.0, std: float = 0.01):
        n_modes = check_count(n_modes, "n_modes")
        self.radius = check_positive(radius, "radius")
        angles = 2 * np.pi * np.arange(n_modes) / n_modes  # not linspace(0, 2pi, n): see module doc
        means = self.radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        super().__init__(means, check_positive(std, "std"))

    def __repr__(self) -> str:
        return f"Ring(n_modes={self.n_modes}, radius={self.radius:g}, std={self.stds[0]:g})"


class Grid(GaussianMixture):
    """Gaussians on a square grid centred at the origin.

    PacGAN's 2D-grid: 5 x 5 modes, spacing 2, std 0.05 (the defaults).
    """

    def __init__(self, n_per_side: int = 5, spacing: float = 2.0, std: float = 0.05):
        n_per_side = check_count(n_per_side, "n_per_side")
        self.spacing = check_positive(spacing, "spacing")
        coords = (np.arange(n_per_side) - (n_per_side - 1) / 2) * self.spacing
        gx, gy = np.meshgrid(coords, coords, indexing="ij")
        means = np.stack([gx.ravel(), gy.ravel()], axis=1)
        super().__init__(means, check_positive(std, "std"))

    def __repr__(self) -> str:
        side = int(round(math.sqrt(self.n_modes)))
        return f"Grid(n_per_side={side}, spacing={self.spacing:g}, std={self.stds[0]:g})"


class ParallelLine(Distribution):
    """The point (theta, Z) with Z ~ U[0, 1]: a vertical segment in the plane at x = theta.

    Arjovsky et al. (2017, Example 1) compare P_0 = ParallelLine(0) with P_theta =
    ParallelLine(theta): for theta != 0 the two never overlap, so JS = log 2 and KL = +inf,
    while W1 = |theta|. The distribution lives on a line, so it has no density on R^2.
    """

    def __init__(self, theta: float = 0.0):
        self.theta = float(as_array(theta, "theta", ndim=0))
        self.dim = 2

    def _sample(self, n, gen):
        z = torch.rand(n, 1, generator=gen, dtype=torch.float64)
        return torch.cat([torch.full_like(z, self.theta), z], dim=1).float()

    def log_pdf(self, x):
        raise NotImplementedError("ParallelLine lives on a line segment and has no density on "
                                  "R^2; sample it, or use the closed forms in its docstring")

    def __repr__(self) -> str:
        return f"ParallelLine(theta={self.theta:g})"


class SwissRoll(Distribution):
    """The 2-D swiss roll: t * (cos t, sin t) * scale plus Gaussian noise, t ~ U[1.5 pi, 4.5 pi].

    The parametrisation is scikit-learn's ``make_swiss_roll`` projected on the plane; with the
    default ``scale=0.25`` the roll fits in about [-3.5, 3.5]^2. It has no closed-form density.
    """

    def __init__(self, noise: float = 0.05, scale: float = 0.25):
        self.noise = float(as_array(noise, "noise", ndim=0))
        if self.noise < 0:
            raise ValueError(f"noise must be non-negative, got {noise}")
        self.scale = check_positive(scale, "scale")
        self.dim = 2

    def _sample(self, n, gen):
        t = 1.5 * math.pi * (1 + 2 * torch.rand(n, 1, generator=gen, dtype=torch.float64))
        x = torch.cat([t * torch.cos(t), t * torch.sin(t)], dim=1) * self.scale
        x = x + self.noise * torch.randn(n, 2, generator=gen, dtype=torch.float64)
        return x.float()

    def __repr__(self) -> str:
        return f"SwissRoll(noise={self.noise:g}, scale={self.scale:g})"
