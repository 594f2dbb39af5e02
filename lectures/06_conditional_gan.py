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
# # Lecture 06 · Conditional GANs: "draw me a 7"
#
# **Goals of this lecture**
#
# 1. Give the generator and the discriminator a condition $y$: $G(z \mid y)$, $D(x \mid y)$.
# 2. See why the discriminator must judge *pairs* $(y, x)$, and what mismatched pairs add.
# 3. Generate points in a requested mode of the ring, and requested digits from real
#    handwriting — judged by a classifier that never saw a generated image.
# 4. Measure what label accuracy cannot see: collapse inside a class.
# 5. Meet pix2pix: a whole image as the condition, and an L1 term.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Set-up

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np
import torch

import gancourse as gc
from gancourse.conditional import (evaluate_digits, generate, load_cgan_benchmark,
                                   make_digit_cgan, make_ring_cgan, ring_condition_rate)
from gancourse.digits import DigitClassifier, load_digits_split, within_class_diversity
from gancourse.evaluation import density_coverage, precision_recall
from gancourse.pix2pix import mask_lower, sharpness, train_pix2pix
from gancourse.plots import show_digits
from gancourse.widgets import DigitExplorer

device = gc.setup(seed=0)  # seed, one CPU thread, CUDA/MPS/CPU


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. What the discriminator must judge
#
# The condition $y$ (a label, a sentence, an image) is an extra input to both players. If $D$
# looked at $x$ alone, $G$ could ignore $y$: any realistic $x$ would pass. So $D$ judges pairs:
#
# | pair shown to $D$ | $D$ should say |
# |---|---|
# | $(y, x)$ with $x$ a real example of $y$ | real |
# | $(y, G(z \mid y))$ | fake |
# | $(y', x)$ with $x$ real but of another class $y' \ne y$ — a **mismatched** pair | fake |
#
# The third row (Reed et al. 2016) tells $D$ explicitly that a real-looking $x$ with the wrong
# label is wrong; without it $D$ must discover this from $G$'s mistakes alone.
#
# ## 2. The ring, mode by mode
#
# $y$ = the index of a mode (0–7). Lecture 04's small networks (two hidden layers of 64),
# 2000 steps, with mismatched pairs; we ask for 300 points of each mode and count those that
# land within 3 standard deviations of the mode requested.

# %% slideshow={"slide_type": "subslide"}
ring = gc.Ring()
ring_trainer = make_ring_cgan(seed=0, steps=2000, device=device)
ring_trainer.train()
rate = ring_condition_rate(ring_trainer.G, n_per_mode=300)
print(f"{100 * rate:.1f}% of the points land within 3 std of the mode asked for "
      f"({ring_trainer.history.seconds:.1f} s)")
assert rate >= 0.95  # claim: G(z | y) lands in the requested mode

y_ring = torch.arange(8).repeat_interleave(150)
with torch.no_grad():
    pts = ring_trainer.G(torch.randn(len(y_ring), 2).to(device), y_ring.to(device)).cpu()
fig, ax = plt.subplots(figsize=(4.4, 4.4))
ax.scatter(pts[:, 0], pts[:, 1], c=y_ring, cmap="tab10", s=4)
for k, (mx, my) in enumerate(ring.means):
    ax.annotate(str(k), (1.2 * mx, 1.2 * my), ha="center", va="center")
ax.set(aspect="equal", xlim=(-1.4, 1.4), ylim=(-1.4, 1.4), xlabel="$x_1$", ylabel="$x_2$",
       title="G(z | y), coloured by y")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Real data: the 8×8 digits
#
# scikit-learn ships 1797 handwritten digits of 8×8 pixels (no download). `gancourse.digits`
# splits them once (stratified, 1347 for training, 450 for testing) and scales pixels to
# $[-1, 1]$. The **judge**: a support-vector classifier trained on the real training split only
# — a different model family from our networks, so it cannot share their blind spots.

# %% slideshow={"slide_type": "subslide"}
digits = load_digits_split()
judge = DigitClassifier().fit(*digits.train)
judge_accuracy = judge.accuracy(digits.x_test, digits.y_test)
real_diversity = within_class_diversity(*digits.train)
print(f"the judge labels {100 * judge_accuracy:.1f}% of the real test digits correctly")
assert judge_accuracy >= 0.98  # claim: a reliable judge

fig, ax = plt.subplots(figsize=(8, 1.6))
first = torch.cat([digits.x_train[digits.y_train == k][:2] for k in range(10)])
show_digits(ax, first.reshape(10, 2, 64).transpose(0, 1).reshape(20, 64), 2, 10,
            "real training digits")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Label accuracy is not enough.** A "generator" that returns the average training image of
