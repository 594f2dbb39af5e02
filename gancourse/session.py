"""A notebook's set-up in one call: the seed, the CPU threads and the device.

Every lecture starts the same way::

    device = gc.setup(seed=0)

which seeds Python, NumPy and torch (:func:`~gancourse.seeding.seed_everything`), runs torch
on one CPU thread unless ``GANCOURSE_THREADS`` says otherwise
(:func:`~gancourse.device.limit_cpu_threads`: small networks are fastest so), picks CUDA, then
Apple MPS, then the CPU (:func:`~gancourse.device.get_device`), and says which it chose.
"""

from __future__ import annotations

import torch

from .device import get_device, limit_cpu_threads
from .seeding import seed_everything

__all__ = ["setup"]


def setup(seed: int = 0, *, threads: int | None = None, device: str | None = None,
          verbose: bool = True) -> torch.device:
    """Seed everything, set torch's CPU threads, pick the device; return the device.

    Args:
        seed: for :func:`~gancourse.seeding.seed_everything`.
        threads: CPU threads (``None``: ``GANCOURSE_THREADS``, else 1).
        device: ``"cuda"``, ``"mps"`` or ``"cpu"`` to force one (``None``: the first available,
            or ``GANCOURSE_DEVICE``).
        verbose: print the device chosen.
    """
    seed_everything(seed)
    limit_cpu_threads(threads)
    chosen = get_device(device)
    if verbose:
        print("computing on", chosen)
    return chosen
