"""How good are these samples? The evaluation metrics of the GAN literature, on features.

Every function takes two sets of feature vectors -- ``real`` (n, d) and ``fake`` (m, d), as
NumPy arrays or torch tensors (the judge's 64 features for digits, :mod:`gancourse.judge`; the
points themselves for 2-D toys) -- or, for the Inception Score, class probabilities. They run
in float64 on the CPU and in chunks, so 10 000 x 10 000 pairs take seconds and little memory.

* :func:`fid` -- Fréchet distance between Gaussians fitted to the two sets (Heusel et al.
  2017): |mu_r - mu_f|^2 + tr(S_r + S_f - 2 (S_r S_f)^(1/2)). The trace of the matrix square
  root is the sum of the square roots of the eigenvalues of S_r^(1/2) S_f S_r^(1/2), a
  symmetric positive semi-definite matrix: no complex parts, no ``sqrtm`` round-off.
* :func:`kid` -- Kernel Inception Distance (Bińkowski et al. 2018): the unbiased MMD^2 with the
  cubic kernel (x.y / d + 1)^3, averaged over subsets, with its standard error.
* :func:`precision_recall` -- Kynkäänniemi et al. (2019): a fake point is "precise" if it lies
  in some real point's k-NN ball, a real point is "recalled" if it lies in some fake point's.
* :func:`density_coverage` -- Naeem et al. (2020): density counts how many real k-NN balls hold
  each fake point (/k), coverage the share of real balls that hold at least one fake.
* :func:`inception_score` -- Salimans et al. (2016): exp E_x KL(p(y|x) || p(y)), in [1, K].
* :func:`nearest_distances` -- each sample's distance to its nearest training point: a
  generator that copies its training data sits far closer to it than held-out real data do.
* :func:`all_metrics` -- every metric above for one pair of sets, in one dictionary.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["fid", "gaussian_frechet", "kid", "precision_recall", "density_coverage",
           "inception_score", "knn_radii", "nearest_distances", "expected_coverage",
           "all_metrics"]

_CHUNK = 2048  # rows per block of pairwise distances: 2048 x 10 000 float64 = 160 MB at most


def _features(x, name: str, min_rows: int = 1) -> np.ndarray:
    """float64 (n, d) from an array or tensor, finite, with at least ``min_rows`` rows."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of feature vectors (n, d), got shape "
                         f"{x.shape}")
    if len(x) < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} samples, got {len(x)}")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} has NaN or infinite values")
    return x


def _pair(real, fake, min_rows: int = 1) -> tuple[np.ndarray, np.ndarray]:
    r, f = _features(real, "real", min_rows), _features(fake, "fake", min_rows)
    if r.shape[1] != f.shape[1]:
        raise ValueError(f"real and fake must have the same feature dimension, got "
                         f"{r.shape[1]} and {f.shape[1]}")
    return r, f


def _above_round_off(eigenvalues: np.ndarray) -> np.ndarray:
    """Eigenvalues of a symmetric PSD matrix with those within round-off of 0 set to 0."""
    tol = max(float(eigenvalues.max(initial=0.0)), 0.0) * len(eigenvalues) * np.finfo(float).eps
    return np.where(eigenvalues > tol, eigenvalues, 0.0)


def gaussian_frechet(mu1, cov1, mu2, cov2) -> float:
    """Fréchet (2-Wasserstein squared) distance between N(mu1, cov1) and N(mu2, cov2)."""
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, float)), np.atleast_1d(np.asarray(mu2, float))
    cov1, cov2 = np.atleast_2d(np.asarray(cov1, float)), np.atleast_2d(np.asarray(cov2, float))
    d = len(mu1)
    if mu2.shape != (d,) or cov1.shape != (d, d) or cov2.shape != (d, d):
        raise ValueError(f"mu1, cov1, mu2, cov2 must have shapes (d,), (d, d), (d,), (d, d); "
                         f"got {mu1.shape}, {cov1.shape}, {mu2.shape}, {cov2.shape}")
    # cov1^(1/2) from the eigen-decomposition of a symmetric PSD matrix; then the eigenvalues
    # of cov1^(1/2) cov2 cov1^(1/2), symmetric. Eigenvalues at round-off level are set to 0
    # first: covariances of network features are often singular (dead units), and the square
    # roots of their round-off (1e-14 -> 1e-7 each) would add up to a visible error.
    w, v = np.linalg.eigh((cov1 + cov1.T) / 2)
    root = (v * np.sqrt(_above_round_off(w))) @ v.T
    inner = root @ cov2 @ root
    eig = np.linalg.eigvalsh((inner + inner.T) / 2)
    trace_sqrt = float(np.sqrt(_above_round_off(eig)).sum())
    value = float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * trace_sqrt)
    return max(value, 0.0)


