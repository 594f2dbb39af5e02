"""GAN losses as pure functions of discriminator logits or critic scores.

Discriminator outputs are **logits** l (D(x) = sigmoid(l)), never probabilities: log sigmoid(l)
= -softplus(-l) and log(1 - sigmoid(l)) = -softplus(l) are then exact and overflow-free, which
avoids the classic "sigmoid followed by BCELoss" bug. Every function returns a scalar tensor
that the training loop minimises, and takes tensors of shape (B,) or (B, 1).

=================  =====================================  ====================================
name               discriminator / critic minimises       generator minimises
=================  =====================================  ====================================
``minimax``        -E log D(x) - E log(1 - D(G(z)))       E log(1 - D(G(z)))  (saturating)
``nonsaturating``  same                                   -E log D(G(z))
``lsgan``          E (D(x) - 1)^2/2 + E D(G(z))^2/2       E (D(G(z)) - 1)^2/2
``lsgan-chi2``     E (D(x) - 1)^2/2 + E (D(G(z))+1)^2/2   E D(G(z))^2/2  (Pearson chi^2)
``wgan``           E f(G(z)) - E f(x)                     -E f(G(z))
``hinge``          E relu(1 - f(x)) + E relu(1 + f(G(z)))  -E f(G(z))
``f-NAME``         -(E T(x) - E f*(T(G(z))))             -E f*(T(G(z)))
``ebgan``          E e(x) + E relu(m - e(G(z)))           E e(G(z))
``began``          E e(x) - k_t E e(G(z))                 E e(G(z))
=================  =====================================  ====================================

``ebgan`` and ``began`` take options (``get_loss("ebgan", margin=0.1)``, in a run
``TrainConfig(loss="ebgan", loss_options={"margin": 0.1})``); their D outputs energies e >= 0
(:class:`gancourse.energy.AutoEncoderDiscriminator`). Each call of :func:`get_loss` for
``began`` makes a new pair with its own k_t (:class:`BEGANControl`), so two runs never share it.

The f-GAN pairs (Nowozin et al. 2016), one per divergence NAME of
:data:`gancourse.fdivergences.F_DIVERGENCES` (``f-kl``, ``f-reverse_kl``, ``f-pearson``, ...):
D outputs V(x), T = g_f(V) is its value through the divergence's output activation, D
maximises the variational bound E_P T - E_Q f*(T) of D_f(P_data || P_G), and G minimises it
(the saddle-point objective of their Algorithm 1).

References: Goodfellow et al. 2014 (minimax, non-saturating); Mao et al. 2017 (LSGAN);
Arjovsky et al. 2017 (WGAN, weight clipping); Gulrajani et al. 2017 (gradient penalty);
Lim & Ye 2017, Miyato et al. 2018 (hinge); Salimans et al. 2016 (one-sided label smoothing);
Nowozin et al. 2016 (f-GAN); Zhao et al. 2017 (EBGAN); Berthelot et al. 2017 (BEGAN).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .fdivergences import F_DIVERGENCES

__all__ = [
    "d_loss_bce", "g_loss_minimax", "g_loss_nonsaturating", "d_loss_lsgan", "g_loss_lsgan",
    "d_loss_wasserstein", "g_loss_wasserstein", "d_loss_hinge", "g_loss_hinge",
    "gradient_penalty", "clip_weights", "LossPair", "LOSSES", "get_loss", "fgan_loss_pair",
    "lsgan_loss_pair", "ebgan_loss_pair", "pulling_away", "BEGANControl", "began_loss_pair",
    "LOSS_FACTORIES",
]


def _flat(t: torch.Tensor, name: str) -> torch.Tensor:
    if t.dim() == 2 and t.shape[1] == 1:
        return t[:, 0]
    if t.dim() != 1:
        raise ValueError(f"{name} must have shape (B,) or (B, 1), got {tuple(t.shape)}")
    return t


def d_loss_bce(logits_real: torch.Tensor, logits_fake: torch.Tensor,
               real_label: float = 1.0) -> torch.Tensor:
    """Binary cross-entropy of the discriminator on logits: real -> ``real_label``, fake -> 0.

    ``real_label=0.9`` is one-sided label smoothing (Salimans et al. 2016): only the real
    targets are softened, so D is never rewarded for confident fakes.
    """
    lr, lf = _flat(logits_real, "logits_real"), _flat(logits_fake, "logits_fake")
    if not 0.0 < real_label <= 1.0:
        raise ValueError(f"real_label must be in (0, 1], got {real_label}")
    real = F.binary_cross_entropy_with_logits(lr, torch.full_like(lr, real_label))
    fake = F.binary_cross_entropy_with_logits(lf, torch.zeros_like(lf))
    return real + fake


def g_loss_minimax(logits_fake: torch.Tensor) -> torch.Tensor:
    """E log(1 - D(G(z))), the generator's side of the original game (saturating)."""
    return -F.softplus(_flat(logits_fake, "logits_fake")).mean()


