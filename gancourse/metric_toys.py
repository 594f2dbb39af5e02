"""A 2-D toy whose truth is known, for lecture 08's metrics: a ring, and a "generator" whose two
failures are knobs.

The real distribution is :data:`REAL`, eight Gaussians of standard deviation 0.05 on the unit
circle. :func:`toy_generator` returns what a generator could have learnt instead:

* ``modes_kept`` < 8 -- **collapse**: only the first ``modes_kept`` modes, equally weighted;
  every sample looks real (high precision), most of the real data is missed (low recall);
* ``noise`` > 1 -- **blur**: each mode ``noise`` times wider; many samples fall between the
  modes (low precision), while the real modes are all reached (high recall);
* ``modes_kept=8, noise=1`` -- the real distribution itself: any gap between two samples of it
  is the metric's own error.

:func:`toy_report` scores one pair of samples with every metric of :mod:`gancourse.evaluation`
(the points themselves are the features) and with the mode counts of :mod:`gancourse.metrics`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_count, check_positive
from .distributions import GaussianMixture, Ring
from .evaluation import all_metrics
from .metrics import mode_stats

__all__ = ["REAL", "toy_generator", "toy_samples", "toy_report"]

REAL = Ring(8, radius=1.0, std=0.05)


def toy_generator(modes_kept: int = 8, noise: float = 1.0) -> GaussianMixture:
    """The ring's first ``modes_kept`` modes (equal weights), each ``noise`` times as wide."""
    kept = check_count(modes_kept, "modes_kept")
    if kept > REAL.n_modes:
        raise ValueError(f"modes_kept must be at most {REAL.n_modes}, got {kept}")
    width = check_positive(noise, "noise") * REAL.stds[0]
    return GaussianMixture(REAL.means[:kept], width)


def toy_samples(n: int, modes_kept: int = 8, noise: float = 1.0, seed: int = 0) -> np.ndarray:
    """``n`` points (n, 2) of :func:`toy_generator` (``modes_kept``, ``noise``), from ``seed``."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    return toy_generator(modes_kept, noise).sample(n, seed=int(seed)).double().numpy()


def toy_report(real: np.ndarray, fake: np.ndarray, *, k_pr: int = 3,
               k_dc: int = 5) -> dict[str, float]:
    """Every metric of ``fake`` against ``real`` (points (n, 2) of the toy), and its modes.

    Adds to :func:`~gancourse.evaluation.all_metrics` (KID over 10 subsets of half the
    smaller set, so that it comes with a standard error) the mode counts of the collapse
    literature: ``modes`` (of 8 with a high-quality sample) and ``high_quality`` (the share
    within 3 standard deviations of a mode).
    """
    half = max(2, min(len(real), len(fake)) // 2)
    out = all_metrics(real, fake, k_pr=k_pr, k_dc=k_dc, kid_subset_size=half)
    stats = mode_stats(fake, REAL.means, float(REAL.stds[0]))
    out.update(modes=stats.modes_captured, high_quality=stats.high_quality)
    return out
