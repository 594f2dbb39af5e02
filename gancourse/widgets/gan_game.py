"""Lecture 02 widget: the GAN game for a fixed generator, solved in closed form.

Sliders for the generator density N(mu_g, sigma_g^2); the figure shows p_data, p_g and the
optimal discriminator D*(x) = p_data / (p_data + p_g); the readout shows
C(G) = max_D V(G, D) and JSD(P_data || P_G), which satisfy C(G) = -log 4 + 2 JSD.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from ..distributions import Distribution, Gaussian1D
from ..divergences import js_on_grid
from ..theory import optimal_discriminator, value_on_grid
from .base import Explorer

__all__ = ["GameExplorer"]


class GameExplorer(Explorer):
    """Interactive D*, V(G, D*) and JSD for a Gaussian generator against a 1-D P_data.

    Args:
        data: the data distribution (1-D, with a density); default N(2, 0.5^2).
        x_range: plotting and integration range.
    """

    def __init__(self, data: Distribution | None = None,
                 x_range: tuple[float, float] = (-6.0, 6.0)):
        self.data = data if data is not None else Gaussian1D(2.0, 0.5)
        if self.data.dim != 1:
            raise ValueError(f"data must be a 1-D distribution, got dim={self.data.dim}")
        self.x = np.linspace(*x_range, 4001)
        self.p_data = self.data.pdf(self.x)
        controls = {
            "mu_g": widgets.FloatSlider(value=-1.0, min=-5.0, max=5.0, step=0.05,
                                        description="μ_g"),
            "sigma_g": widgets.FloatSlider(value=1.0, min=0.2, max=3.0, step=0.05,
                                           description="σ_g"),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax = fig.add_subplot()
        self.ax_d = self.ax.twinx()
        (self.data_line,) = self.ax.plot(self.x, self.p_data, "k:", label="$p_{data}$")
        (self.g_line,) = self.ax.plot(self.x, np.zeros_like(self.x), "g", label="$p_g$")
        (self.d_line,) = self.ax_d.plot(self.x, np.zeros_like(self.x), "b--", label="$D^*$")
        self.ax.set(xlabel="x", ylabel="density", title="The optimal discriminator")
        self.ax_d.set(ylim=(-0.02, 1.02), ylabel="$D^*(x)$")
        lines = [self.data_line, self.g_line, self.d_line]
        self.ax.legend(lines, [ln.get_label() for ln in lines], loc="upper left")

    def compute(self, mu_g: float, sigma_g: float) -> dict:
        p_g = Gaussian1D(mu_g, sigma_g).pdf(self.x)
        d_star = optimal_discriminator(self.p_data, p_g)
        return {"p_g": p_g, "d_star": d_star,
                "value": value_on_grid(self.p_data, p_g, d_star, self.x),
                "js": js_on_grid(self.p_data, p_g, self.x, mass_tol=0.05)}

    def draw(self, result):
        self.g_line.set_ydata(result["p_g"])
        self.d_line.set_ydata(result["d_star"])
        self.ax.set_ylim(0, 1.1 * max(self.p_data.max(), result["p_g"].max()))

    def readout(self, result):
        return {"C(G) = max_D V(G, D)": f"{result['value']:.4f}",
                "JSD(P_data ‖ P_G)": f"{result['js']:.4f}",
                "−log 4 + 2·JSD": f"{-math.log(4) + 2 * result['js']:.4f}",
                "−log 4 (the minimum)": f"{-math.log(4):.4f}"}
