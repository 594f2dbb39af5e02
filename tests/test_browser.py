"""A real browser: JupyterLab on 127.0.0.1, a lecture run in headless Chromium, a slider moved.

Uses Debian's ``chromium`` (``/usr/bin/chromium``, or ``GANCOURSE_CHROMIUM``) driven by
Playwright; no browser is downloaded. Skips with the reason when Chromium or Playwright is
missing. The screenshot is kept in build/test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM, free_port, needs_chromium, wait_for_server

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "build" / "test-artifacts"
LECTURE = ROOT / "lectures" / "01_mle_and_kl.py"

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.timeout(900)]


@contextlib.contextmanager
def _serve(tmp_path: Path, nb) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving the notebook ``nb`` as lecture.ipynb; yields
    the notebook's URL."""
    import jupytext

    nb.metadata.pop("jupytext", None)
    jupytext.write(nb, tmp_path / "lecture.ipynb", fmt="ipynb")
    # Lab settings for this server only: every cell attached to the page (the default
    # "contentVisibility" sizes off-screen cells by estimate, so the page shifts while we
    # scroll to the slider), the notebook's kernel started without asking (on a busy machine
    # Lab can open the notebook before it knows the kernels, and then shows "Select Kernel"),
    # and no news pop-up over the notebook.
    settings = tmp_path / "lab-settings"
    tracker = {"windowingMode": "none", "autoStartDefaultKernel": True}
    for name, values in {"notebook-extension/tracker": tracker,
                         "apputils-extension/notification": {"fetchNews": "false"}}.items():
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=",
           f"--LabApp.user_settings_dir={settings}",
           f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",  # not the user's own
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    users_workspaces = _user_workspaces()
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={token}", server, tmp_path / "lab.log",
                        "JupyterLab")
        yield f"{base}/lab/tree/lecture.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    # A test's Lab leaves no workspace behind for the user's next `course.py lab` to trip on.
    assert _user_workspaces() == users_workspaces


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 serving a fresh copy of lecture 01."""
    import jupytext

    with _serve(tmp_path, jupytext.read(LECTURE)) as url:
        yield url


def _user_workspaces() -> set[str]:
    from jupyter_core.paths import jupyter_config_dir

    folder = Path(jupyter_config_dir()) / "lab" / "workspaces"
    return {p.name for p in folder.glob("*")} if folder.is_dir() else set()


def _steady_box(page, locator) -> dict:
    """The element's box once it has stopped moving (two equal reads 250 ms apart)."""
    box = None
    for _ in range(120):  # at most 30 s: a loaded machine can take that long to lay out
        locator.scroll_into_view_if_needed()
        page.wait_for_timeout(250)
        new = locator.bounding_box()
        if new is not None and new == box:
            return box
        box = new
    return box


