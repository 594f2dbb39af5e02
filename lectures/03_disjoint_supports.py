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
# # Lecture 03 · When Jensen–Shannon fails: disjoint supports
#
# **Goals of this lecture**
#
# 1. See that when $P_{data}$ and $P_G$ do not overlap, $\mathrm{JSD} = \log 2$ however far
#    apart they are, $\mathrm{KL} = \infty$, and the optimal discriminator gives the generator
#    no gradient.
# 2. Understand why "no overlap" is the normal case for images, and for any finite sample.
# 3. Compare JSD, KL and the Wasserstein distance $W_1$ on two parallel lines.
# 4. Measure what the classic remedies do: instance noise, one-sided label smoothing, LSGAN,
#    and (a preview of lecture 05) the Wasserstein loss.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Set-up

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy import stats

import gancourse as gc
from gancourse.models import MLPDiscriminator, probability_on_grid
from gancourse.parallel_lines import parallel_lines_divergences, train_shift
from gancourse.training import accuracy, fit_discriminator
from gancourse.widgets import DisjointExplorer

device = gc.setup(seed=0)  # seed, one CPU thread, CUDA/MPS/CPU
LOG2 = math.log(2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. No overlap, no information
#
# Suppose $P_{data}$ and $P_G$ live on disjoint sets $A$ and $B$. With
# $M = \tfrac12(P_{data} + P_G)$, on $A$ we have $p_{data}/m = 2$ and on $B$ $p_g/m = 2$, so
#
# $$\mathrm{JSD} = \tfrac12\mathrm{KL}(P_{data}\,\|\,M) + \tfrac12\mathrm{KL}(P_G\,\|\,M)
#   = \tfrac12 \log 2 + \tfrac12 \log 2 = \log 2 ,$$
#
# whatever the distance between $A$ and $B$. $\mathrm{KL}(P_{data}\,\|\,P_G) = \infty$, since
# $P_G$ puts no mass where the data are. The optimal discriminator is $D^* = 1$ on $A$ and
# $0$ on $B$ — constant on each piece — and $C(G) = -\log 4 + 2\log 2 = 0$: the game's value
# is the same for a generator that misses by a hair and one that misses by a mile.

# %% slideshow={"slide_type": "subslide"}
x = np.linspace(-2, 8, 20001)
p_data = gc.Uniform1D(0.0, 1.0).pdf(x)
results = {}
for gap in (0.1, 1.0, 5.0):
    p_g = gc.Uniform1D(1.0 + gap, 2.0 + gap).pdf(x)
    d_star = gc.optimal_discriminator(p_data, p_g)
    results[gap] = (gc.js_on_grid(p_data, p_g, x), gc.kl_on_grid(p_data, p_g, x),
                    gc.generator_criterion(p_data, p_g, x),  # -log 4 + 2 JSD
                    gc.value_on_grid(p_data, p_g, d_star, x))  # V(G, D*) from its definition
    print(f"gap {gap:>4}: JSD = {results[gap][0]:.4f}, KL = {results[gap][1]}, "
          f"C(G) = -log 4 + 2 JSD = {results[gap][2]:.4f}, V(G, D*) integrated = "
          f"{results[gap][3]:.4f}")
for js, kl, c, value in results.values():
    # Claims: JSD = log 2, KL = inf, and the game's value 0 -- by the JSD formula and by
    # integrating V(G, D*) directly -- for every gap: nothing tells G which way to move.
    assert abs(js - LOG2) < 1e-3 and kl == math.inf and abs(c) < 2e-3 and abs(value) < 2e-3

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Why no overlap is the normal case
#
# * **Low-dimensional manifolds.** A generator maps a latent space of, say, 100 dimensions into
#   the space of $64 \times 64 \times 3$ images: its samples lie on a thin surface of zero volume
#   (lecture 01, section 6). Natural images, too, are believed to concentrate near a
#   low-dimensional set. Two such surfaces in a huge space almost never overlap.
# * **Finite samples.** Even when two densities overlap, we only ever compare finite samples,
#   and a flexible discriminator can always draw a boundary between two finite sets of points.
#   Below, two samples of 100 points are drawn from *the same* Gaussian $\mathcal N(0, I_d)$, and
#   an MLP is trained to tell them apart.

# %% slideshow={"slide_type": "subslide"}
table = {}
for dim in (1, 10, 50):
    gc.seed_everything(0)
    gen = torch.Generator().manual_seed(1)
    x_a, x_b = torch.randn(100, dim, generator=gen), torch.randn(100, dim, generator=gen)
    fresh_a, fresh_b = torch.randn(5000, dim, generator=gen), torch.randn(5000, dim, generator=gen)
    D = MLPDiscriminator(dim, (256, 256))
    losses = fit_discriminator(D, x_a, x_b, steps=1000, lr=1e-3)
    table[dim] = (accuracy(D, x_a, x_b), accuracy(D, fresh_a, fresh_b), losses[-1])
print(f"{'dim':>4} {'accuracy on its 200 points':>28} {'on 10 000 fresh points':>24} "
      f"{'final loss':>11}")
for dim, (train_acc, fresh_acc, loss) in table.items():
    print(f"{dim:>4} {train_acc:>28.3f} {fresh_acc:>24.3f} {loss:>11.4f}")
# Claims: in 10 and 50 dimensions the MLP separates the two samples perfectly, although they
# come from the same distribution (so it is no better than chance on fresh points); in 1-D the
# same budget does not suffice.
assert table[10][0] == 1.0 and table[50][0] == 1.0
assert all(abs(fresh - 0.5) < 0.05 for _, fresh, _ in table.values())
assert table[1][0] < 0.8

# %% [markdown] slideshow={"slide_type": "notes"}
# The discriminator's loss went to (nearly) zero on identical distributions. So a low
# discriminator loss says nothing about how good the generator's samples are — and a
# discriminator that wins outright leaves the generator with nothing to learn from.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Two parallel lines
#
# Arjovsky, Chintala and Bottou (2017) make the problem concrete. Let $Z \sim U[0, 1]$,
# $P_0$ the law of $(0, Z)$ and $P_\theta$ the law of $(\theta, Z)$: two vertical segments at
# horizontal distance $|\theta|$. Then
#
# $$\mathrm{JSD}(P_0\,\|\,P_\theta) = \begin{cases}\log 2 & \theta \ne 0\\ 0 & \theta = 0
#   \end{cases},\qquad
#   \mathrm{KL}(P_0\,\|\,P_\theta) = \begin{cases}\infty & \theta \ne 0\\ 0 & \theta = 0
#   \end{cases},\qquad W_1(P_0, P_\theta) = |\theta| .$$
#
# Only the earth mover's distance $W_1$ (lecture 05) gets smaller as the generator gets
# closer. We check the closed forms by computations that do not assume them. $W_1$: an optimal
# matching of samples of the two segments. JSD and KL: the two laws have no densities to
# integrate, so we blur both segments by $\mathcal N(0, s^2)$ across (their heights match), where
# they become the 1-D densities $\mathcal N(0, s^2)$ and $\mathcal N(\theta, s^2)$, and let SciPy
# compute JSD and KL on a fine grid as the blur $s$ shrinks: JSD should climb to $\log 2$, KL
# grow without bound.

# %% slideshow={"slide_type": "subslide"}
thetas = np.linspace(-1, 1, 201)
curves = {k: np.array([parallel_lines_divergences(t)[k] for t in thetas])
          for k in ("js", "kl", "w1")}
samples0 = gc.ParallelLine(0.0).sample(1000, seed=1).numpy()
blurs = (0.1, 0.03, 0.01)
print(f"{'theta':>6} {'W1 (matching)':>14}   JSD (SciPy) for blur s = {blurs}   KL (SciPy)")
for theta in (0.25, 0.5, 1.0):
    samples = gc.ParallelLine(theta).sample(1000, seed=2).numpy()
    w1 = gc.w1_point_clouds(samples0, samples)
    grid = np.linspace(-1.2, theta + 1.2, 400_001)  # 12 blurs wide, spacing under 1e-5
    js, kl = [], []
    for s in blurs:  # from SciPy's log-densities: the densities underflow far apart
        log_p, log_q = stats.norm.logpdf(grid, 0, s), stats.norm.logpdf(grid, theta, s)
        log_m = np.logaddexp(log_p, log_q) - LOG2
        p, q = np.exp(log_p), np.exp(log_q)
        js.append(0.5 * np.trapezoid(p * (log_p - log_m) + q * (log_q - log_m), grid))
        kl.append(np.trapezoid(p * (log_p - log_q), grid))
    print(f"{theta:>6} {w1:>14.4f}   " + " ".join(f"{v:.6f}" for v in js) + "   "
          + " ".join(f"{v:.0f}" for v in kl))
    # Claims: W1 = |theta| up to sampling error; as the blur vanishes JSD climbs to log 2 and
    # KL = theta^2 / (2 s^2) grows without bound -- whatever theta is.
    assert abs(w1 - theta) < 0.05
    assert np.all(np.diff(js) >= -1e-12) and abs(js[-1] - LOG2) < 1e-6
    assert np.allclose(kl, [theta**2 / (2 * s**2) for s in blurs], rtol=1e-3) and kl[-1] > 300

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.plot(thetas, curves["js"], "b", lw=2, label="JSD")
ax.plot(thetas, np.minimum(curves["kl"], 2.0), "m--", label="KL (∞ off 0; clipped)")
ax.plot(thetas, curves["w1"], "r", lw=2, label="$W_1$")
ax.set(xlabel=r"$\theta$", ylabel="nats / distance", ylim=(-0.05, 2.1),
       title="Only $W_1$ says how far apart the lines are")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Learning the shift
#
# Make $\theta$ the generator's only parameter: $G(z) = (\theta, \Phi(z))$ with
# $z \sim \mathcal N(0, 1)$ ($\Phi$ turns $z$ into $U[0,1]$). Start at $\theta = 1$, let a strong
# discriminator (5 steps per generator step, pre-trained) play against it, and let both take
# plain gradient steps. We compare the original minimax loss (the JSD game) with the
# non-saturating loss and with four remedies. A training run is chaotic — another seed, or
# another CPU's rounding, can send it elsewhere — so each method runs on 3 seeds (the
# non-saturating loss, whose outcome varies most, on 5), and we claim only what holds on all.

# %% slideshow={"slide_type": "subslide"}
runs = {
    "minimax (JSD)": dict(loss="minimax"),
    "non-saturating": dict(loss="nonsaturating"),
    "minimax + one-sided label smoothing 0.9": dict(loss="minimax", real_label=0.9),
    "minimax + instance noise σ=0.5 (annealed)": dict(loss="minimax", instance_noise=0.5),
    "LSGAN (least squares)": dict(loss="lsgan"),
    "WGAN-GP (λ=1, lecture 05)": dict(loss="wgan", gp_weight=1.0),
}
n_seeds = {name: 5 if name == "non-saturating" else 3 for name in runs}
trajectories, trainers = {}, {}
for name, options in runs.items():
    results = [train_shift(1.0, steps=300, seed=seed, device=device, **options)
               for seed in range(n_seeds[name])]
    trajectories[name] = np.array([traj for traj, _ in results])  # (seeds, 301)
    trainers[name] = [trainer for _, trainer in results]
    print(f"{name:<44} theta after 300 steps, per seed: "
          + " ".join(f"{t:+.3f}" for t in trajectories[name][:, -1]))
final = {name: traj[:, -1] for name, traj in trajectories.items()}
# Claims, on every seed: against a strong D the JSD game barely moves theta, and label
# smoothing alone does not change that; instance noise, LSGAN and the Wasserstein loss bring
# theta to 0.
assert np.all(np.abs(final["minimax (JSD)"] - 1.0) < 0.1)
assert np.all(np.abs(final["minimax + one-sided label smoothing 0.9"] - 1.0) < 0.1)
for name in ("minimax + instance noise σ=0.5 (annealed)", "LSGAN (least squares)",
             "WGAN-GP (λ=1, lecture 05)"):
    assert np.all(np.abs(final[name]) < 0.05), name
# The non-saturating loss does move theta, by leaps: against a confident D its gradient
# -D'/D is huge, and its very first step jumps by more than 0.4 on every seed, where no remedy
# ever moves theta by more than 0.2 in one step. Where the leaps end depends on the seed (and
# on the CPU's rounding): printed here, not claimed.
ns = trajectories["non-saturating"]
first_jump = np.abs(ns[:, 1] - ns[:, 0])
remedy_step = max(np.abs(np.diff(trajectories[name], axis=1)).max() for name in
                  ("minimax + instance noise σ=0.5 (annealed)", "LSGAN (least squares)",
                   "WGAN-GP (λ=1, lecture 05)"))
settled = int(np.sum(np.abs(ns[:, -1]) < 0.05))
print(f"non-saturating: first step {first_jump.min():.2f} to {first_jump.max():.2f} (largest "
      f"single step of any remedy: {remedy_step:.3f}); ended within 0.05 of 0 on {settled} of "
      f"{len(ns)} seeds, still swinging on the others (range [{ns.min():+.2f}, {ns.max():+.2f}])")
assert first_jump.min() > 0.4 and remedy_step < 0.2

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 3.6))
for i, (name, traj) in enumerate(trajectories.items()):
    for seed, t in enumerate(traj):
        ax.plot(t, color=f"C{i}", lw=1.2 if seed == 0 else 0.6, alpha=1 if seed == 0 else 0.4,
                label=name if seed == 0 else None)
