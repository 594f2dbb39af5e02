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
# # Lecture 08 · Evaluating GANs
#
# **Goals of this lecture**
#
# 1. See why the discriminator's loss cannot tell us how good the samples are.
# 2. Compute the Inception Score, the Fréchet distance (FID) and the kernel distance (KID),
#    check each against an independent computation, and measure FID's bias in small samples.
# 3. Separate quality from coverage: precision and recall, density and coverage, on a toy
#    whose truth we know — and the truncation trick that trades one for the other.
# 4. Rank the course's own generators by every metric, and explain where the metrics disagree.
# 5. Ask whether a generator copies its training data.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Set-up

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy import integrate, linalg, stats

import gancourse as gc
from gancourse.evaluation import (density_coverage, expected_coverage, fid, gaussian_frechet,
                                  inception_score, kid, nearest_distances, precision_recall)
from gancourse.judge import load_judge
from gancourse.latent import truncated_normal
from gancourse.metric_toys import toy_report, toy_samples
from gancourse.mnist import load_mnist5k
from gancourse.mnist_gans import RULES, TECHNIQUES, load_digit_gans_benchmark, load_digit_generator
from gancourse.plots import show_digits
from gancourse.widgets import MetricsToyExplorer

device = gc.setup(seed=0)

data = load_mnist5k()
judge = load_judge(device)
train_features = judge.features(data.x_train).numpy()  # (4000, 64)
test_features = judge.features(data.x_test).numpy()  # (1000, 64): "real" in every metric
bench = load_digit_gans_benchmark()  # lecture 07's saved runs, with every metric

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The discriminator's loss is not a score
#
# Every GAN trains a network whose job is to tell real from generated. Why not read quality off
# its loss? Because $D$ is a moving target: its loss measures how well *this* $D$ separates
# *this* $G$'s samples today, and both players improve together. A falling FID can come with a
# rising, falling or flat $D$ loss.
#
# Lecture 07's saved runs (`benchmarks/digit_gans.py`) stopped ten times along each run and
# recorded $D$'s mean loss since the last stop and the judge's FID of 1000 samples. Two
# questions: along one run, does $D$'s loss follow FID? Across runs of different GANs, does
# the final $D$ loss rank them as FID does?

# %% slideshow={"slide_type": "subslide"}
runs = bench["runs"]
along = np.array([stats.spearmanr([t["d_loss"] for t in r["trace"]],
                                  [t["fid"] for t in r["trace"]])[0] for r in runs])
across = stats.spearmanr([r["trace"][-1]["d_loss"] for r in runs], [r["fid"] for r in runs])[0]
fig, (ax_d, ax_f) = plt.subplots(1, 2, figsize=(10, 3))
for name, colour in (("DCGAN", "C0"), ("no tanh", "C3"), ("minibatch discrimination", "C2")):
    for r in (r for r in runs if r["variant"] == name):
        steps = [t["step"] for t in r["trace"]]
        ax_d.plot(steps, [t["d_loss"] for t in r["trace"]], color=colour, alpha=0.7,
                  label=name if r["seed"] == 0 else None)
        ax_f.plot(steps, [t["fid"] for t in r["trace"]], color=colour, alpha=0.7)
ax_d.set(xlabel="generator step", ylabel="D's loss (mean since the last stop)")
ax_f.set(xlabel="generator step", ylabel="judge FID", yscale="log")
ax_d.legend(fontsize=8)
plt.show()
print(f"along each of {len(runs)} runs, Spearman's rho of D's loss against FID: from "
      f"{along.min():+.2f} to {along.max():+.2f} (median {np.median(along):+.2f})")
print(f"across the runs, final D loss against final FID: rho = {across:+.2f}")
lowest = sorted(runs, key=lambda r: r["trace"][-1]["d_loss"])[:6]
print("the six lowest final D losses:", ", ".join(
    f"{r['variant']} (FID {r['fid']:.0f})" for r in lowest))
