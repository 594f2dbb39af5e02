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
# # Lecture 02 · The GAN game and the optimal discriminator
#
# **Goals of this lecture**
#
# 1. Write down the game between a generator $G$ and a discriminator $D$, and its value
#    $V(G, D)$.
# 2. Derive the best discriminator $D^*$ for a fixed generator, and check that a network
#    trained on samples finds it.
# 3. Show that the game, played against $D^*$, measures the Jensen–Shannon divergence:
#    $\max_D V(G, D) = -\log 4 + 2\,\mathrm{JSD}(P_{data}\,\|\,P_G)$.
# 4. Run Algorithm 1 and watch $P_G$ move onto $P_{data}$.
# 5. See why practitioners replace the generator's loss $\log(1 - D(G(z)))$ by
#    $-\log D(G(z))$.
# 6. Play the game yourself in the live lab, step by step, and see the saturating loss leave
#    the generator's samples without a push.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Set-up

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.spatial.distance import jensenshannon

import gancourse as gc
from gancourse.fields import discriminator_field
from gancourse.losses import g_loss_minimax, g_loss_nonsaturating
from gancourse.models import AffineGenerator, MLPDiscriminator, probability_on_grid
from gancourse.plots import plot_game_frame
from gancourse.saturation import poor_start
from gancourse.training import FrameRecorder, GANTrainer, TrainConfig
from gancourse.widgets import GameExplorer, LiveLab

device = gc.setup(seed=0)  # seed, one CPU thread, CUDA/MPS/CPU
LOG4 = math.log(4)
x = np.linspace(-6, 6, 2401)  # integration grid for every density below

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The game
#
# Lecture 01 ended with a problem: a generator $G(z;\theta_g)$, $z \sim p_z = \mathcal N(0, I)$,
# defines $P_G$ only through its samples. Goodfellow et al. (2014) proposed to let a second
# network judge those samples. The discriminator $D(x;\theta_d) \in (0, 1)$ is the
# probability that $x$ is real; it is trained to tell real from generated samples, while $G$ is
# trained to fool it. Both optimise one value,
#
# $$V(G, D) = \mathbb E_{x\sim P_{data}}[\log D(x)] + \mathbb E_{z\sim p_z}[\log(1 - D(G(z)))]
#           = \int p_{data}(x)\log D(x) + p_g(x)\log(1 - D(x))\,dx ,$$
#
# which $D$ maximises (it is the log-likelihood of a real-versus-fake classifier) and $G$
# minimises:
#
# $$G^* = \arg\min_G \max_D V(G, D).$$
#
# The generator never sees a density; it only needs gradients of $D$ at its own samples.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The best discriminator for a fixed generator
#
# Fix $G$, and assume for now that both distributions have densities $p_{data}$ and $p_g$ (in
# this lecture they do: every example is a 1-D density). Then
# $V = \int p_{data}(x) \log D(x) + p_g(x) \log(1 - D(x))\, dx$, and for each $x$ the integrand
# is $a \log D + b \log(1 - D)$ with $a = p_{data}(x)$ and $b = p_g(x)$. Setting its derivative
# $a/D - b/(1 - D)$ to zero gives
#
# $$D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)} .$$
#
# Without densities (lecture 01's generator on a curve) the same argument works with the
# density of $P_{data}$ with respect to the mixture $P_{data} + P_G$, which always exists:
# $D^* = dP_{data} / d(P_{data} + P_G)$. Lecture 03 shows what it looks like when the two
# distributions do not overlap.
#
# Where only data live, $D^* = 1$; where only generated samples land, $D^* = 0$; where the two
# densities are equal, $D^* = \tfrac12$. First a numerical check of the calculus: maximise
# $a \log D + b \log(1 - D)$ by brute force over a fine grid of $D$.

# %% slideshow={"slide_type": "subslide"}
d_grid = np.linspace(1e-5, 1 - 1e-5, 200_001)
rng = np.random.default_rng(0)
for a, b in rng.random((5, 2)):
    brute = d_grid[np.argmax(a * np.log(d_grid) + b * np.log1p(-d_grid))]
    formula = gc.optimal_discriminator([a], [b])[0]
    print(f"a={a:.3f} b={b:.3f}: brute force D={brute:.5f}, a/(a+b)={formula:.5f}")
    assert abs(brute - formula) < 1e-4  # claim: the pointwise maximiser is a / (a + b)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A network trained on samples finds D*
