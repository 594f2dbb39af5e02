"""Many seeds as one model: S independent runs of the same toy GAN, trained as one network.

A GAN's outcome depends on its seed, so a claim about a method is a claim over seeds. On a CPU,
a step of a toy MLP GAN is mostly fixed costs (operator dispatch, Python, the optimiser's
loop over tensors), not arithmetic. Stacking the weights of S runs along a leading axis turns
the S runs' small matrix products into one batched product (``torch.baddbmm``) and their S
optimiser steps into one, so S runs cost little more than one (``benchmarks/seed_batch.py``).

The stacked runs stay independent and exact:

* no operation mixes runs: each layer multiplies run s's activations by run s's weights, and
  minibatch-std and packing act within a run;
* the batched loss is the *sum* of the runs' losses (S times the mean over all samples), so
  run s's parameters receive exactly the gradient of run s's own loss, and Adam acts element
  by element;
* run s draws its data, z, penalty weights and fixed snapshot z from generators seeded as
  :class:`~gancourse.training.GANTrainer` seeds them for ``seed = seeds[s]``.

So run s of a batch is the single run of seed ``seeds[s]`` up to float rounding (a batched
matrix product may round differently), and changing one run's seed does not move another
(``tests/test_seedbatch.py``). A GAN's trajectory is chaotic, so after thousands of steps a
rounding difference gives another end point of the *same* distribution over seeds.

    trainer = SeedBatchTrainer(generators, discriminators, Ring(), config, seeds=range(5))
    trainer.train()
    samples = trainer.sample(2500)     # (S, 2500, 2): run s's fixed-z samples
    G_s, D_s = trainer.run(s)          # run s as ordinary single networks
    single = trainer.single(s)         # ... or as a GANTrainer, to sample and inspect

Supported: unconditional :class:`~gancourse.models.MLPGenerator` and
:class:`~gancourse.models.MLPDiscriminator` (with packing and minibatch-std, without spectral
normalisation), every loss pair without a state, the gradient penalty, weight clipping, label
smoothing, k discriminator steps, unrolling, the learning-rate schedule, Adam or SGD. All runs
share one :class:`~gancourse.training.TrainConfig`; only the seed differs.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import torch
from torch import nn

from .discriminator_step import discriminator_step
from .losses import LossPair
from .models import MLPDiscriminator, MLPGenerator
from .training import GANTrainer, History, TrainConfig

__all__ = ["StackedLinear", "StackedMLP", "StackedGenerator", "StackedDiscriminator",
           "SeedBatchTrainer"]


class StackedLinear(nn.Module):
    """S independent ``nn.Linear`` layers: (S, B, in) -> (S, B, out), run s by layer s."""

    def __init__(self, layers: Sequence[nn.Linear]):
        super().__init__()
        # (S, out, in) and (S, 1, out): layer s's own weight and bias, copied
        self.weight = nn.Parameter(torch.stack([lin.weight.detach() for lin in layers]).clone())
        self.bias = nn.Parameter(torch.stack([lin.bias.detach() for lin in layers])[:, None, :]
                                 .clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight.transpose(1, 2))

    def unstack(self, s: int, layer: nn.Linear) -> None:
        """Copy run s's weights into the single ``layer``."""
        with torch.no_grad():
            layer.weight.copy_(self.weight[s])
            layer.bias.copy_(self.bias[s, 0])


class StackedMLP(nn.Module):
    """S copies of one ``nn.Sequential`` of linear layers and parameter-free activations."""

    def __init__(self, nets: Sequence[nn.Sequential]):
        super().__init__()
        layers = []
        for parts in zip(*nets):
            first = parts[0]
            if isinstance(first, nn.Linear):
                layers.append(StackedLinear(parts))
            elif any(True for _ in first.parameters()) or hasattr(first, "parametrizations"):
                raise ValueError(f"cannot stack a {type(first).__name__} layer: only linear "
                                 "layers and parameter-free activations are stacked")
            else:
                layers.append(first)  # an activation acts element by element: shared
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (S, B, in) -> (S, B, out)
        return self.layers(x)

    def unstack(self, s: int, net: nn.Sequential) -> None:
        for stacked, layer in zip(self.layers, net):
            if isinstance(stacked, StackedLinear):
                stacked.unstack(s, layer)


