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
# # Lecture 05 · Wasserstein GAN and the earth mover's distance
#
# **Goals of this lecture**
#
# 1. Define the earth mover's distance $W_1$ as the cost of the cheapest transport plan, and
#    compute it as a linear programme.
# 2. See why $W_1$ helps where the JSD is stuck at $\log 2$.
# 3. Turn $W_1$ into something a network can learn: Kantorovich–Rubinstein duality and the
#    critic, kept 1-Lipschitz by weight clipping, a gradient penalty or spectral
#    normalisation — and measure how well each one does it.
# 4. Change a GAN into a WGAN (four changes), then compare the two like with like on the ring:
#    find out what really cures the collapse, and what the critic's estimate is good for.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Set-up

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np
import scipy.integrate
import scipy.stats
import torch

import gancourse as gc
from gancourse.critics import critic_estimate, gradient_norms, power_iteration, spectral_norms
from gancourse.experiments import load_benchmark, run_collapse
from gancourse.losses import get_loss
from gancourse.models import MLPDiscriminator
from gancourse.parallel_lines import parallel_lines_divergences
from gancourse.results import load_results
from gancourse.training import fit_discriminator
from gancourse.widgets import TransportExplorer

gc.seed_everything(0)
gc.limit_cpu_threads()  # small networks run fastest on one CPU thread (see its docstring)
device = gc.get_device()
LOG2 = math.log(2)
print("computing on", device)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Moving earth
#
# Think of $P$ as piles of earth and $Q$ as holes of the same total volume. A **transport plan**
# $\gamma(x_p, x_q) \ge 0$ says how much earth goes from $x_p$ to $x_q$; everything leaves
# ($\sum_{x_q} \gamma(x_p, x_q) = P(x_p)$, rows) and every hole is filled
# ($\sum_{x_p} \gamma(x_p, x_q) = Q(x_q)$, columns). Moving costs mass times distance, and
#
# $$W_1(P, Q) = \min_{\gamma \in \Pi(P, Q)} \sum_{x_p, x_q} \gamma(x_p, x_q)\,\|x_p - x_q\| .$$
#
# The objective and the constraints are linear in $\gamma$: a **linear programme** with one
# variable per pair of bins. `gc.emd_1d` builds it and solves it with scipy's HiGHS solver.

# %% slideshow={"slide_type": "subslide"}
x = np.arange(7.0)
p = np.array([0.30, 0.10, 0.00, 0.20, 0.10, 0.30, 0.00])
q = np.array([0.00, 0.20, 0.30, 0.00, 0.10, 0.10, 0.30])
w1_lp, plan = gc.emd_1d(x, p, x, q)
w1_scipy = scipy.stats.wasserstein_distance(x, x, p, q)  # an independent 1-D implementation
print(f"W1 by linear programme: {w1_lp:.10f}\nW1 by scipy (1-D CDFs):  {w1_scipy:.10f}")
# Claims: the plan is a coupling of P and Q, and the LP's cost equals scipy's 1-D value.
assert np.allclose(plan.sum(axis=1), p, atol=1e-12) and np.allclose(plan.sum(axis=0), q, atol=1e-12)
assert plan.min() >= 0 and abs(w1_lp - w1_scipy) < 1e-9

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].bar(x - 0.2, p, width=0.4, color="k", label="P (earth)")
axes[0].bar(x + 0.2, q, width=0.4, color="C2", label="Q (holes)")
axes[0].set(xlabel="position", ylabel="mass", title="Two histograms")
axes[0].legend()
axes[1].imshow(plan, origin="lower", cmap="viridis")
for i, j in zip(*np.nonzero(plan > 1e-9)):
    axes[1].text(j, i, f"{plan[i, j]:.2f}", ha="center", va="center", color="w", fontsize=8)
axes[1].set(xlabel="to (bin of Q)", ylabel="from (bin of P)",
            title=rf"Optimal plan $\gamma$: cost {w1_lp:.2f}")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Optimal plans need not be unique.** On the line, moving the earth *in order* — the first
