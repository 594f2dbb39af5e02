"""The one place that decides where tensors live: CUDA, then Apple MPS, then the CPU.

Every model and training function in ``gancourse`` takes a ``device`` argument; notebooks call
:func:`get_device` once in their set-up cell and pass the result on.
"""

from __future__ import annotations

import os

import torch

__all__ = ["get_device", "limit_cpu_threads", "DEVICE_ENV_VAR", "THREADS_ENV_VAR"]

DEVICE_ENV_VAR = "GANCOURSE_DEVICE"
THREADS_ENV_VAR = "GANCOURSE_THREADS"
_KNOWN = ("cuda", "mps", "cpu")


def _available(kind: str) -> bool:
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        backend = getattr(torch.backends, "mps", None)
        return bool(backend is not None and backend.is_available())
    return True


def get_device(prefer: str | None = None) -> torch.device:
    """Pick the device that computations run on.

    Args:
        prefer: ``"cuda"``, ``"mps"`` or ``"cpu"`` to force one; ``None`` (default) reads the
            environment variable ``GANCOURSE_DEVICE`` and, when that is unset too, takes the
            first available of CUDA, Apple MPS and CPU.

    Returns:
        A ``torch.device``.

    Raises:
        ValueError: if ``prefer`` names an unknown device or one this machine does not have.
    """
    source = "prefer"
    if prefer is None:
        prefer = os.environ.get(DEVICE_ENV_VAR) or None
        source = DEVICE_ENV_VAR
    if prefer is None:
        for kind in _KNOWN:
            if _available(kind):
                return torch.device(kind)
    kind = str(prefer).split(":")[0].lower()
    if kind not in _KNOWN:
        raise ValueError(f"{source} must be one of {', '.join(_KNOWN)}, got {prefer!r}")
    if not _available(kind):
        raise ValueError(f"{source}={prefer!r} but this machine has no {kind.upper()} device; "
                         "use 'cpu' or leave it unset to choose automatically")
    return torch.device(str(prefer).lower())


def limit_cpu_threads(n: int | None = None) -> int:
    """Set how many CPU threads torch uses for one operation; return the number set.

    The course's networks are small (MLPs of a few hundred units, 8x8 images): splitting one
    small matrix product over threads costs more than it saves. On the 2-core course machine
    one thread made lecture 05 run in 28 s instead of 45 s and lecture 06 in 43 s instead of
    58 s (``benchmarks/results/step_time.md`` has the per-step figures). Lectures call this in
    their set-up cell.

    Args:
        n: threads; ``None`` reads ``GANCOURSE_THREADS`` and defaults to 1.
    """
    source = "n"
    if n is None:
        raw = os.environ.get(THREADS_ENV_VAR) or "1"
        source = THREADS_ENV_VAR
        try:
            n = int(raw)
        except ValueError:
            raise ValueError(f"{THREADS_ENV_VAR} must be a whole number >= 1, got {raw!r}") \
                from None
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{source} must be a whole number >= 1, got {n!r}")
    torch.set_num_threads(n)
    return n
