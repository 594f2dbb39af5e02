"""Named toy experiments, shared by the lectures, the tests and ``benchmarks/toy2d.py``.

Every method uses the same networks, batch size, optimiser and learning-rate schedule; a method
is only a set of :class:`~gancourse.training.TrainConfig` or discriminator options, so the
comparison is between remedies, not between tunings.

The ``collapse`` family is lecture 04's and 05's demonstration, on small networks (two hidden
layers of 64 units) with one schedule (:data:`COLLAPSE_SCHEDULE`): a vanilla GAN whose generator
learns three times faster than its discriminator, with one D step per G step. Measured on 5
seeds and on every float path (``benchmarks/collapse.py``), it ends with its samples on at most
2 modes and hops from mode to mode on the way. Each variant changes one thing:
``collapse-mbstd`` the discriminator (minibatch-std), ``collapse-wgan-gp`` the loss (WGAN-GP),
``collapse-k5`` the number of D steps (5), ``collapse-wgan-gp-k5`` both of the last two.
:func:`run_line` trains the same configuration in one dimension, on five modes of a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .distributions import GaussianMixture, Grid, Ring
from .metrics import mode_stats, nearest_mode
from .models import MLPDiscriminator, MLPGenerator
from .results import load_results
from .seedbatch import SeedBatchTrainer
from .seeding import seeded
from .training import GANTrainer, TrainConfig

__all__ = ["Method", "METHODS", "COLLAPSE_SCHEDULE", "TOY_STEPS", "TOY_SCHEDULE", "toy_dataset",
           "make_toy_trainer", "make_toy_batch", "evaluate", "evaluate_runs", "load_benchmark",
           "DEMOS", "watch_wasserstein",
           "run_collapse", "run_collapse_seeds", "LINE_MODES", "run_line"]

TOY_STEPS = {"ring": 4000, "grid": 10000}  # generator steps per run (the step budget)
# The learning rates decay linearly late in the budget: high quality means within 3 std of a
# mode (0.03 on the ring, 0.15 on the grid), which needs small final steps.
TOY_SCHEDULE = {"ring": dict(lr_decay_start=0.5, lr_final=0.05),
                "grid": dict(lr_decay_start=0.3, lr_final=0.02)}
_SCHEDULE = dict(batch_size=256, lr_d=1e-3, lr_g=1e-3)
# Lecture 04's collapse: G's learning rate three times D's, one D step per G step, both decayed
# over the second half. With equal rates the same networks covered 7-8 modes on 4 seeds of 5;
# with 5 D steps per G step they cover all 8 (benchmarks/results/collapse.md).
COLLAPSE_SCHEDULE = dict(batch_size=128, lr_d=1e-3, lr_g=3e-3, betas=(0.5, 0.9),
                         lr_decay_start=0.5, lr_final=0.05)
_WGAN_GP = dict(loss="wgan", gp_weight=1.0)


@dataclass(frozen=True)
class Method:
    """A named way of training a GAN on the 2-D toys."""

    description: str
    config: dict[str, Any] = field(default_factory=dict)  # TrainConfig options
    d_options: dict[str, Any] = field(default_factory=dict)  # MLPDiscriminator options
    hidden: tuple[int, ...] = (128, 128, 128)  # hidden widths of G (and of D, by default)
    d_hidden: tuple[int, ...] | None = None  # D's hidden widths when they differ from G's
    steps: dict[str, int] = field(default_factory=dict)  # its own budget per data set; when
    # set, benchmarks/toy2d.py runs the method on those data sets only (default: TOY_STEPS)


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
    # The fast recipes (benchmarks/results/toy2d.md, lecture 04 section 7). Cheap steps buy
    # more of them: gan-64's step has an eighth of gan's multiply-adds (64-unit layers, batch
    # 128) and one fused optimiser step. On the ring, a vanilla GAN's misses are bridges
    # between modes -- a continuous G must carry some mass across -- and they thin as G's
    # transitions steepen: a 3x learning rate and 6000 steps, then the decay settles samples
    # inside their modes.
    "gan-64": Method("vanilla GAN, 64-unit layers, 3x learning rate, fused Adam (ring recipe)",
                     {"batch_size": 128, "lr_d": 3e-3, "lr_g": 3e-3, "fused_optimizer": True},
                     hidden=(64, 64, 64), steps={"ring": 6000}),
    # On the grid the vanilla GAN drops modes. Minibatch-std lets D see a missing mode, and the
    # minimax loss, whose pull fades on samples D confidently rejects (lecture 02), is less
    # mode-seeking than the non-saturating one (lecture 04, sections 3 and 7): 25 of 25 modes.
    "minimax-mbstd-64": Method("minimax loss, minibatch-std D, 64-unit layers, fused Adam "
                               "(grid recipe)",
                               {"batch_size": 256, "lr_d": 1.5e-3, "lr_g": 1.5e-3,
                                "loss": "minimax", "fused_optimizer": True, "lr_decay_start": 0.3,
                                "lr_final": 0.01},
                               {"minibatch_std": True}, hidden=(64, 64, 64),
                               steps={"grid": 12000}),
    "collapse": Method("small vanilla GAN, G faster than D: collapses (lecture 04)",
                       dict(COLLAPSE_SCHEDULE), hidden=(64, 64)),
    "collapse-mbstd": Method("the collapse set-up with a minibatch-std discriminator",
                             dict(COLLAPSE_SCHEDULE), {"minibatch_std": True}, hidden=(64, 64)),
    "collapse-wgan-gp": Method("the collapse set-up trained as WGAN-GP (lecture 05)",
                               {**COLLAPSE_SCHEDULE, **_WGAN_GP}, hidden=(64, 64)),
    "collapse-k5": Method("the collapse set-up with 5 D steps per G step (lecture 05)",
                          {**COLLAPSE_SCHEDULE, "k_steps": 5}, hidden=(64, 64)),
    "collapse-wgan-gp-k5": Method("WGAN-GP with 5 critic steps, otherwise the collapse set-up",
                                  {**COLLAPSE_SCHEDULE, **_WGAN_GP, "k_steps": 5},
                                  hidden=(64, 64)),
}
# The lecture demonstrations, not benchmark methods.
DEMOS = ("collapse", "collapse-mbstd", "collapse-wgan-gp", "collapse-k5", "collapse-wgan-gp-k5")


def toy_dataset(name: str) -> GaussianMixture:
    """``"ring"`` (8 modes, radius 1, std 0.01) or ``"grid"`` (5x5, spacing 2, std 0.05)."""
    if name == "ring":
        return Ring()
    if name == "grid":
        return Grid()
    raise ValueError(f"dataset must be 'ring' or 'grid', got {name!r}")


def _toy_parts(dataset: str, method: str, seed: int, steps: int | None, overrides: dict
               ) -> tuple[MLPGenerator, MLPDiscriminator, GaussianMixture, TrainConfig]:
    """The seeded networks, the data and the config of one run of ``method``."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    spec = METHODS[method]
    data = toy_dataset(dataset)
    with seeded(seed):
        G = MLPGenerator(2, 2, spec.hidden)
        D = MLPDiscriminator(2, spec.d_hidden or spec.hidden, **spec.d_options)
    schedule = TOY_SCHEDULE[dataset] if "lr_decay_start" not in spec.config and \
        method not in DEMOS else {}
    budget = steps or spec.steps.get(dataset) or TOY_STEPS[dataset]
    config = TrainConfig(**{"steps": budget, "seed": seed, **schedule,
                            **spec.config, **overrides})
    return G, D, data, config


