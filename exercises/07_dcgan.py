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
# # Exercises 07 · DCGAN on real digits
#
# Six graded exercises that go with lecture 07.
#
# **How to work.** Write your code where it says `raise NotImplementedError(...)`, keeping the
# function's name and arguments. Run the cell under each exercise to check your answer: it
# prints `PASS`, `FAIL` (with what was expected) or `TODO`. From a terminal:
# `.venv/bin/gancourse check workspace/exercises/07_dcgan.ipynb`.
#
# **A fresh start.** `python3 course.py fresh exercises/07` writes a new copy of this
# notebook and keeps yours beside it (nothing is overwritten).
#
# **Rules.** Use NumPy and PyTorch (`torch.nn` layers are welcome); except in 07.6, an
# experiment with the course's generator, don't call the `gancourse` functions that solve the
# exercise for you. Your teacher grades with further, hidden tests of the same functions.
#
# The first code cell lists the exercises, the function each asks for, and its points.

# %%
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from gancourse import limit_cpu_threads
from gancourse.grading import check, overview, summary

limit_cpu_threads()  # small networks run fastest on one CPU thread (see its docstring)
overview("07")  # the exercises, the functions to write, and their points

# %% [markdown]
# ## Exercise 07.1 · The transposed convolution's output size
#
# A transposed convolution with kernel $k$, stride $s$, padding $p$ and output padding $a$
# turns an $n$-pixel side into $(n - 1)s - 2p + k + a$ pixels. PyTorch allows $0 \le a < s$.
# Return the size; raise a `ValueError` naming `output_padding` if it is out of that range,
# and one naming `padding` if the result would be smaller than one pixel.

# %%
def transposed_size(n, kernel, stride, padding, output_padding=0):
    """Side of a transposed convolution's output.

    Inputs:
        n, kernel, stride: ints >= 1; padding, output_padding: ints >= 0.
    Returns:
        int.
    """
    # Hint: check output_padding first, then compute the size and check that it is >= 1.
    raise NotImplementedError("write your solution here")


# %%
check("07.1", transposed_size)

# %% [markdown]
# ## Exercise 07.2 · The DCGAN generator
#
# Build lecture 07's generator for 28×28 digits from `torch.nn` layers:
#
# 1. a linear projection of $z$ (no bias) to $2b \cdot 7 \cdot 7$ numbers, `BatchNorm1d`,
#    ReLU, reshaped to $(B, 2b, 7, 7)$;
# 2. `ConvTranspose2d(2b, b, 4, stride=2, padding=1, bias=False)`, `BatchNorm2d`, ReLU
#    ($7 \to 14$);
# 3. `ConvTranspose2d(b, 1, 4, stride=2, padding=1)` (with a bias), tanh ($14 \to 28$).
#
# No pooling, no up-sampling layers. (`nn.Unflatten(1, (2 * base, 7, 7))` reshapes inside an
# `nn.Sequential`.) The given `probe_generator` builds yours and reports on it for the checks:
# the output, the parameter count, and the layers.

# %%
def build_generator(latent_dim, base):
    """DCGAN's generator: z (B, latent_dim) -> images (B, 1, 28, 28) in [-1, 1].

    Inputs:
        latent_dim: int, the size of z; base: int, b (channels of the 14x14 feature map).
    Returns:
        torch.nn.Module.
    """
    # Hint: nn.Sequential(nn.Linear(...), nn.BatchNorm1d(...), nn.ReLU(), nn.Unflatten(...),
    # then the two transposed convolutions with their batch norm and activations.
    raise NotImplementedError("write your solution here")


def describe_layers(net):
    """(Given: do not change.) Each leaf layer's type, with its stride or slope if it has one."""
    out = []
    for m in net.modules():
        if list(m.children()):
            continue
        name = type(m).__name__
        if hasattr(m, "stride"):
            stride = m.stride if isinstance(m.stride, (tuple, list)) else (m.stride,)
            name += f"(stride={stride[0]})"
        if hasattr(m, "negative_slope"):
            name += f"(slope={m.negative_slope})"
        out.append(name)
    return out


def probe_generator(latent_dim, base, z):
    """(Given: do not change.) Your generator on z, its parameter count, its layers."""
    torch.manual_seed(0)
    net = build_generator(latent_dim, base)
    return net(z), sum(p.numel() for p in net.parameters()), describe_layers(net)


# %%
check("07.2", probe_generator)

# %% [markdown]
# ## Exercise 07.3 · The DCGAN discriminator
#
# Mirror it: `Conv2d(1, b, 4, stride=2, padding=1)`, LeakyReLU(0.2) ($28 \to 14$);
# `Conv2d(b, 2b, 4, stride=2, padding=1)`, LeakyReLU(0.2) ($14 \to 7$); flatten; one linear
# layer to a single logit. No pooling, no batch norm, no hidden fully connected layer.

# %%
def build_discriminator(base):
    """DCGAN's discriminator: images (B, 1, 28, 28) -> logits (B, 1).

    Inputs:
        base: int, b (channels of the 14x14 feature map).
    Returns:
        torch.nn.Module.
    """
    # Hint: two strided convolutions, each followed by nn.LeakyReLU(0.2); nn.Flatten();
    # nn.Linear(2 * base * 7 * 7, 1).
    raise NotImplementedError("write your solution here")


