"""Lecture 06 widget: draw me a digit.

Pick a digit y and move two latent sliders; a grid of 4 x 8 generated digits G(z_i + s1 d1 +
s2 d2 | y) updates live (z_i fixed random points, d1 and d2 two fixed random directions). Below
it, a strip interpolates between two latent points, G((1 - t) z_a + t z_b | y), with the
image at the slider's t framed. The readout says how many of the grid's digits an independent
classifier labels y, and the grid's diversity (mean pairwise distance).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.patches import Rectangle
from scipy.spatial.distance import pdist

from ..conditional import generate
from ..plots import tile_digits
from .base import Explorer

__all__ = ["DigitExplorer"]

_ROWS, _COLS, _STRIP = 4, 8, 8


class DigitExplorer(Explorer):
    """Interactive conditional digit generator.

    Args:
        G: a conditional generator G(z, y) -> (n, 64) or (n, 1, 8, 8) images in [-1, 1].
        classifier: optional :class:`~gancourse.digits.DigitClassifier` for the readout.
        seed: fixes the grid's latent points, the two slider directions and z_a, z_b.
    """

    figsize = (9.0, 5.2)

    def __init__(self, G: torch.nn.Module, classifier=None, seed: int = 0):
        self.G, self.classifier = G, classifier
        gen = torch.Generator().manual_seed(seed)
        k = G.latent_dim
        self.z = torch.randn(_ROWS * _COLS, k, generator=gen)
        directions = torch.randn(2, k, generator=gen)
        self.directions = directions / directions.norm(dim=1, keepdim=True)
        self.z_a, self.z_b = torch.randn(2, k, generator=gen)
        controls = {
            "digit": widgets.Dropdown(options=list(range(10)), value=7, description="digit"),
            "s1": widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.25,
                                      description="latent 1"),
            "s2": widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.25,
                                      description="latent 2"),
            "t": widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=1 / (_STRIP - 1),
                                     description="a → b", readout_format=".2f"),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        grid_ax, strip_ax = fig.subplots(2, 1, height_ratios=[_ROWS, 1.4])
        self.grid_image = grid_ax.imshow(np.zeros((8 * _ROWS, 8 * _COLS)), cmap="gray_r",
                                         vmin=-1, vmax=1)
        self.grid_ax, self.strip_ax = grid_ax, strip_ax
        self.strip_image = strip_ax.imshow(np.zeros((8, 8 * _STRIP)), cmap="gray_r",
                                           vmin=-1, vmax=1)
        self.frame = strip_ax.add_patch(Rectangle((-0.5, -0.5), 8, 8, fill=False,
                                                  edgecolor="C3", linewidth=2.5))
        for ax in (grid_ax, strip_ax):
            ax.set_xticks([])
            ax.set_yticks([])
        strip_ax.set_title("interpolation from z_a to z_b", fontsize=9)

    def _generate(self, z: torch.Tensor, digit: int) -> np.ndarray:
        return generate(self.G, [digit] * len(z), z=z).numpy()

    def compute(self, digit: int, s1: float, s2: float, t: float) -> dict:
        shift = s1 * self.directions[0] + s2 * self.directions[1]
        images = self._generate(self.z + shift, digit)
        ts = torch.linspace(0, 1, _STRIP)[:, None]
        strip = self._generate((1 - ts) * self.z_a + ts * self.z_b, digit)
        index = int(round(t * (_STRIP - 1)))
        result = {"images": images, "strip": strip, "index": index,
                  "diversity": float(pdist(images).mean())}
        if self.classifier is not None:
            result["labelled_as_digit"] = float(np.mean(self.classifier.predict(images) == digit))
        return result

    def draw(self, result):
        self.grid_image.set_data(tile_digits(result["images"], _ROWS, _COLS))
        self.strip_image.set_data(tile_digits(result["strip"], 1, _STRIP))
        self.frame.set_x(8 * result["index"] - 0.5)
        self.grid_ax.set_title(f"G(z | y = {self.controls['digit'].value}) for 32 latent points",
                               fontsize=10)

    def readout(self, result):
        out = {"diversity of the grid": f"{result['diversity']:.2f}"}
        if "labelled_as_digit" in result:
            out = {"classifier agrees": f"{100 * result['labelled_as_digit']:.0f}%", **out}
        return out
