"""One training loop for every GAN in the course: Algorithm 1 of Goodfellow et al. (2014),
generalised.

Each generator step is preceded by ``k_steps`` discriminator steps on minibatches of
``batch_size`` real and generated samples. The loss pair (with its options), the gradient
penalty, weight clipping, instance noise, one-sided label smoothing, unrolled discriminator
steps, EBGAN's pulling-away term and mismatched conditional pairs are options of
:class:`TrainConfig` -- never copies of the loop; every discriminator step, here and in the
fixed-sample fits below, is :func:`gancourse.discriminator_step.discriminator_step`. Packing and minibatch-std live in the
discriminator itself (:mod:`gancourse.models`).

    trainer = GANTrainer(G, D, Ring(), TrainConfig(steps=2000), device=get_device())
    history = trainer.train()          # a step budget; call again to continue
    x_fake = trainer.sample(1000)

Reproducible: all randomness of the loop comes from generators seeded with ``config.seed``.
Safe: a NaN or infinite loss stops training with :class:`TrainingDiverged` naming the step and
the last finite values; Ctrl-C stops it cleanly, keeping the history and the models; with a
``checkpoint_path`` the state is saved every ``checkpoint_every`` steps and can be resumed.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .device import get_device
from .distributions import Distribution, GaussianMixture
from .discriminator_step import add_instance_noise, discriminator_step
from .improved import HistoricalAverage, feature_matching_loss
from .losses import get_loss, pulling_away

__all__ = ["TrainConfig", "History", "GANTrainer", "TrainingDiverged", "FrameRecorder",
           "fit_discriminator", "accuracy"]


@dataclass
class TrainConfig:
    """Hyper-parameters of one training run; every field has a sensible default."""

    steps: int = 2000  # generator steps in one call of train() (the step budget)
    batch_size: int = 256  # m: real and generated samples per discriminator step
    k_steps: int = 1  # k: discriminator steps per generator step
    loss: str = "nonsaturating"  # a name in gancourse.losses.LOSSES or LOSS_FACTORIES
    loss_options: dict[str, float] = field(default_factory=dict)  # the factory's options
    # (ebgan: margin; began: gamma, lambda_k, k)
    lr_d: float = 1e-3  # discriminator learning rate (Adam)
    lr_g: float = 1e-3  # generator learning rate (Adam)
    betas: tuple[float, float] = (0.5, 0.999)  # Adam's betas, as in DCGAN
    optimizer: str = "adam"  # "adam", or "sgd" (plain gradient steps, as in Algorithm 1)
    fused_optimizer: bool = False  # True: torch's fused optimiser step, one kernel for all
    # parameters -- the same update, rounded differently; on the toys the optimiser's step is
    # about 3x cheaper
    lr_decay_start: float = 1.0  # fraction of `steps` after which both lrs decay linearly ...
    lr_final: float = 0.1  # ... to this fraction of their initial value at the last step
    real_label: float = 1.0  # < 1: one-sided label smoothing (BCE losses)
    gp_weight: float = 0.0  # > 0: add the WGAN-GP gradient penalty with this lambda
    clip_value: float = 0.0  # > 0: WGAN weight clipping to [-c, c] after each D step
    instance_noise: float = 0.0  # std of noise added to every input of D (real and fake, in
    # both players' steps, as Sonderby et al. 2017 do), annealed linearly to 0
    unrolled_steps: int = 0  # > 0: G trains against a copy of D advanced this many steps
    mismatch_weight: float = 0.0  # > 0: conditional D also rejects (real x, wrong label)
    feature_matching: bool = False  # G matches the mean of D.features(x) on real data
    # instead of maximising D's output (Salimans et al. 2016; needs D.features)
    pulling_away: float = 0.0  # > 0: G's loss adds this weight times EBGAN's pulling-away
    # term on D.features(G(z)) (Zhao et al. 2017; needs D.features)
    historical_averaging: float = 0.0  # > 0: each player's loss adds this weight times
    # ||theta - mean of its past thetas||^2 (Salimans et al. 2016)
    eval_every: int = 0  # compute `metrics` every N generator steps (0: never)
    snapshot_steps: tuple[int, ...] = ()  # generator steps at which samples are kept
    n_snapshot: int = 1000  # samples per snapshot and per evaluation (fixed z)
    checkpoint_every: int = 0  # save the trainer every N steps when a path is given
    seed: int = 0  # seeds every random draw of the loop
    progress: bool = True  # show a progress bar (terminal or notebook)

    def __post_init__(self):
        for name in ("steps", "batch_size", "k_steps", "n_snapshot"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.pulling_away < 0:
            raise ValueError(f"pulling_away must be >= 0, got {self.pulling_away}")
        if not isinstance(self.loss_options, dict):
            raise ValueError("loss_options must be a dict of the loss's options, got "
                             f"{type(self.loss_options).__name__}")
        if self.historical_averaging < 0:
            raise ValueError(f"historical_averaging must be >= 0, got {self.historical_averaging}")
        for name in ("lr_d", "lr_g"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        for name in ("gp_weight", "clip_value", "instance_noise", "mismatch_weight",
                     "unrolled_steps", "eval_every", "checkpoint_every"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if not 0 <= self.lr_decay_start <= 1:
            raise ValueError(f"lr_decay_start must be in [0, 1], got {self.lr_decay_start}")
        if not 0 < self.lr_final <= 1:
            raise ValueError(f"lr_final must be in (0, 1], got {self.lr_final}")
        if not 0 < self.real_label <= 1:
            raise ValueError(f"real_label must be in (0, 1], got {self.real_label}")
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer must be 'adam' or 'sgd', got {self.optimizer!r}")
        pair = get_loss(self.loss, **self.loss_options)
        if self.unrolled_steps and pair.control is not None:
            raise ValueError(f"unrolled_steps cannot be used with {self.loss!r}: its state "
                             "(BEGAN's k_t) would also move on the unrolled copy's steps")
        if self.real_label < 1 and not pair.bce:
            raise ValueError(f"real_label (label smoothing) needs a BCE loss, not {self.loss!r}")
        if self.mismatch_weight and not pair.bce:
            raise ValueError(f"mismatch_weight needs a BCE loss, not {self.loss!r}")
        self.snapshot_steps = tuple(int(s) for s in self.snapshot_steps)


@dataclass
class History:
    """What happened during training; plain lists so that it pickles and plots easily."""

    step: list[int] = field(default_factory=list)  # generator step of each record
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    eval_step: list[int] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    snapshots: dict[int, np.ndarray] = field(default_factory=dict)  # step -> (n, dim)
    seconds: float = 0.0  # wall time spent training

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; ``.step`` and ``.last_finite`` tell where and from what."""

    def __init__(self, step: int, which: str, value: float, last_finite: dict[str, float]):
        self.step, self.which, self.value, self.last_finite = step, which, value, last_finite
        last = ", ".join(f"{k}={v:.4g}" for k, v in last_finite.items()) or "none yet"
        super().__init__(f"training diverged at generator step {step}: the {which} loss is "
                         f"{value}; last finite losses: {last}. Try a smaller learning rate, a "
                         "gradient penalty, or check the data for NaN.")


