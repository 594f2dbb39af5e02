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
from .improved import MinibatchDiscrimination, VirtualBatchNorm
from .models import MinibatchStd

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


def _check_choice(value: str, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _norm(kind: str, features: int, dims: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm1d(features) if dims == 1 else nn.BatchNorm2d(features)
    return VirtualBatchNorm(features) if kind == "virtual" else nn.Identity()


def _check_size(image_size: int) -> int:
    if image_size not in SUPPORTED_SIZES:
        raise ValueError(f"image_size must be one of {sorted(SUPPORTED_SIZES)}, got {image_size}")
    return image_size


class DCGANGenerator(nn.Module):
    """z (B, latent_dim) [+ labels (B,)] -> images (B, channels, image_size, image_size).

    Args:
        latent_dim, image_size, channels, base: the sizes (the first feature map has
            ``2 * base`` channels, the second ``base``).
        n_classes: > 0 makes it conditional (a one-hot label joins z).
        norm: "batch" (DCGAN's rule), "virtual" (virtual batch norm with a reference batch of
            ``reference_size`` latent vectors drawn once, from ``reference_seed``) or "none".
        output: "tanh" (DCGAN's rule: images in [-1, 1]) or "linear" (unbounded).
    """

    def __init__(self, latent_dim: int = 16, image_size: int = 8, channels: int = 1,
                 base: int = 64, n_classes: int = 0, *, norm: str = "batch",
                 output: str = "tanh", reference_size: int = 64, reference_seed: int = 0):
        super().__init__()
        self.latent_dim = check_count(latent_dim, "latent_dim")
        self.image_size = _check_size(image_size)
        self.n_classes = n_classes
        self.start = SUPPORTED_SIZES[image_size]
        self.base = check_count(base, "base")
        self.norm = _check_choice(norm, "norm", ("batch", "virtual", "none"))
        _check_choice(output, "output", ("tanh", "linear"))
        width = 2 * base * self.start**2
        self.project = nn.Sequential(
            nn.Linear(latent_dim + n_classes, width, bias=norm == "none"),
            _norm(norm, width, 1), nn.ReLU(True))
        self.net = nn.Sequential(  # each stage doubles the spatial size
            nn.ConvTranspose2d(2 * base, base, 4, stride=2, padding=1, bias=norm == "none"),
            _norm(norm, base, 2), nn.ReLU(True),
            nn.ConvTranspose2d(base, channels, 4, stride=2, padding=1),
            nn.Tanh() if output == "tanh" else nn.Identity())
        if norm == "virtual":  # Salimans et al.'s reference batch, fixed once
            gen = torch.Generator().manual_seed(reference_seed)
            self.register_buffer("reference_z", torch.randn(
                check_count(reference_size, "reference_size"), latent_dim, generator=gen))
        self.apply(weights_init)

    def _run(self, z: torch.Tensor) -> torch.Tensor:
        h = self.project(z).view(-1, 2 * self.base, self.start, self.start)
        return self.net(h)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (B, {self.latent_dim}), got {tuple(z.shape)}")
        if self.n_classes:
            if y is None:
                raise ValueError("this generator is conditional: pass labels y of shape (B,)")
            z = torch.cat([z, F.one_hot(y.long(), self.n_classes).float()], dim=1)
        if self.norm == "virtual":
            if self.n_classes:
                raise ValueError("virtual batch norm is for unconditional generators")
            vbn = [m for m in self.modules() if isinstance(m, VirtualBatchNorm)]
            for m in vbn:
                m.reference = True
            self._run(self.reference_z)  # each layer keeps the reference statistics
            for m in vbn:
                m.reference = False
        return self._run(z)


class DCGANDiscriminator(nn.Module):
    """images (B, channels, size, size) [+ labels (B,)] -> logits (B, outputs).

    Args:
        image_size, channels, base: the sizes (feature maps of ``base`` then ``2 * base``).
        n_classes: > 0 makes it conditional (the label joins the input as constant maps).
        spectral_norm: spectrally normalise every layer.
        activation: "leaky" (DCGAN's LeakyReLU(0.2)) or "relu".
        downsample: "stride" (DCGAN's strided 4x4 convolutions) or "pool" (3x3 convolutions,
            each followed by 2x2 max-pooling).
        minibatch: "none", "std" (the minibatch-std feature) or "discrimination" (Salimans et
            al.'s tensor form, :class:`~gancourse.improved.MinibatchDiscrimination`).
        outputs: logits per sample (1 for a GAN; K for the (K+1)-class discriminator of
            :mod:`gancourse.semi_supervised`).
    """

    def __init__(self, image_size: int = 8, channels: int = 1, base: int = 64,
                 n_classes: int = 0, spectral_norm: bool = False, *, activation: str = "leaky",
                 downsample: str = "stride", minibatch: str = "none", outputs: int = 1):
        super().__init__()
        self.image_size = _check_size(image_size)
        self.channels = check_count(channels, "channels")
        self.n_classes = n_classes
        _check_choice(activation, "activation", ("leaky", "relu"))
        _check_choice(downsample, "downsample", ("stride", "pool"))
        _check_choice(minibatch, "minibatch", ("none", "std", "discrimination"))
        sn = nn.utils.parametrizations.spectral_norm if spectral_norm else (lambda m: m)
        act = (lambda: nn.LeakyReLU(0.2, True)) if activation == "leaky" else \
            (lambda: nn.ReLU(True))

        def down(a: int, b: int) -> list[nn.Module]:
            if downsample == "stride":
                return [sn(nn.Conv2d(a, b, 4, stride=2, padding=1)), act()]
            return [sn(nn.Conv2d(a, b, 3, padding=1)), act(), nn.MaxPool2d(2)]

        end = SUPPORTED_SIZES[image_size]
        # no batch norm on the first layer (Radford et al.), and none here at all
        self.body = nn.Sequential(*down(channels + n_classes, base), *down(base, 2 * base),
                                  nn.Flatten())
        self.n_features = 2 * base * end * end
        if minibatch == "discrimination":  # built only when used: its init draws numbers
            self.minibatch = MinibatchDiscrimination(self.n_features, kernels=8, kernel_dim=4)
            extra = self.minibatch.kernels
        else:
            self.minibatch = MinibatchStd() if minibatch == "std" else nn.Identity()
            extra = int(minibatch == "std")
        self.head = sn(nn.Linear(self.n_features + extra, check_count(outputs, "outputs")))
        self.apply(weights_init)

    def features(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """(B, n_features): the last hidden layer (what feature matching compares)."""
        return self._features(x, y)

    def _features(self, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        shape = (self.channels, self.image_size, self.image_size)
        if x.dim() != 4 or tuple(x.shape[1:]) != shape:
            raise ValueError(f"x must have shape (B, {', '.join(map(str, shape))}), "
                             f"got {tuple(x.shape)}")
        if self.n_classes:
            if y is None:
                raise ValueError("this discriminator is conditional: pass labels y of shape (B,)")
            maps = F.one_hot(y.long(), self.n_classes).float()[:, :, None, None]
            x = torch.cat([x, maps.expand(-1, -1, self.image_size, self.image_size)], dim=1)
        return self.body(x)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.head(self.minibatch(self._features(x, y)))