# Claims: along a run the relation takes either sign -- in some runs D's loss falls as FID
# falls, in others it rises (|rho| > 0.5 both ways, in at least three runs each); across
# runs the final D loss hardly ranks the GANs at all (|rho| < 0.5). The six lowest D losses
# belong to minibatch discrimination, whose every run beats every plain DCGAN on FID, and to
# feature matching, whose every run is worse than every plain DCGAN: the same low D loss,
# opposite quality.
assert (along < -0.5).sum() >= 3 and (along > 0.5).sum() >= 3
assert abs(across) < 0.5
plain = [r["fid"] for r in runs if r["variant"] == "DCGAN"]
assert {r["variant"] for r in lowest} == {"minibatch discrimination", "feature matching"}
assert all((r["fid"] < min(plain)) if r["variant"] == "minibatch discrimination"
           else (r["fid"] > max(plain)) for r in lowest)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The Inception Score
#
# Salimans et al. (2016) score a generator with a classifier $p(y \mid x)$ — Google's Inception
# network for ImageNet; here the judge of lecture 07:
#
# $$ \mathrm{IS} = \exp\Big( \mathbb E_{x \sim P_G}\, \mathrm{KL}\big(p(y \mid x) \,\|\, p(y)\big)
# \Big), \qquad p(y) = \mathbb E_{x \sim P_G}\, p(y \mid x). $$
#
# The exponent is the mutual information between a sample and its label,
# $I(x; y) = H(p(y)) - \mathbb E_x H(p(y \mid x))$: large when each sample is classified
# confidently (small conditional entropy) *and* the labels are spread out (large marginal
# entropy). Since $0 \le I \le H(p(y)) \le \log K$, the score lies between 1 and $K = 10$.
# Notice what it never looks at: the real data.

# %% slideshow={"slide_type": "subslide"}
one_hot = np.eye(10)[np.arange(1000) % 10]
p_test = judge.probabilities(data.x_test).numpy().astype(float)
p_test /= p_test.sum(1, keepdims=True)  # float32 rows sum to 1 only within 1e-7
# the exponent, computed another way: marginal entropy minus mean conditional entropy
mutual = stats.entropy(p_test.mean(0)) - np.mean(stats.entropy(p_test, axis=1))
pair = torch.randperm(4000, generator=torch.Generator().manual_seed(0))
keep = data.y_train[pair[:1000]] != data.y_train[pair[1000:2000]]
blends = 0.5 * (data.x_train[pair[:1000]][keep] + data.x_train[pair[1000:2000]][keep])
ten_digits = torch.cat([data.x_train[data.y_train == k][:1] for k in range(10)])
cases = {
    "real test digits": data.x_test,
    "only threes (real ones)": data.x_train[data.y_train == 3],
    "blends of two different digits": blends,
    "ten real digits, each repeated 100 times": ten_digits.repeat(100, 1, 1, 1),
}
scores = {name: inception_score(judge.probabilities(x).numpy()) for name, x in cases.items()}
p_blends = judge.probabilities(blends).numpy()
blend_spread = stats.entropy(p_blends.mean(0)) / math.log(10)  # 1: perfectly balanced
ten_fid = fid(test_features, judge.features(cases["ten real digits, each repeated 100 times"]))
for name, value in scores.items():
    print(f"IS {value:5.2f}   {name}")
print(f"the blends: marginal label entropy {100 * blend_spread:.1f} % of log 10, mean top "
      f"probability {p_blends.max(1).mean():.2f}")
print(f"FID of the ten repeated digits: {ten_fid:.0f} (real test vs real training: "
      f"{fid(test_features, train_features):.1f})")
