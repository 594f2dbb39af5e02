"""pix2pix in brief: image-to-image translation with a conditional GAN plus an L1 term.

Isola et al. (2017) condition the GAN on a whole input image a: the generator maps a to an
output G(a), and the discriminator judges pairs (a, b) -- real pairs (a, b) against
(a, G(a)). The generator minimises the non-saturating GAN loss plus lambda * |G(a) - b|_1,
which anchors its output to the ground truth (lambda = 100 in the paper).

Our tiny paired task is made from the digits: the input is a digit with its lower rows blanked
out (:func:`mask_lower`), the target the whole digit. The completion is ambiguous (a 3 and a 5
can share their upper half), and the L1 loss alone answers with the blurred median of the
possibilities; the adversarial term asks for a completion that looks like a real digit.
:func:`sharpness` measures the difference: the mean absolute step between neighbouring pixels
of the completed rows (a blurred completion has smaller steps than real strokes).
"""

from __future__ import annotations

import torch
from torch import nn

from .device import get_device
from .digits import N_PIXELS, check_pixel_tensor
from .discriminator_step import discriminator_step
from .losses import g_loss_nonsaturating
from .models import MLPDiscriminator, mlp
from .seeding import seeded

__all__ = ["mask_lower", "sharpness", "Translator", "PairDiscriminator", "train_pix2pix"]


def mask_lower(x: torch.Tensor, rows: int = 4) -> torch.Tensor:
    """Blank (set to -1, the background) the lowest ``rows`` rows of (n, 64) digit images."""
    check_pixel_tensor(x)
    if not (isinstance(rows, int) and 0 <= rows <= 8):
        raise ValueError(f"rows must be an integer from 0 to 8, got {rows!r}")
    out = x.clone().reshape(-1, 8, 8)
    if rows:
        out[:, 8 - rows:, :] = -1.0
    return out.reshape(-1, N_PIXELS)


def sharpness(x: torch.Tensor, rows: int = 4) -> float:
    """Mean |difference| between neighbouring pixels (across and down) in the lowest ``rows``.

    The completed rows of (n, 64) images in [-1, 1]: a blurred completion has smaller steps
    between neighbours than real pen strokes do.
    """
    check_pixel_tensor(x)
    if not (isinstance(rows, int) and 2 <= rows <= 8):
        raise ValueError(f"rows must be an integer from 2 to 8, got {rows!r}")
    low = x.detach().reshape(-1, 8, 8)[:, 8 - rows:, :].float()
    across = (low[:, :, 1:] - low[:, :, :-1]).abs().mean()
    down = (low[:, 1:, :] - low[:, :-1, :]).abs().mean()
    return float((across + down) / 2)


class Translator(nn.Module):
    """G(a): an MLP from a (n, 64) input image to a (n, 64) output image in [-1, 1]."""

    def __init__(self, hidden: tuple[int, ...] = (256, 256)):
        super().__init__()
        self.net = nn.Sequential(mlp(N_PIXELS, N_PIXELS, hidden), nn.Tanh())

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return self.net(a)


class PairDiscriminator(nn.Module):
    """D(b, a): logits (n, 1) for "b is the true output for input a", from the pair (a, b)."""

    def __init__(self, hidden: tuple[int, ...] = (256, 256)):
        super().__init__()
        self.net = MLPDiscriminator(2 * N_PIXELS, hidden)

    def forward(self, b: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([a, b], 1))  # (n, 128) -> (n, 1)


def train_pix2pix(inputs: torch.Tensor, targets: torch.Tensor, *, adversarial: bool = True,
                  l1_weight: float = 100.0, steps: int = 3000, batch_size: int = 64,
                  lr: float = 1e-3, seed: int = 0, device: torch.device | str | None = None
                  ) -> tuple[Translator, dict[str, list[float]]]:
    """Train a :class:`Translator` on paired images; ``adversarial=False`` is L1 alone.

    Args:
        inputs, targets: tensors of shape (n, 64), row i of one paired with row i of the other.
        adversarial: add the pair discriminator's loss (pix2pix) or not (plain L1 regression).
        l1_weight: lambda, the weight of the L1 term against the GAN term.
        steps, batch_size, lr, seed: the training run (Adam, betas (0.5, 0.999)).
        device: where to train (default: :func:`gancourse.get_device`).

    Returns:
        ``(translator, history)`` with the per-step ``"l1"`` and, if adversarial, ``"d_loss"``.
    """
    if inputs.shape != targets.shape or inputs.dim() != 2 or inputs.shape[1] != N_PIXELS:
        raise ValueError(f"inputs and targets must both have shape (n, 64), got "
                         f"{tuple(inputs.shape)} and {tuple(targets.shape)}")
    if not l1_weight >= 0:
        raise ValueError(f"l1_weight must be >= 0, got {l1_weight!r}")
    device = torch.device(device) if device is not None else get_device()
    with seeded(seed):
        G = Translator().to(device)
        D = PairDiscriminator().to(device)  # judges the pair (a, b): conditioned on a
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    rng = torch.Generator().manual_seed(seed)
    inputs, targets = inputs.to(device), targets.to(device)
    history: dict[str, list[float]] = {"l1": [], "d_loss": []}
    for _ in range(steps):
        idx = torch.randint(len(inputs), (batch_size,), generator=rng).to(device)
        a, b = inputs[idx], targets[idx]
        fake = G(a)
        if adversarial:  # the course's one discriminator step, with the input a as condition
            result = discriminator_step(D, opt_d, b, fake.detach(), loss="nonsaturating", y=a)
            history["d_loss"].append(result.loss)
        l1 = (fake - b).abs().mean()
        g_loss = l1_weight * l1
        if adversarial:
            g_loss = g_loss + g_loss_nonsaturating(D(fake, a))
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        history["l1"].append(l1.item())
    return G.eval(), history