def g_loss_nonsaturating(logits_fake: torch.Tensor) -> torch.Tensor:
    """-E log D(G(z)): same fixed point, strong gradients where D(G(z)) is near 0."""
    return F.softplus(-_flat(logits_fake, "logits_fake")).mean()


def d_loss_lsgan(scores_real: torch.Tensor, scores_fake: torch.Tensor) -> torch.Tensor:
    """Least-squares discriminator loss with targets 1 (real) and 0 (fake), on linear outputs."""
    sr, sf = _flat(scores_real, "scores_real"), _flat(scores_fake, "scores_fake")
    return 0.5 * ((sr - 1) ** 2).mean() + 0.5 * (sf**2).mean()


def g_loss_lsgan(scores_fake: torch.Tensor) -> torch.Tensor:
    """Least-squares generator loss: push D(G(z)) towards the real target 1."""
    return 0.5 * ((_flat(scores_fake, "scores_fake") - 1) ** 2).mean()


def d_loss_wasserstein(scores_real: torch.Tensor, scores_fake: torch.Tensor) -> torch.Tensor:
    """Critic loss E f(G(z)) - E f(x); minimising it maximises the W1 estimate
    E f(x) - E f(G(z)).
    """
    return _flat(scores_fake, "scores_fake").mean() - _flat(scores_real, "scores_real").mean()


def g_loss_wasserstein(scores_fake: torch.Tensor) -> torch.Tensor:
    """Generator loss -E f(G(z))."""
    return -_flat(scores_fake, "scores_fake").mean()


def d_loss_hinge(scores_real: torch.Tensor, scores_fake: torch.Tensor) -> torch.Tensor:
    """Hinge discriminator loss E relu(1 - f(x)) + E relu(1 + f(G(z)))."""
    return (F.relu(1 - _flat(scores_real, "scores_real")).mean()
            + F.relu(1 + _flat(scores_fake, "scores_fake")).mean())


def g_loss_hinge(scores_fake: torch.Tensor) -> torch.Tensor:
    """Hinge generator loss -E f(G(z)) (the same as WGAN's)."""
    return -_flat(scores_fake, "scores_fake").mean()


def lsgan_loss_pair(a: float, b: float, c: float, name: str | None = None) -> LossPair:
    """LSGAN with codings a (fake), b (real) for D and c for G (Mao et al. 2017):
    D minimises E (D(x) - b)^2 / 2 + E (D(G(z)) - a)^2 / 2, G minimises E (D(G(z)) - c)^2 / 2.

    With b - c = 1 and b - a = 2 (e.g. a = -1, b = 1, c = 0) G's objective at the optimal D is
    Pearson chi^2(P_data + P_G || 2 P_G) (:mod:`gancourse.least_squares`); the 0-1-1 coding of
    ``"lsgan"`` is not of that form.
    """
    a, b, c = float(a), float(b), float(c)
    if a == b:
        raise ValueError(f"a and b must differ (D's targets for fake and real), got {a} and {b}")

    def d_loss(scores_real: torch.Tensor, scores_fake: torch.Tensor) -> torch.Tensor:
        sr, sf = _flat(scores_real, "scores_real"), _flat(scores_fake, "scores_fake")
        return 0.5 * ((sr - b) ** 2).mean() + 0.5 * ((sf - a) ** 2).mean()

    def g_loss(scores_fake: torch.Tensor) -> torch.Tensor:
        return 0.5 * ((_flat(scores_fake, "scores_fake") - c) ** 2).mean()

    return LossPair(name or f"lsgan({a:g}, {b:g}, {c:g})", d_loss, g_loss, bce=False)


def ebgan_loss_pair(margin: float) -> LossPair:
    """EBGAN (Zhao et al. 2017) on energies e = D(x) >= 0 (an auto-encoder's reconstruction
    error): D minimises E e(x) + E max(0, margin - e(G(z))), G minimises E e(G(z))."""
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin!r}")

    def d_loss(energy_real: torch.Tensor, energy_fake: torch.Tensor) -> torch.Tensor:
        er, ef = _flat(energy_real, "energy_real"), _flat(energy_fake, "energy_fake")
        return er.mean() + F.relu(margin - ef).mean()

    def g_loss(energy_fake: torch.Tensor) -> torch.Tensor:
        return _flat(energy_fake, "energy_fake").mean()

    return LossPair(f"ebgan(margin {margin:g})", d_loss, g_loss, bce=False)


