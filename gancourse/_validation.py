"""Argument validation shared by the public functions (not graded checks: see grading).

Every check raises ``ValueError`` whose message names the offending argument and says what was
expected, so that a student sees "p has negative entries" instead of a NaN three cells later.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_array",
    "as_probability_vector",
    "as_density_on_grid",
    "as_grid",
    "check_same_shape",
    "check_positive",
    "check_count",
]


def as_array(value, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite float64 array, optionally of a given number of dimensions."""
    if hasattr(value, "detach"):  # a torch tensor, possibly on a GPU
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}") from err
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def as_probability_vector(value, name: str, *, atol: float = 1e-6) -> np.ndarray:
    """A 1-D vector of non-negative numbers that sums to one within ``atol``."""
    p = as_array(value, name, ndim=1)
    if np.any(p < 0):
        raise ValueError(f"{name} has negative entries (smallest {p.min():.3g}); "
                         "a probability vector must be non-negative")
    total = p.sum()
    if abs(total - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1 (got {total:.6g}, tolerance {atol:g})")
    return p


def as_grid(value, name: str = "x") -> np.ndarray:
    """A 1-D, strictly increasing grid with at least two points."""
    x = as_array(value, name, ndim=1)
    if x.size < 2:
        raise ValueError(f"{name} must hold at least 2 grid points, got {x.size}")
    if np.any(np.diff(x) <= 0):
        raise ValueError(f"{name} must be strictly increasing")
    return x


def as_density_on_grid(value, name: str, x: np.ndarray, *, mass_tol: float) -> np.ndarray:
    """Values of a probability density at the grid points ``x``; it must integrate to ~1."""
    p = as_array(value, name, ndim=1)
    if p.shape != x.shape:
        raise ValueError(f"{name} must have one value per grid point: shape {x.shape}, "
                         f"got {p.shape}")
    if np.any(p < 0):
        raise ValueError(f"{name} has negative values (smallest {p.min():.3g}); "
                         "a density must be non-negative")
    mass = np.trapezoid(p, x)
    if abs(mass - 1.0) > mass_tol:
        raise ValueError(f"{name} integrates to {mass:.4g} over the grid, not 1 "
                         f"(tolerance {mass_tol:g}); widen or refine the grid, or normalise")
    return p


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise when two arrays that are compared entry by entry differ in shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, "
                         f"got {a.shape} and {b.shape}")


def check_positive(value, name: str) -> float:
    """A finite, strictly positive real number (a standard deviation, a radius, ...)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def check_count(value, name: str, *, minimum: int = 1) -> int:
    """An integer count of at least ``minimum`` (a sample size, a number of modes, ...)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)
