"""The one discriminator (or critic) step of the course.

Every GAN trains its discriminator the same way: score real and generated samples, compute
the loss of a :class:`~gancourse.losses.LossPair`, add the options, take an optimiser step.
This module is the only place that does it -- :class:`~gancourse.training.GANTrainer`, the
fixed-sample fits of lectures 03 and 05 (:func:`~gancourse.training.fit_discriminator`) and
pix2pix (:mod:`gancourse.pix2pix`) all call :func:`discriminator_step`, so a new loss or
penalty is one new argument here, never a new loop.

The options, and where they come from:

* ``real_label < 1`` -- one-sided label smoothing (Salimans et al. 2016), BCE losses only;
* ``instance_noise > 0`` -- noise of this std on both real and generated inputs (Sønderby et
  al. 2017; Arjovsky & Bottou 2017); the generator's step adds the same with
  :func:`add_instance_noise`;
* ``gp_weight > 0`` -- the WGAN-GP gradient penalty (Gulrajani et al. 2017);
* ``clip_value > 0`` -- WGAN's weight clipping after the step (Arjovsky et al. 2017);
* ``extra`` -- any further term of D's objective, a function of no arguments returning a
  scalar tensor: historical averaging's penalty, or the supervised loss of a semi-supervised
  discriminator (:mod:`gancourse.improved`, :mod:`gancourse.semi_supervised`);
* ``y`` -- a condition (class labels, or a whole input image for pix2pix): D is called as
  ``D(x, y)``; with ``mismatch_weight > 0`` and class labels, D also learns to reject a real x
  shown with a wrong label (Reed et al. 2016's matching-aware discriminator).

    result = discriminator_step(D, opt_d, x_real, x_fake.detach(), loss="wgan", gp_weight=10)
    result.total.item(), result.loss, result.penalty  # what was minimised, and its parts
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .losses import LOSS_FACTORIES, LossPair, clip_weights, get_loss, gradient_penalty

__all__ = ["DiscriminatorLoss", "discriminator_loss", "discriminator_step",
           "add_instance_noise"]


@dataclass(frozen=True)
class DiscriminatorLoss:
    """One discriminator step's objective and its parts.

    ``total`` is the tensor minimised (with its graph); the parts are kept as detached tensors
    and read as floats, so that a training step waits for the device only once, when the loop
    reads ``total``.
    """

    total: torch.Tensor  # loss + penalty + mismatch + extra: what the step minimises
    parts: dict[str, torch.Tensor]  # "loss", and "penalty" / "mismatch" / "extra" if present

    def _part(self, name: str) -> float:
        return float(self.parts[name]) if name in self.parts else 0.0

    @property
    def loss(self) -> float:
        """The loss pair's discriminator loss alone."""
        return self._part("loss")

    @property
    def penalty(self) -> float:
        """The gradient penalty, weight included (0 without one)."""
        return self._part("penalty")

    @property
    def mismatch(self) -> float:
        """The mismatched-pairs term, weight included (0 without one)."""
        return self._part("mismatch")

    @property
    def extra(self) -> float:
        """The caller's extra term (0 without one)."""
        return self._part("extra")


def add_instance_noise(x: torch.Tensor, std: float,
                       generator: torch.Generator | None = None) -> torch.Tensor:
    """``x`` plus N(0, std^2) noise drawn on the CPU by ``generator`` (``x`` itself if std = 0).

    Drawing on the CPU keeps a seeded run the same on every device.
    """
    if std == 0:
        return x
    if not std > 0:
        raise ValueError(f"std (instance noise) must be >= 0, got {std!r}")
    return x + std * torch.randn(x.shape, generator=generator).to(x)


def _score(D: nn.Module, x: torch.Tensor, y) -> torch.Tensor:
    return D(x) if y is None else D(x, y)