# Claims: the bounds are reached (10 for confident, balanced labels; 1 for one flat
# prediction); the exponent is the mutual information; real digits score near the top, one
# digit near 1, balanced but unrecognisable blends low; and ten memorised digits beat real
# data on IS while FID, which compares with the real data, calls them far off.
assert abs(inception_score(one_hot) - 10) < 1e-9
assert abs(inception_score(np.full((50, 10), 0.1)) - 1) < 1e-9
assert abs(math.log(inception_score(p_test)) - mutual) < 1e-10
assert scores["real test digits"] > 8.5 and scores["only threes (real ones)"] < 1.5
assert blend_spread > 0.95 and scores["blends of two different digits"] < 5
assert scores["ten real digits, each repeated 100 times"] > scores["real test digits"]
assert ten_fid > 20 * fid(test_features, train_features)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Two blind spots follow from the formula. IS rewards *confident* labels, so the judge's
# idiosyncrasies become the score's (Barratt & Sharma 2018 show Inception-based IS can be pushed
# up by images no one would call realistic). And it only asks that the *labels* be diverse:
# ten perfect digits, repeated, are a complete collapse within each class, and they outscore
# the real data. A score for generators must compare with real samples.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The Fréchet distance, and its bias
#
# Heusel et al. (2017) fit a Gaussian to the judge's features of real samples,
# $\mathcal N(\mu_r, \Sigma_r)$, and one to the generated, $\mathcal N(\mu_g, \Sigma_g)$, and
# report the 2-Wasserstein distance between them, squared — in closed form:
#
# $$ \mathrm{FID} = \lVert \mu_r - \mu_g \rVert^2 + \operatorname{tr}\big(\Sigma_r + \Sigma_g -
# 2\,(\Sigma_r \Sigma_g)^{1/2}\big). $$
#
# `gancourse.evaluation.fid` computes the trace of the matrix square root as the sum of
# $\sqrt{\lambda_i}$ over the eigenvalues of the symmetric matrix $\Sigma_r^{1/2} \Sigma_g
# \Sigma_r^{1/2}$ (the same eigenvalues as $\Sigma_r \Sigma_g$): no complex round-off. Two
# independent checks: SciPy's general matrix square root, and in one dimension, where
# $W_2^2$ between two distributions is $\int_0^1 (F_r^{-1}(u) - F_g^{-1}(u))^2\,du$ — the
# squared distance between their quantile functions, integrated numerically.

# %% slideshow={"slide_type": "subslide"}
ours = fid(train_features, test_features)
# Many of the judge's 64 ReLU units never fire on a digit: those features are exactly 0 in
# both sets, the covariances are singular, and a general matrix square root struggles. They
# add nothing to the distance, so scipy gets the live features only.
live = (train_features.std(0) > 0) | (test_features.std(0) > 0)
a, b = train_features[:, live].astype(float), test_features[:, live].astype(float)
cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
root = linalg.sqrtm(cov_a @ cov_b)
by_scipy = float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(cov_a + cov_b - 2 * root.real))
print(f"judge features ({live.sum()} of 64 ever non-zero), training vs test digits: FID "
      f"{ours:.9f}, with scipy's sqrtm on the live ones {by_scipy:.9f}")
(m1, s1), (m2, s2) = (0.3, 1.2), (-0.5, 0.7)
quantiles = integrate.quad(lambda u: (stats.norm.ppf(u, m1, s1) - stats.norm.ppf(u, m2, s2)) ** 2,
                           0, 1, limit=200)[0]
one_d = gaussian_frechet([m1], [[s1 ** 2]], [m2], [[s2 ** 2]])
print(f"1-D: FID {one_d:.10f}, W2^2 from the quantile functions {quantiles:.10f}")
# Claims: the closed form agrees with scipy's square root and with the 1-D Wasserstein
# distance computed from quantile functions.
assert abs(ours - by_scipy) < 1e-8 * max(1.0, by_scipy)
assert abs(one_d - quantiles) < 1e-8

# %% [markdown] slideshow={"slide_type": "subslide"}
# **FID is biased upwards in small samples.** With $n$ samples the estimated covariances are
# noisy, and noise only adds to the trace term: two samples of *one* distribution have an
# expected FID above 0 that falls roughly like $1/n$. Measure it where the truth is exactly 0:
# two disjoint random sets of $n$ training digits each, ten draws per $n$. Beside it, KID
# (Bińkowski et al. 2018): the squared maximum mean discrepancy with the kernel
# $k(a, b) = (a \cdot b / d + 1)^3$, estimated without bias, so that its mean over draws is 0
# for one distribution at every $n$.

# %% slideshow={"slide_type": "subslide"}
sizes = [50, 100, 200, 500, 1000]
draws = np.random.default_rng(0)
fid_at, kid_at = {n: [] for n in sizes}, {n: [] for n in sizes}
for n in sizes:
    for _ in range(10):
        order = draws.permutation(len(train_features))
        one, two = train_features[order[:n]], train_features[order[n:2 * n]]
        fid_at[n].append(fid(one, two))
        kid_at[n].append(kid(one, two, subsets=1, subset_size=n)[0])
mean_fid = np.array([np.mean(fid_at[n]) for n in sizes])
kid_mean = np.array([np.mean(kid_at[n]) for n in sizes])
kid_se = np.array([np.std(kid_at[n], ddof=1) / np.sqrt(len(kid_at[n])) for n in sizes])
slope_fit = np.linalg.lstsq(np.stack([np.ones(len(sizes)), 1 / np.array(sizes)], 1), mean_fid,
                            rcond=None)[0]
