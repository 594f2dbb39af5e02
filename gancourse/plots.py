"""Plotting helpers shared by several lectures (matplotlib; every axis labelled)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_game_frame", "show_digits", "tile_digits"]


def plot_game_frame(ax, x, p_data, p_g, d, title: str = "", legend: bool = True) -> None:
    """One frame in the style of Goodfellow et al. (2014), Figure 1.

    Data density as a black dotted line, generator density in green, discriminator D(x) as a
    blue dashed line (on the same axis: densities are scaled to a peak of 1 so that D, a
    probability, shares it).
    """
    scale = max(np.max(p_data), np.max(p_g))
    ax.plot(x, p_data / scale, "k:", lw=2, label="$p_{data}$")
    ax.plot(x, p_g / scale, "g", lw=2, label="$p_g$")
    ax.plot(x, d, "b--", lw=1.5, label="$D(x)$")
    ax.set(xlabel="x", ylim=(-0.03, 1.08), title=title)
    ax.set_ylabel("density (scaled) / D(x)")
    if legend:
        ax.legend(loc="upper left", fontsize=8)


def tile_digits(images, rows: int, cols: int) -> np.ndarray:
    """Arrange ``rows * cols`` square images (8x8 or 28x28, as (n, side * side) or
    (n, 1, side, side)) row by row into one (rows * side, cols * side) array."""
    images = np.asarray(images, dtype=float)
    per = images.size / max(rows * cols, 1)
    side = int(round(per ** 0.5))
    if rows * cols < 1 or len(images) != rows * cols or side * side != per:
        raise ValueError(f"images must hold rows * cols = {rows * cols} square images, got an "
                         f"array of shape {images.shape}")
    tiles = images.reshape(rows, cols, side, side).transpose(0, 2, 1, 3)
    return tiles.reshape(side * rows, side * cols)


def show_digits(ax, images, rows: int, cols: int, title: str = "") -> None:
    """Draw a grid of square digits (pixels in [-1, 1], ink dark) on ``ax``."""
    ax.imshow(tile_digits(images, rows, cols), cmap="gray_r", vmin=-1, vmax=1)
    ax.set(xticks=[], yticks=[], title=title)
