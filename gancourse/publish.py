"""Execute the course's notebooks headless, time them, and export them as slides or a web site.

Used by ``python3 course.py run|slides|site`` and ``benchmarks/course_run.py``. Notebooks are
always built fresh from their jupytext ``.py`` sources, so a user's edited ``.ipynb`` copies
are neither used nor touched. Exports run with ``GANCOURSE_STATIC=1``: every explorer widget
appears as its current figure and readout, which a static page can show without a kernel.
"""

from __future__ import annotations

import html
import os
import re
import time
from pathlib import Path

from .widgets.base import STATIC_ENV

__all__ = ["ROOT", "notebook_sources", "execute", "export", "lecture_title"]

ROOT = Path(__file__).resolve().parents[1]


def notebook_sources(*dirs: str) -> list[Path]:
    """The numbered jupytext sources (``NN_name.py``) in the given course folders, sorted."""
    return sorted(p for d in dirs for p in (ROOT / d).glob("[0-9]*.py"))


def lecture_title(source: Path) -> str:
    """The first Markdown heading of a notebook source (its title)."""
    for line in source.read_text(encoding="utf-8").splitlines():
        m = re.match(r"#\s*#\s+(.*)", line)
        if m:
            return m.group(1).strip()
    return source.stem


def execute(source: Path, *, timeout: int = 600, static: bool = False):
    """Run a notebook built from ``source`` in a fresh kernel; return (notebook, seconds).

    The kernel starts in the source's folder. ``seconds`` is the wall time from kernel start to
    the end of the last cell. A failing cell raises ``nbclient``'s CellExecutionError, which
    names the cell and shows its traceback.
    """
    import jupytext
    from nbclient import NotebookClient

    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(f"no notebook source at {source}")
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    old = os.environ.get(STATIC_ENV)
    os.environ[STATIC_ENV] = "1" if static else "0"
    try:
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(source.parent)}}).execute()
        seconds = time.perf_counter() - start
    finally:
        if old is None:
            os.environ.pop(STATIC_ENV, None)
        else:
            os.environ[STATIC_ENV] = old
    return nb, seconds


def export(kind: str, out: Path, sources: list[Path] | None = None) -> list[Path]:
    """Execute notebooks (default: every lecture) and write each as ``kind`` ("slides"/"html").

    Slides are reveal.js pages built from the ``slideshow`` cell metadata kept in the sources
    (cells marked "skip" stay out); "html" writes one page per notebook and an ``index.html``.
    Returns the written pages.
    """
    from nbconvert import HTMLExporter, SlidesExporter

    if kind not in ("slides", "html"):
        raise ValueError(f"kind must be 'slides' or 'html', got {kind!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    exporter = SlidesExporter() if kind == "slides" else HTMLExporter()
    if kind == "slides":
        exporter.reveal_scroll = True
    written, entries = [], []
    for source in (notebook_sources("lectures") if sources is None else sources):
        nb, seconds = execute(Path(source), static=True)
        body, _ = exporter.from_notebook_node(nb)
        name = f"{source.stem}.slides.html" if kind == "slides" else f"{source.stem}.html"
        page = out / name
        page.write_text(body, encoding="utf-8")
        written.append(page)
        entries.append((name, lecture_title(source), source.parent.name, seconds))
        print(f"  {source.parent.name}/{source.stem}: {seconds:.1f} s -> {page}", flush=True)
    index = out / "index.html"
    items = "\n".join(f'<li><a href="{html.escape(n)}">{html.escape(t)}</a> '
                      f'<small>({html.escape(d)})</small></li>' for n, t, d, _ in entries)
    heading = "GAN course: slides" if kind == "slides" else "GAN course"
    index.write_text(f"<!doctype html><meta charset='utf-8'><title>{heading}</title>"
                     f"<h1>{heading}</h1><ul>\n{items}\n</ul>\n", encoding="utf-8")
    return [index, *written]
