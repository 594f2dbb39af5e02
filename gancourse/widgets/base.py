"""The pattern every course widget follows: controls -> numbers -> readout and figure.

A subclass declares its controls (ipywidgets sliders, dropdowns, ...), a pure ``compute`` that
turns control values into a dict of numbers and arrays, and a ``draw`` that puts that dict on a
matplotlib figure. The base class wires them together: any control change recomputes, refreshes
the readout and re-renders the figure into an ``Image`` widget.

Because ``compute`` is pure and the latest result is kept in ``.result``, tests drive a widget
by setting ``explorer.controls[name].value`` and asserting on ``.result`` and on the figure's
artists -- no browser, no running kernel. A lecture cell that checks the widget's numbers uses
``result_at(**values)`` instead: it computes at other values and leaves the displayed sliders
alone (a cell that moves displayed sliders races the browser's echo of each move, and a user
could be left looking at a slider that disagrees with what the kernel last set). Rendering into an ``Image`` (PNG bytes) rather than
relying on a matplotlib backend keeps the widget identical in JupyterLab, in a test and in a
static export (with ``GANCOURSE_STATIC=1`` an explorer displays as that PNG and its readout).
"""

from __future__ import annotations

import io
import os
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

__all__ = ["Explorer", "STATIC_ENV"]

# Set to 1 (the course's static site does) to show each explorer as its current figure and
# readout instead of live controls.
STATIC_ENV = "GANCOURSE_STATIC"


class Explorer:
    """Base class for the course's interactive explorers.

    Subclasses set ``self.controls`` (an ordered dict of name -> ipywidget with a ``value``),
    build their figure in ``setup_figure`` and implement ``compute`` and ``draw``; ``readout``
    may be overridden to choose what the text panel shows.
    """

    figsize = (7.5, 3.6)

    def __init__(self, controls: dict[str, widgets.ValueWidget]):
        self.controls = dict(controls)
        self.figure = Figure(figsize=self.figsize, layout="constrained")
        self.setup_figure(self.figure)
        self.readout_html = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.result: dict[str, Any] = {}
        self.n_updates = 0
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    # -- to implement --------------------------------------------------------------------
    def setup_figure(self, fig: Figure) -> None:
        raise NotImplementedError

    def compute(self, **values) -> dict[str, Any]:
        raise NotImplementedError

    def draw(self, result: dict[str, Any]) -> None:
        raise NotImplementedError

    def readout(self, result: dict[str, Any]) -> dict[str, str]:
        """Label -> formatted value, shown as a small table beside the figure."""
        return {}

    # -- wiring ----------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def result_at(self, **values) -> dict[str, Any]:
        """What the widget would show at ``values`` (others as they are now), without moving
        its controls. Raises ValueError for a name that is not a control."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"values must name controls of this widget ({', '.join(self.controls)}"
                             f"), got {', '.join(unknown)}")
        return self.compute(**{**self.values, **values})

    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> dict[str, Any]:
        """Recompute from the current control values and refresh readout and figure."""
        self.result = self.compute(**self.values)
        rows = "".join(f"<tr><td style='padding-right:1em'>{k}</td><td><b>{v}</b></td></tr>"
                       for k, v in self.readout(self.result).items())
        self.readout_html.value = f"<table style='font-size:110%'>{rows}</table>"
        self.draw(self.result)
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=90)
        self.image.value = buf.getvalue()
        self.n_updates += 1
        return self.result

    def widget(self) -> widgets.Widget:
        """The assembled widget: controls on top, figure and readout below."""
        return widgets.VBox([widgets.HBox(list(self.controls.values())),
                             widgets.HBox([self.image, self.readout_html])])

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, display

        if os.environ.get(STATIC_ENV, "") not in ("", "0"):
            # A static export (the course's HTML site): the current figure and readout, as
            # plain outputs that need no running kernel.
            display(Image(data=self.image.value, format="png"), HTML(self.readout_html.value))
            return
        display(self.widget())