# each class is recognised perfectly well — and has no variety at all. We therefore also
# report **within-class diversity**: the mean distance between two images of the same class,
# relative to the real digits'.

# %% slideshow={"slide_type": "subslide"}
means = torch.stack([digits.x_train[digits.y_train == k].mean(0) for k in range(10)])
cheat = means.repeat_interleave(20, dim=0)
cheat_y = np.repeat(np.arange(10), 20)
cheat_acc = judge.accuracy(cheat, cheat_y)
cheat_div = np.mean(within_class_diversity(cheat, cheat_y) / real_diversity)
print(f"class averages: accuracy {100 * cheat_acc:.0f}%, diversity ratio {cheat_div:.2f}")
assert cheat_acc >= 0.9 and cheat_div == 0  # claim: accuracy cannot see a collapsed class
# The other side: pixel noise, and real digits whose labels are shuffled (a generator that
# ignores y), are *more* diverse within a "class" than real digits.
shuffled_y = digits.y_train[torch.randperm(len(digits.y_train),
                                           generator=torch.Generator().manual_seed(0))]
noise = torch.rand(200, 64, generator=torch.Generator().manual_seed(1)) * 2 - 1
noise_div = np.mean(within_class_diversity(noise, cheat_y) / real_diversity)
mixed_div = np.mean(within_class_diversity(digits.x_train, shuffled_y) / real_diversity)
print(f"pixel noise: diversity ratio {noise_div:.2f}; shuffled labels: {mixed_div:.2f}")
assert noise_div > 1.15 and mixed_div > 1.15  # claim: too much variety shows up too

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. A conditional GAN on the digits, live
#
# $G$: an MLP from $(z, \text{one-hot } y)$, $z \in \mathbb{R}^{16}$, through two hidden
# layers of 128 to 64 pixels with tanh. $D$: an MLP on (pixels, one-hot $y$) with the
# minibatch standard-deviation feature of lecture 04. Pairs with mismatched negatives,
# 8000 steps of batch 64, Adam $10^{-3}$.

# %% slideshow={"slide_type": "subslide"}
cgan = make_digit_cgan(digits, "pairs+mismatch", seed=0, device=device)
cgan.train()
res = evaluate_digits(cgan.G, judge, real_diversity)
print(f"trained in {cgan.history.seconds:.1f} s; the judge agrees with the requested label for "
      f"{100 * res['accuracy']:.1f}% of 1000 generated digits")
print("per class:", " ".join(f"{k}:{100 * a:.0f}%" for k, a in enumerate(res["per_class"])))
test_ratio = np.mean(within_class_diversity(digits.x_test, digits.y_test) / real_diversity)
print(f"within-class diversity, generated / real: {res['diversity_ratio']:.2f} "
      f"(real test digits: {test_ratio:.2f})")
# Claims: label accuracy >= 99%, no class below 95%, and diversity close to the real digits',
# on both sides: class averages score 0, noise and shuffled labels above 1.15 (section 3).
assert res["accuracy"] >= 0.99 and res["per_class"].min() >= 0.95
assert 0.85 <= res["diversity_ratio"] <= 1.15

fig, ax = plt.subplots(figsize=(8, 6.5))
show_digits(ax, generate(cgan.G, np.tile(np.arange(10), 8), seed=5).numpy(), 8, 10,
            "G(z | y): column k asks for the digit k")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **A preview of lecture 08.** Diversity is one number per class. Lecture 08's metrics look at
# the whole cloud of images: *precision* (the share of generated digits that lie near some real
# one), *recall* (the share of real digits that lie near some generated one), *density* and
# *coverage* — here in the 64 pixels themselves, against the 450 test digits, for 450
# generated digits (45 per class), the class averages, and 450 real training digits.

# %% slideshow={"slide_type": "subslide"}
test_pixels = digits.x_test  # (450, 64): the pixels are the features
clouds = {"conditional GAN": generate(cgan.G, np.repeat(np.arange(10), 45), seed=7),
          "class averages": cheat, "real training digits": digits.x_train[:450]}
cloud_scores = {name: precision_recall(test_pixels, x) + density_coverage(test_pixels, x)
                for name, x in clouds.items()}
print(f"{'':<22}{'precision':>10}{'recall':>8}{'density':>9}{'coverage':>10}")
for name, (p, r, d, c) in cloud_scores.items():
    print(f"{name:<22}{p:>10.3f}{r:>8.3f}{d:>9.3f}{c:>10.3f}")
