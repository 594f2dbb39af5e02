"""Lecture 07's experiments on MNIST-5k: named GANs of one budget, and how the judge scores them.

Every variant is the lecture's small DCGAN (:data:`LIVE`) with one thing changed, so that a
table row measures that one thing:

* ``"DCGAN"`` -- Radford et al.'s rules: transposed convolutions with batch norm and ReLU in G,
  tanh at its output; strided convolutions with LeakyReLU(0.2) in D; Adam with beta1 = 0.5;
* ``"MLP"`` -- fully connected G and D of about the same size (no convolutions);
* the rules removed one at a time: ``"no batch norm"``, ``"pooling, not strides"`` (D),
  ``"no tanh"``, ``"ReLU in D"``;
* Salimans et al.'s techniques added one at a time: ``"feature matching"``, ``"minibatch
  discrimination"``, ``"label smoothing"``, ``"historical averaging"``, ``"virtual batch norm"``.

    trainer = make_digit_gan("DCGAN", seed=0, steps=LIVE["steps"], data=load_mnist5k())
    trainer.train()
    judge_samples(trainer.sample(1000), load_judge(), data)   # FID, confidence, class shares

Semi-supervised learning (Salimans et al. 2016, section 5): :func:`make_semi_supervised` trains
the (K+1)-class discriminator of :mod:`gancourse.semi_supervised` on 10 labels per class and the
4000 unlabelled training digits; :func:`train_classifier_alone` trains the same network on the
100 labels only. Longer runs of all of these are ``benchmarks/digit_gans.py``, saved as package
data and read by :func:`load_digit_gans_benchmark`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .dcgan import DCGANDiscriminator, DCGANGenerator
from .evaluation import fid
from .judge import Judge
from .mnist import N_CLASSES, MnistSplit
from .models import ImageMLPDiscriminator, ImageMLPGenerator
from .results import RESULTS_DIR, load_results
from .seeding import seeded
from .semi_supervised import KPlusOneDiscriminator
from .training import GANTrainer, TrainConfig

__all__ = ["LIVE", "SEMI_SUPERVISED", "Variant", "VARIANTS", "RULES", "TECHNIQUES", "make_digit_gan",
           "channels_last", "judge_samples", "labelled_subset", "make_semi_supervised",
           "train_classifier_alone", "classifier_accuracy", "load_digit_generator", "load_digit_gans_benchmark",
           "saved_scores", "compare_saved", "print_saved_table",
           "PRESENT_SHARE"]

# The lecture's live budget, also the saved tables' (benchmarks/digit_gans.py): about 43 s of
# training on one CPU thread, 35 s on two (benchmarks/results/dcgan_step_time.md).
LIVE = {"latent_dim": 32, "base": 16, "batch_size": 64, "lr": 4e-3, "steps": 1000}
# The semi-supervised comparison: labels per class, and steps for both networks.
SEMI_SUPERVISED = {"per_class": 10, "steps": 1000}
PRESENT_SHARE = 0.04  # a class counts as present when >= 4 % of the samples are judged to be it


@dataclass(frozen=True)
class Variant:
    """What one named GAN changes from the lecture's DCGAN."""

    what: str  # one line for tables
    generator: dict[str, Any] = field(default_factory=dict)  # DCGANGenerator options
    discriminator: dict[str, Any] = field(default_factory=dict)  # DCGANDiscriminator options
    config: dict[str, Any] = field(default_factory=dict)  # TrainConfig fields
    mlp: bool = False  # fully connected networks instead
    steps: int | None = None  # its own budget of generator steps (None: LIVE["steps"])


