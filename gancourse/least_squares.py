"""LSGAN in closed form (Mao et al. 2017, "Least Squares Generative Adversarial Networks").

The discriminator regresses real samples to b and generated ones to a; the generator pushes its
samples towards c:

    min_D  1/2 E_{P_data}[(D(x) - b)^2] + 1/2 E_{P_G}[(D(x) - a)^2]
    min_G  1/2 E_{P_data}[(D(x) - c)^2] + 1/2 E_{P_G}[(D(x) - c)^2]

(the first term of G's objective does not depend on G; it makes the algebra close). Point by
point the optimal discriminator is D*(x) = (b p_data + a p_g) / (p_data + p_g), and against it

    2 C(G) = integral ((b - c)(p_data + p_g) - (b - a) p_g)^2 / (p_data + p_g) dx.

With b - c = 1 and b - a = 2 (say a = -1, b = 1, c = 0) this is

    2 C(G) = integral (p_data - p_g)^2 / (p_data + p_g) dx = chi^2(2 P_G || P_data + P_G),

the Pearson chi^2 divergence of 2 p_g from p_data + p_g (Mao et al.'s Theorem 1; they write
the arguments the other way round). Mao et al.'s condition is sufficient, not necessary:
expanding the square, with integral p_g^2 / (p_data + p_g) = 1/2 + chi^2 / 4, every coding gives

    C(G) = (c - (a + b) / 2)^2 + (b - a)^2 / 8 * chi^2(2 P_G || P_data + P_G),

an increasing affine function of the same divergence. The 0/1 coding of :mod:`gancourse.losses`
(a = 0, b = 1, c = 1) is not chi^2 itself but 1/4 + chi^2 / 8 -- the same minimiser, a
quarter of the slope; the constant vanishes when G aims at the midpoint c = (a + b) / 2
(lecture 09 checks both by quadrature). And on disjoint supports the chi^2 form is constant,
like every f-divergence: (p - q)^2 / (p + q) = p + q wherever one of them is 0, so
2 C(G) = 2 for Mao et al.'s coding.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_grid, check_same_shape
from .theory import _nonnegative

__all__ = ["lsgan_optimal_discriminator", "lsgan_generator_criterion", "pearson_chi2_on_grid"]


def _coding(a, b, c=None) -> tuple[float, ...]:
    values = [a, b] + ([] if c is None else [c])
    names = ["a", "b", "c"]
    out = []
    for name, v in zip(names, values):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
            raise ValueError(f"{name} must be a finite number, got {v!r}")
        out.append(float(v))
    if out[0] == out[1]:
        raise ValueError(f"a (the target for generated samples) and b (for real ones) must "
                         f"differ, got a = b = {a}")
    return tuple(out)


def lsgan_optimal_discriminator(p_data, p_g, a: float = -1.0, b: float = 1.0) -> np.ndarray:
    """D*(x) = (b p_data + a p_g) / (p_data + p_g); (a + b) / 2 where both densities are 0."""
    a, b = _coding(a, b)
    p_data, p_g = _nonnegative(p_data, "p_data"), _nonnegative(p_g, "p_g")
    check_same_shape(p_data, p_g, "p_data", "p_g")
    total = p_data + p_g
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (b * p_data + a * p_g) / total
    return np.where(total > 0, d, (a + b) / 2)


def lsgan_generator_criterion(p_data, p_g, x, a: float = -1.0, b: float = 1.0,
                              c: float = 0.0) -> float:
    """C(G) = 1/2 integral (p_data + p_g) (D*(x) - c)^2 dx by the trapezoid rule on ``x``."""
    a, b, c = _coding(a, b, c)
    x = as_grid(x, "x")
    d = lsgan_optimal_discriminator(p_data, p_g, a, b)
    if d.shape != x.shape:
        raise ValueError(f"p_data and p_g need one value per grid point ({x.size}), got {d.size}")
    total = np.asarray(p_data, dtype=float) + np.asarray(p_g, dtype=float)
    return 0.5 * float(np.trapezoid(total * (d - c) ** 2, x))


def pearson_chi2_on_grid(p, q, x) -> float:
    """Pearson's chi^2(P || Q) = integral (p - q)^2 / q dx on the grid ``x``.

    ``p`` and ``q`` are non-negative (they need not integrate to 1: Mao et al. compare
    2 p_g with p_data + p_g). Returns inf if p > 0 where q = 0.
    """
    x = as_grid(x, "x")
    p, q = _nonnegative(p, "p"), _nonnegative(q, "q")
    check_same_shape(p, q, "p", "q")
    if p.shape != x.shape:
        raise ValueError(f"p and q need one value per grid point ({x.size}), got {p.size}")
    if np.any((q == 0) & (p > 0)):
        return float("inf")
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(q > 0, (p - q) ** 2 / q, 0.0)
    return float(np.trapezoid(terms, x))
