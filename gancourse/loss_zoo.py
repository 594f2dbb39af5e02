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

:data:`ZOO` is the bench of lecture 09 (``benchmarks/loss_zoo.py``): every loss of the course on
the line of five modes (lecture 04), the ring and the grid (lectures 04, 05), with the same
generator, the same discriminator body, batch size, learning rates, schedule and step budget as
``gan`` of :mod:`gancourse.experiments` -- only the loss changes (and, for EBGAN and BEGAN, the
discriminator is an auto-encoder of the same widths). :func:`make_zoo_trainer` builds one run,
:func:`evaluate_zoo` measures it: modes captured and high quality (VEEGAN's rule, 2500 samples)
and the exact W1 between 1000 samples and 1000 data points.

:func:`run_began_convergence` asks whether BEGAN's convergence measure tracks sample quality,
on :data:`BLOB`, one Gaussian whose W1 to the samples says how good they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .distributions import GaussianMixture
from .energy import AutoEncoderDiscriminator
from .experiments import LINE_MODES, TOY_SCHEDULE, TOY_STEPS, toy_dataset
from .fdivergences import F_DIVERGENCES
from .metrics import mode_stats
from .models import AffineGenerator, MLPDiscriminator, MLPGenerator
from .results import load_results
from .seeding import seeded
from .training import GANTrainer, TrainConfig
from .wasserstein import w1_point_clouds

__all__ = ["TWO_MODES", "FGAN_1D", "make_fgan_1d", "ZooLoss", "ZOO", "ZOO_DATASETS",
           "ZOO_STEPS", "zoo_dataset", "make_zoo_trainer", "evaluate_zoo", "w1_floor",
           "load_zoo", "zoo_summary", "failed_runs", "BLOB", "BEGAN_STOPS",
           "run_began_convergence"]

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


# -- the bench -----------------------------------------------------------------------------------
ZOO_DATASETS = ("line", "ring", "grid")
ZOO_STEPS = {"line": 2000, **TOY_STEPS}  # generator steps per run
_ZOO_SCHEDULE = {"line": TOY_SCHEDULE["ring"], **TOY_SCHEDULE}
_HIDDEN = (128, 128, 128)  # G's and D's hidden widths, as in gancourse.experiments


@dataclass(frozen=True)
class ZooLoss:
    """One loss of the bench: TrainConfig options, and the discriminator it needs."""

    description: str
    config: dict[str, Any] = field(default_factory=dict)
    energy_power: int = 0  # 0: an MLP discriminator; 2 (EBGAN) or 1 (BEGAN): an auto-encoder
    code_dim: int = 8  # the auto-encoder's code width


ZOO: dict[str, ZooLoss] = {
    "nonsaturating": ZooLoss("the original GAN, non-saturating G (the 'gan' of lecture 04)"),
    "minimax": ZooLoss("the original GAN, saturating G (= f-GAN with the GAN divergence)",
                       {"loss": "minimax"}),
    "lsgan": ZooLoss("LSGAN, codes 0-1-1", {"loss": "lsgan"}),
    "lsgan-chi2": ZooLoss("LSGAN, codes -1, 1, 0 (Pearson chi^2)", {"loss": "lsgan-chi2"}),
    "hinge": ZooLoss("hinge loss (SN-GAN, BigGAN)", {"loss": "hinge"}),
    "wgan-gp": ZooLoss("WGAN-GP, lambda 1, one critic step",
                       {"loss": "wgan", "gp_weight": 1.0, "betas": (0.5, 0.9)}),
    **{f"f-{name}": ZooLoss(f"f-GAN, {F_DIVERGENCES[name].name}", {"loss": f"f-{name}"})
       for name in F_DIVERGENCES if name != "gan"},
    # margin 1: with 0.1 the fakes' energy stayed within reach of the data's and seed 0 kept
    # 61 % high quality on the ring (95 % with 1)
    "ebgan": ZooLoss("EBGAN: auto-encoder D (squared error), margin 1, pulling-away 0.1",
                     {"loss": "ebgan", "loss_options": {"margin": 1.0}, "pulling_away": 0.1},
                     energy_power=2),
    # lambda_k 0.1, not the paper's 0.001: its k_t moves by lambda_k (gamma L(x) - L(G(z))) per
    # step, and the toys' energies (1e-2 and below) are far smaller than an image's, so with
    # 0.001 k_t stayed near 0 and seed 0 ended with no sample near the ring
    "began": ZooLoss("BEGAN: auto-encoder D (absolute error), gamma 0.5, lambda_k 0.1",
                     {"loss": "began", "loss_options": {"gamma": 0.5, "lambda_k": 0.1}},
                     energy_power=1),
}


def zoo_dataset(name: str) -> GaussianMixture:
    """``"line"`` (lecture 04's five modes on the line), ``"ring"`` or ``"grid"``."""
    if name == "line":
        return LINE_MODES
    if name not in ZOO_DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(map(repr, ZOO_DATASETS))}, "
                         f"got {name!r}")
    return toy_dataset(name)


def make_zoo_trainer(dataset: str, loss: str, seed: int = 0, *, steps: int | None = None,
                     device: torch.device | str | None = None, **overrides) -> GANTrainer:
    """A seeded, untrained run of the bench: ``loss`` (a key of :data:`ZOO`) on ``dataset``.

    ``overrides`` replace :class:`~gancourse.training.TrainConfig` fields.
    """
    if loss not in ZOO:
        raise ValueError(f"loss must be one of {', '.join(ZOO)}, got {loss!r}")
    spec, data = ZOO[loss], zoo_dataset(dataset)
    dim = data.means.shape[1]
    with seeded(seed):
        G = MLPGenerator(dim, dim, _HIDDEN)
        D = AutoEncoderDiscriminator(dim, _HIDDEN[:2], spec.code_dim, spec.energy_power) \
            if spec.energy_power else MLPDiscriminator(dim, _HIDDEN)
    config = {"steps": steps or ZOO_STEPS[dataset], "seed": seed, "batch_size": 256,
              "lr_d": 1e-3, "lr_g": 1e-3, "progress": False, **_ZOO_SCHEDULE[dataset],
              **spec.config, **overrides}
    return GANTrainer(G, D, data, TrainConfig(**config), device=device)


