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

# %% [markdown] slideshow={"slide_type": "slide"}
# # Lecture 01 · Maximum likelihood is KL minimisation
#
# **Goals of this lecture**
#
# 1. See generative modelling as *learning a distribution* $P_G$ that is close to $P_{data}$.
# 2. Prove, and then check with numbers, that maximising likelihood minimises
#    $\mathrm{KL}(P_{data} \,\|\, P_G)$.
# 3. See how the *direction* of the KL changes the answer: mode covering versus mode seeking.
# 4. Understand why a neural generator $G(z)$ has no likelihood we can evaluate — the reason
#    the rest of this course exists.
#
# Every claim below is computed in a cell and checked with `assert`: if a claim stopped being
# true, this notebook would fail.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Set-up
# All reusable code lives in the `gancourse` package; this notebook only calls it.
# One seed makes every number below the same on each run.

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np
import torch

import gancourse as gc
from gancourse.box_counting import touched_area
from gancourse.likelihood import (entropy_on_grid, fit_gaussian_by_kl, gaussian_log_likelihood,
                                  gaussian_mle)
from gancourse.models import mlp
from gancourse.widgets import GaussianFitExplorer

device = gc.setup(seed=0)  # seed, one CPU thread, CUDA/MPS/CPU

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Generation is learning a distribution
#
# We never see $P_{data}$ itself, only samples $x_1, \dots, x_n \sim P_{data}$: photos, poems,
# molecules. A generative model is a family of distributions $P_G(x; \theta)$, and learning
# means choosing $\theta$ so that $P_G$ is close to $P_{data}$; generating means sampling
# from $P_G$.
#
# Our running example is one-dimensional so that we can see everything: $P_{data}$ is a mixture
# of two Gaussians, $\tfrac12 \mathcal N(-2, 0.6^2) + \tfrac12 \mathcal N(2, 0.6^2)$.

# %% slideshow={"slide_type": "subslide"}
p_data_dist = gc.GaussianMixture(means=[-2.0, 2.0], stds=[0.6, 0.6])
x_real = p_data_dist.sample(20_000, seed=1)[:, 0].double().numpy()  # the data set, shape (n,)
x = np.linspace(-9, 9, 6001)  # integration grid
p_data = p_data_dist.pdf(x)

fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(x_real, bins=80, density=True, alpha=0.4, label=f"{x_real.size} samples")
ax.plot(x, p_data, "k", label="$p_{data}$ (unknown in practice)")
ax.set(xlim=(-6, 6), xlabel="x", ylabel="density", title="The data distribution")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Maximum likelihood
#
# Maximum likelihood picks the parameters under which the data are most probable:
#
# $$\theta^* = \arg\max_\theta \prod_{i=1}^n P_G(x_i; \theta)
#            = \arg\max_\theta \frac1n \sum_{i=1}^n \log P_G(x_i; \theta).$$
#
# As $n \to \infty$ the average becomes an expectation, and
#
# $$\mathbb E_{x \sim P_{data}} \log P_G(x;\theta)
#   = \int p_{data} \log p_G \,dx
#   = \underbrace{\int p_{data} \log p_{data}\,dx}_{-H(P_{data})}
#     - \underbrace{\int p_{data} \log \frac{p_{data}}{p_G}\,dx}_{\mathrm{KL}(P_{data}\,\|\,P_G)} .$$
#
# The entropy $H(P_{data})$ does not depend on $\theta$. So **maximising the likelihood is
# minimising $\mathrm{KL}(P_{data}\,\|\,P_G)$**, and the two always add up to the same
# constant $-H(P_{data})$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checking the identity on a grid of θ
# Model: $P_G = \mathcal N(\mu, 1.5^2)$ with $\mu$ on a grid. For each $\mu$ we compute the mean
# log-likelihood of the 20 000 samples (a Monte-Carlo estimate) and the KL by numerical
# integration, and add them.

# %% slideshow={"slide_type": "subslide"}
sigma_model = 1.5
mus = np.linspace(-3, 3, 121)
floor = 1e-300  # keeps log p_G finite where the model's tail underflows to 0
log_lik = np.array([gaussian_log_likelihood(x_real, mu, sigma_model) for mu in mus])
kl_fwd = np.array([gc.kl_on_grid(p_data, gc.Gaussian1D(mu, sigma_model).pdf(x) + floor, x)
                   for mu in mus])
neg_entropy = -entropy_on_grid(p_data, x)

# Monte-Carlo standard error of each log-likelihood estimate
log_p = -0.5 * ((x_real[None, :] - mus[:, None]) / sigma_model) ** 2 \
    - math.log(sigma_model) - 0.5 * math.log(2 * math.pi)