ax.axhline(0, color="k", lw=0.8)
ax.set(xlabel="generator step", ylabel=r"$\theta$",
       title=r"Where the generator puts its line (every seed; seed 0 bold)")
ax.legend(fontsize=7, loc="lower left")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. How each remedy works
#
# **Instance noise** (Sønderby et al. 2017; Arjovsky & Bottou 2017) adds $\mathcal N(0, \sigma^2 I)$
# to every input of the discriminator: real and fake samples, in the discriminator's step and
# in the generator's (`GANTrainer` does both), so the two players play one game between the
# blurred distributions $P_{data} * \mathcal N$ and $P_G * \mathcal N$. Their supports now
# overlap, and JSD becomes a smooth function of $\theta$ with a non-zero slope, a slope that
# vanishes as $\sigma \to 0$. The noise is annealed to 0 during training, so the final target
# is the data itself.
#
# Noise cannot make $W_1$ larger: $W_1(P * \mathcal N, Q * \mathcal N) \le W_1(P, Q)$ (blur both
# ends of any transport plan alike). Here it leaves $W_1$ where it was, because
# $P_\theta * \mathcal N$ is $P_0 * \mathcal N$ moved by $\theta$, and moving a distribution by
# $v$ costs exactly $|v|$. Computed below from the blurred densities, not assumed.

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 3.2))
slopes = {}
for sigma in (0.0, 0.03, 0.1, 0.3, 1.0):
    js_curve = np.array([parallel_lines_divergences(t, sigma)["js"] for t in thetas])
    ax.plot(thetas, js_curve, label=f"σ = {sigma}")
    if sigma > 0:  # the slope at theta = 0.5, by central differences of the blurred JSD
        h = 1e-3
        slopes[sigma] = (parallel_lines_divergences(0.5 + h, sigma)["js"]
                         - parallel_lines_divergences(0.5 - h, sigma)["js"]) / (2 * h)