# Take a two-mode $P_{data}$ and a fixed, wide Gaussian generator, and train only the
# discriminator (an MLP with two hidden layers of 64 units) on minibatches of 256 real and 256
# generated samples. It never sees a density, yet it should land on the curve $D^*$ wherever
# samples actually fall.

# %% slideshow={"slide_type": "subslide"}
p_data_dist = gc.GaussianMixture([-1.5, 1.5], [0.5, 0.5])
gc.seed_everything(0)
G_fixed = AffineGenerator(0.0, 1.5)
D = MLPDiscriminator(1, (64, 64))
trainer = GANTrainer(G_fixed, D, p_data_dist,
                     TrainConfig(steps=1, batch_size=256, lr_d=2e-3, progress=False),
                     device=device)
trainer.train_discriminator(2000)

p_data, p_g = p_data_dist.pdf(x), G_fixed.density(x)
d_star = gc.optimal_discriminator(p_data, p_g)
d_trained = probability_on_grid(trainer.D, x)
where_mass = (p_data + p_g) > 0.05
err = np.abs(d_trained - d_star)[where_mass].max()
print(f"largest |D - D*| where p_data + p_g > 0.05: {err:.3f}")
assert err < 0.1  # claim: the trained D matches D* where the densities carry mass

fig, ax = plt.subplots(figsize=(8, 3.2))
ax.plot(x, p_data, "k:", label="$p_{data}$")
ax.plot(x, p_g, "g", label="$p_g$ (fixed)")
ax.plot(x, d_star, "b", lw=2, alpha=0.5, label="$D^*$ (formula)")
ax.plot(x, d_trained, "r--", label="D trained on samples")
ax.axvspan(x[where_mass][0], x[where_mass][-1], color="gray", alpha=0.08,
           label="where $p_{data}+p_g>0.05$")
ax.set(xlabel="x", ylabel="density / probability", title="A trained discriminator finds $D^*$")
ax.legend(fontsize=8, loc="upper left")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# Far in the tails the trained curve may wander: no sample ever lands there, so nothing
# tells the network what to output. That is the first hint of lecture 03's problem.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. What the game measures
#
# Put $D^*$ back into $V$:
#
# $$C(G) = \max_D V(G, D)
#  = \int p_{data}\log\frac{p_{data}}{p_{data}+p_g} + p_g \log\frac{p_g}{p_{data}+p_g}\,dx .$$
#
# Writing $M = \tfrac12(P_{data} + P_G)$, each fraction is $\tfrac12 \cdot p/m$, so
#
# $$C(G) = -\log 4 + \mathrm{KL}(P_{data}\,\|\,M) + \mathrm{KL}(P_G\,\|\,M)
#        = -\log 4 + 2\,\mathrm{JSD}(P_{data}\,\|\,P_G).$$
#
# Since $\mathrm{JSD} \ge 0$ with equality only when the distributions coincide, the game's
# global optimum is $P_G = P_{data}$, where $C(G) = -\log 4$. We check the identity by
# computing its two sides independently: $V(G, D^*)$ by quadrature of $V$'s integrand, and the
# JSD by SciPy. Then the trained $D$: no $D$ can beat $D^*$, so its value lies below $C(G)$; a
# good one lies close.

# %% slideshow={"slide_type": "subslide"}
dx = x[1] - x[0]
js_scipy = jensenshannon(p_data * dx, p_g * dx) ** 2  # SciPy returns sqrt(JSD), in nats
v_star = gc.value_on_grid(p_data, p_g, gc.optimal_discriminator(p_data, p_g), x)
print(f"V(G, D*) by quadrature = {v_star:.6f};  -log 4 + 2 JSD (SciPy) = "
      f"{-LOG4 + 2 * js_scipy:.6f}")
