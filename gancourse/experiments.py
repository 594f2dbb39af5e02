"""Named toy experiments, shared by the lectures, the tests and ``benchmarks/toy2d.py``.

Every method uses the same networks, batch size, optimiser and learning-rate schedule; a method
is only a set of :class:`~gancourse.training.TrainConfig` or discriminator options, so the
comparison is between remedies, not between tunings. ``collapse`` is a deliberately small
vanilla GAN (no learning-rate decay) that collapses and hops between the ring's modes early in
training -- lecture 04's demonstration -- and ``collapse-mbstd`` the same with a minibatch-std
discriminator, which does not collapse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .distributions import GaussianMixture, Grid, Ring
from .metrics import mode_stats
from .models import MLPDiscriminator, MLPGenerator
from .results import RESULTS_DIR, load_results
from .seeding import seed_everything
from .training import GANTrainer, TrainConfig

__all__ = ["Method", "METHODS", "TOY_STEPS", "TOY_SCHEDULE", "toy_dataset", "make_toy_trainer",
           "evaluate", "load_benchmark", "BENCHMARK_FILE", "DEMOS", "watch_wasserstein"]

BENCHMARK_FILE = RESULTS_DIR / "toy2d.json"
TOY_STEPS = {"ring": 4000, "grid": 10000}  # generator steps per run (the step budget)
# The learning rates decay linearly late in the budget: high quality means within 3 std of a
# mode (0.03 on the ring, 0.15 on the grid), which needs small final steps.
TOY_SCHEDULE = {"ring": dict(lr_decay_start=0.5, lr_final=0.05),
                "grid": dict(lr_decay_start=0.3, lr_final=0.02)}
_SCHEDULE = dict(batch_size=256, lr_d=1e-3, lr_g=1e-3)


@dataclass(frozen=True)
class Method:
    """A named way of training a GAN on the 2-D toys."""

    description: str
    config: dict[str, Any] = field(default_factory=dict)  # TrainConfig options
    d_options: dict[str, Any] = field(default_factory=dict)  # MLPDiscriminator options
    hidden: tuple[int, ...] = (128, 128, 128)  # hidden widths of G and D


METHODS: dict[str, Method] = {
    "gan": Method("vanilla GAN, non-saturating loss", dict(_SCHEDULE)),
    "minibatch-std": Method("D sees the minibatch standard deviation", dict(_SCHEDULE),
                            {"minibatch_std": True}),
    # PacGAN draws pack x 256 samples per step, so that its D judges as many packs as the
    # vanilla D judges samples; with 256 samples per step (64 packs of 4) we measured the
    # high-quality share on the ring fall from 92% to 16% (seed 0).
    "pacgan2": Method("PacGAN: D judges pairs of samples",
                      {**_SCHEDULE, "batch_size": 2 * 256}, {"pack": 2}),
    "pacgan4": Method("PacGAN: D judges packs of 4 samples",
                      {**_SCHEDULE, "batch_size": 4 * 256}, {"pack": 4}),
    "unrolled5": Method("G answers D unrolled 5 steps (first order)",
                        {**_SCHEDULE, "unrolled_steps": 5}),
    # Five critic steps per generator step, as in the paper (n_critic = 5): with one, the grid
    # kept 10 modes and 1.7% high quality (seed 0). lambda = 1, not the paper's 10: at these
    # data scales (modes 0.01 to 0.05 wide) lambda = 10 left 2% high quality on the grid
    # (seed 0, five critic steps) -- the penalty keeps slopes near 1 at a scale far wider than
    # a mode, so the critic cannot point precisely at one.
    "wgan-gp": Method("Wasserstein loss with gradient penalty, 5 critic steps",
                      {**_SCHEDULE, "loss": "wgan", "gp_weight": 1.0, "betas": (0.5, 0.9),
                       "k_steps": 5}),
    "collapse": Method("small vanilla GAN that collapses (lecture 04)",
                       {"batch_size": 128, "lr_d": 1e-3, "lr_g": 1e-3}, hidden=(64, 64)),
    "collapse-mbstd": Method("the collapse set-up with a minibatch-std discriminator",
                             {"batch_size": 128, "lr_d": 1e-3, "lr_g": 1e-3},
                             {"minibatch_std": True}, hidden=(64, 64)),
    "collapse-wgan-gp": Method("the collapse set-up trained as WGAN-GP (lecture 05)",
                               {"batch_size": 128, "lr_d": 1e-3, "lr_g": 1e-3, "loss": "wgan",
                                "gp_weight": 1.0, "betas": (0.5, 0.9), "k_steps": 5,
                                "lr_decay_start": 0.5, "lr_final": 0.05}, hidden=(64, 64)),
}
# The lecture demonstrations, not benchmark methods.
DEMOS = ("collapse", "collapse-mbstd", "collapse-wgan-gp")


def toy_dataset(name: str) -> GaussianMixture:
    """``"ring"`` (8 modes, radius 1, std 0.01) or ``"grid"`` (5x5, spacing 2, std 0.05)."""
    if name == "ring":
        return Ring()
    if name == "grid":
        return Grid()
    raise ValueError(f"dataset must be 'ring' or 'grid', got {name!r}")


def make_toy_trainer(dataset: str, method: str, seed: int = 0, *, steps: int | None = None,
                     device: torch.device | str | None = None, **overrides) -> GANTrainer:
    """A seeded, untrained :class:`GANTrainer` for ``method`` on ``dataset``.

    ``steps`` defaults to :data:`TOY_STEPS`; ``overrides`` replace TrainConfig fields
    (``snapshot_steps=...``, ``progress=False``, ...).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    spec = METHODS[method]
    data = toy_dataset(dataset)
    seed_everything(seed)
    G = MLPGenerator(2, 2, spec.hidden)
    D = MLPDiscriminator(2, spec.hidden, **spec.d_options)
    schedule = TOY_SCHEDULE[dataset] if "lr_decay_start" not in spec.config and \
        method not in DEMOS else {}
    config = TrainConfig(**{"steps": steps or TOY_STEPS[dataset], "seed": seed, **schedule,
                            **spec.config, **overrides})
    return GANTrainer(G, D, data, config, device=device)


