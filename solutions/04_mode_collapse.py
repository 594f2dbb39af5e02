# ---
# jupyter:
#   gancourse:
#     lecture: '04'
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
# # Exercises 04 · Mode collapse
#
# Five graded exercises that go with lecture 04.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/04_mode_collapse.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/04` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy and PyTorch; in 04.1–04.4 don't call the `gancourse` functions that solve
# the exercise for you (04.5 asks you to use the course's training loop). Your teacher grades
# with further, hidden tests of the same functions.
#
# The first code cell lists the exercises, the function each asks for, and its points.

# %%
import numpy as np
import torch

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # small networks run fastest on one CPU thread (see its docstring)
overview("04")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 04.1 · Counting modes and high-quality samples
#
# The literature's rule (VEEGAN, PacGAN): a sample is of high quality if it lies within
# `threshold` standard deviations of its nearest mode; a mode is captured if it is the nearest
# mode of at least one high-quality sample.

# %%
def mode_statistics(samples, means, std, threshold=3.0):
    """Modes captured and the share of high-quality samples.

    Inputs:
        samples: np.ndarray of shape (n, d), generated points.
        means: np.ndarray of shape (K, d), the modes.
        std: float, the modes' standard deviation.
        threshold: float, in standard deviations.
    Returns:
        tuple (modes_captured: int, high_quality: float in [0, 1]).
    """
    # Hint: the (n, K) matrix of squared distances comes from broadcasting
    # samples[:, None, :] - means[None, :, :].
    ### BEGIN SOLUTION
    samples, means = np.asarray(samples, dtype=float), np.asarray(means, dtype=float)
    d2 = ((samples[:, None, :] - means[None, :, :]) ** 2).sum(-1)
    nearest = d2.argmin(axis=1)
    good = np.sqrt(d2.min(axis=1)) <= threshold * std
    return int(len(np.unique(nearest[good]))), float(good.mean())
    ### END SOLUTION


# %%
check("04.1", mode_statistics)

# %% [markdown]
# ## Exercise 04.2 · PacGAN packing
#
# A PacGAN discriminator judges `pack` samples at once: a batch of shape $(B, d)$ becomes
# $B/\text{pack}$ rows, each the concatenation of `pack` consecutive samples.

