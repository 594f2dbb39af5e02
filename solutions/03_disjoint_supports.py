# ---
# jupyter:
#   gancourse:
#     lecture: '03'
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
# # Exercises 03 · When Jensen–Shannon fails: disjoint supports
#
# Five graded exercises that go with lecture 03.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/03_disjoint_supports.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/03` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy and PyTorch; don't call the `gancourse` functions that solve the
# exercise for you. Your teacher grades with further, hidden tests of the same functions.
#
# The first code cell lists the exercises, the function each asks for, and its points.

# %%
import math

import numpy as np
import torch

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # small networks run fastest on one CPU thread (see its docstring)
overview("03")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 03.1 · Jensen–Shannon divergence of histograms
#
# $\mathrm{JSD}(P\,\|\,Q) = \tfrac12 \mathrm{KL}(P\,\|\,M) + \tfrac12 \mathrm{KL}(Q\,\|\,M)$ with
# $M = \tfrac12(P + Q)$, in nats, with $0 \log 0 = 0$. It is always finite, and equals
# $\log 2$ exactly when $P$ and $Q$ have no outcome in common.

# %%
def js_divergence(p, q):
    """JSD(P || Q) of two probability vectors.

    Inputs:
        p, q: np.ndarray of shape (k,), non-negative, each summing to 1.
    Returns:
        float in [0, log 2].
    """
    # Hint: the terms of KL(P || M) with p_i = 0 are 0; M is positive wherever P is.
    ### BEGIN SOLUTION
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = 0.5 * (p + q)

    def kl_to_m(a):
        mask = a > 0
        return float(np.sum(a[mask] * np.log(a[mask] / m[mask])))

    return 0.5 * kl_to_m(p) + 0.5 * kl_to_m(q)
    ### END SOLUTION


# %%
check("03.1", js_divergence)

# %% [markdown]
# ## Exercise 03.2 · Earth mover's distance of two samples
#
# For two samples of the same size $n$ on the real line, each point carrying mass $1/n$, the
# cheapest way to move one onto the other matches them in sorted order, so
# $W_1 = \frac1n \sum_i |u_{(i)} - v_{(i)}|$, where $u_{(i)}$ is the $i$-th smallest value.

# %%
def w1_equal_samples(u, v):
    """W1 between the empirical distributions of two equal-size 1-D samples.

    Inputs:
        u, v: np.ndarray of shape (n,).
    Returns:
        float.
    """
    # Hint: on the line, the optimal matching pairs the k-th smallest of u with the k-th
    # smallest of v.
    ### BEGIN SOLUTION
    return float(np.mean(np.abs(np.sort(np.asarray(u, dtype=float))
                                - np.sort(np.asarray(v, dtype=float)))))
    ### END SOLUTION


# %%
check("03.2", w1_equal_samples)

# %% [markdown]
# ## Exercise 03.3 · Instance noise
#
# Instance noise adds independent Gaussian noise $\mathcal N(0, \sigma^2)$ to every coordinate of
# the discriminator's inputs. Draw it from a `torch.Generator` seeded with `seed`, so that the
# same seed gives the same noise; keep the input's shape and dtype; `sigma = 0` returns the
# input unchanged.

# %%
def add_instance_noise(x, sigma, seed):
    """x plus N(0, sigma^2) noise on every entry.

    Inputs:
        x: torch.Tensor of any shape (floating point).
        sigma: float >= 0.
        seed: int, seeds a torch.Generator for the noise.
    Returns:
        torch.Tensor with the shape and dtype of x.
    """
    # Hint: torch.randn(x.shape, generator=..., dtype=x.dtype).
    ### BEGIN SOLUTION
    if sigma == 0:
        return x
    generator = torch.Generator().manual_seed(seed)
    return x + sigma * torch.randn(x.shape, generator=generator, dtype=x.dtype)
    ### END SOLUTION


# %%
check("03.3", add_instance_noise)

# %% [markdown]
# ## Exercise 03.4 · The least-squares discriminator loss
#
# LSGAN's discriminator outputs an unbounded score $D(x)$ (no sigmoid) and minimises
# $\tfrac12\,\mathbb E_{x}(D(x) - 1)^2 + \tfrac12\,\mathbb E_{z}D(G(z))^2$: it regresses real
# samples to 1 and generated ones to 0.

# %%
def lsgan_discriminator_loss(scores_real, scores_fake):
    """LSGAN discriminator loss from scores on real and generated samples.

    Inputs:
        scores_real: torch.Tensor of shape (m,).
        scores_fake: torch.Tensor of shape (m',).
    Returns:
        torch.Tensor of shape ().
    """
    # Hint: real scores are regressed to 1 and fake scores to 0, each term halved.
    ### BEGIN SOLUTION
    return 0.5 * ((scores_real - 1) ** 2).mean() + 0.5 * (scores_fake**2).mean()
    ### END SOLUTION


# %%
check("03.4", lsgan_discriminator_loss)

# %% [markdown]
# ## Exercise 03.5 · A discriminator memorises
#
# A small experiment (lecture 03, section 2). Draw two samples of `n` points each from *the
# same* distribution $\mathcal N(0, I_{dim})$ (use `torch.manual_seed(seed)` first), train an
# MLP (for example dim → 256 → 256 → 1 with LeakyReLU(0.2)) to label the first sample 1 and
# the second 0, with Adam (lr 1e-3) on the whole samples for `steps` steps and the binary
# cross-entropy on logits. Return its accuracy on the two training samples and on two fresh
# samples of 2000 points each. The check expects near-perfect training accuracy in 20
# dimensions and chance accuracy on fresh points.

# %%
def memorisation_accuracy(dim, n, steps, seed):
    """Train/fresh accuracy of an MLP separating two samples of the same Gaussian.

    Inputs:
        dim: int, dimension of the samples.
        n: int, points in each training sample.
        steps: int, optimiser steps.
        seed: int.
    Returns:
        tuple (train_accuracy, fresh_accuracy) of floats in [0, 1].
    """
    # Hint: torch.nn.functional.binary_cross_entropy_with_logits; a logit > 0 means "first".
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    a, b = torch.randn(n, dim), torch.randn(n, dim)
    fresh_a, fresh_b = torch.randn(2000, dim), torch.randn(2000, dim)
    D = torch.nn.Sequential(torch.nn.Linear(dim, 256), torch.nn.LeakyReLU(0.2),
                            torch.nn.Linear(256, 256), torch.nn.LeakyReLU(0.2),
                            torch.nn.Linear(256, 1))
    optimiser = torch.optim.Adam(D.parameters(), lr=1e-3)
    x = torch.cat([a, b])
    y = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)])
    for _ in range(steps):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(D(x), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()

    def acc(first, second):
        with torch.no_grad():
            hits = (D(first) > 0).sum() + (D(second) <= 0).sum()
        return float(hits) / (len(first) + len(second))

    return acc(a, b), acc(fresh_a, fresh_b)
    ### END SOLUTION


# %%
check("03.5", memorisation_accuracy)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("03")

# %% [markdown]
# ## Going further (not graded)
#
# * Plot the training accuracy of `memorisation_accuracy` against `dim` from 1 to 20 for
#   `n = 64`. Where does memorisation become easy, and why does dimension help?
# * Use `add_instance_noise` with growing `sigma` on both samples before training: how does the
#   training accuracy change?