def _check_stackable(nets: Sequence[nn.Module], kind: type, name: str) -> int:
    nets = list(nets)
    if not nets:
        raise ValueError(f"{name} must hold at least one network, got none")
    for net in nets:
        if type(net) is not kind:
            raise ValueError(f"{name} must hold {kind.__name__}s, got {type(net).__name__}")
        if net.n_classes:
            raise ValueError(f"{name}: conditional networks cannot be stacked (n_classes="
                             f"{net.n_classes})")
    shapes = {tuple((n, tuple(p.shape)) for n, p in net.named_parameters()) for net in nets}
    if len(shapes) > 1:
        raise ValueError(f"{name} must hold networks of one architecture (the same layers and "
                         "widths); their parameter shapes differ")
    return len(nets)


def _runs_view(x: torch.Tensor, runs: int, width: int, name: str) -> torch.Tensor:
    """(S*B, width) -> (S, B, width), checking the shape."""
    if x.dim() != 2 or x.shape[1] != width or x.shape[0] % runs:
        raise ValueError(f"{name} must have shape (S*B, {width}) with S={runs} runs stacked "
                         f"run after run, got {tuple(x.shape)}")
    return x.reshape(runs, -1, width)


class StackedGenerator(nn.Module):
    """S :class:`~gancourse.models.MLPGenerator` of one architecture as one network.

    ``forward(z)`` takes z of shape (S*B, latent_dim), run after run (rows s*B to (s+1)*B-1 are
    run s's), and returns samples (S*B, out_dim) in the same order.
    """

    n_classes = 0

    def __init__(self, generators: Sequence[MLPGenerator]):
        super().__init__()
        self.runs = _check_stackable(generators, MLPGenerator, "generators")
        self.latent_dim, self.out_dim = generators[0].latent_dim, generators[0].out_dim
        self.net = StackedMLP([g.net for g in generators])
        self._template = copy.deepcopy(generators[0])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = _runs_view(z, self.runs, self.latent_dim, "z")
        return self.net(z).reshape(-1, self.out_dim)

    def unstack(self, s: int) -> MLPGenerator:
        """Run s as an ordinary :class:`~gancourse.models.MLPGenerator` (a copy)."""
        G = copy.deepcopy(self._template).to(self.net.layers[0].weight.device)
        self.net.unstack(s, G.net)
        return G


