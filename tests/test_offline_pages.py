"""`course.py site` and `course.py slides` pages work with no internet: lecture 01 is exported
both ways, then opened from disk in headless Chromium with every network request refused; the
formulas must be typeset by the page's own copy of MathJax, and the slides must move.

Uses Debian's ``chromium`` driven by Playwright, like tests/test_browser.py; skips with the
reason when either is missing. The npm tarballs are fetched once into build/ (the registry is
reachable wherever the course installs its packages)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import CHROMIUM, needs_chromium

from gancourse.offline import PACKAGES, asset_urls
from gancourse.publish import export

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "test-offline"
LECTURE = ROOT / "lectures" / "01_mle_and_kl.py"

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.timeout(600)]

TYPESET = """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue &&
    MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0 &&
    document.querySelectorAll('.MathJax_CHTML').length > 0"""


@pytest.fixture(scope="module")
def pages():
    shutil.rmtree(OUT / "site", ignore_errors=True)
    shutil.rmtree(OUT / "slides", ignore_errors=True)
    site = export("html", OUT / "site", [LECTURE])
    slides = export("slides", OUT / "slides", [LECTURE])
    return site[1], slides[1]


@pytest.fixture
def offline_page():
    """A Chromium page that refuses every request that is not a file on disk; yields the page
    and the list of refused addresses."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        refused = []

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                refused.append(r.request.url)
                r.abort("internetdisconnected")

        context.route("**/*", route)
        try:
            yield context.new_page(), refused
        finally:
            browser.close()


def test_the_pages_point_at_their_own_copies(pages):
    """No script or style sheet a page loads is on the internet (nbconvert's Mermaid loader
    keeps its CDN address, but runs only on a page with Mermaid diagrams: the course has
    none)."""
    for page in pages:
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'(?:src|href)="(https?://[^"]+\.(?:js|css)[^"]*)"', text)
        assert remote == [], remote
        assert ".jp-Mermaid" not in text.split("<script", 1)[0] and "pre class=\"mermaid" \
            not in text
        assert asset_urls()["mathjax_url"] in text
        for name in PACKAGES:
            assert (page.parent / "assets" / name / ".version").read_text() == \
                PACKAGES[name].version
    assert asset_urls()["reveal_url_prefix"] + "/dist/reveal.js" in pages[1].read_text()


def _formulas(page) -> int:
    page.wait_for_function(TYPESET, timeout=60_000)
    assert page.locator(".MathJax_Error, .merror").count() == 0
    return page.locator(".MathJax_CHTML").count()


def test_the_site_page_typesets_its_formulas_offline(pages, offline_page):
    page, refused = offline_page
    page.goto(pages[0].as_uri())
    assert _formulas(page) >= 20  # lecture 01 writes dozens of formulas
    # the text of the lecture (not its code) has no TeX source left in it
    prose = page.evaluate("() => [...document.querySelectorAll('.jp-RenderedMarkdown')]"
                          ".map(e => e.innerText).join('\\n')")
    assert "Maximum likelihood" in prose and "\\mathrm{KL}" not in prose
    assert all("fonts.googleapis.com" in url for url in refused), refused


PRESENT = ("() => [...document.querySelectorAll('.reveal .slides > section')]"
           ".findIndex(s => s.classList.contains('present'))")


def test_the_slides_typeset_and_move_offline(pages, offline_page):
    """reveal.js runs as a require.js module here (no global Reveal): it marks the deck
    ready, the present slide, and the slide's number in the address."""
    page, refused = offline_page
    page.goto(pages[1].as_uri())
    page.wait_for_selector(".reveal.ready", timeout=60_000)
    assert _formulas(page) >= 10
    assert page.locator(".reveal .slides > section").count() >= 5
    assert page.evaluate(PRESENT) == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({PRESENT})() === 1", timeout=10_000)
    assert page.evaluate("() => location.hash") == "#/1"
    assert all("fonts.googleapis.com" in url for url in refused), refused
