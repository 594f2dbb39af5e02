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

from .floatpaths import float_path_env
from .widgets.base import STATIC_ENV

__all__ = ["ROOT", "notebook_sources", "execute", "try_notebook", "moved_numbers", "export",
           "lecture_title"]

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


def execute(source: Path, *, timeout: int = 600, static: bool = False,
            float_path: str = "native"):
    """Run a notebook built from ``source`` in a fresh kernel; return (notebook, seconds).

    The kernel starts in the source's folder, under the floating-point path ``float_path``
    (:mod:`gancourse.floatpaths`; ``"native"``: this CPU's own). ``seconds`` is the wall time
    from kernel start to the end of the last cell. A failing cell raises ``nbclient``'s
    CellExecutionError, which names the cell and shows its traceback.
    """
    import jupytext
    from nbclient import NotebookClient

    env = float_path_env(float_path, dict(os.environ))
    env[STATIC_ENV] = "1" if static else "0"
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(f"no notebook source at {source}")
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute(env=env)
    return nb, time.perf_counter() - start


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARROW = re.compile(r"^\s*-+>\s*(\d+)\s?(.*)$")  # IPython's "---> 22 assert x" line
# What differs between any two runs: timings, and a kernel's temporary file names in warnings.
_NOISE = re.compile(r"\d+(?:\.\d+)?\s*(?:s|ms|µs|seconds|steps/s)\b|ipykernel_\d+/\d+\.py:\d+")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def try_notebook(source: Path, float_path: str = "native", *, timeout: int = 600
                 ) -> dict:
    """Execute ``source`` under ``float_path`` and report, without raising on a failed cell.

    Returns a plain dict: ``name`` (folder/file), ``float_path``, ``ok``, ``seconds``, ``error``
    (for a failed cell: its number, the exception and the failing line; else ""), and
    ``printed``: the text each code cell printed, in order (compare it across float paths with
    :func:`moved_numbers`).
    """
    from nbclient.exceptions import CellExecutionError

    source = Path(source)
    report = {"name": f"{source.parent.name}/{source.name}", "float_path": float_path,
              "ok": True, "seconds": 0.0, "error": "", "printed": []}
    start = time.perf_counter()
    try:
        nb, report["seconds"] = execute(source, timeout=timeout, float_path=float_path)
    except CellExecutionError as err:
        report["ok"], report["seconds"] = False, time.perf_counter() - start
        text = _ANSI.sub("", str(err))
        where = [m for m in map(_ARROW.match, text.splitlines()) if m]
        report["error"] = f"{err.ename}: {err.evalue}".rstrip(": ") + \
            (f" at line {where[-1][1]}: `{where[-1][2].strip()}`" if where else "")
        return report
    for cell in nb.cells:
        if cell.cell_type == "code":
            report["printed"].append("".join(o.get("text", "") for o in cell.get("outputs", [])
                                             if o.get("output_type") == "stream"))
    return report


def moved_numbers(reference: list[str], other: list[str], limit: int = 3) -> tuple[int, list[str]]:
    """How many printed numbers differ between two runs of one notebook, and a few examples.

    Timings ("12.5 s", "40 ms") and the kernel's temporary file names in warnings are left out:
    they differ between any two runs.

    ``reference`` and ``other`` are the ``printed`` lists of :func:`try_notebook`. Returns
    ``(count, examples)`` with examples like ``"cell 4: +0.974 -> +1.157"``.
    """
    count, examples = 0, []
    for i, (a, b) in enumerate(zip(reference, other)):
        a, b = _NOISE.sub("", a), _NOISE.sub("", b)
        for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)):
            if x != y:
                count += 1
                if len(examples) < limit:
                    examples.append(f"cell {i}: {x} -> {y}")
    return count, examples


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