def make_toy_trainer(dataset: str, method: str, seed: int = 0, *, steps: int | None = None,
                     device: torch.device | str | None = None, **overrides) -> GANTrainer:
    """A seeded, untrained :class:`GANTrainer` for ``method`` on ``dataset``.

    ``steps`` defaults to the method's own budget for ``dataset``, else :data:`TOY_STEPS`;
    ``overrides`` replace TrainConfig fields (``snapshot_steps=...``, ``progress=False``, ...).
    """
    G, D, data, config = _toy_parts(dataset, method, seed, steps, overrides)
    return GANTrainer(G, D, data, config, device=device)


def make_toy_batch(dataset: str, method: str, seeds=range(5), *, steps: int | None = None,
                   device: torch.device | str | None = None, **overrides) -> SeedBatchTrainer:
    """:func:`make_toy_trainer` for every seed in ``seeds``, as one seed-batched trainer.

    Run s starts from the very networks ``make_toy_trainer(dataset, method, seeds[s])`` builds
    and draws the same random numbers (:mod:`gancourse.seedbatch`).
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    parts = [_toy_parts(dataset, method, seed, steps, overrides) for seed in seeds]
    return SeedBatchTrainer([p[0] for p in parts], [p[1] for p in parts], parts[0][2],
                            parts[0][3], seeds, device=device)


def evaluate(trainer: GANTrainer, dataset: str, n: int = 2500) -> dict[str, float]:
    """The literature's metrics on ``n`` samples: modes captured, high quality, reverse KL."""
    return _metrics(trainer.sample(n).numpy(), dataset)