class StackedDiscriminator(nn.Module):
    """S :class:`~gancourse.models.MLPDiscriminator` of one architecture as one network.

    ``forward(x)`` takes x of shape (S*B, in_dim), run after run, and returns (S*B/pack, 1):
    packs and the minibatch standard deviation are formed within each run's B samples.
    """

    n_classes = 0

    def __init__(self, discriminators: Sequence[MLPDiscriminator]):
        super().__init__()
        self.runs = _check_stackable(discriminators, MLPDiscriminator, "discriminators")
        first = discriminators[0]
        self.in_dim, self.pack = first.in_dim, first.pack
        self.minibatch_std = first.mbstd is not None
        self.body = StackedMLP([d.body for d in discriminators])
        self.head = StackedLinear([d.head for d in discriminators])
        self._template = copy.deepcopy(first)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _runs_view(x, self.runs, self.in_dim, "x")
        if x.shape[1] % self.pack:
            raise ValueError(f"each run's batch ({x.shape[1]}) must be a multiple of "
                             f"pack={self.pack}")
        h = self.body(x.reshape(self.runs, x.shape[1] // self.pack, -1))
        if self.minibatch_std:  # MinibatchStd.statistic, per run
            stat = torch.sqrt(h.var(dim=1, unbiased=False) + 1e-8).mean(dim=1)  # (S,)
            h = torch.cat([h, stat[:, None, None].expand(-1, h.shape[1], 1)], dim=2)
        return self.head(h).reshape(-1, 1)

    def unstack(self, s: int) -> MLPDiscriminator:
        """Run s as an ordinary :class:`~gancourse.models.MLPDiscriminator` (a copy)."""
        D = copy.deepcopy(self._template).to(self.head.weight.device)
        self.body.unstack(s, D.body)
        self.head.unstack(s, D.head)
        return D


def _summed(pair: LossPair, runs: int) -> LossPair:
    """The pair whose losses are the sum over runs of each run's mean loss."""

    def d_loss(out_real, out_fake, **options):
        return runs * pair.d_loss(out_real, out_fake, **options)

    return LossPair(pair.name, d_loss, lambda out_fake: runs * pair.g_loss(out_fake), pair.bce)


_UNSUPPORTED = ("instance_noise", "mismatch_weight", "feature_matching", "pulling_away",
                "historical_averaging")


class SeedBatchTrainer(GANTrainer):
    """Trains S runs of one toy GAN, one per seed, as one batched model (see the module doc).

    Args:
        generators, discriminators: the S runs' initial networks (built for each seed as a
            single run builds them); they are copied, not trained in place.
        data: a :class:`~gancourse.distributions.Distribution` (or a tensor of samples).
        config: the runs' shared :class:`~gancourse.training.TrainConfig`; its ``seed`` is
            ignored: run s uses ``seeds[s]``.
        seeds: one seed per run.
        device: where to train (default: :func:`gancourse.get_device`).

    The history's losses are the mean over runs; snapshots and :meth:`sample` have a leading
    run axis, (S, n, dim), and so do the samples a ``metrics`` function receives.
    """

    def __init__(self, generators: Sequence[MLPGenerator],
                 discriminators: Sequence[MLPDiscriminator], data, config: TrainConfig,
                 seeds: Sequence[int], *, device: torch.device | str | None = None, **options):
        seeds = [int(s) for s in seeds]
        if len(seeds) != len(generators) or len(seeds) != len(discriminators):
            raise ValueError(f"seeds, generators and discriminators must have one entry per run, "
                             f"got {len(seeds)}, {len(generators)} and {len(discriminators)}")
        used = [name for name in _UNSUPPORTED if getattr(config, name)]
        if used:
            raise ValueError(f"SeedBatchTrainer does not support {', '.join(used)}; train "
                             "these runs one by one with GANTrainer")
        if options.get("d_extra") is not None:
            raise ValueError("SeedBatchTrainer does not support d_extra; use GANTrainer")
        super().__init__(StackedGenerator(generators), StackedDiscriminator(discriminators),
                         data, replace(config, seed=seeds[0]), device=device, **options)
        if self.loss.control is not None:
            raise ValueError(f"loss {config.loss!r} carries a state between steps shared by "
                             "all runs; train it with GANTrainer")
        self.data = data
        self.seeds = tuple(seeds)
        self.runs = len(seeds)
        self.loss = _summed(self.loss, self.runs)
        self.rngs = [torch.Generator().manual_seed(s) for s in seeds]
        self.rngs_device = [self._device_generator(s + 2) for s in seeds]
        self._fixed_rngs = [torch.Generator().manual_seed(s + 1) for s in seeds]
        self.fixed_z = torch.stack([torch.randn(config.n_snapshot, self.G.latent_dim,
                                                generator=g) for g in self._fixed_rngs])

    # -- every run draws from its own generators ---------------------------------------------
    def _z(self, n: int) -> torch.Tensor:
        """n latent vectors per run, (S*n, latent_dim), run after run."""
        return torch.cat([torch.randn(n, self.G.latent_dim, generator=g)
                          for g in self.rngs]).to(self.device)

    def _real(self) -> tuple[torch.Tensor, None]:
        n = self.config.batch_size
        return torch.cat([self.draw(n, g)[0] for g in self.rngs]).to(self.device), None

    def _gp_eps(self, like: torch.Tensor) -> torch.Tensor:
        n = len(like) // self.runs
        return torch.cat([torch.rand((n, 1), device=like.device, dtype=like.dtype, generator=g)
                          for g in self.rngs_device])

    def _d_step(self, D: nn.Module, opt: torch.optim.Optimizer) -> float:
        c = self.config
        x_real, _ = self._real()
        with torch.no_grad():
            x_fake = self.G(self._z(c.batch_size))  # no graph into G
        result = discriminator_step(
            D, opt, x_real, x_fake, loss=self.loss, real_label=c.real_label,
            gp_weight=c.gp_weight * self.runs, clip_value=c.clip_value,
            gp_eps=self._gp_eps(x_real) if c.gp_weight > 0 else None)
        return result.total.item() / self.runs

    def _g_step(self) -> float:
        return super()._g_step() / self.runs  # the base step draws through _z, per run

    # -- results ------------------------------------------------------------------------------
    @torch.no_grad()
    def sample(self, n: int | None = None, y=None, z: torch.Tensor | None = None
               ) -> torch.Tensor:
        """Generated samples on the CPU, (S, n, dim): run s's from its fixed z (first n), or
        from ``z`` of shape (S, n, latent_dim)."""
        if y is not None:
            raise ValueError("y: the stacked runs are unconditional")
        if z is None:
            n = n or self.config.n_snapshot
            have = self.fixed_z.shape[1]
            if n > have:
                extra = [torch.randn(n - have, self.G.latent_dim, generator=g)
                         for g in self._fixed_rngs]
                self.fixed_z = torch.cat([self.fixed_z, torch.stack(extra)], dim=1)
            z = self.fixed_z[:, :n]
        if z.dim() != 3 or z.shape[0] != self.runs or z.shape[2] != self.G.latent_dim:
            raise ValueError(f"z must have shape ({self.runs}, n, {self.G.latent_dim}), got "
                             f"{tuple(z.shape)}")
        out = self.G(z.reshape(-1, z.shape[2]).to(self.device))
        return out.reshape(self.runs, z.shape[1], -1).cpu()

    def run(self, s: int) -> tuple[MLPGenerator, MLPDiscriminator]:
        """Run s's current generator and discriminator as ordinary single networks (copies)."""
        if not 0 <= s < self.runs:
            raise ValueError(f"s must be a run index in [0, {self.runs}), got {s}")
        return self.G.unstack(s), self.D.unstack(s)

    def single(self, s: int) -> GANTrainer:
        """Run s as an ordinary :class:`~gancourse.training.GANTrainer`, to sample and inspect.

        It holds copies of run s's current networks, the config with run s's seed, the step
        count, run s's fixed z (so ``single(s).sample(n)`` is ``sample(n)[s]``) and run s's
        snapshots. Its optimisers and random streams start afresh: training it further is not
        run s continued.
        """
        G, D = self.run(s)
        trainer = GANTrainer(G, D, self.data, replace(self.config, seed=self.seeds[s]),
                             device=self.device)
        trainer.fixed_z = self.fixed_z[s].clone()
        trainer.step = self.step
        trainer.history = History(
            snapshots={step: x[s] for step, x in self.history.snapshots.items()},
            seconds=self.history.seconds / self.runs)
        return trainer

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["rngs"] = [g.get_state() for g in self.rngs]
        state["rngs_device"] = [None if g is None else g.get_state() for g in self.rngs_device]
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        for g, saved in zip(self.rngs, state["rngs"]):
            g.set_state(saved)
        for g, saved in zip(self.rngs_device, state["rngs_device"]):
            if g is not None and saved is not None:
                g.set_state(saved)