def pulling_away(embeddings: torch.Tensor) -> torch.Tensor:
    """EBGAN's pulling-away term: the mean squared cosine similarity between the embeddings
    (B, d) of different samples of a batch, 1 / (B (B - 1)) sum_{i != j} cos^2(s_i, s_j).
    Added to G's loss, it pushes a batch's samples apart (0 for orthogonal embeddings)."""
    if embeddings.dim() != 2 or len(embeddings) < 2:
        raise ValueError(f"embeddings must have shape (B >= 2, d), got {tuple(embeddings.shape)}")
    unit = F.normalize(embeddings, dim=1)
    cos2 = (unit @ unit.T) ** 2
    n = len(embeddings)
    return (cos2.sum() - cos2.diagonal().sum()) / (n * (n - 1))


def gradient_penalty(critic: nn.Module, x_real: torch.Tensor, x_fake: torch.Tensor,
                     gp_weight: float = 10.0, generator: torch.Generator | None = None,
                     eps: torch.Tensor | None = None) -> torch.Tensor:
    """WGAN-GP penalty gp_weight * E[(||grad f(x_hat)||_2 - 1)^2] (Gulrajani et al. 2017).

    x_hat = eps * x_real + (1 - eps) * x_fake with one eps ~ U[0, 1] per sample. The norm is
    taken per sample over all non-batch dimensions (a common bug takes it over the batch).
    The graph is kept (create_graph=True) so the penalty trains the critic.

    Args:
        critic: maps (B, ...) to scores of shape (B,) or (B, 1).
        x_real, x_fake: (B, ...) tensors of the same shape; ``x_fake`` is detached here.
        gp_weight: lambda, 10 in the paper (the name of TrainConfig's field too).
        generator: optional torch.Generator for eps (on x_real's device).
        eps: the mixing weights themselves, shape (B, 1, ...) (drawn here when None; the
            seed-batched trainer passes each run's own draws).
    """
    if x_real.shape != x_fake.shape:
        raise ValueError(f"x_real and x_fake must have the same shape, got "
                         f"{tuple(x_real.shape)} and {tuple(x_fake.shape)}")
    b = x_real.shape[0]
    shape = (b,) + (1,) * (x_real.dim() - 1)
    if eps is None:
        eps = torch.rand(shape, device=x_real.device, dtype=x_real.dtype, generator=generator)
    elif tuple(eps.shape) != shape:
        raise ValueError(f"eps must have shape {shape} (one weight per sample), got "
                         f"{tuple(eps.shape)}")
    x_hat = (eps * x_real.detach() + (1 - eps) * x_fake.detach()).requires_grad_(True)
    scores = critic(x_hat)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    norms = grad.reshape(b, -1).norm(2, dim=1)  # (B,): one norm per sample
    return gp_weight * ((norms - 1) ** 2).mean()


@torch.no_grad()
def clip_weights(module: nn.Module, clip_value: float) -> None:
    """WGAN's weight clipping: clamp every parameter of ``module`` to [-c, c] in place."""
    if not clip_value > 0:
        raise ValueError(f"clip_value must be positive, got {clip_value}")
    for p in module.parameters():
        p.clamp_(-clip_value, clip_value)


@dataclass(frozen=True)
class LossPair:
    """A discriminator loss and the generator loss that goes with it."""

    name: str
    d_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    g_loss: Callable[[torch.Tensor], torch.Tensor]
    bce: bool  # True: a cross-entropy on logits, D(x) = sigmoid(output) is a probability and
    # one-sided label smoothing applies; False: D's output is a score used as it is (a critic)
    control: Any = None  # state the pair carries between steps (BEGAN's BEGANControl): after
    # every discriminator step, discriminator_step calls control.update(mean out_real,
    # mean out_fake)


def fgan_loss_pair(name: str) -> LossPair:
    """The f-GAN losses for divergence ``name`` of :data:`~gancourse.fdivergences.F_DIVERGENCES`
    (the pair is called ``"f-" + name``)."""
    if name not in F_DIVERGENCES:
        raise ValueError(f"name must be one of {', '.join(map(repr, F_DIVERGENCES))}, "
                         f"got {name!r}")
    div = F_DIVERGENCES[name]

    def d_loss(scores_real: torch.Tensor, scores_fake: torch.Tensor) -> torch.Tensor:
        t_real = div.activation(_flat(scores_real, "scores_real"))
        t_fake = div.activation(_flat(scores_fake, "scores_fake"))
        return -(t_real.mean() - div.conjugate(t_fake).mean())

    def g_loss(scores_fake: torch.Tensor) -> torch.Tensor:
        return -div.conjugate(div.activation(_flat(scores_fake, "scores_fake"))).mean()

    return LossPair(f"f-{name}", d_loss, g_loss, bce=False)