std_err = log_p.std(axis=1) / math.sqrt(x_real.size)
gap = log_lik + kl_fwd - neg_entropy

print(f"-H(P_data) = {neg_entropy:.4f}")
print(f"log-likelihood + KL ranges over [{(log_lik + kl_fwd).min():.4f}, "
      f"{(log_lik + kl_fwd).max():.4f}] while KL alone ranges over "
      f"[{kl_fwd.min():.3f}, {kl_fwd.max():.3f}]")
print(f"largest |gap| / standard error = {np.max(np.abs(gap) / std_err):.2f}")

# Claim: log-likelihood + KL = -H(P_data), up to Monte-Carlo error (4 standard errors).
assert np.all(np.abs(gap) <= 4 * std_err)
# ... so the sum is flat: at least 20 times flatter than KL itself across the grid.
assert np.ptp(log_lik + kl_fwd) < np.ptp(kl_fwd) / 20

# %% slideshow={"slide_type": "subslide"}
mu_ml, mu_kl = mus[np.argmax(log_lik)], mus[np.argmin(kl_fwd)]
step = mus[1] - mus[0]
se_mean = x_real.std() / math.sqrt(x_real.size)  # standard error of the sample mean
print(f"argmax log-likelihood: mu = {mu_ml:+.3f};  argmin KL: mu = {mu_kl:+.3f}")
# Claim: the argmax of one is the argmin of the other, up to the grid step and the
# Monte-Carlo error of the sample mean (the maximum-likelihood mu is the sample mean).
assert abs(mu_ml - mu_kl) <= step + 3 * se_mean

fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
axes[0].plot(mus, log_lik, label="mean log-likelihood")
axes[0].plot(mus, -kl_fwd + neg_entropy, "--", label=r"$-\mathrm{KL} - H(P_{data})$")
axes[0].axvline(mu_ml, color="gray", lw=0.8)
axes[0].set(xlabel=r"$\mu$", ylabel="nats", title="Likelihood and KL are mirror images")
axes[0].legend()
axes[1].plot(mus, log_lik + kl_fwd, label="log-likelihood + KL")
axes[1].axhline(neg_entropy, color="k", ls=":", label=r"$-H(P_{data})$")
axes[1].set(xlabel=r"$\mu$", ylabel="nats", title="Their sum is constant",
            ylim=(neg_entropy - 0.1, neg_entropy + 0.1))
axes[1].legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The best Gaussian: closed form and KL fit agree
#
# For a Gaussian model the maximum-likelihood estimate has a closed form: the sample mean and
# the sample standard deviation (dividing by $n$). Minimising
# $\mathrm{KL}(P_{data}\,\|\,\mathcal N(\mu, \sigma^2))$ over both parameters gives the mean
# and standard deviation of $P_{data}$ itself ("moment matching"). The two must agree up to
# sampling error.

# %% slideshow={"slide_type": "subslide"}
mle_mu, mle_sigma = gaussian_mle(x_real)
fwd_mu, fwd_sigma = fit_gaussian_by_kl(p_data, x, "forward")
true_mean = np.trapezoid(x * p_data, x)
true_std = math.sqrt(np.trapezoid((x - true_mean) ** 2 * p_data, x))
print(f"closed-form MLE:       mu = {mle_mu:+.4f}, sigma = {mle_sigma:.4f}")
print(f"forward-KL minimiser:  mu = {fwd_mu:+.4f}, sigma = {fwd_sigma:.4f}")
print(f"moments of P_data:     mu = {true_mean:+.4f}, sigma = {true_std:.4f}")

# Claims: the KL minimiser is moment matching, and the MLE estimates it.
assert abs(fwd_mu - true_mean) < 1e-4 and abs(fwd_sigma - true_std) < 1e-4
assert abs(mle_mu - fwd_mu) < 4 * se_mean
assert abs(mle_sigma - fwd_sigma) < 0.05

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Which KL? Mode covering versus mode seeking
#
# KL is not symmetric. The two ways round punish different mistakes:
#
# * **forward** $\mathrm{KL}(P_{data}\,\|\,P_G) = \int p_{data}\log\frac{p_{data}}{p_G}$ is huge
#   where data live but the model has almost no mass. The model must *cover every mode*, even
#   at the price of putting mass between them. This is maximum likelihood.
# * **reverse** $\mathrm{KL}(P_G\,\|\,P_{data}) = \int p_G\log\frac{p_G}{p_{data}}$ is huge
#   where the model puts mass but the data have none. The model prefers to *sit on one mode*
#   and ignore the others.
#
# A single Gaussian cannot fit two modes, so the two fits differ visibly.

