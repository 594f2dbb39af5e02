"""Lecture 09's set-ups: the losses of the GAN family on toys whose answer is known.

:func:`make_fgan_1d` is lecture 01's question asked of f-GAN (Nowozin et al. 2016): fit one
Gaussian, G(z) = mu + sigma z, to :data:`TWO_MODES` (lecture 01's mixture of N(-2, 0.6^2) and
N(2, 0.6^2)) by maximising the variational bound of an f-divergence through the course's one
training loop. With KL(P_data || P_G) the fit should cover both modes (mu near 0, sigma near
the mixture's 2.09, the maximum-likelihood fit); with the reverse KL it should sit on one mode
(sigma near 0.6) -- the two closed-form optima of :func:`gancourse.likelihood.fit_gaussian_by_kl`.
The reverse KL also has a local optimum between the modes, N(0, 1.79^2), whose basin holds
starts with |mu| below about 1.2: so the generator starts at mu = +1.5 or -1.5 (by seed) unless
told otherwise.

    trainer = make_fgan_1d("kl", seed=0)
    trainer.train()
    float(trainer.G.mu), trainer.G.sigma
"""

from __future__ import annotations

import torch

from .distributions import GaussianMixture
from .fdivergences import F_DIVERGENCES
from .models import AffineGenerator, MLPDiscriminator
from .seeding import seeded
from .training import GANTrainer, TrainConfig

__all__ = ["TWO_MODES", "FGAN_1D", "make_fgan_1d"]

TWO_MODES = GaussianMixture(means=[-2.0, 2.0], stds=[0.6, 0.6])
# The f-GAN budget on TWO_MODES: Adam for both players, D twice as fast.
FGAN_1D = {"steps": 1500, "batch_size": 256, "lr_g": 5e-3, "lr_d": 1e-2, "hidden": (32, 32)}


def make_fgan_1d(divergence: str, seed: int = 0, *, steps: int | None = None,
                 start_mu: float | None = None, device: torch.device | str | None = None,
                 **overrides) -> GANTrainer:
    """A trainer (not yet trained) of a one-Gaussian generator on :data:`TWO_MODES` with the
    f-GAN loss of ``divergence`` (a name in :data:`gancourse.fdivergences.F_DIVERGENCES`).

    The generator starts at N(start_mu, 1); by default start_mu is +1.5 or -1.5, the sign drawn
    by ``seed``, which also seeds the discriminator's weights and every draw of the loop.
    ``overrides`` replace :class:`~gancourse.training.TrainConfig` fields.
    """
    if divergence not in F_DIVERGENCES:
        raise ValueError(f"divergence must be one of {', '.join(map(repr, F_DIVERGENCES))}, "
                         f"got {divergence!r}")
    with seeded(seed):
        sign = 1.0 if float(torch.rand(())) < 0.5 else -1.0
        G = AffineGenerator(1.5 * sign if start_mu is None else float(start_mu), 1.0)
        D = MLPDiscriminator(1, FGAN_1D["hidden"])
    config = dict(steps=steps if steps is not None else FGAN_1D["steps"],
                  batch_size=FGAN_1D["batch_size"], lr_g=FGAN_1D["lr_g"], lr_d=FGAN_1D["lr_d"],
                  loss=f"f-{divergence}", seed=seed, progress=False)
    config.update(overrides)
    return GANTrainer(G, D, TWO_MODES, TrainConfig(**config), device=device)