@dataclass
class BEGANControl:
    """BEGAN's proportional control (Berthelot et al. 2017, section 3.4).

    After each discriminator step with mean energies L(x) (real) and L(G(z)) (fake),
    ``k <- clip(k + lambda_k (gamma L(x) - L(G(z))), 0, 1)``: k grows while the fakes' energy
    is below gamma times the data's (D should push fakes harder) and shrinks while it is
    above. ``trace`` keeps, per step, ``k`` (after the update), ``real``, ``fake`` and the
    convergence measure ``measure`` = L(x) + |gamma L(x) - L(G(z))|.
    """

    gamma: float = 0.5
    lambda_k: float = 1e-3
    k: float = 0.0
    trace: dict[str, list[float]] = field(
        default_factory=lambda: {"k": [], "real": [], "fake": [], "measure": []})

    def __post_init__(self):
        if not 0 < self.gamma <= 1:
            raise ValueError(f"gamma must be in (0, 1], got {self.gamma!r}")
        if not self.lambda_k > 0:
            raise ValueError(f"lambda_k must be positive, got {self.lambda_k!r}")
        if not 0 <= self.k <= 1:
            raise ValueError(f"k (the initial k_t) must be in [0, 1], got {self.k!r}")

    def update(self, energy_real: float, energy_fake: float) -> None:
        balance = self.gamma * energy_real - energy_fake
        self.k = min(max(self.k + self.lambda_k * balance, 0.0), 1.0)
        for name, value in (("k", self.k), ("real", energy_real), ("fake", energy_fake),
                            ("measure", energy_real + abs(balance))):
            self.trace[name].append(float(value))


def began_loss_pair(gamma: float = 0.5, lambda_k: float = 1e-3, k: float = 0.0) -> LossPair:
    """BEGAN on energies e = D(x) (an auto-encoder's L1 reconstruction error): D minimises
    E e(x) - k_t E e(G(z)), G minimises E e(G(z)); the pair's ``control`` (a new
    :class:`BEGANControl`, the paper's gamma = 0.5 and lambda_k = 0.001 by default) moves k_t."""
    control = BEGANControl(float(gamma), float(lambda_k), float(k))

    def d_loss(energy_real: torch.Tensor, energy_fake: torch.Tensor) -> torch.Tensor:
        er, ef = _flat(energy_real, "energy_real"), _flat(energy_fake, "energy_fake")
        return er.mean() - control.k * ef.mean()

    def g_loss(energy_fake: torch.Tensor) -> torch.Tensor:
        return _flat(energy_fake, "energy_fake").mean()

    return LossPair(f"began(gamma {gamma:g})", d_loss, g_loss, bce=False, control=control)


# Losses with options: get_loss(name, **options) calls the factory, a new pair each time.
LOSS_FACTORIES: dict[str, Callable[..., LossPair]] = {
    "ebgan": ebgan_loss_pair,
    "began": began_loss_pair,
}

LOSSES = {
    "minimax": LossPair("minimax", d_loss_bce, g_loss_minimax, bce=True),
    "nonsaturating": LossPair("nonsaturating", d_loss_bce, g_loss_nonsaturating, bce=True),
    "lsgan": LossPair("lsgan", d_loss_lsgan, g_loss_lsgan, bce=False),
    "wgan": LossPair("wgan", d_loss_wasserstein, g_loss_wasserstein, bce=False),
    "hinge": LossPair("hinge", d_loss_hinge, g_loss_hinge, bce=False),
    "lsgan-chi2": lsgan_loss_pair(-1.0, 1.0, 0.0, name="lsgan-chi2"),
    **{f"f-{name}": fgan_loss_pair(name) for name in F_DIVERGENCES},
}


def get_loss(name: str, **options) -> LossPair:
    """The :class:`LossPair` called ``name`` (see the table in the module docstring).

    ``options`` go to the factory of a loss in :data:`LOSS_FACTORIES` (``ebgan``: margin;
    ``began``: gamma, lambda_k, k); the other losses take none.
    """
    if name in LOSS_FACTORIES:
        factory = LOSS_FACTORIES[name]
        params = inspect.signature(factory).parameters
        unknown = sorted(set(options) - set(params))
        missing = [p for p, spec in params.items()
                   if spec.default is inspect.Parameter.empty and p not in options]
        if unknown or missing:
            raise ValueError(f"loss_options for {name!r} take {', '.join(params)}"
                             + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                             + (f"; missing: {', '.join(missing)}" if missing else ""))
        return factory(**options)
    if name not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join([*LOSSES, *LOSS_FACTORIES])}, "
                         f"got {name!r}")
    if options:
        raise ValueError(f"loss {name!r} takes no loss_options, got {options}")
    return LOSSES[name]
