"""Energy-based discriminators: an auto-encoder whose reconstruction error is the energy.

EBGAN (Zhao et al. 2017) and BEGAN (Berthelot et al. 2017) replace the classifier D by an
auto-encoder. Its energy e(x) = mean_i |x_i - Dec(Enc(x))_i|^p is low where it has learned to
reconstruct (the data) and high elsewhere; the generator moves its samples to low energy.

* EBGAN: p = 2; D minimises E e(x) + E max(0, m - e(G(z))) (the margin m caps how high D may
  push a fake's energy), G minimises E e(G(z)) plus, optionally, the pulling-away term on the
  codes Enc(G(z)) -- :func:`gancourse.losses.ebgan_loss_pair`, :func:`~gancourse.losses.pulling_away`.
* BEGAN: p = 1; D minimises E e(x) - k_t E e(G(z)), G minimises E e(G(z)), and k_t follows the
  proportional control k_{t+1} = clip(k_t + lambda_k (gamma E e(x) - E e(G(z))), 0, 1), which
  holds the fakes' energy at gamma times the data's -- :func:`gancourse.losses.began_loss_pair`.

    D = AutoEncoderDiscriminator(2, hidden=(128, 128), code_dim=8, power=1)
    D(x)            # (B, 1) energies
    D.features(x)   # (B, 8) codes, for the pulling-away term
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._validation import check_count
from .models import mlp

__all__ = ["AutoEncoderDiscriminator"]


class AutoEncoderDiscriminator(nn.Module):
    """D(x) = mean_i |x_i - Dec(Enc(x))_i|^power, one energy per sample, shape (B, 1).

    Args:
        in_dim: dimension of the samples.
        hidden: hidden widths of the encoder; the decoder mirrors them.
        code_dim: width of the code Enc(x) (what :meth:`features` returns).
        power: 2 for EBGAN's squared error, 1 for BEGAN's absolute error.
    """

    def __init__(self, in_dim: int = 2, hidden: Sequence[int] = (128, 128), code_dim: int = 8,
                 power: int = 2):
        super().__init__()
        if power not in (1, 2):
            raise ValueError(f"power must be 1 (BEGAN) or 2 (EBGAN), got {power!r}")
        self.in_dim = check_count(in_dim, "in_dim")
        self.power = power
        act = lambda: nn.LeakyReLU(0.2)  # noqa: E731 -- the course's D non-linearity
        self.encoder = mlp(in_dim, check_count(code_dim, "code_dim"), hidden, act)
        self.decoder = mlp(code_dim, in_dim, tuple(reversed(hidden)), act)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The code Enc(x), shape (B, code_dim)."""
        if x.dim() != 2 or x.shape[1] != self.in_dim:
            raise ValueError(f"x must have shape (B, {self.in_dim}), got {tuple(x.shape)}")
        return self.encoder(x)

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Dec(Enc(x)), the same shape as x."""
        return self.decoder(self.features(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        error = (x - self.reconstruct(x)).abs()
        return (error if self.power == 1 else error ** 2).mean(dim=1, keepdim=True)