# Claim: max_D V = V(G, D*) = -log 4 + 2 JSD (two independent computations agree).
assert abs(v_star - (-LOG4 + 2 * js_scipy)) < 1e-4
c_of_g = gc.generator_criterion(p_data, p_g, x)  # -log 4 + 2 JSD, JSD by quadrature
v_trained = gc.value_on_grid(p_data, p_g, d_trained, x)  # V(G, D_trained) by quadrature
x_real = p_data_dist.sample(20_000, seed=11).to(device)
x_fake = G_fixed(torch.randn(20_000, 1, generator=torch.Generator().manual_seed(12))
                 .to(device)).detach()
with torch.no_grad():
    v_samples = gc.value_function_from_logits(trainer.D(x_real)[:, 0], trainer.D(x_fake)[:, 0])
print(f"C(G) = -log 4 + 2 JSD          = {c_of_g:.4f}")
print(f"V(G, D_trained), by quadrature = {v_trained:.4f}")
print(f"V(G, D_trained), from samples  = {v_samples:.4f}")
# Claim: the trained D comes within 0.02 nats of the best possible value C(G) (it cannot exceed
# it: V(G, D) <= V(G, D*) for every D, by the pointwise maximisation above).
assert abs(c_of_g - v_trained) < 0.02
assert abs(v_samples - v_trained) < 0.02  # the sample average estimates the same value

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### When the generator is perfect
# If $P_G = P_{data}$, no discriminator can do better than guessing: $D^* = \tfrac12$
# everywhere and $V = \log\tfrac12 + \log\tfrac12 = -\log 4$.

# %% slideshow={"slide_type": "fragment"}
same = gc.Gaussian1D(1.0, 0.8)
gc.seed_everything(0)
trainer_same = GANTrainer(AffineGenerator(1.0, 0.8), MLPDiscriminator(1, (64, 64)), same,
                          TrainConfig(steps=1, batch_size=256, lr_d=2e-3, progress=False),
                          device=device)
trainer_same.train_discriminator(1000)
p_same = same.pdf(x)
d_same = probability_on_grid(trainer_same.D, x)
d_star_same = gc.optimal_discriminator(p_same, p_same)
v_star_same = gc.value_on_grid(p_same, p_same, d_star_same, x)
print(f"V(G, D*) = {v_star_same:.6f};  -log 4 = {-LOG4:.6f};  "
      f"JSD (SciPy) = {jensenshannon(p_same * dx, p_same * dx) ** 2:.2e}")
print(f"V(G, D_trained) = {gc.value_on_grid(p_same, p_same, d_same, x):.6f}; "
      f"max |D - 1/2| where data live: {np.abs(d_same - 0.5)[p_same > 0.05].max():.3f}")
# Claims: D* = 1/2 where data live, the game's value is -log 4, and the trained D finds both.
assert np.allclose(d_star_same[p_same > 0], 0.5) and abs(v_star_same + LOG4) < 1e-6
assert abs(gc.value_on_grid(p_same, p_same, d_same, x) + LOG4) < 0.01
assert np.abs(d_same - 0.5)[p_same > 0.05].max() < 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Algorithm 1: playing the game
#
# Goodfellow et al. train both players by alternating stochastic gradient steps:
#
# > **for** each training iteration:
# > &nbsp;&nbsp;**for** $k$ steps: sample $m$ noise vectors $z^{(i)}$ and $m$ data points
# > $x^{(i)}$; *ascend* $\nabla_{\theta_d} \frac1m \sum_i \log D(x^{(i)}) + \log(1 - D(G(z^{(i)})))$
# > &nbsp;&nbsp;sample $m$ noise vectors; *descend*
# > $\nabla_{\theta_g} \frac1m \sum_i \log(1 - D(G(z^{(i)})))$
#
# `gancourse.training.GANTrainer` runs this loop ($k$ = `k_steps`, $m$ = `batch_size`) with the
# two changes that the paper itself recommends or that practice settled on, and that we use in
# the whole course: the generator minimises the **non-saturating** loss
# $-\frac1m \sum_i \log D(G(z^{(i)}))$ instead of $\log(1 - D(G(z^{(i)})))$ (section 5 shows
# why), and both players take **Adam** steps (Kingma & Ba 2015) instead of plain gradient
# steps. With the non-saturating loss the game is no longer zero-sum: $D$ still maximises $V$,
# but $G$ minimises a different function. Its fixed point is the same one: at
# $P_G = P_{data}$ the best discriminator is $D^* = \tfrac12$ everywhere, and against
# $D = \tfrac12$ the generator's loss, $\log 2$ per sample whatever $G$ does, gives it no
# reason to move. (Section 5 runs the paper's minimax loss too.) Below, the data are $\mathcal N(2, 0.75^2)$ and the generator is $G(z) = \mu + \sigma z$,
# so $p_g$ is known exactly at every step and we can draw it, as in the paper's Figure 1:
# data (black dots), $p_g$ (green), $D$ (blue dashes).

