"""The parallel-lines example of Arjovsky, Chintala & Bottou (2017, Example 1).

P_0 is the law of (0, Z) and P_theta the law of (theta, Z), Z ~ U[0, 1]: two vertical segments
in the plane. For theta != 0 they never overlap, so

    JS(P_0 || P_theta) = log 2,   KL(P_0 || P_theta) = +inf,   W1(P_0, P_theta) = |theta|,

and only W1 tells a near miss from a far one. With instance noise -- independent N(0, s^2 I)
added to samples of both -- the two laws differ only in their first coordinate, so every
divergence equals that between the 1-D laws N(0, s^2) and N(theta, s^2): JS and KL become
smooth in theta (KL = theta^2 / (2 s^2)). Noise can only shrink W1 (W1(P*N, Q*N) <= W1(P, Q):
blur both ends of any plan alike), and here it leaves it at |theta|, because P_theta*N is
P_0*N moved by theta, and moving a distribution by v costs exactly |v|. With noise, W1 is
computed from the two 1-D densities by the CDF formula, not taken from that argument.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch

from .divergences import js_on_grid, kl_gaussian
from .wasserstein import w1_1d

if TYPE_CHECKING:  # the training loop is imported where it is used: this module is light
    from .training import GANTrainer

__all__ = ["parallel_lines_divergences", "make_shift_trainer", "train_shift"]

LOG2 = math.log(2.0)


def parallel_lines_divergences(theta: float, noise_std: float = 0.0) -> dict[str, float]:
    """JS, KL (both ways equal here) and W1 between P_0 and P_theta, optionally with noise.

    Args:
        theta: horizontal distance between the two segments.
        noise_std: standard deviation s of the instance noise added to both (0: none).

    Returns:
        ``{"js": ..., "kl": ..., "w1": ...}`` in nats (W1 in units of x).
    """
    theta = float(theta)
    if not math.isfinite(theta):
        raise ValueError(f"theta must be a finite number, got {theta}")
    if not (noise_std >= 0 and math.isfinite(noise_std)):
        raise ValueError(f"noise_std must be >= 0, got {noise_std}")
    if noise_std == 0:
        same = theta == 0
        return {"js": 0.0 if same else LOG2, "kl": 0.0 if same else math.inf, "w1": abs(theta)}
    half = abs(theta) / 2 + 10 * noise_std
    x = np.linspace(theta / 2 - half, theta / 2 + half, 8001)
    p = np.exp(-0.5 * (x / noise_std) ** 2) / (noise_std * math.sqrt(2 * math.pi))
    q = np.exp(-0.5 * ((x - theta) / noise_std) ** 2) / (noise_std * math.sqrt(2 * math.pi))
    return {"js": js_on_grid(p, q, x), "kl": kl_gaussian(0.0, noise_std, theta, noise_std),
            "w1": w1_1d(x, x, p, q)}


def make_shift_trainer(theta0: float = 1.0, seed: int = 0, *, steps: int = 300,
                       device: torch.device | str | None = None, **overrides) -> GANTrainer:
    """An untrained :class:`~gancourse.training.GANTrainer`: G(z) = (theta, Phi(z)) against a
    strong discriminator (an MLP with two hidden layers of 64 units).

    Both take plain gradient steps (``optimizer="sgd"``, ``lr_d=0.2``, ``lr_g=0.05``,
    ``k_steps=5``, batch 256 by default); ``overrides`` replace any
    :class:`~gancourse.training.TrainConfig` field, such as ``loss``, ``instance_noise``,
    ``real_label`` or ``gp_weight``.
    """
    from .distributions import ParallelLine
    from .models import LineGenerator, MLPDiscriminator
    from .seeding import seeded
    from .training import GANTrainer, TrainConfig

    with seeded(seed):
        G, D = LineGenerator(theta0), MLPDiscriminator(2, (64, 64))
    options = dict(steps=steps, batch_size=256, k_steps=5, lr_d=0.2, lr_g=0.05,
                   optimizer="sgd", progress=False, seed=seed)
    return GANTrainer(G, D, ParallelLine(0.0), TrainConfig(**{**options, **overrides}),
                      device=device)


def train_shift(theta0: float = 1.0, *, steps: int = 300, seed: int = 0, pretrain_d: int = 200,
                device: torch.device | str | None = None, **config
                ) -> tuple[list[float], GANTrainer]:
    """Learn the shift theta of :class:`~gancourse.models.LineGenerator` towards P_0.

    The set-up of :func:`make_shift_trainer` (``config`` overrides its TrainConfig fields); the
    discriminator is first trained alone for ``pretrain_d`` steps.

    Returns:
        ``(thetas, trainer)``: theta before training and after every generator step.
    """
    trainer = make_shift_trainer(theta0, seed, steps=steps, device=device, **config)
    thetas: list[float] = []
    trainer.callback = lambda t: thetas.append(float(t.G.theta.detach())) and None
    trainer.train_discriminator(pretrain_d)
    thetas.append(float(trainer.G.theta.detach()))
    trainer.train()
    return thetas, trainer
