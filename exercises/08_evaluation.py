# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exercises 08 · Evaluating GANs
#
# Five graded exercises that go with lecture 08.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/08_evaluation.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/08` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy (SciPy's `scipy.linalg` and `scipy.stats` are welcome too); except in
# 08.5, an experiment, don't call the `gancourse` functions that solve the exercise for you.
# Your teacher grades with further, hidden tests of the same functions.
#
# The first code cell lists the exercises, the function each asks for, and its points.

# %%
import numpy as np
from scipy import linalg

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # the judge is a small network: fastest on one CPU thread
overview("08")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 08.1 · The Inception Score
#
# Given class probabilities $p(y \mid x_i)$ of $n$ samples (an array of shape $(n, K)$, rows
# summing to 1), return $\mathrm{IS} = \exp\big(\frac1n \sum_i \mathrm{KL}(p(y \mid x_i) \,\|\,
# p(y))\big)$ with the marginal $p(y) = \frac1n \sum_i p(y \mid x_i)$, as a float. A
# probability of exactly 0 contributes 0 (the limit of $p \log p$), never NaN. Raise a
# `ValueError` naming `probabilities` if a row does not sum to 1 (within 1e-6) or holds a
# negative number.

# %%
def inception_score(probabilities):
    """exp(mean KL(p(y|x) || p(y))).

    Inputs:
        probabilities: array (n, K), rows summing to 1.
    Returns:
        float, between 1 and K.
    """
    # Hint: np.where(p > 0, p * (np.log(p) - np.log(marginal)), 0.0) avoids 0 * log 0.
    raise NotImplementedError("write your solution here")


# %%
check("08.1", inception_score)

# %% [markdown]
# ## Exercise 08.2 · The Fréchet distance of two feature sets
#
# Fit a Gaussian to each set of feature vectors — the mean and the covariance with $n - 1$ in
# the denominator (`np.cov(x, rowvar=False)`) — and return $\lVert \mu_r - \mu_g \rVert^2 +
# \operatorname{tr}(\Sigma_r + \Sigma_g - 2 (\Sigma_r \Sigma_g)^{1/2})$ as a float. The sets
# may differ in size; with $d = 1$ the covariances are $1 \times 1$. Matrix square roots of
# products of covariances can pick up tiny imaginary parts or negative round-off: the answer
# must be real and never below 0. Raise a `ValueError` naming `fake` if the two sets have
# different numbers of features.

# %%
def frechet_distance(real, fake):
    """FID between Gaussians fitted to real (n, d) and fake (m, d) features.

    Returns:
        float >= 0.
    """
    # Hint: the trace of (S_r S_g)^(1/2) is the sum of the square roots of the eigenvalues of
    # S_r^(1/2) S_g S_r^(1/2), a symmetric matrix (np.linalg.eigvalsh); or use
    # scipy.linalg.sqrtm and keep the real part.
    raise NotImplementedError("write your solution here")


# %%
check("08.2", frechet_distance)

# %% [markdown]
# ## Exercise 08.3 · Precision and recall from k-NN balls
#
# Kynkäänniemi et al. (2019). For each real point, its radius is the distance to its $k$-th
# nearest *other* real point; a fake point is **precise** if it lies within the radius of at
# least one real point (distance ≤ radius). Recall swaps the roles: radii from the fake points
# among themselves, and the share of real points within some fake point's radius. Return
# `(precision, recall)`, two floats. Use Euclidean distances, computed without Python loops
# over pairs (the sets have a few hundred points). Raise a `ValueError` naming `k` unless
# $1 \le k <$ the size of each set.

# %%
def precision_recall(real, fake, k=3):
    """Improved precision and recall of fake (m, d) against real (n, d).

    Returns:
        (precision, recall): floats in [0, 1].
    """
    # Hint: all pairwise distances of a against b: np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1));
    # the k-th nearest other point of a set is column k of each row sorted (column 0 is the
    # point itself, at distance 0).
    raise NotImplementedError("write your solution here")


# %%
check("08.3", precision_recall)

# %% [markdown]
# ## Exercise 08.4 · The kernel distance (KID)
#
# Bińkowski et al. (2018): with the kernel $k(a, b) = (a \cdot b / d + 1)^3$ ($d$ features),
# the unbiased estimate of the squared maximum mean discrepancy between real $x_1..x_n$ and
# fake $y_1..y_m$ is
#
# $$ \frac{1}{n(n-1)} \sum_{i \ne j} k(x_i, x_j) + \frac{1}{m(m-1)} \sum_{i \ne j} k(y_i, y_j)
# - \frac{2}{nm} \sum_{i, j} k(x_i, y_j). $$
#
# The sums within a set leave out $i = j$: that is what makes the mean of the estimate exactly
# 0 when both sets come from one distribution (so it can come out negative). Return it as a
# float, for the whole sets (no subsets). Raise a `ValueError` naming `fake` for mismatched
# numbers of features.

# %%
def kernel_distance(real, fake):
    """Unbiased MMD^2 with the cubic polynomial kernel.

    Returns:
        float (can be slightly negative).
    """
    # Hint: the kernel matrix of a against b is (a @ b.T / d + 1) ** 3; subtract its trace
    # for the within-set sums.
    raise NotImplementedError("write your solution here")


# %%
check("08.4", kernel_distance)

# %% [markdown]
# ## Exercise 08.5 · FID's bias, measured and removed: an experiment
#
# FID is biased upwards by about $b / n$ at $n$ samples per set. Measure it and remove it, as
# Chong & Forsyth (2020) do. With `rng = np.random.default_rng(seed)`, for each size $n$ in
# `sizes` (in order) and `draws` times each, draw $n$ rows of `real` and $n$ rows of `fake`
# without replacement (`rng.choice(len(real), n, replace=False)`, then the same for `fake`) and
# compute their FID with the course's `gancourse.evaluation.fid`. Average the draws at each
# $n$, fit $\mathrm{FID}(n) = a + b/n$ to the averages by least squares
# (`np.linalg.lstsq`), and return `(a, means)`: the intercept $a$, FID extrapolated to
# infinitely many samples, and the list of averages in the order of `sizes`.
#
# The checks run it on the judge's features of real training digits against real test digits
# (the truth is FID = 0), and of the course's saved DCGAN's samples against the test digits.

# %%
def fid_infinity(real, fake, sizes=(100, 200, 400, 1000), draws=5, seed=0):
    """FID extrapolated to n = infinity, and the mean FID at each size.

    Returns:
        (float, list of floats).
    """
    from gancourse.evaluation import fid

    # Hint: the design matrix of the fit has a column of ones and a column of 1 / n.
    raise NotImplementedError("write your solution here")


# %%
check("08.5", fid_infinity)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("08")

# %% [markdown]
# ## Going further (not graded)
#
# * Run your `precision_recall` on two samples of one 64-dimensional Gaussian for k = 1, 3, 5
#   and 10. How far below 1 do they fall, and how does that change with k and with the
#   dimension?
# * Repeat 08.5 with KID (lecture 08's `gancourse.evaluation.kid`) instead of FID. What
#   intercept and slope do you find, and why?
# * Add one far outlier to the real set of lecture 08's ring toy. Which of precision, recall,
#   density and coverage move?