# %% slideshow={"slide_type": "subslide"}
data = gc.Gaussian1D(2.0, 0.75)
gc.seed_everything(0)
G = AffineGenerator(-1.0, 0.3)
D = MLPDiscriminator(1, (64, 64))
frames = FrameRecorder(x, steps=[50, 300, 1500], p_data=data.pdf(x))  # also JSD per step
game = GANTrainer(G, D, data, TrainConfig(steps=1500, batch_size=256, lr_d=2e-3, lr_g=5e-3,
                                          k_steps=1, progress=False),
                  device=device, callback=frames)
frames.record(game)  # step 0
js_start = gc.js_on_grid(data.pdf(x), G.density(x), x)
history = game.train()
js_curve = frames.js
mu, sigma = float(G.mu.detach()), G.sigma
print(f"after {game.step} steps: mu = {mu:.3f} (data 2.0), sigma = {sigma:.3f} (data 0.75)")
print(f"JSD: {js_start:.3f} at the start -> {js_curve[-1]:.4f} at the end")
final_d = frames.frames[-1]["d"]
# Claims: P_G moves onto P_data, the JSD collapses, and D ends up undecided where data live.
assert abs(mu - 2.0) < 0.1 and abs(sigma - 0.75) < 0.1
assert js_start > 0.5 and js_curve[-1] < 0.01
assert np.abs(final_d - 0.5)[data.pdf(x) > 0.05].max() < 0.1

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, len(frames.frames), figsize=(13, 2.8), sharey=True)
for ax, frame, letter in zip(axes, frames.frames, "abcd"):
    plot_game_frame(ax, x, data.pdf(x), frame["p_g"], frame["d"],
                    title=f"({letter}) step {frame['step']}", legend=letter == "a")
    ax.set_xlim(-3, 5)
    if letter != "a":
        ax.set_ylabel("")
plt.show()

fig, ax = plt.subplots(figsize=(6, 2.6))
ax.semilogy(np.arange(1, len(js_curve) + 1), js_curve)
ax.set(xlabel="generator step", ylabel="JSD (nats)", title="The divergence the game minimises")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. A loss that saturates, and the fix
#
# Early in training $G$ is poor, $D$ rejects its samples confidently, and $D(G(z)) \approx 0$.
# Look at the generator's loss there, written with $D = \sigma(\ell)$ for the logit $\ell$:
#
# * minimax: $\log(1 - D(G(z)))$, gradient $\partial/\partial \ell = -D$ — almost **zero**;
# * non-saturating: $-\log D(G(z))$, gradient $\partial/\partial \ell = -(1 - D)$ — almost
#   **$-1$**.
#
# Both have the same fixed point (they push $D(G(z))$ up), but only the second gives a strong
# signal when $G$ is bad. Goodfellow et al. recommend it for that reason.

# %% slideshow={"slide_type": "subslide"}
logits = torch.linspace(-8, 8, 401, requires_grad=True)
d_prob = torch.sigmoid(logits).detach().numpy()
grads = {}
for name, fn in (("minimax  log(1 - D)", g_loss_minimax),
                 ("non-saturating  -log D", g_loss_nonsaturating)):
    # per-sample loss = mean over a batch of one; autograd gives d loss / d logit
    per_sample = torch.stack([fn(l[None]) for l in logits])
    (g,) = torch.autograd.grad(per_sample.sum(), logits)
    grads[name] = (per_sample.detach().numpy(), g.numpy())
# Claims: autograd agrees with the closed forms -D and -(1 - D).
np.testing.assert_allclose(grads["minimax  log(1 - D)"][1], -d_prob, atol=1e-6)
np.testing.assert_allclose(grads["non-saturating  -log D"][1], -(1 - d_prob), atol=1e-6)