print(f"{'n':>6}{'FID (mean of 10)':>18}{'KID (mean ± se)':>24}")
for n, f, k, se in zip(sizes, mean_fid, kid_mean, kid_se):
    print(f"{n:>6}{f:>18.1f}{k:>14.0f} ± {se:<8.0f}")
print(f"fit FID(n) = a + b/n: a = {slope_fit[0]:.2f}, b = {slope_fit[1]:.0f}")
fig, ax = plt.subplots(figsize=(5.5, 3))
ax.plot(sizes, mean_fid, "o-", label="FID of one distribution against itself")
ax.plot(sizes, slope_fit[0] + slope_fit[1] / np.array(sizes), "k:", label="a + b / n")
ax.set(xscale="log", xlabel="samples per set n", ylabel="FID", title="FID's small-sample bias")
ax.legend()
plt.show()
# Claims: FID of one distribution against itself falls steadily with n, more than tenfold from
# 50 to 1000 samples, and a + b/n fits it with an intercept near 0 -- the whole value is bias;
# KID's mean stays within three standard errors of 0 at every n.
assert np.all(np.diff(mean_fid) < 0) and mean_fid[0] > 10 * mean_fid[-1]
assert abs(slope_fit[0]) < 0.5 * mean_fid[-1]
assert np.all(np.abs(kid_mean) < 3 * kid_se)

# %% [markdown] slideshow={"slide_type": "subslide"}
# So an FID is only comparable with another at the same $n$ (papers use 50 000 samples), and
# the intercept $a$ of the fit — Chong & Forsyth's (2020) $\mathrm{FID}_\infty$ — removes most
# of the bias (exercise 08.5 does this for a generator). KID needs no such care, but its
# kernel is not scale-free: compare KIDs computed on the same features only.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Quality and coverage, separately
#
# One number cannot say *how* a generator fails. Two failures pull apart: **collapse** (every
# sample looks real, but only some of the real data is ever made) and **blur** (everything is
# made, but many samples look like nothing real). Kynkäänniemi et al. (2019) estimate the
# support of each set as the union of balls around its points, each ball reaching the point's
# $k$-th nearest neighbour:
#
# * **precision** — the share of generated points inside the real support (quality);
# * **recall** — the share of real points inside the generated support (coverage).
#
# Naeem et al. (2020) noticed that one real outlier inflates a whole region of the "real
# support", and proposed:
#
# * **density** — how many real balls hold each generated point, divided by $k$ (about 1 when the
#   sets match; above 1 when samples crowd the densest real regions);
# * **coverage** — the share of real points whose *own* ball holds a generated point.
#
# A toy with a known truth: the ring of eight Gaussians (`gancourse.metric_toys`), and a
# "generator" that is the ring itself, the ring with only two of its modes (collapse), or the
# ring with every mode three times as wide (blur). 1000 points each; $k = 3$ for precision and
# recall, $k = 5$ for density and coverage (the papers' choices).

# %% slideshow={"slide_type": "subslide"}
ring_real = toy_samples(1000, seed=0)
toys = {"the ring itself": toy_samples(1000, seed=1),
        "collapse: 2 modes of 8": toy_samples(1000, modes_kept=2, seed=1),
        "blur: modes 3x wider": toy_samples(1000, noise=3.0, seed=1)}
toy_scores = {name: toy_report(ring_real, fake) for name, fake in toys.items()}
print(f"{'generator':<26}{'precision':>10}{'recall':>8}{'density':>9}{'coverage':>10}"
      f"{'FID':>9}{'modes':>7}")
for name, r in toy_scores.items():
    print(f"{name:<26}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['density']:>9.3f}"
          f"{r['coverage']:>10.3f}{r['fid']:>9.4f}{r['modes']:>7}")
fig, axes = plt.subplots(1, 3, figsize=(9, 3))
for ax, (name, fake) in zip(axes, toys.items()):
    ax.scatter(*ring_real.T, s=2, color="k", alpha=0.3)
    ax.scatter(*fake.T, s=2, color="C1", alpha=0.4)
    ax.set(title=name, aspect="equal", xticks=[], yticks=[], xlim=(-1.6, 1.6), ylim=(-1.6, 1.6))
