"""Lecture 05 widget: the earth mover's distance between two histograms, and its optimal plan.

P is a fixed two-bump histogram on 16 bins; Q is a bump whose position and width the sliders
set. The figure shows both histograms and an optimal transport plan gamma (a heat map: row i,
column j = mass moved from bin i of P to bin j of Q). The plan drawn is the monotone one, which
moves mass in order: 1-D optimal plans are not unique when all earth moves one way, and the
linear programme's vertex can look arbitrary. The readout shows W1 from the linear programme,
the cost of the drawn plan and W1 from the 1-D CDF formula (all three agree), and the JSD of the
two histograms (which saturates at log 2 once they stop overlapping).
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from ..divergences import js
from ..wasserstein import emd_1d, monotone_plan_1d, w1_1d
from .base import Explorer

__all__ = ["TransportExplorer"]


def _bump(centres: np.ndarray, mean: float, width: float) -> np.ndarray:
    weights = np.exp(-0.5 * ((centres - mean) / width) ** 2)
    weights[weights < 1e-3 * weights.max()] = 0.0  # a finite support, so JSD can reach log 2
    return weights / weights.sum()


class TransportExplorer(Explorer):
    """Interactive optimal transport plan between two histograms on 16 bins."""

    figsize = (9.0, 3.6)

    def __init__(self, n_bins: int = 16):
        self.x = np.arange(n_bins, dtype=float)
        self.p = 0.6 * _bump(self.x, 3.0, 1.0) + 0.4 * _bump(self.x, 8.0, 0.7)
        controls = {
            "shift": widgets.FloatSlider(value=10.0, min=0.0, max=n_bins - 1.0, step=0.5,
                                         description="Q's centre"),
            "width": widgets.FloatSlider(value=1.0, min=0.3, max=3.0, step=0.1,
                                         description="Q's width"),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax_hist, self.ax_plan = fig.subplots(1, 2)
        w = 0.4
        self.bars_p = self.ax_hist.bar(self.x - w / 2, self.p, width=w, color="k", label="P")
        self.bars_q = self.ax_hist.bar(self.x + w / 2, np.zeros_like(self.x), width=w,
                                       color="C2", label="Q")
        self.ax_hist.set(xlabel="bin", ylabel="mass", ylim=(0, 0.7), title="Two histograms")
        self.ax_hist.legend()
        self.plan_image = self.ax_plan.imshow(np.zeros((len(self.x), len(self.x))),
                                              origin="lower", cmap="viridis", vmin=0, vmax=0.3)
        self.ax_plan.set(xlabel="bin of Q (to)", ylabel="bin of P (from)",
                         title=r"Optimal plan $\gamma$")

    def compute(self, shift: float, width: float) -> dict:
        q = _bump(self.x, shift, width)
        distance, _ = emd_1d(self.x, self.p, self.x, q)
        plan = monotone_plan_1d(self.x, self.p, self.x, q)
        cost = float(np.sum(plan * np.abs(self.x[:, None] - self.x[None, :])))
        return {"q": q, "plan": plan, "w1": distance, "plan_cost": cost,
                "w1_cdf": w1_1d(self.x, self.x, self.p, q), "js": js(self.p, q)}

    def draw(self, result):
        for bar, h in zip(self.bars_q, result["q"]):
            bar.set_height(h)
        self.plan_image.set_data(result["plan"])

    def readout(self, result):
        return {"W1 (linear programme)": f"{result['w1']:.4f}",
                "cost of the drawn plan": f"{result['plan_cost']:.4f}",
                "W1 (CDF formula)": f"{result['w1_cdf']:.4f}",
                "JSD(P ‖ Q)": f"{result['js']:.4f}",
                "log 2": f"{math.log(2):.4f}"}
