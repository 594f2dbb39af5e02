"""Transposed convolution: sizes against PyTorch's own layers, the adjoint identity, and the
checkerboard that a stride-2 kernel of 3 leaves and resize-convolution does not."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gancourse.upsampling import (adjoint_inner_products, checkerboard_share, conv_output_size,
                                  transposed_output_size)

CONFIGS = list(itertools.product([5, 7, 14], [1, 3, 4, 5], [1, 2, 3], [0, 1, 2], [1, 2]))


def test_sizes_are_pytorchs():
    """216 combinations of side, kernel, stride, padding and dilation (and every valid output
    padding) against the shapes PyTorch's own layers produce."""
    checked = 0
    for n, k, s, p, d in CONFIGS:
        x = torch.zeros(1, 1, n, n)
        if n + 2 * p - d * (k - 1) - 1 >= 0:
            got = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)(x).shape[-1]
            assert conv_output_size(n, k, s, p, d) == got, (n, k, s, p, d)
            checked += 1
        for op in range(max(s, d)):
            if (n - 1) * s - 2 * p + d * (k - 1) + op + 1 < 1:
                continue
            layer = nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=op,
                                       dilation=d)
            assert transposed_output_size(n, k, s, p, op, d) == layer(x).shape[-1], \
                (n, k, s, p, op, d)
            checked += 1
    assert checked > 300


def test_dcgans_28x28_generator_doubles_7_to_14_to_28():
    assert transposed_output_size(7, 4, stride=2, padding=1) == 14
    assert transposed_output_size(14, 4, stride=2, padding=1) == 28
    assert conv_output_size(28, 4, stride=2, padding=1) == 14


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1), (3, 2)])
def test_the_transposed_convolution_is_the_adjoint(stride, padding):
    g = torch.Generator().manual_seed(stride)
    weight = torch.randn(4, 3, 3, 3, generator=g, dtype=torch.float64)
    x = torch.randn(2, 3, 11, 11, generator=g, dtype=torch.float64)
    side = conv_output_size(11, 3, stride, padding)
    y = torch.randn(2, 4, side, side, generator=g, dtype=torch.float64)
    forward, backward = adjoint_inner_products(weight, x, y, stride=stride, padding=padding)
    assert forward == pytest.approx(backward, rel=1e-12)
    # ... and it is the gradient of the convolution: d<conv(x), y>/dx = conv_T(y)
    x.requires_grad_(True)
    (grad,) = torch.autograd.grad((F.conv2d(x, weight, stride=stride, padding=padding) * y).sum(),
                                  x)
    extra = 11 - transposed_output_size(side, 3, stride, padding)
    torch.testing.assert_close(grad, F.conv_transpose2d(y, weight, stride=stride,
                                                        padding=padding, output_padding=extra))


def test_checkerboards_from_uneven_overlap_and_none_from_resize_convolution():
    """A constant input through a stride-2 transposed convolution: a random kernel stripes it
    (its phases sum differently); with all weights equal a kernel of 3 still stripes it (uneven
    overlap) and a kernel of 4 does not (away from the border); nearest-neighbour upsampling
    then a convolution never does; white noise has its frequencies' share."""
    ones = torch.ones(8, 4, 8, 8)
    torch.manual_seed(0)
    random3 = nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1)
    resize = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                           nn.Conv2d(4, 1, 3, padding=1, padding_mode="replicate"))
    equal = {k: nn.ConvTranspose2d(4, 1, k, stride=2, padding=1, output_padding=4 - k,
                                   bias=False) for k in (3, 4)}
    with torch.no_grad():
        for layer in equal.values():
            layer.weight.fill_(1.0)
        striped, smooth = random3(ones), resize(ones)
        inner = {k: layer(ones)[..., 2:-2, 2:-2] for k, layer in equal.items()}
    assert striped.shape == smooth.shape == (8, 1, 16, 16)
    noise = torch.randn(64, 1, 16, 16, generator=torch.Generator().manual_seed(1))
    white = checkerboard_share(noise)
    assert white == pytest.approx(3 / 255, rel=0.3)
    assert checkerboard_share(striped) > 20 * white
    assert checkerboard_share(inner[3]) == pytest.approx(1.0)
    assert checkerboard_share(inner[4]) < 1e-12 and inner[4].std() < 1e-6
    assert checkerboard_share(smooth) < 1e-12


@pytest.mark.parametrize("call, match", [
    (lambda: conv_output_size(0, 3), "n must be"),
    (lambda: conv_output_size(3, 7), "larger than the padded"),
    (lambda: transposed_output_size(4, 3, stride=2, output_padding=2), "output_padding"),
    (lambda: checkerboard_share(torch.zeros(2, 15, 15)), "shape"),
    (lambda: checkerboard_share(torch.zeros(1, 1, 15, 16)), "multiples"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