plt.show()
collapse, blur = toy_scores["collapse: 2 modes of 8"], toy_scores["blur: modes 3x wider"]
# Claims: collapse keeps precision high and drops recall and coverage to about the share of
# modes kept; blur does the reverse; and FID, which only sees means and covariances, barely
# notices the blur (the ring's covariance hardly changes) while it punishes the collapse.
assert collapse["precision"] > 0.9 and collapse["recall"] < 0.3 and collapse["coverage"] < 0.3
assert blur["precision"] < 0.5 and blur["recall"] > 0.95
assert blur["fid"] < 0.01 * collapse["fid"]

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Two samples of one distribution.** On the judge's 64 features, compare 1000 training
# digits with the 1000 test digits: the truth is "identical". Density and coverage have known
# expectations there — 1 for density, and for coverage one minus the chance that a real
# point's $k$ nearest neighbours among both sets are all real,
# $\binom{n-1}{k} / \binom{n-1+m}{k} \approx 2^{-k}$ (`expected_coverage`). Precision and
# recall have none, and in 64 dimensions they fall short of 1.

# %% slideshow={"slide_type": "subslide"}
same_p, same_r = precision_recall(test_features, train_features[:1000], k=3)
same_d, same_c = density_coverage(test_features, train_features[:1000], k=5)
want_c = expected_coverage(1000, 1000, 5)
print(f"training vs test digits: precision {same_p:.3f}, recall {same_r:.3f} (k=3); "
      f"density {same_d:.3f}, coverage {same_c:.3f} (k=5; expected 1 and {want_c:.3f})")
# Claims: precision and recall both miss at least 5 % of a perfect "generator"; density and
# coverage match their expectations for identical distributions.
assert same_p < 0.95 and same_r < 0.95
assert abs(same_d - 1) < 0.05 and abs(same_c - want_c) < 0.02

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The truncation trick: precision for recall
#
# Brock et al. (2019) sample $z$ from a normal truncated to $|z_i| \le \psi$: codes from the
# centre of the latent space, where the generator was trained most. Take lecture 07's saved
# generator (seed 0, after the live budget), draw 1000 codes at each $\psi$ from one
# generator state (so each code moves smoothly towards 0 as $\psi$ falls:
# `gancourse.latent.truncated_normal`), and score them against the test digits.

# %% slideshow={"slide_type": "subslide"}
G = load_digit_generator(device=device)
psis = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, math.inf]
curve = {}
for psi in psis:
    z = truncated_normal(1000, G.latent_dim, psi, torch.Generator().manual_seed(0))
    with torch.no_grad():
        x = G(z.to(device))
    f = judge.features(x).cpu().numpy()
    curve[psi] = (*precision_recall(test_features, f, k=3), fid(test_features, f), x[:10].cpu())
print(f"{'psi':>6}{'precision':>11}{'recall':>8}{'FID':>8}")
for psi, (p, r, f_, _) in curve.items():
    print(f"{psi:>6}{p:>11.3f}{r:>8.3f}{f_:>8.0f}")
fig, (ax, ax_img) = plt.subplots(1, 2, figsize=(10, 3.2), width_ratios=[1, 1.6])
ax.plot([curve[p][1] for p in psis], [curve[p][0] for p in psis], "o-")
for psi in psis:
    ax.annotate(f"ψ={psi:g}", (curve[psi][1], curve[psi][0]), fontsize=8)
ax.set(xlabel="recall", ylabel="precision", title="Truncation: one curve")
show_digits(ax_img, torch.cat([curve[0.5][3], curve[math.inf][3]]).numpy(), 2, 10,
            "ψ = 0.5 (top) and no truncation (bottom), the same codes")
plt.show()
recalls = np.array([curve[p][1] for p in psis])
# Claims: recall rises with psi all the way; from no truncation down to psi = 1, precision
# rises by over 0.1 -- the trade; truncating hard (psi = 0.25) loses precision too: the very
# centre of this small generator's latent space is not a digit.
assert np.all(np.diff(recalls) > 0)
assert curve[1.0][0] > curve[math.inf][0] + 0.1
assert curve[0.25][0] < curve[0.75][0] - 0.2

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. The course's generators, ranked by every metric
#
# Lecture 07's saved runs — twelve GANs on the same digits and budget, three seeds each — were
# scored by every metric above, on 1000 samples against the 1000 test digits
# (`gancourse.evaluation.all_metrics` on the judge's features). Rank the twelve by each metric's
# mean over seeds, and compare each ranking with FID's by Kendall's $\tau$ (+1: the same
# order; signs flipped for the scores where higher is better, so +1 always means "agrees").

