"""Lecture 04 widget: scrub through training snapshots of several methods.

A dropdown picks the method, a slider the training step; the figure shows the generated
samples at that step over the data's modes, and the readout the literature's metrics (modes
captured, share of high-quality samples). Snapshots come from ``History.snapshots`` of
:class:`~gancourse.training.GANTrainer` runs, so the widget replays training without running it.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..distributions import GaussianMixture
from ..metrics import mode_stats
from .base import Explorer

__all__ = ["SnapshotExplorer"]


class SnapshotExplorer(Explorer):
    """Replay of training snapshots.

    Args:
        snapshots: method name -> {step: samples of shape (n, 2)}; every method must have
            snapshots at the same steps.
        data: the data mixture (its modes are drawn and used for the metrics).
    """

    figsize = (5.0, 4.6)

    def __init__(self, snapshots: dict[str, dict[int, np.ndarray]], data: GaussianMixture):
        if not snapshots:
            raise ValueError("snapshots must map at least one method to its snapshots")
        steps = {name: sorted(s) for name, s in snapshots.items()}
        first = next(iter(steps.values()))
        if not first or any(v != first for v in steps.values()):
            raise ValueError("snapshots must hold the same, non-empty set of steps for every "
                             f"method; got {steps}")
        if data.dim != 2:
            raise ValueError(f"data must be a 2-D mixture, got dim={data.dim}")
        self.snapshots, self.data, self.steps = snapshots, data, first
        controls = {
            "method": widgets.Dropdown(options=list(snapshots), description="method"),
            "index": widgets.IntSlider(value=len(first) - 1, min=0, max=len(first) - 1,
                                       description="snapshot", readout=False),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax = fig.add_subplot()
        means = self.data.means
        self.ax.scatter(means[:, 0], means[:, 1], s=60, facecolors="none", edgecolors="k",
                        label="data modes")
        self.points = self.ax.scatter([], [], s=3, c="C1", alpha=0.5, label="generated")
        pad = 0.5 + 3 * float(self.data.stds.max())
        lo, hi = means.min() - pad, means.max() + pad
        self.ax.set(xlim=(lo, hi), ylim=(lo, hi), xlabel="$x_1$", ylabel="$x_2$",
                    aspect="equal")
        self.ax.legend(loc="upper right", fontsize=8)

    def compute(self, method: str, index: int) -> dict:
        step = self.steps[index]
        samples = np.asarray(self.snapshots[method][step])
        stats = mode_stats(samples, self.data.means, float(self.data.stds[0]))
        return {"step": step, "samples": samples, **stats.as_dict(), "counts": stats.counts}

    def draw(self, result):
        self.points.set_offsets(result["samples"])
        self.ax.set_title(f"{self.values['method']}, generator step {result['step']}")

    def readout(self, result):
        return {"generator step": str(result["step"]),
                "modes captured": f"{result['modes_captured']} / {result['n_modes']}",
                "high-quality samples": f"{100 * result['high_quality']:.1f}%"}
