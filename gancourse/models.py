"""Generators and discriminators for the toy experiments (fully connected networks).

Shapes: a generator maps z of shape (B, latent_dim) to x of shape (B, dim); a discriminator
or critic maps x of shape (B, dim) to one logit or score per sample, shape (B, 1) -- or one per
*pack* of samples with PacGAN packing. Conditional variants take labels y of shape (B,) (int64)
and concatenate a one-hot code (or a learned embedding) to their input.

The options of :class:`MLPDiscriminator` are the collapse remedies of lecture 04 and the
Lipschitz control of lecture 05, so that one training loop serves them all:

* ``spectral_norm``: divide every weight by its largest singular value (Miyato et al. 2018);
* ``minibatch_std``: append the batch's average feature standard deviation as one more feature
  before the last layer, so D can see a lack of variety (Karras et al. 2018, section 3);
* ``pack``: judge ``pack`` samples at once, concatenated (PacGAN, Lin et al. 2018).

Parameter counts (:func:`count_parameters`; checked by hand in ``tests/test_models.py``): the
defaults ``MLPGenerator()`` 17,154 and ``MLPDiscriminator()`` 17,025; with three hidden layers
of 128, as in the 2-D benchmark, 33,666 and 33,537.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ._validation import check_count

__all__ = ["mlp", "MLPGenerator", "MLPDiscriminator", "MinibatchStd", "AffineGenerator",
           "LineGenerator", "ImageMLPGenerator", "ImageMLPDiscriminator", "count_parameters",
           "probability_on_grid"]


def mlp(in_dim: int, out_dim: int, hidden: Sequence[int] = (64, 64),
        activation: type[nn.Module] = nn.ReLU, device: torch.device | str | None = None
        ) -> nn.Sequential:
    """A fully connected network in_dim -> hidden... -> out_dim with a linear last layer.

    Args:
        in_dim, out_dim: input and output widths.
        hidden: widths of the hidden layers, in order.
        activation: the non-linearity after each hidden layer (a class, e.g. ``nn.LeakyReLU``).
        device: where the parameters live (``None``: the CPU).

    Returns:
        ``nn.Sequential`` mapping (B, in_dim) -> (B, out_dim).
    """
    widths = [check_count(in_dim, "in_dim"), *(check_count(h, "hidden width") for h in hidden),
              check_count(out_dim, "out_dim")]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(activation())
    return nn.Sequential(*layers).to(device)


def count_parameters(module: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


@torch.no_grad()
def probability_on_grid(D: nn.Module, x) -> "np.ndarray":
    """D(x) = sigmoid(logit) of a 1-D discriminator at the points ``x`` (shape (n,)), as NumPy."""
    import numpy as np

    param = next(D.parameters(), None)
    device = param.device if param is not None else "cpu"
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32), device=device)[:, None]  # (n, 1)
    return torch.sigmoid(D(xt))[:, 0].double().cpu().numpy()


class _LabelCode(nn.Module):
    """Turns labels y (B,) into a code (B, code_dim): one-hot, or a learned embedding."""

    def __init__(self, n_classes: int, embedding_dim: int | None):
        super().__init__()
        self.n_classes = check_count(n_classes, "n_classes")
        self.embed = nn.Embedding(n_classes, embedding_dim) if embedding_dim else None
        self.dim = embedding_dim or n_classes

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        if y is None:
            raise ValueError("this network is conditional: pass labels y of shape (B,)")
        if y.dim() != 1 or y.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"y must be integer labels of shape (B,), got {tuple(y.shape)} "
                             f"{y.dtype}")
        if self.embed is not None:
            return self.embed(y)
        return F.one_hot(y.long(), self.n_classes).float()


class MLPGenerator(nn.Module):
    """G(z) or, with ``n_classes``, G(z | y): an MLP from latent noise to data space.

    Args:
        latent_dim: dimension of z.
        out_dim: dimension of the samples x.
        hidden: hidden widths.
        activation: hidden non-linearity class.
        n_classes: 0 for an unconditional generator, else the number of labels.
        embedding_dim: None for one-hot labels, else the size of a learned label embedding.
        out_activation: None for a linear output (the toys), or a class such as ``nn.Tanh``
            for data scaled to [-1, 1] (the digits).
    """

    def __init__(self, latent_dim: int = 2, out_dim: int = 2, hidden: Sequence[int] = (128, 128),
                 activation: type[nn.Module] = nn.ReLU, n_classes: int = 0,
                 embedding_dim: int | None = None,
                 out_activation: type[nn.Module] | None = None):
        super().__init__()
        self.latent_dim = check_count(latent_dim, "latent_dim")
        self.out_dim = check_count(out_dim, "out_dim")
        self.n_classes = n_classes
        self.label = _LabelCode(n_classes, embedding_dim) if n_classes else None
        in_dim = latent_dim + (self.label.dim if self.label else 0)
        self.net = mlp(in_dim, out_dim, hidden, activation)
        if out_activation is not None:
            self.net.append(out_activation())

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (B, {self.latent_dim}), got {tuple(z.shape)}")
        if self.label is not None:
            z = torch.cat([z, self.label(y)], dim=1)
        return self.net(z)  # (B, out_dim)


class AffineGenerator(nn.Module):
    """G(z) = mu + sigma * z with z ~ N(0, 1): a 1-D generator whose density is known exactly.

    P_G is N(mu, sigma^2) at every moment of training, so lectures can draw p_g and compute
    JS(P_data || P_G) by quadrature while Algorithm 1 runs. ``sigma = exp(log_sigma)`` stays
    positive. Parameters: ``mu`` and ``log_sigma``, both scalars.
    """

    n_classes = 0

    def __init__(self, mu: float = 0.0, sigma: float = 1.0):
        super().__init__()
        if not sigma > 0:
            raise ValueError(f"sigma must be positive, got {sigma}")
        self.latent_dim = 1
        self.mu = nn.Parameter(torch.tensor(float(mu)))
        self.log_sigma = nn.Parameter(torch.tensor(float(sigma)).log())

    @property
    def sigma(self) -> float:
        return float(self.log_sigma.detach().exp())

    def density(self, x) -> "np.ndarray":
        """p_g at the points x (array of shape (n,)); NumPy float64."""
        from .distributions import Gaussian1D

        return Gaussian1D(float(self.mu.detach()), self.sigma).pdf(x)

    def forward(self, z: torch.Tensor) -> torch.Tensor:  # (B, 1) -> (B, 1)
        if z.dim() != 2 or z.shape[1] != 1:
            raise ValueError(f"z must have shape (B, 1), got {tuple(z.shape)}")
        return self.mu + self.log_sigma.exp() * z


class LineGenerator(nn.Module):
    """G(z) = (theta, Phi(z)) with z ~ N(0, 1): the parallel-lines generator of lecture 03.

    Phi, the normal CDF, turns z into Z ~ U[0, 1], so G's samples follow
    :class:`~gancourse.distributions.ParallelLine` (theta). The only parameter is the shift
    ``theta``: the generator learns where to put its line, nothing else.
    """

    n_classes = 0

    def __init__(self, theta: float = 1.0):
        super().__init__()
        self.latent_dim = 1
        self.theta = nn.Parameter(torch.tensor(float(theta)))

    def forward(self, z: torch.Tensor) -> torch.Tensor:  # (B, 1) -> (B, 2)
        if z.dim() != 2 or z.shape[1] != 1:
            raise ValueError(f"z must have shape (B, 1), got {tuple(z.shape)}")
        u = 0.5 * (1 + torch.erf(z / 2**0.5))  # Phi(z) ~ U[0, 1]
        return torch.cat([self.theta.expand_as(u), u], dim=1)


class MinibatchStd(nn.Module):
    """Appends one feature: the mean over features of the per-feature std across the batch."""

    @staticmethod
    def statistic(h: torch.Tensor) -> torch.Tensor:
        """The appended feature of a batch of features h (B, F): a scalar."""
        return torch.sqrt(h.var(dim=0, unbiased=False) + 1e-8).mean()

    def forward(self, h: torch.Tensor) -> torch.Tensor:  # (B, F) -> (B, F + 1)
        return torch.cat([h, self.statistic(h).expand(h.shape[0], 1)], dim=1)


class MLPDiscriminator(nn.Module):
    """D(x) or D(x, y): an MLP from samples to one logit (or critic score) per sample or pack.

    Args:
        in_dim: dimension of the samples x.
        hidden: hidden widths.
        activation: hidden non-linearity class (LeakyReLU(0.2) by default).
        spectral_norm: spectrally normalise every linear layer.
        minibatch_std: add the minibatch standard-deviation feature before the last layer.
        pack: PacGAN degree; the batch size must be a multiple of it. Output shape (B/pack, 1).
        n_classes, embedding_dim: as for :class:`MLPGenerator` (a conditional discriminator
            judges the pair (x, y)).
    """

    def __init__(self, in_dim: int = 2, hidden: Sequence[int] = (128, 128),
                 activation: type[nn.Module] | None = None, spectral_norm: bool = False,
                 minibatch_std: bool = False, pack: int = 1, n_classes: int = 0,
                 embedding_dim: int | None = None):
        super().__init__()
        self.in_dim = check_count(in_dim, "in_dim")
        self.pack = check_count(pack, "pack")
        self.n_classes = n_classes
        self.label = _LabelCode(n_classes, embedding_dim) if n_classes else None
        width = (in_dim + (self.label.dim if self.label else 0)) * pack
        make_act = activation or (lambda: nn.LeakyReLU(0.2))
        layers: list[nn.Module] = []
        for h in hidden:
            layers += [self._linear(width, check_count(h, "hidden width"), spectral_norm),
                       make_act()]
            width = h
        self.body = nn.Sequential(*layers)
        self.mbstd = MinibatchStd() if minibatch_std else None
        self.head = self._linear(width + (1 if minibatch_std else 0), 1, spectral_norm)

    @staticmethod
    def _linear(a: int, b: int, sn: bool) -> nn.Module:
        layer = nn.Linear(a, b)
        return nn.utils.parametrizations.spectral_norm(layer) if sn else layer

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if x.dim() != 2 or x.shape[1] != self.in_dim:
            raise ValueError(f"x must have shape (B, {self.in_dim}), got {tuple(x.shape)}")
        if self.label is not None:
            x = torch.cat([x, self.label(y)], dim=1)
        if self.pack > 1:
            if x.shape[0] % self.pack:
                raise ValueError(f"the batch size ({x.shape[0]}) must be a multiple of "
                                 f"pack={self.pack}")
            x = x.reshape(x.shape[0] // self.pack, -1)  # (B/pack, pack * features)
        h = self.body(x)
        if self.mbstd is not None:
            h = self.mbstd(h)
        return self.head(h)  # (B/pack, 1)


class ImageMLPGenerator(MLPGenerator):
    """An MLP generator for images: z (B, latent_dim) -> (B, channels, side, side) in [-1, 1].

    The fully connected counterpart of :class:`~gancourse.dcgan.DCGANGenerator` (lecture 07
    compares the two at a similar number of parameters).
    """

    def __init__(self, latent_dim: int = 32, side: int = 28, channels: int = 1,
                 hidden: Sequence[int] = (64,)):
        self.shape = (check_count(channels, "channels"), check_count(side, "side"), side)
        super().__init__(latent_dim, channels * side * side, hidden, out_activation=nn.Tanh)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return super().forward(z, y).view(-1, *self.shape)


class ImageMLPDiscriminator(MLPDiscriminator):
    """An MLP discriminator for images (B, channels, side, side) -> logits (B, 1)."""

    def __init__(self, side: int = 28, channels: int = 1, hidden: Sequence[int] = (16,)):
        self.shape = (check_count(channels, "channels"), check_count(side, "side"), side)
        super().__init__(channels * side * side, hidden)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if x.dim() != 4 or tuple(x.shape[1:]) != self.shape:
            raise ValueError(f"x must have shape (B, {', '.join(map(str, self.shape))}), "
                             f"got {tuple(x.shape)}")
        return super().forward(x.flatten(1), y)
