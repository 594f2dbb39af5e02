# ---
# jupyter:
#   gancourse:
#     lecture: '01'
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
# # Exercises 01 · Maximum likelihood and KL
#
# Four graded exercises that go with lecture 01, from a formula to a small experiment.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. You can also check the whole
# notebook from a terminal: `.venv/bin/gancourse check workspace/exercises/01_mle_and_kl.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/01` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy and PyTorch; don't call the course's `gancourse` functions that solve the
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
overview("01")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 01.1 · Gaussian log-likelihood
#
# The mean log-likelihood of samples $x_1, \dots, x_n$ under $\mathcal N(\mu, \sigma^2)$ is
#
# $$\ell(\mu, \sigma) = \frac1n \sum_{i=1}^n \left[-\frac{(x_i - \mu)^2}{2\sigma^2}
#   - \log \sigma - \tfrac12 \log 2\pi\right].$$

# %%
def gaussian_log_likelihood(x, mu, sigma):
    """Mean log-likelihood of the samples ``x`` under N(mu, sigma^2).

    Inputs:
        x: np.ndarray of shape (n,), the samples.
        mu: float, the mean.
        sigma: float > 0, the standard deviation.
    Returns:
        float, the mean (not the sum) of the n log-densities.
    """
    # Hint: work with logs directly; never take the log of a density that may underflow to 0.
    raise NotImplementedError("write your solution here")


# %%
check("01.1", gaussian_log_likelihood)

# %% [markdown]
# ## Exercise 01.2 · KL divergence of discrete distributions
#
# $$\mathrm{KL}(P \,\|\, Q) = \sum_i p_i \log \frac{p_i}{q_i}$$
#
# in nats, with the two conventions that make it well defined: a term with $p_i = 0$ is $0$
# ($0 \log 0 = 0$), and a term with $p_i > 0 = q_i$ is $+\infty$.

# %%
def kl_divergence(p, q):
    """KL(P || Q) of two probability vectors.

    Inputs:
        p, q: np.ndarray of shape (k,), non-negative, each summing to 1.
    Returns:
        float in [0, inf]; math.inf when p puts mass where q has none.
    """
    # Hint: sum only over the outcomes with p_i > 0.
    raise NotImplementedError("write your solution here")


# %%
check("01.2", kl_divergence)

# %% [markdown]
# ## Exercise 01.3 · Negative log-likelihood in PyTorch
#
# Training a model means minimising a loss with automatic differentiation. Write the mean
# negative log-likelihood of $\mathcal N(\mu, \sigma^2)$ as a PyTorch function of $\mu$ and
# $\log\sigma$ (the log keeps $\sigma$ positive during optimisation). The checks compare its
# value and its gradients with the closed forms
# $\partial_\mu \mathrm{NLL} = -(\bar x - \mu)/\sigma^2$ and
# $\partial_{\log\sigma} \mathrm{NLL} = 1 - \overline{(x-\mu)^2}/\sigma^2$.

# %%
def gaussian_nll(x, mu, log_sigma):
    """Mean negative log-likelihood of ``x`` under N(mu, exp(log_sigma)^2), differentiable.

    Inputs:
        x: torch.Tensor of shape (n,).
        mu: torch.Tensor of shape () (a scalar), may require grad.
        log_sigma: torch.Tensor of shape (), may require grad.
    Returns:
        torch.Tensor of shape (), the mean NLL, connected to mu and log_sigma in the graph.
    """
    # Hint: use torch operations only (no .item(), no NumPy), or the gradient is lost.
    raise NotImplementedError("write your solution here")


# %%
check("01.3", gaussian_nll)

# %% [markdown]
# ## Exercise 01.4 · Maximum likelihood by gradient descent
#
# A small experiment: fit $(\mu, \sigma)$ to data by minimising your `gaussian_nll` with a
# PyTorch optimiser, starting from $\mu = 0$, $\log\sigma = 0$. For a Gaussian the answer is
# known in closed form -- the sample mean and the sample standard deviation (dividing by $n$)
# -- so the check can tell whether your optimisation really converged.

# %%
def fit_gaussian_by_gradient_descent(x, steps, lr):
    """Fit N(mu, sigma^2) to ``x`` by gradient descent on the mean NLL.

    Inputs:
        x: np.ndarray of shape (n,), the data.
        steps: int, number of optimiser steps.
        lr: float, learning rate (Adam is a good choice).
    Returns:
        tuple (mu, sigma) of Python floats.
    """
    # Hint: make mu and log_sigma tensors with requires_grad=True and give them to
    # torch.optim.Adam; each step: zero_grad, loss = gaussian_nll(...), backward, step.
    raise NotImplementedError("write your solution here")


# %%
check("01.4", fit_gaussian_by_gradient_descent)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("01")

# %% [markdown]
# ## Going further (not graded)
#
# * Plot the NLL along your optimiser's path; how many steps does it take to reach the MLE
#   within 0.01 for `lr=0.05`, and for `lr=0.5`?
# * Fit a Gaussian to a two-mode mixture by *reverse* KL (lecture 01, section 4) with the same
#   optimiser. Why does the starting point now matter?
