"""Floating-point paths: run the course as another CPU would round it (course tooling).

A GAN's training trajectory is chaotic: a different rounding in one matrix product sends it
elsewhere within a few hundred steps. Which rounding a machine uses depends on its CPU (torch
picks AVX-512, AVX2 or plain kernels at start-up; MKL does the same for BLAS) and on how many
threads split a reduction. A claim a lecture asserts must hold on all of them, so the course can
be run under the paths of other machines on one machine:

* ``native``   -- whatever this CPU selects;
* ``default``  -- ``ATEN_CPU_CAPABILITY=default``: torch's portable kernels, no vector units;
* ``avx2``     -- ``ATEN_CPU_CAPABILITY=avx2`` and ``MKL_ENABLE_INSTRUCTIONS=AVX2``: an AVX2
  machine (on a machine without AVX-512 this is the native path again);
* ``sse42``    -- ``MKL_ENABLE_INSTRUCTIONS=SSE4_2`` with torch's portable kernels: an old CPU;
* ``threads2`` -- two torch threads instead of one (``GANCOURSE_THREADS=2``): another
  reduction order in every product large enough to be split.

The variables only act when a process starts, so a path is applied to the environment of the
kernels and test processes that ``python3 course.py test|run --float-path NAME`` starts.
"""

from __future__ import annotations

__all__ = ["FLOAT_PATHS", "float_path_env", "resolve_float_paths", "current_float_path"]

FLOAT_PATHS: dict[str, dict[str, str]] = {
    "native": {},
    "default": {"ATEN_CPU_CAPABILITY": "default"},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"},
    "sse42": {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2"},
    "threads2": {"GANCOURSE_THREADS": "2"},
}
# Every variable some path sets: a path removes the others from the environment it makes,
# so that "native" really is native even when the shell had one of them set.
_ALL_VARS = sorted({k for env in FLOAT_PATHS.values() for k in env})


def _check(name: str) -> str:
    if name not in FLOAT_PATHS:
        raise ValueError(f"float_path must be one of {', '.join(FLOAT_PATHS)} (or 'all'), "
                         f"got {name!r}")
    return name


def float_path_env(name: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment ``base`` (default: empty) with float path ``name`` applied.

    Raises:
        ValueError: naming the valid paths, if ``name`` is not one of :data:`FLOAT_PATHS`.
    """
    env = {k: v for k, v in (base or {}).items() if k not in _ALL_VARS}
    env.update(FLOAT_PATHS[_check(name)])
    return env


def resolve_float_paths(spec: str) -> list[str]:
    """``"all"``, one name, or a comma-separated list of names -> the list of path names."""
    if spec == "all":
        return list(FLOAT_PATHS)
    return [_check(part.strip()) for part in spec.split(",")]


def current_float_path() -> str:
    """What this process computes with, e.g. ``"torch AVX512, 1 thread"`` (imports torch)."""
    import torch

    capability = torch.backends.cpu.get_cpu_capability()
    threads = torch.get_num_threads()
    return f"torch {capability}, {threads} thread{'s' if threads != 1 else ''}"