# %% slideshow={"slide_type": "subslide"}
rev_mu, rev_sigma = fit_gaussian_by_kl(p_data, x, "reverse")
fits = {"forward KL (= MLE)": (fwd_mu, fwd_sigma), "reverse KL": (rev_mu, rev_sigma)}
print(f"{'fit':<20}{'mu':>8}{'sigma':>8}{'KL(P_data||P_G)':>18}{'KL(P_G||P_data)':>18}")
table = {}
for name, (mu, sigma) in fits.items():
    q = gc.Gaussian1D(mu, sigma).pdf(x)
    table[name] = (gc.kl_on_grid(p_data, q + floor, x), gc.kl_on_grid(q, p_data + floor, x))
    print(f"{name:<20}{mu:>8.3f}{sigma:>8.3f}{table[name][0]:>18.3f}{table[name][1]:>18.3f}")

# Claims: the forward fit covers both modes -- centred between them and wide ...
assert abs(fwd_mu) < 0.05 and fwd_sigma > 2.0
# ... the reverse fit locks onto one mode, with that mode's width ...
assert abs(abs(rev_mu) - 2.0) < 0.05 and abs(rev_sigma - 0.6) < 0.05
# ... and each is best at its own criterion.
assert table["forward KL (= MLE)"][0] < table["reverse KL"][0]
assert table["reverse KL"][1] < table["forward KL (= MLE)"][1]

# %% [markdown] slideshow={"slide_type": "subslide"}
# A neat consequence: sitting exactly on one of two equal, well separated modes costs a reverse
# KL of $\log 2$. There $p_{data} \approx \tfrac12 p_G$, so
# $\int p_G \log \frac{p_G}{p_G/2} = \log 2$. The model pays only for the mass it claims
# that the data give to the other mode -- it pays nothing for missing that mode.

# %% slideshow={"slide_type": "fragment"}
print(f"reverse KL at the mode-seeking fit: {table['reverse KL'][1]:.4f};  log 2 = {math.log(2):.4f}")
assert abs(table["reverse KL"][1] - math.log(2)) < 0.01

fig, ax = plt.subplots(figsize=(7.5, 3.2))
ax.fill_between(x, p_data, color="k", alpha=0.15, label="$p_{data}$")
for (name, (mu, sigma)), color in zip(fits.items(), ("C0", "C3")):
    ax.plot(x, gc.Gaussian1D(mu, sigma).pdf(x), color=color,
            label=fr"{name}: $\mu$={mu:+.2f}, $\sigma$={sigma:.2f}")
ax.set(xlim=(-6, 6), xlabel="x", ylabel="density",
       title="Forward KL covers the modes, reverse KL picks one")
ax.legend(fontsize=8)
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# Remember the reverse-KL picture: in lecture 04 a GAN generator that produces only some of
# the modes ("mode collapse") behaves much like this mode-seeking fit.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Try it yourself
#
# Drag $\mu$ and $\sigma$. Watch the mean log-likelihood rise exactly when the forward KL falls,
# and find the two very different places where each KL is smallest.

# %% slideshow={"slide_type": "subslide"}
explorer = GaussianFitExplorer(p_data_dist, n_samples=5000, seed=1)
explorer

# %% slideshow={"slide_type": "skip"}
# The widget computes what the cells above computed: ask it at the two fits and compare (the
# sliders on screen stay where you leave them).
at_cover = explorer.result_at(mu=0.0, sigma=2.1)
at_mode = explorer.result_at(mu=2.0, sigma=0.6)
assert at_cover["kl"] < at_mode["kl"] and at_mode["reverse_kl"] < at_cover["reverse_kl"]
assert abs(at_cover["log_likelihood"]
           - gaussian_log_likelihood(explorer.samples, 0.0, 2.1)) < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Why a neural generator has no likelihood to maximise
#
# A GAN's generator is a network $G(z;\theta_g)$ fed with noise $z \sim p_z = \mathcal N(0, I)$.
# Its distribution is the **push-forward** of $p_z$ through $G$, written $P_G = G_\# p_z$: the
# probability of a set $A$ is the probability that the noise lands on a $z$ that $G$ sends into
# $A$,
#
# $$P_G(A) = \Pr[G(z) \in A] = \int p_z(z)\, \mathbb 1[G(z) \in A]\, dz ,
#   \qquad\text{formally}\quad p_g(x) = \int p_z(z)\, \delta(x - G(z))\, dz .$$
#
# Sampling is easy (draw $z$, compute $G(z)$), but evaluating $p_g(x)$ is not: there is no
# formula for which $z$ land near $x$. Worse, when the latent space has fewer dimensions than
# the data, $G$ maps it onto a thin surface of **zero volume**. Then $P_G$ has no density at
# all (the formal $p_g$ above is not a function), so there is no likelihood to maximise: every
# real data point that lies off the surface gets no probability mass, and a point on it has
# no finite density to speak of.
#
# Below: a randomly initialised network $G:\mathbb R^1 \to \mathbb R^2$, and for contrast one
# $G_2:\mathbb R^2 \to \mathbb R^2$. We cover the plane with square cells and count the area of
# the cells their samples touch. For a region the count settles on its area as the cells
# shrink; for a curve it shrinks in proportion to the cell size: zero area in the limit.