# shovel of $P$ into the first hole of $Q$, and so on, as quantile functions pair up — is always
# optimal for the cost $|x - y|$ (`gc.monotone_plan_1d`). But when earth moves the same way, a
# plan whose paths cross can cost exactly as much. Two piles of ½ at 0 and 1, two holes at 1
# and 2: shift both by one, or carry the first pile over the second to 2.

# %% slideshow={"slide_type": "subslide"}
ordered = gc.monotone_plan_1d(x, p, x, q)
cost = np.abs(x[:, None] - x[None, :])
print(f"section 1: cost of the ordered plan {np.sum(ordered * cost):.10f}")
assert abs(np.sum(ordered * cost) - w1_lp) < 1e-9  # claim: the ordered plan is optimal

x2, p2, q2 = np.arange(3.0), np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.5, 0.5])
shift_plan = gc.monotone_plan_1d(x2, p2, x2, q2)  # 0 -> 1 and 1 -> 2
carry_plan = np.array([[0, 0, 0.5], [0, 0.5, 0], [0, 0, 0]])  # 0 -> 2, the pile at 1 stays
cost2 = np.abs(x2[:, None] - x2[None, :])
print(f"shift both: cost {np.sum(shift_plan * cost2):.2f}; carry one over: cost "
      f"{np.sum(carry_plan * cost2):.2f}; LP optimum {gc.emd_1d(x2, p2, x2, q2)[0]:.2f}")
# Claim: two different plans, both optimal.
assert not np.allclose(shift_plan, carry_plan)
assert abs(np.sum(shift_plan * cost2) - 1.0) < 1e-12
assert abs(np.sum(carry_plan * cost2) - 1.0) < 1e-12
assert abs(gc.emd_1d(x2, p2, x2, q2)[0] - 1.0) < 1e-9

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. A distance that sees how far
#
# Lecture 03's parallel lines: $P_0$ is the segment $\{0\} \times [0, 1]$, $P_\theta$ the same
# segment moved to $x = \theta$. For $\theta \ne 0$ they never overlap, so
# $\mathrm{JSD}(P_0 \| P_\theta) = \log 2$ whatever $\theta$ — no gradient. The cheapest plan
# slides every point straight across, so $W_1(P_0, P_\theta) = |\theta|$: continuous, and a
# gradient of $\pm 1$ everywhere. We check the closed forms against the exact $W_1$ of 800
# samples of each segment (an optimal matching).

# %% slideshow={"slide_type": "subslide"}
thetas = np.array([-1.0, -0.5, -0.1, 0.1, 0.5, 1.0])
line = gc.ParallelLine(0.0)
rows = []
for theta in thetas:
    closed = parallel_lines_divergences(theta)
    a = line.sample(800, seed=1).numpy()
    b = gc.ParallelLine(theta).sample(800, seed=2).numpy()
    rows.append((theta, closed["js"], closed["w1"], gc.w1_point_clouds(a, b)))
    print(f"theta {theta:+.1f}: JSD = {closed['js']:.4f}, W1 = {closed['w1']:.3f}, "
          f"W1 of 800 samples = {rows[-1][3]:.3f}")
js_vals, w1_vals, w1_samples = (np.array(c) for c in list(zip(*rows))[1:])
# Claims: JSD is log 2 at every theta != 0; W1 = |theta|, confirmed by the sample estimate
# (which lies slightly above: the two samples' heights never match exactly).
assert np.allclose(js_vals, LOG2) and np.allclose(w1_vals, np.abs(thetas))
assert np.all(w1_samples >= np.abs(thetas) - 1e-9) and np.allclose(w1_samples, np.abs(thetas),
                                                                   atol=0.03)

