"""The live lab: train a GAN in the kernel and watch D's field and G's samples move.

GAN Lab (Kahng et al. 2018) showed, in a browser app, what a toy GAN looks like while it
trains. This is the same inside a notebook, on the course's own training loop
(:mod:`gancourse.live` builds every run): a heat map of D(x) -- or of the critic's score --
over the plane (for 1-D data, D's curve over the densities), the real samples, the generated
ones (a fixed z, so each dot is one z followed through training), and arrows for the pull of
the generator's loss on some of them (:func:`gancourse.fields.generator_pull`). The figure is
a JPEG in an ``Image`` widget, redrawn by blitting: the axes are drawn once per reset, each
frame only the moving artists.

Controls: play / pause (a toggle: while it is pressed the kernel plays frames in its own event
loop); one D step, one G step or one iteration (k D steps, then one G step); reset, or reset
with a new seed; the data set, the loss (switched live, keeping both networks), the remedy,
the learning rates, k and the iterations per frame. The readout shows the step, both losses,
the mode metrics, exact W1 with its sampling floor, frames per second and the kernel's time
per frame.

Nothing blocks the kernel for long: a frame trains at most ``iterations per frame``
iterations and stops early after :attr:`LiveLab.frame_seconds`, and between frames the kernel
handles the browser's messages, so a pause or a slider takes effect after the current frame.

Tests and lecture cells drive the lab without a browser: ``lab.iterate(n)``,
``lab.discriminator_step()``, ``lab.tick()`` (a frame of play),
``lab.buttons["g_step"].click()``, ``lab.controls["loss"].value = "minimax"``, then read
``lab.result`` (the numbers behind the figure). In a static export
(``GANCOURSE_STATIC=1``) the lab displays as a recorded animation of a fresh copy of itself.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import io
import os
import time
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..distributions import GaussianMixture
from ..fields import discriminator_field, generator_pull, pull_alignment
from ..live import LAB_DATA, LAB_LOSSES, LAB_REMEDIES, lab_data, make_lab_trainer, switch_loss
from ..metrics import mode_stats
from ..training import TrainingDiverged
from ..wasserstein import w1_1d, w1_point_clouds
from .base import STATIC_ENV

__all__ = ["LiveLab"]

_W1_POINTS = 128  # exact 2-D W1 on this many points: ~4 ms (linear assignment is O(n^3);
# 256 points took up to 28 ms, a third of a frame)


def _extent(data) -> tuple[float, float]:
    """The plotted range of each axis: the data's samples, padded."""
    pts = data.sample(4000, seed=12345).numpy()
    lo, hi = float(pts.min()), float(pts.max())
    pad = 0.25 * (hi - lo) + 0.2
    return lo - pad, hi + pad


