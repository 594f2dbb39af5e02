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
# # Exercises 09 · The loss zoo
#
# Five graded exercises that go with lecture 09.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/09_loss_zoo.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/09` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy, SciPy and PyTorch; except in 09.5, an experiment, don't call the
# `gancourse` functions that solve the exercise for you. Your teacher grades with further,
# hidden tests of the same functions.
#
# The first code cell lists the exercises, the function each asks for, and its points.

# %%
import numpy as np
import torch
from scipy import special

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # small networks train fastest on one CPU thread
overview("09")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 09.1 · The conjugate of Jeffreys' divergence
#
# Jeffreys' divergence is $\mathrm{KL}(P\,\|\,Q) + \mathrm{KL}(Q\,\|\,P)$, the $f$-divergence of
# $f(u) = (u - 1)\log u$. Its convex conjugate $f^*(t) = \sup_{u > 0}\big(ut - f(u)\big)$ has
# no elementary form, but it has a closed one. At the supremum $f'(u) = t$, that is
# $\log u + 1 - 1/u = t$; substitute $w = 1/u$ and this reads $w e^{w} = e^{1 - t}$, so
# $w = W(e^{1-t})$ with Lambert's $W$ function. Put it back:
#
# $$f^*(t) = W(e^{1-t}) + \frac{1}{W(e^{1-t})} + t - 2.$$
#
# Write `jeffreys_conjugate(t)` for an array (or a number) `t` of real values, returning a
# NumPy array of the same shape (a float for a number). Raise a `ValueError` naming `t` if an
# entry is not finite.

# %%
def jeffreys_conjugate(t):
    """f*(t) for f(u) = (u - 1) log u.

    Inputs:
        t: a number or an array of finite real numbers.
    Returns:
        f*(t), the same shape as t.
    """
    # Hint: scipy.special.lambertw returns complex numbers; on this branch (k=0) and for a
    # positive argument the value is real: take .real.
    ### BEGIN SOLUTION
    t_arr = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t_arr)):
        raise ValueError(f"t must hold finite numbers, got {t!r}")
    w = special.lambertw(np.exp(1.0 - t_arr)).real
    out = w + 1.0 / w + t_arr - 2.0
    return float(out) if np.ndim(t) == 0 else out
    ### END SOLUTION


# %%
check("09.1", jeffreys_conjugate)

# %% [markdown]
# ## Exercise 09.2 · The f-GAN discriminator's loss
#
# For the squared Hellinger distance, $f(u) = (\sqrt u - 1)^2$ and $f^*(t) = t/(1 - t)$ for
# $t < 1$. Nowozin et al. map the network's output $v$ into that domain with the activation
# $T = g_f(v) = 1 - e^{v}$. The discriminator *maximises* the bound
# $\mathbb E_{P_\text{data}} T - \mathbb E_{P_G} f^*(T)$; as a loss to minimise, return
#
# $$-\Big(\frac1n\sum_i T(v^\text{real}_i) - \frac1m\sum_j f^*\big(T(v^\text{fake}_j)\big)\Big)$$
#
# as a scalar tensor (with its graph: the checks differentiate it). `v_real` and `v_fake` are
# tensors of shape `(n,)` or `(n, 1)` (and `(m,)` or `(m, 1)`).

# %%
def hellinger_d_loss(v_real, v_fake):
    """The f-GAN discriminator loss for the squared Hellinger distance.

    Inputs:
        v_real: tensor (n,) or (n, 1), D's raw outputs on real samples.
        v_fake: tensor (m,) or (m, 1), D's raw outputs on generated samples.
    Returns:
        scalar tensor.
    """
    # Hint: simplify f*(g_f(v)) on paper first -- it is a one-liner, and stable.
    ### BEGIN SOLUTION
    t_real = 1.0 - torch.exp(v_real.reshape(-1))
    conj_fake = torch.exp(-v_fake.reshape(-1)) - 1.0  # t / (1 - t) at t = 1 - e^v
    return -(t_real.mean() - conj_fake.mean())
    ### END SOLUTION


# %%
check("09.2", hellinger_d_loss)

