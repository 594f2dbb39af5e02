"""The GAN game in closed form (Goodfellow et al., 2014, section 4).

    V(G, D) = E_{x ~ P_data}[log D(x)] + E_{z ~ p_z}[log(1 - D(G(z)))]
            = integral p_data(x) log D(x) + p_g(x) log(1 - D(x)) dx

For a fixed generator, a log D + b log(1 - D) is maximised at D = a / (a + b), hence the optimal
discriminator D*(x) = p_data(x) / (p_data(x) + p_g(x)), and

    C(G) = max_D V(G, D) = -log 4 + 2 JS(P_data || P_G),

which is minimal, -log 4, exactly when P_G = P_data.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_array, as_grid, check_same_shape
from .divergences import js_on_grid

__all__ = [
    "optimal_discriminator",
    "value_function",
    "value_function_from_logits",
    "value_on_grid",
    "generator_criterion",
]

LOG4 = math.log(4.0)


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_g), pointwise; shapes (n,) -> (n,), values in [0, 1].

    Where both densities are zero, D* is not determined (no sample ever lands there) and this
    function returns 1/2, the value of an undecided discriminator.
    """
    p_data = _nonnegative(p_data, "p_data")
    p_g = _nonnegative(p_g, "p_g")
    check_same_shape(p_data, p_g, "p_data", "p_g")
    total = p_data + p_g
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, p_data / total, 0.5)


def value_function(d_real, d_fake) -> float:
    """Monte-Carlo V(G, D) = mean log D(x_real) + mean log(1 - D(x_fake)).

    Args:
        d_real: discriminator probabilities on real samples, shape (m,), in [0, 1].
        d_fake: discriminator probabilities on generated samples, shape (m',), in [0, 1].

    A discriminator that outputs exactly 0 on a real sample (or 1 on a fake one) gives -inf:
    that is the true value. Prefer :func:`value_function_from_logits` for trained networks.
    """
    d_real = as_array(d_real, "d_real", ndim=1)
    d_fake = as_array(d_fake, "d_fake", ndim=1)
    for name, d in (("d_real", d_real), ("d_fake", d_fake)):
        if np.any((d < 0) | (d > 1)):
            raise ValueError(f"{name} must hold probabilities in [0, 1]; "
                             "pass logits to value_function_from_logits instead")
    with np.errstate(divide="ignore"):
        return float(np.mean(np.log(d_real)) + np.mean(np.log1p(-d_fake)))


def value_function_from_logits(logits_real, logits_fake) -> float:
    """V(G, D) from discriminator logits l, with D = sigmoid(l), computed without overflow.

    log sigmoid(l) = -softplus(-l) and log(1 - sigmoid(l)) = -softplus(l).
    """
    lr = as_array(logits_real, "logits_real", ndim=1)
    lf = as_array(logits_fake, "logits_fake", ndim=1)
    return float(-np.mean(np.logaddexp(0.0, -lr)) - np.mean(np.logaddexp(0.0, lf)))


def value_on_grid(p_data, p_g, d, x) -> float:
    """V(G, D) = integral p_data log D + p_g log(1 - D) dx on the grid ``x`` (trapezoidal rule).

    ``p_data``, ``p_g`` (densities) and ``d`` (discriminator probabilities) all have the shape of
    ``x``, (n,). Terms with zero density contribute 0 whatever D is there.

    D is clipped to [1e-300, 1 - 2**-53] before taking logs. Far in a tail, where p_g is a
    million-millionth of p_data, the exact D* is 1 - 1e-17, which rounds to 1.0 in float64;
    unclipped, that tiny tail would contribute p_g * log 0 = -inf instead of about 0.
    """
    x = as_grid(x, "x")
    p_data, p_g = _nonnegative(p_data, "p_data"), _nonnegative(p_g, "p_g")
    d = as_array(d, "d", ndim=1)
    for name, arr in (("p_data", p_data), ("p_g", p_g), ("d", d)):
        check_same_shape(arr, x, name, "x")
    if np.any((d < 0) | (d > 1)):
        raise ValueError("d must hold probabilities in [0, 1]")
    d = np.clip(d, 1e-300, 1.0 - 2.0**-53)
    integrand = (np.where(p_data > 0, p_data * np.log(d), 0.0)
                 + np.where(p_g > 0, p_g * np.log1p(-d), 0.0))
    return float(np.trapezoid(integrand, x))


def generator_criterion(p_data, p_g, x, *, mass_tol: float = 1e-2) -> float:
    """C(G) = max_D V(G, D) = -log 4 + 2 JS(P_data || P_G) for densities on the grid ``x``."""
    return -LOG4 + 2.0 * js_on_grid(p_data, p_g, x, mass_tol=mass_tol)


def _nonnegative(value, name: str) -> np.ndarray:
    arr = as_array(value, name, ndim=1)
    if np.any(arr < 0):
        raise ValueError(f"{name} has negative values; a density must be non-negative")
    return arr