def evaluate(trainer: GANTrainer, dataset: str, n: int = 2500) -> dict[str, float]:
    """The literature's metrics on ``n`` samples: modes captured, high quality, reverse KL."""
    data = toy_dataset(dataset)
    samples = trainer.sample(n).numpy()
    return {**mode_stats(samples, data.means, data.stds[0]).as_dict(), "n_samples": len(samples)}


def watch_wasserstein(trainer: GANTrainer, dataset: str, n: int = 500, seed: int = 99) -> float:
    """Record, every ``trainer.config.eval_every`` steps, the critic's W1 estimate and true W1.

    Sets ``trainer.metrics`` so that the history gains two series over the fixed-z samples:
    ``"critic"`` = mean f(real) - mean f(generated) on ``n`` held-out data samples and the first
    ``n`` generated ones (for a BCE discriminator this is a difference of logits, not a
    distance), and ``"w1"`` = the exact W1 between the same two point clouds
    (:func:`~gancourse.wasserstein.w1_point_clouds`).

    Returns:
        The sampling floor: exact W1 between two independent ``n``-sample sets of the data,
        which a perfect generator would still show.
    """
    from .critics import critic_estimate
    from .wasserstein import w1_point_clouds

    if not trainer.config.eval_every:
        raise ValueError("trainer.config.eval_every must be > 0 to record the W1 series")
    if trainer.config.n_snapshot < n:
        raise ValueError(f"n ({n}) must not exceed trainer.config.n_snapshot "
                         f"({trainer.config.n_snapshot})")
    data = toy_dataset(dataset)
    real = data.sample(n, seed=seed)
    real_np = real.numpy()

    def metrics(samples):
        fake = samples[:n]
        return {"critic": critic_estimate(trainer.D, real.to(trainer.device),
                                          torch.as_tensor(fake).to(trainer.device)),
                "w1": w1_point_clouds(real_np, fake)}

    trainer.metrics = metrics
    return w1_point_clouds(real_np, data.sample(n, seed=seed + 1).numpy())


def load_benchmark(path: str | Path | None = None) -> dict[str, Any]:
    """The saved results of ``benchmarks/toy2d.py`` (machine, settings and every run)."""
    return load_results("toy2d", path)