ax.set(xlabel=r"$\theta$", ylabel="JSD (nats)", title="Instance noise makes JSD informative")
ax.legend()
plt.show()
print("dJSD/dtheta at theta = 0.5:", {s: float(f"{v:.3g}") for s, v in slopes.items()})
noisy = parallel_lines_divergences(0.5, 0.3)
print(f"sigma = 0.3, theta = 0.5: JSD = {noisy['js']:.4f} < log 2; W1 (from the blurred "
      f"densities) = {noisy['w1']:.6f}")
# Claims: with noise the slope is clearly positive, and it vanishes with the noise (at
# sigma = 0.03 it is below 1e-6: the lines are 16 sigma apart); the blurred JSD is below
# log 2; W1 stays |theta|.
assert slopes[0.03] < 1e-6 and all(slopes[s] > 0.01 for s in (0.1, 0.3, 1.0))
assert noisy["js"] < LOG2 and abs(noisy["w1"] - 0.5) < 1e-6

# %% [markdown] slideshow={"slide_type": "subslide"}
# **One-sided label smoothing** (Salimans et al. 2016) trains $D$ towards 0.9 instead of 1 on
# real samples. The optimal discriminator becomes $D^* = 0.9\,p_{data}/(p_{data} + p_g)$: $D$
# can no longer be arbitrarily confident about real samples, which keeps its logits (and
# gradients) bounded. It does not create overlap, which is why it did not move $\theta$ above.
# Measured on the discriminators trained in section 4:

# %% slideshow={"slide_type": "fragment"}
real_points = gc.ParallelLine(0.0).sample(2000, seed=5).to(device)
with torch.no_grad():  # mean D(x) on real points, for the discriminator of every seed's run
    d_plain = [torch.sigmoid(t.D(real_points)).mean().item() for t in trainers["minimax (JSD)"]]
    d_smooth = [torch.sigmoid(t.D(real_points)).mean().item()
                for t in trainers["minimax + one-sided label smoothing 0.9"]]
print("mean D(real) per seed: without smoothing", np.round(d_plain, 4),
      "| with smoothing to 0.9", np.round(d_smooth, 4))
# Claim, on every seed: smoothing caps D near 0.9, where the plain D is all but certain.
assert min(d_plain) > 0.98 and max(abs(d - 0.9) for d in d_smooth) < 0.03

# %% [markdown] slideshow={"slide_type": "subslide"}
# **LSGAN** (Mao et al. 2017) drops the sigmoid and uses squared errors: here $D$ regresses real
# samples to 1 and fakes to 0, and $G$ minimises $\tfrac12\mathbb E(D(G(z)) - 1)^2$. Why did it
# move $\theta$? Not because it measures a better divergence. Mao et al. show that with
# targets $-1$, $1$, $0$ the game minimises a Pearson $\chi^2$ divergence; with the $0/1$
# targets used here it minimises $\tfrac14 + \tfrac18\chi^2$, the same divergence shifted and
# scaled (lecture 09 checks both) — and on disjoint supports every such $f$-divergence,
# $\chi^2$ included, is as constant as JSD. What differs is the discriminator. Its output is
# linear, so it never saturates: a fake that $D$ rejects still gets a gradient proportional to
# its error. And a network trained for finitely many steps is a smooth function that is far
# from the ideal $D^*$: between the two lines its output slopes, and that slope is what $G$
# follows. The non-saturating run above uses the same kind of $D$ with a sigmoid and also
# moves $\theta$: the signal comes from the trained discriminator's shape, not from the
# divergence the game would minimise with a perfect $D$.
#
# **The Wasserstein loss** replaces the divergence itself; lecture 05 builds it from the
# earth mover's distance.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Try it yourself
#
# Move $\theta$: without noise, JSD jumps to $\log 2$ for any $\theta \ne 0$ and KL is infinite;
# $W_1$ grows steadily. Add instance noise and watch the JSD curve become smooth.