def _as_sampler(data) -> Callable[[int, torch.Generator], tuple[torch.Tensor, Any]]:
    """Turn a Distribution, a tensor, or a (tensor, labels) pair into draw(n, rng) -> (x, y)."""
    if isinstance(data, GaussianMixture):
        return lambda n, rng: data.sample_with_labels(n, rng)
    if isinstance(data, Distribution):
        return lambda n, rng: (data.sample(n, rng), None)
    if isinstance(data, torch.Tensor):
        data = (data, None)
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], torch.Tensor):
        x, y = data
        if y is not None and len(y) != len(x):
            raise ValueError(f"data labels must have one entry per sample: {len(x)} samples, "
                             f"{len(y)} labels")

        def draw(n, rng):
            idx = torch.randint(len(x), (n,), generator=rng)
            return x[idx], (None if y is None else y[idx])
        return draw
    raise ValueError("data must be a gancourse Distribution, a tensor of samples, or a pair "
                     f"(samples, labels); got {type(data).__name__}")


class GANTrainer:
    """Trains a generator ``G`` against a discriminator or critic ``D``; see the module doc.

    Args:
        G: maps z (B, G.latent_dim) [and labels y (B,)] to samples.
        D: maps samples [and labels] to logits or scores (B, 1) (or (B/pack, 1)).
        data: a :class:`~gancourse.distributions.Distribution`, a tensor of samples, or a pair
            (samples, labels). Labels are used when G is conditional (``G.n_classes > 0``).
        config: a :class:`TrainConfig`.
        device: where to train (default: :func:`gancourse.get_device`, i.e. CUDA, then Apple
            MPS, then the CPU, or ``GANCOURSE_DEVICE``).
        metrics: ``fn(samples: np.ndarray) -> dict[str, float]`` evaluated on the fixed-z
            samples every ``config.eval_every`` steps.
        callback: ``fn(trainer)`` called after every generator step; returning True stops.
        d_extra: ``fn(trainer) -> scalar tensor``, a further term of every discriminator step's
            objective (the semi-supervised discriminator's supervised loss, for one).
        checkpoint_path: where to save every ``config.checkpoint_every`` steps.
    """

    def __init__(self, G: nn.Module, D: nn.Module, data, config: TrainConfig | None = None, *,
                 device: torch.device | str | None = None,
                 metrics: Callable[[np.ndarray], dict[str, float]] | None = None,
                 callback: Callable[["GANTrainer"], bool | None] | None = None,
                 checkpoint_path: str | Path | None = None,
                 d_extra: Callable[["GANTrainer"], torch.Tensor] | None = None):
        self.config = config or TrainConfig()
        self.device = torch.device(device) if device is not None else get_device()
        self.G, self.D = G.to(self.device), D.to(self.device)
        self.loss = get_loss(self.config.loss, **self.config.loss_options)  # this run's own
        self.draw = _as_sampler(data)
        self.conditional = getattr(G, "n_classes", 0) > 0
        if self.config.mismatch_weight and not self.conditional:
            raise ValueError("mismatch_weight needs a conditional generator (n_classes > 0)")
        for option in ("feature_matching", "pulling_away"):
            if getattr(self.config, option) and not callable(getattr(D, "features", None)):
                raise ValueError(f"{option} needs a discriminator with a features(x) method, "
                                 f"which {type(D).__name__} lacks")
        c = self.config
        self.d_extra = d_extra
        self.averages = {name: HistoricalAverage(net) for name, net in (("G", G), ("D", D))} \
            if c.historical_averaging > 0 else {}
        self.opt_g = self._optimizer(self.G, c.lr_g)
        self.opt_d = self._optimizer(self.D, c.lr_d)
        self.metrics, self.callback = metrics, callback
        self.checkpoint_path = Path(checkpoint_path) if checkpoint_path else None
        self.history = History()
        self.step = 0
        self.rng = torch.Generator().manual_seed(c.seed)  # data, z and labels (on the CPU)
        self.rng_device = self._device_generator(c.seed + 2)  # gradient-penalty mixing weights
        self._fixed_rng = torch.Generator().manual_seed(c.seed + 1)
        self.fixed_z = torch.randn(c.n_snapshot, G.latent_dim, generator=self._fixed_rng)
        self.fixed_y = (torch.arange(c.n_snapshot) % G.n_classes) if self.conditional else None
        self._last = {}

    def _device_generator(self, seed: int) -> torch.Generator | None:
        if self.device.type == "cpu":
            return torch.Generator().manual_seed(seed)
        try:
            return torch.Generator(device=self.device).manual_seed(seed)
        except RuntimeError:  # a backend without its own generators: torch's global one
            return None

    def _optimizer(self, net: nn.Module, lr: float) -> torch.optim.Optimizer:
        fused = {"fused": True} if self.config.fused_optimizer else {}
        if self.config.optimizer == "sgd":
            return torch.optim.SGD(net.parameters(), lr=lr, **fused)
        return torch.optim.Adam(net.parameters(), lr=lr, betas=self.config.betas, **fused)

    # -- sampling ------------------------------------------------------------------------------
    def _z(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.G.latent_dim, generator=self.rng).to(self.device)

    def _real(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        x, y = self.draw(self.config.batch_size, self.rng)
        x = x.to(self.device)
        if self.conditional:
            if y is None:
                raise ValueError("a conditional generator needs labelled data")
            y = y.to(self.device)
        return x, (y if self.conditional else None)

    def _call(self, net: nn.Module, x: torch.Tensor, y) -> torch.Tensor:
        return net(x, y) if self.conditional else net(x)

    @torch.no_grad()
    def sample(self, n: int | None = None, y: torch.Tensor | None = None,
               z: torch.Tensor | None = None) -> torch.Tensor:
        """Generated samples on the CPU: from ``z`` if given, else the fixed z (first n).

        Asking for more than ``config.n_snapshot`` samples extends the fixed z with further
        draws of the same seeded generator, so ``sample(n)`` always returns exactly n samples
        and the same ones every time.
        """
        was_training = self.G.training
        self.G.eval()
        try:
            if z is None:
                n = n or self.config.n_snapshot
                if n > len(self.fixed_z):
                    extra = torch.randn(n - len(self.fixed_z), self.G.latent_dim,
                                        generator=self._fixed_rng)
                    self.fixed_z = torch.cat([self.fixed_z, extra])
                    if self.conditional:
                        self.fixed_y = torch.arange(n) % self.G.n_classes
                z = self.fixed_z[:n]
            if self.conditional and y is None:
                y = self.fixed_y[: len(z)]
            out = self.G(z.to(self.device), y.to(self.device)) if self.conditional \
                else self.G(z.to(self.device))
        finally:
            self.G.train(was_training)
        return out.cpu()

    # -- one step of each player ------------------------------------------------------------
    def _noise_std(self) -> float:
        c = self.config
        return c.instance_noise * max(0.0, 1.0 - self.step / max(c.steps, 1))

    def _extra(self, player: str, D: nn.Module | None = None):
        """The terms a player's loss adds: historical averaging, and the caller's d_extra."""
        terms = []
        if player in self.averages and (player == "G" or D is self.D):  # not an unrolled copy
            weight = self.config.historical_averaging
            terms.append(lambda: weight * self.averages[player].penalty())
        if player == "D" and self.d_extra is not None:
            terms.append(lambda: self.d_extra(self))
        if not terms:
            return None
        return lambda: sum(term() for term in terms)

    def _d_step(self, D: nn.Module, opt: torch.optim.Optimizer) -> float:
        c = self.config
        x_real, y = self._real()
        with torch.no_grad():
            x_fake = self._call(self.G, self._z(len(x_real)), y)  # no graph into G
        result = discriminator_step(
            D, opt, x_real, x_fake, loss=self.loss, y=y, real_label=c.real_label,
            instance_noise=self._noise_std(), gp_weight=c.gp_weight, clip_value=c.clip_value,
            mismatch_weight=c.mismatch_weight, n_classes=getattr(self.G, "n_classes", 0),
            generator=self.rng, gp_generator=self.rng_device, extra=self._extra("D", D))
        return result.total.item()

    def _g_step(self) -> float:
        c = self.config
        D = self.D
        if c.unrolled_steps > 0:
            # First-order unrolling (Metz et al. 2017, without the second-order term): G
            # answers a copy of D that has already reacted to the current G.
            D = copy.deepcopy(self.D)
            opt = self._optimizer(D, self.opt_d.param_groups[0]["lr"])
            # A deep copy: load_state_dict keeps the very tensors of Adam's moments, so the
            # copy's steps would otherwise advance the real D's optimiser state in place.
            opt.load_state_dict(copy.deepcopy(self.opt_d.state_dict()))
            for _ in range(c.unrolled_steps):
                self._d_step(D, opt)
        # D's parameters need no gradient in G's step (D's next step starts from zero): the
        # backward pass then skips their weight gradients, and nothing else changes.
        trainable = [p for p in D.parameters() if p.requires_grad]
        for p in trainable:
            p.requires_grad_(False)
        try:
            loss = self._g_loss(D)
            self.opt_g.zero_grad(set_to_none=True)
            loss.backward()
        finally:
            for p in trainable:
                p.requires_grad_(True)
        self.opt_g.step()
        return loss.item()

    def _g_loss(self, D: nn.Module) -> torch.Tensor:
        c = self.config
        y = self._real()[1] if self.conditional else None
        x_fake = self._call(self.G, self._z(c.batch_size if y is None else len(y)), y)
        # D judges noisy samples in G's step too: the same blurred game on both sides
        x_fake = add_instance_noise(x_fake, self._noise_std(), self.rng)
        if c.feature_matching:  # match D's mean features on a real batch (D is not trained)
            x_real, y_real = self._real()
            with torch.no_grad():
                f_real = D.features(x_real) if y is None else D.features(x_real, y_real)
            f_fake = D.features(x_fake) if y is None else D.features(x_fake, y)
            loss = feature_matching_loss(f_real, f_fake)
        else:
            loss = self.loss.g_loss(self._call(D, x_fake, y))
        if c.pulling_away > 0:  # EBGAN: push the codes of one batch's fakes apart
            codes = D.features(x_fake) if y is None else D.features(x_fake, y)
            loss = loss + c.pulling_away * pulling_away(codes)
        extra = self._extra("G")
        if extra is not None:
            loss = loss + extra()
        return loss

    def lr_factor(self, step: int | None = None) -> float:
        """Learning-rate multiplier at a generator step: 1, then linear to ``lr_final``."""
        c = self.config
        step = self.step if step is None else step
        start = c.lr_decay_start * c.steps
        if c.lr_decay_start >= 1 or step <= start:
            return 1.0
        progress = min((step - start) / max(c.steps - start, 1), 1.0)
        return 1.0 - (1.0 - c.lr_final) * progress

    def _set_lr(self) -> None:
        factor = self.lr_factor()
        for opt, base in ((self.opt_g, self.config.lr_g), (self.opt_d, self.config.lr_d)):
            for group in opt.param_groups:
                group["lr"] = base * factor

    # -- the loop ------------------------------------------------------------------------------
    def discriminator_step(self) -> float:
        """One step of D against the current G (one of Algorithm 1's k); returns its loss.

        :meth:`train` is ``k_steps`` of these and one :meth:`generator_step` per iteration; the
        live lab calls them one at a time. Raises :class:`TrainingDiverged` on a NaN loss.
        """
        self._set_lr()
        d_loss = self._d_step(self.D, self.opt_d)
        self._check_finite("discriminator", d_loss)
        self._last["d_loss"] = d_loss
        return d_loss

    def generator_step(self) -> float:
        """One step of G; the generator step counter and the history advance (the history's
        D loss is the last discriminator step's). Returns G's loss."""
        self._set_lr()
        g_loss = self._g_step()
        self._check_finite("generator", g_loss)
        self.step += 1
        d_loss = self._last.get("d_loss", float("nan"))
        self._last = {"d_loss": d_loss, "g_loss": g_loss}
        self.history.step.append(self.step)
        self.history.d_loss.append(d_loss)
        self.history.g_loss.append(g_loss)
        self._maybe_record()
        return g_loss

    @property
    def last_losses(self) -> dict[str, float]:
        """The latest losses: ``d_loss`` of the last discriminator step, ``g_loss`` of the last
        generator step (absent before the first)."""
        return dict(self._last)

    def train(self, steps: int | None = None) -> History:
        """Run ``steps`` (default ``config.steps``) more generator steps; return the history."""
        from tqdm.auto import tqdm

        c = self.config
        steps = c.steps if steps is None else steps
        end = self.step + steps
        bar = tqdm(total=steps, disable=not c.progress, desc="training", leave=False)
        start = time.perf_counter()
        try:
            self._maybe_record()
            while self.step < end:
                for _ in range(c.k_steps):
                    d_loss = self.discriminator_step()
                g_loss = self.generator_step()
                if c.checkpoint_every and self.checkpoint_path and \
                        self.step % c.checkpoint_every == 0:
                    self.save(self.checkpoint_path)
                bar.update(1)
                if self.step % 50 == 0:
                    bar.set_postfix(d=f"{d_loss:.3f}", g=f"{g_loss:.3f}", refresh=False)
                if self.callback is not None and self.callback(self):
                    break
        except KeyboardInterrupt:
            print(f"Interrupted at generator step {self.step}: the models and the history "
                  "are kept; call train() again to continue.")
        finally:
            bar.close()
            self.history.seconds += time.perf_counter() - start
        return self.history

    def train_discriminator(self, steps: int) -> list[float]:
        """Only discriminator steps, against the current (fixed) generator; returns the losses.

        Used to show that a trained D approaches the optimal D* for a fixed P_G. The generator
        step counter does not move; the losses are not added to the history.
        """
        losses = []
        try:
            for _ in range(steps):
                losses.append(self.discriminator_step())
        except KeyboardInterrupt:
            print(f"Interrupted after {len(losses)} discriminator steps; the model is kept.")
        return losses

    def _check_finite(self, which: str, value: float) -> None:
        if not np.isfinite(value):
            raise TrainingDiverged(self.step + 1, which, value, dict(self._last))

    def _maybe_record(self) -> None:
        c, h = self.config, self.history
        want_eval = self.metrics is not None and c.eval_every and self.step % c.eval_every == 0
        want_snap = self.step in c.snapshot_steps and self.step not in h.snapshots
        if not (want_eval or want_snap):
            return
        samples = self.sample().numpy()
        if want_snap:
            h.snapshots[self.step] = samples
        if want_eval and (not h.eval_step or h.eval_step[-1] != self.step):
            h.eval_step.append(self.step)
            for name, value in self.metrics(samples).items():
                h.metrics.setdefault(name, []).append(float(value))

    # -- checkpoints ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {"G": self.G.state_dict(), "D": self.D.state_dict(),
                "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                "step": self.step, "history": self.history.as_dict(),
                "rng": self.rng.get_state(), "config": asdict(self.config), "last": self._last,
                "rng_device": None if self.rng_device is None else self.rng_device.get_state(),
                "averages": {name: (a.average, a.count) for name, a in self.averages.items()},
                "loss_control": None if self.loss.control is None else asdict(self.loss.control)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.G.load_state_dict(state["G"])
        self.D.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step = state["step"]
        self.history = History(**state["history"])
        self.rng.set_state(state["rng"])
        if self.rng_device is not None and state.get("rng_device") is not None:
            self.rng_device.set_state(state["rng_device"])
        self._last = state.get("last", {})
        if self.loss.control is not None and state.get("loss_control") is not None:
            for name, value in state["loss_control"].items():
                setattr(self.loss.control, name, copy.deepcopy(value))
        for name, (average, count) in state.get("averages", {}).items():
            if name in self.averages:
                self.averages[name].average = [a.to(self.device) for a in average]
                self.averages[name].count = count

    def save(self, path: str | Path) -> Path:
        """Save everything needed to resume, atomically (a crash never leaves half a file)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        torch.save(self.state_dict(), tmp)
        os.replace(tmp, path)
        return path

    def load(self, path: str | Path) -> "GANTrainer":
        """Restore a state saved by :meth:`save` into this trainer (same models and config)."""
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"path must be a checkpoint file written by save(), got {path}")
        self.load_state_dict(torch.load(path, map_location=self.device, weights_only=False))
        return self


class FrameRecorder:
    """A callback that keeps 1-D "frames" of the game at chosen generator steps.

    Each frame is a dict with the step, D(x) on the grid ``x`` and, when the generator has a
    ``density`` method (:class:`~gancourse.models.AffineGenerator`), p_g on the grid -- what
    Figure 1 of Goodfellow et al. (2014) draws. Use as ``GANTrainer(..., callback=recorder)``;
    call ``recorder.record(trainer)`` once before training for the frame at step 0.

    Given ``p_data`` (the data density on ``x``) and a generator with a density, it also
    appends JS(P_data || P_G), by quadrature on ``x``, to ``recorder.js`` after every step.
    """

    def __init__(self, x, steps, p_data=None):
        self.x = np.asarray(x, dtype=float)
        self.steps = set(int(s) for s in steps)
        self.frames: list[dict[str, Any]] = []
        self.p_data = None if p_data is None else np.asarray(p_data, dtype=float)
        if self.p_data is not None and self.p_data.shape != self.x.shape:
            raise ValueError(f"p_data must give the density at each point of x, shape "
                             f"{self.x.shape}, got {self.p_data.shape}")
        self.js: list[float] = []

    def record(self, trainer: GANTrainer) -> None:
        from .models import probability_on_grid

        frame = {"step": trainer.step, "d": probability_on_grid(trainer.D, self.x)}
        if hasattr(trainer.G, "density"):
            frame["p_g"] = trainer.G.density(self.x)
        self.frames.append(frame)

    def __call__(self, trainer: GANTrainer) -> None:
        if trainer.step in self.steps:
            self.record(trainer)
        if self.p_data is not None and hasattr(trainer.G, "density"):
            from .divergences import js_on_grid

            self.js.append(js_on_grid(self.p_data, trainer.G.density(self.x), self.x))


def fit_discriminator(D: nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor, *,
                      steps: int = 500, lr: float = 1e-3, batch_size: int | None = None,
                      seed: int = 0, loss: str = "nonsaturating", gp_weight: float = 0.0,
                      clip_value: float = 0.0, betas: tuple[float, float] = (0.5, 0.999)
                      ) -> list[float]:
    """Train ``D`` (a discriminator or critic) on two *fixed* sets of samples.

    The inner problem of every GAN, without a generator. Lecture 03 uses it to show that a
    network separates any two finite samples; lecture 05 to compare critics (``loss="wgan"``
    with a gradient penalty, weight clipping, or neither) estimating W1.

    Args:
        D: maps (B, ...) to logits or scores (B, 1).
        x_real, x_fake: tensors of shape (n, ...) and (n', ...).
        steps: Adam steps.
        lr: learning rate.
        batch_size: minibatch size per set (None: the whole sets every step).
        seed: seeds the minibatch draws and the penalty's interpolation weights.
        loss: a name in :data:`gancourse.losses.LOSSES`; its discriminator loss is minimised.
        gp_weight: > 0 adds the gradient penalty.
        clip_value: > 0 clips D's weights to [-c, c] after each step.
        betas: Adam's betas.

    Returns:
        The loss at every step (without the penalty).
    """
    rng = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(D.parameters(), lr=lr, betas=betas)
    losses = []
    for _ in range(steps):
        if batch_size is None:
            real, fake = x_real, x_fake
        else:
            real = x_real[torch.randint(len(x_real), (batch_size,), generator=rng)]
            fake = x_fake[torch.randint(len(x_fake), (batch_size,), generator=rng)]
        result = discriminator_step(D, opt, real, fake, loss=loss, gp_weight=gp_weight,
                                    clip_value=clip_value, gp_generator=rng)
        losses.append(result.loss)
    return losses


@torch.no_grad()
def accuracy(D: nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor) -> float:
    """Share of samples D classifies correctly (logit > 0 means "real")."""
    hits = (D(x_real) > 0).sum() + (D(x_fake) <= 0).sum()
    return float(hits) / (len(x_real) + len(x_fake))
