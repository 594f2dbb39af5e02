"""f-divergences and their variational form: the maths of f-GAN (Nowozin et al. 2016).

For a convex f on (0, inf) with f(1) = 0 (the GAN row is the exception: f(1) = -log 4, so that
D_f is the value 2 JS - log 4 of Goodfellow et al.'s game), the f-divergence of P from Q is

    D_f(P || Q) = E_Q f(p(x) / q(x))   (= integral of q f(p / q)).

Its convex conjugate f*(t) = sup_u (u t - f(u)) gives a lower bound for any function T:

    D_f(P || Q) >= E_P T(x) - E_Q f*(T(x)),

with equality at T*(x) = f'(p(x) / q(x)). A discriminator V(x) with a real output becomes T
through an output activation g_f that maps the real line into f*'s domain: T = g_f(V).

:data:`F_DIVERGENCES` holds, for each divergence of Nowozin et al.'s Table 1 and 2 (KL, reverse
KL, Pearson and Neyman chi-squared, squared Hellinger, Jensen-Shannon, the GAN divergence and
total variation), f, f*, the activation g_f, f' (for T*), and f*'s domain. Everything is NumPy
and works elementwise. :func:`f_divergence_on_grid` integrates D_f for densities on a 1-D grid,
:func:`variational_bound_on_grid` the bound for a given T.

Conventions where a ratio is 0 or infinite (disjoint supports): q f(p / q) at q = 0 is
p * lim_{u -> inf} f(u) / u (f's slope at infinity: +inf for KL), and at p = 0 it is q f(0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ._validation import as_density_on_grid, as_grid

__all__ = ["FDivergence", "F_DIVERGENCES", "f_divergence_on_grid", "variational_bound_on_grid",
           "optimal_t_on_grid"]

Array = np.ndarray


Fn = Callable[[torch.Tensor], torch.Tensor]


def _numpy_or_torch(fn: Fn, value):
    """Apply a torch function to a tensor (keeping autograd), or to NumPy input in float64
    (returning NumPy)."""
    if isinstance(value, torch.Tensor):
        return fn(value)
    return fn(torch.as_tensor(np.asarray(value, dtype=float))).numpy()


@dataclass(frozen=True)
class FDivergence:
    """One row of the f-GAN table. Its four functions take NumPy arrays (computed in float64,
    returned as NumPy) or torch tensors (returned as tensors, differentiable)."""

    name: str
    _f: Fn  # the generator function, convex, f(1) = 0 (GAN: -log 4)
    _conjugate: Fn  # f*(t)
    _activation: Fn  # g_f: R -> dom f*
    _derivative: Fn  # f'(u): T*(x) = f'(p(x) / q(x))
    domain: tuple[float, float]  # dom f* = (low, high), with an end where f* is finite there
    f_at_0: float  # f(0) (lim u -> 0+)
    slope_at_inf: float  # lim_{u -> inf} f(u) / u

    def f(self, u):
        return _numpy_or_torch(self._f, u)

    def conjugate(self, t):
        return _numpy_or_torch(self._conjugate, t)

    def activation(self, v):
        return _numpy_or_torch(self._activation, v)

    def derivative(self, u):
        return _numpy_or_torch(self._derivative, u)

    def __repr__(self) -> str:
        return f"FDivergence({self.name!r})"


LOG2 = math.log(2.0)
_softplus = torch.nn.functional.softplus


def _xlogx(u: torch.Tensor) -> torch.Tensor:
    return torch.xlogy(u, u)


F_DIVERGENCES: dict[str, FDivergence] = {
    "kl": FDivergence(
        "Kullback-Leibler", _xlogx, lambda t: torch.exp(t - 1.0), lambda v: v,
        lambda u: 1.0 + torch.log(u),
        domain=(-math.inf, math.inf), f_at_0=0.0, slope_at_inf=math.inf),
    "reverse_kl": FDivergence(
        "reverse Kullback-Leibler", lambda u: -torch.log(u), lambda t: -1.0 - torch.log(-t),
        lambda v: -torch.exp(-v), lambda u: -1.0 / u,
        domain=(-math.inf, 0.0), f_at_0=math.inf, slope_at_inf=0.0),
    "pearson": FDivergence(
        "Pearson chi-squared", lambda u: (u - 1.0) ** 2, lambda t: t ** 2 / 4 + t, lambda v: v,
        lambda u: 2.0 * (u - 1.0),
        domain=(-math.inf, math.inf), f_at_0=1.0, slope_at_inf=math.inf),
    "neyman": FDivergence(
        "Neyman chi-squared", lambda u: (1.0 - u) ** 2 / u,
        lambda t: 2.0 - 2.0 * torch.sqrt(1.0 - t), lambda v: 1.0 - torch.exp(v),
        lambda u: 1.0 - 1.0 / u ** 2,
        domain=(-math.inf, 1.0), f_at_0=math.inf, slope_at_inf=1.0),
    "hellinger": FDivergence(
        "squared Hellinger", lambda u: (torch.sqrt(u) - 1.0) ** 2, lambda t: t / (1.0 - t),
        lambda v: 1.0 - torch.exp(v), lambda u: 1.0 - 1.0 / torch.sqrt(u),
        domain=(-math.inf, 1.0), f_at_0=1.0, slope_at_inf=1.0),
    # Nowozin et al.'s table lists f without the 1/2, whose D_f is 2 JS; here D_f is JS itself
    "jensen_shannon": FDivergence(
        "Jensen-Shannon", lambda u: 0.5 * (_xlogx(u) - 2 * _xlogx((u + 1.0) / 2)),
        lambda t: -0.5 * torch.log(2.0 - torch.exp(2 * t)),
        lambda v: 0.5 * (LOG2 - _softplus(-v)), lambda u: 0.5 * torch.log(2.0 * u / (1.0 + u)),
        domain=(-math.inf, LOG2 / 2), f_at_0=LOG2 / 2, slope_at_inf=LOG2 / 2),
    # f(1) = -log 4, not 0: D_f = 2 JS - log 4, the value of Goodfellow et al.'s game at D*
    "gan": FDivergence(
        "GAN (2 JS - log 4)", lambda u: _xlogx(u) - _xlogx(u + 1.0),
        lambda t: -torch.log(1.0 - torch.exp(t)), lambda v: -_softplus(-v),
        lambda u: torch.log(u / (u + 1.0)),
        domain=(-math.inf, 0.0), f_at_0=0.0, slope_at_inf=0.0),
    "total_variation": FDivergence(
        "total variation", lambda u: 0.5 * torch.abs(u - 1.0), lambda t: t,
        lambda v: 0.5 * torch.tanh(v), lambda u: 0.5 * torch.sign(u - 1.0),
        domain=(-0.5, 0.5), f_at_0=0.5, slope_at_inf=0.5),
}


def _divergence(name: str) -> FDivergence:
    if name not in F_DIVERGENCES:
        raise ValueError(f"name must be one of {', '.join(map(repr, F_DIVERGENCES))}, "
                         f"got {name!r}")
    return F_DIVERGENCES[name]


def _integrand(div: FDivergence, p: Array, q: Array) -> Array:
    """q f(p / q) pointwise, with the conventions at q = 0 and p = 0."""
    both = (p > 0) & (q > 0)
    out = np.zeros_like(p)
    u = np.where(both, p / np.where(q > 0, q, 1.0), 1.0)
    out[both] = (q * div.f(u))[both]
    only_p = (p > 0) & (q == 0)
    out[only_p] = p[only_p] * div.slope_at_inf
    only_q = (q > 0) & (p == 0)
    with np.errstate(invalid="ignore"):
        out[only_q] = q[only_q] * div.f_at_0
    return out


def f_divergence_on_grid(name: str, p, q, x) -> float:
    """D_f(P || Q) for densities ``p`` and ``q`` on a uniform or non-uniform 1-D grid ``x``
    (trapezoidal rule). +inf where the conventions make it so (KL with mass where Q has none).
    """
    div = _divergence(name)
    x = as_grid(x)
    p, q = as_density_on_grid(p, "p", x, mass_tol=1e-2), as_density_on_grid(q, "q", x, mass_tol=1e-2)
    values = _integrand(div, p, q)
    if np.isinf(values).any():
        return math.inf
    return float(np.trapezoid(values, x))


def optimal_t_on_grid(name: str, p, q) -> np.ndarray:
    """T*(x) = f'(p(x) / q(x)) where both densities are positive (NaN elsewhere)."""
    div = _divergence(name)
    p, q = np.asarray(p, float), np.asarray(q, float)
    both = (p > 0) & (q > 0)
    out = np.full(p.shape, np.nan)
    out[both] = div.derivative(p[both] / q[both])
    return out