# %%
def pack_samples(x, pack):
    """Concatenate consecutive groups of `pack` samples.

    Inputs:
        x: torch.Tensor of shape (B, d), with B a multiple of pack.
        pack: int >= 1.
    Returns:
        torch.Tensor of shape (B // pack, pack * d): row i is x[pack*i], ..., x[pack*i + pack - 1]
        side by side.
    """
    # Hint: consecutive rows side by side is one reshape; no loop is needed.
    ### BEGIN SOLUTION
    return x.reshape(x.shape[0] // pack, pack * x.shape[1])
    ### END SOLUTION


# %%
check("04.2", pack_samples)

# %% [markdown]
# ## Exercise 04.3 · The minibatch standard-deviation feature
#
# Karras et al. (2018) append to each sample's features one number shared by the whole batch:
# the standard deviation of every feature across the batch (population std, dividing by $B$),
# averaged over the features. A collapsed batch has a small value, and the discriminator
# sees it.

# %%
def minibatch_std_feature(h):
    """Append the batch's mean feature standard deviation as one more feature.

    Inputs:
        h: torch.Tensor of shape (B, F), features of a batch.
    Returns:
        torch.Tensor of shape (B, F + 1): h, then a column equal to mean_f std_b h[b, f].
    """
    # Hint: torch.std(..., unbiased=False) or var(..., unbiased=False).sqrt(); expand a scalar
    # to (B, 1) and concatenate.
    ### BEGIN SOLUTION
    std = h.var(dim=0, unbiased=False).sqrt().mean()
    return torch.cat([h, std.expand(h.shape[0], 1)], dim=1)
    ### END SOLUTION


# %%
check("04.3", minibatch_std_feature)

# %% [markdown]
# ## Exercise 04.4 · Gradient play on x·y
#
# On $\min_x \max_y xy$, $x$ descends and $y$ ascends. *Simultaneous* steps use the old values
# for both updates; *alternating* steps update $x$ first and let $y$ answer the new $x$.

# %%
def bilinear_trajectory(x0, y0, lr, steps, alternating):
    """The points (x_t, y_t) of gradient play on x * y.

    Inputs:
        x0, y0: floats, the start.
        lr: float, the learning rate of both players.
        steps: int.
        alternating: bool, False for simultaneous steps.
    Returns:
        np.ndarray of shape (steps + 1, 2), starting point first.
    """
    # Hint: alternating play updates x first and lets y react to the new x;
    # simultaneous play updates both from the old values.
    ### BEGIN SOLUTION
    points = [(x0, y0)]
    x, y = x0, y0
    for _ in range(steps):
        if alternating:
            x = x - lr * y
            y = y + lr * x
        else:
            x, y = x - lr * y, y + lr * x
        points.append((x, y))
    return np.array(points, dtype=float)
    ### END SOLUTION


# %%
check("04.4", bilinear_trajectory)

# %% [markdown]
# ## Exercise 04.5 · Minibatch-std against collapse
#
# A small experiment with the course's training loop. Reproduce lecture 04's set-up on the ring
# — `gancourse.seed_everything(seed)`, then `MLPGenerator(2, 2, (64, 64))` and
# `MLPDiscriminator(2, (64, 64), minibatch_std=True)`, `TrainConfig(steps=steps,
# batch_size=128, lr_d=1e-3, lr_g=3e-3, betas=(0.5, 0.9), lr_decay_start=0.5, lr_final=0.05,
# seed=seed, progress=False)` (the schedule `gancourse.experiments.COLLAPSE_SCHEDULE`), a
# `GANTrainer` on `gancourse.Ring()` — train it, and count the modes captured by
# `trainer.sample(2500)` with your `mode_statistics` (the ring's std is 0.01). The check trains
# seeds 0, 1 and 2 and expects the middle one to capture at least 6 of the 8 modes: a claim about
# the method, not about one run, whose end point another CPU's rounding can change.

# %%
def modes_with_minibatch_std(steps, seed):
    """Modes captured on the ring by a small GAN with a minibatch-std discriminator.

    Inputs:
        steps: int, generator steps.
        seed: int.
    Returns:
        int, modes captured (0 to 8) by 2500 samples.
    """
    # Hint: the text above lists every ingredient; count modes with your mode_statistics.
    ### BEGIN SOLUTION
    import gancourse as gc
    from gancourse.models import MLPDiscriminator, MLPGenerator
    from gancourse.training import GANTrainer, TrainConfig

    gc.seed_everything(seed)
    ring = gc.Ring()
    G = MLPGenerator(2, 2, (64, 64))
    D = MLPDiscriminator(2, (64, 64), minibatch_std=True)
    config = TrainConfig(steps=steps, batch_size=128, lr_d=1e-3, lr_g=3e-3, betas=(0.5, 0.9),
                         lr_decay_start=0.5, lr_final=0.05, seed=seed, progress=False)
    trainer = GANTrainer(G, D, ring, config, device="cpu")
    trainer.train()
    modes, _ = mode_statistics(trainer.sample(2500).numpy(), ring.means, 0.01)
    return modes
    ### END SOLUTION


# %%
check("04.5", modes_with_minibatch_std)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("04")

# %% [markdown]
# ## Going further (not graded)
#
# * Run `modes_with_minibatch_std` for seeds 0–4 and compare with the same set-up without
#   minibatch-std. How often does each collapse?
# * Plot `bilinear_trajectory` for learning rates 0.01, 0.1 and 0.5. Which one would you call
#   "training", and why does none of them reach (0, 0)?