def _metrics(samples: np.ndarray, dataset: str) -> dict[str, float]:
    data = toy_dataset(dataset)
    return {**mode_stats(samples, data.means, data.stds[0]).as_dict(), "n_samples": len(samples)}


def evaluate_runs(trainer: SeedBatchTrainer, dataset: str, n: int = 2500
                  ) -> list[dict[str, float]]:
    """:func:`evaluate` for every run of a seed-batched trainer, in the order of its seeds."""
    return [_metrics(samples, dataset) for samples in trainer.sample(n).numpy()]


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


def run_collapse(method: str, seed: int = 0, *, steps: int = 2000, every: int = 100,
                 watch: bool = False, device: torch.device | str | None = None
                 ) -> tuple[GANTrainer, dict[str, Any]]:
    """Train one of the ``collapse`` family on the ring and summarise the run (lectures 04, 05).

    2500 fixed-z samples are kept every ``every`` steps. The summary (plain data) holds the
    final ``modes_captured`` and ``high_quality`` (VEEGAN's rule), ``top2_share`` (share of the
    final samples whose nearest mode is one of the two most popular: 1.0 for a generator
    collapsed onto at most 2 modes, 0.25 for an even spread), ``dominant`` (the most popular
    mode at every snapshot) and ``hops`` (how often the most popular mode changed), and
    ``seconds``. With ``watch=True`` (:func:`watch_wasserstein`, 500 points) also the
    ``critic`` estimate and exact ``w1`` every ``every`` steps, the sampling ``floor``, and
    ``d_loss_late``, the mean D loss over the last ``every`` steps.
    """
    if method not in DEMOS:
        raise ValueError(f"method must be one of {', '.join(DEMOS)}, got {method!r}")
    snaps = tuple(range(0, steps + 1, every))
    trainer = make_toy_trainer("ring", method, seed, steps=steps, snapshot_steps=snaps,
                               n_snapshot=2500, progress=False, device=device,
                               eval_every=every if watch else 0)
    floor = watch_wasserstein(trainer, "ring", n=500) if watch else None
    trainer.train()
    summary = _collapse_summary(method, seed, steps, trainer.history.snapshots,
                                trainer.history.seconds)
    if watch:
        h = trainer.history
        summary.update(eval_step=list(h.eval_step), critic=list(h.metrics["critic"]),
                       w1=list(h.metrics["w1"]), floor=floor,
                       d_loss_late=float(np.mean(h.d_loss[-every:])))
    return trainer, summary