def probe_discriminator(base, x):
    """(Given: do not change.) Your discriminator on x, its parameter count, its layers."""
    torch.manual_seed(0)
    net = build_discriminator(base)
    return net(x), sum(p.numel() for p in net.parameters()), describe_layers(net)


# %%
check("07.3", probe_discriminator)

# %% [markdown]
# ## Exercise 07.4 · Feature matching
#
# Salimans et al.'s generator loss: the squared Euclidean distance between the mean features
# of a real batch and of a generated batch, $\lVert \tfrac1B \sum_i f(x_i) -
# \tfrac1{B'} \sum_j f(G(z_j)) \rVert^2$. The batches may differ in size; raise a `ValueError`
# naming `features_fake` if the two have different numbers of features.

# %%
def feature_matching_loss(features_real, features_fake):
    """||mean of features_real - mean of features_fake||^2.

    Inputs:
        features_real: torch.Tensor (B, F); features_fake: torch.Tensor (B', F).
    Returns:
        a scalar torch.Tensor (differentiable with respect to features_fake).
    """
    # Hint: mean over the batch dimension (0) of each, then the squared norm of the difference.
    raise NotImplementedError("write your solution here")


# %%
check("07.4", feature_matching_loss)

# %% [markdown]
# ## Exercise 07.5 · The (K+1)-class discriminator's loss
#
# A classifier gives $K$ logits $l_k(x)$; a class "generated" has logit 0, so
# $p(\text{real} \mid x) = Z/(Z + 1)$ with $Z = \sum_k e^{l_k}$. The loss is the cross-entropy
# on the labelled batch, plus $-\log p(\text{real} \mid x)$ averaged over the unlabelled real
# batch, plus $-\log(1 - p(\text{real} \mid x))$ averaged over the generated batch. Compute it
# stably: logits of several hundred must give finite values (use `torch.logsumexp` and
# `F.softplus`).

# %%
def semi_supervised_loss(logits_labelled, labels, logits_real, logits_fake):
    """Supervised cross-entropy + the GAN's loss, for a (K+1)-class discriminator.

    Inputs:
        logits_labelled: torch.Tensor (B_l, K); labels: torch.Tensor (B_l,) in 0..K-1;
        logits_real: torch.Tensor (B, K); logits_fake: torch.Tensor (B', K).
    Returns:
        a scalar torch.Tensor.
    """
    # Hint: log Z = torch.logsumexp(logits, dim=1); -log(Z / (Z + 1)) = softplus(-log Z) and
    # -log(1 / (Z + 1)) = softplus(log Z).
    raise NotImplementedError("write your solution here")


# %%
check("07.5", semi_supervised_loss)

# %% [markdown]
# ## Exercise 07.6 · Averaged-z arithmetic: an experiment
#
# Does an averaged latent direction make digits thicker? Load the course's saved DCGAN
# generator, `G = gancourse.mnist_gans.load_digit_generator()`. With
# `gen = torch.Generator().manual_seed(seed)`, draw 2000 codes `torch.randn(2000,
# G.latent_dim, generator=gen)` and measure each image's **ink**, the sum over its pixels of
# $(x + 1)/2$. The direction $\Delta z$ is the mean code of the 200 with most ink minus the
# mean code of the 200 with least. Then draw 500 *new* codes from the same `gen`, and return
# two shares of them: those whose ink grows when $\Delta z$ is added, and those whose ink
# falls when it is subtracted. (Run $G$ under `torch.no_grad()`; it is in eval mode.) A
# random direction of the same length would make about as many digits thinner as thicker.

# %%
def ink_arithmetic(seed):
    """How often the averaged direction thickens, and its opposite thins, a new digit.

    Inputs:
        seed: int, seeds the 2000 codes and then the 500 new ones.
    Returns:
        tuple (share_thicker: float, share_thinner: float), each in [0, 1].
    """
    from gancourse.mnist_gans import load_digit_generator

    # Hint: ink = ((images + 1) / 2).sum(dim=(1, 2, 3)); torch.argsort(ink) orders the codes.
    raise NotImplementedError("write your solution here")


# %%
check("07.6", ink_arithmetic)

# %% [markdown]
# ## Your results
#
# Every exercise of this notebook with its result in this session. A wrong answer does not
# stop "Run All" at its exercise; this cell ends the run with an error if a check failed.

# %%
summary("07")

# %% [markdown]
# ## Going further (not graded)
#
# * Train your generator and discriminator with `gancourse.training.GANTrainer` on
#   `gancourse.mnist.load_mnist5k().x_train` (batch 64, Adam 4e-3, betas (0.5, 0.999)) and
#   judge 1000 samples with `gancourse.mnist_gans.judge_samples`. How close do you get to the
#   lecture's FID?
# * In 07.6, use a random direction of the same length instead. What shares do you get now?
# * Does the judge still see the same digit after adding the direction? (Lecture 07 measures
#   it: thickness and identity are tangled in this small latent space.)
