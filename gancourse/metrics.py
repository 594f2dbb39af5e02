"""Sample-quality metrics for the toy mixtures, as defined in the mode-collapse literature.

The rule of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018), used for their
benchmark tables: draw 2500 samples; a sample is **high quality** when it lies within 3 standard
deviations of its nearest mode; a mode is **captured** when it is the nearest mode of at least
one high-quality sample. PacGAN also reports a **reverse KL**: KL(P_G modes || P_data modes)
between the histogram of the high-quality samples over the modes and the data's mode weights
(uniform for the ring and the grid). For conditional models, the **conditional accuracy** is the
share of samples that are high quality *and* nearest to the mode they were asked for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ._validation import as_array
from .divergences import kl

__all__ = ["ModeStats", "mode_stats", "conditional_accuracy", "nearest_mode", "modes_holding"]


@dataclass
class ModeStats:
    modes_captured: int  # modes nearest to at least one high-quality sample
    n_modes: int
    high_quality: float  # fraction of samples within `threshold` stds of their nearest mode
    reverse_kl: float  # KL(histogram of HQ samples over modes || mode weights); inf if no HQ
    counts: np.ndarray  # (K,) high-quality samples per mode

    def as_dict(self) -> dict[str, float]:
        d = asdict(self)
        d.pop("counts")
        return d


def nearest_mode(samples, means) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest mode and the distance to it, for samples (n, d) and means (K, d)."""
    x = as_array(samples, "samples", ndim=2)
    m = as_array(means, "means", ndim=2)
    if x.shape[1] != m.shape[1]:
        raise ValueError(f"samples have dimension {x.shape[1]} but means have {m.shape[1]}")
    d2 = ((x[:, None, :] - m[None, :, :]) ** 2).sum(-1)  # (n, K)
    idx = d2.argmin(axis=1)
    return idx, np.sqrt(d2[np.arange(len(x)), idx])


def mode_stats(samples, means, std: float, *, threshold: float = 3.0,
               weights=None) -> ModeStats:
    """Modes captured, high-quality fraction and reverse KL of ``samples`` (n, d).

    Args:
        samples: generated points, shape (n, d); the literature uses n = 2500.
        means: the mixture's modes, shape (K, d).
        std: the modes' standard deviation.
        threshold: a sample within ``threshold * std`` of its nearest mode is high quality.
        weights: the modes' weights (default uniform), for the reverse KL.
    """
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}")
    idx, dist = nearest_mode(samples, means)
    k = len(as_array(means, "means", ndim=2))
    good = dist <= threshold * std
    counts = np.bincount(idx[good], minlength=k)
    w = np.full(k, 1.0 / k) if weights is None else as_array(weights, "weights", ndim=1)
    rkl = kl(counts / counts.sum(), w) if counts.sum() > 0 else float("inf")
    return ModeStats(int((counts > 0).sum()), k, float(good.mean()), rkl, counts)


def conditional_accuracy(samples, labels, means, std: float, *, threshold: float = 3.0) -> float:
    """Share of samples that are high quality and nearest to the mode ``labels`` asked for."""
    idx, dist = nearest_mode(samples, means)
    y = np.asarray(labels)
    if y.shape != idx.shape:
        raise ValueError(f"labels must have one entry per sample: shape {idx.shape}, "
                         f"got {y.shape}")
    return float(((idx == y) & (dist <= threshold * std)).mean())


def modes_holding(samples, means, *, share: float = 0.05, radius: float = 0.1) -> tuple[int, ...]:
    """The modes near which more than ``share`` of the samples lie (within ``radius``).

    A coarse view of where a generator's mass is, used to follow mode hopping over training.
    """
    idx, dist = nearest_mode(samples, means)
    k = len(as_array(means, "means", ndim=2))
    counts = np.bincount(idx[dist < radius], minlength=k) / len(idx)
    return tuple(int(i) for i in np.nonzero(counts > share)[0])