# Claims: the class averages are all "precise" and recall nothing (ten images, each repeated,
# crowd the densest real regions: density far above 1); the conditional GAN's digits are
# mostly precise, but its recall stays far below the real digits' -- its samples fill a
# smaller part of each class than the diversity ratio suggests (lecture 08 explains why
# recall and coverage can disagree).
gan_p, gan_r, _, _ = cloud_scores["conditional GAN"]
assert cloud_scores["class averages"][1] == 0 and cloud_scores["class averages"][2] > 3
assert gan_p > 0.75 and gan_r < 0.5 < cloud_scores["real training digits"][1]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Why pairs, and why mismatched pairs
#
# Three discriminators, everything else equal, 1000 steps each (live): $D$ ignores $y$;
# $D$ judges pairs; pairs plus mismatched negatives. The judge's verdict after 1000 steps
# measures how fast $G$ learns to respect $y$.

# %% slideshow={"slide_type": "subslide"}
early = {}
for variant in ("ignore-y", "pairs", "pairs+mismatch"):
    trainer = make_digit_cgan(digits, variant, seed=0, steps=1000, device=device)
    trainer.train()
    early[variant] = evaluate_digits(trainer.G, judge, real_diversity)["accuracy"]
    print(f"{variant:<15} label accuracy after 1000 steps: {100 * early[variant]:5.1f}%")
# Claims (seed 0; the saved runs below check them on every seed, with wide margins): ignoring y
# leaves the label to chance (10%); mismatched pairs align G with y faster.
assert abs(early["ignore-y"] - 0.1) < 0.05
assert early["pairs+mismatch"] > early["pairs"] + 0.05

# %% [markdown] slideshow={"slide_type": "subslide"}
# Over 3 seeds and 8000 steps (`benchmarks/cgan_digits.py`, saved results; about 5 minutes to
# regenerate), including the same model with small convolutional networks:

# %% slideshow={"slide_type": "subslide"}
bench = load_cgan_benchmark()
print(f"{'variant':<16}{'nets':<6}{'acc. @1000':>11}{'final acc.':>12}{'diversity':>11}"
      f"{'s / run':>9}")
for variant in ("ignore-y", "pairs", "pairs+mismatch"):
    for conv in (False, True):
        runs = [r for r in bench["runs"] if r["variant"] == variant and r["conv"] == conv]
        if not runs:
            continue
        at_1000 = np.mean([r["curve_accuracy"][r["curve_steps"].index(1000)] for r in runs])
        final = np.mean([r["accuracy"] for r in runs])
        print(f"{variant:<16}{'conv' if conv else 'MLP':<6}{100 * at_1000:10.1f}%"
              f"{100 * final:11.1f}%{np.mean([r['diversity_ratio'] for r in runs]):11.2f}"
              f"{np.mean([r['seconds'] for r in runs]):9.1f}")
print(f"machine: {bench['machine']['cpu']}")
# Claims, on every seed: ignoring y stays near chance; with pairs and mismatches the judge agrees
# with y for at least 99% of the digits after 8000 steps; at step 1000 mismatches lead pairs
# alone (same seed) by more than 20 points.
per_seed = {(r["variant"], r["conv"], r["seed"]): r for r in bench["runs"]}
acc_1000 = {k: r["curve_accuracy"][r["curve_steps"].index(1000)] for k, r in per_seed.items()}
assert sum(k[:2] == ("pairs+mismatch", False) for k in per_seed) == 3  # three seeds, saved
assert all(abs(r["accuracy"] - 0.1) < 0.05 for k, r in per_seed.items() if k[0] == "ignore-y")
assert all(r["accuracy"] >= 0.99 for k, r in per_seed.items() if k[0] == "pairs+mismatch")
assert all(acc > acc_1000["pairs", False, seed] + 0.2
           for (v, conv, seed), acc in acc_1000.items() if (v, conv) == ("pairs+mismatch", False))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Explore: draw me a digit
#
# Pick a digit, move the two latent sliders (two fixed random directions in $z$-space) and
# watch 32 samples change together; the strip below walks in a straight line from $z_a$ to
# $z_b$ with $y$ fixed — the style changes, the digit does not.

# %% slideshow={"slide_type": "subslide"}
explorer = DigitExplorer(cgan.G, judge, seed=0)
explorer