def _drag_right(page, handle, value_before: str, attempts: int = 4) -> bool:
    """Drag a slider handle 40 px to the right, as a user would; True once its value moved.

    The page can still be laying out when the drag starts (images arriving, outputs
    growing); a drag that missed the handle is tried again from the handle's new place.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        print(f"drag, attempt {attempt + 1}", flush=True)
        page.keyboard.press("Escape")  # leave any editor a missed press may have entered
        box = _steady_box(page, handle)
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 40, y, steps=5)
        page.mouse.up()
        try:  # the value changes as soon as the widget has taken the drag
            page.wait_for_function("([el, old]) => el.getAttribute('aria-valuenow') !== old",
                                   arg=[handle.element_handle(), value_before], timeout=10_000)
            return True
        except PlaywrightTimeout:
            continue
    return False


def _open_and_run_all(page, url: str, sync_api) -> None:
    """Open the notebook at ``url`` in Lab as a user would, start its kernel and Run All."""
    # Should Lab still ask which kernel to start, answer as a user would: Select.
    page.add_locator_handler(
        page.locator(".jp-Dialog", has_text="Select Kernel"),
        lambda dialog: dialog.locator(".jp-mod-accept").click())
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    # wait for the kernel and for every script of the page (the widgets extension's
    # among them: a widget created before it listens shows "model not found"), then
    # Run > Run All Cells
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=90_000)
    page.wait_for_load_state("networkidle", timeout=90_000)
    # On a loaded machine Lab can open the notebook with "No Kernel": then pick one
    # as a user would (the kernel-name button opens "Select Kernel", answered above).
    has_kernel = ("() => { const k = document.querySelector("
                  "'.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName');"
                  " return k && k.innerText.includes('Python'); }")
    for attempt in range(3):
        try:
            page.wait_for_function(has_kernel, timeout=60_000)
            break
        except sync_api.TimeoutError:
            print(f"no kernel yet; selecting one ({attempt + 1})", flush=True)
            page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-kernelName").click()
    else:
        pytest.fail("the notebook never got a kernel")
    # Run All; wait until the kernel has taken the cells ([*]) and is idle again with
    # none left running; then check that every code cell shows an execution count. On
    # a loaded machine the kernel's connection can drop queued requests (the prompts
    # show [*], then go blank, some cells run and the rest do not): then ask again at
    # once. Re-running is harmless, the lecture is seeded; a cell that raises stops Run
    # All every time, and the test fails with what every cell showed.
    prompts = "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
    indicator = "document.querySelector('.jp-Notebook-ExecutionIndicator')"
    running = f"() => {prompts}.some(e => e.innerText.includes('*'))"
    settled = (f"() => {{ const s = {indicator}; return s && s.dataset.status === "
               f"'idle' && !{prompts}.some(e => e.innerText.includes('*')); }}")
    all_ran = (f"() => {prompts}.length > 0 && "
               f"{prompts}.every(e => /\\[[0-9]+\\]/.test(e.innerText))")
    for attempt in range(5):
        print(f"Run All Cells, attempt {attempt + 1}", flush=True)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.wait_for_function(running, timeout=30_000)
        except sync_api.TimeoutError:
            pass  # the request was dropped at once, or the cells ran in a blink
        page.wait_for_function(settled, timeout=300_000)
        if page.evaluate(all_ran):
            break
        page.keyboard.press("Escape")
    else:
        pytest.fail("Run All Cells never ran every cell of the notebook")


def _wait_for_widget(page, locator) -> None:
    """Wait for a widget, or for the sign that the kernel made it before the page's widget
    manager listened (seen on a loaded machine): then run that cell again, as a user would.
    Event waits only; each round may take minutes under load."""
    broken = page.locator(".jp-CodeCell", has_text="Error displaying widget").first
    for attempt in range(3):
        locator.or_(broken).first.wait_for(state="attached", timeout=180_000)
        if locator.count():
            break
        print(f"widget not displayed; running its cell again ({attempt + 1})", flush=True)
        broken.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        broken.wait_for(state="detached", timeout=180_000)
    locator.wait_for(state="attached", timeout=180_000)


def _dump_failure(page) -> None:
    """A screenshot and what each cell showed, for whoever reads a failed CI log."""
    page.screenshot(path=str(ARTIFACTS / "browser_failure.png"))
    outputs = page.eval_on_selector_all(
        ".jp-Cell", "cells => cells.map((c, i) => `--- cell ${i} `"
        " + (c.querySelector('.jp-InputPrompt') || {innerText: ''}).innerText + '\\n'"
        " + [...c.querySelectorAll('.jp-OutputArea-output')]"
        ".map(o => o.innerText.slice(0, 300)).join('\\n'))")
    (ARTIFACTS / "browser_failure.txt").write_text("\n".join(outputs))
    print("\n".join(outputs)[-3000:])


@contextlib.contextmanager
def _browser_page() -> Iterator[tuple]:
    """Headless Chromium's page and Playwright's API; on a failure, the screenshot and what
    each cell showed are kept (:func:`_dump_failure`)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            yield page, sync_api
        except Exception:
            _dump_failure(page)
            raise
        finally:
            browser.close()


def test_run_a_lecture_and_move_a_slider(lab):
    with _browser_page() as (page, sync_api):
        _open_and_run_all(page, lab, sync_api)
        slider = page.locator(".widget-hslider .noUi-handle").first
        _wait_for_widget(page, slider)
        # After Run All the sliders show the values the kernel holds: the lecture's last
        # cells compute at other values without moving them (they once moved them, and
        # the page was left showing sigma = 0.60 while the kernel had set 1.0).
        sigma = page.locator(".widget-hslider .noUi-handle").nth(1)
        page.wait_for_timeout(2000)  # let any late echo of a slider arrive
        shown = (slider.get_attribute("aria-valuenow"), sigma.get_attribute("aria-valuenow"))
        readout = page.locator(".widget-html table").first
        before, value_before = readout.inner_text(), slider.get_attribute("aria-valuenow")
        if not _drag_right(page, slider, value_before):
            pytest.fail(f"dragging the slider never moved it (aria-valuenow stayed "
                        f"{value_before}); see {ARTIFACTS / 'browser_failure.png'}")
        page.wait_for_function("([el, old]) => el.innerText !== old",
                               arg=[readout.element_handle(), before], timeout=60_000)
        after, value_after = readout.inner_text(), slider.get_attribute("aria-valuenow")
        page.screenshot(path=str(ARTIFACTS / "browser_lecture01.png"))
    assert tuple(map(float, shown)) == (0.0, 1.0), shown  # mu and sigma as the kernel has them
    assert float(value_after) > float(value_before)  # the slider moved ...
    assert after != before and "KL" in after  # ... and the readout followed


