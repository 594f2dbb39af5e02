"""Named toy experiments, shared by the lectures, the tests and ``benchmarks/toy2d.py``.

Every method uses the same networks, batch size, optimiser and learning-rate schedule; a method
is only a set of :class:`~gancourse.training.TrainConfig` or discriminator options, so the
comparison is between remedies, not between tunings. ``collapse`` is a deliberately small
vanilla GAN (no learning-rate decay) that collapses and hops between the ring's modes early in
training -- lecture 04's demonstration -- and ``collapse-mbstd`` the same with a minibatch-std
discriminator, which does not collapse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .distributions import GaussianMixture, Grid, Ring
from .metrics import mode_stats
from .models import MLPDiscriminator, MLPGenerator
from .seeding import seed_everything
from .training import GANTrainer, TrainConfig

__all__ = ["Method", "METHODS", "TOY_STEPS", "TOY_SCHEDULE", "toy_dataset", "make_toy_trainer",
           "evaluate", "load_benchmark", "BENCHMARK_FILE", "DEMOS"]

BENCHMARK_FILE = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "toy2d.json"
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
    # lambda = 1, not the paper's 10: at these data scales (modes 0.01 to 0.05 wide) lambda = 10
    # left the ring with no high-quality sample at all in our runs.
    "wgan-gp": Method("Wasserstein loss with gradient penalty",
                      {**_SCHEDULE, "loss": "wgan", "gp_weight": 1.0, "betas": (0.5, 0.9)}),
    "collapse": Method("small vanilla GAN that collapses (lecture 04)",
                       {"batch_size": 128, "lr_d": 1e-3, "lr_g": 1e-3}, hidden=(64, 64)),
    "collapse-mbstd": Method("the collapse set-up with a minibatch-std discriminator",
                             {"batch_size": 128, "lr_d": 1e-3, "lr_g": 1e-3},
                             {"minibatch_std": True}, hidden=(64, 64)),
}
# The lecture demonstrations, not benchmark methods.
DEMOS = ("collapse", "collapse-mbstd")


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


def load_benchmark(path: str | Path | None = None) -> dict[str, Any]:
    """The saved results of ``benchmarks/toy2d.py`` (machine, settings and every run).

    Regenerate them with ``.venv/bin/python benchmarks/toy2d.py`` from the course folder.
    """
    path = Path(path) if path is not None else BENCHMARK_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no benchmark results at {path}: run "
                                "`.venv/bin/python benchmarks/toy2d.py` in the course folder")
    return json.loads(path.read_text())