def discriminator_loss(D: nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor, *,
                       loss: str | LossPair = "nonsaturating", y: torch.Tensor | None = None,
                       real_label: float = 1.0, instance_noise: float = 0.0,
                       gp_weight: float = 0.0, mismatch_weight: float = 0.0,
                       n_classes: int = 0, generator: torch.Generator | None = None,
                       gp_generator: torch.Generator | None = None,
                       gp_eps: torch.Tensor | None = None,
                       extra: Callable[[], torch.Tensor] | None = None) -> DiscriminatorLoss:
    """The discriminator's objective on one minibatch, as a pure function of its inputs.

    Args:
        D: maps x (B, ...) [and the condition y] to logits or critic scores (B, 1) or (B,).
        x_real, x_fake: (B, ...) real and generated samples; pass ``x_fake`` detached (or made
            under ``torch.no_grad``) so that no gradient reaches the generator.
        loss: a name in :data:`gancourse.losses.LOSSES`, or a :class:`LossPair`.
        y: the condition shared by the real and generated samples (None: unconditional).
        real_label: the target for real samples, < 1 for one-sided label smoothing (BCE only).
        instance_noise: the std of the noise added to both inputs at this step (drawn real
            first, then fake; the trainer anneals TrainConfig.instance_noise to 0).
        gp_weight: lambda of the gradient penalty (0: none).
        mismatch_weight: weight of "real x with a wrong label is fake" (needs class labels y
            and ``n_classes``; 0: none).
        generator: draws the instance noise and the wrong labels (CPU).
        gp_generator: draws the penalty's interpolation weights (on x_real's device).
        gp_eps: the interpolation weights themselves, (B, 1), instead of drawing them.
        extra: called once; the scalar tensor it returns is added to the objective.

    Returns:
        A :class:`DiscriminatorLoss`.
    """
    if isinstance(loss, str) and loss in LOSS_FACTORIES:
        raise ValueError(f"loss {loss!r} has options (and BEGAN a state kept between steps): "
                         f"pass the pair itself, loss=get_loss({loss!r}, ...)")
    pair = get_loss(loss) if isinstance(loss, str) else loss
    if real_label != 1.0 and not pair.bce:
        raise ValueError(f"real_label (label smoothing) needs a BCE loss, not {pair.name!r}")
    if mismatch_weight and (y is None or n_classes < 2 or not pair.bce):
        raise ValueError("mismatch_weight needs class labels y, n_classes >= 2 and a BCE loss; "
                         f"got y={'None' if y is None else 'labels'}, n_classes={n_classes}, "
                         f"loss={pair.name!r}")
    x_real = add_instance_noise(x_real, instance_noise, generator)
    x_fake = add_instance_noise(x_fake, instance_noise, generator)
    out_real, out_fake = _score(D, x_real, y), _score(D, x_fake, y)
    if not pair.bce:
        value = pair.d_loss(out_real, out_fake)
    else:
        value = pair.d_loss(out_real, out_fake, real_label=real_label)
    total, parts = value, {"loss": value.detach()}
    if pair.control is not None:  # what a stateful pair (BEGAN) updates on after the step
        parts["real"], parts["fake"] = out_real.detach().mean(), out_fake.detach().mean()
    if gp_weight > 0:
        critic = D if y is None else (lambda x: D(x, y))
        term = gradient_penalty(critic, x_real, x_fake, gp_weight, generator=gp_generator,
                                eps=gp_eps)
        total, parts["penalty"] = total + term, term.detach()
    if mismatch_weight > 0:
        shift = torch.randint(1, n_classes, y.shape, generator=generator).to(y)
        out_wrong = D(x_real, (y + shift) % n_classes)  # a label that is surely not x's
        term = mismatch_weight * F.binary_cross_entropy_with_logits(
            out_wrong, torch.zeros_like(out_wrong))
        total, parts["mismatch"] = total + term, term.detach()
    if extra is not None:
        term = extra()
        if not isinstance(term, torch.Tensor) or term.dim() != 0:
            raise ValueError("extra must return a scalar tensor, got "
                             f"{type(term).__name__} {tuple(getattr(term, 'shape', ()))}")
        total, parts["extra"] = total + term, term.detach()
    return DiscriminatorLoss(total, parts)


def discriminator_step(D: nn.Module, optimizer: torch.optim.Optimizer, x_real: torch.Tensor,
                       x_fake: torch.Tensor, *, clip_value: float = 0.0, **options
                       ) -> DiscriminatorLoss:
    """One optimiser step of ``D`` on :func:`discriminator_loss` (same ``options``).

    ``clip_value > 0`` clamps D's weights to [-c, c] after the step (WGAN). A loss pair
    with a ``control`` (BEGAN's k_t) is updated with the step's mean outputs on real and fake.
    """
    result = discriminator_loss(D, x_real, x_fake, **options)
    optimizer.zero_grad(set_to_none=True)
    result.total.backward()
    optimizer.step()
    if clip_value > 0:
        clip_weights(D, clip_value)
    control = getattr(options.get("loss"), "control", None)
    if control is not None:
        control.update(float(result.parts["real"]), float(result.parts["fake"]))
    return result