# %% slideshow={"slide_type": "subslide"}
names = RULES + TECHNIQUES[1:]
metric_names = {"fid": ("FID", -1), "kid": ("KID", -1), "inception_score": ("IS", 1),
                "precision": ("precision", 1), "recall": ("recall", 1),
                "density": ("density", 1), "coverage": ("coverage", 1)}
means = {n: {k: np.mean([r["metrics"][k] for r in runs if r["variant"] == n])
             for k in metric_names} for n in names}
print(f"{'GAN (3 seeds)':<26}" + "".join(f"{label:>11}" for label, _ in metric_names.values()))
for n in sorted(names, key=lambda n: means[n]["fid"]):
    print(f"{n:<26}" + "".join(f"{means[n][k]:>11.3g}" for k in metric_names))
agree = {k: stats.kendalltau([means[n]["fid"] for n in names],
                             [-sign * means[n][k] for n in names])[0]
         for k, (_, sign) in metric_names.items()}
print("\nagreement with FID's ranking (Kendall's tau): "
      + ", ".join(f"{metric_names[k][0]} {tau:+.2f}" for k, tau in agree.items() if k != "fid"))
best = {k: max(names, key=lambda n: sign * means[n][k]) for k, (_, sign) in
        metric_names.items()}
# Claims: KID, IS, recall and coverage order the twelve GANs much as FID does (tau > 0.7);
# precision and density hardly do (|tau| < 0.5); minibatch discrimination is first by FID,
# KID, IS, recall and coverage; and precision rates "no tanh" above the DCGAN although its
# FID is over twice as bad -- its recall says why.
assert all(agree[k] > 0.7 for k in ("kid", "inception_score", "recall", "coverage"))
assert all(abs(agree[k]) < 0.5 for k in ("precision", "density"))
assert all(best[k] == "minibatch discrimination"
           for k in ("fid", "kid", "inception_score", "recall", "coverage"))
assert means["no tanh"]["precision"] > means["DCGAN"]["precision"]
assert means["no tanh"]["fid"] > 2 * means["DCGAN"]["fid"]
assert means["no tanh"]["recall"] < 0.5 * means["DCGAN"]["recall"]

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Why they disagree.** At this budget the twelve GANs differ mostly in *coverage*: how many
# kinds of digit, in how many styles. FID, KID, recall and coverage all see that, and so does
# IS through its marginal label entropy. Precision and density ask only whether each sample
# lies near some real digit, and most of these GANs' samples do about equally often
# (precision 0.55–0.69). "No tanh" shows the split most clearly: its clipped, saturated strokes
# sit near real digits (high precision), but it makes few kinds of them (recall 0.2). Two
# lessons: a single number hides which failure you have, and a ranking is only as good as the
# spread of the seeds behind it (lecture 07's tables give that spread).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Does the generator copy its training data?
#
# A generator that memorised its 4000 training digits would score superbly on everything above.
# The direct test: how far is each generated digit from its *nearest training digit* (in
# pixels), compared with how far held-out real digits are from theirs? Copies sit much closer
# than held-out digits; a generator that makes new digits does not. The reference points: the
# test digits, and a "memoriser" that returns training digits with a little pixel noise.

# %% slideshow={"slide_type": "subslide"}
flat_train = data.x_train.flatten(1).numpy()
with torch.no_grad():
    made = G(torch.randn(1000, G.latent_dim, generator=torch.Generator().manual_seed(1))
             .to(device)).cpu()
copy_gen = torch.Generator().manual_seed(2)
copies = (data.x_train[torch.randint(0, 4000, (1000,), generator=copy_gen)]
          + 0.1 * torch.randn(1000, 1, 28, 28, generator=copy_gen)).clamp(-1, 1)
nearest = {name: nearest_distances(x.flatten(1).numpy(), flat_train)
           for name, x in (("held-out test digits", data.x_test), ("DCGAN samples", made),
                           ("memoriser", copies))}
fig, ax = plt.subplots(figsize=(6, 2.8))
for name, d in nearest.items():
    ax.hist(d, bins=40, alpha=0.5, label=name)
    print(f"{name:<22} distance to the nearest training digit: median {np.median(d):5.2f}, "
          f"5th percentile {np.percentile(d, 5):5.2f}")
