"""Walking a generator's latent space: paths between codes and measures along them.

* :func:`interpolate` -- points on the straight line (``"linear"``) or the great circle
  (``"spherical"``, White 2016) between two latent codes. Spherical paths keep the norm of a
  Gaussian code near sqrt(d), where nearly all of N(0, I_d)'s mass lies; the midpoint of a
  straight line between two independent codes has norm about sqrt(d / 2).
* :func:`step_lengths` -- how far consecutive images (or their features) move along a path;
  a smooth path makes many small steps, none large.
* :func:`label_switches` -- how often a judge's label changes along a path.
* :func:`attribute_direction` -- averaged-z arithmetic (Radford et al. 2015): the mean code of
  the samples that have most of an attribute minus the mean code of those that have least;
  adding it to a new code should add the attribute;
* :func:`ink` -- the ink of a digit image: the sum of its pixels mapped from [-1, 1] to [0, 1],
  the "stroke thickness" attribute that averaged-z arithmetic transfers;
* :func:`truncated_normal` -- latent codes for the truncation trick (Brock et al. 2019): each
  coordinate drawn from N(0, 1) conditioned on |z_i| <= psi, so that samples come from where
  the generator was trained most.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["interpolate", "step_lengths", "label_switches", "attribute_direction", "ink",
           "truncated_normal"]


def interpolate(z0: torch.Tensor, z1: torch.Tensor, n: int, kind: str = "linear"
                ) -> torch.Tensor:
    """n codes from z0 to z1 (both ends included): (d,) and (d,) -> (n, d)."""
    z0, z1 = torch.as_tensor(z0, dtype=torch.float32), torch.as_tensor(z1, dtype=torch.float32)
    if z0.dim() != 1 or z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must be vectors of one length, got {tuple(z0.shape)} and "
                         f"{tuple(z1.shape)}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an integer >= 2 (the two ends), got {n!r}")
    t = torch.linspace(0, 1, n)[:, None]
    if kind == "linear":
        return (1 - t) * z0 + t * z1
    if kind != "spherical":
        raise ValueError(f"kind must be 'linear' or 'spherical', got {kind!r}")
    cos = torch.dot(z0, z1) / (z0.norm() * z1.norm())
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    if omega < 1e-6:  # (nearly) parallel: the straight line is the arc
        return (1 - t) * z0 + t * z1
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)


def step_lengths(path) -> np.ndarray:
    """(n, ...) points along a path -> (n - 1,) Euclidean distances between neighbours."""
    x = np.asarray(path, dtype=np.float64)
    if x.ndim < 2 or len(x) < 2:
        raise ValueError(f"path must have shape (n >= 2, ...), got {x.shape}")
    return np.linalg.norm(np.diff(x.reshape(len(x), -1), axis=0), axis=1)


def label_switches(labels) -> int:
    """How many times a sequence of labels changes value between neighbours."""
    y = np.asarray(labels).ravel()
    return int(np.count_nonzero(y[1:] != y[:-1]))


def attribute_direction(z, values, share: float = 0.1) -> torch.Tensor:
    """mean(z of the top ``share`` by value) - mean(z of the bottom ``share``): (n, d) -> (d,)."""
    z = torch.as_tensor(z, dtype=torch.float32)
    values = np.asarray(values, dtype=np.float64).ravel()
    if z.dim() != 2 or len(values) != len(z):
        raise ValueError(f"z must be (n, d) with one value per row; got z {tuple(z.shape)} and "
                         f"{len(values)} values")
    if not 0 < share <= 0.5:
        raise ValueError(f"share must be in (0, 0.5], got {share}")
    k = max(1, int(round(share * len(z))))
    order = torch.as_tensor(np.argsort(values, kind="stable"))
    return z[order[-k:]].mean(0) - z[order[:k]].mean(0)


def ink(images) -> np.ndarray:
    """(n, 1, H, W) images in [-1, 1] -> (n,) ink: sum over pixels of (x + 1) / 2."""
    x = np.asarray(images, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"images must have shape (n, channels, H, W), got {x.shape}")
    return ((x + 1) / 2).sum(axis=(1, 2, 3))


def truncated_normal(n: int, dim: int, psi: float,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """(n, dim) codes, each coordinate N(0, 1) conditioned on |z_i| <= ``psi``.

    Drawn exactly, without rejection: a uniform number between Phi(-psi) and Phi(psi) mapped
    through the normal quantile function. ``psi = inf`` gives N(0, I) codes. The same
    ``generator`` state gives the same uniform numbers for every ``psi``, so lowering ``psi``
    moves each code smoothly towards 0 -- a curve over ``psi`` compares like with like.
    """
    for value, name in ((n, "n"), (dim, "dim")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if isinstance(psi, bool) or not isinstance(psi, (int, float)) or not psi > 0:
        raise ValueError(f"psi must be a positive number (inf for no truncation), got {psi!r}")
    u = torch.rand(n, dim, generator=generator, dtype=torch.float64)
    low = torch.special.ndtr(torch.tensor(-float(psi), dtype=torch.float64))
    z = torch.special.ndtri(low + u * (1 - 2 * low))
    return z.float()
