"""Lecture 02's "poor start": the minimax generator loss saturates, the non-saturating one not.

The generator G(z) = mu + sigma z starts far from the data, against a discriminator trained
until it rejects the fakes. :func:`generator_gradient` measures d(generator loss)/d mu there;
:func:`poor_start` runs that set-up and then Algorithm 1 for a few hundred steps, so a lecture
can compare the two losses (and the two optimisers) from the same start and seed.
"""

from __future__ import annotations

import torch
from torch import nn

from .distributions import Distribution
from .losses import get_loss
from .models import AffineGenerator, MLPDiscriminator
from .seeding import seeded
from .training import GANTrainer, TrainConfig

__all__ = ["generator_gradient", "make_poor_start", "poor_start"]


def generator_gradient(G: AffineGenerator, D: nn.Module, loss: str, z: torch.Tensor) -> float:
    """d/dmu of the generator loss ``loss`` on the batch G(z), with D held fixed."""
    g_loss = get_loss(loss).g_loss
    if not isinstance(G, AffineGenerator):
        raise TypeError(f"G must be an AffineGenerator (it has a parameter mu), got "
                        f"{type(G).__name__}")
    (grad,) = torch.autograd.grad(g_loss(D(G(z))), G.mu)
    return float(grad)


def make_poor_start(data: Distribution, loss: str, optimizer: str, seed: int = 1, *,
                    lr_g: float, lr_d: float, mu: float = -3.0, sigma: float = 0.5,
                    steps: int = 400, device: torch.device | str | None = None,
                    **overrides) -> GANTrainer:
    """An untrained 1-D GAN whose generator N(mu, sigma^2) starts far from ``data``.

    ``overrides`` replace :class:`~gancourse.training.TrainConfig` fields (batch 256 and the
    given loss, optimiser and learning rates by default).
    """
    get_loss(loss)  # a clear error for an unknown loss before anything is built
    with seeded(seed):
        G, D = AffineGenerator(mu, sigma), MLPDiscriminator(1, (64, 64))
    options = dict(steps=steps, batch_size=256, lr_d=lr_d, lr_g=lr_g, loss=loss,
                   optimizer=optimizer, seed=seed, progress=False)
    return GANTrainer(G, D, data, TrainConfig(**{**options, **overrides}), device=device)


def poor_start(data: Distribution, loss: str, optimizer: str, lr_g: float, lr_d: float, *,
               mu: float = -3.0, sigma: float = 0.5, d_steps: int = 300, steps: int = 400,
               seed: int = 1, device: torch.device | str | None = None) -> dict[str, float]:
    """Train a 1-D GAN from a generator far from ``data`` against a confident discriminator.

    Args:
        data: the 1-D data distribution.
        loss: the generator's loss pair (``"minimax"``, ``"nonsaturating"``, ...).
        optimizer: ``"sgd"`` (plain gradient steps, as in Algorithm 1) or ``"adam"``.
        lr_g, lr_d: learning rates.
        mu, sigma: the generator's start, N(mu, sigma^2).
        d_steps: discriminator steps before the generator moves.
        steps: generator steps afterwards (one discriminator step each).
        seed: seeds the networks and batches; the same arguments give the same numbers.
        device: where to train (default: :func:`gancourse.get_device`).

    Returns:
        ``"D(G(z))"``: the discriminator's mean output on 4096 fakes at the start;
        ``"|dL/dmu| at start"``: the size of the generator's gradient there;
        ``"mu after"``, ``"sigma after"``: the generator once trained.
    """
    trainer = make_poor_start(data, loss, optimizer, seed, lr_g=lr_g, lr_d=lr_d, mu=mu,
                              sigma=sigma, steps=steps, device=device)
    G = trainer.G
    trainer.train_discriminator(d_steps)
    z = torch.randn(4096, 1, generator=torch.Generator().manual_seed(seed + 1)).to(trainer.device)
    with torch.no_grad():
        d_fake = torch.sigmoid(trainer.D(G(z))).mean().item()
    grad = generator_gradient(G, trainer.D, loss, z)
    trainer.train()
    return {"D(G(z))": d_fake, "|dL/dmu| at start": abs(grad),
            "mu after": float(G.mu.detach()), "sigma after": G.sigma}
