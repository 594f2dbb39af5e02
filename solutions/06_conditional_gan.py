# ---
# jupyter:
#   gancourse:
#     lecture: '06'
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
# # Exercises 06 · Conditional GANs
#
# Six graded exercises that go with lecture 06.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/06_conditional_gan.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/06` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy and PyTorch; except in 06.6, an experiment with the course's cGAN, don't
# call the `gancourse` functions that solve the exercise for you. Your teacher grades with
# further, hidden tests of the same functions.
#
# The first code cell lists the exercises, the function each asks for, and its points.

# %%
import numpy as np
import torch
import torch.nn.functional as F

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # small networks run fastest on one CPU thread (see its docstring)
overview("06")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 06.1 · One-hot conditioning
#
# A conditional MLP receives $z$ and the label $y$ side by side: concatenate $z$ (shape
# $(B, k)$) with the one-hot code of $y$ (shape $(B, n)$, a 1 in column $y_i$ of row $i$).
# Raise a `ValueError` that names `y` if a label is outside $0 \dots n-1$.

# %%
def condition_input(z, y, n_classes):
    """The input of G(z | y): [z, one_hot(y)].

    Inputs:
        z: torch.Tensor (B, k), float.
        y: torch.Tensor (B,), integer labels.
        n_classes: int.
    Returns:
        torch.Tensor (B, k + n_classes), same dtype as z.
    """
    # Hint: check the labels' range first (a ValueError that names y); then build the
    # one-hot code and concatenate it to z.
    ### BEGIN SOLUTION
    if y.numel() and (int(y.min()) < 0 or int(y.max()) >= n_classes):
        raise ValueError(f"y must hold labels from 0 to {n_classes - 1}, got {y.tolist()}")
    code = torch.zeros(len(y), n_classes, dtype=z.dtype)
    code[torch.arange(len(y)), y.long()] = 1.0
    return torch.cat([z, code], dim=1)
    ### END SOLUTION


# %%
check("06.1", condition_input)

# %% [markdown]
# ## Exercise 06.2 · Mismatched labels
#
# For every real image with label $y_i$, draw a wrong label $y'_i \ne y_i$, uniformly among the
# other $n - 1$ classes. (Hint: add a random shift from $1$ to $n - 1$, modulo $n$.) Use
# `torch.Generator().manual_seed(seed)` for the random numbers.

# %%
def mismatched_labels(y, n_classes, seed):
    """Labels that are surely wrong, uniform over the wrong classes.

    Inputs:
        y: torch.Tensor (B,), integer labels in 0..n_classes-1.
        n_classes: int >= 2.
        seed: int.
    Returns:
        torch.Tensor (B,), int64.
    """
    # Hint: adding a random shift from 1 to n_classes - 1, modulo n_classes, never gives
    # back the true label.
    ### BEGIN SOLUTION
    gen = torch.Generator().manual_seed(seed)
    shift = torch.randint(1, n_classes, y.shape, generator=gen)
    return (y.long() + shift) % n_classes
    ### END SOLUTION


# %%
check("06.2", mismatched_labels)

# %% [markdown]
# ## Exercise 06.3 · The pair discriminator's loss
#
# $D$ outputs logits for three kinds of pairs: real pairs $(y, x)$, generated pairs
# $(y, G(z \mid y))$ and mismatched pairs $(y', x)$. Its loss is the binary cross-entropy with
# targets 1, 0 and 0, each averaged over its batch, the mismatched term multiplied by
# `mismatch_weight`:
# $-\overline{\log \sigma(\ell_{real})} - \overline{\log(1 - \sigma(\ell_{fake}))}
#  - w\,\overline{\log(1 - \sigma(\ell_{mis}))}$.
# Compute it stably (`F.binary_cross_entropy_with_logits` or `F.logsigmoid`).

# %%
def pair_discriminator_loss(logits_real, logits_fake, logits_mismatch, mismatch_weight):
    """Conditional D's loss with mismatched negatives.

    Inputs:
        logits_real, logits_fake, logits_mismatch: torch.Tensor (B,) each (B may differ).
        mismatch_weight: float >= 0.
    Returns:
        a scalar torch.Tensor.
    """
    # Hint: three binary cross-entropies on logits: real pairs to 1, fakes and
    # mismatched pairs to 0.
    ### BEGIN SOLUTION
    real = F.binary_cross_entropy_with_logits(logits_real, torch.ones_like(logits_real))
    fake = F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    wrong = F.binary_cross_entropy_with_logits(logits_mismatch,
                                               torch.zeros_like(logits_mismatch))
    return real + fake + mismatch_weight * wrong
    ### END SOLUTION


