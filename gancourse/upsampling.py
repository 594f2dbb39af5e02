"""How a generator grows an image: transposed convolution, its sizes, and its checkerboards.

* A convolution maps x to W x for a (sparse, structured) matrix W; the **transposed
  convolution** with the same kernel maps y to W^T y. So <conv(x), y> = <x, conv_T(y)> for all
  x and y (:func:`adjoint_inner_products` computes both sides), and conv_T is exactly the
  gradient of conv -- which is how PyTorch computes it.
* Sizes (Dumoulin & Visin 2016): a convolution of an n-pixel side with kernel k, stride s,
  padding p and dilation d gives floor((n + 2p - d(k - 1) - 1) / s) + 1 pixels
  (:func:`conv_output_size`); the transposed one gives (n - 1) s - 2p + d(k - 1) + 1 + the
  output padding (:func:`transposed_output_size`).
* **Checkerboard artifacts** (Odena et al. 2016): a stride-s transposed convolution builds each
  output pixel from the kernel taps of one phase (its position modulo s), so unless every
  phase's taps sum alike, even a constant input comes out striped with period s. When the
  kernel size is not a multiple of the stride the phases do not even have the same number of
  taps ("uneven overlap"): a kernel of 3 at stride 2 stripes a constant input even with all its
  weights equal, where a kernel of 4 does not. :func:`checkerboard_share` measures it in the
  spectrum: the share of the non-constant power at the stride's frequencies.
  Resize-convolution (nearest-neighbour upsampling, then an ordinary convolution) gives every
  output pixel the same taps and has none.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["conv_output_size", "transposed_output_size", "adjoint_inner_products",
           "checkerboard_share"]


def _whole(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1) -> int:
    """Side of a convolution's output for an ``n``-pixel input side."""
    n, kernel = _whole(n, "n", 1), _whole(kernel, "kernel", 1)
    stride, padding = _whole(stride, "stride", 1), _whole(padding, "padding", 0)
    dilation = _whole(dilation, "dilation", 1)
    size = (n + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    if size < 1:
        raise ValueError(f"the kernel ({kernel}, dilation {dilation}) is larger than the padded "
                         f"input side n + 2 padding = {n + 2 * padding}")
    return size


def transposed_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0,
                           output_padding: int = 0, dilation: int = 1) -> int:
    """Side of a transposed convolution's output for an ``n``-pixel input side."""
    n, kernel = _whole(n, "n", 1), _whole(kernel, "kernel", 1)
    stride, padding = _whole(stride, "stride", 1), _whole(padding, "padding", 0)
    output_padding = _whole(output_padding, "output_padding", 0)
    dilation = _whole(dilation, "dilation", 1)
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding must be smaller than stride or dilation, got "
                         f"{output_padding}")
    size = (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    if size < 1:
        raise ValueError(f"padding {padding} removes the whole output")
    return size


def adjoint_inner_products(weight: torch.Tensor, x: torch.Tensor, y: torch.Tensor, *,
                           stride: int = 1, padding: int = 0) -> tuple[float, float]:
    """``(<conv(x), y>, <x, conv_T(y)>)`` with one kernel ``weight`` (out, in, k, k).

    ``x`` is (B, in, H, W), ``y`` (B, out, H', W') with H' the convolution's output side. The two
    are equal (up to round-off): the transposed convolution is the adjoint of the convolution.
    """
    if weight.dim() != 4:
        raise ValueError(f"weight must have shape (out, in, k, k), got {tuple(weight.shape)}")
    forward = F.conv2d(x, weight, stride=stride, padding=padding)
    if forward.shape != y.shape:
        raise ValueError(f"y must have the convolution's output shape {tuple(forward.shape)}, "
                         f"got {tuple(y.shape)}")
    extra = x.shape[-1] - transposed_output_size(y.shape[-1], weight.shape[-1], stride, padding)
    back = F.conv_transpose2d(y, weight, stride=stride, padding=padding, output_padding=extra)
    return float((forward * y).sum()), float((x * back).sum())


def checkerboard_share(images: torch.Tensor, period: int = 2) -> float:
    """Share of the images' non-constant spectral power at multiples of 1/``period`` cycles
    per pixel (the frequencies a stride-``period`` upsampling stripes with).

    ``images`` (n, C, H, W) with H and W multiples of ``period``. About ``(period^2 - 1) /
    (H W - 1)`` for white noise (those frequencies' share of all of them); near 1 for a pure
    checkerboard.
    """
    if images.dim() != 4:
        raise ValueError(f"images must have shape (n, C, H, W), got {tuple(images.shape)}")
    h, w = images.shape[-2:]
    period = _whole(period, "period", 2)
    if h % period or w % period:
        raise ValueError(f"the image sides ({h}, {w}) must be multiples of period {period}")
    power = torch.fft.fft2(images.detach().double()).abs() ** 2  # (n, C, H, W)
    power[..., 0, 0] = 0.0  # the constant (mean) component is not a pattern
    total = power.sum()
    if total == 0:
        return 0.0
    at = power[..., ::h // period, ::w // period].sum()  # frequencies k H / period, l W / period
    return float(at / total)
