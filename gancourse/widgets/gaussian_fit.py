"""Lecture 01 widget: fit a Gaussian N(mu, sigma^2) to P_data by hand.

Sliders for mu and sigma; the figure shows p_data and the model density; the readout shows the
mean log-likelihood of a fixed data sample, KL(P_data || P_theta) and KL(P_theta || P_data).
Moving the sliders shows that the log-likelihood rises exactly when the forward KL falls.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from scipy.stats import norm

from ..distributions import GaussianMixture
from ..divergences import kl_on_grid
from ..likelihood import gaussian_log_likelihood
from .base import Explorer

__all__ = ["GaussianFitExplorer"]


class GaussianFitExplorer(Explorer):
    """Interactive forward/reverse KL and log-likelihood of a Gaussian model.

    Args:
        data: the data distribution (a 1-D :class:`GaussianMixture`); default: two modes.
        n_samples: size of the fixed data sample for the log-likelihood.
        seed: seed of that sample.
        x_range: plotting and integration range.
    """

    def __init__(self, data: GaussianMixture | None = None, n_samples: int = 2000, seed: int = 0,
                 x_range: tuple[float, float] = (-8.0, 8.0)):
        self.data = data if data is not None else GaussianMixture([-2.0, 2.0], [0.6, 0.6])
        if self.data.dim != 1:
            raise ValueError(f"data must be a 1-D distribution, got dim={self.data.dim}")
        self.samples = self.data.sample(n_samples, seed=seed)[:, 0].double().numpy()
        self.x = np.linspace(*x_range, 4001)
        self.p_data = self.data.pdf(self.x)
        controls = {
            "mu": widgets.FloatSlider(value=0.0, min=-5.0, max=5.0, step=0.05, description="μ"),
            "sigma": widgets.FloatSlider(value=1.0, min=0.2, max=4.0, step=0.05,
                                         description="σ"),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax = fig.add_subplot()
        (self.data_line,) = self.ax.plot(self.x, self.p_data, color="k", label="$p_{data}$")
        (self.model_line,) = self.ax.plot(self.x, np.zeros_like(self.x), color="C1",
                                          label=r"model $p_\theta$")
        self.ax.set(xlabel="x", ylabel="density", title=r"Fitting one Gaussian to $P_{data}$")
        self.ax.legend(loc="upper right")

    def compute(self, mu: float, sigma: float) -> dict:
        floor = 1e-300  # a model tail that underflows to 0 would make the reverse KL infinite
        p_model = norm.pdf(self.x, mu, sigma)
        return {
            "p_model": p_model,
            "log_likelihood": gaussian_log_likelihood(self.samples, mu, sigma),
            "kl": kl_on_grid(self.p_data, p_model + floor, self.x, mass_tol=0.05),
            "reverse_kl": kl_on_grid(p_model, self.p_data + floor, self.x, mass_tol=0.05),
        }

    def draw(self, result):
        self.model_line.set_ydata(result["p_model"])
        top = max(self.p_data.max(), result["p_model"].max())
        self.ax.set_ylim(0, 1.1 * top)

    def readout(self, result):
        return {"mean log-likelihood": f"{result['log_likelihood']:.3f}",
                "KL(P_data ‖ P_θ)": f"{result['kl']:.3f}",
                "KL(P_θ ‖ P_data)": f"{result['reverse_kl']:.3f}"}