grid_theta = np.linspace(-1, 1, 201)
fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(grid_theta, np.where(grid_theta == 0, 0.0, LOG2), label="JSD")
ax.plot(grid_theta, np.abs(grid_theta), label="$W_1$")
ax.plot(thetas, w1_samples, "o", color="C1", label="$W_1$ of 800 samples")
ax.set(xlabel=r"$\theta$", ylabel="distance", title="Parallel lines: only $W_1$ sees the gap")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Kantorovich–Rubinstein duality: from plans to critics
#
# The LP in $\gamma$ has a dual LP in one function $f$ (a value per point):
#
# $$W_1(P, Q) = \max_{\|f\|_L \le 1} \; \mathbb{E}_{x \sim P}[f(x)] - \mathbb{E}_{x \sim Q}[f(x)],$$
#
# the maximum over **1-Lipschitz** functions, $|f(x) - f(y)| \le \|x - y\|$. No plans any more:
# only a function that is high where $P$ has mass and low where $Q$ has, with bounded slope.
# A network can play $f$ — the **critic**. On the histograms of section 1, solve the dual LP
# (`gc.kantorovich_dual`) and compare.

# %% slideshow={"slide_type": "subslide"}
w1_dual, f_star = gc.kantorovich_dual(x, p, q)
slopes = np.diff(f_star)
print(f"primal (plans) {w1_lp:.10f}\ndual (critic)  {w1_dual:.10f}")
print("critic f*:", np.round(f_star, 3), "\nslopes:   ", np.round(slopes, 3))
ahead = np.cumsum(p - q)[:-1]  # earth of P left of each gap minus holes of Q left of it
print("net earth crossing each gap (+: to the right):", np.round(ahead, 2))
# Claims: strong duality (same value); f* is 1-Lipschitz; across a gap where net earth moves
# right, f* falls with slope -1, and where it moves left it rises with slope +1 -- the critic
# is steepest exactly where earth must travel.
assert abs(w1_dual - w1_lp) < 1e-9
assert np.all(np.abs(slopes) <= 1 + 1e-9)
moving = np.abs(ahead) > 1e-12
assert np.allclose(slopes[moving], -np.sign(ahead[moving]))
assert (ahead > 0).any() and (ahead < 0).any()  # this example moves earth both ways

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. A neural critic, and how to keep it 1-Lipschitz
#
# Train a small MLP $f$ to maximise $\mathbb{E}_P f - \mathbb{E}_Q f$ between
# $P = \mathcal N(0, 1)$ and $Q = 0.3\,\mathcal N(-1, 0.5^2) + 0.7\,\mathcal N(3, 0.5^2)$
# (4096 samples each, 1000 Adam steps), then evaluate $\mathbb{E}_P f - \mathbb{E}_Q f$ on
# 20 000 fresh samples. The true $W_1 = \int |F_P - F_Q|\,dx$ by quadrature. Four critics:
#
# * **unconstrained** — nothing bounds its slope;
# * **weight clipping** (WGAN): every weight clamped to $[-0.01, 0.01]$ after each step;
# * **gradient penalty** (WGAN-GP): add $\lambda\,\mathbb{E}[(\|\nabla f(\hat x)\| - 1)^2]$ at
#   points $\hat x$ between real and generated samples, $\lambda = 10$;
# * **spectral normalisation** (SN-GAN): every weight matrix divided by its largest singular
#   value, so each layer, and with 1-Lipschitz activations the whole network, is 1-Lipschitz.

# %% slideshow={"slide_type": "subslide"}
P = gc.Gaussian1D(0.0, 1.0)
Q = gc.GaussianMixture([-1.0, 3.0], [0.5, 0.5], [0.3, 0.7])
F_P = lambda t: scipy.stats.norm.cdf(t)
F_Q = lambda t: 0.3 * scipy.stats.norm.cdf(t, -1, 0.5) + 0.7 * scipy.stats.norm.cdf(t, 3, 0.5)
w1_true = scipy.integrate.quad(lambda t: abs(F_P(t) - F_Q(t)), -10, 10, limit=200)[0]
x_p, x_q = P.sample(4096, seed=1), Q.sample(4096, seed=2)
fresh_p, fresh_q = P.sample(20000, seed=3), Q.sample(20000, seed=4)
xs = torch.linspace(-4, 6, 501)[:, None]

