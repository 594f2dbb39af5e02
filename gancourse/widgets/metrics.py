"""Lecture 08 widget: one toy, two failures, every metric at once.

The real data are the ring of :mod:`gancourse.metric_toys` (eight modes). Two sliders make the
"generator": how many modes it keeps (collapse) and how much wider than the real modes its
own are (blur). The figure shows both samples; the readout shows precision and recall,
density and coverage, FID and KID, and the modes and high-quality share of the collapse
literature, side by side: collapse moves recall and coverage but hardly precision, blur the
reverse, and FID barely notices blur at all (it only compares means and covariances).
"""

from __future__ import annotations

import ipywidgets as widgets

from ..metric_toys import REAL, toy_report, toy_samples
from .base import Explorer

__all__ = ["MetricsToyExplorer"]


class MetricsToyExplorer(Explorer):
    """Collapse and blur sliders on the 8-mode ring, with every metric live."""

    figsize = (4.6, 4.2)

    def __init__(self, n: int = 1000, seed: int = 0):
        self.n = n
        self.real = toy_samples(n, seed=seed)
        self.seed = seed + 1  # the generator's draws: another sample than the real one
        controls = {
            "modes_kept": widgets.IntSlider(value=8, min=1, max=REAL.n_modes,
                                            description="modes kept"),
            "noise": widgets.FloatSlider(value=1.0, min=0.5, max=4.0, step=0.25,
                                         description="blur ×"),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax = fig.subplots()
        self.ax.scatter(*self.real.T, s=3, color="k", alpha=0.4, label="real")
        self.fake_dots = self.ax.scatter([], [], s=3, color="C1", alpha=0.5, label="generated")
        self.ax.set(xlim=(-1.6, 1.6), ylim=(-1.6, 1.6), aspect="equal",
                    title="The ring and a generator")
        self.ax.legend(loc="upper right", fontsize=8)

    def compute(self, modes_kept: int, noise: float) -> dict:
        fake = toy_samples(self.n, modes_kept, noise, seed=self.seed)
        return {"fake": fake, **toy_report(self.real, fake)}

    def draw(self, result):
        self.fake_dots.set_offsets(result["fake"])

    def readout(self, result):
        return {"precision (k=3)": f"{result['precision']:.3f}",
                "recall (k=3)": f"{result['recall']:.3f}",
                "density (k=5)": f"{result['density']:.3f}",
                "coverage (k=5)": f"{result['coverage']:.3f}",
                "FID": f"{result['fid']:.4f}",
                "KID": f"{result['kid']:.4f} ± {result['kid_se']:.4f}",
                "modes (of 8)": str(result["modes"]),
                "high quality": f"{100 * result['high_quality']:.1f} %"}