# %% [markdown]
# ## Exercise 09.3 · The f-GAN generator's loss
#
# The generator *minimises* the same bound; only its second term depends on $G$. Return
# $-\frac1m\sum_j f^*\big(T(v^\text{fake}_j)\big)$ for the squared Hellinger distance (with
# the activation of 09.2) as a scalar tensor.

# %%
def hellinger_g_loss(v_fake):
    """The f-GAN generator loss for the squared Hellinger distance.

    Inputs:
        v_fake: tensor (m,) or (m, 1), D's raw outputs on generated samples.
    Returns:
        scalar tensor.
    """
    ### BEGIN SOLUTION
    return -(torch.exp(-v_fake.reshape(-1)) - 1.0).mean()
    ### END SOLUTION


# %%
check("09.3", hellinger_g_loss)

# %% [markdown]
# ## Exercise 09.4 · EBGAN's margin loss
#
# EBGAN's discriminator outputs an energy $e(x) \ge 0$ per sample (an auto-encoder's
# reconstruction error). It lowers the energy of real samples and raises that of generated
# ones, but only up to a margin $m$:
#
# $$\frac1n\sum_i e(x_i) + \frac1m\sum_j \max\big(0,\, m - e(G(z_j))\big).$$
#
# Return it as a scalar tensor. Raise a `ValueError` naming `margin` unless `margin > 0`, and
# one naming `energies` if any energy is negative.

# %%
def ebgan_d_loss(e_real, e_fake, margin):
    """EBGAN's discriminator loss.

    Inputs:
        e_real: tensor (n,) or (n, 1) of energies >= 0 of real samples.
        e_fake: tensor (m,) or (m, 1) of energies >= 0 of generated samples.
        margin: float > 0.
    Returns:
        scalar tensor.
    """
    ### BEGIN SOLUTION
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin!r}")
    if (e_real < 0).any() or (e_fake < 0).any():
        raise ValueError("energies must be >= 0 (reconstruction errors)")
    return e_real.reshape(-1).mean() + torch.relu(margin - e_fake.reshape(-1)).mean()
    ### END SOLUTION


# %%
check("09.4", ebgan_d_loss)

# %% [markdown]
# ## Exercise 09.5 · Mode covering or mode seeking? An experiment
#
# Lecture 09 trained $f$-GANs whose generator is one Gaussian, $G(z) = \mu + \sigma z$, on
# lecture 01's two modes. Repeat the experiment for any divergence: for each seed in `seeds`
# (in order), build the run with `gancourse.loss_zoo.make_fgan_1d(divergence, seed,
# steps=steps, device="cpu")`, train it (`trainer.train()`), and record the generator's final
# $\mu$ (`float(trainer.G.mu.detach())`) and $\sigma$ (`trainer.G.sigma`). Return a NumPy array
# of shape `(len(seeds), 2)`, one row $(\mu, \sigma)$ per seed.
#
# The checks re-run your protocol on a short budget, then ask the real question on 800 steps:
# does KL spread over both modes, and does reverse KL pick one?

# %%
def fit_two_modes(divergence, seeds=(0, 1), steps=1500):
    """Final (mu, sigma) of the f-GAN generator for each seed.

    Returns:
        array (len(seeds), 2).
    """
    from gancourse.loss_zoo import make_fgan_1d

    ### BEGIN SOLUTION
    rows = []
    for seed in seeds:
        trainer = make_fgan_1d(divergence, seed, steps=steps, device="cpu")
        trainer.train()
        rows.append((float(trainer.G.mu.detach()), trainer.G.sigma))
    return np.array(rows)
    ### END SOLUTION


# %%
check("09.5", fit_two_modes)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("09")

# %% [markdown]
# ## Going further (not graded)
#
# * Add Jeffreys' divergence to an $f$-GAN: its activation can be the identity (the conjugate
#   is finite on all of $\mathbb R$). Run 09.5's experiment with it. Does it cover the modes
#   like KL, or sit between them?
# * In 09.2, replace the activation by $1 - e^{-v}$. Which sign convention does the trained
#   discriminator end up with, and does the generator care?
# * With your `ebgan_d_loss`, what does the optimal energy look like on two overlapping 1-D
#   Gaussians for margins 0.5, 1 and 2? Compare with lecture 09's $m(1 - \mathrm{TV})$.
