"""KL and Jensen-Shannon divergences, in nats (natural logarithm).

Two settings, the same conventions in both:

* discrete distributions -- probability vectors ``p`` and ``q`` of equal length;
* densities evaluated on a 1-D grid ``x`` -- integrated with the trapezoidal rule.

Conventions: 0 * log(0 / q) = 0; p * log(p / 0) = +inf for p > 0, so KL(P || Q) = +inf when P puts
mass where Q has none. JS(P || Q) = KL(P || M) / 2 + KL(Q || M) / 2 with M = (P + Q) / 2 is
always finite, symmetric, and lies in [0, log 2]; it equals log 2 exactly when the supports are
disjoint. Note that ``scipy.spatial.distance.jensenshannon`` returns the square root of JS.

Closed forms for Gaussians are at the end: :func:`kl_gaussian` (1-D) and :func:`kl_mvn`.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import (as_array, as_density_on_grid, as_grid, as_probability_vector,
                      check_same_shape)

__all__ = [
    "kl",
    "reverse_kl",
    "js",
    "kl_on_grid",
    "reverse_kl_on_grid",
    "js_on_grid",
    "kl_gaussian",
    "kl_mvn",
]

LOG2 = math.log(2.0)


def _kl_terms(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Pointwise p * log(p / q) with 0 log 0 = 0 and p log(p / 0) = +inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = p * (np.log(p) - np.log(q))
    return np.where(p > 0, terms, 0.0)


def _js_terms(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    m = 0.5 * (p + q)
    return 0.5 * _kl_terms(p, m) + 0.5 * _kl_terms(q, m)


def _pair(p, q, atol: float) -> tuple[np.ndarray, np.ndarray]:
    p = as_probability_vector(p, "p", atol=atol)
    q = as_probability_vector(q, "q", atol=atol)
    check_same_shape(p, q, "p", "q")
    return p, q


def kl(p, q, *, atol: float = 1e-6) -> float:
    """KL(P || Q) = sum_i p_i log(p_i / q_i) for probability vectors ``p``, ``q`` of shape (n,).

    Returns a float in [0, +inf]. Raises ``ValueError`` for vectors that are not probability
    vectors (negative, NaN, not summing to 1 within ``atol``) or differ in shape.
    """
    p, q = _pair(p, q, atol)
    return max(float(np.sum(_kl_terms(p, q))), 0.0)  # rounding can give -1e-17


def reverse_kl(p, q, *, atol: float = 1e-6) -> float:
    """KL(Q || P): the "reverse" KL, from the model's side when ``q`` is the model."""
    return kl(q, p, atol=atol)


def js(p, q, *, atol: float = 1e-6) -> float:
    """Jensen-Shannon divergence JS(P || Q) for probability vectors, in [0, log 2]."""
    p, q = _pair(p, q, atol)
    return float(np.clip(np.sum(_js_terms(p, q)), 0.0, LOG2))


def _grid_pair(p, q, x, mass_tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = as_grid(x, "x")
    p = as_density_on_grid(p, "p", x, mass_tol=mass_tol)
    q = as_density_on_grid(q, "q", x, mass_tol=mass_tol)
    return p, q, x


def kl_on_grid(p, q, x, *, mass_tol: float = 1e-2) -> float:
    """KL(P || Q) = integral p log(p / q) dx for densities ``p``, ``q`` sampled on the grid ``x``.

    All three arrays have shape (n,); ``x`` is strictly increasing. Each density must integrate
    to 1 within ``mass_tol`` over the grid (a check that the grid covers the mass). Returns
    +inf when p > 0 at a grid point where q = 0.
    """
    p, q, x = _grid_pair(p, q, x, mass_tol)
    terms = _kl_terms(p, q)
    if np.isinf(terms).any():
        return math.inf
    return max(float(np.trapezoid(terms, x)), 0.0)


def reverse_kl_on_grid(p, q, x, *, mass_tol: float = 1e-2) -> float:
    """KL(Q || P) for densities on a grid; see :func:`kl_on_grid`."""
    return kl_on_grid(q, p, x, mass_tol=mass_tol)


def js_on_grid(p, q, x, *, mass_tol: float = 1e-2) -> float:
    """JS(P || Q) for densities ``p``, ``q`` sampled on the grid ``x``; clipped to [0, log 2]."""
    p, q, x = _grid_pair(p, q, x, mass_tol)
    return float(np.clip(np.trapezoid(_js_terms(p, q), x), 0.0, LOG2))


def kl_gaussian(mean_p, std_p, mean_q, std_q):
    """KL(N(mean_p, std_p^2) || N(mean_q, std_q^2)) in closed form; broadcasts over arrays.

        KL = log(std_q / std_p) + (std_p^2 + (mean_p - mean_q)^2) / (2 std_q^2) - 1/2
    """
    mean_p, mean_q = as_array(mean_p, "mean_p"), as_array(mean_q, "mean_q")
    std_p, std_q = as_array(std_p, "std_p"), as_array(std_q, "std_q")
    for name, s in (("std_p", std_p), ("std_q", std_q)):
        if np.any(s <= 0):
            raise ValueError(f"{name} must be positive")
    out = (np.log(std_q / std_p) + (std_p**2 + (mean_p - mean_q) ** 2) / (2 * std_q**2) - 0.5)
    return float(out) if out.ndim == 0 else out


def kl_mvn(mean_p, cov_p, mean_q, cov_q) -> float:
    """KL(N(mean_p, cov_p) || N(mean_q, cov_q)) for d-dimensional Gaussians.

    Means have shape (d,), covariances (d, d) symmetric positive definite:

        KL = [tr(cov_q^-1 cov_p) + (mq - mp)^T cov_q^-1 (mq - mp) - d
              + log det cov_q - log det cov_p] / 2
    """
    mp, mq = as_array(mean_p, "mean_p", ndim=1), as_array(mean_q, "mean_q", ndim=1)
    cp, cq = as_array(cov_p, "cov_p", ndim=2), as_array(cov_q, "cov_q", ndim=2)
    d = mp.shape[0]
    for name, arr, shape in (("mean_q", mq, (d,)), ("cov_p", cp, (d, d)), ("cov_q", cq, (d, d))):
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    chol = {}
    for name, c in (("cov_p", cp), ("cov_q", cq)):
        try:
            chol[name] = np.linalg.cholesky(c)
        except np.linalg.LinAlgError as err:
            raise ValueError(f"{name} must be symmetric positive definite") from err
    cq_inv = np.linalg.inv(cq)
    diff = mq - mp
    logdet_p = 2 * np.log(np.diag(chol["cov_p"])).sum()
    logdet_q = 2 * np.log(np.diag(chol["cov_q"])).sum()
    return float(0.5 * (np.trace(cq_inv @ cp) + diff @ cq_inv @ diff - d + logdet_q - logdet_p))