LAB_NOTEBOOK = """import gancourse as gc
from gancourse.widgets import LiveLab

device = gc.setup(seed=0)
lab = LiveLab("ring", seed=0, {options})
lab"""
# benchmarks/live_lab.py measures other settings through this variable
LAB_OPTIONS = os.environ.get("GANCOURSE_LAB_OPTIONS", "iterations_per_frame=3")
FPS_FILE = ARTIFACTS / "live_lab_fps.json"  # benchmarks/live_lab.py reads it


@pytest.fixture
def lab_notebook(tmp_path):
    """A JupyterLab server serving a notebook whose one cell shows the live lab."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        LAB_NOTEBOOK.format(options=LAB_OPTIONS))])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    with _serve(tmp_path, nb) as url:
        yield url


def _generator_step(readout) -> int:
    match = re.search(r"generator step\s+(\d+)", readout.inner_text())
    assert match, readout.inner_text()
    return int(match.group(1))


def test_live_lab_plays_and_pauses(lab_notebook):
    """Press play: the figure changes frame after frame and the step count rises; press
    pause: both stop. The display rate while playing is written to FPS_FILE."""
    with _browser_page() as (page, sync_api):
        _open_and_run_all(page, lab_notebook, sync_api)
        play = page.locator(".widget-toggle-button", has_text="play").first
        _wait_for_widget(page, play)
        readout = page.locator(".widget-html table").first
        readout.wait_for(state="attached", timeout=60_000)
        assert _generator_step(readout) == 0
        # count every new frame: the Image widget sets a new src on its <img>
        page.evaluate("""() => {
            const img = document.querySelector('img.widget-image');
            window.labFrames = 0;
            new MutationObserver(() => { window.labFrames += 1; })
                .observe(img, {attributes: true, attributeFilter: ['src']});
        }""")
        play.click()
        page.wait_for_function("() => window.labFrames >= 5", timeout=120_000)
        first, start = page.evaluate("() => window.labFrames"), time.monotonic()
        page.wait_for_timeout(5000)
        frames, seconds = page.evaluate("() => window.labFrames") - first, \
            time.monotonic() - start
        playing_step, readout_text = _generator_step(readout), readout.inner_text()
        page.locator(".widget-toggle-button", has_text="pause").first.click()
        page.wait_for_timeout(1500)  # a frame the kernel had already sent lands
        paused_step, paused_frames = _generator_step(readout), \
            page.evaluate("() => window.labFrames")
        page.wait_for_timeout(2500)
        still_step, still_frames = _generator_step(readout), \
            page.evaluate("() => window.labFrames")
        page.screenshot(path=str(ARTIFACTS / "browser_live_lab.png"))
    fps = frames / seconds
    FPS_FILE.write_text(json.dumps({"options": LAB_OPTIONS, "frames": frames,
                                    "seconds": seconds, "fps": fps, "steps": playing_step,
                                    "readout": readout_text}))
    print(f"live lab in the browser: {fps:.1f} frames per second", flush=True)
    assert frames >= 5 and playing_step > 0  # it played: new frames, new steps ...
    assert (still_step, still_frames) == (paused_step, paused_frames)  # ... and pause held


def test_present_a_lecture_as_live_slides(lab):
    """RISE (jupyterlab-rise, in requirements.txt) shows lecture 01 as a reveal.js slideshow
    at /rise/PATH, with the formulas typeset, and the right arrow moves to the next slide."""
    present = ("() => [...document.querySelectorAll('.reveal .slides > section')]"
               ".findIndex(s => s.classList.contains('present'))")
    with _browser_page() as (page, _sync_api):
        page.goto(lab.replace("/lab/tree/", "/rise/"))
        page.wait_for_selector(".reveal.ready", timeout=120_000)
        assert page.locator(".reveal .slides > section").count() >= 5
        page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 10",
                               timeout=60_000)
        assert page.evaluate(present) == 0
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => ({present})() === 1", timeout=20_000)
        assert page.locator(".reveal .slides > section.present h2").first.inner_text() \
            .startswith("1.")
        page.screenshot(path=str(ARTIFACTS / "rise_slide.png"))