critics = {"unconstrained": ({}, {}), "weight clipping": ({"clip_value": 0.01}, {}),
           "gradient penalty": ({"gp_weight": 10.0}, {}),
           "spectral norm": ({}, {"spectral_norm": True})}
results = {}
for name, (fit_options, net_options) in critics.items():
    gc.seed_everything(0)
    f = MLPDiscriminator(1, (64, 64), **net_options)
    fit_discriminator(f, x_p, x_q, steps=1000, batch_size=256, loss="wgan", betas=(0.5, 0.9),
                      **fit_options)
    f.eval()
    slope = gradient_norms(f, xs).max().item()
    results[name] = {"critic": f, "estimate": critic_estimate(f, fresh_p, fresh_q),
                     "max slope": slope}
print(f"true W1 = {w1_true:.4f}\n")
print(f"{'critic':<18}{'estimate':>12}{'/ W1':>10}{'max slope':>12}{'estimate / slope':>18}")
for name, r in results.items():
    r["rescaled"] = r["estimate"] / r["max slope"]
    print(f"{name:<18}{r['estimate']:12.4f}{r['estimate'] / w1_true:10.3f}"
          f"{r['max slope']:12.3f}{r['rescaled']:18.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Dividing a critic by its largest slope makes it 1-Lipschitz, so that rescaled estimate can
# never exceed $W_1$ (up to sampling error): it measures how good the critic's *shape* is.

# %% slideshow={"slide_type": "subslide"}
# Claims, one per critic:
# rescaled to slope <= 1 on the plotted range, no critic beats W1 (up to sampling error);
assert all(c["rescaled"] < w1_true + 0.02 for c in results.values())
# the unconstrained critic's "estimate" is hundreds of times W1: it just steepens;
assert results["unconstrained"]["estimate"] > 100 * w1_true
# weight clipping bounds the slope far below 1, and even rescaled its shape falls well short;
assert results["weight clipping"]["estimate"] < 0.01 * w1_true
assert results["weight clipping"]["rescaled"] < 0.8 * w1_true
# the gradient penalty is close, but overestimates (by the bias printed here): the penalty
# is soft, so slopes a little above 1 pay off where much mass must cross;
gp_bias = results["gradient penalty"]["estimate"] / w1_true - 1
print(f"gradient-penalty bias: {100 * gp_bias:+.1f}%")
assert 0 < gp_bias < 0.3 and results["gradient penalty"]["max slope"] > 1
# spectral normalisation stays below W1 (it is 1-Lipschitz by construction) yet close to it.
assert 0.9 * w1_true < results["spectral norm"]["estimate"] < w1_true + 0.02

# %% [markdown] slideshow={"slide_type": "subslide"}
# The unconstrained critic is not converging to anything: train it longer and its "estimate"
# keeps growing, because scaling $f$ up scales $\mathbb{E}_P f - \mathbb{E}_Q f$ up.

# %% slideshow={"slide_type": "subslide"}
unconstrained = results["unconstrained"]["critic"].train()
growth = [results["unconstrained"]["estimate"]]
for _ in range(2):
    fit_discriminator(unconstrained, x_p, x_q, steps=500, batch_size=256, loss="wgan",
                      betas=(0.5, 0.9))
    growth.append(critic_estimate(unconstrained, fresh_p, fresh_q))
print("unconstrained estimate after 1000, 1500, 2000 steps:", np.round(growth, 1))
assert growth[0] < growth[1] < growth[2] and growth[2] > 2 * growth[0]  # claim: it blows up

# %% slideshow={"slide_type": "subslide"}
# The exact optimal critic, from the CDFs: f*' = sign(F_Q - F_P) (the 1-D form of section 3).
t = xs.numpy().ravel()
f_exact = np.concatenate([[0.0], np.cumsum(np.sign(F_Q(t) - F_P(t))[:-1] * np.diff(t))])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].hist(fresh_p.numpy().ravel(), bins=80, density=True, alpha=0.5, color="k", label="P")
axes[0].hist(fresh_q.numpy().ravel(), bins=80, density=True, alpha=0.5, color="C2", label="Q")
axes[0].set(xlabel="x", title="P and Q")
axes[0].legend()
axes[1].plot(t, f_exact - f_exact.mean(), "k--", lw=2, label="exact f* (slopes ±1)")
for name in ("weight clipping", "gradient penalty", "spectral norm"):
    with torch.no_grad():
        values = results[name]["critic"](xs).numpy().ravel() / results[name]["max slope"]
    axes[1].plot(t, values - values.mean(), label=f"{name} (÷ max slope)")
