"""Plotting helpers shared by several lectures (matplotlib; every axis labelled)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_game_frame"]


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
