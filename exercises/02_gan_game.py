# ---
# jupyter:
#   gancourse:
#     lecture: '02'
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
# # Exercises 02 · The GAN game and the optimal discriminator
#
# Six graded exercises that go with lecture 02.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/02_gan_game.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/02` writes a new copy of this
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
import torch.nn.functional as F

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # small networks run fastest on one CPU thread (see its docstring)
overview("02")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 02.1 · The optimal discriminator
#
# For a fixed generator, $D^*(x) = p_{data}(x) / (p_{data}(x) + p_g(x))$. Where both densities
# are zero no sample ever lands and any value is optimal; return $\tfrac12$ there (an
# undecided discriminator) instead of dividing by zero.

# %%
def optimal_discriminator(p_data, p_g):
    """D*(x) at each point, from the two densities evaluated there.

    Inputs:
        p_data, p_g: np.ndarray of shape (n,), non-negative.
    Returns:
        np.ndarray of shape (n,) with values in [0, 1]; 0.5 where p_data = p_g = 0.
    """
    # Hint: np.where chooses between two arrays; silence 0/0 warnings with np.errstate.
    raise NotImplementedError("write your solution here")


# %%
check("02.1", optimal_discriminator)

# %% [markdown]
# ## Exercise 02.2 · The discriminator's loss on logits
#
# The discriminator maximises $\frac1m\sum \log D(x_i) + \frac1m \sum \log(1 - D(G(z_i)))$; as a
# loss to *minimise*, negate it. Networks output logits $\ell$ with $D = \sigma(\ell)$; compute
# the loss from logits with $\log\sigma(\ell) = -\mathrm{softplus}(-\ell)$ and
# $\log(1 - \sigma(\ell)) = -\mathrm{softplus}(\ell)$, which never overflow — unlike
# `torch.log(torch.sigmoid(l))`, which gives `-inf` for $\ell = -200$.

# %%
def discriminator_loss(logits_real, logits_fake):
    """Binary cross-entropy of D: real samples labelled 1, generated samples labelled 0.

    Inputs:
        logits_real: torch.Tensor of shape (m,), D's logits on real samples.
        logits_fake: torch.Tensor of shape (m,), D's logits on generated samples.
    Returns:
        torch.Tensor of shape (), the mean loss -[mean log D(x) + mean log(1 - D(G(z)))].
    """
    # Hint: torch.nn.functional.softplus.
    raise NotImplementedError("write your solution here")


# %%
check("02.2", discriminator_loss)

# %% [markdown]
# ## Exercise 02.3 · The non-saturating generator loss
#
# The generator minimises $-\frac1m\sum \log D(G(z_i))$ (lecture 02, section 5). Write it on
# logits, stable for very negative logits (a discriminator that rejects the fakes).

# %%
def generator_loss(logits_fake):
    """Non-saturating generator loss -mean log D(G(z)) from D's logits on generated samples.

    Inputs:
        logits_fake: torch.Tensor of shape (m,).
    Returns:
        torch.Tensor of shape ().
    """
    # Hint: -log sigmoid(l) = softplus(-l); work with logits, never sigmoid then log.
    raise NotImplementedError("write your solution here")


# %%
check("02.3", generator_loss)

# %% [markdown]
# ## Exercise 02.4 · The value of the game against D*
#
# $C(G) = \max_D V(G, D) = \int p_{data}\log D^* + p_g \log(1 - D^*)\,dx$. Compute it for
# densities given on a grid, with the trapezoidal rule (`np.trapezoid`). Terms where a density
# is zero contribute zero (the convention $0 \log 0 = 0$). The checks compare with
# $-\log 4 + 2\,\mathrm{JSD}$, and with what happens when the supports do not overlap.

# %%
def generator_criterion(p_data, p_g, x):
    """C(G) for densities p_data and p_g evaluated on the increasing grid x.

    Inputs:
        p_data, p_g, x: np.ndarray of shape (n,).
    Returns:
        float.
    """
    # Hint: reuse your optimal_discriminator; use np.where to drop terms with zero density.
    raise NotImplementedError("write your solution here")


# %%
check("02.4", generator_criterion)