fig, axes = plt.subplots(1, 2, figsize=(10, 3))
for name, (loss_vals, g) in grads.items():
    axes[0].plot(d_prob, loss_vals, label=name)
    axes[1].plot(d_prob, g, label=name)
axes[0].set(xlabel="D(G(z))", ylabel="generator loss", title="The two generator losses")
axes[1].set(xlabel="D(G(z))", ylabel="d loss / d logit", title="Their gradients")
for ax in axes:
    ax.axvspan(0, 0.05, color="red", alpha=0.1)
    ax.legend(fontsize=8)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured: a poor start
# The generator starts at $\mathcal N(-3, 0.5^2)$, far from the data $\mathcal N(2, 0.75^2)$,
# against a discriminator pre-trained until it rejects the fakes. Both generators take plain
# gradient steps (as in Algorithm 1) for 400 iterations, from the same start and seed
# (`gancourse.saturation.poor_start` runs this set-up; read it to see every step).

# %% slideshow={"slide_type": "subslide"}
sgd = {loss: poor_start(data, loss, "sgd", lr_g=0.02, lr_d=0.2, device=device)
       for loss in ("minimax", "nonsaturating")}
for loss, r in sgd.items():
    print(f"{loss:<14} " + ", ".join(f"{k} = {v:.4g}" for k, v in r.items()))
ratio = sgd["nonsaturating"]["|dL/dmu| at start"] / sgd["minimax"]["|dL/dmu| at start"]
print(f"gradient ratio at the start: {ratio:.0f}x")
# Claims: D rejects the fakes; the minimax gradient is orders of magnitude smaller; with
# gradient steps the minimax generator barely moves while the non-saturating one reaches
# the data.
assert sgd["minimax"]["D(G(z))"] < 0.01 and ratio > 100
assert abs(sgd["minimax"]["mu after"] - (-3.0)) < 0.1
assert abs(sgd["nonsaturating"]["mu after"] - 2.0) < 0.2

# %% [markdown] slideshow={"slide_type": "subslide"}
# **A caveat worth knowing.** Adam, the optimiser used almost everywhere, divides each gradient
# by a running estimate of its size, so a consistently tiny gradient still produces steps of
# about the learning rate. With Adam the minimax generator does move — but mostly by widening
# $\sigma$ until its tail reaches the data, a poor way to learn:

# %% slideshow={"slide_type": "fragment"}
adam = {loss: poor_start(data, loss, "adam", lr_g=5e-3, lr_d=2e-3, device=device)
        for loss in ("minimax", "nonsaturating")}
for loss, r in adam.items():
    print(f"{loss:<14} mu after = {r['mu after']:.3f}, sigma after = {r['sigma after']:.3f}")
assert adam["minimax"]["mu after"] > -2.0  # Adam moves it despite the tiny gradient ...
assert adam["minimax"]["sigma after"] > 2 * adam["nonsaturating"]["sigma after"]  # ... by blurring

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Try it yourself
#
# Move the generator's $\mu_g$ and $\sigma_g$. Watch $D^*$ flip between 0 and 1 where one density
# dominates, and $C(G)$ stay equal to $-\log 4 + 2\,\mathrm{JSD}$ — reaching $-\log 4$ only when
# the two densities coincide. What happens to $C(G)$ when the densities barely overlap?
# (Lecture 03.)

# %% slideshow={"slide_type": "subslide"}
explorer = GameExplorer(data)
explorer

# %% slideshow={"slide_type": "skip"}
at_data = explorer.result_at(mu_g=2.0, sigma_g=0.75)
assert abs(at_data["value"] + LOG4) < 1e-6  # 1e-7 of the mass lies beyond x = 6
at_start = explorer.result_at(mu_g=-1.0, sigma_g=0.3)
assert abs(at_start["value"] - (-LOG4 + 2 * js_start)) < 1e-6

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. The game, live
#
# The live lab trains a GAN in this notebook's kernel, step by step, on lecture 01's two modes:
# a generator and a discriminator with two hidden layers of 64 units, through the course's own
# training loop. Blue dashes: $D(x)$. Black: $p_{data}$; orange: $p_g$ (a kernel estimate) and
# the generated samples (a fixed set of $z$, so each tick is one $z$ followed through
# training). Green arrows: the **pull** on each generated sample,
# $-\partial L(x_i) / \partial x_i$, where $L(x_i)$ is the generator's loss for that sample —
# the direction and size of the push that $G$'s parameters pass on to it.
#
# * Press **D step** a few times: $D$'s curve moves, the samples do not ($G$ waits).
# * Press **G step**: the samples move along the arrows.
# * Switch the loss to **minimax** while $D$ rejects the samples, and watch the arrows shrink
#   to nothing — section 5's saturation, sample by sample. Then press ▶ **play**.