def variational_bound_on_grid(name: str, t, p, q, x) -> float:
    """E_P T - E_Q f*(T) for values ``t`` of T on the grid ``x`` (trapezoidal rule).

    ``t`` must lie in f*'s domain where Q has mass (feed a discriminator's output through the
    divergence's ``activation`` to make sure); where Q has none, f*(T) does not matter.
    """
    div = _divergence(name)
    x = as_grid(x)
    p, q = as_density_on_grid(p, "p", x, mass_tol=1e-2), as_density_on_grid(q, "q", x, mass_tol=1e-2)
    t = np.asarray(t, dtype=float)
    if t.shape != x.shape:
        raise ValueError(f"t must have one value per grid point, shape {x.shape}, got {t.shape}")
    low, high = div.domain
    inside = (t > low) & (t < high)
    for end in (low, high):  # an end belongs to the domain where f* is finite there
        if math.isfinite(end):
            with np.errstate(divide="ignore", invalid="ignore"):
                finite = bool(np.isfinite(div.conjugate(np.array(end))))
            inside |= (t == end) & finite
    if not np.all(inside | (q == 0)):
        raise ValueError(f"t must lie in the domain of f* for {name!r}, {low} to {high}, "
                         "where q > 0: pass the discriminator's output through the activation")
    fstar = np.zeros_like(t)
    fstar[q > 0] = div.conjugate(t[q > 0])
    return float(np.trapezoid(p * t, x) - np.trapezoid(q * fstar, x))