axes[1].set(xlabel="x", ylabel="f(x), centred", title="Critics, rescaled to slope ≤ 1")
axes[1].legend(fontsize=8)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Spectral normalisation, inside
#
# $\sigma_{max}(W)$ is estimated by **power iteration**: repeat $u \leftarrow Wv/\|Wv\|$,
# $v \leftarrow W^\top u / \|W^\top u\|$; then $\sigma \approx u^\top W v$. SN-GAN runs one
# iteration per training step and divides $W$ by the estimate.

# %% slideshow={"slide_type": "subslide"}
sn_critic = results["spectral norm"]["critic"]
sigmas = spectral_norms(sn_critic)
print("largest singular value of each layer, as used:", np.round(sigmas, 4))
raw = sn_critic.body[2].parametrizations.weight.original  # the unnormalised 64 x 64 weight
exact = torch.linalg.svdvals(raw.detach())[0].item()
estimates = [power_iteration(raw, n) for n in (1, 3, 10, 30)]
print(f"raw hidden layer: SVD {exact:.5f}; power iteration after 1/3/10/30 steps:",
      np.round(estimates, 5))
# Claims: every normalised layer has sigma ~ 1; power iteration converges to the SVD's value.
assert np.allclose(sigmas, 1.0, atol=0.02)
assert abs(estimates[-1] - exact) < 1e-4 * exact

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. From GAN to WGAN: four changes
#
# | | GAN (non-saturating) | WGAN |
# |---|---|---|
# | output of $D$ | sigmoid → probability | **no sigmoid**: a real-valued score (critic) |
# | $D$'s objective | $\mathbb{E}\log D(x) + \mathbb{E}\log(1 - D(G(z)))$ | **no log**: $\mathbb{E} f(x) - \mathbb{E} f(G(z))$ |
# | constraint on $D$ | none | **1-Lipschitz**: clipping, gradient penalty or spectral norm |
# | $G$'s objective | $\max \mathbb{E} \log D(G(z))$ | **minimise $-\mathbb{E} f(G(z))$** |
#
# (Arjovsky et al. also recommended RMSProp over momentum; WGAN-GP went back to Adam with
# $\beta_1 = 0.5$ or $0$, and 5 critic steps per generator step.) In `gancourse.losses` the
# change is one name.

# %% slideshow={"slide_type": "subslide"}
scores_real, scores_fake = torch.tensor([2.0, 0.5, 1.0]), torch.tensor([-1.0, 0.0, 3.0])
gan, wgan = get_loss("nonsaturating"), get_loss("wgan")
d_gan = gan.d_loss(scores_real, scores_fake).item()
d_wgan, g_wgan = wgan.d_loss(scores_real, scores_fake).item(), wgan.g_loss(scores_fake).item()
print(f"GAN:  D loss {d_gan:.4f}   WGAN: critic loss {d_wgan:.4f}, generator loss {g_wgan:.4f}")
sigmoid = lambda s: 1 / (1 + np.exp(-s.numpy()))
# Claims: the GAN loss is a cross-entropy through a sigmoid; the WGAN losses are plain means.
assert abs(d_gan - (-np.log(sigmoid(scores_real)).mean()
                    - np.log(1 - sigmoid(scores_fake)).mean())) < 1e-6
