# ---
# jupyter:
#   gancourse:
#     lecture: '05'
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
# # Exercises 05 · Wasserstein GAN and the earth mover's distance
#
# Six graded exercises that go with lecture 05.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/05_wasserstein.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/05` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy, SciPy's `linprog` and PyTorch; except in 05.5, which asks you to use the
# course's critic trainer, don't call the `gancourse` functions that solve the exercise for you.
# Your teacher grades with further, hidden tests of the same functions.
#
# The first code cell lists the exercises, the function each asks for, and its points.

# %%
import numpy as np
import torch
from scipy.optimize import linprog

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # small networks run fastest on one CPU thread (see its docstring)
overview("05")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 05.1 · The earth mover's distance as a linear programme
#
# Minimise $\sum_{ij} \gamma_{ij} C_{ij}$ over plans $\gamma \ge 0$ with row sums $p$ and
# column sums $q$. Flatten $\gamma$ row by row into a vector of $n m$ unknowns and pass the
# equality constraints to `scipy.optimize.linprog(c, A_eq=..., b_eq=..., bounds=(0, None))`.

# %%
def emd_linear_programme(p, q, cost):
    """Earth mover's distance and an optimal plan.

    Inputs:
        p: np.ndarray (n,), masses of P (sum 1).
        q: np.ndarray (m,), masses of Q (sum 1).
        cost: np.ndarray (n, m), cost of moving unit mass from i to j.
    Returns:
        tuple (distance: float, plan: np.ndarray of shape (n, m)).
    """
    # Hint: np.kron(np.eye(n), np.ones((1, m))) has one row per i that sums gamma[i, :].
    ### BEGIN SOLUTION
    p, q, cost = (np.asarray(a, dtype=float) for a in (p, q, cost))
    n, m = cost.shape
    rows = np.kron(np.eye(n), np.ones((1, m)))
    cols = np.kron(np.ones((1, n)), np.eye(m))
    res = linprog(cost.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([p, q]),
                  bounds=(0, None), method="highs")
    plan = res.x.reshape(n, m)
    return float(res.fun), plan
    ### END SOLUTION


# %%
check("05.1", emd_linear_programme)

# %% [markdown]
# ## Exercise 05.2 · The optimal critic on the line
#
# Histograms $p$ and $q$ on sorted points $x_0 < x_1 < \dots$. Between $x_k$ and $x_{k+1}$ a
# net mass $\sum_{i \le k} (p_i - q_i)$ must cross to the right (negative: to the left). The best
# 1-Lipschitz critic falls with slope $-1$ across a gap where mass moves right and rises with
# slope $+1$ where it moves left (any slope in $[-1, 1]$ will do where nothing crosses: use 0).
# Return the critic's values with $f(x_0) = 0$, and $\sum_i f_i (p_i - q_i)$, which is $W_1$.

# %%
def optimal_critic_1d(x, p, q):
    """The Kantorovich-Rubinstein critic on the line.

    Inputs:
        x: np.ndarray (n,), increasing points.
        p, q: np.ndarray (n,), masses of P and Q at the points (each sums to 1).
    Returns:
        tuple (f: np.ndarray of shape (n,), with f[0] = 0; value: float).
    """
    # Hint: f climbs with slope -1 or +1 between neighbouring points, by the sign of the
    # cumulative surplus sum(p - q) up to there.
    ### BEGIN SOLUTION
    x, p, q = (np.asarray(a, dtype=float) for a in (x, p, q))
    crossing = np.cumsum(p - q)[:-1]
    f = np.concatenate([[0.0], np.cumsum(-np.sign(crossing) * np.diff(x))])
    return f, float(np.sum(f * (p - q)))
    ### END SOLUTION


# %%
check("05.2", optimal_critic_1d)

# %% [markdown]
# ## Exercise 05.3 · Weight clipping and the slope it allows
#
# The original WGAN clamps every weight to $[-c, c]$. Return the clipped weight matrices (new
# tensors; leave the inputs unchanged) and the largest Lipschitz constant a network with these
# layer shapes and 1-Lipschitz activations can have after clipping: the product over layers
# of the largest possible spectral norm of an $m \times n$ matrix with entries in $[-c, c]$.
# (Hint: $\|W\|_2 \le \|W\|_F$; which matrix attains it?)

