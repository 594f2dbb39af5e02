"""A class on a JupyterHub, for real on 127.0.0.1: JupyterHub with the dummy authenticator and
the local process spawner behind configurable-http-proxy (from the npm registry), a student
logs in through the login page in headless Chromium, follows the nbgitpuller link that
``course.py hub-link`` makes (pointing at a local clone of the course), and runs the lecture's
first code cell. Then the lecture changes upstream and the student pulls again: what happens to
their edits, and the "fresh copy" recipe of the teachers' guide (hub/README.md).

Needs Chromium and Playwright (as tests/test_browser.py), npm (for the proxy, installed once
into build/), git, and jupyterhub and nbgitpuller (requirements.txt); skips with the reason
when one is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHROMIUM, free_port, needs_chromium, wait_for_server

from gancourse.hosting import nbgitpuller_link

ROOT = Path(__file__).resolve().parents[1]
CHP_VERSION = "5.3.0"
CHP_DIR = ROOT / "build" / f"configurable-http-proxy-{CHP_VERSION}"
LECTURE = "notebooks/lectures/01_mle_and_kl.ipynb"
OTHER = "notebooks/lectures/02_gan_game.ipynb"
PASSWORD = secrets.token_hex(8)

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.skipif(shutil.which("npm") is None,
                       reason="no npm: configurable-http-proxy comes from the npm registry"),
    pytest.mark.skipif(shutil.which("git") is None, reason="no git: nbgitpuller needs it"),
    pytest.mark.timeout(900),
]


def _proxy() -> Path:
    """configurable-http-proxy, installed from the npm registry into build/ (once)."""
    binary = CHP_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
    if not binary.exists():
        CHP_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix",
                        str(CHP_DIR), f"configurable-http-proxy@{CHP_VERSION}"], check=True,
                       timeout=300)
    return binary


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Teacher", "-c", "user.email=t@example.edu",
                           *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


def _upstream(tmp: Path) -> Path:
    """The course's repository as the hub sees it: a git repository named gan-course holding
    two of the hosted notebooks."""
    repo = tmp / "gan-course"
    for path in (LECTURE, OTHER):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, repo / path)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "the course")
    return repo


def _edit_upstream(repo: Path) -> None:
    """The teacher changes the lecture's title cell and the other lecture, and commits."""
    for path in (LECTURE, OTHER):
        nb = json.loads((repo / path).read_text())
        title = next(c for c in nb["cells"] if c["cell_type"] == "markdown"
                     and "".join(c["source"]).startswith("# Lecture"))
        title["source"] = ["# Lecture (revised in week 3)\n", *title["source"][1:]]
        (repo / path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    _git(repo, "commit", "-q", "-am", "week 3 revision")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    proxy = _proxy()
    port, hub_port, api_port = free_port(), free_port(), free_port()
    home = tmp / "home"
    settings = tmp / "lab-settings"  # as tests/test_browser.py: no kernel dialog, no news
    for name, values in {"notebook-extension/tracker": {"windowingMode": "none",
                                                        "autoStartDefaultKernel": True},
                         "apputils-extension/notification": {"fetchNews": "false"}}.items():
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    bin_dir = Path(sys.executable).parent
    config = tmp / "jupyterhub_config.py"
    config.write_text(f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{tmp / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{tmp / 'cookie_secret'}"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "{PASSWORD}"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{home}/{{username}}"
c.Spawner.cmd = ["{bin_dir / 'jupyterhub-singleuser'}"]
c.Spawner.default_url = "/lab"
c.Spawner.args = {(['--allow-root'] if root else [])!r} + [
    "--LabApp.user_settings_dir={settings}", "--LabApp.news_url=",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
c.Spawner.environment = {{"PATH": "{bin_dir}" + ":" + "{os.environ.get('PATH', '')}"}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
""")
    log = open(tmp / "hub.log", "w")
    server = subprocess.Popen([str(bin_dir / "jupyterhub"), "-f", str(config)], cwd=tmp,
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/hub/api", server, tmp / "hub.log", "JupyterHub")
        yield {"url": base, "tmp": tmp, "home": home, "upstream": _upstream(tmp),
               "log": tmp / "hub.log"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        subprocess.run(["pkill", "-f", f"127.0.0.1:{api_port}"], check=False)


@contextlib.contextmanager
def _student_page(hub):
    """Headless Chromium's page; on a failure, a screenshot and the hub's log are kept in
    build/test-artifacts/."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    artifacts = ROOT / "build" / "test-artifacts"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            yield page
        except Exception:
            artifacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / "hub_failure.png"))
            shutil.copy(hub["log"], artifacts / "hub_failure.log")
            raise
        finally:
            browser.close()


def _follow(page, link: str) -> None:
    """Open the nbgitpuller link and wait until JupyterLab shows the lecture, kernel idle."""
    page.goto(link)
    page.wait_for_url(f"**/lab/tree/gan-course/{LECTURE}*", timeout=180_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
    page.wait_for_function("() => { const k = document.querySelector("
                           "'.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName');"
                           " return k && k.innerText.includes('Python'); }", timeout=120_000)


def _run_first_code_cell(page, sync_api) -> str:
    """Run the notebook's first code cell as a user does (click it, Shift+Enter) and return
    what it printed. A kernel connection that is still settling can drop the request (the
    prompt stays blank): then run it again, as a user would."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    output = cell.locator(".jp-OutputArea-output").first
    for attempt in range(3):
        if attempt:
            print(f"the cell did not run; running it again ({attempt + 1})", flush=True)
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Escape")  # command mode: Shift+Enter runs the selected cell
        page.keyboard.press("Shift+Enter")
        try:
            output.wait_for(timeout=40_000)
            return output.inner_text()
        except sync_api.TimeoutError:
            continue
    pytest.fail("the cell never ran")


def test_a_class_on_a_hub(hub):
    with _student_page(hub) as page:
        _a_class(hub, page)


def _a_class(hub, page) -> None:
    link = nbgitpuller_link(hub["url"], f"file://{hub['upstream']}", LECTURE)
    clone = hub["home"] / "student" / "gan-course"

    # 1. A student logs in through the hub's login page; the hub starts their server.
    page.goto(f"{hub['url']}/hub/login")
    page.fill("input[name=username]", "student")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login_submit, input[type=submit], button[type=submit]")
    page.wait_for_url("**/user/student/**", timeout=180_000)

    # 2. The link clones the course into their home and opens the lecture.
    _follow(page, link)
    assert (clone / LECTURE).is_file() and (clone / OTHER).is_file()

    # 3. A cell runs: the hosted set-up cell finds the course installed, and knows the hub.
    from playwright import sync_api

    assert "Running on a JupyterHub" in _run_first_code_cell(page, sync_api)
    page.keyboard.press("Control+s")  # the student saves: their copy now holds the output
    page.wait_for_function("() => !document.title.startsWith('*') && "
                           "!document.querySelector('.jp-mod-dirty')", timeout=30_000)
    saved = json.loads((clone / LECTURE).read_text())
    assert any(c.get("outputs") for c in saved["cells"])

    # 4. The teacher revises both lectures upstream; the student follows the link again.
    _edit_upstream(hub["upstream"])
    _follow(page, link)
    mine = json.loads((clone / LECTURE).read_text())
    other = json.loads((clone / OTHER).read_text())
    titles = ["".join(c["source"]).splitlines()[0] for c in mine["cells"]
              if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("# Lecture")]
    # nbgitpuller merged: the student's output is kept, and the teacher's change to another
    # part of the same file arrived; the untouched lecture is the teacher's new version.
    assert any(c.get("outputs") for c in mine["cells"])
    assert titles == ["# Lecture (revised in week 3)"]
    assert (clone / OTHER).read_text() == (hub["upstream"] / OTHER).read_text()
    assert other["cells"]  # valid JSON, a notebook

    # 5. The "fresh copy" recipe: rename your copy, follow the link: the teacher's current
    # version comes back beside yours.
    (clone / LECTURE).rename(clone / LECTURE.replace(".ipynb", "-mine.ipynb"))
    _follow(page, link)
    assert (clone / LECTURE).read_text() == (hub["upstream"] / LECTURE).read_text()
    assert any(c.get("outputs") for c in json.loads(
        (clone / LECTURE.replace(".ipynb", "-mine.ipynb")).read_text())["cells"])
