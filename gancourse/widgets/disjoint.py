"""Lecture 03 widget: the parallel lines, with a shift slider and an instance-noise slider.

Left: 300 samples of P_0 and of P_theta in the plane, with the chosen noise added. Right: JSD
and W1 against theta at the chosen noise, a marker at the current theta. Readout: JSD, KL, W1.
Without noise JSD jumps to log 2 at any theta != 0; with noise it rises smoothly; W1 = |theta|
always.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from ..distributions import ParallelLine
from ..parallel_lines import parallel_lines_divergences
from .base import Explorer

__all__ = ["DisjointExplorer"]


class DisjointExplorer(Explorer):
    """Interactive JSD, KL and W1 between two parallel segments, with instance noise."""

    figsize = (9.0, 3.4)

    def __init__(self, n_points: int = 300, seed: int = 0):
        self.base = ParallelLine(0.0).sample(n_points, seed=seed).numpy()
        self.other = ParallelLine(0.0).sample(n_points, seed=seed + 1).numpy()
        rng = np.random.default_rng(seed)
        self.noise = rng.standard_normal((2, n_points, 2))  # scaled by the slider
        self.thetas = np.linspace(-2, 2, 81)
        controls = {
            "theta": widgets.FloatSlider(value=1.0, min=-2.0, max=2.0, step=0.05,
                                         description="θ"),
            "noise": widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05,
                                         description="noise σ"),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax_pts, self.ax_curve = fig.subplots(1, 2)
        self.pts0 = self.ax_pts.scatter([], [], s=4, c="k", label="$P_0$")
        self.pts1 = self.ax_pts.scatter([], [], s=4, c="g", label=r"$P_\theta$")
        self.ax_pts.set(xlim=(-3, 3), ylim=(-1.5, 2.5), xlabel="$x_1$", ylabel="$x_2$",
                        title="Samples (with instance noise)")
        self.ax_pts.legend(loc="upper left", fontsize=8)
        (self.js_line,) = self.ax_curve.plot(self.thetas, np.zeros_like(self.thetas), "b",
                                             label="JSD")
        (self.w1_line,) = self.ax_curve.plot(self.thetas, np.abs(self.thetas), "r",
                                             label="$W_1$")
        self.ax_curve.axhline(math.log(2), color="gray", ls=":", lw=1, label="log 2")
        (self.marker,) = self.ax_curve.plot([], [], "bo")
        self.ax_curve.set(xlabel=r"$\theta$", ylabel="nats / distance", ylim=(-0.05, 2.05),
                          title=r"Divergences against $\theta$")
        self.ax_curve.legend(loc="upper center", fontsize=8)

    def compute(self, theta: float, noise: float) -> dict:
        curve = np.array([parallel_lines_divergences(t, noise)["js"] for t in self.thetas])
        return {**parallel_lines_divergences(theta, noise), "js_curve": curve,
                "points0": self.base + noise * self.noise[0],
                "points1": self.other + [theta, 0.0] + noise * self.noise[1]}

    def draw(self, result):
        self.pts0.set_offsets(result["points0"])
        self.pts1.set_offsets(result["points1"])
        self.js_line.set_ydata(result["js_curve"])
        self.marker.set_data([self.values["theta"]], [result["js"]])

    def readout(self, result):
        kl = "∞" if math.isinf(result["kl"]) else f"{result['kl']:.4f}"
        return {"JSD(P_0 ‖ P_θ)": f"{result['js']:.4f}", "KL(P_0 ‖ P_θ)": kl,
                "W1(P_0, P_θ)": f"{result['w1']:.4f}", "log 2": f"{math.log(2):.4f}"}