def fid(real, fake) -> float:
    """Fréchet distance between Gaussians fitted to ``real`` (n, d) and ``fake`` (m, d).

    Biased upwards for small samples (the estimated covariances are noisy): compare values
    only at the same n, or use :func:`kid`. Needs at least 2 samples per set.
    """
    r, f = _pair(real, fake, min_rows=2)
    return gaussian_frechet(r.mean(0), np.cov(r, rowvar=False), f.mean(0),
                            np.cov(f, rowvar=False))


def _cubic_kernel_sums(x: np.ndarray, y: np.ndarray) -> float:
    d = x.shape[1]
    total = 0.0
    for i in range(0, len(x), _CHUNK):
        total += float(((x[i:i + _CHUNK] @ y.T / d + 1.0) ** 3).sum())
    return total


def _mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    n, m, d = len(x), len(y), x.shape[1]
    kxx = _cubic_kernel_sums(x, x) - float(((np.einsum("ij,ij->i", x, x) / d + 1) ** 3).sum())
    kyy = _cubic_kernel_sums(y, y) - float(((np.einsum("ij,ij->i", y, y) / d + 1) ** 3).sum())
    kxy = _cubic_kernel_sums(x, y)
    return kxx / (n * (n - 1)) + kyy / (m * (m - 1)) - 2 * kxy / (n * m)