VARIANTS: dict[str, Variant] = {
    "DCGAN": Variant("all of Radford et al.'s rules"),
    # The MLP's learning rate is its best of 4e-3, 1e-3 and 2e-4 on seed 0 (the DCGAN's 4e-3
    # collapses it onto one digit); a step of it is about nine times cheaper than the DCGAN's
    # on one CPU thread, so it also gets nine times the steps: about the DCGAN's seconds.
    "MLP": Variant("fully connected G and D of about the same size", mlp=True,
                   config={"lr_g": 2e-4, "lr_d": 2e-4}),
    "MLP, same seconds": Variant("the MLP with 9x the steps (about the DCGAN's seconds)",
                                 mlp=True, config={"lr_g": 2e-4, "lr_d": 2e-4}, steps=9000),
    "no batch norm": Variant("G without batch norm", generator={"norm": "none"}),
    "pooling, not strides": Variant("D: 3x3 convolutions and max-pooling",
                                    discriminator={"downsample": "pool"}),
    "no tanh": Variant("G's output unbounded", generator={"output": "linear"}),
    "ReLU in D": Variant("D: ReLU, not LeakyReLU(0.2)", discriminator={"activation": "relu"}),
    "feature matching": Variant("G matches D's mean features", config={"feature_matching": True}),
    "minibatch discrimination": Variant("D sees each sample's closeness to its batch",
                                        discriminator={"minibatch": "discrimination"}),
    "label smoothing": Variant("real label 0.9 (one-sided)", config={"real_label": 0.9}),
    "historical averaging": Variant("both players pulled towards their past mean",
                                    config={"historical_averaging": 1e-3}),
    "virtual batch norm": Variant("G normalises with a fixed reference batch",
                                  generator={"norm": "virtual"}),
}
RULES = ["DCGAN", "no batch norm", "pooling, not strides", "no tanh", "ReLU in D", "MLP",
         "MLP, same seconds"]
TECHNIQUES = ["DCGAN", "feature matching", "minibatch discrimination", "label smoothing",
              "historical averaging", "virtual batch norm"]


def _variant(name: str) -> Variant:
    if name not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(map(repr, VARIANTS))}, got {name!r}")
    return VARIANTS[name]


def channels_last(net: nn.Module) -> nn.Module:
    """``net`` with its convolution weights stored channels last (in place; returned).

    The same network and the same numbers up to rounding; oneDNN's CPU convolutions pick
    their kernels by layout, and on the course machine a step of the lecture's DCGAN is a few
    per cent faster so (``benchmarks/results/dcgan_step_time.md`` times both layouts).
    Fully connected layers are left as they are.
    """
    return net.to(memory_format=torch.channels_last)


def _networks(v: Variant) -> tuple[nn.Module, nn.Module]:
    latent, base = LIVE["latent_dim"], LIVE["base"]
    if v.mlp:
        return ImageMLPGenerator(latent, 28, hidden=(72,)), ImageMLPDiscriminator(28, hidden=(16,))
    return (channels_last(DCGANGenerator(latent, 28, base=base, **v.generator)),
            channels_last(DCGANDiscriminator(28, base=base, **v.discriminator)))


def _data(data: MnistSplit | None) -> MnistSplit:
    if data is None:
        from .mnist import load_mnist5k

        return load_mnist5k()
    if not isinstance(data, MnistSplit):
        raise TypeError(f"data must be MNIST-5k's split (load_mnist5k()), got {type(data).__name__}")
    return data


def _config(seed: int, steps: int, overrides: dict[str, Any], **fields) -> TrainConfig:
    lr = LIVE["lr"]
    values = dict(steps=steps, batch_size=LIVE["batch_size"], lr_g=lr, lr_d=lr,
                  betas=(0.5, 0.999), seed=seed, progress=False, n_snapshot=1000)
    values.update(fields)
    values.update(overrides)
    return TrainConfig(**values)


def make_digit_gan(variant: str = "DCGAN", seed: int = 0, *, steps: int | None = None,
                   device: torch.device | str | None = None, data: MnistSplit | None = None,
                   **overrides) -> GANTrainer:
    """A trainer of one named variant on MNIST-5k's 4000 training digits (not yet trained).

    Args:
        variant: a name in :data:`VARIANTS`.
        seed: seeds the networks' initial weights and every draw of the loop.
        steps: generator steps in one ``train()`` call (default: the variant's budget).
        device: where to train (default: :func:`gancourse.device.get_device`).
        data: MNIST-5k's split (loaded if not given).
        overrides: further :class:`TrainConfig` fields (e.g. ``progress=True``).
    """
    v = _variant(variant)
    data = _data(data)
    with seeded(seed):
        G, D = _networks(v)
    steps = steps if steps is not None else (v.steps or LIVE["steps"])
    return GANTrainer(G, D, data.x_train, _config(seed, steps, overrides, **v.config),
                      device=device)