ax.set(xlabel="distance to the nearest training digit (pixels in [-1, 1])", ylabel="count")
ax.legend()
plt.show()
# Claims: the memoriser's distances are far below those of held-out digits (a copy is
# obvious); the DCGAN's are not below them -- its digits are no closer to the training set
# than new real digits are, so it is not copying (its median is even larger: its digits are
# less like any real one).
assert np.median(nearest["memoriser"]) < 0.5 * np.percentile(nearest["held-out test digits"], 5)
assert np.median(nearest["DCGAN samples"]) >= np.median(nearest["held-out test digits"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# The test is one-sided: "no closer than new real data" rules out copying, not a generator
# that makes near-copies of a few training digits (look at the lower tail, or at the nearest
# neighbours of the closest samples), and in pixels it only sees copies, not shifted or
# restyled ones. Meehan et al. (2020) turn the comparison into a statistical test.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Explore: collapse and blur, every metric at once
#
# Move the sliders: how many of the ring's eight modes the generator keeps, and how much
# wider than the real modes its own are. Watch which numbers move.

# %% slideshow={"slide_type": "subslide"}
explorer = MetricsToyExplorer()
explorer

# %% slideshow={"slide_type": "subslide"}
# The explorer's numbers, checked without moving its sliders: at its start it is the ring
# itself; dropping modes lowers coverage, not precision; blurring does the reverse.
at_start = explorer.result_at(modes_kept=8, noise=1.0)
one_mode = explorer.result_at(modes_kept=1, noise=1.0)
blurred = explorer.result_at(modes_kept=8, noise=3.0)
assert at_start["modes"] == 8 and at_start["precision"] > 0.9 and at_start["coverage"] > 0.9
assert one_mode["coverage"] < 0.2 and one_mode["precision"] > 0.9 and one_mode["modes"] == 1
assert blurred["precision"] < 0.5 and blurred["recall"] > 0.95

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * $D$'s loss describes a moving game, not the samples: along a run and across runs it does
#   not track the judge's FID.
# * The Inception Score lies between 1 and $K$ and rewards confident, spread-out labels; it
#   never looks at real data, so ten memorised digits beat the real test set.
# * FID is the 2-Wasserstein distance between Gaussians fitted to features (checked against
#   SciPy and the 1-D quantile formula). It is biased upwards like $b/n$ — compare FIDs at one
#   $n$, or extrapolate to $\mathrm{FID}_\infty$; KID is unbiased, with a standard error.
# * Precision and recall (and density and coverage) separate quality from coverage: collapse
#   lowers recall, blur lowers precision, and FID hardly sees the blur. For two samples of one
#   distribution, density and coverage match their expectations; precision and recall fall
#   short of 1.
# * Truncating $z$ trades recall for precision, until the centre of the latent space stops
#   being a digit.
# * Metrics disagree because they ask different questions; report several, over seeds.
# * Nearest-neighbour distances to the training set, against those of held-out data, show
#   whether a generator copies.
#
# ## Further reading
#
# * T. Salimans et al., *Improved Techniques for Training GANs*, NeurIPS 2016 (IS).
# * S. Barratt, R. Sharma, *A Note on the Inception Score*, 2018.
# * M. Heusel et al., *GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
#   Equilibrium*, NeurIPS 2017 (FID).
# * M. Bińkowski et al., *Demystifying MMD GANs*, ICLR 2018 (KID).
# * M. J. Chong, D. Forsyth, *Effectively Unbiased FID and Inception Score and where to find
#   them*, CVPR 2020.
# * T. Kynkäänniemi et al., *Improved Precision and Recall Metric for Assessing Generative
#   Models*, NeurIPS 2019.
# * M. F. Naeem et al., *Reliable Fidelity and Diversity Metrics for Generative Models*,
#   ICML 2020 (density and coverage).
# * A. Brock, J. Donahue, K. Simonyan, *Large Scale GAN Training for High Fidelity Natural
#   Image Synthesis*, ICLR 2019 (the truncation trick).
# * C. Meehan, K. Chaudhuri, S. Dasgupta, *A Non-Parametric Test to Detect Data-Copying in
#   Generative Models*, AISTATS 2020.
# * A. Borji, *Pros and Cons of GAN Evaluation Measures*, 2019.