# %% slideshow={"slide_type": "subslide"}
explorer = DisjointExplorer()
explorer

# %% slideshow={"slide_type": "skip"}
# The widget shows the numbers computed above: at the blur of section 5, and without noise
# the limits that section 3 computed.
shown = explorer.result_at(noise=0.3, theta=0.5)
assert shown["js"] == noisy["js"] and abs(shown["w1"] - 0.5) < 1e-6
sharp = explorer.result_at(noise=0.0, theta=0.1)
assert sharp["js"] == LOG2 and sharp["kl"] == math.inf

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * For disjoint supports JSD is stuck at $\log 2$, KL is infinite, and $D^*$ is flat where the
#   generator's samples are: the JSD game gives no signal about *how far* the generator is.
#   Every $f$-divergence is constant there too.
# * Disjoint supports are the normal case for distributions on low-dimensional manifolds. A
#   second, separate problem comes from finite samples: even when two distributions are the
#   same, a flexible discriminator can memorise two finite samples and separate them
#   perfectly (an MLP did, for a 10-dimensional Gaussian). Then its loss says nothing about the
#   generator; Arora et al. (2017) show that with a discriminator of bounded capacity the game
#   cannot even tell a generator that has memorised a small set from the real distribution.
# * On two parallel lines only $W_1 = |\theta|$ measures the distance.
# * Measured on a learnable shift, on every seed: the minimax game and label smoothing leave
#   $\theta$ at 1; instance noise, LSGAN and the Wasserstein loss bring it to 0 in small
#   steps; the non-saturating loss moves it by leaps, and where it lands depends on the seed.
#
# ## Further reading
#
# * M. Arjovsky, L. Bottou, *Towards Principled Methods for Training Generative Adversarial
#   Networks*, ICLR 2017.
# * M. Arjovsky, S. Chintala, L. Bottou, *Wasserstein GAN*, ICML 2017 (Example 1).
# * C. K. Sønderby et al., *Amortised MAP Inference for Image Super-resolution*, ICLR 2017
#   (instance noise).
# * T. Salimans et al., *Improved Techniques for Training GANs*, NeurIPS 2016 (one-sided label
#   smoothing).
# * S. Arora, R. Ge, Y. Liang, T. Ma, Y. Zhang, *Generalization and Equilibrium in Generative
#   Adversarial Nets (GANs)*, ICML 2017 (finite samples and bounded discriminators).
# * X. Mao et al., *Least Squares Generative Adversarial Networks*, ICCV 2017.