# %% slideshow={"slide_type": "subslide"}
torch.manual_seed(0)
G = mlp(1, 2, hidden=(32, 32), activation=torch.nn.Tanh, device=device)
G2 = mlp(2, 2, hidden=(32, 32), activation=torch.nn.Tanh, device=device)
with torch.no_grad():
    x_fake = G(torch.randn(400_000, 1, device=device)).cpu().numpy()  # (400000, 2): a curve
    x_region = G2(torch.randn(400_000, 2, device=device)).cpu().numpy()  # (400000, 2)

cells = [0.04, 0.02, 0.01, 0.005]
areas = [touched_area(x_fake, h) for h in cells]
region_cells = [0.04, 0.02, 0.01]  # coarser: 400k points must fill a region's cells
region_areas = [touched_area(x_region, h) for h in region_cells]
ratios = np.array(areas[1:]) / np.array(areas[:-1])
region_ratios = np.array(region_areas[1:]) / np.array(region_areas[:-1])
for h, a in zip(cells, areas):
    print(f"cell size {h:<6}: area touched by 400k samples of G(z), z in R^1 = {a:.4f}")
for h, a in zip(region_cells, region_areas):
    print(f"cell size {h:<6}: area touched by 400k samples of G2(z), z in R^2 = {a:.4f}")
# Claims: for z in R^1, halving the cell halves the touched area (a curve: zero area); for
# z in R^2 the same measurement settles (a region with positive area). The measurement can
# tell the two apart, so the first result is a finding, not an artefact of the method.
assert np.all((ratios > 0.4) & (ratios < 0.6))
assert np.all(region_ratios > 0.75)  # edge cells only: about 0.85 here, 0.5 for a curve

fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
axes[0].scatter(x_fake[:3000, 0], x_fake[:3000, 1], s=2)
axes[0].set(xlabel="$x_1$", ylabel="$x_2$", title="3000 samples of $G(z)$, $z \\in \\mathbb{R}$")
axes[1].loglog(cells, areas, "o-", label="area touched, $z \\in \\mathbb{R}^1$")
axes[1].loglog(region_cells, region_areas, "s-", label="area touched, $z \\in \\mathbb{R}^2$")
axes[1].loglog(cells, areas[0] * np.array(cells) / cells[0], "k:", label="∝ cell size")
axes[1].set(xlabel="cell size", ylabel="area", title="The image has zero area")
axes[1].legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# So we need **another way to measure how far $P_G$ is from $P_{data}$** — one that needs only
# samples of $P_G$. A discriminator that tries to tell real samples from generated ones is
# such a way: that is the GAN of lecture 02.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * Maximum likelihood $\equiv$ minimising $\mathrm{KL}(P_{data}\,\|\,P_G)$: on every $\theta$
#   the mean log-likelihood plus the KL equals $-H(P_{data})$ (checked above to Monte-Carlo
#   precision).
# * Forward KL (maximum likelihood) is **mode covering**; reverse KL is **mode seeking** and
#   pays only $\log 2$ for ignoring one of two equal modes.
# * A neural generator $G(z)$ defines $P_G$ only through sampling; with a low-dimensional
#   latent space $P_G$ has no density, so there is no likelihood to maximise.
#
# ## Further reading
#
# * I. Goodfellow et al., *Generative Adversarial Nets*, NeurIPS 2014.
# * I. Goodfellow, *NIPS 2016 Tutorial: Generative Adversarial Networks*, arXiv:1701.00160,
#   section 2 (maximum likelihood and the taxonomy of generative models).
# * C. Bishop, *Pattern Recognition and Machine Learning*, 2006, section 10.1.2 (the two KLs
#   fitted to a bimodal density).
# * L. Theis, A. van den Oord, M. Bethge, *A note on the evaluation of generative models*,
#   ICLR 2016.
# * M. Arjovsky, L. Bottou, *Towards Principled Methods for Training GANs*, ICLR 2017
#   (distributions on low-dimensional manifolds).