assert abs(d_wgan - (scores_fake.mean() - scores_real.mean()).item()) < 1e-6
assert abs(g_wgan + scores_fake.mean().item()) < 1e-6
assert wgan.critic and not gan.critic

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. WGAN-GP on the ring: compare like with like
#
# Lecture 04's small networks collapsed: two hidden layers of 64 units, batch 128, 2000
# generator steps, a generator learning three times faster than its discriminator, **one**
# $D$ step per $G$ step. WGAN-GP is usually run with **five** critic steps per generator step
# (and $\lambda = 1$ here rather than the paper's 10: the ring's modes are only 0.01 wide, and
# a penalty of 10 holds the critic's slope near 1 on the scale of the whole ring, too blunt to
# point at single modes). So "WGAN-GP fixes the collapse" could be WGAN-GP — or the four extra
# critic steps. Change one thing at a time, everything else equal (`collapse`,
# `collapse-wgan-gp`, `collapse-k5`, `collapse-wgan-gp-k5` in `gancourse.experiments`):
#
# | | 1 $D$ step per $G$ step | 5 $D$ steps per $G$ step |
# |---|---|---|
# | non-saturating GAN | `collapse` (lecture 04) | `collapse-k5` |
# | WGAN-GP, $\lambda = 1$ | `collapse-wgan-gp` | `collapse-wgan-gp-k5` |
#
# Live, for seed 0, the right-hand column: every 100 steps we record the critic's estimate
# $\mathbb{E} f(\text{real}) - \mathbb{E} f(\text{generated})$ on 500 held-out points and the
# exact $W_1$ between those 500 data points and 500 generated ones (for the GAN the
# "estimate" is a gap between logits).

# %% slideshow={"slide_type": "subslide"}
ring = gc.Ring()
live = {}
for method in ("collapse-wgan-gp-k5", "collapse-k5"):
    trainer, live[method] = run_collapse(method, seed=0, watch=True, device=device)
    r = live[method]
    print(f"{method:<20} {r['modes_captured']}/8 modes, {100 * r['high_quality']:.1f}% high "
          f"quality, final W1 {r['w1'][-1]:.3f}, {r['seconds']:.1f} s")
    if method == "collapse-wgan-gp-k5":
        wgan_trainer = trainer