def kid(real, fake, *, subsets: int = 10, subset_size: int = 1000,
        seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance: ``(mean, standard error)`` of the unbiased MMD^2 with the
    kernel (x.y / d + 1)^3 over ``subsets`` random subsets of ``subset_size`` from each set
    (the whole sets when smaller: then one value, and a standard error of NaN). Unbiased: its
    mean over repeats is 0 when both sets come from one distribution, so it can be negative.
    The kernel is not scale-free: compare values computed on the same kind of features."""
    r, f = _pair(real, fake, min_rows=2)
    if isinstance(subsets, bool) or not isinstance(subsets, int) or subsets < 1:
        raise ValueError(f"subsets must be a whole number >= 1, got {subsets!r}")
    if isinstance(subset_size, bool) or not isinstance(subset_size, int) or subset_size < 2:
        raise ValueError(f"subset_size must be a whole number >= 2, got {subset_size!r}")
    rng = np.random.default_rng(seed)
    size = min(subset_size, len(r), len(f))
    if size == len(r) == len(f):
        subsets = 1  # every "subset" would be both whole sets: one value, no standard error
    values = [_mmd2_unbiased(r[rng.choice(len(r), size, replace=False)],
                             f[rng.choice(len(f), size, replace=False)])
              for _ in range(subsets)]
    se = float(np.std(values, ddof=1) / math.sqrt(subsets)) if subsets > 1 else float("nan")
    return float(np.mean(values)), se


def _distances_to(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Euclidean distances (len(x), len(y)) in float64 (a block of them)."""
    sq = (np.einsum("ij,ij->i", x, x)[:, None] + np.einsum("ij,ij->i", y, y)[None, :]
          - 2 * x @ y.T)
    return np.sqrt(np.clip(sq, 0, None))


def knn_radii(x, k: int = 3) -> np.ndarray:
    """Distance from each point of ``x`` (n, d) to its k-th nearest other point (n,)."""
    x = _features(x, "x")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < len(x):
        raise ValueError(f"k must be a whole number from 1 to {len(x) - 1}, got {k!r}")
    radii = np.empty(len(x))
    for i in range(0, len(x), _CHUNK):
        block = _distances_to(x[i:i + _CHUNK], x)
        # the point itself is at distance 0: the k-th neighbour is the (k+1)-th smallest
        radii[i:i + _CHUNK] = np.partition(block, k, axis=1)[:, k]
    return radii


def _inside_counts(points: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """For each point, how many balls (centres, radii) contain it (distance <= radius)."""
    counts = np.empty(len(points), dtype=np.int64)
    for i in range(0, len(points), _CHUNK):
        counts[i:i + _CHUNK] = (_distances_to(points[i:i + _CHUNK], centres)
                                <= radii[None, :]).sum(1)
    return counts


def precision_recall(real, fake, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019): ``(precision, recall)``.

    Precision: share of fake points inside the union of the real points' k-NN balls (quality).
    Recall: share of real points inside the union of the fake points' k-NN balls (coverage).
    """
    r, f = _pair(real, fake, min_rows=k + 1)
    precision = float((_inside_counts(f, r, knn_radii(r, k)) > 0).mean())
    recall = float((_inside_counts(r, f, knn_radii(f, k)) > 0).mean())
    return precision, recall


def density_coverage(real, fake, k: int = 5) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020): ``(density, coverage)``.

    Density: the mean number of real k-NN balls holding a fake point, divided by k (about 1
    for two samples of one distribution; unbounded above). Coverage: share of real points
    whose own k-NN ball holds at least one fake point (in [0, 1]; robust to outliers).
    """
    r, f = _pair(real, fake, min_rows=k + 1)
    radii = knn_radii(r, k)
    density = float(_inside_counts(f, r, radii).sum() / (k * len(f)))
    nearest_fake = np.empty(len(r))
    for i in range(0, len(r), _CHUNK):
        nearest_fake[i:i + _CHUNK] = _distances_to(r[i:i + _CHUNK], f).min(1)
    coverage = float((nearest_fake <= radii).mean())
    return density, coverage


def expected_coverage(n_real: int, n_fake: int, k: int = 5) -> float:
    """Coverage's expected value when real and fake come from one continuous distribution.

    A real point is uncovered when its k nearest neighbours among the other n_real - 1 real
    and the n_fake fake points are all real; by exchangeability that has probability
    C(n_real - 1, k) / C(n_real - 1 + n_fake, k) (Naeem et al. 2020): about 1 - 2^-k when
    the two sets are the same size.
    """
    for value, name in ((n_real, "n_real"), (n_fake, "n_fake"), (k, "k")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    if k >= n_real:
        raise ValueError(f"k must be smaller than n_real ({n_real}), got {k}")
    uncovered = math.prod((n_real - 1 - i) / (n_real - 1 + n_fake - i) for i in range(k))
    return 1.0 - uncovered


def inception_score(probabilities, splits: int = 1) -> float:
    """exp( E_x KL(p(y|x) || p(y)) ) of class probabilities (n, K); between 1 and K.

    K for confident predictions spread evenly over the classes; 1 when every sample gets the
    same distribution. ``splits > 1`` averages the score over that many equal parts (the
    original recipe uses 10); ``probabilities`` rows must sum to 1.
    """
    p = _features(probabilities, "probabilities")
    if (p < 0).any() or not np.allclose(p.sum(1), 1.0, atol=1e-4):
        raise ValueError("probabilities must be non-negative rows that sum to 1 (a softmax)")
    if isinstance(splits, bool) or not isinstance(splits, int) or not 1 <= splits <= len(p):
        raise ValueError(f"splits must be a whole number from 1 to {len(p)}, got {splits!r}")
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * (np.log(part) - np.log(marginal)), 0.0)
        scores.append(math.exp(float(terms.sum(1).mean())))
    return float(np.mean(scores))


def nearest_distances(samples, reference) -> np.ndarray:
    """Euclidean distance from each row of ``samples`` (n, d) to its nearest row of
    ``reference`` (m, d): (n,). For memorisation, ``reference`` is the training data."""
    x, ref = _features(samples, "samples"), _features(reference, "reference")
    if x.shape[1] != ref.shape[1]:
        raise ValueError(f"samples and reference must have the same dimension, got "
                         f"{x.shape[1]} and {ref.shape[1]}")
    out = np.empty(len(x))
    for i in range(0, len(x), _CHUNK):
        out[i:i + _CHUNK] = _distances_to(x[i:i + _CHUNK], ref).min(1)
    return out


def all_metrics(real, fake, probabilities=None, *, k_pr: int = 3, k_dc: int = 5,
                kid_subsets: int = 10, kid_subset_size: int = 1000) -> dict[str, float]:
    """Every metric of this module for one pair of feature sets, in one dictionary.

    Keys: ``fid``, ``kid`` and ``kid_se``, ``precision`` and ``recall`` (k = ``k_pr``),
    ``density`` and ``coverage`` (k = ``k_dc``), and ``inception_score`` when the fake
    samples' class ``probabilities`` are given.
    """
    r, f = _pair(real, fake, min_rows=max(k_pr, k_dc) + 1)
    out = {"fid": fid(r, f)}
    out["kid"], out["kid_se"] = kid(r, f, subsets=kid_subsets, subset_size=kid_subset_size)
    out["precision"], out["recall"] = precision_recall(r, f, k_pr)
    out["density"], out["coverage"] = density_coverage(r, f, k_dc)
    if probabilities is not None:
        out["inception_score"] = inception_score(probabilities)
    return out
