"""gancourse.saturation: the poor start of lecture 02."""

import math

import pytest
import torch

import gancourse as gc
from gancourse.models import AffineGenerator, MLPDiscriminator
from gancourse.saturation import generator_gradient, poor_start


def test_generator_gradient_matches_finite_differences():
    torch.manual_seed(0)
    D = MLPDiscriminator(1, (16,)).double()
    z = torch.randn(64, 1, dtype=torch.float64)
    g_losses = {"minimax": lambda logits: torch.log1p(-torch.sigmoid(logits)).mean(),
                "nonsaturating": lambda logits: -torch.log(torch.sigmoid(logits)).mean()}
    for loss, by_hand in g_losses.items():
        G = AffineGenerator(0.3, 0.8).double()
        h = 1e-6
        with torch.no_grad():
            up = by_hand(D(0.3 + h + 0.8 * z)).item()
            down = by_hand(D(0.3 - h + 0.8 * z)).item()
        assert generator_gradient(G, D, loss, z) == pytest.approx((up - down) / (2 * h),
                                                                  rel=1e-5)
    with pytest.raises(TypeError, match="G must be an AffineGenerator"):
        generator_gradient(torch.nn.Linear(1, 1), D, "minimax", z)


def test_poor_start_saturates_the_minimax_loss_only():
    data = gc.Gaussian1D(2.0, 0.75)
    runs = {loss: poor_start(data, loss, "sgd", lr_g=0.02, lr_d=0.2, d_steps=200, steps=30)
            for loss in ("minimax", "nonsaturating")}
    mm, ns = runs["minimax"], runs["nonsaturating"]
    assert mm["D(G(z))"] == ns["D(G(z))"] < 0.01  # same start, same seed: the same D
    # at the start, d/dlogit of log(1 - D) is -D while that of -log D is -(1 - D): with D ~ 0
    # the minimax gradient is smaller by about the factor D / (1 - D)
    assert mm["|dL/dmu| at start"] < 0.05 * ns["|dL/dmu| at start"]
    assert abs(mm["mu after"] + 3.0) < abs(ns["mu after"] + 3.0)
    assert poor_start(data, "minimax", "sgd", lr_g=0.02, lr_d=0.2, d_steps=200, steps=30) == mm
    assert math.isfinite(mm["sigma after"])
    with pytest.raises(ValueError, match="loss must be one of"):
        poor_start(data, "hinge-ish", "sgd", lr_g=0.02, lr_d=0.2)
    with pytest.raises(ValueError, match="optimizer must be 'adam' or 'sgd'"):
        poor_start(data, "minimax", "rmsprop", lr_g=0.02, lr_d=0.2, steps=1)
