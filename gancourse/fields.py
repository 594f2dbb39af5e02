"""What a discriminator says over the whole input space, and how it pushes each fake sample.

Two pictures carry most of what happens in a GAN on a toy (GAN Lab, Kahng et al. 2018, draws
both): the **field** -- D's output (or the critic's score) at every point of a grid over the
data's space -- and the **pull** on each generated sample -- the direction and size of the
step that the generator's loss asks of that sample,

    pull(x_i) = - n * d L_G / d x_i,

where ``L_G`` is the generator's loss on a batch whose D outputs number ``n``. Because ``L_G``
is a mean over D's outputs, ``n`` undoes the 1/n, and for an ordinary discriminator the pull
on ``x_i`` is minus the gradient of that one sample's loss, whatever the batch size. The
generator's parameters move by the chain rule through these pulls. Their **alignment** (the
length of the mean of the unit pulls: 1 when every sample is pulled the same way, near 0 when
the pulls point every which way) shows a collapsing generator: its whole batch is pushed
together, from one mode to the next (lecture 04).

Two discriminators judge more than one point at a time, and their field is defined here:

* a **minibatch-std** discriminator (:class:`~gancourse.models.MinibatchStd`) judges each grid
  point with the batch statistic of a ``context`` batch (the current generated samples): what
  it would say of a fake placed at that point, the rest of the batch unchanged (up to that one
  point's own share of the statistic);
* a **packed** discriminator (PacGAN) judges each grid point as a pack of copies of it: what it
  says of a generator collapsed onto that point.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .models import MLPDiscriminator

__all__ = ["discriminator_field", "generator_pull", "pull_alignment"]


def _as_points(x, name: str, dim: int | None) -> torch.Tensor:
    x = torch.as_tensor(x, dtype=torch.float32)
    if x.dim() != 2 or (dim is not None and x.shape[1] != dim):
        want = f"(n, {dim})" if dim is not None else "(n, d)"
        raise ValueError(f"{name} must have shape {want}, got {tuple(x.shape)}")
    return x


@torch.no_grad()
def discriminator_field(D: nn.Module, points, *, context=None) -> torch.Tensor:
    """D's raw output (logit or critic score) at each of ``points`` (n, d): shape (n,).

    Args:
        D: an unconditional discriminator; a :class:`~gancourse.models.MLPDiscriminator` with
            minibatch-std needs ``context``, one with packing judges packs of copies.
        points: where to evaluate, shape (n, d), on D's device or the CPU.
        context: (m, d) samples that supply the minibatch-std statistic (the generated batch).
    """
    device = next(D.parameters()).device
    x = _as_points(points, "points", getattr(D, "in_dim", None)).to(device)
    if getattr(D, "n_classes", 0):
        raise ValueError("D must be unconditional: a conditional D has one field per label")
    if isinstance(D, MLPDiscriminator) and D.mbstd is not None:
        if context is None:
            raise ValueError("context (a batch of generated samples) is needed for a "
                             "minibatch-std discriminator: its output depends on the batch")
        context = _as_points(context, "context", D.in_dim).to(device)
        if len(context) < 2:
            raise ValueError(f"context must hold at least 2 samples, got {len(context)}")
        std = D.mbstd.statistic(D.body(context))
        h = D.body(x)
        return D.head(torch.cat([h, std.expand(len(h), 1)], dim=1))[:, 0]
    pack = getattr(D, "pack", 1)
    if pack > 1:
        x = x.repeat_interleave(pack, dim=0)  # each point as a pack of copies of itself
    return D(x).reshape(-1)


def generator_pull(D: nn.Module, g_loss: Callable[[torch.Tensor], torch.Tensor],
                   x_fake) -> torch.Tensor:
    """The pull of the generator's loss on each fake sample (see the module doc): (n, d).

    Args:
        D: the discriminator the generator answers.
        g_loss: the generator's loss, a function of D's outputs on the batch (a
            :class:`~gancourse.losses.LossPair`'s ``g_loss``).
        x_fake: generated samples (n, d); a packed D needs n to be a multiple of its pack.
    """
    device = next(D.parameters()).device
    x = _as_points(x_fake, "x_fake", getattr(D, "in_dim", None)).detach().to(device)
    x.requires_grad_(True)
    out = D(x)
    (grad,) = torch.autograd.grad(g_loss(out), x)
    return -out.numel() * grad.detach()


def pull_alignment(pull) -> float:
    """Length of the mean unit pull, in [0, 1]: 1 when every sample is pulled the same way.

    Args:
        pull: (n, d) pulls (:func:`generator_pull`); zero pulls are left out.
    """
    pull = torch.as_tensor(pull, dtype=torch.float64)
    if pull.dim() != 2 or len(pull) == 0:
        raise ValueError(f"pull must have shape (n, d) with n >= 1, got {tuple(pull.shape)}")
    size = pull.norm(dim=1)
    unit = pull[size > 0] / size[size > 0, None]
    return float(unit.mean(dim=0).norm()) if len(unit) else 0.0