def _collapse_summary(method: str, seed: int, steps: int, snapshots: dict[int, np.ndarray],
                      seconds: float) -> dict[str, Any]:
    """run_collapse's summary of one run from its snapshots (step -> (n, 2) samples)."""
    ring = toy_dataset("ring")
    dominant, top2 = [], []
    for step in sorted(snapshots)[1:]:
        idx, _ = nearest_mode(snapshots[step], ring.means)
        share = np.bincount(idx, minlength=ring.n_modes) / len(idx)
        dominant.append(int(share.argmax()))
        top2.append(float(np.sort(share)[-2:].sum()))
    final = mode_stats(snapshots[steps], ring.means, ring.stds[0])
    return {"method": method, "seed": seed, "steps": steps,
            "modes_captured": final.modes_captured, "high_quality": final.high_quality,
            "top2_share": top2[-1], "dominant": dominant,
            "hops": sum(a != b for a, b in zip(dominant, dominant[1:])), "seconds": seconds}


def run_collapse_seeds(method: str, seeds=range(5), *, steps: int = 2000, every: int = 100,
                       device: torch.device | str | None = None
                       ) -> list[tuple[GANTrainer, dict[str, Any]]]:
    """:func:`run_collapse` for every seed at once, as one seed-batched model.

    Returns, per seed, what :func:`run_collapse` returns (without ``watch``): a trainer (the
    run as an ordinary :class:`GANTrainer`, :meth:`SeedBatchTrainer.single`, to sample and
    inspect) and its summary; ``seconds`` is the batch's wall time shared out over the seeds.
    """
    if method not in DEMOS:
        raise ValueError(f"method must be one of {', '.join(DEMOS)}, got {method!r}")
    seeds = list(seeds)
    snaps = tuple(range(0, steps + 1, every))
    trainer = make_toy_batch("ring", method, seeds, steps=steps, snapshot_steps=snaps,
                             n_snapshot=2500, progress=False, device=device)
    trainer.train()
    runs = [trainer.single(s) for s in range(len(seeds))]
    return [(run, _collapse_summary(method, seed, steps, run.history.snapshots,
                                    run.history.seconds)) for run, seed in zip(runs, seeds)]


LINE_MODES = GaussianMixture([-4.0, -2.0, 0.0, 2.0, 4.0], 0.1)  # five modes on the line


def run_line(seed: int = 0, *, steps: int = 1000, minibatch_std: bool = False,
             device: torch.device | str | None = None) -> tuple[GANTrainer, dict[str, Any]]:
    """The ``collapse`` configuration on :data:`LINE_MODES`, in one dimension (lecture 04).

    The same small networks (two hidden layers of 64), loss and schedule as the ring's
    ``collapse``, with a 1-D latent. Returns the trainer and the literature's metrics on 2500
    samples: ``modes_captured``, ``high_quality`` and ``counts`` (high-quality samples per mode).
    """
    with seeded(seed):
        G = MLPGenerator(1, 1, (64, 64))
        D = MLPDiscriminator(1, (64, 64), minibatch_std=minibatch_std)
    config = TrainConfig(steps=steps, seed=seed, progress=False, **COLLAPSE_SCHEDULE)
    trainer = GANTrainer(G, D, LINE_MODES, config, device=device)
    trainer.train()
    stats = mode_stats(trainer.sample(2500).numpy(), LINE_MODES.means, LINE_MODES.stds[0])
    return trainer, {"seed": seed, "modes_captured": stats.modes_captured,
                     "high_quality": stats.high_quality, "counts": stats.counts.tolist(),
                     "seconds": trainer.history.seconds}


def load_benchmark(path: str | Path | None = None) -> dict[str, Any]:
    """The saved results of ``benchmarks/toy2d.py`` (machine, settings and every run)."""
    return load_results("toy2d", path)
