"""Executing and exporting notebooks: timing, static widgets, slides and the site's index."""

import pytest

from gancourse.publish import ExportError, execute, export, lecture_title, notebook_sources

SOURCE = '''# %% [markdown] slideshow={"slide_type": "slide"}
# # Lecture 99 · A tiny test
#
# Text on the first slide.

# %% slideshow={"slide_type": "skip"}
from gancourse.widgets import TransportExplorer

# %% slideshow={"slide_type": "subslide"}
TransportExplorer()
'''


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "99_tiny.py"
    path.write_text(SOURCE)
    return path


def test_execute_times_and_keeps_outputs(tiny):
    nb, seconds = execute(tiny, static=True)
    assert seconds > 0
    outputs = nb.cells[-1].outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the widget, as a figure
    assert lecture_title(tiny) == "Lecture 99 · A tiny test"
    bad = tiny.with_name("98_bad.py")
    bad.write_text("# %%\nraise ValueError('boom')\n")
    with pytest.raises(Exception, match="boom"):
        execute(bad)


@pytest.mark.slow
def test_export_html_and_slides(tiny, tmp_path):
    site = export("html", tmp_path / "site", [tiny])
    index, page = site
    assert "Lecture 99 · A tiny test" in index.read_text() and page.name == "99_tiny.html"
    assert "data:image/png;base64" in page.read_text()
    slides = export("slides", tmp_path / "slides", [tiny])
    text = slides[1].read_text()
    assert slides[1].name == "99_tiny.slides.html" and "reveal" in text.lower()
    assert "from gancourse.widgets import" not in text  # the "skip" cell stays out
    with pytest.raises(ValueError, match="kind must be"):
        export("pdf", tmp_path / "x", [tiny])


def test_a_failing_notebook_is_marked_and_the_others_exported(tiny, tmp_path):
    bad = tiny.with_name("01_bad.py")
    bad.write_text("# %% [markdown]\n# # Lecture 01 · Broken\n\n# %%\nx = 1\n"
                   "assert x == 2, 'the claim no longer holds'\n")
    with pytest.raises(ExportError, match="1 notebook\\(s\\) failed to run: .*/01_bad") as caught:
        export("html", tmp_path / "site", [bad, tiny])
    index, page = caught.value.pages
    assert page.name == "99_tiny.html" and page.is_file()  # the good one was still exported
    listing = index.read_text()
    assert "Lecture 99 · A tiny test" in listing
    assert "Lecture 01 · Broken" in listing and "did not run" in listing
    assert "AssertionError: the claim no longer holds at line 2" in listing
    assert not (tmp_path / "site" / "01_bad.html").exists()


def test_every_lecture_source_has_slide_metadata_and_a_title():
    for source in notebook_sources("lectures"):
        text = source.read_text()
        assert 'slideshow={"slide_type": "slide"}' in text, source.name
        assert lecture_title(source).startswith("Lecture"), source.name