print(f"W1 between two 500-point samples of the data itself (the floor): {r['floor']:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# One seed is an anecdote. `benchmarks/collapse.py` trains all four cells of the table (and
# lecture 04's minibatch-std fix) on 5 seeds, on each of the floating-point paths of
# `gancourse.floatpaths` — the roundings of other CPUs — and saves every run; about 25 minutes
# to regenerate on a 2-core CPU (`.venv/bin/python benchmarks/collapse.py`). The claims below
# are checked on **every** saved run.

# %% slideshow={"slide_type": "subslide"}
saved = load_results("collapse")
by_method = {m: [r for r in saved["runs"] if r["method"] == m]
             for m in ("collapse", "collapse-wgan-gp", "collapse-k5", "collapse-wgan-gp-k5")}
n_paths = len(saved["paths"])
print(f"{len(saved['runs'])} saved runs: {n_paths} float paths ({', '.join(saved['paths'])}) "
      f"x 5 seeds per method; machine: {saved['machine']['cpu']}\n")
print(f"{'method':<21} {'modes (min-max)':>16} {'% HQ (mean ± sd)':>18} {'final W1 (mean)':>16}"
      f" {'D loss, last 100 steps':>23}")
for method, runs in by_method.items():
    modes = [r["modes_captured"] for r in runs]
    hq = [100 * r["high_quality"] for r in runs]
    print(f"{method:<21} {min(modes):>8} - {max(modes):<5} {np.mean(hq):>9.1f} ± {np.std(hq):<5.1f}"
          f" {np.mean([r['w1'][-1] for r in runs]):>16.3f}"
          f" {np.mean([r['d_loss_late'] for r in runs]):>23.3f}")
assert all(len(runs) == 5 * n_paths for runs in by_method.values()) and n_paths >= 3
# Claims, on every seed and every float path:
# with one critic step, WGAN-GP collapses just like the GAN (at most 2 modes) ...
assert all(r["modes_captured"] <= 2 for m in ("collapse", "collapse-wgan-gp")
           for r in by_method[m])
# ... and with five, the GAN covers all 8 modes just like WGAN-GP: here the cure is the
# discriminator's lead over the generator, not the loss.
assert all(r["modes_captured"] == 8 for m in ("collapse-k5", "collapse-wgan-gp-k5")
           for r in by_method[m])

# %% [markdown] slideshow={"slide_type": "subslide"}
# What WGAN-GP does add is a **loss that means something**. Its critic's estimate falls as the
# generator approaches the data, in step with the true $W_1$. The GAN's discriminator loss
# ends near $\log 4$ (its value at $D = \tfrac12$) whether its generator collapsed or covered
# every mode: it cannot tell the two apart.

# %% slideshow={"slide_type": "subslide"}
wgan_k5 = by_method["collapse-wgan-gp-k5"]
later = np.array(wgan_k5[0]["eval_step"]) >= 200  # once the critic has had time to learn
rhos = [scipy.stats.spearmanr(np.array(r["critic"])[later], np.array(r["w1"])[later])[0]
        for r in wgan_k5]
falls = [r["critic"][-1] / max(r["critic"]) for r in wgan_k5]
print(f"WGAN-GP (5 critic steps): rank correlation of estimate and W1 from step 200, over "
      f"{len(rhos)} runs: min {min(rhos):.2f}, mean {np.mean(rhos):.2f}; final estimate / peak: "
      f"max {max(falls):.2f}")
gan_loss = {m: [r["d_loss_late"] for r in by_method[m]] for m in ("collapse", "collapse-k5")}
gan_w1 = {m: [r["w1"][-1] for r in by_method[m]] for m in ("collapse", "collapse-k5")}
for m in gan_loss:
    print(f"GAN {m:<12}: D loss {min(gan_loss[m]):.3f} to {max(gan_loss[m]):.3f} "
          f"(log 4 = {math.log(4):.3f}); final W1 {min(gan_w1[m]):.3f} to {max(gan_w1[m]):.3f}")
# Claims, on every saved run: the WGAN-GP estimate tracks W1 and falls to under half its peak;
assert min(rhos) > 0.8 and max(falls) < 0.5
# the GAN's D loss ends within 0.25 of log 4 for collapsed and covering generators alike (the
# two ranges overlap, so no threshold on it separates them), while every collapsed generator is
# farther from the data in W1 than every covering one.
assert all(abs(v - math.log(4)) < 0.25 for vs in gan_loss.values() for v in vs)
assert min(gan_loss["collapse"]) < max(gan_loss["collapse-k5"])
assert min(gan_w1["collapse"]) > max(gan_w1["collapse-k5"])

# %% slideshow={"slide_type": "subslide"}
wgan_run, gan_run = live["collapse-wgan-gp-k5"], live["collapse-k5"]
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
axes[0].plot(wgan_run["eval_step"], wgan_run["critic"], label="WGAN-GP critic estimate")
axes[0].plot(wgan_run["eval_step"], wgan_run["w1"], label="true $W_1$ (500 vs 500 points)")
axes[0].axhline(wgan_run["floor"], color="gray", ls=":", label="sampling floor")
axes[0].set(xlabel="generator step", title="WGAN-GP (seed 0): the estimate falls with $W_1$")
axes[0].legend(fontsize=8)
for m in ("collapse", "collapse-k5"):
    run = next(r for r in by_method[m] if r["seed"] == 0 and r["float_path"] == "native")
    axes[1].plot(run["eval_step"], run["w1"], label=f"true $W_1$, GAN `{m}`")
axes[1].axhline(math.log(4), color="gray", ls=":", label="log 4: both D losses end here")
axes[1].set(xlabel="generator step", title="GAN (saved seed 0): D's loss cannot tell these apart")
axes[1].legend(fontsize=8)
samples = wgan_trainer.sample(2500).cpu().numpy()
axes[2].scatter(ring.means[:, 0], ring.means[:, 1], s=40, facecolors="none", edgecolors="k")
axes[2].scatter(samples[:, 0], samples[:, 1], s=1, c="C1")
axes[2].set(title="WGAN-GP samples after 2000 steps (seed 0)", aspect="equal")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Over seeds: the ring and the grid
#
# The benchmark of lecture 04 (`benchmarks/toy2d.py`, 5 seeds, the larger networks, 4000
# generator steps on the ring and 10 000 on the grid) includes WGAN-GP with 5 critic steps
# per generator step, as in the paper (`k_steps=5` overrides it for your own runs). Mind the
# lesson of section 6 when you read it: that benchmark's vanilla GAN takes one $D$ step per
# $G$ step, so the comparison below is not like with like.

# %% slideshow={"slide_type": "subslide"}
bench = load_benchmark()
for dataset, n_modes in (("ring", 8), ("grid", 25)):
    wg = [r for r in bench["runs"] if r["dataset"] == dataset and r["method"] == "wgan-gp"]
    van = [r for r in bench["runs"] if r["dataset"] == dataset and r["method"] == "gan"]
    modes = [r["modes_captured"] for r in wg]
    print(f"{dataset}: WGAN-GP modes per seed {modes}, high quality "
          f"{100 * np.mean([r['high_quality'] for r in wg]):.1f}% "
          f"({np.mean([r['seconds'] for r in wg]):.0f} s per run); vanilla GAN "
          f"{np.mean([r['modes_captured'] for r in van]):.1f} modes")
    # Claim: WGAN-GP captures every mode on every seed, on both benchmarks.
    assert len(wg) == 5 and all(m == n_modes for m in modes)
print(f"machine: {bench['machine']['cpu']}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Explore: the optimal plan, live
#
# $P$ is fixed; move $Q$'s centre and width. The heat map is the ordered optimal plan; the
# readout compares the LP, the plan's cost and the CDF formula, and the JSD — which stops at
# $\log 2$ once the histograms no longer overlap, while $W_1$ keeps growing.

# %% slideshow={"slide_type": "subslide"}
explorer = TransportExplorer()
explorer

# %% slideshow={"slide_type": "skip"}
far = explorer.result_at(shift=14.0, width=0.5)
near = explorer.result_at(shift=12.0, width=0.5)
assert abs(far["js"] - LOG2) < 1e-12 and abs(near["js"] - LOG2) < 1e-12  # JSD: blind
assert far["w1"] > near["w1"] + 1.5  # W1 sees the extra distance
assert abs(far["plan_cost"] - far["w1"]) < 1e-9

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * $W_1$ is the cost of the cheapest transport plan: a linear programme, equal to the 1-D CDF
#   formula; optimal plans need not be unique.
# * It grows with the distance between disjoint supports ($W_1 = |\theta|$) where JSD is stuck
#   at $\log 2$.
# * Kantorovich–Rubinstein: the same value is the best $\mathbb{E}_P f - \mathbb{E}_Q f$ over
#   1-Lipschitz critics. Unconstrained critics blow up; clipping gives a weak, poorly shaped
#   critic; the gradient penalty is close but biased upwards (section 4 prints by how
#   much); spectral normalisation keeps every layer at $\sigma \approx 1$ and stays just
#   under $W_1$.
# * GAN → WGAN: no sigmoid, no log, a Lipschitz constraint, and $G$ minimises
#   $-\mathbb{E} f(G(z))$. Compared like with like on 5 seeds and every float path, the
#   number of critic steps, not the loss, decided whether the small networks collapsed; what
#   WGAN-GP added is an estimate that tracks the true $W_1$, where the GAN's D loss sat at
#   $\log 4$ for good and collapsed generators alike.
#
# ## Further reading
#
# * M. Arjovsky, S. Chintala, L. Bottou, *Wasserstein GAN*, ICML 2017.
# * I. Gulrajani et al., *Improved Training of Wasserstein GANs*, NeurIPS 2017.
# * T. Miyato et al., *Spectral Normalization for Generative Adversarial Networks*, ICLR 2018.
# * G. Peyré, M. Cuturi, *Computational Optimal Transport*, 2019, chapters 2–3 and 6.
# * C. Villani, *Optimal Transport: Old and New*, 2009, chapter 5 (duality).