# %% [markdown]
# ## Exercise 02.5 · Estimating JSD with a trained discriminator
#
# A small experiment: since $\max_D V = -\log 4 + 2\,\mathrm{JSD}$, a well-trained
# discriminator *estimates* the divergence from samples alone:
# $\widehat{\mathrm{JSD}} = (\hat V + \log 4)/2$. Train an MLP discriminator (for example
# 1 → 32 → 32 → 1 with LeakyReLU(0.2)) with your `discriminator_loss` and Adam
# (lr = 2e-3, betas (0.5, 0.999)) for `steps` steps on minibatches of 256 real and 256 fake
# samples, then compute $\hat V$ on all the samples. The check compares your estimate with the
# JSD computed by quadrature from the true densities.

# %%
def estimate_js_with_discriminator(x_real, x_fake, steps, seed):
    """Estimate JSD(P_real || P_fake) from samples by training a discriminator.

    Inputs:
        x_real: np.ndarray of shape (n,), samples of P_real.
        x_fake: np.ndarray of shape (n',), samples of P_fake.
        steps: int, number of optimiser steps.
        seed: int, call torch.manual_seed(seed) first so that the result is reproducible.
    Returns:
        float, the estimate (V_hat + log 4) / 2.
    """
    # Hint: samples as tensors of shape (n, 1); draw minibatch indices with torch.randint.
    raise NotImplementedError("write your solution here")


# %%
check("02.5", estimate_js_with_discriminator)

# %% [markdown]
# ## Exercise 02.6 · Write the GAN loop: one iteration of Algorithm 1
#
# Now play the game yourself, in plain PyTorch, on the line. The generator is
# $G(z) = \theta_g[0] + \theta_g[1]\,z$ and the discriminator $D(x) = \sigma(\ell(x))$ with the
# logit $\ell(x) = \theta_d[0] + \theta_d[1]\,x + \theta_d[2]\,x^2$ (a quadratic logit can
# represent $D^*$ exactly when both distributions are Gaussian). One iteration of Algorithm 1
# with $k = 1$:
#
# 1. **discriminator step**: one gradient step of size `lr_d` *down* the discriminator's loss
#    $-\frac1m\sum_i \log D(x_i) - \frac1m \sum_i \log(1 - D(G(z_i)))$ (that is, up $V$), with
#    the generated samples **detached**, so that this step does not move $G$;
# 2. **generator step**: with the *updated* $D$ and the same $z$, one gradient step of size
#    `lr_g` down the **non-saturating** loss $-\frac1m \sum_i \log D(G(z_i))$.
#
# Plain gradient steps (no optimiser object): $\theta \leftarrow \theta - \text{lr}\cdot\nabla$.
# The checks compare one step with Algorithm 1's, name the classic mistakes (a missing
# `detach`, the saturating loss, a discriminator that moves with the generator's loss), and then
# play 1500 iterations with your step from a poor start: $P_G$ must move onto
# $P_{data} = \mathcal N(2, 0.75^2)$.

# %%
def algorithm1_step(theta_g, theta_d, x_real, z, lr_d, lr_g):
    """One iteration of Algorithm 1 (k = 1) for the GAN on the line described above.

    Inputs:
        theta_g: torch.Tensor of shape (2,), the generator's shift and scale.
        theta_d: torch.Tensor of shape (3,), the coefficients of D's logit.
        x_real: torch.Tensor of shape (m,), real samples.
        z: torch.Tensor of shape (m,), the noise for both steps.
        lr_d, lr_g: floats, the two step sizes.
    Returns:
        tuple (new_theta_g, new_theta_d): torch.Tensors of shapes (2,) and (3,).
    """
    # Hint: work on copies that require gradients (theta.detach().clone().requires_grad_());
    # torch.autograd.grad(loss, [theta]) gives the gradient; log D = -softplus(-logit) and
    # log(1 - D) = -softplus(logit) keep every term finite.
    raise NotImplementedError("write your solution here")


# %%
check("02.6", algorithm1_step)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("02")

# %% [markdown]
# ## Going further (not graded)
#
# * Run `estimate_js_with_discriminator` on 50 samples of each distribution instead of 4000, for
#   two distributions that are equal. Why is the estimate now well above 0? (Lecture 03 returns
#   to this: a discriminator can separate any two finite samples.)
# * Replace your `generator_loss` by the saturating $\frac1m \sum \log(1 - D(G(z_i)))$ and plot
#   both gradients against $D(G(z))$.
