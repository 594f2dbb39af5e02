"""Lecture 07 widgets: walking a generator's latent space, and switching DCGAN's rules.

:class:`LatentExplorer` -- pick two end points (latent codes drawn from seeds) and a path
(straight or spherical); a strip of eight images walks from one to the other, and the image at
the slider's position is shown large, with an attribute direction (averaged-z arithmetic) added
at the chosen strength. The readout gives the judge's label and confidence there, and the ink.

:class:`RuleSwitch` -- pick a variant (a DCGAN rule removed, or an improved technique added)
and a seed: the saved samples of that run (``benchmarks/digit_gans.py``) and its scores.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.patches import Rectangle

from ..latent import ink, interpolate
from ..plots import tile_digits
from ..results import unpack_bytes
from .base import Explorer

__all__ = ["LatentExplorer", "RuleSwitch"]

_STRIP = 8


class LatentExplorer(Explorer):
    """Interpolate between two latent codes of an unconditional image generator.

    Args:
        G: maps (n, G.latent_dim) codes to (n, 1, 28, 28) images in [-1, 1].
        judge: a :class:`~gancourse.judge.Judge` for the readout.
        direction: (latent_dim,) an attribute direction added at the "add" slider's strength
            (e.g. :func:`gancourse.latent.attribute_direction` for ink); None: no slider.
        n_points: how many end points (codes drawn from seeds 0..n_points-1) to choose from.
    """

    figsize = (8.0, 4.4)

    def __init__(self, G: torch.nn.Module, judge, direction: torch.Tensor | None = None,
                 n_points: int = 20):
        self.G, self.judge = G, judge
        self.codes = torch.stack([torch.randn(G.latent_dim,
                                              generator=torch.Generator().manual_seed(s))
                                  for s in range(n_points)])
        self.direction = None if direction is None else torch.as_tensor(direction).float()
        controls = {
            "a": widgets.IntSlider(value=0, min=0, max=n_points - 1, description="start z"),
            "b": widgets.IntSlider(value=1, min=0, max=n_points - 1, description="end z"),
            "path": widgets.Dropdown(options=["linear", "spherical"], value="linear",
                                     description="path"),
            "t": widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=1 / (_STRIP - 1),
                                     description="a → b", readout_format=".2f"),
        }
        if self.direction is not None:
            controls["add"] = widgets.FloatSlider(value=0.0, min=-2.0, max=2.0, step=0.25,
                                                  description="+ direction")
        super().__init__(controls)

    def setup_figure(self, fig):
        strip_ax, big_ax = fig.subplots(1, 2, width_ratios=[2.2, 1])
        self.strip_ax, self.big_ax = strip_ax, big_ax
        self.strip_image = strip_ax.imshow(np.zeros((2 * 28, 4 * 28)), cmap="gray_r",
                                           vmin=-1, vmax=1)
        self.frame = strip_ax.add_patch(Rectangle((-0.5, -0.5), 28, 28, fill=False,
                                                  edgecolor="C3", linewidth=2.5))
        self.big_image = big_ax.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=-1, vmax=1)
        for ax in (strip_ax, big_ax):
            ax.set_xticks([])
            ax.set_yticks([])
        strip_ax.set_title("the path from a to b, in eight steps", fontsize=9)

    @torch.no_grad()
    def _images(self, z: torch.Tensor) -> torch.Tensor:
        was = self.G.training
        self.G.eval()
        device = next(self.G.parameters()).device
        out = self.G(z.to(device)).cpu()
        self.G.train(was)
        return out

    def compute(self, a: int, b: int, path: str, t: float, add: float = 0.0) -> dict:
        codes = interpolate(self.codes[a], self.codes[b], _STRIP, path)
        index = int(round(t * (_STRIP - 1)))
        z = codes[index:index + 1]
        if self.direction is not None:
            z = z + add * self.direction
        strip = self._images(codes)
        image = self._images(z)
        probs = self.judge.probabilities(image)[0]
        return {"strip": strip.numpy(), "image": image.numpy(), "index": index,
                "label": int(probs.argmax()), "confidence": float(probs.max()),
                "ink": float(ink(image.numpy())[0]),
                "strip_labels": self.judge.labels(strip).tolist()}

    def draw(self, result):
        self.strip_image.set_data(tile_digits(result["strip"], 2, 4))
        row, col = divmod(result["index"], 4)
        self.frame.set_xy((28 * col - 0.5, 28 * row - 0.5))
        self.big_image.set_data(result["image"][0, 0])
        self.big_ax.set_title(f"judge: {result['label']} ({100 * result['confidence']:.0f}%)",
                              fontsize=10)

    def readout(self, result):
        return {"judge's label": result["label"],
                "confidence": f"{100 * result['confidence']:.0f}%",
                "ink": f"{result['ink']:.0f}",
                "labels along the path": " ".join(map(str, result["strip_labels"]))}


class RuleSwitch(Explorer):
    """Saved samples and scores of the lecture's GAN variants, one seed at a time.

    Args:
        benchmark: what :func:`gancourse.mnist_gans.load_digit_gans_benchmark` returns.
    """

    figsize = (4.6, 4.6)

    def __init__(self, benchmark: dict):
        self.runs = {(r["variant"], r["seed"]): r for r in benchmark["runs"]}
        self.real = benchmark["real"]
        names = list(dict.fromkeys(r["variant"] for r in benchmark["runs"]))
        seeds = sorted({r["seed"] for r in benchmark["runs"]})
        controls = {
            "variant": widgets.Dropdown(options=names, value=names[0], description="variant"),
            "seed": widgets.Dropdown(options=seeds, value=seeds[0], description="seed"),
        }
        super().__init__(controls)

    def setup_figure(self, fig):
        self.ax = fig.subplots()
        self.grid = self.ax.imshow(np.zeros((6 * 28, 6 * 28)), cmap="gray_r", vmin=-1, vmax=1)
        self.ax.set_xticks([])
        self.ax.set_yticks([])

    def compute(self, variant: str, seed: int) -> dict:
        if (variant, seed) not in self.runs:
            raise ValueError(f"no saved run of {variant!r} with seed {seed}")
        run = self.runs[variant, seed]
        images = unpack_bytes(run["samples"]).astype(np.float64) / 127.5 - 1
        return {"images": images, "fid": run["fid"], "confidence": run["confidence"],
                "classes": run["classes"], "smallest": run["smallest"]}

    def draw(self, result):
        self.grid.set_data(tile_digits(result["images"], 6, 6))
        self.ax.set_title(f"{self.controls['variant'].value}, seed {self.controls['seed'].value}",
                          fontsize=10)

    def readout(self, result):
        return {"judge FID": f"{result['fid']:.0f} (real digits {self.real['fid']:.1f})",
                "confidence": f"{100 * result['confidence']:.0f}%",
                "classes ≥ 4 %": result["classes"],
                "smallest class": f"{100 * result['smallest']:.1f}%"}