# %%
def clip_and_bound(weights, c):
    """Clip weights and bound the clipped network's slope.

    Inputs:
        weights: list of torch.Tensor, each of shape (m_k, n_k).
        c: float > 0.
    Returns:
        tuple (clipped: list of torch.Tensor, bound: float).
    """
    # Hint: a clipped matrix's largest singular value is at most that of the all-c matrix
    # of its shape; the network's slope is at most the product over layers.
    ### BEGIN SOLUTION
    clipped = [w.clamp(-c, c) for w in weights]
    bound = 1.0
    for w in weights:
        m, n = w.shape
        bound *= c * np.sqrt(m * n)  # the all-c matrix has rank 1 and norm c sqrt(mn)
    return clipped, float(bound)
    ### END SOLUTION


# %%
check("05.3", clip_and_bound)

# %% [markdown]
# ## Exercise 05.4 · Power iteration for the spectral norm
#
# From the given start `v0`, repeat `n_iter` times: $u \leftarrow W v / \|W v\|$,
# $v \leftarrow W^\top u / \|W^\top u\|$. Return $\sigma = u^\top W v$ and the final $u$, $v$.

# %%
def power_iteration(W, v0, n_iter):
    """Largest singular value of W by power iteration.

    Inputs:
        W: torch.Tensor (m, n).
        v0: torch.Tensor (n,), the starting vector (not necessarily of norm 1).
        n_iter: int >= 1.
    Returns:
        tuple (sigma: float, u: torch.Tensor (m,), v: torch.Tensor (n,)).
    """
    # Hint: alternate u = W v and v = W^T u, normalising each; sigma = u^T W v.
    ### BEGIN SOLUTION
    v = v0 / v0.norm()
    for _ in range(n_iter):
        u = W @ v
        u = u / u.norm()
        v = W.T @ u
        v = v / v.norm()
    return float(u @ W @ v), u, v
    ### END SOLUTION


# %%
check("05.4", power_iteration)

# %% [markdown]
# ## Exercise 05.5 · A critic estimates W1
#
# Use `gancourse.training.fit_discriminator` with `loss="wgan"` and a gradient penalty
# (`gp_weight=10.0`) to train `MLPDiscriminator(1, (64, 64))` on 4096 samples of
# $P = \mathcal N(0, 1)$ and 4096 of $Q = \mathcal N(m, 1)$ (`gancourse.Gaussian1D`), for
# `steps` steps with `batch_size=256` and `betas=(0.5, 0.9)`. Return the critic's estimate
# $\mathbb{E}_P f - \mathbb{E}_Q f$ on 20 000 fresh samples of each. (True value: $|m|$.)

# %%
def critic_w1_estimate(m, steps, seed):
    """W1(N(0, 1), N(m, 1)) estimated by a gradient-penalty critic.

    Inputs:
        m: float, the shift of Q.
        steps: int, critic training steps.
        seed: int, seeds the network and the samples.
    Returns:
        float, the estimate.
    """
    import gancourse as gc
    from gancourse.models import MLPDiscriminator
    from gancourse.training import fit_discriminator

    # Hint: seed first, then fit the critic with loss="wgan" and a gradient penalty, and
    # evaluate E_P f - E_Q f on fresh samples under torch.no_grad().
    ### BEGIN SOLUTION
    gc.seed_everything(seed)
    P, Q = gc.Gaussian1D(0.0, 1.0), gc.Gaussian1D(m, 1.0)
    critic = MLPDiscriminator(1, (64, 64))
    fit_discriminator(critic, P.sample(4096, seed=seed + 1), Q.sample(4096, seed=seed + 2),
                      steps=steps, batch_size=256, loss="wgan", gp_weight=10.0,
                      betas=(0.5, 0.9), seed=seed)
    with torch.no_grad():
        fresh_p, fresh_q = P.sample(20000, seed=seed + 3), Q.sample(20000, seed=seed + 4)
        return float(critic(fresh_p).mean() - critic(fresh_q).mean())
    ### END SOLUTION


# %%
check("05.5", critic_w1_estimate)