def _data_points(dataset: str, n: int, seed: int) -> np.ndarray:
    return zoo_dataset(dataset).sample(n, seed=seed).numpy()


def w1_floor(dataset: str, n: int = 1000) -> float:
    """W1 between two independent n-point samples of the data: what a perfect generator scores."""
    return w1_point_clouds(_data_points(dataset, n, 7), _data_points(dataset, n, 8))


def evaluate_zoo(trainer: GANTrainer, dataset: str, n: int = 2500, n_w1: int = 1000
                 ) -> dict[str, float]:
    """Modes captured and high quality on ``n`` fixed-z samples, and exact W1 between the first
    ``n_w1`` of them and ``n_w1`` data points (the same points for every run)."""
    data = zoo_dataset(dataset)
    samples = trainer.sample(n).numpy()
    stats = mode_stats(samples, data.means, data.stds[0])
    return {"modes_captured": stats.modes_captured, "n_modes": stats.n_modes,
            "high_quality": stats.high_quality,
            "w1": w1_point_clouds(samples[:n_w1], _data_points(dataset, n_w1, 7))}


def load_zoo(path: str | Path | None = None) -> dict[str, Any]:
    """The saved results of ``benchmarks/loss_zoo.py`` (machine, settings and every run)."""
    return load_results("loss_zoo", path)


def _runs(zoo: dict[str, Any], loss: str, dataset: str) -> list[dict[str, Any]]:
    return [r for r in zoo["runs"] if r["loss"] == loss and r["dataset"] == dataset]


def failed_runs(zoo: dict[str, Any], loss: str, dataset: str) -> int:
    """How many saved runs of ``loss`` on ``dataset`` failed: diverged, or ended with W1 above
    ten times the data's own sampling floor (``zoo["w1_floor"]``)."""
    floor = zoo["w1_floor"][dataset]
    return sum(r["diverged"] or r["w1"] > 10 * floor for r in _runs(zoo, loss, dataset))


def zoo_summary(zoo: dict[str, Any], dataset: str) -> dict[str, dict[str, Any]]:
    """Per loss of the saved bench on ``dataset``: seeds, diverged runs, and arrays of modes
    captured and high quality (every run; a diverged run counts 0) and W1 (finished runs),
    and the mean seconds per run."""
    out = {}
    for loss in zoo["losses"]:
        runs = _runs(zoo, loss, dataset)
        done = [r for r in runs if not r["diverged"]]
        out[loss] = {"seeds": len(runs), "diverged": len(runs) - len(done),
                     "modes": np.array([r["modes_captured"] for r in runs]),
                     "hq": np.array([r["high_quality"] for r in runs]),
                     "w1": np.array([r["w1"] for r in done]),
                     "seconds": float(np.mean([r["seconds"] for r in runs]))}
    return out


# -- BEGAN's convergence measure ---------------------------------------------------------------
BLOB = GaussianMixture(means=[[1.0, 1.0]], stds=[0.1])  # one mode, away from G's start at 0
BEGAN_STOPS = (5, 10, 20, 40, 80, 160, 320, 600)  # log-spaced: the generator finds BLOB early


def run_began_convergence(seed: int = 0, *, stops=BEGAN_STOPS, code_dim: int = 1,
                          device: torch.device | str | None = None) -> dict[str, list[float]]:
    """Train BEGAN on :data:`BLOB` and record, at each of ``stops``, the convergence measure
    M = L(x) + |gamma L(x) - L(G(z))| averaged over the steps since the last stop, k_t, and
    the exact W1 between 500 generated and 500 data points.

    Small networks (two hidden layers of 64), gamma 0.5, lambda_k 0.1; the auto-encoder's code
    has ``code_dim`` = 1 dimension, fewer than the data's 2: without a bottleneck it learns the
    identity, reconstructs fakes as well as data, and k_t never leaves 0 (measured: seeds 0 and
    1 with a code of 8 kept k_t = 0 for 1000 steps).
    """
    stops = tuple(int(s) for s in stops)
    if not stops or any(b <= a for a, b in zip(stops, stops[1:])) or stops[0] < 1:
        raise ValueError(f"stops must be increasing positive step counts, got {stops!r}")
    with seeded(seed):
        G = MLPGenerator(2, 2, (64, 64))
        D = AutoEncoderDiscriminator(2, (64, 64), code_dim, power=1)
    config = TrainConfig(steps=stops[-1], seed=seed, loss="began",
                         loss_options={"gamma": 0.5, "lambda_k": 0.1}, progress=False,
                         n_snapshot=500)
    trainer = GANTrainer(G, D, BLOB, config, device=device)
    real = BLOB.sample(500, seed=9).numpy()
    trace = trainer.loss.control.trace
    out: dict[str, list[float]] = {"step": [], "measure": [], "k": [], "w1": []}
    done = 0
    for stop in stops:
        trainer.train(stop - trainer.step)
        out["step"].append(stop)
        out["measure"].append(float(np.mean(trace["measure"][done:])))
        out["k"].append(trace["k"][-1])
        out["w1"].append(w1_point_clouds(trainer.sample(500).numpy(), real))
        done = len(trace["measure"])
    return out