# %% slideshow={"slide_type": "skip"}
seven = explorer.result_at(digit=7)
moved = explorer.result_at(digit=7, s1=1.5)
assert not np.allclose(seven["images"], moved["images"])  # the sliders move the samples
assert seven["labelled_as_digit"] >= 0.9 and moved["labelled_as_digit"] >= 0.9
strip_labels = judge.predict(moved["strip"])
assert np.mean(strip_labels == 7) >= 0.75  # interpolating z keeps the digit

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. pix2pix in brief: an image as the condition
#
# Isola et al. (2017) condition on a whole image $a$ and want its translation $b$ (a map → a
# photo, edges → a shoe). $G(a)$ has no separate $z$; $D$ judges the pairs $(a, b)$ against
# $(a, G(a))$; and $G$ minimises the GAN loss **plus** $\lambda \|G(a) - b\|_1$
# ($\lambda = 100$), which anchors the output to the ground truth. Why not the L1 term alone?
# Where several outputs are plausible, L1 is minimised by their per-pixel median: a faint
# compromise, a blur. The adversarial term punishes outputs that do not look real.
#
# A tiny paired task made from the digits: $a$ = a digit with its lowest 4 rows blanked,
# $b$ = the whole digit (a 3 and a 5 can share their upper half). We train the translator for
# 1500 steps, with and without the GAN term, on two seeds, and measure two things on the
# *test* digits: the L1 error, and the **sharpness** of the completed rows (the mean absolute
# step between neighbouring pixels, `gancourse.pix2pix.sharpness`), against real digits'.
# Lecture 11 does pix2pix properly (a U-Net, a PatchGAN judge, dropout as the noise).

# %% slideshow={"slide_type": "subslide"}
a_train, a_test = mask_lower(digits.x_train), mask_lower(digits.x_test)
real_sharpness = sharpness(digits.x_test)
completion = {}
for seed in (0, 1):
    for adversarial in (True, False):
        G_t, _ = train_pix2pix(a_train, digits.x_train, adversarial=adversarial, steps=1500,
                               seed=seed, device=device)
        with torch.no_grad():
            out = G_t(a_test.to(device)).cpu()
        completion[seed, adversarial] = {
            "images": out, "l1": (out - digits.x_test).abs().mean().item(),
            "sharpness": sharpness(out), "judge": judge.accuracy(out, digits.y_test)}
        r = completion[seed, adversarial]
        print(f"seed {seed}, {'GAN + L1' if adversarial else 'L1 only ':<8}: L1 error "
              f"{r['l1']:.3f}, sharpness {r['sharpness']:.3f} (real digits "
              f"{real_sharpness:.3f}), judge accuracy {100 * r['judge']:.1f}%")
masked_acc = judge.accuracy(a_test, digits.y_test)
print(f"masked inputs: judge accuracy {100 * masked_acc:.1f}%")
# Claims, on each seed: both translators restore most digits for the judge; L1 alone has the
# lower L1 error (it optimises exactly that), yet its completions are blurrier: the GAN term
# makes them sharper, closer to real strokes. Judged by L1 error, the blurrier one would win.
for seed in (0, 1):
    gan, plain = completion[seed, True], completion[seed, False]
    assert min(gan["judge"], plain["judge"]) >= masked_acc + 0.4
    assert plain["l1"] < gan["l1"]
    assert plain["sharpness"] < gan["sharpness"]
    assert abs(gan["sharpness"] - real_sharpness) < abs(plain["sharpness"] - real_sharpness)

fig, ax = plt.subplots(figsize=(8, 3.4))
pick = np.arange(10)
rows = torch.cat([a_test[pick], completion[0, False]["images"][pick],
                  completion[0, True]["images"][pick], digits.x_test[pick]])
show_digits(ax, rows.numpy(), 4, 10, "masked input · L1 only · GAN + L1 · truth (seed 0)")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * A conditional GAN feeds $y$ to both players; $D$ judges pairs $(y, x)$, and mismatched
#   real pairs make $G$ respect $y$ sooner.
# * On the ring, $G(z \mid y)$ lands in the requested mode; on real digits, an independent
#   judge agrees with the requested label for ≥ 99% of the samples, with within-class
#   diversity close to the real digits'. With a $D$ that ignores $y$ the label is chance.
# * Label accuracy is blind to collapse inside a class: report diversity beside it.
# * pix2pix conditions on an image and adds an L1 term that anchors outputs to the truth; the
#   adversarial term buys sharpness that the L1 error cannot see (it prefers the blur).
#
# ## Further reading
#
# * M. Mirza, S. Osindero, *Conditional Generative Adversarial Nets*, 2014.
# * S. Reed et al., *Generative Adversarial Text to Image Synthesis*, ICML 2016 (mismatched
#   pairs, "matching-aware" discriminator).
# * P. Isola et al., *Image-to-Image Translation with Conditional Adversarial Networks*,
#   CVPR 2017 (pix2pix).
# * T. Miyato, M. Koyama, *cGANs with Projection Discriminator*, ICLR 2018.