# %% slideshow={"slide_type": "subslide"}
lab = LiveLab("two modes (1-D)", seed=0, device=device)
lab

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Measured.** The checks run on copies of the lab that are not on screen (the one above is
# yours). Against the generator's first samples, 200 steps of $D$ (and none of $G$); then the
# same networks and the same samples under both generator losses. For a sample with
# $D = \sigma(\ell)$ (section 5's logit) the non-saturating pull is $(1 - D)\,\nabla_x \ell$
# and the minimax pull is $D\,\nabla_x \ell$ (section 5's derivatives, times $\nabla_x \ell$),
# so their ratio is exactly $(1 - D)/D$, sample by sample — enormous where $D$ is sure.

# %% slideshow={"slide_type": "subslide"}
d_fake, ratio = [], []
for seed in range(5):
    check = LiveLab("two modes (1-D)", seed=seed, device=device)
    check.trainer.train_discriminator(200)  # D learns to reject G's first samples
    nonsat = np.abs(check.refresh()["pull"][:, 0])
    fakes = check.result["fake"][: len(nonsat)]
    d = torch.sigmoid(discriminator_field(check.trainer.D, fakes)).cpu().numpy()
    check.controls["loss"].value = "minimax"  # the same networks, the other G loss
    minimax = np.abs(check.result["pull"][:, 0])
    np.testing.assert_allclose(nonsat / minimax, (1 - d) / d, rtol=1e-3)  # exactly (1 - D)/D
    d_fake.append(d.mean())
    ratio.append(np.median(nonsat / minimax))
print("mean D(G(z)) after 200 D steps, per seed:", np.round(d_fake, 4))
print("median pull ratio, non-saturating / minimax:", np.round(ratio, 0))
# Claims (5 seeds): D rejects the samples, and the minimax pull on them is over 30 times
# weaker than the non-saturating pull on every seed.
assert max(d_fake) < 0.05 and min(ratio) > 30

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * The GAN game: $\min_G \max_D V(G, D)$ with
#   $V = \mathbb E_{P_{data}} \log D + \mathbb E_{p_z} \log(1 - D(G(z)))$.
# * For a fixed $G$ the best discriminator is $D^* = p_{data} / (p_{data} + p_g)$; a network
#   trained on samples finds it where samples fall.
# * Against $D^*$ the game is worth $-\log 4 + 2\,\mathrm{JSD}(P_{data}\,\|\,P_G)$: playing it
#   minimises the Jensen–Shannon divergence, optimal exactly when $P_G = P_{data}$.
# * Algorithm 1 alternates $k$ discriminator steps and one generator step.
# * The generator should minimise $-\log D(G(z))$: $\log(1 - D(G(z)))$ has vanishing gradients
#   exactly when $G$ is poor (measured: about 3000 times smaller here), and the live lab shows
#   it sample by sample.
#
# ## Further reading
#
# * I. Goodfellow et al., *Generative Adversarial Nets*, NeurIPS 2014 (sections 3–4,
#   Algorithm 1, Figure 1).
# * I. Goodfellow, *NIPS 2016 Tutorial: Generative Adversarial Networks*, arXiv:1701.00160,
#   section 3.2 (the non-saturating game).
# * D. Kingma, J. Ba, *Adam: A Method for Stochastic Optimization*, ICLR 2015 (why step sizes do
#   not follow gradient magnitudes).
# * M. Kahng, N. Thorat, D. H. Chau, F. Viégas, M. Wattenberg, *GAN Lab: Understanding Complex
#   Deep Generative Models using Interactive Visual Experimentation*, IEEE VIS 2018 (the
#   browser app whose pictures the live lab draws in a notebook).
