"""Conditional GANs on the ring and on the 8x8 digits: the set-ups of lecture 06.

G(z | y) and D(x | y) both receive the label y. What the discriminator is shown decides what
the generator learns about y:

* ``"ignore-y"`` -- D judges x alone: nothing forces G(z | y) to depend on y;
* ``"pairs"`` -- D judges pairs: positives (y, real x of class y), negatives (y, G(z | y));
* ``"pairs+mismatch"`` -- as ``"pairs"``, plus mismatched negatives (y', real x of another
  class), so that D must check that x *fits* y, not only that x looks real.

All digit variants share one MLP generator (tanh output, for pixels in [-1, 1]) and one MLP
discriminator with the minibatch standard-deviation feature (it keeps the images within a
class diverse); only what D sees differs. ``conv=True`` uses the small DCGAN-style networks of
:mod:`gancourse.dcgan` instead. Run ``benchmarks/cgan_digits.py`` for the comparison over seeds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .dcgan import DCGANDiscriminator, DCGANGenerator
from .digits import (DigitClassifier, DigitsSplit, N_CLASSES, N_PIXELS, to_images,
                     within_class_diversity)
from .distributions import Ring
from .metrics import conditional_accuracy
from .models import MLPDiscriminator, MLPGenerator
from .results import load_results
from .seeding import seeded
from .training import GANTrainer, TrainConfig

__all__ = ["VARIANTS", "DIGIT_LATENT", "DIGIT_STEPS", "make_digit_cgan", "evaluate_digits",
           "make_ring_cgan", "ring_condition_rate", "generate", "load_cgan_benchmark"]

VARIANTS = ("ignore-y", "pairs", "pairs+mismatch")
DIGIT_LATENT = 16
DIGIT_STEPS = 8000  # generator steps of each run of benchmarks/cgan_digits.py
_DIGIT_CONFIG = dict(batch_size=64, lr_d=1e-3, lr_g=1e-3, betas=(0.5, 0.999))


def make_digit_cgan(data: DigitsSplit, variant: str = "pairs+mismatch", seed: int = 0, *,
                    steps: int = DIGIT_STEPS, conv: bool = False,
                    device: torch.device | str | None = None, **overrides) -> GANTrainer:
    """A seeded, untrained conditional GAN on the digits' training split.

    Args:
        data: from :func:`gancourse.digits.load_digits_split`.
        variant: one of :data:`VARIANTS`.
        seed: seeds the networks and the training draws.
        steps: generator steps.
        conv: DCGAN-style 8x8 networks instead of MLPs.
        device: where to train (default: :func:`gancourse.get_device`).
        overrides: further :class:`~gancourse.training.TrainConfig` fields.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    d_classes = 0 if variant == "ignore-y" else N_CLASSES
    x, y = data.train
    with seeded(seed):
        if conv:
            G = DCGANGenerator(DIGIT_LATENT, 8, n_classes=N_CLASSES, base=32)
            D = DCGANDiscriminator(8, n_classes=d_classes, base=32)
            x = to_images(x)
        else:
            G = MLPGenerator(DIGIT_LATENT, N_PIXELS, (128, 128), n_classes=N_CLASSES,
                             out_activation=nn.Tanh)
            D = MLPDiscriminator(N_PIXELS, (128, 128), n_classes=d_classes,
                                 minibatch_std=True)
    options: dict[str, Any] = {**_DIGIT_CONFIG, "steps": steps, "seed": seed,
                               "mismatch_weight": 1.0 if variant == "pairs+mismatch" else 0.0,
                               "progress": False, **overrides}
    return GANTrainer(G, D, (x, y), TrainConfig(**options), device=device)


@torch.no_grad()
def generate(G: nn.Module, labels, seed: int = 0, z: torch.Tensor | None = None
             ) -> torch.Tensor:
    """Images G(z | y) for the given labels, as (n, 64) on the CPU, with G in eval mode.

    ``z`` (n, G.latent_dim) defaults to fresh normal draws seeded by ``seed``.
    """
    y = torch.as_tensor(labels, dtype=torch.long)
    if y.dim() != 1 or (len(y) and (y.min() < 0 or y.max() >= N_CLASSES)):
        raise ValueError(f"labels must be a 1-D sequence of digits 0..9, got {labels!r}")
    device = next(G.parameters()).device
    if z is None:
        z = torch.randn(len(y), G.latent_dim, generator=torch.Generator().manual_seed(seed))
    elif tuple(z.shape) != (len(y), G.latent_dim):
        raise ValueError(f"z must have shape ({len(y)}, {G.latent_dim}), got {tuple(z.shape)}")
    was_training = G.training
    G.eval()
    x = G(z.to(device), y.to(device)).cpu()
    G.train(was_training)
    return x.reshape(len(y), N_PIXELS)


def evaluate_digits(G: nn.Module, classifier: DigitClassifier, real_diversity: np.ndarray,
                    n_per_class: int = 100, seed: int = 123) -> dict[str, Any]:
    """Label accuracy and within-class diversity of ``n_per_class`` generated digits per class.

    Returns a dict with ``accuracy`` (share labelled as requested), ``per_class`` (10,),
    ``diversity`` (10,) and ``diversity_ratio`` (mean over classes of generated / real
    diversity; 1 means as varied as the real digits, 0 means one image per class).
    """
    y = np.repeat(np.arange(N_CLASSES), n_per_class)
    x = generate(G, y, seed=seed)
    diversity = within_class_diversity(x, y)
    return {"accuracy": classifier.accuracy(x, y),
            "per_class": classifier.per_class_accuracy(x, y),
            "diversity": diversity,
            "diversity_ratio": float(np.mean(diversity / np.asarray(real_diversity)))}


def make_ring_cgan(seed: int = 0, *, steps: int = 2000, mismatch: bool = True,
                   device: torch.device | str | None = None, **overrides) -> GANTrainer:
    """G(z | y) on the ring with y = the mode's index (lecture 04's small networks).

    ``mismatch``: D also rejects real points shown with a wrong label; ``overrides`` replace
    :class:`~gancourse.training.TrainConfig` fields.
    """
    with seeded(seed):
        G = MLPGenerator(2, 2, (64, 64), n_classes=8)
        D = MLPDiscriminator(2, (64, 64), n_classes=8)
    options = dict(steps=steps, batch_size=128, lr_d=1e-3, lr_g=1e-3, seed=seed,
                   lr_decay_start=0.5, lr_final=0.05, progress=False,
                   mismatch_weight=1.0 if mismatch else 0.0)
    return GANTrainer(G, D, Ring(), TrainConfig(**{**options, **overrides}), device=device)


@torch.no_grad()
def ring_condition_rate(G: nn.Module, n_per_mode: int = 300, seed: int = 0) -> float:
    """Share of G(z | y) samples within 3 std of the mode y they were asked for."""
    ring = Ring()
    y = torch.arange(8).repeat_interleave(n_per_mode)
    device = next(G.parameters()).device
    z = torch.randn(len(y), G.latent_dim, generator=torch.Generator().manual_seed(seed))
    x = G(z.to(device), y.to(device)).cpu().numpy()
    return conditional_accuracy(x, y.numpy(), ring.means, ring.stds[0])


def load_cgan_benchmark(path: str | Path | None = None) -> dict[str, Any]:
    """The saved results of ``benchmarks/cgan_digits.py`` (machine, settings and every run)."""
    return load_results("cgan_digits", path)