def _kde(samples: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gaussian kernel density estimate on the points x (half of Scott's bandwidth)."""
    width = max(0.5 * 1.06 * samples.std() * len(samples) ** -0.2, 1e-3)  # half Scott: modes stay apart
    u = (x[:, None] - samples[None, :]) / width
    return np.exp(-0.5 * u * u).sum(axis=1) / (len(samples) * width * np.sqrt(2 * np.pi))


class LiveLab:
    """A GAN trained live, with its figure, readout and controls; see the module doc.

    Args:
        data: a name in :data:`gancourse.live.LAB_DATA`, or any 1-D or 2-D distribution
            (added to the data drop-down under its class name).
        loss, remedy: names in :data:`~gancourse.live.LAB_LOSSES` and
            :data:`~gancourse.live.LAB_REMEDIES`.
        seed, lr_d, lr_g, k_steps: the run's seed, learning rates and D steps per G step.
        iterations_per_frame: iterations trained per tick of play.
        device: where to train (default: :func:`gancourse.get_device`).
        n_show: generated and real samples drawn (and used by the metrics).
        n_arrows: generated samples that carry an arrow (a multiple of 4).
        grid_size: points per axis of the field.
        interval_ms: the shortest time between two frames of play (50 ms: at most 20
            frames per second, leaving the browser time to show them).
    """

    frame_seconds = 0.25  # a tick of play trains for at most this long
    readout_seconds = 0.25  # while playing, the readout and its metrics refresh this often
    figsize = (5.6, 4.4)

    def __init__(self, data="ring", *, loss: str = "non-saturating", remedy: str = "none",
                 seed: int = 0, lr_d: float = 1e-3, lr_g: float = 1e-3, k_steps: int = 1,
                 iterations_per_frame: int = 3, device=None, n_show: int = 400,
                 n_arrows: int = 48, grid_size: int = 64, interval_ms: int = 50):
        self.datasets = dict(LAB_DATA)
        if not isinstance(data, str):
            dist = lab_data(data)
            data = type(dist).__name__
            self.datasets[data] = dist
        lab_data(self.datasets.get(data, data))  # a clear error for an unknown name
        if n_arrows < 4 or n_arrows % 4 or n_arrows > n_show:
            raise ValueError(f"n_arrows must be a multiple of 4 between 4 and n_show ({n_show}),"
                             f" got {n_arrows}")
        self.device, self.n_show, self.n_arrows, self.grid_size = device, n_show, n_arrows, \
            grid_size
        for name, value, table in (("loss", loss, LAB_LOSSES), ("remedy", remedy, LAB_REMEDIES)):
            if value not in table:
                raise ValueError(f"{name} must be one of {', '.join(map(repr, table))}, got "
                                 f"{value!r}")
        style = {"description_width": "initial"}
        self.controls: dict[str, widgets.ValueWidget] = {
            "data": widgets.Dropdown(options=list(self.datasets), value=data,
                                     description="data"),
            "loss": widgets.Dropdown(options=list(LAB_LOSSES), value=loss, description="loss"),
            "remedy": widgets.Dropdown(options=list(LAB_REMEDIES), value=remedy,
                                       description="remedy"),
            "lr_d": widgets.FloatLogSlider(value=lr_d, base=10, min=-4, max=-1.5, step=0.1,
                                           description="lr D", readout_format=".1e"),
            "lr_g": widgets.FloatLogSlider(value=lr_g, base=10, min=-4, max=-1.5, step=0.1,
                                           description="lr G", readout_format=".1e"),
            "k": widgets.IntSlider(value=k_steps, min=1, max=10, description="k (D steps)",
                                   style=style),
            "per_frame": widgets.IntSlider(value=iterations_per_frame, min=1, max=50,
                                           description="iterations / frame", style=style),
            "seed": widgets.BoundedIntText(value=seed, min=0, max=10**6, description="seed",
                                           layout=widgets.Layout(width="150px")),
        }
        self.play = widgets.ToggleButton(value=False, description="play", icon="play",
                                         tooltip="play / pause",
                                         layout=widgets.Layout(width="auto"))
        self.interval = interval_ms / 1000
        self._task: asyncio.Task | None = None
        self.buttons = {name: widgets.Button(description=label, tooltip=tip,
                                             layout=widgets.Layout(width="auto"))
                        for name, label, tip in (
                            ("d_step", "D step", "one discriminator step"),
                            ("g_step", "G step", "one generator step"),
                            ("iteration", "iteration", "k D steps, then one G step"),
                            ("reset", "reset", "start again with this seed"),
                            ("new_seed", "new seed", "start again with the next seed"))}
        self.image = widgets.Image(format="jpeg")
        self.readout_html = widgets.HTML()
        self.message = widgets.HTML()
        self.result: dict[str, Any] = {}
        self.n_updates = 0
        self._ticks: collections.deque[float] = collections.deque(maxlen=20)
        self._frame_ms: collections.deque[float] = collections.deque(maxlen=20)
        self._readout_at = 0.0
        self.reset()
        self.buttons["d_step"].on_click(lambda _: self._guarded(self.discriminator_step))
        self.buttons["g_step"].on_click(lambda _: self._guarded(self.generator_step))
        self.buttons["iteration"].on_click(lambda _: self._guarded(self.iterate, 1))
        self.buttons["reset"].on_click(lambda _: self.reset())
        self.buttons["new_seed"].on_click(lambda _: self._new_seed())
        for name in ("data", "remedy", "seed"):
            self.controls[name].observe(lambda _: self.reset(), names="value")
        self.controls["loss"].observe(self._on_loss, names="value")
        for name in ("lr_d", "lr_g", "k"):
            self.controls[name].observe(self._on_rates, names="value")
        self.play.observe(self._on_play, names="value")

    # -- the run ----------------------------------------------------------------------------
    @property
    def data(self):
        return self.datasets[self.controls["data"].value]

    def reset(self) -> dict[str, Any]:
        """Start a fresh run with the current controls (and seed); redraw."""
        c = {name: w.value for name, w in self.controls.items()}
        self.trainer = make_lab_trainer(self.data, loss=c["loss"], remedy=c["remedy"],
                                        seed=c["seed"], lr_d=c["lr_d"], lr_g=c["lr_g"],
                                        k_steps=c["k"], device=self.device)
        self.d_steps = 0  # discriminator steps taken in this run
        data = self.data
        self.real = data.sample(self.n_show, seed=c["seed"] + 1_000_003).numpy()
        other = data.sample(self.n_show, seed=c["seed"] + 2_000_003).numpy()
        self.w1_floor = self._w1(other)
        lo, hi = _extent(data)
        axis = np.linspace(lo, hi, self.grid_size if data.dim == 2 else 400)
        if data.dim == 2:
            gx, gy = np.meshgrid(axis, axis)
            self.points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
        else:
            self.points = axis[:, None].astype(np.float32)
        self.extent = (lo, hi)
        self.message.value = ""
        self._build_figure()
        return self.refresh()

    def _new_seed(self) -> None:
        self.controls["seed"].value += 1  # observed: resets

    def _on_loss(self, change) -> None:
        switch_loss(self.trainer, change["new"])
        self._build_figure()  # the colour bar's meaning may change
        self.refresh()

    def _on_rates(self, _change) -> None:
        """The learning-rate and k sliders act on the running trainer at once."""
        c = self.controls
        self.trainer.config = replace(self.trainer.config, lr_d=c["lr_d"].value,
                                      lr_g=c["lr_g"].value, k_steps=c["k"].value)

    def discriminator_step(self) -> dict[str, Any]:
        """One D step; redraw. Returns the new result."""
        self.trainer.discriminator_step()
        self.d_steps += 1
        return self.refresh()

    def generator_step(self) -> dict[str, Any]:
        """One G step; redraw."""
        self.trainer.generator_step()
        return self.refresh()

    def _train(self, n: int, deadline: float | None = None) -> int:
        k = self.trainer.config.k_steps
        done = 0
        while done < n and (deadline is None or time.perf_counter() < deadline):
            for _ in range(k):
                self.trainer.discriminator_step()
                self.d_steps += 1
            self.trainer.generator_step()
            done += 1
        return done

    def iterate(self, n: int = 1) -> dict[str, Any]:
        """``n`` iterations of Algorithm 1 (k D steps, one G step each); redraw once."""
        self._train(int(n))
        return self.refresh()

    def _guarded(self, action, *args) -> None:
        """Run a button's action; a diverged run stops play and says so (state is kept)."""
        try:
            action(*args)
        except TrainingDiverged as err:
            self.play.value = False
            self.message.value = (f"<b style='color:#b00'>{err}</b> Press reset to start "
                                  "again.")

    def tick(self) -> dict[str, Any]:
        """One frame of play: up to ``iterations per frame`` iterations (stopping early after
        :attr:`frame_seconds`), then the figure; the readout at most every
        :attr:`readout_seconds`. A diverged run stops play and says so."""
        start = time.perf_counter()
        self._ticks.append(start)
        due = start - self._readout_at >= self.readout_seconds
        self._guarded(lambda: (self._train(self.controls["per_frame"].value,
                                           start + self.frame_seconds),
                               self.refresh(readout=due)))
        self._frame_ms.append(1000 * (time.perf_counter() - start))
        return self.result

    def _on_play(self, change) -> None:
        playing = change["new"]
        self.play.description = self.play.icon = "pause" if playing else "play"
        if not playing:  # the loop stops at its next check; the readout catches up now
            self.refresh()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a script or a test: no kernel to play in
            self.play.value = False
            self.message.value = ("Play needs a running kernel (JupyterLab); here, call "
                                  "lab.tick() or lab.iterate(n).")
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._play_loop())

    async def _play_loop(self) -> None:
        """Frames while ``play`` is pressed, in the kernel's event loop: between two frames the
        kernel handles the browser's messages (a pause, a slider), so nothing waits for a
        round trip to the browser and a pause takes effect after the current frame."""
        while self.play.value:
            start = time.perf_counter()
            self.tick()
            await asyncio.sleep(max(0.0, self.interval - (time.perf_counter() - start)))

    @property
    def frames_per_second(self) -> float:
        """Ticks of play handled per second over the last 20 (nan before two)."""
        if len(self._ticks) < 2 or self._ticks[-1] == self._ticks[0]:
            return float("nan")
        return (len(self._ticks) - 1) / (self._ticks[-1] - self._ticks[0])

    # -- the numbers behind the figure ------------------------------------------------------
    def _w1(self, fake: np.ndarray) -> float:
        if self.data.dim == 1:
            return w1_1d(fake[:, 0], self.real[:, 0])
        return w1_point_clouds(fake[:_W1_POINTS], self.real[:_W1_POINTS])

    def compute(self, metrics: bool = True) -> dict[str, Any]:
        """The lab's numbers at the current state (no training). Without ``metrics`` the
        readout's W1 and mode metrics are carried over from the last time they were computed
        (``metrics_step`` says when): a frame of play computes them a few times a second."""
        t = self.trainer
        fake_t = t.sample(self.n_show)
        fake = fake_t.numpy()
        raw = discriminator_field(t.D, self.points, context=fake_t).cpu().numpy()
        probability = t.loss.bce
        shown = 1 / (1 + np.exp(-raw)) if probability else raw
        pull = generator_pull(t.D, t.loss.g_loss, fake_t[: self.n_arrows]).cpu().numpy()
        result = {"step": t.step, "d_steps": self.d_steps,
                  "d_loss": t.last_losses.get("d_loss", float("nan")),
                  "g_loss": t.last_losses.get("g_loss", float("nan")),
                  "points": self.points, "raw_field": raw, "field": shown,
                  "probability": probability, "fake": fake, "real": self.real,
                  "pull": pull, "alignment": pull_alignment(pull), "w1_floor": self.w1_floor}
        data = self.data
        if data.dim == 1:
            result["density"] = _kde(fake[:, 0], self.points[:, 0])
        if not metrics and "metrics_step" in self.result:
            keys = ("metrics_step", "w1", "modes_captured", "n_modes", "high_quality", "counts")
            return {**result, **{k: self.result[k] for k in keys if k in self.result}}
        result.update(metrics_step=t.step, w1=self._w1(fake))
        if isinstance(data, GaussianMixture) and np.allclose(data.stds, data.stds[0]):
            stats = mode_stats(fake, data.means, float(data.stds[0]))
            result.update(stats.as_dict(), counts=stats.counts)
        return result

    def readout(self, r: dict[str, Any]) -> dict[str, str]:
        rows = {"generator step": f"{r['step']}", "D steps": f"{r['d_steps']}",
                "D loss": f"{r['d_loss']:.4f}", "G loss": f"{r['g_loss']:.4f}"}
        if "modes_captured" in r:
            rows["modes captured"] = f"{r['modes_captured']} / {r['n_modes']}"
            rows["high quality"] = f"{100 * r['high_quality']:.1f}%"
        rows["W1 (floor)"] = f"{r['w1']:.3f} ({r['w1_floor']:.3f})"
        rows["median pull"] = f"{np.median(np.linalg.norm(r['pull'], axis=1)):.3g}"
        rows["pull alignment"] = f"{r['alignment']:.2f}"
        rows["frames / s"] = f"{self.frames_per_second:.1f}"
        if self._frame_ms:  # the kernel's share of each frame: the rest is the browser's
            rows["kernel ms / frame"] = f"{np.median(self._frame_ms):.0f}"
        return rows

    def refresh(self, readout: bool = True) -> dict[str, Any]:
        """Recompute the numbers and redraw the figure; with ``readout`` also the metrics and
        the readout (play does so at most every :attr:`readout_seconds`: numbers that change
        15 times a second cannot be read, and each update is one more message)."""
        self.result = self.compute(metrics=readout)
        if readout:
            rows = "".join(f"<tr><td style='padding-right:1em'>{k}</td><td><b>{v}</b></td>"
                           "</tr>" for k, v in self.readout(self.result).items())
            self.readout_html.value = f"<table style='font-size:105%'>{rows}</table>"
            self._readout_at = time.perf_counter()
        self._draw(self.result)
        self.image.value = self._jpeg()
        self.n_updates += 1
        return self.result

    # -- the figure (matplotlib, blitted: the axes are drawn once per reset) ----------------
    def _build_figure(self) -> None:
        self.figure = Figure(figsize=self.figsize, dpi=72, layout="constrained")
        FigureCanvasAgg(self.figure)
        ax = self.ax = self.figure.add_subplot()
        lo, hi = self.extent
        probability = self.trainer.loss.bce
        label = "D(x)" if probability else "D's score (min to max)"
        if self.data.dim == 2:
            self.im = ax.imshow(np.zeros((self.grid_size, self.grid_size)), origin="lower",
                                extent=(lo, hi, lo, hi), vmin=0, vmax=1, cmap="RdBu",
                                interpolation="antialiased", animated=True)  # bilinear: 7 ms
            bar = self.figure.colorbar(self.im, ax=ax, shrink=0.8)
            bar.set_label(label + ": red fake, blue real")
            self.real_dots = ax.scatter(self.real[:, 0], self.real[:, 1], s=4, c="k",
                                        label="real", animated=True)  # over the heat map
            self.fake_dots = ax.scatter([], [], s=5, c="#f28e00", label="generated",
                                        animated=True)
            self.arrows = ax.quiver(np.zeros(self.n_arrows), np.zeros(self.n_arrows),
                                    np.zeros(self.n_arrows), np.zeros(self.n_arrows),
                                    angles="xy", scale_units="xy", scale=1, width=0.004,
                                    color="#1a7f37", label="pull on G's samples",
                                    animated=True)
            ax.set(xlim=(lo, hi), ylim=(lo, hi), aspect="equal", xlabel="$x_1$",
                   ylabel="$x_2$")
        else:
            x = self.points[:, 0]
            ax.plot(x, self.data.pdf(self.points), "k", lw=1.5, label="$p_{data}$")
            self.density, = ax.plot(x, np.zeros_like(x), color="#f28e00", lw=1.5,
                                    label="$p_g$ (kernel estimate)", animated=True)
            self.fake_dots = ax.scatter([], [], s=30, marker="|", c="#f28e00", animated=True)
            self.arrows = ax.quiver(np.zeros(self.n_arrows), np.zeros(self.n_arrows),
                                    np.zeros(self.n_arrows), np.zeros(self.n_arrows),
                                    angles="xy", scale_units="xy", scale=1, width=0.004,
                                    color="#1a7f37", label="pull on G's samples",
                                    animated=True)
            top = 1.3 * float(self.data.pdf(self.points).max())
            ax.set(xlim=(lo, hi), ylim=(-0.12 * top, top), xlabel="x", ylabel="density")
            self.ax_d = ax.twinx()
            self.d_line, = self.ax_d.plot(x, np.zeros_like(x), "C0--", lw=1.5, label=label,
                                         animated=True)
            self.ax_d.set(ylim=(-0.12, 1.05), ylabel=label)
        # outside the axes: the heat map, redrawn every frame, never covers it (an animated
        # legend inside cost 9.6 ms a frame)
        self.figure.legend(loc="outside upper center", ncols=4, fontsize=7, frameon=False)
        self.figure.canvas.draw()
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def _arrow_vectors(self, pull: np.ndarray) -> np.ndarray:
        """Arrow length grows with the pull and saturates at 12% of the plot's width."""
        span = self.extent[1] - self.extent[0]
        size = np.linalg.norm(pull, axis=1, keepdims=True)
        return np.where(size > 0, pull / np.maximum(size, 1e-30), 0.0) * \
            0.12 * span * np.tanh(size / 0.5)

    def _draw(self, r: dict[str, Any]) -> None:
        field = r["field"] if r["probability"] else \
            (r["field"] - r["field"].min()) / max(np.ptp(r["field"]), 1e-12)
        vec = self._arrow_vectors(r["pull"])
        fake = r["fake"]
        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        if self.data.dim == 2:
            self.im.set_data(field.reshape(self.grid_size, self.grid_size))
            self.fake_dots.set_offsets(fake)
            self.arrows.set_offsets(fake[: self.n_arrows])
            self.arrows.set_UVC(vec[:, 0], vec[:, 1])
            artists = (self.im, self.real_dots, self.fake_dots, self.arrows)
        else:
            self.density.set_ydata(r["density"])
            self.d_line.set_ydata(field)
            self.fake_dots.set_offsets(np.c_[fake[:, 0], np.zeros(len(fake))])
            base = -0.06 * self.ax.get_ylim()[1]
            self.arrows.set_offsets(np.c_[fake[: self.n_arrows, 0], np.full(self.n_arrows,
                                                                               base)])
            self.arrows.set_UVC(vec[:, 0], np.zeros(self.n_arrows))
            artists = (self.density, self.fake_dots, self.arrows)
            self.ax_d.draw_artist(self.d_line)
        for artist in artists:
            self.ax.draw_artist(artist)

    def _jpeg(self) -> bytes:
        """The canvas as JPEG: 2.4 ms and 31 kB a frame, where PNG took 11 ms (level 1)."""
        from PIL import Image

        rgba = np.asarray(self.figure.canvas.buffer_rgba())
        out = io.BytesIO()
        Image.fromarray(rgba[..., :3]).save(out, format="jpeg", quality=92)
        return out.getvalue()

    # -- display ------------------------------------------------------------------------------
    def widget(self) -> widgets.Widget:
        """Play, steps and resets on top; the choices; the sliders; figure and readout."""
        c = self.controls
        return widgets.VBox([
            widgets.HBox([self.play, *self.buttons.values()]),
            widgets.HBox([c["data"], c["loss"], c["remedy"], c["seed"]]),
            widgets.HBox([c["lr_d"], c["lr_g"]]),
            widgets.HBox([c["k"], c["per_frame"]]),
            widgets.HBox([self.image, widgets.VBox([self.readout_html, self.message])])])

    def record(self, frames: int = 24, iterations: int = 25) -> bytes:
        """An animated GIF of a fresh copy of this lab (same controls and seed): ``frames``
        frames, ``iterations`` iterations apart. The lab itself is not touched."""
        from PIL import Image

        c = {name: w.value for name, w in self.controls.items()}
        copy = LiveLab(self.datasets[c["data"]] if c["data"] not in LAB_DATA else c["data"],
                       loss=c["loss"], remedy=c["remedy"], seed=c["seed"], lr_d=c["lr_d"],
                       lr_g=c["lr_g"], k_steps=c["k"], device=self.device, n_show=self.n_show,
                       n_arrows=self.n_arrows, grid_size=self.grid_size)
        images = []
        for i in range(frames):
            if i:
                copy.iterate(iterations)
            images.append(Image.open(io.BytesIO(copy.image.value)).convert("RGB")
                          .quantize(colors=128))
        out = io.BytesIO()
        images[0].save(out, format="gif", save_all=True, append_images=images[1:],
                       duration=150, loop=0)
        return out.getvalue()

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if os.environ.get(STATIC_ENV, "") not in ("", "0"):
            gif = base64.b64encode(self.record()).decode("ascii")
            c = self.controls
            display(HTML(f"<p><i>A recording of the live lab ({c['data'].value}, "
                         f"{c['loss'].value}, remedy: {c['remedy'].value}, seed "
                         f"{c['seed'].value}); open the notebook in JupyterLab to train it "
                         f"live.</i></p><img src='data:image/gif;base64,{gif}'/>"))
            return
        display(self.widget())

