"""The live lab's set-up: its data sets, losses and remedies by name, and the one factory.

The lab (:class:`gancourse.widgets.LiveLab`) trains a GAN in the kernel while a learner
watches; everything it trains is built here, through the course's one training loop, so what
the lab shows is what a :class:`~gancourse.training.GANTrainer` does, step for step:

    trainer = make_lab_trainer("ring", loss="WGAN-GP", remedy="none", seed=0)
    trainer.discriminator_step(); trainer.generator_step()   # one iteration with k = 1

The networks are lecture 04's small ones (two hidden layers of 64 units), with Adam and betas
(0.5, 0.9), 128 samples per step, constant learning rates: the ring with ``lr_g=3e-3`` is
lecture 04's ``collapse`` set-up without its late learning-rate decay.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import torch

from .distributions import Distribution, GaussianMixture, Grid, Ring
from .experiments import LINE_MODES
from .losses import get_loss
from .models import MLPDiscriminator, MLPGenerator
from .seeding import seeded
from .training import GANTrainer, TrainConfig

__all__ = ["LAB_DATA", "LAB_LOSSES", "LAB_REMEDIES", "Remedy", "lab_data", "make_lab_trainer",
           "switch_loss", "LAB_STEPS"]

# Lecture 01's two modes, lecture 04's five modes on the line, the ring and the grid.
LAB_DATA: dict[str, Distribution] = {
    "two modes (1-D)": GaussianMixture([-2.0, 2.0], 0.6),
    "five modes (1-D)": LINE_MODES,
    "ring": Ring(),
    "grid": Grid(),
}

# The loss drop-down: TrainConfig options. WGAN-GP's lambda = 1 is lecture 05's for these toys.
LAB_LOSSES: dict[str, dict[str, Any]] = {
    "non-saturating": {"loss": "nonsaturating"},
    "minimax": {"loss": "minimax"},
    "WGAN-GP": {"loss": "wgan", "gp_weight": 1.0},
    "LSGAN": {"loss": "lsgan"},
    "hinge": {"loss": "hinge"},
}


@dataclass(frozen=True)
class Remedy:
    """One of lecture 04's remedies: discriminator options and TrainConfig options."""

    description: str
    d_options: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)


LAB_REMEDIES: dict[str, Remedy] = {
    "none": Remedy("the plain networks"),
    "minibatch-std": Remedy("D sees the minibatch standard deviation", {"minibatch_std": True}),
    # As in the toy benchmark, a packed D judges as many packs as a plain D judges samples.
    "PacGAN (pairs)": Remedy("D judges pairs of samples", {"pack": 2}),
    "unrolled (5 steps)": Remedy("G answers a copy of D advanced 5 steps (first order)",
                                 config={"unrolled_steps": 5}),
}

LAB_STEPS = 1_000_000  # the config's step budget: the lab never calls train(), and no
# schedule decays within it (lr_decay_start = 1, no instance noise)


def _choice(name: str, table: dict, what: str):
    if name not in table:
        raise ValueError(f"{what} must be one of {', '.join(map(repr, table))}, got {name!r}")
    return table[name]


def lab_data(data: str | Distribution) -> Distribution:
    """A data set by its name in :data:`LAB_DATA`, or any 1-D or 2-D distribution as it is."""
    if isinstance(data, Distribution):
        if data.dim not in (1, 2):
            raise ValueError(f"data must be 1-D or 2-D to be drawn, got dim={data.dim}")
        return data
    if isinstance(data, str):
        return _choice(data, LAB_DATA, "data")
    raise ValueError(f"data must be a name in LAB_DATA or a Distribution, got "
                     f"{type(data).__name__}")


def make_lab_trainer(data: str | Distribution = "ring", *, loss: str = "non-saturating",
                     remedy: str = "none", seed: int = 0, lr_d: float = 1e-3,
                     lr_g: float = 1e-3, k_steps: int = 1, batch_size: int = 128,
                     device: torch.device | str | None = None) -> GANTrainer:
    """A seeded, untrained trainer for the lab (see the module doc for the networks).

    ``loss`` is a key of :data:`LAB_LOSSES`, ``remedy`` one of :data:`LAB_REMEDIES`;
    ``batch_size`` is the plain D's (a packed D sees ``pack`` times as many samples).
    """
    dist = lab_data(data)
    options = _choice(loss, LAB_LOSSES, "loss")
    cure = _choice(remedy, LAB_REMEDIES, "remedy")
    with seeded(seed):
        G = MLPGenerator(dist.dim, dist.dim, (64, 64))
        D = MLPDiscriminator(dist.dim, (64, 64), **cure.d_options)
    config = TrainConfig(steps=LAB_STEPS, seed=seed, lr_d=lr_d, lr_g=lr_g, k_steps=k_steps,
                         batch_size=batch_size * cure.d_options.get("pack", 1),
                         betas=(0.5, 0.9), n_snapshot=500, progress=False,
                         **options, **cure.config)
    return GANTrainer(G, D, dist, config, device=device)


def switch_loss(trainer: GANTrainer, loss: str) -> None:
    """Give a running trainer another loss from :data:`LAB_LOSSES`, keeping both networks and
    their optimisers (a BCE discriminator's logit becomes a critic's score, and so on)."""
    options = {"gp_weight": 0.0, **_choice(loss, LAB_LOSSES, "loss")}
    trainer.config = replace(trainer.config, **options)
    trainer.loss = get_loss(trainer.config.loss, **trainer.config.loss_options)