def judge_samples(images, judge: Judge, data: MnistSplit) -> dict[str, Any]:
    """How the judge sees generated digits, against MNIST-5k's 1000 test digits.

    Returns ``fid`` (Frechet distance of the judge's 64 features), ``confidence`` (mean top
    class probability), ``shares`` (the share of samples given each label), ``smallest``
    (the smallest share) and ``classes`` (how many labels have >= :data:`PRESENT_SHARE`).
    Pixels outside [-1, 1] (a generator without tanh makes them) are clipped first, as saving
    the images would.
    """
    x = torch.as_tensor(images, dtype=torch.float32).clamp(-1.0, 1.0)
    probs = judge.probabilities(x)
    shares = np.bincount(probs.argmax(1).numpy(), minlength=N_CLASSES) / len(x)
    return {"fid": fid(judge.features(data.x_test).numpy(), judge.features(x).numpy()),
            "confidence": float(probs.max(1).values.mean()),
            "shares": shares.tolist(), "smallest": float(shares.min()),
            "classes": int((shares >= PRESENT_SHARE).sum())}


def labelled_subset(data: MnistSplit, per_class: int = 10, seed: int = 0
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """``per_class`` labelled training digits of each class, chosen by ``seed``."""
    if isinstance(per_class, bool) or not isinstance(per_class, int) or not \
            1 <= per_class <= 400:
        raise ValueError(f"per_class must be an integer in 1..400, got {per_class!r}")
    gen = np.random.default_rng(seed)
    y = data.y_train.numpy()
    index = np.concatenate([gen.choice(np.flatnonzero(y == k), per_class, replace=False)
                            for k in range(N_CLASSES)])
    return data.x_train[index], data.y_train[index]


def _classifier() -> DCGANDiscriminator:
    return channels_last(DCGANDiscriminator(28, base=LIVE["base"], outputs=N_CLASSES))


def make_semi_supervised(seed: int = 0, *, steps: int = LIVE["steps"], per_class: int = 10,
                         feature_matching: bool = False,
                         device: torch.device | str | None = None,
                         data: MnistSplit | None = None, **overrides) -> GANTrainer:
    """A GAN whose discriminator is a 10-class classifier plus "generated" (K+1 classes).

    D's step adds the cross-entropy on ``per_class`` labels per class (all of them, each step)
    to the GAN loss on the unlabelled training digits. G uses the non-saturating loss, or
    feature matching (Salimans et al.'s choice for this task) with ``feature_matching=True``.
    The classifier is ``trainer.D.classifier``.
    """
    data = _data(data)
    x_lab, y_lab = labelled_subset(data, per_class, seed)
    with seeded(seed):
        G = DCGANGenerator(LIVE["latent_dim"], 28, base=LIVE["base"])
        D = KPlusOneDiscriminator(_classifier())
    trainer = GANTrainer(G, D, data.x_train, _config(seed, steps, overrides,
                                                     feature_matching=feature_matching),
                         device=device)
    x_lab, y_lab = x_lab.to(trainer.device), y_lab.to(trainer.device)
    trainer.d_extra = lambda t: F.cross_entropy(t.D.classify(x_lab), y_lab)
    return trainer


def train_classifier_alone(seed: int = 0, *, steps: int = LIVE["steps"], per_class: int = 10,
                           device: torch.device | str | None = None,
                           data: MnistSplit | None = None) -> nn.Module:
    """The semi-supervised discriminator's network trained on the labels alone (same seed,
    labels, optimiser and number of steps), for comparison."""
    from .device import get_device

    data = _data(data)
    device = torch.device(device) if device is not None else get_device()
    x_lab, y_lab = (t.to(device) for t in labelled_subset(data, per_class, seed))
    with seeded(seed):
        net = _classifier().to(device)
    opt = torch.optim.Adam(net.parameters(), lr=LIVE["lr"], betas=(0.5, 0.999))
    for _ in range(steps):
        loss = F.cross_entropy(net(x_lab), y_lab)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return net.eval()


@torch.no_grad()
def classifier_accuracy(net: nn.Module, data: MnistSplit) -> float:
    """Accuracy of a 10-logit classifier on MNIST-5k's 1000 held-out test digits."""
    was = net.training
    net.eval()
    device = next(net.parameters()).device
    logits = torch.cat([net(x.to(device)).cpu() for x in data.x_test.split(500)])
    net.train(was)
    return float((logits.argmax(1) == data.y_test).float().mean())


def load_digit_generator(path: str | Path | None = None,
                         device: torch.device | str | None = None) -> DCGANGenerator:
    """The lecture's DCGAN generator after the live budget (seed 0), saved as package data by
    ``benchmarks/digit_gans.py --only generator`` (a missing file says so)."""
    path = Path(path) if path is not None else RESULTS_DIR / "dcgan_digits.pt"
    if not path.is_file():
        raise FileNotFoundError(f"no saved generator at {path}: run `.venv/bin/python "
                                "benchmarks/digit_gans.py --only generator` in the course's "
                                "repository to make it")
    G = channels_last(DCGANGenerator(LIVE["latent_dim"], 28, base=LIVE["base"]))
    G.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return G.to(device if device is not None else "cpu").eval()


def saved_scores(benchmark: dict[str, Any], variant: str, key: str = "fid") -> np.ndarray:
    """One score of every saved run (seed) of ``variant`` in a benchmark."""
    values = [r[key] for r in benchmark["runs"] if r["variant"] == variant]
    if not values:
        raise ValueError(f"variant {variant!r} has no saved runs")
    return np.array(values, dtype=float)


def compare_saved(benchmark: dict[str, Any], variant: str, reference: str = "DCGAN",
                  key: str = "fid") -> tuple[float, float, str]:
    """Mean difference of ``variant`` to ``reference`` over seeds, its (Welch) standard error,
    and a verdict for FID-like scores (lower is better): "worse" or "better" beyond two
    standard errors, else "within noise"."""
    a, b = saved_scores(benchmark, variant, key), saved_scores(benchmark, reference, key)
    diff = float(a.mean() - b.mean())
    se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    verdict = "worse" if diff > 2 * se else ("better" if diff < -2 * se else "within noise")
    return diff, se, verdict


def print_saved_table(benchmark: dict[str, Any], names: list[str]) -> None:
    """Mean ± sd over seeds of FID and confidence, classes, parameters and seconds per run."""
    print(f"{'variant':<26}{'judge FID':>16}{'confidence %':>15}{'classes':>9}"
          f"{'params G / D':>17}{'s / run':>9}")
    for name in names:
        f = saved_scores(benchmark, name)
        c = 100 * saved_scores(benchmark, name, "confidence")
        first = next(r for r in benchmark["runs"] if r["variant"] == name)
        print(f"{name:<26}{f.mean():9.1f} ± {f.std(ddof=1):4.1f}{c.mean():9.1f} ± "
              f"{c.std(ddof=1):3.1f}{saved_scores(benchmark, name, 'classes').mean():9.1f}"
              f"{first['parameters_g']:>9,} / {first['parameters_d']:<7,}"
              f"{saved_scores(benchmark, name, 'seconds').mean():7.0f}")
    real = benchmark["real"]
    print(f"{'real training digits':<26}{real['fid']:9.1f}{100 * real['confidence']:15.1f}")


def load_digit_gans_benchmark(path: str | Path | None = None) -> dict[str, Any]:
    """The saved runs of ``benchmarks/digit_gans.py`` (tables, machine, command, seconds)."""
    return load_results("digit_gans", path)