# %% [markdown]
# ## Exercise 05.6 · Write WGAN-GP's critic step
#
# Now write the critic's step yourself, in plain PyTorch, on the line. The critic is a small
# network given by its weights, $f(x) = \sum_k a_k \tanh(b_k x + c_k)$, with `theta_f` a
# $(3, h)$ tensor whose rows are $a$, $b$, $c$. One critic step of WGAN-GP (Gulrajani et al.
# 2017, Algorithm 1, with a plain gradient step instead of Adam):
#
# 1. mix $\hat x_i = \epsilon_i\, x^{real}_i + (1 - \epsilon_i)\, x^{fake}_i$ with the given
#    $\epsilon$;
# 2. the loss $L = \mathrm{mean}_i f(x^{fake}_i) - \mathrm{mean}_i f(x^{real}_i) +
#    \lambda\,\mathrm{mean}_i (|f'(\hat x_i)| - 1)^2$, with the slopes $f'(\hat x)$ from
#    `torch.autograd.grad(..., create_graph=True)`, so that the penalty's own gradient reaches
#    `theta_f`;
# 3. return $\theta_f - \text{lr}\cdot\nabla_{\theta_f} L$, a new tensor.
#
# The generated samples `x_fake` come ready-made: in a full WGAN they are $G(z)$, detached, so
# that the critic's step cannot move the generator. The checks compare one step with WGAN-GP's
# and name the classic mistakes (no penalty, the wrong sign, the penalty at the wrong points,
# a squared slope, one norm for the whole batch, the GAN's cross-entropy); then they run 300 of
# your steps on $P = \mathcal N(0, 1)$ against $Q = \mathcal N(1.5, 1)$: the estimate
# $\mathbb{E}_P f - \mathbb{E}_Q f$ must reach the penalised optimum, a little above
# $W_1 = 1.5$ (lecture 05, section 4).

# %%
def wgan_gp_critic_step(theta_f, x_real, x_fake, eps, lam, lr):
    """One gradient step of WGAN-GP's critic f(x) = sum_k a_k tanh(b_k x + c_k).

    Inputs:
        theta_f: torch.Tensor (3, h), rows a, b, c of the critic.
        x_real, x_fake: torch.Tensor (m,), real and generated samples.
        eps: torch.Tensor (m,), mixing weights in [0, 1].
        lam: float, the penalty weight; lr: float, the step size.
    Returns:
        torch.Tensor (3, h), the critic after one step down its loss.
    """
    # Hint: start from theta = theta_f.detach().clone().requires_grad_(True); write f(theta, x)
    # with broadcasting (x[:, None] against the h units); x_hat needs requires_grad_(True) too.
    ### BEGIN SOLUTION
    theta = theta_f.detach().clone().requires_grad_(True)

    def f(v):
        a, b, c = theta
        return (a * torch.tanh(b * v[:, None] + c)).sum(dim=1)

    x_hat = (eps * x_real + (1 - eps) * x_fake).detach().requires_grad_(True)
    (slope,) = torch.autograd.grad(f(x_hat).sum(), x_hat, create_graph=True)
    loss = f(x_fake).mean() - f(x_real).mean() + lam * ((slope.abs() - 1) ** 2).mean()
    (grad,) = torch.autograd.grad(loss, theta)
    return (theta - lr * grad).detach()
    ### END SOLUTION


# %%
check("05.6", wgan_gp_critic_step)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("05")

# %% [markdown]
# ## Going further (not graded)
#
# * In 05.5, train without the penalty (`gp_weight=0`) for 500 and then 1000 steps. What
#   happens to the "estimate", and why can't it settle?
# * Try `gp_weight` 1, 10 and 100 with $m = 2$. Which way is the estimate biased, and why does
#   a softer penalty let it drift further?
# * In 05.4, start from a `v0` orthogonal to the top right-singular vector. What does power
#   iteration converge to (in exact arithmetic, and in floating point)?
# * Run your 05.6 step 600 times on lecture 05's pair, $P = \mathcal N(0, 1)$ against
#   $Q = \tfrac12\mathcal N(-2, 0.5^2) + \tfrac12\mathcal N(2, 0.5^2)$, from five random
#   starts. How many find the tent? Does a smaller `lam` help, and what does it cost?