# %%
check("06.3", pair_discriminator_loss)

# %% [markdown]
# ## Exercise 06.4 · Accuracy per requested class
#
# A judge predicted labels for generated images that were asked to be `requested`. Return the
# overall share of agreement and the share within each requested class (`nan` for a class
# that was never requested).

# %%
def per_class_accuracy(predicted, requested, n_classes):
    """Overall and per-class agreement of predicted with requested labels.

    Inputs:
        predicted, requested: np.ndarray (n,), integer labels.
        n_classes: int.
    Returns:
        tuple (overall: float, per_class: np.ndarray of shape (n_classes,)).
    """
    # Hint: compare the two label arrays once, then average the hits within each requested
    # class (NaN for a class never requested).
    ### BEGIN SOLUTION
    predicted, requested = np.asarray(predicted), np.asarray(requested)
    hits = predicted == requested
    per_class = np.array([hits[requested == k].mean() if np.any(requested == k) else np.nan
                          for k in range(n_classes)])
    return float(hits.mean()), per_class
    ### END SOLUTION


# %%
check("06.4", per_class_accuracy)

# %% [markdown]
# ## Exercise 06.5 · Diversity within a class
#
# For each class $k$, the mean Euclidean distance between two *different* images of class $k$
# (over all unordered pairs); `nan` for a class with fewer than two images. A generator that
# draws the same image every time scores 0 however well the judge labels it.

# %%
def within_class_diversity(x, y, n_classes):
    """Mean pairwise distance within each class.

    Inputs:
        x: np.ndarray (n, d), images as vectors.
        y: np.ndarray (n,), integer labels.
        n_classes: int.
    Returns:
        np.ndarray (n_classes,).
    """
    # Hint: for each class, all pairwise distances of its images, each pair counted once.
    ### BEGIN SOLUTION
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    out = np.full(n_classes, np.nan)
    for k in range(n_classes):
        xk = x[y == k]
        m = len(xk)
        if m >= 2:
            dist = np.sqrt(((xk[:, None, :] - xk[None, :, :]) ** 2).sum(-1))
            out[k] = dist[np.triu_indices(m, 1)].mean()
    return out
    ### END SOLUTION


# %%
check("06.5", within_class_diversity)

# %% [markdown]
# ## Exercise 06.6 · What mismatched pairs buy: an experiment
#
# Lecture 06 claims that mismatched real pairs — a real $x$ shown with a wrong label, to be
# rejected — make $G$ respect $y$ sooner. Test it on the ring. For each of
# `mismatch=True` and `mismatch=False`, build the ring cGAN with
# `gancourse.conditional.make_ring_cgan(seed=seed, steps=steps, mismatch=..., device="cpu")`,
# train it (`trainer.train()`), and measure `ring_condition_rate(trainer.G)`: the share of
# $G(z \mid y)$ samples that land within 3 standard deviations of the mode asked for. Return
# the two rates. The checks train at two budgets and two seeds: early on (400 steps),
# mismatches should lead clearly; given twice the steps, the plain cGAN catches up.

# %%
def mismatch_experiment(steps, seed):
    """The ring cGAN's condition rate with and without mismatched pairs.

    Inputs:
        steps: int, training steps of each run.
        seed: int, seeds both runs (the same networks at the start).
    Returns:
        tuple (rate_with_mismatch: float, rate_without: float), each in [0, 1].
    """
    from gancourse.conditional import make_ring_cgan, ring_condition_rate

    # Hint: two runs that differ only in mismatch=True / False; train each, then measure.
    ### BEGIN SOLUTION
    rates = []
    for mismatch in (True, False):
        trainer = make_ring_cgan(seed=seed, steps=steps, mismatch=mismatch, device="cpu")
        trainer.train()
        rates.append(ring_condition_rate(trainer.G))
    return rates[0], rates[1]
    ### END SOLUTION


# %%
check("06.6", mismatch_experiment)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("06")

# %% [markdown]
# ## Going further (not graded)
#
# * Train `gancourse.conditional.make_digit_cgan(data, "pairs")` and `"pairs+mismatch"` and
#   record the judge's accuracy every 250 steps. When does each pass 90%?
# * Use your `within_class_diversity` to compare a class's real images with the same number of
#   generated ones. Which digits does the generator draw with the least variety?
