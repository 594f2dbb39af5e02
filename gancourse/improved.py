"""The improved techniques for training GANs of Salimans et al. (2016), as layers and losses.

* :func:`feature_matching_loss` -- the generator matches the mean of the discriminator's
  features on real data instead of maximising its output (section 3.1);
* :class:`MinibatchDiscrimination` -- the original tensor form (section 3.2): each sample's
  features are projected by a learned tensor T to B rows of C numbers, and for each row b the
  layer appends o_b(x_i) = sum_{j != i} exp(-||M_{i,b} - M_{j,b}||_1), how close x_i sits to the
  rest of its minibatch; a collapsed batch lights these features up;
* :class:`HistoricalAverage` -- a penalty ||theta - mean of past thetas||^2 on a player's
  parameters (section 3.3), which damps the circling of a game;
* one-sided label smoothing (section 3.4) is ``TrainConfig(real_label=0.9)``, in the one
  discriminator step;
* :class:`VirtualBatchNorm` -- each example is normalised with the statistics of a reference
  batch fixed at the start of training, combined with its own (section 3.5), so an example's
  output no longer depends on the other examples of its minibatch.

The semi-supervised (K+1)-class discriminator (section 5) is :mod:`gancourse.semi_supervised`.
"""

from __future__ import annotations

import torch
from torch import nn

from ._validation import check_count

__all__ = ["feature_matching_loss", "MinibatchDiscrimination", "HistoricalAverage",
           "VirtualBatchNorm"]


def feature_matching_loss(features_real: torch.Tensor, features_fake: torch.Tensor
                          ) -> torch.Tensor:
    """||E f(x_real) - E f(G(z))||^2: the squared distance between the two minibatches' mean
    features (Salimans et al. 2016, eq. 3 estimated on minibatches).

    Args:
        features_real: (B, F) discriminator features of real samples (detach them: the
            generator's loss should not train the discriminator).
        features_fake: (B', F) features of generated samples, with the graph into G.
    """
    for name, f in (("features_real", features_real), ("features_fake", features_fake)):
        if f.dim() != 2:
            raise ValueError(f"{name} must have shape (B, F), got {tuple(f.shape)}")
    if features_real.shape[1] != features_fake.shape[1]:
        raise ValueError("features_real and features_fake must have the same number of "
                         f"features, got {features_real.shape[1]} and {features_fake.shape[1]}")
    return (features_real.mean(0) - features_fake.mean(0)).pow(2).sum()


class MinibatchDiscrimination(nn.Module):
    """(B, F) -> (B, F + kernels): features plus each sample's closeness to its minibatch.

    Args:
        in_features: F.
        kernels: B in the paper, the number of closeness features appended.
        kernel_dim: C in the paper, the length of each projected row.
    """

    def __init__(self, in_features: int, kernels: int = 16, kernel_dim: int = 8):
        super().__init__()
        self.in_features = check_count(in_features, "in_features")
        self.kernels = check_count(kernels, "kernels")
        self.kernel_dim = check_count(kernel_dim, "kernel_dim")
        self.T = nn.Parameter(0.1 * torch.randn(in_features, kernels * kernel_dim))

    def closeness(self, h: torch.Tensor) -> torch.Tensor:
        """(B, F) -> (B, kernels): o_b(x_i) = sum over j != i of exp(-||M_ib - M_jb||_1)."""
        if h.dim() != 2 or h.shape[1] != self.in_features:
            raise ValueError(f"h must have shape (B, {self.in_features}), got {tuple(h.shape)}")
        m = (h @ self.T).view(-1, self.kernels, self.kernel_dim)  # (B, kernels, C)
        l1 = (m[:, None] - m[None, :]).abs().sum(-1)  # (B, B, kernels)
        return torch.exp(-l1).sum(1) - 1.0  # drop j = i, whose term is exp(0) = 1

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return torch.cat([h, self.closeness(h)], dim=1)


class HistoricalAverage:
    """The penalty ||theta_t - (1/t) sum_{i<=t} theta_i||^2 on a module's parameters.

    Each call of :meth:`penalty` first adds the current parameters to the running average,
    then returns the squared distance to it (a tensor with gradients into the module).
    """

    def __init__(self, module: nn.Module):
        if not isinstance(module, nn.Module):
            raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
        self.params = [p for p in module.parameters() if p.requires_grad]
        self.average = [p.detach().clone() for p in self.params]
        self.count = 0

    def penalty(self) -> torch.Tensor:
        self.count += 1
        with torch.no_grad():
            for avg, p in zip(self.average, self.params):
                avg.add_(p.detach() - avg, alpha=1.0 / self.count)
        return sum((p - avg).pow(2).sum() for p, avg in zip(self.params, self.average))


class VirtualBatchNorm(nn.Module):
    """Batch norm with the statistics of a fixed reference batch plus the example itself.

    The network that holds it first passes the reference batch with ``reference=True`` (which
    normalises that batch by its own statistics and keeps them), then any batch: example x_i
    is normalised with mean and mean square (N * reference + own) / (N + 1), where own is x_i's
    statistic over its spatial positions (or the value itself for (B, F) inputs). Works on
    (B, F) and (B, C, H, W).
    """

    def __init__(self, num_features: int, eps: float = 1e-5):
        super().__init__()
        self.num_features = check_count(num_features, "num_features")
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.reference = True
        self._ref: tuple[torch.Tensor, torch.Tensor, int] | None = None

    def _shape(self, x: torch.Tensor) -> list[int]:
        if x.dim() not in (2, 4) or x.shape[1] != self.num_features:
            raise ValueError(f"x must have shape (B, {self.num_features}) or "
                             f"(B, {self.num_features}, H, W), got {tuple(x.shape)}")
        return [1, -1] + [1] * (x.dim() - 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = self._shape(x)
        spatial = tuple(range(2, x.dim()))
        own_mean = x.mean(spatial) if spatial else x  # (B, C)
        own_sq = x.pow(2).mean(spatial) if spatial else x.pow(2)
        if self.reference:
            mean, sq = own_mean.mean(0, keepdim=True), own_sq.mean(0, keepdim=True)
            self._ref = (mean, sq, x.shape[0])
        else:
            if self._ref is None:
                raise RuntimeError("VirtualBatchNorm needs a reference pass first "
                                   "(the network sets reference=True for it)")
            ref_mean, ref_sq, n = self._ref
            mean = (n * ref_mean + own_mean) / (n + 1)
            sq = (n * ref_sq + own_sq) / (n + 1)
        var = (sq - mean.pow(2)).clamp_min(0.0)
        view = [mean.shape[0], -1] + [1] * len(spatial)
        x_hat = (x - mean.view(view)) / torch.sqrt(var.view(view) + self.eps)
        return x_hat * self.weight.view(shape) + self.bias.view(shape)
