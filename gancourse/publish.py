"""Execute the course's notebooks headless, time them, and export them as slides or a web site.

Used by ``python3 course.py run|slides|site`` and ``benchmarks/course_run.py``. Notebooks are
always built fresh from their jupytext ``.py`` sources, so a user's edited ``.ipynb`` copies
are neither used nor touched. Exports run with ``GANCOURSE_STATIC=1``: every explorer widget
appears as its current figure and readout, which a static page can show without a kernel.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from pathlib import Path

from .floatpaths import float_path_env
from .widgets.base import STATIC_ENV

__all__ = ["ROOT", "notebook_sources", "execute", "try_notebook", "moved_numbers", "export",
           "ExportError", "lecture_title"]

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


# Run after a notebook's last cell: the kernel's peak resident memory (Linux and macOS give
# ru_maxrss in KiB and bytes), and the largest of its finished child processes'.
_PEAK_CELL = """import json as _j, resource as _r, sys as _s
_k = 1 if _s.platform == "darwin" else 1024
print(_j.dumps([_r.getrusage(_r.RUSAGE_SELF).ru_maxrss * _k,
                _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss * _k]))"""


def execute(source: Path, *, timeout: int = 600, static: bool = False,
            float_path: str = "native", env: dict | None = None):
    """Run a notebook built from ``source`` in a fresh kernel; return (notebook, seconds).

    The kernel starts in the source's folder, under the floating-point path ``float_path``
    (:mod:`gancourse.floatpaths`; ``"native"``: this CPU's own), with ``env`` (default: this
    process's environment). ``seconds`` is the wall time from kernel start to the end of the
    last cell. A failing cell raises ``nbclient``'s CellExecutionError, which names the cell and
    shows its traceback. Where the platform reports it (not on Windows), the notebook's
    ``metadata.gancourse_peak_rss`` holds the kernel's peak resident memory in bytes, plus the
    largest of its child processes' (measured by a cell run after the last one and removed).
    """
    import jupytext
    from nbclient import NotebookClient

    from nbformat import v4

    env = float_path_env(float_path, dict(os.environ if env is None else env))
    env[STATIC_ENV] = "1" if static else "0"
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(f"no notebook source at {source}")
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    measure = os.name == "posix"
    if measure:
        nb.cells.append(v4.new_code_cell(_PEAK_CELL))
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute(env=env)
    seconds = time.perf_counter() - start
    if measure:
        cell = nb.cells.pop()
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") ==
                       "stream")
        nb.metadata["gancourse_peak_rss"] = sum(json.loads(text.strip().splitlines()[-1]))
    return nb, seconds


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARROW = re.compile(r"^\s*-+>\s*(\d+)\s?(.*)$")  # IPython's "---> 22 assert x" line
# What differs between any two runs: timings, and a kernel's temporary file names in warnings.
_NOISE = re.compile(r"\d+(?:\.\d+)?\s*(?:s|ms|µs|seconds|steps/s)\b|ipykernel_\d+/\d+\.py:\d+")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def try_notebook(source: Path, float_path: str = "native", *, timeout: int = 600
                 ) -> dict:
    """Execute ``source`` under ``float_path`` and report, without raising on a failed cell.

    Returns a plain dict: ``name`` (folder/file), ``float_path``, ``ok``, ``seconds``, ``error``
    (for a failed cell: its number, the exception and the failing line; else ""), ``printed``:
    the text each code cell printed, in order (compare it across float paths with
    :func:`moved_numbers`), and ``peak_mib``: the kernel's peak memory (see :func:`execute`;
    None where not measured).
    """
    from nbclient.exceptions import CellExecutionError

    source = Path(source)
    report = {"name": f"{source.parent.name}/{source.name}", "float_path": float_path,
              "ok": True, "seconds": 0.0, "error": "", "printed": [], "peak_mib": None}
    start = time.perf_counter()
    try:
        nb, report["seconds"] = execute(source, timeout=timeout, float_path=float_path)
    except CellExecutionError as err:
        report["ok"], report["seconds"] = False, time.perf_counter() - start
        report["error"] = failure_text(err)
        return report
    if "gancourse_peak_rss" in nb.metadata:
        report["peak_mib"] = nb.metadata["gancourse_peak_rss"] / 2 ** 20
    for cell in nb.cells:
        if cell.cell_type == "code":
            report["printed"].append("".join(o.get("text", "") for o in cell.get("outputs", [])
                                             if o.get("output_type") == "stream"))
    return report


def failure_text(err: BaseException) -> str:
    """One line for a failed notebook: the exception and, for a cell, its failing line."""
    from nbclient.exceptions import CellExecutionError

    if not isinstance(err, CellExecutionError):
        return f"{type(err).__name__}: {err}".rstrip(": ")
    text = _ANSI.sub("", str(err))
    where = [m for m in map(_ARROW.match, text.splitlines()) if m]
    return f"{err.ename}: {err.evalue}".rstrip(": ") + \
        (f" at line {where[-1][1]}: `{where[-1][2].strip()}`" if where else "")


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


class ExportError(RuntimeError):
    """Some notebooks failed to run; the others were exported and the index lists all.

    Attributes: ``pages`` (what was written, the index first) and ``failures`` (source ->
    one-line error).
    """

    def __init__(self, pages: list[Path], failures: dict[Path, str]):
        self.pages, self.failures = pages, failures
        names = ", ".join(f"{p.parent.name}/{p.stem}" for p in failures)
        super().__init__(f"{len(failures)} notebook(s) failed to run: {names}")


def _offline_options(out: Path) -> dict:
    """Exporter options that point pages at copies of MathJax, require.js, jQuery, reveal.js
    and the widgets' manager in ``out/assets`` (:mod:`gancourse.offline`; the npm tarballs are
    cached in ``out``'s parent folder under ``.npm-cache``), and leave out Mermaid. When the
    copies cannot be had, say so and return no options: the pages then load those scripts
    from CDNs when viewed."""
    from .offline import AssetsError, asset_urls, install_assets, without_mermaid

    cache = out.parent / ".npm-cache"
    try:
        install_assets(out, cache)
    except AssetsError as err:
        print(f"  warning: {err}; the pages will load these scripts from CDNs when viewed",
              flush=True)
        return {}
    return {**asset_urls(), "extra_template_paths": [str(cache / "templates")],
            "template_file": without_mermaid(cache / "templates")}


def _has_mermaid(nb) -> bool:
    return any(c.cell_type == "markdown" and "```mermaid" in c.source for c in nb.cells)


def export(kind: str, out: Path, sources: list[Path] | None = None) -> list[Path]:
    """Execute notebooks (default: every lecture) and write each as ``kind`` ("slides"/"html").

    Slides are reveal.js pages built from the ``slideshow`` cell metadata kept in the sources
    (cells marked "skip" stay out); "html" writes one page per notebook and an ``index.html``.
    The scripts the pages use are copied into ``out/assets`` (:mod:`gancourse.offline`), so
    they typeset formulas and present slides with no internet.
    A notebook that fails does not stop the others: the index marks it with its error, and
    :class:`ExportError` is raised at the end. Returns the written pages, the index first.
    """
    from nbconvert import HTMLExporter, SlidesExporter

    if kind not in ("slides", "html"):
        raise ValueError(f"kind must be 'slides' or 'html', got {kind!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    options = _offline_options(out)
    offline = bool(options)
    exporters = {}
    for mermaid in (False, True):  # a page with a Mermaid diagram keeps nbconvert's template
        chosen = {k: v for k, v in options.items()
                  if not mermaid or k not in ("template_file", "extra_template_paths")}
        if kind == "slides":
            exporters[mermaid] = SlidesExporter(reveal_scroll=True, **chosen)
        else:
            exporters[mermaid] = HTMLExporter(**{k: v for k, v in chosen.items()
                                                 if k != "reveal_url_prefix"})
    written, items, failures = [], [], {}
    for source in (notebook_sources("lectures") if sources is None else sources):
        source = Path(source)
        title, folder = html.escape(lecture_title(source)), html.escape(source.parent.name)
        try:
            nb, seconds = execute(source, static=True)
        except Exception as err:  # noqa: BLE001 - any failure: export the rest, report this
            failures[source] = failure_text(err)
            items.append(f'<li class="failed">{title} <small>({folder})</small>: '
                         f'<strong>did not run</strong> <code>'
                         f'{html.escape(failures[source])}</code></li>')
            print(f"  {source.parent.name}/{source.stem}: FAILED: {failures[source]}",
                  flush=True)
            continue
        nb.metadata.pop("gancourse_peak_rss", None)
        body, _ = exporters[_has_mermaid(nb)].from_notebook_node(nb)
        name = f"{source.stem}.slides.html" if kind == "slides" else f"{source.stem}.html"
        page = out / name
        page.write_text(body, encoding="utf-8")
        written.append(page)
        items.append(f'<li><a href="{html.escape(name)}">{title}</a> <small>({folder})</small>'
                     '</li>')
        print(f"  {source.parent.name}/{source.stem}: {seconds:.1f} s -> {page}", flush=True)
    index = out / "index.html"
    heading = "GAN course: slides" if kind == "slides" else "GAN course"
    listing = "\n".join(items)
    note = "" if offline else ("<p class='failed'>The formulas and slides load their scripts "
                               "from the internet: the npm registry could not be reached when "
                               "these pages were built.</p>")
    index.write_text(f"<!doctype html><meta charset='utf-8'><title>{heading}</title>"
                     "<style>.failed{color:#a00}</style>"
                     f"<h1>{heading}</h1>{note}<ul>\n{listing}\n</ul>\n", encoding="utf-8")
    pages = [index, *written]
    if failures:
        raise ExportError(pages, failures)
    return pages
