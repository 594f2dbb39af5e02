"""DCGAN-style convolutional generator and discriminator for small images (8x8 and 28x28).

Following Radford et al. (2015): strided (transposed) convolutions instead of pooling, batch
norm in the generator, ReLU in the generator with tanh at the output (images in [-1, 1]),
LeakyReLU(0.2) in the discriminator, and weights drawn from N(0, 0.02) (:func:`weights_init`).
Shapes: z (B, latent_dim) -> images (B, channels, size, size) -> logits (B, 1). Conditional
variants concatenate a one-hot label to z, and to the discriminator's input as constant
feature maps.

Parameter counts with the defaults (latent_dim 16, base 64, one channel): 8x8 generator
141,441 and discriminator 132,801; 28x28 generator 245,121 and discriminator 138,561.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._validation import check_count

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "weights_init", "SUPPORTED_SIZES"]

# image size -> spatial size of the first feature map (each stage doubles it)
SUPPORTED_SIZES = {8: 2, 28: 7}


def weights_init(module: nn.Module) -> None:
    """DCGAN initialisation: conv/linear weights ~ N(0, 0.02), batch-norm scale ~ N(1, 0.02).

    Use as ``model.apply(weights_init)``.
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def _check_size(image_size: int) -> int:
    if image_size not in SUPPORTED_SIZES:
        raise ValueError(f"image_size must be one of {sorted(SUPPORTED_SIZES)}, got {image_size}")
    return image_size


class DCGANGenerator(nn.Module):
    """z (B, latent_dim) [+ labels (B,)] -> images (B, channels, image_size, image_size)."""

    def __init__(self, latent_dim: int = 16, image_size: int = 8, channels: int = 1,
                 base: int = 64, n_classes: int = 0):
        super().__init__()
        self.latent_dim = check_count(latent_dim, "latent_dim")
        self.image_size = _check_size(image_size)
        self.n_classes = n_classes
        self.start = SUPPORTED_SIZES[image_size]
        self.base = check_count(base, "base")
        self.project = nn.Sequential(
            nn.Linear(latent_dim + n_classes, 2 * base * self.start**2, bias=False),
            nn.BatchNorm1d(2 * base * self.start**2), nn.ReLU(True))
        self.net = nn.Sequential(  # each stage doubles the spatial size
            nn.ConvTranspose2d(2 * base, base, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(base), nn.ReLU(True),
            nn.ConvTranspose2d(base, channels, 4, stride=2, padding=1), nn.Tanh())
        self.apply(weights_init)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (B, {self.latent_dim}), got {tuple(z.shape)}")
        if self.n_classes:
            if y is None:
                raise ValueError("this generator is conditional: pass labels y of shape (B,)")
            z = torch.cat([z, F.one_hot(y.long(), self.n_classes).float()], dim=1)
        h = self.project(z).view(-1, 2 * self.base, self.start, self.start)
        return self.net(h)


class DCGANDiscriminator(nn.Module):
    """images (B, channels, size, size) [+ labels (B,)] -> logits (B, 1)."""

    def __init__(self, image_size: int = 8, channels: int = 1, base: int = 64,
                 n_classes: int = 0, spectral_norm: bool = False):
        super().__init__()
        self.image_size = _check_size(image_size)
        self.channels = check_count(channels, "channels")
        self.n_classes = n_classes
        sn = nn.utils.parametrizations.spectral_norm if spectral_norm else (lambda m: m)
        end = SUPPORTED_SIZES[image_size]
        self.net = nn.Sequential(  # no batch norm on the first layer (Radford et al.)
            sn(nn.Conv2d(channels + n_classes, base, 4, stride=2, padding=1)),
            nn.LeakyReLU(0.2, True),
            sn(nn.Conv2d(base, 2 * base, 4, stride=2, padding=1)),
            nn.LeakyReLU(0.2, True),
            nn.Flatten(),
            sn(nn.Linear(2 * base * end * end, 1)))
        self.apply(weights_init)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        shape = (self.channels, self.image_size, self.image_size)
        if x.dim() != 4 or tuple(x.shape[1:]) != shape:
            raise ValueError(f"x must have shape (B, {', '.join(map(str, shape))}), "
                             f"got {tuple(x.shape)}")
        if self.n_classes:
            if y is None:
                raise ValueError("this discriminator is conditional: pass labels y of shape (B,)")
            maps = F.one_hot(y.long(), self.n_classes).float()[:, :, None, None]
            x = torch.cat([x, maps.expand(-1, -1, self.image_size, self.image_size)], dim=1)
        return self.net(x)
