"""Looking inside a Wasserstein critic: its W1 estimate, its slopes, its layers' spectral norms.

Kantorovich-Rubinstein duality says W1(P, Q) = max over 1-Lipschitz f of E_P f - E_Q f. A
critic network f trained to maximise E_P f - E_Q f therefore estimates W1 -- but only if it is
kept (close to) 1-Lipschitz. These helpers measure how well it is kept:

* :func:`critic_estimate` -- E_P f - E_Q f on samples (the critic's W1 estimate);
* :func:`gradient_norms` -- ||grad f(x)|| at given points: the local slopes; their maximum is a
  lower bound on f's Lipschitz constant;
* :func:`spectral_norms` -- the largest singular value of every linear layer's weight (with
  spectral normalisation applied, as the layer uses it);
* :func:`power_iteration` -- the estimate of the largest singular value that spectral
  normalisation refreshes at every step (Miyato et al. 2018, Algorithm 1).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["critic_estimate", "gradient_norms", "spectral_norms", "power_iteration"]


def _tensor(x, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (n, ...), got {type(x).__name__}")
    if x.dim() < 1 or x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {tuple(x.shape)}")
    return x


@torch.no_grad()
def critic_estimate(critic: nn.Module, x_p: torch.Tensor, x_q: torch.Tensor) -> float:
    """The critic's estimate of W1(P, Q): mean f(x_p) - mean f(x_q).

    Use fresh samples, not the ones the critic was trained on, to avoid an optimistic value.
    """
    x_p, x_q = _tensor(x_p, "x_p"), _tensor(x_q, "x_q")
    return float(critic(x_p).mean() - critic(x_q).mean())


def gradient_norms(critic: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """||grad_x f(x)||_2 for every sample of ``x`` (shape (n, ...)), as a tensor of shape (n,)."""
    x = _tensor(x, "x").detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x)
    return grad.reshape(len(x), -1).norm(dim=1).detach()


@torch.no_grad()
def spectral_norms(module: nn.Module) -> list[float]:
    """Largest singular value of the weight of every ``nn.Linear`` in ``module``, in order.

    With ``torch.nn.utils.parametrizations.spectral_norm`` the weight read here is the
    normalised one the layer computes with, so the values are close to 1 after training.
    """
    return [float(torch.linalg.matrix_norm(layer.weight, ord=2))
            for layer in module.modules() if isinstance(layer, nn.Linear)]


def power_iteration(W: torch.Tensor, n_iter: int = 20, seed: int = 0) -> float:
    """Estimate the largest singular value of a matrix by power iteration.

    Alternate u <- W v / ||W v|| and v <- W^T u / ||W^T u|| from a random start; then
    sigma ~= u^T W v. Spectral normalisation runs one such step per training step, reusing u.

    Args:
        W: a 2-D tensor of shape (m, n).
        n_iter: number of iterations (>= 1).
        seed: seeds the random starting vector.
    """
    if not isinstance(W, torch.Tensor) or W.dim() != 2:
        raise ValueError(f"W must be a 2-D torch.Tensor, got "
                         f"{tuple(W.shape) if isinstance(W, torch.Tensor) else type(W).__name__}")
    if not (isinstance(n_iter, int) and n_iter >= 1):
        raise ValueError(f"n_iter must be an integer >= 1, got {n_iter!r}")
    W = W.detach()
    gen = torch.Generator().manual_seed(seed)
    v = torch.randn(W.shape[1], generator=gen, dtype=W.dtype).to(W.device)
    v = v / v.norm()
    for _ in range(n_iter):
        u = W @ v
        u = u / u.norm().clamp_min(1e-12)
        v = W.T @ u
        v = v / v.norm().clamp_min(1e-12)
    return float(u @ W @ v)
