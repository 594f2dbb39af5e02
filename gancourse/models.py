"""Neural network building blocks for generators, discriminators and critics.

:func:`mlp` is the multi-layer perceptron every toy experiment uses: G maps a latent
z of shape (B, latent_dim) to x of shape (B, dim); D maps x to one logit per sample, (B, 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._checks import check_count

__all__ = ["mlp"]


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
