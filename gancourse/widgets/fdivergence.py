"""Lecture 09 widget: one f-divergence, its conjugate, its best critic and its bound.

P = N(0, 1) is fixed and Q = N(theta, 1) slides. Pick a divergence of the f-GAN table
(:mod:`gancourse.fdivergences`): the left panel draws its f(u), the middle one its conjugate
f*(t) on f*'s domain, the right one the optimal critic T*(x) = f'(p(x) / q(x)) with both
densities. The readout gives D_f(P || Q) by quadrature, the variational bound at T* (equal to
it) and at a critic that is only roughly right (T* of the distance theta = 1, so it is exactly
right at theta = 1 and a lower bound elsewhere).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from scipy import stats

from ..fdivergences import (F_DIVERGENCES, f_divergence_on_grid, optimal_t_on_grid,
                            variational_bound_on_grid)
from .base import Explorer

__all__ = ["FDivergenceExplorer"]

X = np.linspace(-10, 12, 4401)
U = np.linspace(0.02, 4.0, 200)


class FDivergenceExplorer(Explorer):
    """Choose f and the shift theta; see f, f*, T* and the bound against D_f."""

    figsize = (10.5, 3.2)

    def __init__(self):
        controls = {
            "divergence": widgets.Dropdown(options=list(F_DIVERGENCES), value="kl",
                                           description="f"),
            "theta": widgets.FloatSlider(value=1.5, min=0.0, max=4.0, step=0.25,
                                         description="θ (Q's mean)"),
        }
        self.p = stats.norm.pdf(X)
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax_f, self.ax_conj, self.ax_t = fig.subplots(1, 3)
        (self.line_f,) = self.ax_f.plot([], [], "C0")
        self.ax_f.set(xlabel="u = p / q", title="f(u)")
        (self.line_conj,) = self.ax_conj.plot([], [], "C1")
        self.ax_conj.set(xlabel="t", title="f*(t)")
        (self.line_t,) = self.ax_t.plot([], [], "C2", label="T*(x)")
        (self.line_p,) = self.ax_t.plot(X, self.p, "k", lw=1, label="p")
        (self.line_q,) = self.ax_t.plot([], [], "k--", lw=1, label="q")
        self.ax_t.set(xlabel="x", xlim=(-4, 8), title="the best critic")
        self.ax_t.legend(fontsize=8)

    def compute(self, divergence: str, theta: float) -> dict:
        div = F_DIVERGENCES[divergence]
        q = stats.norm.pdf(X, theta, 1.0)
        t_star = optimal_t_on_grid(divergence, self.p, q)
        rough = optimal_t_on_grid(divergence, self.p, stats.norm.pdf(X, 1.0, 1.0))
        low, high = div.domain
        t_axis = np.linspace(max(low, -3.0), min(high, 3.0), 200)[1:-1]
        return {"u": U, "f": div.f(U), "t": t_axis, "conjugate": div.conjugate(t_axis),
                "q": q, "t_star": t_star,
                "divergence": f_divergence_on_grid(divergence, self.p, q, X),
                "bound_at_t_star": variational_bound_on_grid(divergence, t_star, self.p, q, X),
                "bound_rough": variational_bound_on_grid(divergence, rough, self.p, q, X)}

    def draw(self, result):
        self.line_f.set_data(result["u"], result["f"])
        self.line_conj.set_data(result["t"], result["conjugate"])
        self.line_q.set_data(X, result["q"])
        shown = np.clip(result["t_star"], -5, 5)
        self.line_t.set_data(X, shown)
        for ax in (self.ax_f, self.ax_conj):
            ax.relim()
            ax.autoscale_view()
        self.ax_t.set_ylim(-5.5, 5.5)

    def readout(self, result):
        return {"D_f(P ‖ Q), quadrature": f"{result['divergence']:.4f}",
                "bound at T*": f"{result['bound_at_t_star']:.4f}",
                "bound at T* of θ = 1": f"{result['bound_rough']:.4f}"}
